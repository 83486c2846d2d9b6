"""What the overview and mapping pages show, as plain dataclasses read from the state database.

Health follows ``/healthz``'s rule with one more word: ``failing`` when the last finished run
failed or was refused, ``stale`` when no run succeeded within ``healthy_within`` (or none ever
did), ``ok`` otherwise. The next run comes from the service's scheduler when it is asked from
the service, and is worked out from the schedule for a static snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from syncd.config import MappingConfig
from syncd.state.history import SUCCESS, RunSummary, last_successes
from syncd.statuspage.context import PageContext
from syncd.statuspage.problems import ProblemView, open_problems
from syncd.statuspage.reconcile import ItemRow, SideCounts, item_rows, side_counts
from syncd.statuspage.state import MappingState, aware, load_state

RECENT = 30
FAILED = frozenset({"failed", "refused"})


@dataclass(frozen=True, slots=True)
class RunView:
    id: int
    started_at: datetime | None
    finished_at: datetime | None
    outcome: str
    counts: dict[str, int]
    error: str | None
    problems: list[dict[str, Any]]

    @classmethod
    def of(cls, run: RunSummary) -> RunView:
        return cls(
            run.id,
            aware(run.started_at),
            aware(run.finished_at),
            run.outcome,
            dict(run.counts),
            run.error,
            list(run.problems),
        )

    @property
    def duration(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return max(0.0, (self.finished_at - self.started_at).total_seconds())

    @property
    def writes(self) -> int:
        return sum(v for k, v in self.counts.items() if k != "failed")

    @property
    def failures(self) -> int:
        return self.counts.get("failed", 0) + (1 if self.outcome in FAILED else 0)


@dataclass(frozen=True, slots=True)
class EndpointView:
    name: str
    type: str
    selector: dict[str, str]


@dataclass(frozen=True, slots=True)
class MappingSummary:
    name: str
    endpoints: list[EndpointView]
    schedule: str
    health: str
    health_reason: str
    last_run: RunView | None
    last_success: datetime | None
    next_run: datetime | None
    recent: list[RunView]
    """Oldest first, for the chart."""
    running: bool


@dataclass(frozen=True, slots=True)
class MappingDetail:
    summary: MappingSummary
    sides: list[SideCounts]
    links: dict[str, int]
    runs: list[RunView]
    problems: list[ProblemView]
    items: list[ItemRow]


def duration_text(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def schedule_text(mapping: MappingConfig) -> str:
    schedule = mapping.schedule
    if schedule.cron:
        return f"cron {schedule.cron}"
    text = f"every {duration_text(schedule.every or 300)}"
    return text + (f" (jitter {duration_text(schedule.jitter)})" if schedule.jitter else "")


def next_run(mapping: MappingConfig, last: RunView | None, now: datetime) -> datetime | None:
    """When the schedule next runs the mapping, as the service would."""
    schedule = mapping.schedule
    if schedule.cron:
        from apscheduler.triggers.cron import CronTrigger

        fire = CronTrigger.from_crontab(schedule.cron, timezone=UTC).get_next_fire_time(None, now)
        return aware(fire)
    if last is None or last.started_at is None:
        return now
    return max(now, last.started_at + timedelta(seconds=schedule.every or 300))


def _health(
    last: RunView | None, success: datetime | None, within: float, now: datetime
) -> tuple[str, str]:
    if last is not None and last.outcome in FAILED:
        return "failing", f"the last run {last.outcome}"
    if success is None:
        return "stale", "never run" if last is None else "no run has succeeded yet"
    age = (now - success).total_seconds()
    if age > within:
        return (
            "stale",
            f"no success for {duration_text(round(age))} (limit {duration_text(within)})",
        )
    return "ok", "in step"


def _text(value: object) -> str:
    """A selector value as the configuration file spells it (``true``, not ``True``)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _endpoints(context: PageContext, mapping: MappingConfig) -> list[EndpointView]:
    return [
        EndpointView(name, context.system_type(name), {k: _text(v) for k, v in selector.items()})
        for name, selector in mapping.endpoints.items()
    ]


def summaries(context: PageContext, limit: int = RECENT) -> list[MappingSummary]:
    names = [m.name for m in context.mappings]
    successes = last_successes(context.store, names) if names else {}
    return [_summary(context, m, successes.get(m.name), limit) for m in context.mappings]


def _summary(
    context: PageContext, mapping: MappingConfig, success: datetime | None, limit: int
) -> MappingSummary:
    runs = [RunView.of(r) for r in context.store.last_runs(mapping.name, limit=limit)]
    finished = [r for r in runs if r.outcome != "running"]
    last = finished[0] if finished else None
    health, reason = _health(last, aware(success), context.healthy_within, context.now)
    if context.next_runs is not None:
        upcoming = aware(context.next_runs.get(mapping.name))
    else:
        upcoming = next_run(mapping, runs[0] if runs else None, context.now)
    return MappingSummary(
        name=mapping.name,
        endpoints=_endpoints(context, mapping),
        schedule=schedule_text(mapping),
        health=health,
        health_reason=reason,
        last_run=last,
        last_success=aware(success),
        next_run=upcoming,
        recent=list(reversed(finished)),
        running=bool(runs) and runs[0].outcome == "running",
    )


def mapping_detail(
    context: PageContext, name: str, state: MappingState | None = None, runs: int = 20
) -> MappingDetail | None:
    mapping = context.mapping(name)
    if mapping is None:
        return None
    summary = _summary(context, mapping, last_successes(context.store, [name]).get(name), RECENT)
    state = state or load_state(context.store, name)
    endpoints = list(mapping.endpoints)
    links = {"item": 0, "note": 0}
    for row in state.links.values():
        if not row.deleted:
            links[row.kind] = links.get(row.kind, 0) + 1
    history = [RunView.of(r) for r in context.store.last_runs(name, limit=runs)]
    return MappingDetail(
        summary=summary,
        sides=side_counts(state, endpoints),
        links=links,
        runs=history,
        problems=open_problems(_problem_runs(history), state),
        items=item_rows(state, endpoints),
    )


def _problem_runs(history: list[RunView]) -> list[tuple[int, list[dict[str, Any]]]]:
    """The last finished run's problems; after a failed run, also those of the last good one,
    whose unmapped statuses and failed objects are still there."""
    finished = [r for r in history if r.outcome != "running"]
    if not finished:
        return []
    out = [(finished[0].id, finished[0].problems)]
    if finished[0].outcome in FAILED:
        good = next((r for r in finished if r.outcome in SUCCESS), None)
        if good is not None:
            out.append((good.id, good.problems))
    return out
