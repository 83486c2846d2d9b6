"""How one mapping wants its endpoints kept in step: directions, conflicts, deletions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from syncd.core.capabilities import Capabilities

_EVERYTHING = Capabilities.everything()

BOTH = "both"
OFF = "off"
LAST_WRITER = "last-writer"
KEEP_BOTH = "keep-both"


@dataclass(frozen=True, slots=True)
class Direction:
    """``both`` (every endpoint is a source), one endpoint name (one-way from it) or ``off``."""

    value: str

    def is_source(self, endpoint: str) -> bool:
        return self.value == BOTH or self.value == endpoint

    def is_target(self, endpoint: str) -> bool:
        return self.value == BOTH or (self.value != OFF and self.value != endpoint)

    @property
    def off(self) -> bool:
        return self.value == OFF


@dataclass(frozen=True, slots=True)
class Policy:
    endpoints: tuple[str, ...]
    items: Direction = Direction(BOTH)
    notes: Direction = Direction(BOTH)
    statuses: Direction = Direction(OFF)
    media: Direction = Direction(OFF)
    order: Direction = Direction(OFF)
    deletes: bool = False
    conflicts: str = LAST_WRITER
    """An endpoint name (it wins), ``last-writer`` or ``keep-both``."""
    max_delete_share: float = 0.5
    min_delete_guard: int = 2
    """The share guard applies once a run would delete at least this many objects somewhere
    (the mapping's ``min_delete_guard``; the schema says why 2)."""
    allow_empty: bool = False
    capabilities: Mapping[str, Capabilities] = field(default_factory=dict)
    match: Mapping[str, re.Pattern[str]] = field(default_factory=dict)
    """Per endpoint, a regex whose ``key`` group (or whole match) gives an item's match key."""
    side_by_side: frozenset[str] = frozenset()
    """Endpoints whose writes run side by side (``concurrency`` above 1): items created there
    together land in the order their creations finish."""

    def caps(self, endpoint: str) -> Capabilities:
        """A policy built without an endpoint's capabilities (a planner test) lets it do all."""
        found = self.capabilities.get(endpoint)
        return found if found is not None else _EVERYTHING

    def match_key(self, endpoint: str, name: str) -> str:
        pattern = self.match.get(endpoint)
        if pattern is not None:
            found = pattern.search(name)
            if found is None:
                return ""
            name = found.group("key") if "key" in pattern.groupindex else found.group(0)
        return " ".join(name.casefold().split())
