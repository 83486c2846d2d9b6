"""ShotGrid rows to canonical objects, and the few queries that fetch them.

Notes carry their frame (and, when the author has no HumanUser, their author) in a text header
(see ``notetext``), so a note read back is the very canonical note that was written. The
queries avoid the filters the client or Mockgun mishandle: an empty ``in`` list is never sent,
and entity matches are spelled as ``any`` of ``is`` conditions, which every ShotGrid accepts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from syncd.connectors import notetext
from syncd.connectors.shotgrid.client import Fields, ShotGridCalls
from syncd.core.model import Attachment, Item, MediaRef, Note, Person

NOTE = "Note"
REPLY = "Reply"
CHUNK = 100
"""Conditions per query: keeps request bodies and server-side plans small on big playlists."""

USER_FIELDS = [
    f"{prefix}{suffix}"
    for prefix in ("user", "created_by")
    for suffix in ("", ".HumanUser.email", ".HumanUser.name")
]
NOTE_FIELDS = [
    "content",
    "note_links",
    "project",
    "created_at",
    "updated_at",
    "attachments",
    *USER_FIELDS,
]
ATTACHMENT_FIELDS = ["this_file", "filename", "file_size"]
REPLY_FIELDS = ["content", "entity", "created_at", "updated_at", *USER_FIELDS]


def link(entity_type: str, entity_id: int | str) -> dict[str, Any]:
    return {"type": entity_type, "id": int(entity_id)}


def note_id(kind: str, native: int) -> str:
    """Ids are per table in ShotGrid, so a canonical note id names its table."""
    return f"{kind}:{native}"


def split_note_id(value: str) -> tuple[str, int]:
    kind, _, native = value.partition(":")
    if kind not in (NOTE, REPLY) or not native.isdigit():
        raise ValueError(f"not a ShotGrid note id: {value!r}")
    return kind, int(native)


def utc(value: Any) -> datetime | None:
    """The client returns aware local times; Mockgun may hold naive ones or none."""
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0)


def stamp(value: Any) -> str | None:
    when = utc(value)
    return when.isoformat() if when else None


def version_fields(fields: Fields) -> list[str]:
    return ["code", "project", "updated_at", fields.status, fields.media, fields.task]


def item_from_row(row: dict[str, Any], fields: Fields) -> Item:
    media = row.get(fields.media)
    ref = None
    if isinstance(media, dict) and media.get("id") and media.get("link_type", "upload") == "upload":
        ref = MediaRef(token=str(media["id"]), filename=media.get("name"))
    return Item(
        id=str(row["id"]),
        name=row.get("code") or "",
        status=row.get(fields.status) or None,
        media=ref,
        token=stamp(row.get("updated_at")),
        modified=utc(row.get("updated_at")),
    )


def files_of(row: dict[str, Any], files: Mapping[int, dict[str, Any]]) -> tuple[Attachment, ...]:
    """A Note's uploaded files (links to web pages and local paths are no files to copy)."""
    out = []
    for linked in row.get("attachments") or []:
        found = files.get(int(linked.get("id") or 0)) if isinstance(linked, dict) else None
        if found is None:
            continue
        this = found.get("this_file") if isinstance(found.get("this_file"), dict) else {}
        if this.get("link_type", "upload") != "upload":
            continue
        name = found.get("filename") or this.get("name") or f"attachment-{found['id']}"
        out.append(
            Attachment(
                filename=str(name),
                token=str(found["id"]),
                size=found.get("file_size"),
                mime=this.get("content_type"),
                url=this.get("url"),
            )
        )
    return tuple(out)


def person_from_user(row: dict[str, Any]) -> Person | None:
    """The HumanUser who wrote it: ``user``, else ``created_by``; scripts (syncd) are nobody."""
    for field_name in ("user", "created_by"):
        user = row.get(field_name)
        if not isinstance(user, dict):
            continue
        if user.get("type") != "HumanUser":
            return None
        email = row.get(f"{field_name}.HumanUser.email") or None
        name = row.get(f"{field_name}.HumanUser.name") or user.get("name") or None
        return Person(email=email, name=name) if email or name else None
    return None


def note_from_row(
    row: dict[str, Any],
    kind: str,
    item: str,
    parent: str | None = None,
    files: tuple[Attachment, ...] = (),
) -> Note:
    text, author, frame = notetext.parse(row.get("content") or "")
    return Note(
        id=note_id(kind, row["id"]),
        item=item,
        text=text,
        parent=parent,
        author=author or person_from_user(row),
        frame=frame,
        created=utc(row.get("created_at")),
        modified=utc(row.get("updated_at")),
        token=stamp(row.get("updated_at")),
        attachments=files,
    )


