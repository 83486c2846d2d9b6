"""What the state database remembers of one mapping, as plain data the planner can read.

The engine loads it once per run; the planner never touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["item", "note"]
Aspect = Literal["status", "media", "content", "order"]
"""What of an object is compared and recorded: an item's status and media, a note's content,
an endpoint's order (under ``ORDER_LINK``)."""
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


@dataclass(frozen=True, slots=True)
class InDoubt:
    """A note create whose outcome is unknown: its answer was lost, or the run was killed.

    ``item`` and ``parent`` are the native ids on ``endpoint`` and ``fp`` the content
    fingerprint it was written with, as that system holds them; a note found there with that
    content on that item is this link's note, even where the system put it elsewhere in the
    thread than asked.
    """

    link: str
    endpoint: str
    item: str
    parent: str | None
    fp: str
    words: str | None = None
    """The fingerprint of its text and frame alone: a note written in several steps (the
    note, then its files) that was cut short after the first holds those."""
    gen: int | None = None
    """The generation it was written for (unknown in entries written before it was kept)."""


_EMPTY: dict[str, Any] = {}


@dataclass(slots=True)
class Recorded:
    """Links and fingerprints, indexed by plain string keys.

    Nested dictionaries keyed by strings (whose hashes Python caches) rather than tuple keys: at
    100k notes the planner does millions of lookups, and hashing tuples dominated its time.
    """

    links: dict[str, LinkRecord] = field(default_factory=dict)
    seen: dict[str, dict[str, dict[str, Seen]]] = field(default_factory=dict)
    """aspect -> endpoint -> link -> Seen. Aspects: status, media, content, order."""
    by_native: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    """kind -> endpoint -> native id -> link id; derived from ``links``."""
    note_index: dict[str, dict[str, tuple[str, Seen | None]]] = field(default_factory=dict)
    """endpoint -> native note id -> (link, recorded content): one lookup per note read."""
    in_doubt: dict[str, list[InDoubt]] = field(default_factory=dict)
    """endpoint -> creates whose outcome is unknown, oldest first."""
    items_in_doubt: dict[str, set[str]] = field(default_factory=dict)
    """endpoint -> item links whose create there has an unknown outcome."""

    def get_seen(self, link: str, endpoint: str, aspect: str) -> Seen | None:
        return self.seen.get(aspect, _EMPTY).get(endpoint, _EMPTY).get(link)

    def seen_for(self, aspect: str, endpoint: str) -> dict[str, Seen]:
        return self.seen.get(aspect, _EMPTY).get(endpoint, _EMPTY)

    def link_of(self, kind: str, endpoint: str, native: str) -> str | None:
        return self.by_native.get(kind, _EMPTY).get(endpoint, _EMPTY).get(native)

    def natives(self, kind: str, endpoint: str) -> dict[str, str]:
        return self.by_native.get(kind, _EMPTY).get(endpoint, _EMPTY)

    @classmethod
    def build(
        cls,
        links: Iterable[LinkRecord],
        seen: Iterable[tuple[str, str, str, Seen]] | Mapping[tuple[str, str, str], Seen] = (),
    ) -> Recorded:
        """From links and (link, endpoint, aspect) -> Seen facts."""
        rec = cls()
        for link in links:
            rec.links[link.id] = link
            for endpoint, native in link.members.items():
                rec.by_native.setdefault(link.kind, {}).setdefault(endpoint, {})[native] = link.id
        rows = (
            ((k[0], k[1], k[2], v) for k, v in seen.items()) if isinstance(seen, Mapping) else seen
        )
        for link_id, endpoint, aspect, value in rows:
            rec.seen.setdefault(aspect, {}).setdefault(endpoint, {})[link_id] = value
        content = rec.seen.get("content", {})
        for endpoint, natives in rec.by_native.get("note", {}).items():
            recorded = content.get(endpoint, {})
            rec.note_index[endpoint] = {
                native: (link_id, recorded.get(link_id)) for native, link_id in natives.items()
            }
        return rec
