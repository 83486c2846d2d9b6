"""The mapping's status table: one row per equivalent status across endpoints.

The canonical status is the row's index. A native value in no row becomes ``?value``: the planner
reports it and never propagates it, because guessing a status is worse than leaving it alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from syncd.core.model import Item, Snapshot

UNMAPPED_PREFIX = "?"
"""Canonical statuses that start with this are native values absent from the status table."""


@dataclass(frozen=True, slots=True)
class StatusTable:
    rows: tuple[Mapping[str, tuple[str, ...]], ...] = ()

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, str | Sequence[str]]]) -> StatusTable:
        built = []
        for row in rows:
            built.append({ep: (v,) if isinstance(v, str) else tuple(v) for ep, v in row.items()})
        return cls(tuple(built))

    def to_canonical(self, endpoint: str, native: str | None) -> str | None:
        if native is None or native == "":
            return None
        folded = native.casefold()
        for index, row in enumerate(self.rows):
            if any(v.casefold() == folded for v in row.get(endpoint, ())):
                return str(index)
        return UNMAPPED_PREFIX + native

    def to_native(self, endpoint: str, canonical: str) -> str | None:
        """The value to write on ``endpoint``: the first one its row lists."""
        try:
            values = self.rows[int(canonical)].get(endpoint, ())
        except (ValueError, IndexError):
            return None
        return values[0] if values else None

    def label(self, canonical: str) -> str:
        try:
            row = self.rows[int(canonical)]
        except (ValueError, IndexError):
            return canonical
        return "/".join(f"{ep}={values[0]}" for ep, values in row.items() if values)

    def canonicalize(self, endpoint: str, snapshot: Snapshot) -> Snapshot:
        items = tuple(self.canonical_item(endpoint, item) for item in snapshot.items)
        return replace(snapshot, items=items)

    def canonical_item(self, endpoint: str, item: Item) -> Item:
        return replace(item, status=self.to_canonical(endpoint, item.status))
