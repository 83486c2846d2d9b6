"""The review as last read, and how it is brought up to date from rows ShotGrid returns.

A full read and an incremental one share the same steps: connections give membership and order,
Versions give items, Notes linked to those Versions and Replies under those Notes give notes. An
incremental read only passes the ids the event log named. Whatever can no longer be placed (a
note whose Version left the playlist, a reply whose note went away) is dropped at the end, so the
snapshot is the same whichever path built it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from syncd.connectors.shotgrid.client import Fields
from syncd.connectors.shotgrid.feed import EventCursor, Touched
from syncd.connectors.shotgrid.order import top_of
from syncd.connectors.shotgrid.rows import (
    NOTE,
    NOTE_FIELDS,
    REPLY,
    REPLY_FIELDS,
    Queries,
    files_of,
    item_from_row,
    note_from_row,
    note_id,
    note_item,
    split_note_id,
)
from syncd.core.model import Item, Note, Snapshot

Remember = Callable[[dict[str, Any]], None]


@dataclass
class Review:
    items: dict[str, Item] = field(default_factory=dict)
    """Version id -> item, in playlist order."""
    notes: dict[str, Note] = field(default_factory=dict)
    connections: dict[str, int] = field(default_factory=dict)
    """Version id -> PlaylistVersionConnection id."""
    top_order: float | None = None
    """The highest sort order in the playlist, where this run read the connections."""

    @classmethod
    def from_snapshot(cls, snap: Snapshot) -> Review:
        connections = json.loads(snap.extra.get("connections") or "{}")
        return cls(
            items={i.id: i for i in snap.items},
            notes={n.id: n for n in snap.notes},
            connections={str(k): int(v) for k, v in connections.items()},
        )

    def snapshot(self, cursor: EventCursor, playlist_id: int) -> Snapshot:
        notes = sorted(
            self.notes.values(), key=lambda n: (n.id.startswith(REPLY), split_note_id(n.id)[1])
        )
        return Snapshot(
            items=tuple(self.items.values()),
            notes=tuple(notes),
            cursor=str(cursor.last),
            extra={
                "playlist": str(playlist_id),
                "connections": json.dumps(self.connections, sort_keys=True),
                "backlog": cursor.dump_backlog(),
            },
        )

    # -- building ------------------------------------------------------------------------------
    def load(self, queries: Queries, playlist_id: int, remember: Remember) -> None:
        self.refresh(queries, playlist_id, Touched(order=True), remember)

    def refresh(
        self, queries: Queries, playlist_id: int, touched: Touched, remember: Remember
    ) -> None:
        added: list[str] = []
        if touched.order:
            rows = queries.connections(playlist_id)
            added = self._reorder(rows)
            self.top_order = top_of(rows, queries.fields.sort_order)
        wanted = {int(v) for v in added} | {v for v in touched.versions if str(v) in self.items}
        if wanted:
            self._update_items(queries.versions(wanted), wanted, remember, queries.fields)
        note_rows = queries.notes_on(added) if added else []
        if touched.notes:
            note_rows += queries.by_ids(NOTE, touched.notes, NOTE_FIELDS)
            for gone in touched.notes - {r["id"] for r in note_rows}:
                self.notes.pop(note_id(NOTE, gone), None)
        fresh_notes = self._update_notes(note_rows, queries.files(note_rows))
        reply_rows = queries.replies_on(fresh_notes) if fresh_notes else []
        if touched.replies:
            reply_rows += queries.by_ids(REPLY, touched.replies, REPLY_FIELDS)
            for gone in touched.replies - {r["id"] for r in reply_rows}:
                self.notes.pop(note_id(REPLY, gone), None)
        self._update_replies(reply_rows)
        self._prune()

    def _reorder(self, rows: list[dict[str, Any]]) -> list[str]:
        """Apply membership and order from connection rows; returns Versions new to the review."""
        order: list[str] = []
        connections: dict[str, int] = {}
        for row in rows:
            version = str(row["version"]["id"])
            if version not in connections:
                order.append(version)
                connections[version] = int(row["id"])
        added = [v for v in order if v not in self.items]
        placeholders = {v: Item(id=v, name="") for v in added}
        self.items = {v: self.items.get(v) or placeholders[v] for v in order}
        self.connections = connections
        return added

    def _update_items(
        self, rows: list[dict[str, Any]], wanted: set[int], remember: Remember, fields: Fields
    ) -> None:
        found = set()
        for row in rows:
            version = str(row["id"])
            if version in self.items:
                remember(row)
                self.items[version] = item_from_row(row, fields)
                found.add(row["id"])
        for gone in wanted - found:  # retired since: no longer part of the review
            self.items.pop(str(gone), None)
            self.connections.pop(str(gone), None)

    def _update_notes(
        self, rows: list[dict[str, Any]], files: dict[int, dict[str, Any]]
    ) -> list[int]:
        fresh = []
        for row in rows:
            key = note_id(NOTE, row["id"])
            item = note_item(row, self.items)
            if item is None:
                self.notes.pop(key, None)
                continue
            if key not in self.notes:
                fresh.append(int(row["id"]))
            self.notes[key] = note_from_row(row, NOTE, item, files=files_of(row, files))
        return fresh

    def _update_replies(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            key = note_id(REPLY, row["id"])
            parent = note_id(NOTE, row["entity"]["id"]) if row.get("entity") else None
            owner = self.notes.get(parent) if parent else None
            if owner is None or owner.parent is not None:
                self.notes.pop(key, None)
                continue
            self.notes[key] = note_from_row(row, REPLY, owner.item, parent)

    def _prune(self) -> None:
        """Drop what can no longer be placed; keep replies on their note's item."""
        for key, note in list(self.notes.items()):
            if note.parent is None and note.item not in self.items:
                del self.notes[key]
        for key, note in list(self.notes.items()):
            if note.parent is None:
                continue
            owner = self.notes.get(note.parent)
            if owner is None:
                del self.notes[key]
            elif owner.item != note.item:
                self.notes[key] = replace(note, item=owner.item)
