"""Prometheus metrics of one service process, on a registry of its own.

A private ``CollectorRegistry`` (not the library's global one) keeps tests and embedded uses from
seeing each other's counters, and makes ``/metrics`` show exactly what syncd measures.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from syncd.connectors.http import add_request_listener, remove_request_listener

CONTENT_TYPE = CONTENT_TYPE_LATEST
DURATION_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.runs = Counter(
            "syncd_runs", "Finished runs by outcome.", ["mapping", "outcome"], registry=r
        )
        self.actions = Counter(
            "syncd_actions",
            "Writes applied to endpoints.",
            ["mapping", "kind", "endpoint", "ok"],
            registry=r,
        )
        self.api_requests = Counter(
            "syncd_api_requests", "HTTP requests sent to remote systems.", ["system"], registry=r
        )
        self.api_retries = Counter(
            "syncd_api_retries",
            "HTTP requests retried after a transient failure.",
            ["system"],
            registry=r,
        )
        self.last_success = Gauge(
            "syncd_last_success_timestamp",
            "Unix time of the mapping's last successful run.",
            ["mapping"],
            registry=r,
        )
        self.duration = Histogram(
            "syncd_run_duration_seconds",
            "Wall time of runs.",
            ["mapping"],
            buckets=DURATION_BUCKETS,
            registry=r,
        )
        self.overruns = Counter(
            "syncd_overrun",
            "Runs that lasted longer than the time to their next scheduled start.",
            ["mapping"],
            registry=r,
        )
        self.triggers = Counter(
            "syncd_triggers",
            "Runs asked for outside the schedule (webhook, kitsu-event, reload).",
            ["mapping", "source"],
            registry=r,
        )
        self.up = Gauge("syncd_start_timestamp", "Unix time the service started.", registry=r)
        self.up.set(time.time())

    # -- HTTP traffic, counted process-wide through the HTTP client's listener ------------------
    def _on_http(self, system: str, what: str) -> None:
        (self.api_requests if what == "request" else self.api_retries).labels(system).inc()

    def attach(self) -> None:
        add_request_listener(self._on_http)

    def detach(self) -> None:
        remove_request_listener(self._on_http)

    def render(self) -> bytes:
        return generate_latest(self.registry)
