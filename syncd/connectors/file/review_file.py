"""Reading a review file strictly: a file syncd cannot read as a review is refused whole.

A review file is input a person typed, so it is checked before anything is taken from it: a
note whose text is a list, a frame of ``-5``, two items with one name or a ``media:`` naming a
file that is not there would otherwise be synced as something the person did not mean, or
duplicated on every other side. The first problem stops the mapping's run (the engine reads every
side before it writes anything, so nothing is written anywhere from a half-read file) with one
line naming the file, the line, the item and note, and what to write instead.

Objects syncd wrote itself (they carry a ``syncd:`` key) may hold what another system allows:
two items with one name, a note without text (a ShotGrid note with only an attachment).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from syncd.errors import FatalError

# libyaml's parser when PyYAML was built with it: several times faster
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Path_ = tuple[str | int, ...]
_TEXT_TYPES = (str, int, float)


class ReviewFileError(FatalError):
    """The review file cannot be read as a review; the message says where and what to write."""


def read_review_file(path: Path) -> dict[str, Any]:
    """The parsed and checked review file (an empty mapping for an empty file)."""
    text = _text(path)
    node = _compose(path, text)
    if node is None:
        return {}
    try:
        data = _Loader(text).construct_document(node)
    except yaml.MarkedYAMLError as exc:  # a tag no plain YAML value has (!python/...)
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise ReviewFileError(f"{path}{line}: {exc.problem}; remove the tag") from None
    if not isinstance(data, dict):
        raise ReviewFileError(f"{path}: expected a mapping with review and items; fix the file")
    problem = next(_problems(data, path.parent), None)
    if problem is not None:
        where, message = problem
        raise ReviewFileError(f"{path}:{_line(node, where)}: {message}; fix the file and rerun")
    return data


def _text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReviewFileError(
            f"{path}:{line}: not a text file (byte 0x{data[exc.start]:02x} is not UTF-8); a "
            "review file is YAML saved as UTF-8 text"
        ) from None


def _compose(path: Path, text: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise ReviewFileError(
            f"{path}{line}: not valid YAML ({exc.problem}); fix the file and rerun"
        ) from None
    except yaml.YAMLError as exc:  # the reader: a control character
        position = getattr(exc, "position", None)
        line = f":{text.count(chr(10), 0, position) + 1}" if isinstance(position, int) else ""
        raise ReviewFileError(
            f"{path}{line}: not valid YAML (a control character is not allowed); remove it"
        ) from None
    finally:
        loader.dispose()


def _line(node: yaml.Node, path: Path_) -> int:
    """The line of the deepest node on ``path`` (a key's own line for a mapping's value)."""
    line = node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            found = next((kv for kv in node.value if kv[0].value == part), None)
            if found is None:
                break
            line = found[0].start_mark.line + 1
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


# -- the checks ------------------------------------------------------------------------------
Problem = tuple[Path_, str]


def _problems(data: dict[str, Any], folder: Path) -> Iterator[Problem]:
    items = data.get("items")
    if items is None:
        return
    if not isinstance(items, list):
        yield ("items",), "items: must be a list of items (- name: sh010)"
        return
    names: dict[str, tuple[int, bool]] = {}
    ids: dict[str, str] = {}
    for index, item in enumerate(items):
        at: Path_ = ("items", index)
        if not isinstance(item, dict):
            yield at, f"items[{index}]: an item must be a mapping such as {{name: sh010}}"
            return
        name = item.get("name")
        named = isinstance(name, str) and name.strip()
        label = f"items[{index}] {name!r}" if named else f"items[{index}]"
        yield from _item(item, at, label, folder)
        yield from _unique_name(item, index, at, label, names)
        yield from _unique_id(item, at, label, ids)
        yield from _notes(item.get("notes"), (*at, "notes"), f"{label}, notes", ids, folder)


def _item(item: dict[str, Any], at: Path_, label: str, folder: Path) -> Iterator[Problem]:
    name = item.get("name")
    if name is None or isinstance(name, bool) or not str(name).strip():
        if "syncd" not in item:  # a nameless item of another system, as syncd wrote it
            yield at, f"{label}: the item has no name; add name: followed by the shot's name"
    elif not isinstance(name, _TEXT_TYPES):
        yield (*at, "name"), f"{label}: name must be text, not a {_kind(name)}"
    status = item.get("status")
    if isinstance(status, bool):
        yield (*at, "status"), f"{label}: status reads as {status}; quote it"
    elif status is not None and not isinstance(status, _TEXT_TYPES):
        yield (*at, "status"), f"{label}: status must be text, not a {_kind(status)}"
    yield from _media(item.get("media"), (*at, "media"), label, folder)


def _media(media: Any, at: Path_, label: str, folder: Path) -> Iterator[Problem]:
    if media is None or media == "":
        return
    file = media.get("file") if isinstance(media, dict) else media
    if not isinstance(file, str) or not file.strip():
        yield at, f"{label}: media must name a file, such as media: media/sh010.mov"
        return
    if not (folder / file).is_file():
        yield (
            at,
            f"{label}: media file {file} does not exist in {folder}; put it there or remove "
            "the media: line",
        )


def _unique_name(
    item: dict[str, Any],
    index: int,
    at: Path_,
    label: str,
    names: dict[str, tuple[int, bool]],
) -> Iterator[Problem]:
    key = " ".join(str(item.get("name")).casefold().split())
    by_syncd = "syncd" in item
    first = names.setdefault(key, (index, by_syncd))
    if first[0] != index and not (by_syncd and first[1]):
        yield (
            (*at, "name"),
            f"{label}: the name is also used by items[{first[0]}]; item names must be unique "
            "in a review file: rename or remove one",
        )


def _unique_id(
    item: dict[str, Any], at: Path_, label: str, ids: dict[str, str]
) -> Iterator[Problem]:
    if item.get("id") in (None, ""):
        return
    key = f"item {item['id']}"
    if key in ids:
        yield (
            (*at, "id"),
            f"{label}: id {item['id']} is also the id of {ids[key]} (copied with its id?); "
            "remove the id: line of the copy",
        )
    ids.setdefault(key, label)


def _notes(
    notes: Any, at: Path_, label: str, ids: dict[str, str], folder: Path
) -> Iterator[Problem]:
    if notes is None:
        return
    if not isinstance(notes, list):
        yield at, f"{label}: must be a list of notes (- text: ...)"
        return
    for index, note in enumerate(notes):
        here: Path_ = (*at, index)
        name = f"{label}[{index}]"
        if not isinstance(note, dict):
            yield here, f"{name}: a note must be a mapping such as {{text: Tighten the arc.}}"
            return
        yield from _note(note, here, name)
        yield from _attachments(note.get("attachments"), (*here, "attachments"), name, folder)
        if note.get("id") not in (None, ""):
            key = f"note {note['id']}"
            if key in ids:
                yield (
                    (*here, "id"),
                    f"{name}: id {note['id']} is also the id of {ids[key]} (copied with its id?); "
                    "remove the id: line of the copy",
                )
            ids.setdefault(key, name)
        yield from _notes(note.get("replies"), (*here, "replies"), f"{name}.replies", ids, folder)


def _note(note: dict[str, Any], at: Path_, label: str) -> Iterator[Problem]:
    text = note.get("text")
    replies = " (it has replies)" if note.get("replies") else ""
    if isinstance(text, dict | list):
        yield (
            (*at, "text"),
            f"{label}: text is a {_kind(text)}; write the note as one text "
            "(use text: | for several lines)",
        )
    elif isinstance(text, bool):
        yield (*at, "text"), f"{label}: text reads as {text}; quote it"
    elif (text is None or not str(text).strip()) and not (
        "syncd" in note or note.get("attachments")
    ):
        yield (
            (*at, "text") if "text" in note else at,
            f"{label}: the note has no text{replies}; write its text, or remove the note",
        )
    author = note.get("author")
    if author is not None and not isinstance(author, str):
        yield (
            (*at, "author"),
            f"{label}: author must be text such as Alice Smith <alice@studio>, "
            f"not a {_kind(author)}",
        )
    yield from _frame(note, at, label)


def _attachments(files: Any, at: Path_, label: str, folder: Path) -> Iterator[Problem]:
    if files is None:
        return
    if not isinstance(files, list):
        yield at, f"{label}: attachments must be a list of files (- paintovers/sh010.png)"
        return
    for index, entry in enumerate(files):
        here: Path_ = (*at, index)
        file = entry.get("file") if isinstance(entry, dict) else entry
        if not isinstance(file, str) or not file.strip():
            yield (
                here,
                f"{label}: attachments[{index}] must name a file, such as "
                "- paintovers/sh010.png (a path from the review file's folder)",
            )
            return
        if not (folder / file).is_file():
            yield (
                here,
                f"{label}: attachment {file} does not exist in {folder}; put it there or "
                "remove its line",
            )
            return


def _frame(note: dict[str, Any], at: Path_, label: str) -> Iterator[Problem]:
    frame = note.get("frame")
    whole = isinstance(frame, int) and not isinstance(frame, bool)
    if frame is None or (whole and (frame >= 1 or "syncd" in note)):
        return  # another system may hold frame 0 or -5 in a header: kept as syncd wrote it
    shown = repr(frame) if isinstance(frame, _TEXT_TYPES) else f"a {_kind(frame)}"
    yield (
        (*at, "frame"),
        f"{label}: frame {shown} is not a frame number; write a whole number from 1 "
        "(the first frame), or remove the frame: line",
    )


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return type(value).__name__
