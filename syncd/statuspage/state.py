"""Read-only queries of one mapping's state: links, their members, the cached snapshots.

Everything the mapping and item pages show about objects comes from here, in three queries per
mapping (plus one per side's snapshot JSON), through the StateStore's engine and the schema's
tables. Nothing is written and no tracker is called: the snapshots are what the last successful
run read from each side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from syncd.core.model import Item, Note, Snapshot
from syncd.core.serialize import load_snapshot
from syncd.state import schema as t
from syncd.state.store import StateStore


@dataclass(frozen=True, slots=True)
class LinkRow:
    id: str
    kind: str
    item: str | None
    parent: str | None
    deleted: bool
    created_at: datetime | None


@dataclass(slots=True)
class Side:
    """One endpoint's cached snapshot, indexed by native id."""

    endpoint: str
    snapshot: Snapshot
    updated_at: datetime | None
    items: dict[str, Item] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    notes_by_item: dict[str, list[Note]] = field(default_factory=dict)

    @classmethod
    def build(cls, endpoint: str, snapshot: Snapshot, updated_at: datetime | None) -> Side:
        side = cls(endpoint, snapshot, updated_at)
        side.items = {i.id: i for i in snapshot.items}
        side.notes = {n.id: n for n in snapshot.notes}
        for note in snapshot.notes:
            side.notes_by_item.setdefault(note.item, []).append(note)
        return side


@dataclass(slots=True)
class MappingState:
    links: dict[str, LinkRow] = field(default_factory=dict)
    members: dict[str, dict[str, str]] = field(default_factory=dict)
    """Link id -> endpoint -> native id."""
    natives: dict[tuple[str, str, str], str] = field(default_factory=dict)
    """(kind, endpoint, native id) -> link id."""
    sides: dict[str, Side] = field(default_factory=dict)

    def link_of(self, kind: str, endpoint: str, native: str) -> str | None:
        link = self.natives.get((kind, endpoint, native))
        row = self.links.get(link) if link else None
        return link if row is not None and not row.deleted else None

    def item_of(self, link: str | None) -> str | None:
        """The item link a problem's link belongs to: itself, or its note's item."""
        row = self.links.get(link) if link else None
        if row is None:
            return None
        return row.id if row.kind == "item" else row.item

    def item_name(self, link: str) -> str | None:
        for endpoint, native in self.members.get(link, {}).items():
            side = self.sides.get(endpoint)
            item = side.items.get(native) if side else None
            if item is not None:
                return item.name
        return None


def aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def load_state(store: StateStore, mapping: str, *, snapshots: bool = True) -> MappingState:
    state = MappingState()
    with store.engine.connect() as conn:
        for row in conn.execute(
            select(
                t.links.c.id,
                t.links.c.kind,
                t.links.c.item_link,
                t.links.c.parent_link,
                t.links.c.deleted,
                t.links.c.created_at,
            ).where(t.links.c.mapping == mapping)
        ):
            state.links[row.id] = LinkRow(
                row.id,
                row.kind,
                row.item_link,
                row.parent_link,
                bool(row.deleted),
                aware(row.created_at),
            )
        for link, endpoint, kind, native in conn.execute(
            select(
                t.members.c.link_id, t.members.c.endpoint, t.members.c.kind, t.members.c.native_id
            ).where(t.members.c.mapping == mapping)
        ):
            state.members.setdefault(link, {})[endpoint] = native
            state.natives[(kind, endpoint, native)] = link
        if snapshots:
            for endpoint, data, updated in conn.execute(
                select(t.snapshots.c.endpoint, t.snapshots.c.data, t.snapshots.c.updated_at).where(
                    t.snapshots.c.mapping == mapping
                )
            ):
                try:
                    snap = load_snapshot(data)
                except (ValueError, KeyError, TypeError):
                    continue  # an unreadable cache entry shows as a side never read
                state.sides[endpoint] = Side.build(endpoint, snap, aware(updated))
    return state
