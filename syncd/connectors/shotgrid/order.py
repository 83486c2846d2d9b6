"""A playlist's order: the sort orders of its ``PlaylistVersionConnection`` rows.

``Places`` gives each Version a run adds to the playlist its sort order. The highest sort order
in the playlist is taken from the run's read of it (or read once, when the run did not read the
connections); a Version the run announced (``announce``, the plan's creations in plan order)
takes its place in that order, whichever of the creations side by side lands first, and the
others follow. So a first sync's Versions stand in the plan's order as they are created, and
the reordering after them finds nothing to write.

``reorder`` says which connections a reordering must write: none when the playlist already
stands in the asked order, each sort order strictly above the one before.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

Row = dict[str, Any]


def top_of(rows: list[Row], field: str) -> float:
    """The highest sort order among connection rows (0 for none)."""
    return max((float(r.get(field) or 0.0) for r in rows), default=0.0)


class Places:
    def __init__(self, read_top: Callable[[], float]) -> None:
        self._read_top = read_top
        self._lock = threading.Lock()
        self._top: float | None = None
        self._announced: dict[str, deque[int]] = {}
        self._given = 0
        """Places handed out so far past the announced ones (and the announced count)."""

    def reset(self, top: float | None = None) -> None:
        """A new read of the playlist: its highest sort order, when the read had it."""
        with self._lock:
            self._top = top
            self._announced = {}
            self._given = 0

    def announce(self, names: list[str]) -> None:
        """The codes of the Versions the run will add, in the order they should stand."""
        with self._lock:
            self._announced = {}
            for n, name in enumerate(names, start=self._given):
                self._announced.setdefault(name, deque()).append(n)
            self._given += len(names)

    def next(self, name: str) -> float:
        """The sort order of a Version of code ``name`` joining the playlist now."""
        with self._lock:
            if self._top is None:
                self._top = self._read_top()
            waiting = self._announced.get(name)
            if waiting:
                return self._top + 1.0 + waiting.popleft()
            self._given += 1
            return self._top + float(self._given)


def reorder(rows: list[Row], item_ids: list[str], field: str) -> list[tuple[Row, float]]:
    """(connection, sort order) for each connection to write so that the Versions stand in
    the order of ``item_ids`` (the others after them, as they stood); none when they do."""
    position = {item_id: n for n, item_id in enumerate(item_ids)}
    ranked = sorted(
        rows, key=lambda r: (position.get(str(r["version"]["id"]), len(position)), r["id"])
    )
    orders = [r.get(field) for r in ranked]
    if ranked == rows and all(
        isinstance(a, int | float) and isinstance(b, int | float) and a < b
        for a, b in itertools.pairwise(orders)
    ):
        return []
    return [(row, float(n + 1)) for n, row in enumerate(ranked) if row.get(field) != float(n + 1)]
