"""What a run came to (``RunResult``), and the hooks that watch runs (``RunMonitor``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from syncd.core.actions import Plan, Problem
from syncd.sync.media import TransferLog
from syncd.sync.progress import Progress


@dataclass
class RunResult:
    mapping: str
    run_id: int | None
    plan: Plan
    outcome: str = "ok"
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Problem] = field(default_factory=list)
    duration: float = 0.0
    media: TransferLog = field(default_factory=TransferLog)
    """What media moved, reused or failed: the run's transfer report."""

    @property
    def failed(self) -> bool:
        return self.outcome != "ok"

    def reported(self) -> list[dict[str, Any]]:
        """The run's problems and failures, as kept in the run history.

        Errors and warnings come first; notices (a conflict settled by the policy, a deletion
        undone because deletes are off) follow, so the status page can show them too.
        """
        notices = [p for p in self.plan.problems if p.severity == "info"]
        kept = [p for p in self.plan.problems if p.severity != "info"] + self.failures + notices
        return [
            {"endpoint": p.endpoint, "link": p.link, "message": p.message, "severity": p.severity}
            for p in kept[:200]
        ]

    def summary(self) -> dict[str, Any]:
        return {
            "mapping": self.mapping,
            "run_id": self.run_id,
            "outcome": self.outcome,
            "counts": dict(self.counts),
            "failures": [
                {"endpoint": p.endpoint, "link": p.link, "message": p.message}
                for p in self.failures
            ],
            "problems": [
                {
                    "endpoint": p.endpoint,
                    "link": p.link,
                    "message": p.message,
                    "severity": p.severity,
                }
                for p in self.plan.problems
            ],
            "media": self.media.to_dict(),
            "duration_s": round(self.duration, 3),
        }


class RunMonitor:
    """Hooks around each run (metrics, health); the default does nothing."""

    def started(self, mapping: str) -> None: ...

    def action(self, mapping: str, kind: str, endpoint: str, ok: bool) -> None: ...

    shows_progress: bool = False
    """True when the monitor shows a run's progress itself (a progress bar): no log lines."""

    def progress(self, mapping: str, progress: Progress) -> None: ...

    def finished(self, result: RunResult) -> None: ...
