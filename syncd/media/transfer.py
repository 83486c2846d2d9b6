"""Moving many media files at once, a few at a time, and saying afterwards what moved.

Dailies are many large files per playlist: one at a time leaves the link idle between requests,
all at once overwhelms the systems (and our disk). ``run_transfers`` keeps a bounded number in
flight, retries each transfer on transient failures and, when a transfer fails for good, lets
the caller delete the half-created remote object so nothing half-uploaded is left behind. The
``TransferReport`` lists what moved (with the hash of the bytes that moved) and what failed and
why, for the run's summary and as JSON.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import requests
import structlog

from syncd.errors import ConfigError, FatalError, RetriableError, SyncdError
from syncd.media.hashing import Digest

log = structlog.get_logger("syncd.media")


@dataclass(frozen=True, slots=True)
class TransferJob:
    """One upload or download: ``send`` makes one attempt and returns what moved.

    ``cleanup`` (optional) removes what a failed ``send`` may have created remotely; it runs
    once, after the last failed attempt. ``send`` must tolerate being called again after a
    failure (a new request body each time, a rewound reader).
    """

    system: str
    item: str
    send: Callable[[], Digest]
    cleanup: Callable[[], None] | None = None


@dataclass(frozen=True, slots=True)
class Moved:
    system: str
    item: str
    sha256: str
    bytes: int
    seconds: float  # of the attempt that succeeded
    attempts: int


@dataclass(frozen=True, slots=True)
class Failed:
    system: str
    item: str
    error: str
    attempts: int
    cleaned_up: bool | None = None  # None: no cleanup was supplied or needed
    cleanup_error: str | None = None


@dataclass
class TransferReport:
    """What moved and what did not; ``fatal`` is the error that stopped the batch, if any."""

    success: list[Moved] = field(default_factory=list)
    errored: list[Failed] = field(default_factory=list)
    seconds: float = 0.0
    fatal: SyncdError | None = None

    @property
    def bytes_moved(self) -> int:
        return sum(moved.bytes for moved in self.success)

    def raise_fatal(self) -> None:
        """Re-raise the error that stopped the batch (after recording what did move)."""
        if self.fatal is not None:
            raise self.fatal

    def to_dict(self) -> dict[str, Any]:
        return {
            "success": [asdict(moved) for moved in self.success],
            "errored": [asdict(failed) for failed in self.errored],
            "bytes": self.bytes_moved,
            "seconds": round(self.seconds, 3),
            "fatal": str(self.fatal) if self.fatal is not None else None,
        }


def _retriable(exc: Exception) -> bool:
    if isinstance(exc, RetriableError):
        return True
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        status = exc.response.status_code
        return status == 429 or status >= 500
    return isinstance(exc, OSError) and not isinstance(exc, SyncdError)


def _describe(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, SyncdError):
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _Batch:
    """The shared state of one ``run_transfers`` call (results, the stop flag)."""

    def __init__(self, attempts: int, backoff: float, max_backoff: float, stop: threading.Event):
        self.attempts, self.backoff, self.max_backoff = attempts, backoff, max_backoff
        self.stop = stop
        self.lock = threading.Lock()
        self.report = TransferReport()

    def run(self, job: TransferJob) -> None:
        if self.stop.is_set():
            reason = f"not sent: {self.report.fatal}" if self.report.fatal else "not sent: stopped"
            self._failed(Failed(job.system, job.item, reason, 0))
            return
        for attempt in range(1, self.attempts + 1):
            started = time.monotonic()
            try:
                digest = job.send()
            except Exception as exc:
                last = attempt == self.attempts or not _retriable(exc) or self.stop.is_set()
                if isinstance(exc, (FatalError, ConfigError)):
                    with self.lock:
                        self.report.fatal = self.report.fatal or exc
                    self.stop.set()
                if not last:
                    log.info(
                        "transfer failed; retrying",
                        system=job.system,
                        item=job.item,
                        attempt=attempt,
                        error=_describe(exc),
                    )
                    delay = getattr(exc, "retry_after", None)
                    delay = delay if delay is not None else self.backoff * 2 ** (attempt - 1)
                    if not self.stop.wait(min(delay, self.max_backoff)):
                        continue  # a stop during the wait gives up at once
                self._failed(self._give_up(job, exc, attempt))
                return
            moved = Moved(
                job.system,
                job.item,
                digest.sha256,
                digest.size,
                time.monotonic() - started,
                attempt,
            )
            with self.lock:
                self.report.success.append(moved)
            return

    def _give_up(self, job: TransferJob, exc: Exception, attempts: int) -> Failed:
        error = _describe(exc)
        log.warning("transfer failed", system=job.system, item=job.item, error=error)
        if job.cleanup is None:
            return Failed(job.system, job.item, error, attempts)
        try:
            job.cleanup()
        except Exception as cleanup_exc:
            why = _describe(cleanup_exc)
            log.warning("cleanup after a failed transfer failed", item=job.item, error=why)
            return Failed(job.system, job.item, error, attempts, False, why)
        return Failed(job.system, job.item, error, attempts, True)

    def _failed(self, failed: Failed) -> None:
        with self.lock:
            self.report.errored.append(failed)


def run_transfers(
    jobs: Iterable[TransferJob],
    concurrency: int = 4,
    *,
    attempts: int = 3,
    backoff: float = 1.0,
    max_backoff: float = 30.0,
    stop: threading.Event | None = None,
) -> TransferReport:
    """Run ``jobs`` with at most ``concurrency`` in flight; every job ends in the report.

    A job is retried up to ``attempts`` times in all on transient failures (``RetriableError``,
    connection errors, HTTP 429 and 5xx), waiting ``backoff`` seconds doubling each time (or
    the system's Retry-After). A ``SkippableError`` or any other error fails it at once. A
    ``FatalError`` stops the batch: jobs not yet started are reported as not sent, and
    ``report.fatal`` holds the error (``report.raise_fatal()`` re-raises it). Setting ``stop``
    does the same without an error (the service is shutting down).
    """
    if concurrency < 1 or attempts < 1:
        raise ValueError("concurrency and attempts must be at least 1")
    batch = _Batch(attempts, backoff, max_backoff, stop or threading.Event())
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="syncd-transfer") as pool:
        for future in [pool.submit(batch.run, job) for job in jobs]:
            future.result()  # _Batch.run catches everything a job raises
    batch.report.seconds = time.monotonic() - started
    return batch.report
