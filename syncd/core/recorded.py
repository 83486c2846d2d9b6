"""What the state database remembers of one mapping, as plain data the planner can read.

The engine loads it once per run; the planner never touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["item", "note"]
ORDER_LINK = "__order__"
"""Pseudo link id under which each endpoint's last synced playlist order is recorded."""


@dataclass(slots=True)
class LinkRecord:
    """One object as it exists across systems: its native id on each endpoint."""

    id: str
    kind: Kind
    members: dict[str, str] = field(default_factory=dict)
    item: str | None = None
    """For a note: the link of the item it is on."""
    parent: str | None = None
    """For a reply: the link of the note it answers."""
    deleted: bool = False
    """A tombstone: deleted on purpose, to be removed wherever it still exists."""


@dataclass(frozen=True, slots=True)
class Seen:
    """The fingerprint an endpoint held when it last agreed with generation ``gen``."""

    fp: str
    gen: int


@dataclass(slots=True)
class Recorded:
    links: dict[str, LinkRecord] = field(default_factory=dict)
    seen: dict[tuple[str, str, str], Seen] = field(default_factory=dict)
    """(link, endpoint, aspect) -> Seen. Aspects: status, media, content, order."""
    by_native: dict[tuple[str, str, str], str] = field(default_factory=dict)
    """(kind, endpoint, native id) -> link id; derived from ``links``."""

    @classmethod
    def build(cls, links: list[LinkRecord], seen: dict[tuple[str, str, str], Seen]) -> Recorded:
        rec = cls(links={link.id: link for link in links}, seen=seen)
        for link in links:
            for endpoint, native in link.members.items():
                rec.by_native[(link.kind, endpoint, native)] = link.id
        return rec
