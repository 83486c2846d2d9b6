"""The reconciliation report: per side, what is linked, what is not, and what is missing.

Links and their members are current (each is committed the moment a write succeeds), while a
side's cached snapshot is what syncd read at the start of its last complete run, before that
run's own writes. So the report counts from both: *linked* objects are the live links with a
member on the side, *unlinked* ones are objects the side showed that no link holds, and
*missing* ones are live links with nothing on the side. An item or note syncd wrote after the
read is linked and ``written``, not missing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from syncd.statuspage.state import MappingState

_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SideCounts:
    endpoint: str
    linked_items: int
    unlinked_items: int
    missing_items: int
    linked_notes: int
    unlinked_notes: int
    missing_notes: int
    read_at: datetime | None

    @property
    def items(self) -> int:
        return self.linked_items + self.unlinked_items

    @property
    def notes(self) -> int:
        return self.linked_notes + self.unlinked_notes


@dataclass(frozen=True, slots=True)
class SideCell:
    native: str
    status: str | None
    notes: int
    read: bool
    """False when syncd wrote the item after the side was last read."""


@dataclass(frozen=True, slots=True)
class ItemRow:
    link: str | None
    name: str
    sides: dict[str, SideCell | None]
    """Endpoint -> the item there, or None where it is missing."""


def side_counts(state: MappingState, endpoints: list[str]) -> list[SideCounts]:
    linked: Counter[tuple[str, str]] = Counter()
    missing: Counter[tuple[str, str]] = Counter()
    for row in state.links.values():
        if row.deleted:
            continue
        members = state.members.get(row.id, {})
        for endpoint in endpoints:
            (linked if endpoint in members else missing)[(row.kind, endpoint)] += 1
    out = []
    for endpoint in endpoints:
        side = state.sides.get(endpoint)
        loose_items = loose_notes = 0
        if side is not None:
            loose_items = sum(
                1 for i in side.snapshot.items if not state.link_of("item", endpoint, i.id)
            )
            loose_notes = sum(
                1 for n in side.snapshot.notes if not state.link_of("note", endpoint, n.id)
            )
        out.append(
            SideCounts(
                endpoint,
                linked[("item", endpoint)],
                loose_items,
                missing[("item", endpoint)],
                linked[("note", endpoint)],
                loose_notes,
                missing[("note", endpoint)],
                side.updated_at if side is not None else None,
            )
        )
    return out


def _note_counts(state: MappingState, endpoints: list[str]) -> Counter[tuple[str, str]]:
    """(item link, endpoint) -> notes on that item there, linked or not."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in state.links.values():
        if row.kind != "note" or row.deleted or row.item is None:
            continue
        for endpoint in state.members.get(row.id, {}):
            counts[(row.item, endpoint)] += 1
    for endpoint in endpoints:
        side = state.sides.get(endpoint)
        for note in side.snapshot.notes if side is not None else ():
            if state.link_of("note", endpoint, note.id) is None:
                item = state.link_of("item", endpoint, note.item)
                if item is not None:
                    counts[(item, endpoint)] += 1
    return counts


def item_rows(state: MappingState, endpoints: list[str]) -> list[ItemRow]:
    """Linked items in the first side's order (then the rest), then each side's unlinked ones."""
    notes = _note_counts(state, endpoints)
    order: dict[str, None] = {}
    unlinked: list[ItemRow] = []
    for endpoint in endpoints:
        side = state.sides.get(endpoint)
        if side is None:
            continue
        for item in side.snapshot.items:
            link = state.link_of("item", endpoint, item.id)
            if link is not None:
                order.setdefault(link)
                continue
            loose = sum(
                state.link_of("note", endpoint, n.id) is None
                for n in side.notes_by_item.get(item.id, ())
            )
            cell = SideCell(item.id, item.status, loose, True)
            unlinked.append(ItemRow(None, item.name, {endpoint: cell}))
    rest = sorted(
        (r for r in state.links.values() if r.kind == "item" and not r.deleted),
        key=lambda r: (r.created_at or _EPOCH, r.id),
    )
    for row in rest:
        order.setdefault(row.id)
    rows = []
    for link in order:
        cells: dict[str, SideCell | None] = {}
        for endpoint in endpoints:
            native = state.members.get(link, {}).get(endpoint)
            there = state.sides.get(endpoint)
            found = there.items.get(native) if there is not None and native else None
            if native is None:
                cells[endpoint] = None
            else:
                status = found.status if found is not None else None
                cells[endpoint] = SideCell(
                    native, status, notes[(link, endpoint)], found is not None
                )
        rows.append(ItemRow(link, state.item_name(link) or link, cells))
    return [*rows, *unlinked]
