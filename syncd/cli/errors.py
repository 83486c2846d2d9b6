"""The one place where failures become a line of words and an exit code.

0: all good. 1: some objects (or a mapping) failed. 2: configuration or usage error. A user error
never ends in a traceback; an unexpected one says how to get the details. A reader that goes away
(``syncd config schema | head``) ends the command quietly with 141, as SIGPIPE ends other tools.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from collections.abc import Callable

from syncd.errors import ConfigError, SafetyStop, SyncdError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PIPE = 141
"""128 + SIGPIPE: what a shell reports for ``yes | head``."""


def run_guarded(command: Callable[[], int], *, debug: bool = False) -> int:
    try:
        code = command()
        sys.stdout.flush()  # a closed pipe shows here, not at exit where it cannot be handled
        return code
    except BrokenPipeError:
        return _reader_gone()
    except ConfigError as exc:
        print(f"syncd: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SafetyStop as exc:
        print(f"syncd: stopped by a safety check: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except SyncdError as exc:
        print(f"syncd: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("syncd: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            return _unexpected(exc, debug)
        return _reader_gone()
    except Exception as exc:  # the last resort: still one line unless asked for more
        damaged = _damaged_database(exc)
        if damaged:
            print(
                f"syncd: error: the state database is damaged ({damaged}); the next "
                "`syncd run` moves it aside and finds every object again",
                file=sys.stderr,
            )
            return EXIT_FAILED
        return _unexpected(exc, debug)


def _unexpected(exc: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    print(
        f"syncd: unexpected error: {exc.__class__.__name__}: {exc}\n"
        "  rerun with --log-level debug for details, and please report it",
        file=sys.stderr,
    )
    return EXIT_FAILED


def _reader_gone() -> int:
    """Whoever read standard output stopped: say nothing, and let nothing be flushed at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout without a file descriptor (tests capturing it)
        pass
    return EXIT_PIPE


def _damaged_database(exc: BaseException) -> str | None:
    """SQLite's own words when ``exc`` says the state file is damaged, else None."""
    from sqlalchemy.exc import DatabaseError, OperationalError

    if not isinstance(exc, DatabaseError) or isinstance(exc, OperationalError):
        return None
    text = str(getattr(exc, "orig", exc))
    markers = ("malformed", "not a database", "disk image", "file is encrypted")
    return text if any(m in text for m in markers) else None
