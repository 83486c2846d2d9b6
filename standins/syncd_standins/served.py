"""How long a stand-in spends answering requests, the latency it was told to add left out.

A stand-in runs in one Python process, often on the machine of the client it serves: its own
work is part of every request's time. A benchmark reads ``ServiceTime`` to tell that work from
the latency it injected and from the client's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class ServiceTime:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._local = threading.local()
        self.seconds = 0.0
        self.requests = 0

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Times one request, from read to answered (``sleep``s inside it are left out)."""
        self._local.slept = 0.0
        started = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - started - self._local.slept
            with self._lock:
                self.seconds += max(spent, 0.0)
                self.requests += 1

    def sleep(self, seconds: float) -> None:
        """The injected latency: slept, and not counted as the stand-in's time. Only the
        ``seconds`` asked for are left out: waking late, or waiting for the interpreter after,
        is the stand-in's."""
        time.sleep(seconds)
        self._local.slept = getattr(self._local, "slept", 0.0) + seconds
