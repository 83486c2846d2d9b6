"""Run the ``syncd`` command and SIGKILL it right after the N-th write to a review file lands.

``python -m tests.support.killafter N run --once -c syncd.yaml``: the real command, with one
change: once a file endpoint has put something on disk for the N-th time (a write logged in
the review's pending log, or the review file saved; its record in the state database is not
made yet), the process dies as if the machine lost power.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from syncd.cli import main as syncd_main
from syncd.connectors.file import changes as file_changes
from syncd.connectors.file import endpoint as file_connector


def main(argv: list[str]) -> int:
    target = int(argv[0])
    save = file_connector.FileEndpoint._save
    append = file_changes.PendingLog.append
    done = 0

    def count() -> None:
        nonlocal done
        done += 1
        if done == target:
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGKILL)

    def save_then_die(self: Any, doc: Any) -> None:
        save(self, doc)
        count()

    def append_then_die(self: Any, change: Any) -> None:
        append(self, change)
        count()

    file_connector.FileEndpoint._save = save_then_die  # type: ignore[method-assign]
    file_changes.PendingLog.append = append_then_die  # type: ignore[method-assign]
    return syncd_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
