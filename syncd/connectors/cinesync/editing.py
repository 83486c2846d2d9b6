"""Editing a copy of the file's element tree so that it says what the model says.

Only values that differ from what was read are touched: the root's notes, groups and attributes;
the order, addition and removal of media; and, inside a media, its attributes, name, locators,
notes, groups, play range and annotations (notes and drawings). Every other element and attribute
of the file (zoom, pixel ratio, masks, colour grading, stereo, chat, unknown future elements,
comments) stays as it was, with its layout. Media elements keep their place among the root's
children; a reordered playlist moves the media elements through those places.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

from syncd.connectors.cinesync import layout
from syncd.connectors.cinesync.building import (
    build_annotation,
    build_drawing,
    build_locators,
    build_media,
    build_play_range,
    element,
)
from syncd.connectors.cinesync.document import Document
from syncd.connectors.cinesync.drawing import DRAWING_TAGS
from syncd.connectors.cinesync.model import Annotation, Media, Session
from syncd.connectors.cinesync.reading import frame_of, q

_DRAWING_QNAMES = frozenset(q(tag) for tag in DRAWING_TAGS)


def apply(doc: Document, session: Session) -> ET.Element:
    """A copy of ``doc``'s tree edited to match ``session``; ``doc`` itself is left alone."""
    root = copy.deepcopy(doc.root)
    old = doc.parsed
    unit = doc.unit
    _attribute(root, "version", str(old.version), str(session.version))
    _attribute(root, "sessionFeatures", old.features, session.features)
    _attribute(root, "userData", old.user_data, session.user_data)
    if session.groups != old.groups:
        _set_groups(root, "", session.groups, unit, default=0)
    if session.notes != old.notes:
        _set_notes(root, "", session.notes, unit, at=len(root))
    _set_media(root, doc, session.media)
    return root


def _attribute(elem: ET.Element, name: str, old: str | None, new: str | None) -> None:
    if new == old:
        return
    if new is None:
        elem.attrib.pop(name, None)
    else:
        elem.set(name, new)


def _set_media(root: ET.Element, doc: Document, media: tuple[Media, ...]) -> None:
    """Fill the media elements' places with the new order; add the surplus after the last one.

    Each place keeps the whitespace around it, so the playlist's lines keep their layout whatever
    moves through them; an element read from the file keeps its inside as it was.
    """
    unit = doc.unit
    children = list(root)
    slots = [k for k, e in enumerate(children) if e.tag == q("media")]
    slot_of = {position: slot for slot, position in enumerate(slots)}
    current = [children[k] for k in slots]
    pristine = [e for e in doc.root if e.tag == q("media")]
    indents = [layout.indent_of(root, k, "", unit) for k in slots]
    tails = [children[k].tail for k in slots]
    used: set[int] = set()
    placed: list[tuple[ET.Element, bool]] = []
    for item in media:
        origin = item._origin
        if origin is not None and origin[0] is doc:
            index = origin[1]
            elem = current[index] if index not in used else copy.deepcopy(pristine[index])
            used.add(index)
            _edit_media(elem, indents[index], doc.parsed.media[index], item, unit)
            placed.append((elem, False))
        else:
            placed.append((build_media(item), True))
    result: list[ET.Element] = []
    for k, child in enumerate(children):
        if child.tag != q("media"):
            result.append(child)
            continue
        slot = slot_of[k]
        if slot >= len(placed):  # a dropped place: what follows keeps its own indentation
            if result:
                result[-1].tail = tails[slot]
            else:
                root.text = tails[slot]
            continue
        elem, fresh = placed[slot]
        elem.tail = tails[slot]
        if fresh:
            layout.pretty(elem, indents[slot], unit)
        result.append(elem)
    if not result:
        root.text = None
    root[:] = result
    at = _after_last(root, "media")
    if at is None:
        notes = root.find(q("notes"))
        at = list(root).index(notes) if notes is not None else len(root)
    for k, (elem, fresh) in enumerate(placed[len(slots) :]):
        layout.insert(root, at + k, elem, "", unit, lay_out=fresh)


def _edit_media(elem: ET.Element, indent: str, old: Media, new: Media, unit: str) -> None:
    _attribute(elem, "userData", old.user_data, new.user_data)
    if new.active != old.active:
        _attribute(elem, "active", None, "true" if new.active else None)
    _attribute(elem, "currentFrame", _str(old.current_frame), _str(new.current_frame))
    if new.name != old.name:
        _set_leaf(elem, indent, "name", new.name, unit, at=0)
    if new.group_movie != old.group_movie:
        _set_group_movie(elem, indent, new.group_movie, unit)
    if new.locators != old.locators:
        built = build_locators(new.locators) if new.locators else None
        _replace(elem, indent, "locators", built, unit, after=("name",))
    if new.notes != old.notes:
        _set_notes(elem, indent, new.notes, unit, at=_after(elem, ("locators", "name")))
    if new.play_range != old.play_range:
        built = build_play_range(new.play_range) if new.play_range else None
        _replace(elem, indent, "playRange", built, unit, after=("notes", "locators", "name"))
    if new.groups != old.groups:
        _set_groups(elem, indent, new.groups, unit, default=len(elem))
    if new.annotations != old.annotations:
        _edit_annotations(elem, indent, old.annotations, new.annotations, unit)