def as_read(
    row: dict[str, Any], data: dict[str, Any], user: dict[str, Any] | None
) -> dict[str, Any]:
    """The created row as a later read sees it (the author fields come from the lookup)."""
    full = {**data, **row}
    if user:
        full.update(
            {
                "user": {"type": "HumanUser", "id": user["id"], "name": user.get("name")},
                "user.HumanUser.email": user.get("email"),
                "user.HumanUser.name": user.get("name"),
            }
        )
    return full


def note_item(row: dict[str, Any], versions: Iterable[str]) -> str | None:
    """The first linked Version that is in the playlist (a note may link several)."""
    present = set(versions)
    for linked in row.get("note_links") or []:
        if linked.get("type") == "Version" and str(linked.get("id")) in present:
            return str(linked["id"])
    return None


def subject_for(code: str, text: str, words: int = 8) -> str:
    head = " ".join(text.split()[:words])
    if len(text.split()) > words:
        head += "…"
    return f"{code}: {head}" if head else code


class Queries:
    """The reads the connector makes, each a single ``find`` per chunk."""

    def __init__(self, calls: ShotGridCalls) -> None:
        self.calls = calls
        self.fields = calls.fields

    def find(
        self,
        entity: str,
        filters: list[Any],
        names: list[str],
        order: list[dict[str, str]] | None = None,
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.calls.find(entity, filters, names, order=order)
        self.calls.require(entity, rows, names)
        return rows

    def by_ids(self, entity: str, ids: Iterable[int], names: list[str]) -> list[dict[str, Any]]:
        wanted = sorted(set(ids))
        rows: list[dict[str, Any]] = []
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            rows += self.find(entity, [["id", "in", chunk]], names)
        return rows

    def linked(
        self, entity: str, field: str, targets: list[dict[str, Any]], names: list[str]
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for start in range(0, len(targets), CHUNK):
            chunk = targets[start : start + CHUNK]
            group = {"filter_operator": "any", "filters": [[field, "is", t] for t in chunk]}
            rows += self.find(entity, [group], names)
        return sorted(rows, key=lambda r: r["id"])

    def connections(self, playlist_id: int) -> list[dict[str, Any]]:
        """The playlist's order: connection rows by sort order, then id."""
        order_field = self.fields.sort_order
        rows = self.find(
            "PlaylistVersionConnection",
            [["playlist", "is", link("Playlist", playlist_id)]],
            ["version", order_field],
            order=[
                {"field_name": order_field, "direction": "asc"},
                {"field_name": "id", "direction": "asc"},
            ],
        )
        rows = [r for r in rows if r.get("version")]
        return sorted(
            rows, key=lambda r: (r.get(order_field) is None, r.get(order_field) or 0.0, r["id"])
        )

    def versions(self, ids: Iterable[int]) -> list[dict[str, Any]]:
        return self.by_ids("Version", ids, version_fields(self.fields))

    def notes_on(self, version_ids: Iterable[str]) -> list[dict[str, Any]]:
        targets = [link("Version", v) for v in sorted(set(version_ids), key=int)]
        return self.linked(NOTE, "note_links", targets, NOTE_FIELDS)

    def files(self, note_rows: Iterable[dict[str, Any]]) -> dict[int, dict[str, Any]]:
        """The Attachment rows of these Notes' files, by id (one query per chunk, or none)."""
        ids = {
            int(linked["id"])
            for row in note_rows
            for linked in row.get("attachments") or []
            if isinstance(linked, dict) and linked.get("id")
        }
        if not ids:
            return {}
        return {int(r["id"]): r for r in self.by_ids("Attachment", ids, ATTACHMENT_FIELDS)}

    def replies_on(self, note_ids: Iterable[int]) -> list[dict[str, Any]]:
        targets = [link(NOTE, n) for n in sorted(set(note_ids))]
        return self.linked(REPLY, "entity", targets, REPLY_FIELDS)

    def find_created(
        self,
        kind: str,
        content: str,
        where: list[Any],
        known: Mapping[str, Any],
        by: int | None = None,
    ) -> dict[str, Any] | None:
        """The Note or Reply a create whose answer was lost may have made: same words and place,
        written by syncd's script (or as the person ``by`` it was posted as), not among
        ``known`` (the review's notes)."""
        names = NOTE_FIELDS if kind == NOTE else REPLY_FIELDS
        rows = self.find(kind, [where, ["content", "is", content]], names)
        for row in sorted(rows, key=lambda r: r["id"], reverse=True):
            if note_id(kind, row["id"]) in known:
                continue
            author = row.get("created_by")
            human = isinstance(author, dict) and author.get("type") not in (None, "ApiUser")
            if human and not (by is not None and author.get("id") == by):
                continue
            return row
        return None

    def last_event_id(self) -> int:
        row = self.calls.find_one(
            "EventLogEntry",
            [],
            ["id"],
            order=[{"field_name": "id", "direction": "desc"}],
        )
        return int(row["id"]) if row else 0
