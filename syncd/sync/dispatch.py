"""Where a run's writes run: a thread pool per endpoint, or the applying thread itself when
the plan writes to one endpoint, one write at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack
from typing import Any


class _Here(Executor):
    """Runs each write as it is handed out, on the calling thread: with a single endpoint
    taking one write at a time, nothing could run beside it, and handing it to a worker
    thread and back costs more than recording it (a tenth of a millisecond per write)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future  # a kill (BaseException) goes up through the applier, as in a wait


class Dispatch:
    """Where writes run: a thread pool per endpoint. Tests substitute one that completes
    them in an order of their choosing (``tests/core/test_sync_properties.py``)."""

    def __init__(self) -> None:
        self._stack = ExitStack()

    def pool(self, endpoint: str, size: int, *, alone: bool = False) -> Executor:
        """The executor of ``endpoint``'s writes, ``size`` at a time; ``alone`` when no other
        endpoint has writes in the plan."""
        if alone and size == 1:
            return _Here()
        return self._stack.enter_context(ThreadPoolExecutor(size, f"syncd-{endpoint}"))

    def wait_any(self, futures: Iterable[Future[Any]]) -> set[Future[Any]]:
        """At least one finished future of ``futures``, blocking until there is one."""
        finished, _ = wait(futures, return_when=FIRST_COMPLETED)
        return finished

    def close(self) -> None:
        """Wait for what is still running (a run ending on an error) and free the threads."""
        self._stack.close()
