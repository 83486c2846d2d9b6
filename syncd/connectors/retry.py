"""One retry policy for every client: backoff, ``Retry-After`` shared per system, and writes
that look before they retry.

Reads are idempotent and simply retried. Creating requests are not: when the answer to a
create is lost (a 502 after the service committed it, a connection dropped on the way back),
sending it again makes a second object. ``Retrier.once`` therefore asks the connector whether
the failed attempt landed after all before it tries again.

A 429 slows down the whole system, not just the thread that met it: the wait it asks for is
kept on the ``Retrier`` that every request of that system goes through, so concurrent callers
all hold back until it has passed.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from syncd.errors import RetriableError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    """Tries in all, the first one included."""
    backoff: float = 0.5
    """First wait in seconds; doubles each attempt."""
    max_wait: float = 60.0
    """No single wait is longer than this, whatever ``Retry-After`` says."""

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """The wait after failed attempt number ``attempt`` (1-based)."""
        if retry_after is not None:
            return min(self.max_wait, max(0.0, retry_after))
        return min(self.max_wait, self.backoff * 2 ** (attempt - 1))


class Retrier:
    """A policy plus the state one system's requests share: the pause a 429 asked for."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.clock = clock
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self._served = threading.local()

    @property
    def attempts(self) -> int:
        return self.policy.attempts

    def hold(self, seconds: float) -> None:
        """Every caller waits ``seconds`` from now before its next request (a 429 said so)."""
        with self._lock:
            self._resume_at = max(self._resume_at, self.clock() + seconds)

    def wait_turn(self) -> None:
        """Sleep while a 429's ``Retry-After`` is in force for this system.

        Each thread sits out a given hold once: after that, the hold has passed for it.
        """
        with self._lock:
            resume_at = self._resume_at
            left = resume_at - self.clock()
        if left <= 0 or getattr(self._served, "until", 0.0) >= resume_at:
            return
        self.sleep(left)
        self._served.until = resume_at

    def pause(self, attempt: int, exc: RetriableError) -> None:
        """The wait after a failed attempt; a ``Retry-After`` holds back every caller."""
        delay = self.policy.delay(attempt, exc.retry_after)
        if exc.retry_after is not None:
            self.hold(delay)
            with self._lock:
                resume_at = self._resume_at
            self.sleep(delay)
            self._served.until = resume_at
            return
        # a little jitter keeps concurrent callers from retrying in lockstep
        self.sleep(delay * (1 + random.random() * 0.1))

    def retrying(self, call: Callable[[], T], *, attempts: int | None = None) -> T:
        """Retry a whole idempotent operation (a read, a download that broke off half way)."""
        tries = attempts or self.policy.attempts
        for attempt in range(1, tries + 1):
            self.wait_turn()
            try:
                return call()
            except RetriableError as exc:
                if attempt == tries:
                    raise _gave_up(exc, attempt) from None
                self.pause(attempt, exc)
        raise AssertionError("unreachable")

    def once(
        self,
        send: Callable[[], T],
        landed: Callable[[], T | None],
        *,
        attempts: int | None = None,
    ) -> T:
        """Send a non-idempotent request; after a transient failure, look before retrying.

        ``send`` must make a single attempt. ``landed`` is asked, after each failed attempt,
        whether that attempt took effect after all; it answers the object it found (which is
        then returned as if the answer had arrived) or None, and may clean up what a failed
        attempt left half made. A failure of ``landed`` itself is retried like the send: an
        unanswered question is never taken for "it did not land".
        """
        tries = attempts or self.policy.attempts
        for attempt in range(1, tries + 1):
            self.wait_turn()
            try:
                return send()
            except RetriableError as exc:
                found = self.retrying(landed)
                if found is not None:
                    return found
                if attempt == tries:
                    raise _gave_up(exc, attempt) from None
                self.pause(attempt, exc)
        raise AssertionError("unreachable")


def _gave_up(exc: RetriableError, attempts: int) -> RetriableError:
    reason = str(exc)
    cut = reason.rfind(" (gave up after ")
    if cut != -1:
        reason = reason[:cut]
    return RetriableError(
        f"{reason} (gave up after {attempts} attempts)", retry_after=exc.retry_after
    )
