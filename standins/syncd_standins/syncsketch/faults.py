"""How the SyncSketch stand-in misbehaves on request, and what it saw.

``Faults`` are the failure modes a client must survive (latency, 5xx, 429 with ``Retry-After``,
HTML error pages, dropped connections, failures after a write was applied); ``Quirks`` are the
places where public facts leave the real service's answers open; ``RequestLog`` records every
request for tests to assert on. All three are plain state the HTTP layer consults per request.
"""

from __future__ import annotations

import collections
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# --------------------------------------------------------------------------- request log


@dataclass
class RequestRecord:
    """One request as the server saw it; ``status`` is None for a dropped connection."""

    method: str
    path: str
    query: dict[str, str]
    body: Any = None
    status: int | None = None
    user: str | None = None


class RequestLog:
    """Thread-safe list of requests; iterating yields ``(method, path, query)`` tuples."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def __iter__(self) -> Iterator[tuple[str, str, dict[str, str]]]:
        return iter([(r.method, r.path, r.query) for r in self.records()])

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def __getitem__(self, index: int) -> tuple[str, str, dict[str, str]]:
        record = self.records()[index]
        return (record.method, record.path, record.query)

    def matching(
        self, method: str | None = None, path_prefix: str | None = None
    ) -> list[RequestRecord]:
        return [
            r
            for r in self.records()
            if (method is None or r.method == method.upper())
            and (path_prefix is None or r.path.startswith(path_prefix))
        ]

    def count(self, method: str | None = None, path_prefix: str | None = None) -> int:
        return len(self.matching(method, path_prefix))

    def reset(self) -> None:
        with self._lock:
            self._records.clear()


# --------------------------------------------------------------------------- faults


@dataclass
class Fault:
    """What to do to one request instead of (or after) serving it."""

    kind: str  # "error" | "rate_limit" | "drop"
    status: int = 500
    after_commit: bool = False


@dataclass
class _Queued:
    fault: Fault
    remaining: int
    method: str | None
    path_prefix: str | None


@dataclass
class Faults:
    """Switchable failure modes, safe to change from a test while requests are in flight.

    Random faults draw from a seeded generator (three draws per request, always), so a
    given seed and request sequence fail the same way on every run. ``fail_next`` queues
    exact failures, optionally *after* the write was applied, which is how a lost response
    to a successful POST is simulated.
    """

    latency: float = 0.0
    fail_rate: float = 0.0
    fail_status: int = 500
    rate_limit: float = 0.0
    retry_after: int = 1
    rate_limit_body: str = "html"  # "json" | "html" | "empty"
    non_json_errors: bool = False
    drop_connection_rate: float = 0.0
    path_prefix: str | None = None  # random faults only hit paths under this prefix
    seed: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _queue: collections.deque[_Queued] = field(default_factory=collections.deque, repr=False)
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    def set(self, **changes: Any) -> None:
        """Change several settings at once (``seed=`` also restarts the generator)."""
        with self._lock:
            for name, value in changes.items():
                if name.startswith("_") or not hasattr(self, name):
                    raise AttributeError(f"unknown fault setting {name!r}")
                setattr(self, name, value)
            if "seed" in changes:
                self._rng.seed(self.seed)

    def reset(self) -> None:
        """Back to a healthy server; the seed is kept and the generator restarted."""
        defaults = Faults()
        with self._lock:
            for name in (
                "latency",
                "fail_rate",
                "fail_status",
                "rate_limit",
                "retry_after",
                "rate_limit_body",
                "non_json_errors",
                "drop_connection_rate",
                "path_prefix",
            ):
                setattr(self, name, getattr(defaults, name))
            self._queue.clear()
            self._rng.seed(self.seed)

    def fail_next(
        self,
        n: int = 1,
        kind: str = "error",
        *,
        status: int = 500,
        after_commit: bool = False,
        method: str | None = None,
        path_prefix: str | None = None,
    ) -> None:
        """Fail the next ``n`` requests matching ``method``/``path_prefix`` with ``kind``."""
        if kind not in ("error", "rate_limit", "drop"):
            raise ValueError(f"unknown fault kind {kind!r}")
        fault = Fault(kind, 429 if kind == "rate_limit" else status, after_commit)
        with self._lock:
            self._queue.append(_Queued(fault, n, method and method.upper(), path_prefix))

    def decide(self, method: str, path: str) -> Fault | None:
        with self._lock:
            draws = [self._rng.random() for _ in range(3)]
            for queued in self._queue:
                if queued.method in (None, method) and (
                    queued.path_prefix is None or path.startswith(queued.path_prefix)
                ):
                    queued.remaining -= 1
                    if queued.remaining <= 0:
                        self._queue.remove(queued)
                    return queued.fault
            if self.path_prefix and not path.startswith(self.path_prefix):
                return None
            if draws[0] < self.drop_connection_rate:
                return Fault("drop")
            if draws[1] < self.rate_limit:
                return Fault("rate_limit", 429)
            if draws[2] < self.fail_rate:
                return Fault("error", self.fail_status)
            return None


# --------------------------------------------------------------------------- quirks


@dataclass
class Quirks:
    """Where public facts leave the real service's behaviour open, the stand-in can take
    either side, so that the connector is tested against each answer it may meet."""

    reply_parent: tuple[str, ...] = ("parent", "parent_id")
    """Create fields read as a reply's parent (the resource URI ``parent``, ``parent_id``)."""
    create_ignores: frozenset[str] = frozenset()
    """Item fields the create call drops (``approval_status``, ``fps``)."""
    empty_create_answer: bool = False
    """Creates answer 201 with an empty body and a ``Location`` (Tastypie's default)."""
    empty_frames: bool = False
    """Frame listings answer no objects (a proxy's or an API's bad day)."""
