"""Snapshots to JSON and back, for the state database's snapshot cache."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from syncd.core.model import Attachment, Item, MediaRef, Note, Person, Snapshot


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def item_to_dict(item: Item) -> dict[str, Any]:
    media = item.media
    return {
        "id": item.id,
        "name": item.name,
        "status": item.status,
        "media": None
        if media is None
        else {"token": media.token, "filename": media.filename, "sha256": media.sha256},
        "link": item.link,
        "token": item.token,
        "modified": _dt(item.modified),
    }


def item_from_dict(data: dict[str, Any]) -> Item:
    media = data.get("media")
    return Item(
        id=data["id"],
        name=data["name"],
        status=data.get("status"),
        media=MediaRef(**media) if media else None,
        link=data.get("link"),
        token=data.get("token"),
        modified=_parse_dt(data.get("modified")),
    )


def note_to_dict(note: Note) -> dict[str, Any]:
    author = note.author
    return {
        "id": note.id,
        "item": note.item,
        "text": note.text,
        "parent": note.parent,
        "author": None if author is None else _person_to_dict(author),
        "frame": note.frame,
        "created": _dt(note.created),
        "modified": _dt(note.modified),
        "link": note.link,
        "token": note.token,
        **(
            {"attachments": [_attachment_to_dict(a) for a in note.attachments]}
            if note.attachments
            else {}
        ),
    }


def _person_to_dict(person: Person) -> dict[str, Any]:
    out = {"email": person.email, "name": person.name}
    if person.login:
        out["login"] = person.login
    return out


def _attachment_to_dict(att: Attachment) -> dict[str, Any]:
    out = {
        "filename": att.filename,
        "sha256": att.sha256,
        "token": att.token,
        "size": att.size,
        "mime": att.mime,
    }
    if att.url:
        out["url"] = att.url
    return out


def note_from_dict(data: dict[str, Any]) -> Note:
    author = data.get("author")
    return Note(
        id=data["id"],
        item=data["item"],
        text=data["text"],
        parent=data.get("parent"),
        author=Person(**author) if author else None,
        frame=data.get("frame"),
        created=_parse_dt(data.get("created")),
        modified=_parse_dt(data.get("modified")),
        link=data.get("link"),
        token=data.get("token"),
        attachments=tuple(Attachment(**a) for a in data.get("attachments") or ()),
    )


def dump_snapshot(snapshot: Snapshot) -> str:
    return json.dumps(
        {
            "items": [item_to_dict(i) for i in snapshot.items],
            "notes": [note_to_dict(n) for n in snapshot.notes],
            "cursor": snapshot.cursor,
            "extra": snapshot.extra,
        },
        separators=(",", ":"),
    )


def load_snapshot(text: str) -> Snapshot:
    data = json.loads(text)
    return Snapshot(
        items=tuple(item_from_dict(i) for i in data["items"]),
        notes=tuple(note_from_dict(n) for n in data["notes"]),
        cursor=data.get("cursor"),
        extra=data.get("extra") or {},
    )
