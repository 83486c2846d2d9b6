"""Running one mapping on behalf of the service: never twice at once, never lost, always watched.

Scheduled ticks, webhooks and Kitsu events all end here. A mapping already running is not
started again; a webhook or event arriving meanwhile is remembered and served by one more run
right after, so a burst of events costs at most one extra run and no change is left waiting for
the next tick. Every run goes through the service monitor (metrics, health) with the mapping and
trigger bound to the log context.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import structlog

from syncd.config import Config, MappingConfig
from syncd.errors import ConfigError, SyncdError
from syncd.service.leases import Leases
from syncd.service.monitor import ServiceMonitor
from syncd.state.store import StateStore
from syncd.sync.engine import RunMonitor, RunResult
from syncd.sync.runtime import run_mapping
from syncd.sync.sessions import Sessions

log = structlog.get_logger("syncd.service")


def allowed_seconds(mapping: MappingConfig, started: datetime) -> float | None:
    """Time from a run's start to the next scheduled start: what a run may take."""
    schedule = mapping.schedule
    if schedule.every:
        return schedule.every
    if schedule.cron:
        from apscheduler.triggers.cron import CronTrigger

        trigger = CronTrigger.from_crontab(schedule.cron, timezone=UTC)
        following = trigger.get_next_fire_time(None, started + timedelta(seconds=1))
        return None if following is None else (following - started).total_seconds()
    return None


class _Watch(RunMonitor):
    """Passes hooks on and notes whether the engine reported the run's end itself."""

    def __init__(self, inner: ServiceMonitor) -> None:
        self.inner = inner
        self.ended = False

    def started(self, mapping: str) -> None:
        self.inner.started(mapping)

    def action(self, mapping: str, kind: str, endpoint: str, ok: bool) -> None:
        self.inner.action(mapping, kind, endpoint, ok)

    def finished(self, result: RunResult) -> None:
        self.ended = True
        self.inner.finished(result)


class Runner:
    def __init__(
        self,
        config: Callable[[], Config],
        store: StateStore,
        monitor: ServiceMonitor,
        leases: Leases,
        stopping: threading.Event,
    ) -> None:
        self.config = config
        self.store = store
        self.monitor = monitor
        self.leases = leases
        self.stopping = stopping
        self._guard = threading.Condition()
        self._running: set[str] = set()
        self._again: set[str] = set()
        self.sessions = Sessions()
        """Each mapping's endpoints, kept open from one run to the next."""

    def busy(self, mapping: str) -> bool:
        with self._guard:
            return mapping in self._running

    def request(self, mapping: str) -> bool:
        """Ask for a run; True when a run is already going and one more was queued after it."""
        with self._guard:
            if mapping in self._running:
                self._again.add(mapping)
                return True
            return False

    def run(self, mapping: str, source: str = "schedule") -> None:
        with self._guard:
            if mapping in self._running:
                if source != "schedule":  # a tick during a run is covered by that run
                    self._again.add(mapping)
                return
            self._running.add(mapping)
        try:
            while True:
                self._run_once(mapping, source)
                with self._guard:
                    if mapping not in self._again or self.stopping.is_set():
                        self._running.discard(mapping)
                        self._again.discard(mapping)
                        self._guard.notify_all()
                        return
                    self._again.discard(mapping)
                source = "queued"
        except BaseException:
            with self._guard:
                self._running.discard(mapping)
                self._guard.notify_all()
            raise

    def wait_idle(self, timeout: float) -> bool:
        """Wait for runs in flight to end; False when some are still going after ``timeout``."""
        with self._guard:
            return self._guard.wait_for(lambda: not self._running, timeout)

    def _run_once(self, name: str, source: str) -> None:
        if self.stopping.is_set():
            return
        config = self.config()
        try:
            mapping = config.mapping(name)
        except ConfigError:
            return  # removed by a reload while queued
        if not self.leases.acquire(name):
            log.debug("mapping is run by another instance", mapping=name)
            return
        watch = _Watch(self.monitor)
        started_at = datetime.now(UTC)
        started = time.monotonic()
        with structlog.contextvars.bound_contextvars(mapping=name, trigger=source):
            try:
                run_mapping(
                    config,
                    self.store,
                    mapping,
                    monitor=watch,
                    should_stop=self.stopping.is_set,
                    sessions=self.sessions,
                )
            except SyncdError as exc:
                log.error("run failed", error=str(exc))
            except Exception as exc:  # a bug or a lost database must not stop the service
                log.exception("run crashed", error=f"{type(exc).__name__}: {exc}")
            duration = time.monotonic() - started
            if not watch.ended:
                self.monitor.failed_to_start(name, duration)
            allowed = allowed_seconds(mapping, started_at)
            if allowed is not None and duration > allowed:
                self.monitor.overrun(name, duration, allowed)
