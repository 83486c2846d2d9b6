"""New elements for what a connector adds: media, annotations, drawings, locators, play ranges.

Children and attributes come in the order cineSync itself saves them, so a file syncd extended
looks like one cineSync wrote. Numbers are written in their shortest exact form (``0.5``,
``0.123005``), so a value read from a file is written back with the same digits.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from syncd.connectors.cinesync.drawing import (
    Arrow,
    Circle,
    Drawing,
    Erase,
    Line,
    Paint,
    Point,
    Text,
)
from syncd.connectors.cinesync.model import Annotation, Locators, Media, PlayRange
from syncd.connectors.cinesync.reading import q


def element(tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> ET.Element:
    """A cineSync element with ``attrs`` in the given order."""
    elem = ET.Element(q(tag), attrs or {})
    elem.text = text
    return elem


def child(parent: ET.Element, tag: str, attrs: dict[str, str] | None = None) -> ET.Element:
    made = element(tag, attrs)
    parent.append(made)
    return made


def number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def boolean(value: bool) -> str:
    return "true" if value else "false"


def build_media(media: Media) -> ET.Element:
    attrs: dict[str, str] = {}
    if media.user_data is not None:
        attrs["userData"] = media.user_data
    if media.active:
        attrs["active"] = "true"
    if media.current_frame is not None:
        attrs["currentFrame"] = str(media.current_frame)
    elem = element("media", attrs)
    if media.group_movie is not None:
        child(elem, "groupMovie").append(element("group", text=media.group_movie))
    else:
        elem.append(element("name", text=media.name))
        if media.locators:
            elem.append(build_locators(media.locators))
        if media.notes:
            elem.append(element("notes", text=media.notes))
    if media.play_range is not None:
        elem.append(build_play_range(media.play_range))
    if media.group_movie is None:
        for ann in sorted(media.annotations, key=lambda a: a.frame):
            elem.append(build_annotation(ann))
    for group in media.groups:
        elem.append(element("group", text=group))
    return elem


def build_locators(locators: Locators) -> ET.Element:
    """Paths first, then URLs, then short hashes: the order of cineSync's own files."""
    elem = element("locators")
    for tag, values in (
        ("path", locators.paths),
        ("url", locators.urls),
        ("shortHash", locators.short_hashes),
    ):
        for value in values:
            elem.append(element(tag, text=value))
    return elem


def build_play_range(play_range: PlayRange) -> ET.Element:
    elem = element("playRange")
    child(elem, "inFrame", {"value": str(play_range.in_frame)})
    child(elem, "outFrame", {"value": str(play_range.out_frame)})
    child(elem, "playOnlyRange", {"value": boolean(play_range.play_only_range)})
    return elem


def build_annotation(ann: Annotation) -> ET.Element:
    elem = element("annotation", {"frame": str(ann.frame)})
    if ann.notes:
        elem.append(element("notes", text=ann.notes))
    for drawing in ann.drawings:
        elem.append(build_drawing(drawing))
    return elem


def build_drawing(drawing: Drawing) -> ET.Element:
    return _BUILDERS[type(drawing)](drawing)


def _with_id(attrs: dict[str, str], ident: str | None) -> dict[str, str]:
    if ident is not None:
        attrs["id"] = ident
    return attrs


def _line(line: Line) -> ET.Element:
    attrs = {"color": line.color, "alpha": number(line.alpha), "thickness": number(line.thickness)}
    elem = element("line", _with_id(attrs, line.id))
    for point in line.points:
        elem.append(_point("point", point))
    return elem


def _erase(erase: Erase) -> ET.Element:
    elem = element("erase", _with_id({"thickness": number(erase.thickness)}, erase.id))
    for point in erase.points:
        elem.append(_point("point", Point(point.x, point.y)))
    return elem


def _circle(circle: Circle) -> ET.Element:
    attrs = {"color": circle.color, "alpha": number(circle.alpha)}
    elem = element("circle", _with_id(attrs, circle.id))
    elem.extend([_point("startPoint", circle.start), _point("endPoint", circle.end)])
    return elem


def _arrow(arrow: Arrow) -> ET.Element:
    attrs = {"color": arrow.color, "alpha": number(arrow.alpha)}
    elem = element("arrow", _with_id(attrs, arrow.id))
    elem.extend([_point("startPoint", arrow.start), _point("endPoint", arrow.end)])
    for tag, flag in (
        ("special", arrow.special),
        ("flipSide", arrow.flip_side),
        ("reverse", arrow.reverse),
    ):
        if flag is not None:
            child(elem, tag, {"value": boolean(flag)})
    return elem


def _text(text: Text) -> ET.Element:
    elem = element("text", _with_id({}, text.id))
    elem.extend([_point("startPoint", text.start), _point("endPoint", text.end)])
    elem.extend([_paint("background", text.background), _paint("foreground", text.foreground)])
    elem.append(element("p", text=text.text))
    return elem


def _point(tag: str, point: Point) -> ET.Element:
    attrs = {"x": number(point.x), "y": number(point.y)}
    if point.alpha is not None:
        attrs["alpha"] = number(point.alpha)
    return element(tag, attrs)


def _paint(tag: str, paint: Paint) -> ET.Element:
    return element(tag, {"color": paint.color, "alpha": number(paint.alpha)})


_BUILDERS: dict[type, Callable[..., ET.Element]] = {
    Line: _line,
    Erase: _erase,
    Circle: _circle,
    Arrow: _arrow,
    Text: _text,
}
