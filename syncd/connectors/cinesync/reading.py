"""From a checked element tree to the model, forgiving what a person would forgive.

A session file can be hand-edited, written by a studio's own script or half-broken by a sync tool.
One bad frame number or one malformed stroke must not hide a whole review, so problems inside a
media are warnings, never errors: the faulty annotation or drawing is left out of the model and
left untouched in the file (writing edits the tree, it never drops what it did not understand).

Frame numbers below 1 (or not numbers) are skipped this way, with a warning naming the media and
the frame. A second annotation for a frame already seen is skipped the same way, so that editing
a frame's notes always edits one known element.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

from syncd.connectors.cinesync.document import Document
from syncd.connectors.cinesync.drawing import (
    DRAWING_TAGS,
    Arrow,
    Circle,
    Drawing,
    Erase,
    Line,
    Paint,
    Point,
    Text,
)
from syncd.connectors.cinesync.model import (
    NAMESPACE,
    Annotation,
    Locators,
    Media,
    PlayRange,
    Session,
)

_NS = f"{{{NAMESPACE}}}"
_NUMBER = re.compile(r"\s*\+?[0-9]+\s*")


def q(tag: str) -> str:
    """The qualified name of a cineSync element."""
    return _NS + tag


@dataclass
class _Notes:
    """Warnings collected while reading one file."""

    source: str
    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{self.source}: {where}: {message}")


def read_model(doc: Document) -> Session:
    """The session the tree describes; each media remembers which element it came from."""
    root = doc.root
    notes = _Notes(str(doc.source) if doc.source is not None else "session data")
    media = tuple(
        _media(elem, doc, index, notes)
        for index, elem in enumerate(e for e in root if e.tag == q("media"))
    )
    return Session(
        media=media,
        notes=_text(root.find(q("notes"))),
        groups=_groups(root),
        user_data=root.get("userData"),
        features=root.get("sessionFeatures", "standard"),
        version=int(root.get("version", "3")),
        source=doc.source,
        warnings=tuple(notes.items),
        _document=doc,
    )


def frame_of(elem: ET.Element) -> int | None:
    """An annotation element's frame number, or None when it is not a number of at least 1."""
    return whole_number(elem.get("frame"))


def whole_number(raw: str | None) -> int | None:
    """``raw`` as a number of at least 1 written in ASCII digits, else None."""
    if raw is None or not _NUMBER.fullmatch(raw) or int(raw) < 1:
        return None
    return int(raw)


def _media(elem: ET.Element, doc: Document, index: int, notes: _Notes) -> Media:
    name = _text(elem.find(q("name"))) or None
    where = f"media {index + 1} ({name})" if name else f"media {index + 1}"
    group_movie = elem.find(q("groupMovie"))
    locators = _locators(elem.find(q("locators")))
    if group_movie is None and not locators:
        notes.add(where, "has no locator (path, URL or short hash); cineSync cannot find its file")
    return Media(
        name=name,
        locators=locators,
        notes=_text(elem.find(q("notes"))),
        annotations=_annotations(elem, where, notes),
        groups=_groups(elem),
        user_data=elem.get("userData"),
        active=elem.get("active") == "true",
        current_frame=_current_frame(elem, where, notes),
        play_range=_play_range(elem.find(q("playRange")), where, notes),
        group_movie=_text(group_movie.find(q("group"))) if group_movie is not None else None,
        _origin=(doc, index),
    )


def _annotations(elem: ET.Element, where: str, notes: _Notes) -> tuple[Annotation, ...]:
    found: dict[int, Annotation] = {}
    for ann in elem.findall(q("annotation")):
        frame = frame_of(ann)
        if frame is None:
            notes.add(
                where,
                f"annotation frame {ann.get('frame')!r} is not a frame number of at least 1; "
                "skipped (left as it is in the file)",
            )
            continue
        if frame in found:
            notes.add(where, f"a second annotation for frame {frame}; skipped (left in the file)")
            continue
        drawings = tuple(
            d for child in ann if (d := _drawing(child, f"{where} frame {frame}", notes))
        )
        found[frame] = Annotation(frame, _text(ann.find(q("notes"))), drawings)
    return tuple(found.values())


def _drawing(elem: ET.Element, where: str, notes: _Notes) -> Drawing | None:
    if not isinstance(elem.tag, str) or not elem.tag.startswith(_NS):
        return None
    tag = elem.tag[len(_NS) :]
    if tag not in DRAWING_TAGS:
        return None
    try:
        return _READERS[tag](elem)
    except (TypeError, ValueError) as exc:
        notes.add(where, f"a <{tag}> that cannot be read ({exc}); skipped (left in the file)")
        return None


