"""How far a run's writes are, and how often that is told."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

PROGRESS_FROM = 30
"""Runs with at least this many writes report their progress (fewer are over at once)."""
STORE_PROGRESS_EVERY = 2.0
"""Seconds between progress updates in the run history (``syncd status``)."""
LOG_PROGRESS_EVERY = 10.0
"""Seconds between progress lines in the logs, when no progress bar shows it."""


@dataclass
class Progress:
    """How far a run's writes are: what ``RunMonitor.progress`` is told."""

    total: int
    done: int = 0
    failed: int = 0
    in_flight: int = 0
    started: float = field(default_factory=time.monotonic)

    def eta(self) -> float | None:
        """Seconds left at the pace so far, once there is a pace."""
        if not self.done or self.done >= self.total:
            return None
        elapsed = time.monotonic() - self.started
        return elapsed / self.done * (self.total - self.done)

    def to_dict(self) -> dict[str, Any]:
        eta = self.eta()
        return {
            "done": self.done,
            "total": self.total,
            "failed": self.failed,
            "in_flight": self.in_flight,
            "eta_s": None if eta is None else round(eta, 1),
        }
