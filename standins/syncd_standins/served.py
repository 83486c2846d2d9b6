"""How long a stand-in spends answering requests, the latency it was told to add left out.

A stand-in runs in one Python process, often on the machine of the client it serves: its own
work is part of every request's time. A benchmark reads ``ServiceTime`` to tell that work from
the latency it injected and from the client's.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

SPANS_KEPT = 100_000
"""Requests whose times are kept: a benchmark's worth, bounded for a stand-in left running."""


class ServiceTime:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._local = threading.local()
        self.seconds = 0.0
        self.requests = 0
        self.spans: deque[tuple[float, float]] = deque(maxlen=SPANS_KEPT)
        """(start, end) of the latest requests answered, on ``time.perf_counter``'s clock (the
        system's monotonic clock, the same in every process on the machine)."""

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Times one request, from read to answered (``sleep``s inside it are left out)."""
        self._local.slept = 0.0
        started = time.perf_counter()
        try:
            yield
        finally:
            ended = time.perf_counter()
            spent = ended - started - self._local.slept
            with self._lock:
                self.seconds += max(spent, 0.0)
                self.requests += 1
                self.spans.append((started, ended))

    def chain(self, start: float, end: float) -> int:
        """The most requests between ``start`` and ``end`` of which each was sent after the
        one before it was answered: the requests that, one after the other, made up the
        time (a client's dependent writes, or its pool full)."""
        with self._lock:
            spans = sorted((b, a) for a, b in self.spans if a >= start and b <= end)
        count, reach = 0, start
        for b, a in spans:
            if a >= reach:
                count += 1
                reach = b
        return count

    def busy(self, start: float, end: float) -> float:
        """Seconds between ``start`` and ``end`` during which at least one request was being
        answered: what is left of that time is the client's own, with nothing in flight."""
        with self._lock:
            spans = sorted(
                (max(a, start), min(b, end)) for a, b in self.spans if b > start and a < end
            )
        total, reach = 0.0, start
        for a, b in spans:
            if b > reach:
                total += b - max(a, reach)
                reach = b
        return total

    def sleep(self, seconds: float) -> None:
        """The injected latency: slept, and not counted as the stand-in's time. Only the
        ``seconds`` asked for are left out: waking late, or waiting for the interpreter after,
        is the stand-in's."""
        time.sleep(seconds)
        self._local.slept = getattr(self._local, "slept", 0.0) + seconds
