"""Python's cycle collector kept off what a run reads and plans from, while it applies.

A first sync holds tens of thousands of objects for the whole of its apply: the snapshots, the
recorded state, the plan. Each full collection of the cycle collector walks every one of them
(60 to 90 ms for 200 items and 2,000 notes) with all threads stopped, several times a run.
Frozen (``gc.freeze``), they are left out of collections until the run ends; what the apply
makes and drops is collected as usual. Runs side by side (the service's mappings) share one
freeze, undone when the last of them ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_runs = 0


@contextmanager
def frozen() -> Iterator[None]:
    """Leave the objects alive now out of the collector's work until the block ends."""
    global _runs
    with _lock:
        _runs += 1
        gc.freeze()
    try:
        yield
    finally:
        with _lock:
            _runs -= 1
            if _runs == 0:
                gc.unfreeze()