def _line(elem: ET.Element) -> Line:
    return Line(
        color=_need(elem, "color"),
        alpha=_float(elem, "alpha"),
        thickness=_float(elem, "thickness"),
        points=_points(elem),
        id=elem.get("id"),
    )


def _erase(elem: ET.Element) -> Erase:
    return Erase(thickness=_float(elem, "thickness"), points=_points(elem), id=elem.get("id"))


def _circle(elem: ET.Element) -> Circle:
    start, end = _rect(elem)
    return Circle(_need(elem, "color"), _float(elem, "alpha"), start, end, elem.get("id"))


def _arrow(elem: ET.Element) -> Arrow:
    start, end = _rect(elem)
    return Arrow(
        color=_need(elem, "color"),
        alpha=_float(elem, "alpha"),
        start=start,
        end=end,
        special=_flag(elem.find(q("special"))),
        flip_side=_flag(elem.find(q("flipSide"))),
        reverse=_flag(elem.find(q("reverse"))),
        id=elem.get("id"),
    )


def _text_box(elem: ET.Element) -> Text:
    start, end = _rect(elem)
    return Text(
        text=_text(elem.find(q("p"))),
        start=start,
        end=end,
        background=_paint(_child(elem, "background")),
        foreground=_paint(_child(elem, "foreground")),
        id=elem.get("id"),
    )


_READERS: dict[str, Callable[[ET.Element], Drawing]] = {
    "line": _line,
    "erase": _erase,
    "circle": _circle,
    "arrow": _arrow,
    "text": _text_box,
}


def _points(elem: ET.Element) -> tuple[Point, ...]:
    points = tuple(_point(p) for p in elem.findall(q("point")))
    if not points:
        raise ValueError("no <point>")
    return points


def _point(elem: ET.Element) -> Point:
    alpha = elem.get("alpha")
    return Point(_float(elem, "x"), _float(elem, "y"), float(alpha) if alpha else None)


def _rect(elem: ET.Element) -> tuple[Point, Point]:
    return _point(_child(elem, "startPoint")), _point(_child(elem, "endPoint"))


def _paint(elem: ET.Element) -> Paint:
    return Paint(_need(elem, "color"), _float(elem, "alpha"))


def _child(elem: ET.Element, tag: str) -> ET.Element:
    found = elem.find(q(tag))
    if found is None:
        raise ValueError(f"no <{tag}>")
    return found


def _need(elem: ET.Element, name: str) -> str:
    value = elem.get(name)
    if value is None:
        raise ValueError(f"no {name} attribute")
    return value


def _float(elem: ET.Element, name: str) -> float:
    return float(_need(elem, name))


def _flag(elem: ET.Element | None) -> bool | None:
    return None if elem is None else elem.get("value") == "true"


def _current_frame(elem: ET.Element, where: str, notes: _Notes) -> int | None:
    raw = elem.get("currentFrame")
    if raw is None:
        return None
    frame = whole_number(raw)
    if frame is not None:
        return frame
    notes.add(where, f"currentFrame {raw!r} is not a frame number of at least 1; ignored")
    return None


def _play_range(elem: ET.Element | None, where: str, notes: _Notes) -> PlayRange | None:
    if elem is None:
        return None
    try:
        return PlayRange(
            in_frame=int(_need(_child(elem, "inFrame"), "value")),
            out_frame=int(_need(_child(elem, "outFrame"), "value")),
            play_only_range=_flag(elem.find(q("playOnlyRange"))) is True,
        )
    except ValueError as exc:
        notes.add(where, f"a play range that cannot be read ({exc}); ignored (left in the file)")
        return None


def _locators(elem: ET.Element | None) -> Locators:
    if elem is None:
        return Locators()

    def texts(tag: str) -> tuple[str, ...]:
        return tuple(t for e in elem.findall(q(tag)) if (t := _text(e)))

    return Locators(paths=texts("path"), urls=texts("url"), short_hashes=texts("shortHash"))


def _groups(elem: ET.Element) -> tuple[str, ...]:
    return tuple(t for g in elem.findall(q("group")) if (t := _text(g)))


def _text(elem: ET.Element | None) -> str:
    return "" if elem is None else (elem.text or "")
