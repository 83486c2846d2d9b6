"""Where a run's writes run: a thread pool per endpoint."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack
from typing import Any


class Dispatch:
    """Where writes run: a thread pool per endpoint. Tests substitute one that completes
    them in an order of their choosing (``tests/core/test_sync_properties.py``)."""

    def __init__(self) -> None:
        self._stack = ExitStack()

    def pool(self, endpoint: str, size: int) -> Executor:
        return self._stack.enter_context(ThreadPoolExecutor(size, f"syncd-{endpoint}"))

    def wait_any(self, futures: Iterable[Future[Any]]) -> set[Future[Any]]:
        """At least one finished future of ``futures``, blocking until there is one."""
        finished, _ = wait(futures, return_when=FIRST_COMPLETED)
        return finished

    def close(self) -> None:
        """Wait for what is still running (a run ending on an error) and free the threads."""
        self._stack.close()
