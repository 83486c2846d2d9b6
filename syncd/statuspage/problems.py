"""A run's recorded problems, sorted into the kinds people act on, each tied to its item.

The engine keeps each problem as endpoint, link, message and severity (``runs.problems``). The
kind is read from the message, whose wording the planner and engine own; anything not
recognised stays a plain warning or notice, so a new message is shown, never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from syncd.statuspage.state import MappingState

KINDS = ("failed", "refused", "unmapped status", "deletion", "conflict", "warning", "notice")


@dataclass(frozen=True, slots=True)
class ProblemView:
    kind: str
    severity: str
    endpoint: str | None
    message: str
    item_link: str | None
    item_name: str | None
    run_id: int


def kind_of(problem: dict[str, Any]) -> str:
    message = str(problem.get("message", ""))
    severity = str(problem.get("severity", "warning"))
    if message.startswith("conflict on "):
        return "conflict"
    if "is not in the mapping's status table" in message:
        return "unmapped status"
    if "refusing" in message:
        return "refused"
    if message.startswith("restoring a ") or message.startswith("cannot delete "):
        return "deletion"
    if severity == "error":
        return "failed"
    return "notice" if severity == "info" else "warning"


def open_problems(
    runs: list[tuple[int, list[dict[str, Any]]]], state: MappingState
) -> list[ProblemView]:
    """The problems of the given runs (newest first), most serious kinds first."""
    out: list[ProblemView] = []
    for run_id, problems in runs:
        for problem in problems:
            item = state.item_of(problem.get("link"))
            out.append(
                ProblemView(
                    kind=kind_of(problem),
                    severity=str(problem.get("severity", "warning")),
                    endpoint=problem.get("endpoint"),
                    message=str(problem.get("message", "")),
                    item_link=item,
                    item_name=state.item_name(item) if item else None,
                    run_id=run_id,
                )
            )
    out.sort(key=lambda p: KINDS.index(p.kind))
    return out
