"""Run the ``syncd`` command and SIGKILL it right after the N-th write to a review file lands.

``python -m tests.support.killafter N run --once -c syncd.yaml``: the real command, with one
change: once a file endpoint has replaced its file for the N-th time (the write is on disk,
its record in the state database is not), the process dies as if the machine lost power.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from syncd.cli import main as syncd_main
from syncd.connectors.file import endpoint as file_connector


def main(argv: list[str]) -> int:
    target = int(argv[0])
    save = file_connector.FileEndpoint._save
    done = 0

    def save_then_die(self: Any, doc: Any) -> None:
        nonlocal done
        save(self, doc)
        done += 1
        if done == target:
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGKILL)

    file_connector.FileEndpoint._save = save_then_die  # type: ignore[method-assign]
    return syncd_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
