"""The one wrapper around every run in the service: metrics, health and log context.

The engine calls these hooks; nothing else in the service counts runs, so run history (the
engine's runs table), metrics and logs cannot disagree.
"""

from __future__ import annotations

import threading
import time

import structlog

from syncd.service.metrics import Metrics
from syncd.state.history import SUCCESS
from syncd.sync.engine import RunMonitor, RunResult

log = structlog.get_logger("syncd.service")

"""Outcomes that count as the mapping being in sync; ``partial`` skipped some objects only."""


class ServiceMonitor(RunMonitor):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self._lock = threading.Lock()
        self.last_outcome: dict[str, str] = {}
        self.last_success: dict[str, float] = {}

    def started(self, mapping: str) -> None:
        log.debug("run started", mapping=mapping)

    def action(self, mapping: str, kind: str, endpoint: str, ok: bool) -> None:
        self.metrics.actions.labels(mapping, kind, endpoint, str(ok).lower()).inc()

    def finished(self, result: RunResult) -> None:
        self._outcome(result.mapping, result.outcome, result.duration)

    def failed_to_start(self, mapping: str, duration: float) -> None:
        """A run that failed before the engine began (endpoint could not be opened)."""
        self._outcome(mapping, "failed", duration)

    def _outcome(self, mapping: str, outcome: str, duration: float) -> None:
        self.metrics.runs.labels(mapping, outcome).inc()
        self.metrics.duration.labels(mapping).observe(duration)
        with self._lock:
            self.last_outcome[mapping] = outcome
            if outcome in SUCCESS:
                now = time.time()
                self.last_success[mapping] = now
                self.metrics.last_success.labels(mapping).set(now)

    def overrun(self, mapping: str, seconds: float, allowed: float) -> None:
        self.metrics.overruns.labels(mapping).inc()
        log.warning(
            "run overran its schedule",
            mapping=mapping,
            seconds=round(seconds, 1),
            next_start_after=round(allowed, 1),
        )
