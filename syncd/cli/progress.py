"""A progress bar per mapping on a terminal, for runs long enough to need one."""

from __future__ import annotations

import sys
from typing import Any

from syncd.sync.engine import RunMonitor, RunResult
from syncd.sync.progress import PROGRESS_FROM, Progress


class TerminalProgress(RunMonitor):
    """Shows each mapping's writes (done of planned, failures, time left) on standard error.

    Only runs of at least ``PROGRESS_FROM`` writes get a bar; the bar stays on screen, finished,
    above the run's summary line.
    """

    shows_progress = True

    def __init__(self) -> None:
        self._bars: Any = None
        self._tasks: dict[str, Any] = {}

    @staticmethod
    def wanted(json_output: bool) -> bool:
        return not json_output and sys.stderr.isatty()

    def progress(self, mapping: str, progress: Progress) -> None:
        if progress.total < PROGRESS_FROM:
            return
        if self._bars is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeRemainingColumn,
            )
            from rich.progress import (
                Progress as Bars,
            )

            self._bars = Bars(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("writes, {task.fields[failed]} failed"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            self._bars.start()
        task = self._tasks.get(mapping)
        if task is None:
            task = self._tasks[mapping] = self._bars.add_task(
                mapping, total=progress.total, failed=0
            )
        self._bars.update(task, completed=progress.done, failed=progress.failed)

    def finished(self, result: RunResult) -> None:
        self.close()

    def close(self) -> None:
        if self._bars is not None:
            self._bars.stop()
            self._bars = None
            self._tasks = {}
