"""``syncd run`` as a service: one scheduled job per mapping, plus triggers, health and metrics.

Stopping (SIGTERM, SIGINT, or the Windows service manager) stops scheduling, asks runs in flight
to end at their next write boundary (every write is recorded atomically with its result, so
stopping between two writes loses nothing), and exits 0 once they have, or 1 after
``service.stop_timeout``. A second signal exits at once: the database's transactions keep the
state consistent and the next run recovers the write that was cut short. SIGHUP reloads the
configuration; a new configuration that does not load is reported and the old one keeps running.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import threading
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import TYPE_CHECKING, Any

import structlog
from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from syncd.config import Config, MappingConfig, load_config
from syncd.config.loader import Schedule, parse_duration
from syncd.errors import SyncdError
from syncd.service.health import Health, check_health
from syncd.service.leases import open_leases
from syncd.service.listener import Listener
from syncd.service.metrics import Metrics
from syncd.service.monitor import ServiceMonitor
from syncd.service.runner import Runner
from syncd.service.systemd import Notifier
from syncd.service.triggers import LiveTriggers
from syncd.service.webhook import WebhookAuth
from syncd.sync.runtime import open_store, require_mappings, select_mappings, state_url

if TYPE_CHECKING:
    from syncd.statuspage.site import StatusSite

log = structlog.get_logger("syncd.service")

EXIT_OK = 0
EXIT_TIMEOUT = 1


def make_trigger(schedule: Schedule) -> BaseTrigger:
    if schedule.cron:
        return CronTrigger.from_crontab(schedule.cron, timezone=UTC)
    return IntervalTrigger(
        seconds=schedule.every or 300, jitter=int(schedule.jitter) or None, timezone=UTC
    )


def _setting(config: Config, key: str, default: Any) -> Any:
    return config.service.get(key, default)


def _auth(config: Config) -> WebhookAuth:
    hook = config.service.get("webhook") or {}
    return WebhookAuth(
        hook.get("secret"), hook.get("token"), parse_duration(hook.get("replay_window", "5m"))
    )


class Daemon:
    def __init__(
        self, config: Config, mappings: list[str] | None = None, notifier: Notifier | None = None
    ) -> None:
        require_mappings(config)
        self.only = mappings
        self.config = config
        self.active: dict[str, MappingConfig] = {
            m.name: m for m in select_mappings(config, mappings)
        }
        self.started_at = datetime.now(UTC)
        self.notifier = notifier or Notifier()
        self.store = open_store(config)
        self.leases = open_leases(state_url(config))
        self.metrics = Metrics()
        self.monitor = ServiceMonitor(self.metrics)
        self.stopping = threading.Event()
        self.runner = Runner(
            lambda: self.config, self.store, self.monitor, self.leases, self.stopping
        )
        workers = int(_setting(config, "workers", 4))
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(workers)},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=UTC,
        )
        self.scheduler.add_listener(self._on_job_event, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)
        self._webhook = _auth(config)
        self.listener: Listener | None = None
        self._site: StatusSite | None = None
        self.events = LiveTriggers(self._on_live_event)
        self._wake = threading.Event()
        self._stop_requested = False
        self._reload_requested = False

    # -- what the HTTP listener calls ---------------------------------------------------------
    def health(self) -> Health:
        within = parse_duration(str(_setting(self.config, "healthy_within", "30m")))
        return check_health(self.store, sorted(self.active), within, self.started_at)

    def metrics_text(self) -> bytes:
        return self.metrics.render()

    def webhook_auth(self) -> WebhookAuth:
        return self._webhook

    def status_site(self) -> StatusSite | None:
        return self._site

    def next_runs(self) -> dict[str, datetime | None]:
        """When the scheduler runs each active mapping next, for the status page."""
        jobs = {job.id: job for job in self.scheduler.get_jobs()}
        return {
            name: getattr(jobs.get(name), "next_run_time", None) for name in sorted(self.active)
        }

    def _make_site(self) -> None:
        """The status page from the current configuration (off without ``service.ui.token``)."""
        from syncd.statuspage.serve import announce, make_site

        self._site = make_site(
            lambda: self.config, self.store, lambda: self.active.keys(), self.next_runs
        )
        if self.listener is not None:
            announce(self._site, self.listener.address)

    def trigger(self, mapping: str, source: str) -> bool:
        if mapping not in self.active or self.stopping.is_set():
            return mapping in self.active
        self.metrics.triggers.labels(mapping, source).inc()
        if not self.runner.request(mapping):
            self.scheduler.add_job(
                self.runner.run, args=(mapping, source), name=f"{mapping} ({source})"
            )
        return True

    def _on_live_event(self, system: str, event: str) -> None:
        for name, mapping in list(self.active.items()):
            if system in mapping.endpoints:
                self.trigger(name, "kitsu-event")

    def _on_job_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MAX_INSTANCES:
            log.debug("tick skipped: the previous run is still going", mapping=event.job_id)
        else:
            log.warning("tick missed: the scheduler was too busy", mapping=event.job_id)

    # -- jobs -----------------------------------------------------------------------------------
    def _schedule(self, mapping: MappingConfig, *, first_run: bool) -> None:
        schedule = mapping.schedule
        grace = max(1, int(schedule.every or 60))
        options: dict[str, Any] = {}
        if first_run and schedule.every:
            # interval mappings sync at start rather than one interval later; cron ones keep
            # to their hours
            offset = random.uniform(0, schedule.jitter) if schedule.jitter else 0.0
            options["next_run_time"] = datetime.now(UTC) + timedelta(seconds=offset)
        self.scheduler.add_job(
            self.runner.run,
            make_trigger(schedule),
            args=(mapping.name, "schedule"),
            id=mapping.name,
            name=mapping.name,
            replace_existing=True,
            misfire_grace_time=grace,
            **options,
        )

    def start(self) -> None:
        self.metrics.attach()
        self.scheduler.start()
        for mapping in self.active.values():
            self._schedule(mapping, first_run=True)
        listen = str(_setting(self.config, "listen", "") or "")
        if listen:
            self.listener = Listener(listen, self)
            self._make_site()
            self.listener.start()
        if not self._webhook.enabled and self.listener is not None:
            log.info("webhooks off: set service.webhook.secret or token to enable them")
        self.events.update(self.config)
        log.info("service started", mappings=sorted(self.active), pid=os.getpid())
        self.notifier.ready(f"running {len(self.active)} mapping(s)")

    # -- reload ---------------------------------------------------------------------------------
    def reload(self) -> bool:
        self.notifier.reloading()
        try:
            new = load_config(self.config.path)
            require_mappings(new)
            selected = {m.name: m for m in select_mappings(new, self.only)}
        except SyncdError as exc:
            log.error("reload failed; the running configuration stays", error=str(exc))
            self.notifier.ready(f"reload failed; running {len(self.active)} mapping(s)")
            return False
        for key in ("state_url",):
            if getattr(new, key) != getattr(self.config, key):
                log.warning("the state database changes only on restart")
        if new.service.get("listen", "") != self.config.service.get("listen", ""):
            log.warning("service.listen changes only on restart")
        if new.service.get("webhook") != self.config.service.get("webhook"):
            self._webhook = _auth(new)
        ui_changed = new.service.get("ui") != self.config.service.get("ui")
        old = self.active
        self.config = new
        self.active = selected
        if ui_changed and self.listener is not None:
            self._make_site()
        for name in old.keys() - selected.keys():
            if self.scheduler.get_job(name) is not None:
                self.scheduler.remove_job(name)
            self.leases.release(name)
        for name, mapping in selected.items():
            if name not in old or old[name].schedule != mapping.schedule:
                self._schedule(mapping, first_run=name not in old)
        self.events.update(new)
        log.info(
            "configuration reloaded",
            mappings=sorted(selected),
            added=sorted(selected.keys() - old.keys()),
            removed=sorted(old.keys() - selected.keys()),
        )
        self.notifier.ready(f"running {len(self.active)} mapping(s)")
        return True

    # -- the main loop --------------------------------------------------------------------------
    def request_stop(self) -> None:
        self._stop_requested = True
        self._wake.set()

    def request_reload(self) -> None:
        self._reload_requested = True
        self._wake.set()

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if signum == getattr(signal, "SIGHUP", None):
            self.request_reload()
            return
        if self._stop_requested:
            # a second signal: leave now; transactions keep the state whole
            sys.stderr.write("syncd: second signal, exiting at once\n")
            os._exit(128 + signum)
        self.request_stop()

    def install_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, self._on_signal)

    def loop(self) -> None:
        tick = 1.0
        if self.notifier.watchdog_interval:
            tick = min(tick, self.notifier.watchdog_interval / 2)
        while not self._stop_requested:
            self._wake.wait(tick)
            self._wake.clear()
            if self._reload_requested and not self._stop_requested:
                self._reload_requested = False
                self.reload()
            if self.scheduler.running:
                self.notifier.watchdog()

    def shutdown(self) -> int:
        timeout = float(_setting(self.config, "stop_timeout", 30))
        log.info("stopping", timeout_s=timeout)
        self.notifier.stopping("finishing runs in flight")
        self.stopping.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.events.stop()
        if self.listener is not None:
            self.listener.stop()
        idle = self.runner.wait_idle(timeout)
        if idle:
            self.runner.sessions.close()
        self.leases.close()
        self.metrics.detach()
        if not idle:
            log.error("runs still in flight after stop_timeout; exiting anyway", timeout_s=timeout)
            return EXIT_TIMEOUT
        self.store.dispose()
        log.info("stopped")
        return EXIT_OK

    def serve_forever(self, *, signals: bool = True) -> int:
        if signals:
            self.install_signals()
        try:
            self.start()
            self.loop()
        except BaseException:
            self.stopping.set()
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)
            self.events.stop()
            if self.listener is not None:
                self.listener.stop()
            raise
        return self.shutdown()


def serve(config: Config, mappings: list[str] | None = None) -> int:
    """Run the service until stopped; the process's exit code."""
    code = Daemon(config, mappings).serve_forever()
    if code != EXIT_OK:
        # worker threads stuck in a remote call would hold the interpreter open at exit
        sys.stderr.flush()
        os._exit(code)
    return code


__all__ = ["Daemon", "make_trigger", "serve"]