def _edit_annotations(
    elem: ET.Element,
    indent: str,
    old: tuple[Annotation, ...],
    new: tuple[Annotation, ...],
    unit: str,
) -> None:
    before = {a.frame: a for a in old}
    after = {a.frame: a for a in new}
    found: dict[int, ET.Element] = {}
    for child in elem.findall(q("annotation")):
        frame = frame_of(child)
        if frame is not None:
            found.setdefault(frame, child)
    for frame in sorted(before.keys() - after.keys()):
        layout.remove(elem, found[frame])
    for frame, ann in after.items():
        if frame not in before:
            at = _annotation_position(elem, frame)
            layout.insert(elem, at, build_annotation(ann), indent, unit)
        elif ann != before[frame]:
            _edit_annotation(found[frame], elem, indent, before[frame], ann, unit)


def _edit_annotation(
    ann_elem: ET.Element,
    media: ET.Element,
    media_indent: str,
    old: Annotation,
    new: Annotation,
    unit: str,
) -> None:
    indent = layout.indent_of(media, list(media).index(ann_elem), media_indent, unit)
    if new.notes != old.notes:
        _set_notes(ann_elem, indent, new.notes, unit, at=0)
    if new.drawings != old.drawings:
        drawn = [c for c in ann_elem if c.tag in _DRAWING_QNAMES]
        at = list(ann_elem).index(drawn[0]) if drawn else len(ann_elem)
        for child in drawn:
            layout.remove(ann_elem, child)
        for k, drawing in enumerate(new.drawings):
            layout.insert(ann_elem, at + k, build_drawing(drawing), indent, unit)


def _annotation_position(elem: ET.Element, frame: int) -> int:
    """Before the first annotation of a later frame, else after the last one, else at the end."""
    children = list(elem)
    for k, child in enumerate(children):
        other = frame_of(child) if child.tag == q("annotation") else None
        if other is not None and other > frame:
            return k
    last = _after_last(elem, "annotation")
    return last if last is not None else len(children)


def _set_notes(parent: ET.Element, indent: str, text: str, unit: str, *, at: int) -> None:
    _set_leaf(parent, indent, "notes", text or None, unit, at=at)


def _set_leaf(
    parent: ET.Element, indent: str, tag: str, text: str | None, unit: str, *, at: int
) -> None:
    existing = parent.find(q(tag))
    if text is None:
        if existing is not None:
            layout.remove(parent, existing)
    elif existing is not None:
        existing.text = text
    else:
        layout.insert(parent, at, element(tag, text=text), indent, unit)


def _set_groups(
    parent: ET.Element, indent: str, groups: tuple[str, ...], unit: str, *, default: int
) -> None:
    """Rename groups in place, then add or remove at the end of the existing ones."""
    existing = parent.findall(q("group"))
    at = list(parent).index(existing[-1]) + 1 if existing else default
    for elem, name in zip(existing, groups, strict=False):
        elem.text = name
    for elem in existing[len(groups) :]:
        layout.remove(parent, elem)
    for k, name in enumerate(groups[len(existing) :]):
        layout.insert(parent, at + k, element("group", text=name), indent, unit)


def _set_group_movie(elem: ET.Element, indent: str, group: str | None, unit: str) -> None:
    existing = elem.find(q("groupMovie"))
    if group is None:
        if existing is not None:
            layout.remove(elem, existing)
        return
    if existing is None:
        existing = element("groupMovie")
        layout.insert(elem, 0, existing, indent, unit)
    inner = existing.find(q("group"))
    if inner is None:
        existing.append(element("group", text=group))
    else:
        inner.text = group


def _replace(
    parent: ET.Element,
    indent: str,
    tag: str,
    built: ET.Element | None,
    unit: str,
    *,
    after: tuple[str, ...],
) -> None:
    existing = parent.find(q(tag))
    if existing is None:
        if built is not None:
            layout.insert(parent, _after(parent, after), built, indent, unit)
        return
    if built is None:
        layout.remove(parent, existing)
        return
    position = list(parent).index(existing)
    built.tail = existing.tail
    parent[position] = built
    layout.pretty(built, layout.indent_of(parent, position, indent, unit), unit)


def _after(parent: ET.Element, tags: tuple[str, ...]) -> int:
    """Just after the first of ``tags`` that ``parent`` has, else at its start."""
    children = list(parent)
    for tag in tags:
        found = parent.find(q(tag))
        if found is not None:
            return children.index(found) + 1
    return 0


def _after_last(parent: ET.Element, tag: str) -> int | None:
    positions = [k for k, child in enumerate(parent) if child.tag == q(tag)]
    return positions[-1] + 1 if positions else None


def _str(value: int | None) -> str | None:
    return None if value is None else str(value)
