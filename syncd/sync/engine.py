"""The engine: fetch snapshots, plan, apply, and record each write in the same step.

Order of business for one run of one mapping:

1. read a snapshot from every endpoint (incrementally where the connector keeps a cursor); any
   read failure stops the run, because a failed read must never look like an empty review;
2. plan (pure) and refuse when a safety rail says so;
3. commit the plan's state facts (adoptions, the winner of each change) in one transaction;
4. apply the remote writes one by one; the fact that a write happened is committed right after
   it succeeds, next to its journal entry. A run killed between a write and its record leaves an
   object the next run adopts by content or by the link id stored on it, so nothing is duplicated;
5. save each endpoint's snapshot and cursor, which only ever move after the work is committed.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

from syncd.connectors.base import MALFORMED, Endpoint, unexpected_answer
from syncd.core.actions import Action, Bind, CreateNote, Plan, Problem, StateChange, label
from syncd.core.model import Item, LocalMedia, Snapshot
from syncd.core.planning import plan as make_plan
from syncd.core.policy import Policy
from syncd.core.recorded import Recorded
from syncd.core.statuses import StatusTable
from syncd.errors import FatalError, RetriableError, SafetyStop, SyncdError
from syncd.state.store import StateStore
from syncd.sync.writes import LandedWrong, Natives, Writes, fetch_validated

log = structlog.get_logger("syncd.engine")


@dataclass
class MappingRuntime:
    """A mapping ready to run: its endpoints are open connectors."""

    name: str
    endpoints: dict[str, Endpoint]
    policy: Policy
    statuses: StatusTable
    full_sync_every: int = 20
    """Incremental endpoints re-read everything every N cycles to catch what a feed missed."""
    media_dir: Path = Path(".")


@dataclass
class RunResult:
    mapping: str
    run_id: int | None
    plan: Plan
    outcome: str = "ok"
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Problem] = field(default_factory=list)
    duration: float = 0.0

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
            "duration_s": round(self.duration, 3),
        }


class RunMonitor:
    """Hooks around each run (metrics, health); the default does nothing."""

    def started(self, mapping: str) -> None: ...

    def action(self, mapping: str, kind: str, endpoint: str, ok: bool) -> None: ...

    def finished(self, result: RunResult) -> None: ...


class Engine:
    def __init__(self, store: StateStore, monitor: RunMonitor | None = None) -> None:
        self.store = store
        self.monitor = monitor or RunMonitor()

    # -- reading ---------------------------------------------------------------------------------
    def snapshots(self, rt: MappingRuntime) -> tuple[dict[str, Snapshot], dict[str, int]]:
        raw: dict[str, Snapshot] = {}
        cycles: dict[str, int] = {}
        for name, endpoint in rt.endpoints.items():
            cached = self.store.load_snapshot(rt.name, name)
            incremental = (
                endpoint.capabilities.has_cursor
                and cached is not None
                and cached.cycles + 1 < rt.full_sync_every
            )
            try:
                snap = endpoint.snapshot(cached.snapshot if incremental and cached else None)
            except SyncdError as exc:
                raise FatalError(f"{name}: cannot read the review: {exc}") from exc
            except MALFORMED as exc:  # a server's answer of the wrong shape, not a crash
                log.debug("unexpected answer", endpoint=name, exc_info=True)
                raise unexpected_answer(name, exc) from exc
            raw[name] = snap
            cycles[name] = cached.cycles + 1 if incremental and cached else 0
        for name, endpoint in rt.endpoints.items():  # every side read: keep what reads needed
            try:
                endpoint.settle()
            except SyncdError as exc:
                raise FatalError(f"{name}: cannot read the review: {exc}") from exc
        return raw, cycles

    def plan(
        self, rt: MappingRuntime, *, allow_empty: bool = False, force_deletes: bool = False
    ) -> tuple[Plan, dict[str, Snapshot], dict[str, int], Recorded]:
        raw, cycles = self.snapshots(rt)
        canonical = {ep: rt.statuses.canonicalize(ep, snap) for ep, snap in raw.items()}
        recorded = self.store.load(rt.name)
        for _, doubt in self.store.in_doubt(rt.name):
            recorded.in_doubt.setdefault(doubt.endpoint, []).append(doubt)
        policy = rt.policy
        if allow_empty or force_deletes:
            from dataclasses import replace

            policy = replace(
                policy,
                allow_empty=policy.allow_empty or allow_empty,
                max_delete_share=1.0 if force_deletes else policy.max_delete_share,
            )
        planned = make_plan(recorded, canonical, policy)
        for name, endpoint in rt.endpoints.items():  # what a read could not sync, said once
            planned.problems.extend(Problem(name, None, w, "warning") for w in endpoint.warnings)
        return planned, raw, cycles, recorded

    # -- a whole run -----------------------------------------------------------------------------
    def run(
        self,
        rt: MappingRuntime,
        *,
        allow_empty: bool = False,
        force_deletes: bool = False,
        should_stop: Callable[[], bool] | None = None,
    ) -> RunResult:
        """One run. ``should_stop`` is asked between writes: a service being stopped ends the run
        at the next write boundary (outcome ``stopped``) and leaves cursors where they were, so
        the next run picks up the rest."""
        # every log line of the run, connectors' included, carries the mapping and the run id
        with structlog.contextvars.bound_contextvars(mapping=rt.name, run_id=None):
            return self._run(rt, allow_empty, force_deletes, should_stop)

    def _run(
        self,
        rt: MappingRuntime,
        allow_empty: bool,
        force_deletes: bool,
        should_stop: Callable[[], bool] | None,
    ) -> RunResult:
        started = time.monotonic()
        self.monitor.started(rt.name)
        interrupted = self.store.pending_journal(rt.name)
        self.store.close_pending(rt.name)
        doubts = self.store.in_doubt(rt.name)
        run_id = self.store.begin_run(rt.name)
        structlog.contextvars.bind_contextvars(run_id=run_id)
        bound = log
        result = RunResult(rt.name, run_id, Plan())
        try:
            if interrupted:
                bound.warning("previous run was interrupted; recovering", writes=len(interrupted))
            plan, raw, cycles, recorded = self.plan(
                rt, allow_empty=allow_empty, force_deletes=force_deletes
            )
            result.plan = plan
            for problem in plan.problems:
                bound.log(
                    30 if problem.severity == "warning" else 20,
                    "problem",
                    endpoint=problem.endpoint,
                    link=problem.link,
                    detail=problem.message,
                )
            if plan.refusal:
                raise SafetyStop(plan.refusal)
            self.store.commit(rt.name, plan.changes)
            self.store.resolve(entry for entry, _ in doubts)
            natives = Natives(recorded)
            natives.apply(plan.changes)
            stopped = self.apply(rt, run_id, plan, natives, result, bound, should_stop)
            for endpoint in rt.endpoints.values():  # the run's writes are done
                endpoint.flush()
            if stopped:
                result.outcome = "stopped"
            else:
                for name, snap in raw.items():
                    self.store.save_snapshot(rt.name, name, snap, cycles[name])
                self.store.purge_dead_links(rt.name)
                result.outcome = "partial" if result.failures else "ok"
        except SafetyStop as exc:
            result.outcome = "refused"
            result.failures.append(Problem(None, None, str(exc), "error"))
            raise
        except SyncdError as exc:
            result.outcome = "failed"
            result.failures.append(Problem(None, None, str(exc), "error"))
            raise
        finally:
            result.duration = time.monotonic() - started
            error = "; ".join(p.message for p in result.failures[:5]) or None
            if result.outcome == "ok" and result.failures:
                result.outcome = "partial"
            self.store.finish_run(
                run_id, result.outcome, dict(result.counts), error, result.reported()
            )
            bound.info(
                "run finished",
                outcome=result.outcome,
                counts=dict(result.counts),
                seconds=round(result.duration, 3),
            )
            self.monitor.finished(result)
        return result

    # -- applying --------------------------------------------------------------------------------
    def apply(
        self,
        rt: MappingRuntime,
        run_id: int,
        plan: Plan,
        natives: Natives,
        result: RunResult,
        bound: Any,
        should_stop: Callable[[], bool] | None = None,
    ) -> bool:
        """Apply the plan's writes in order; True when ``should_stop`` cut it short.

        Each write's journal entry is opened (with the create's intent) before it is sent and
        closed in the same transaction as the state facts its answer established.
        """
        writes = Writes(
            rt.endpoints,
            rt.statuses,
            rt.policy,
            natives,
            lambda source, item: self._fetch(rt, source, item),
            rt.media_dir,
        )
        for action in plan.actions:
            if should_stop is not None and should_stop():
                bound.info("stopping between writes", remaining=len(plan.actions))
                return True
            kind = label(action)
            ep = action.endpoint
            link = getattr(action, "link", None)
            entry: int | None = None
            try:
                prepared = writes.prepare(action)
                entry = self.store.journal_begin(
                    run_id, rt.name, ep, kind, link, intent=prepared.intent
                )
                changes = prepared.send()
            except LandedWrong as exc:
                entry = entry or self.store.journal_begin(run_id, rt.name, ep, kind, link)
                self._failed(rt, entry, action, kind, str(exc), result, bound, exc.changes)
                natives.apply(exc.changes)
                continue
            except FatalError as exc:
                if entry is not None:
                    with self.store.transaction() as conn:
                        self.store.journal_end(conn, entry, "failed", detail=str(exc))
                raise
            except (SyncdError, NotImplementedError) as exc:
                entry = entry or self.store.journal_begin(run_id, rt.name, ep, kind, link)
                # a create whose outcome is unknown stays in doubt until a later run sees it
                doubt = isinstance(exc, RetriableError) and isinstance(action, CreateNote)
                self._failed(rt, entry, action, kind, str(exc), result, bound, doubt=doubt)
                continue
            except Exception as exc:  # a connector met an answer it does not understand
                entry = entry or self.store.journal_begin(run_id, rt.name, ep, kind, link)
                message = (
                    f"{ep}: unexpected {type(exc).__name__} ({exc}) while writing; the object "
                    "is skipped (please report this with --log-level debug output)"
                )
                bound.debug("write crashed", endpoint=ep, action=kind, exc_info=True)
                doubt = isinstance(action, CreateNote)
                self._failed(rt, entry, action, kind, message, result, bound, doubt=doubt)
                continue
            with self.store.transaction() as conn:
                self.store.apply(conn, rt.name, changes)
                native = next((c.native for c in changes if isinstance(c, Bind)), None)
                self.store.journal_end(conn, entry, "done", native=native)
            natives.apply(changes)
            result.counts[kind] += 1
            self.monitor.action(rt.name, kind, ep, True)
        return False

    def _failed(
        self,
        rt: MappingRuntime,
        entry: int,
        action: Action,
        kind: str,
        message: str,
        result: RunResult,
        bound: Any,
        changes: list[StateChange] | None = None,
        *,
        doubt: bool = False,
    ) -> None:
        with self.store.transaction() as conn:
            if changes:
                self.store.apply(conn, rt.name, changes)
            self.store.journal_end(conn, entry, "doubt" if doubt else "failed", detail=message)
        result.counts["failed"] += 1
        problem = Problem(
            action.endpoint, getattr(action, "link", None), f"{kind}: {message}", "error"
        )
        result.failures.append(problem)
        bound.warning(
            "write failed", endpoint=action.endpoint, action=kind, link=problem.link, error=message
        )
        self.monitor.action(rt.name, kind, action.endpoint, False)

    def _fetch(self, rt: MappingRuntime, source: str, item: Item) -> LocalMedia:
        assert item.media is not None
        media = fetch_validated(rt.endpoints[source], item, rt.media_dir / source)
        self.store.remember_media(rt.name, source, item.media.token, media.sha256, media.size)
        return media


def plan_only(store: StateStore, rt: MappingRuntime, **options: bool) -> Plan:
    """Dry run: snapshots and planning, nothing written anywhere (not even the state)."""
    plan, *_ = Engine(store).plan(rt, **options)
    return plan


__all__ = ["Engine", "MappingRuntime", "RunMonitor", "RunResult", "plan_only"]
