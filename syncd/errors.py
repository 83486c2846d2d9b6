"""Errors grouped by what to do about them.

``ConfigError`` and ``FatalError`` stop a mapping's run; ``RetriableError`` is retried with backoff
and, when retries run out, treated like ``SkippableError``: the object is reported and skipped and
the run goes on. Every message is written for the person reading it: what happened, what to do.
"""

from __future__ import annotations


class SyncdError(Exception):
    """Root of every error syncd reports to users."""

    exit_code = 1


class ConfigError(SyncdError):
    """The configuration (or a command line) is wrong: nothing was synced."""

    exit_code = 2


class FatalError(SyncdError):
    """A mapping cannot run at all: wrong URL, bad credentials, missing rights, a safety rail."""


class SafetyStop(FatalError):
    """A safety rail refused the run (mass deletion, a side that suddenly looks empty)."""


class RetriableError(SyncdError):
    """A transient remote failure: 429, 5xx, timeouts, dropped connections."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SkippableError(SyncdError):
    """One object cannot be written or read; the others go on."""


class NotFound(SkippableError):
    """The remote object does not exist (any more)."""
