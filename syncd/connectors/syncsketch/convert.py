"""SyncSketch's objects to ours: items, comment frames and people, and back.

Frames are 0-based and ours 1-based; SyncSketch has no frameless comments, so its first frame
(where stills and frameless notes live) reads as no frame. syncd's link id rides in an item's
``metadata`` JSON. Ids arrive as bare ids, resource URIs or objects; ``id_of`` takes them all.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from syncd.connectors import notetext
from syncd.connectors.syncsketch.api import frame_uri
from syncd.core.fingerprints import normalize_text
from syncd.core.model import Item, MediaRef, Note, Person

LINK_KEY = "syncd_link"
NOTE_TYPES = frozenset({"comment", "sketch"})


def item(raw: dict[str, Any]) -> Item:
    item_id = str(raw["id"])
    media = None
    if has_media(raw):
        media = MediaRef(token=f"{item_id}:{raw['revision_id']}", filename=media_filename(raw))
    return Item(
        id=item_id,
        name=str(raw.get("name") or ""),
        status=raw.get("approval_status") or None,
        media=media,
        link=link_of(raw),
        token=raw.get("modified"),
        modified=time(raw.get("modified")),
    )


def has_media(raw: dict[str, Any]) -> bool:
    """An item shows media when it names a file (``media_url``) or says it holds an uploaded
    one (a ``size``). Which field serves the original is not documented: an item with a file
    but no ``media_url`` still has media, so that failing to download it is reported instead
    of the item passing for one without media."""
    if raw.get("revision_id") is None:
        return False
    return bool(raw.get("media_url")) or bool(raw.get("size"))


def is_note(raw: dict[str, Any]) -> bool:
    return raw.get("type") in NOTE_TYPES and bool(str(raw.get("text") or "").strip())


def note(raw: dict[str, Any]) -> Note:
    text, attributed, _ = notetext.parse(str(raw.get("text") or ""))
    creator = raw.get("creator") or None
    author = attributed or (person(creator) if creator else None)
    frame = frame_number(raw.get("frame"))
    parent = raw.get("parent_id") or raw.get("parent")
    return Note(
        id=str(raw["id"]),
        item=id_of(raw, "item"),
        text=text,
        parent=id_of(parent, "frame") if parent else None,
        author=author,
        frame=int(frame) + 1 if frame else None,
        created=time(raw.get("created")),
        modified=time(raw.get("modified")),
        token=raw.get("modified"),
    )


def person(raw: dict[str, Any]) -> Person:
    return Person(email=raw.get("email") or None, name=raw.get("full_name") or None)


def parent_fields(parent: str) -> dict[str, Any]:
    """A reply's parent in both forms: which one the service reads is not documented
    (Tastypie takes a resource URI in ``parent``; frames read back carry ``parent_id``)."""
    return {"parent": frame_uri(parent), "parent_id": int(parent) if parent.isdigit() else parent}


def words(text: Any) -> str:
    return normalize_text(notetext.parse(str(text or ""))[0])


def frame_number(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def frame_out(frame: int | None) -> int:
    """Ours are 1-based, theirs 0-based. SyncSketch has no "no frame": such notes go on its first
    frame, and its first frame reads back as no frame. Stills (every comment on frame 0) and
    frameless tracker notes are far more common than notes on the very first frame of a clip."""
    return max(0, frame - 1) if frame is not None else 0


def link_of(raw: dict[str, Any]) -> str | None:
    try:
        metadata = json.loads(raw.get("metadata") or "{}")
    except (TypeError, ValueError):
        return None
    link = metadata.get(LINK_KEY) if isinstance(metadata, dict) else None
    return link if isinstance(link, str) and link else None


def with_link(metadata: Any, link: str) -> str:
    """The item's metadata with syncd's link added, keeping whatever else others stored."""
    try:
        current = json.loads(metadata or "{}")
    except (TypeError, ValueError):
        current = {}
    if not isinstance(current, dict):
        current = {}
    return json.dumps({**current, LINK_KEY: link})


def media_filename(raw: dict[str, Any]) -> str:
    """The uploaded file's name (the media URL's last part), else the item's name."""
    url = str(raw.get("media_url") or "")
    name = unquote(PurePosixPath(urlsplit(url).path).name) if url else ""
    return name or str(raw.get("name") or raw["id"])


def id_of(value: Any, kind: str) -> str:
    """An id from a bare id, a resource URI or an object holding ``<kind>_id``/``<kind>``."""
    if isinstance(value, dict):
        value = value.get(f"{kind}_id") or value.get(kind)
    text = str(value or "").rstrip("/")
    return text.rsplit("/", 1)[-1]


def time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
