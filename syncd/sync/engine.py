"""The engine: fetch snapshots, plan, apply, and record each write in the same step.

Order of business for one run of one mapping:

1. read a snapshot from every endpoint (incrementally where the connector keeps a cursor); any
   read failure stops the run, because a failed read must never look like an empty review;
2. plan (pure) and refuse when a safety rail says so;
3. commit the plan's state facts (adoptions, the winner of each change) in one transaction;
4. apply the remote writes, independent ones side by side (``syncd.sync.applier``); the fact
   that a write happened is committed right after its answer is in, next to its journal entry.
   A run killed between a write and its record leaves an object the next run adopts by content,
   by its journal intent or by the link id stored on it, so nothing is duplicated;
5. save each endpoint's snapshot and cursor, which only ever move after the work is committed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

from syncd.connectors.base import MALFORMED, Endpoint, unexpected_answer
from syncd.core.actions import (
    Action,
    CreateItem,
    Plan,
    Problem,
    SetMedia,
)
from syncd.core.model import Item, Snapshot
from syncd.core.people import PeopleTable
from syncd.core.planning import plan as make_plan
from syncd.core.policy import Policy
from syncd.core.recorded import Recorded
from syncd.core.statuses import StatusTable
from syncd.errors import FatalError, SafetyStop, SyncdError
from syncd.media.cache import MediaCache
from syncd.media.thumbs import Thumbnailer
from syncd.media.tools import MediaTools
from syncd.state.store import StateStore
from syncd.sync.announce import Announcement
from syncd.sync.applier import Applier
from syncd.sync.collector import frozen
from syncd.sync.dispatch import Dispatch
from syncd.sync.doubts import READ_AGAIN, doubted_items, unshown
from syncd.sync.media import MediaBroker
from syncd.sync.natives import Natives
from syncd.sync.results import RunMonitor, RunResult
from syncd.sync.unplaced import report_unplaced
from syncd.sync.writes import Writes

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
    """Where this mapping's media cache lives when no shared ``cache`` is given (tests)."""
    cache: MediaCache | None = None
    media_concurrency: int = 4
    """Downloads that run side by side (``media.concurrency``)."""
    people: PeopleTable = field(default_factory=PeopleTable)
    """Who is who across the endpoints (``people:``)."""

    def media_cache(self) -> MediaCache:
        if self.cache is None:
            self.cache = MediaCache(self.media_dir / "cache")
        return self.cache


class Engine:
    def __init__(
        self,
        store: StateStore,
        monitor: RunMonitor | None = None,
        *,
        dispatch: Callable[[], Dispatch] = Dispatch,
    ) -> None:
        self.store = store
        self.monitor = monitor or RunMonitor()
        self.dispatch = dispatch
        """Where each run's writes run (thread pools; tests choose the completion order)."""

    # -- reading ---------------------------------------------------------------------------------
    def snapshots(self, rt: MappingRuntime) -> tuple[dict[str, Snapshot], dict[str, int]]:
        raw: dict[str, Snapshot] = {}
        cycles: dict[str, int] = {}
        doubted = doubted_items(self.store.in_doubt(rt.name))
        for name, endpoint in rt.endpoints.items():
            cached = self.store.load_snapshot(rt.name, name)
            incremental = (
                endpoint.capabilities.has_cursor
                and cached is not None
                and cached.cycles + 1 < rt.full_sync_every
            )
            snap = self._read(name, endpoint, cached.snapshot if incremental and cached else None)
            cycles[name] = cached.cycles + 1 if incremental and cached else 0
            blank = unshown(snap, doubted.get(name, set()))
            if blank:
                # A create in doubt is looked for in this listing; an item listing no notes
                # cannot show whether it landed, and taking it as not landed would write it
                # twice if the listing had failed. Read the whole review once more to be sure.
                log.info("reading again", endpoint=name, reason=READ_AGAIN, items=len(blank))
                snap, cycles[name] = self._read(name, endpoint, None), 0
            raw[name] = snap
        for name, endpoint in rt.endpoints.items():  # every side read: keep what reads needed
            try:
                endpoint.settle()
            except SyncdError as exc:
                raise FatalError(f"{name}: cannot read the review: {exc}") from exc
        return raw, cycles

    @staticmethod
    def _read(name: str, endpoint: Endpoint, previous: Snapshot | None) -> Snapshot:
        try:
            return endpoint.snapshot(previous)
        except SyncdError as exc:
            raise FatalError(f"{name}: cannot read the review: {exc}") from exc
        except MALFORMED as exc:  # a server's answer of the wrong shape, not a crash
            log.debug("unexpected answer", endpoint=name, exc_info=True)
            raise unexpected_answer(name, exc) from exc

    def broker(self, rt: MappingRuntime) -> MediaBroker:
        """The run's media broker: ffprobe and ffmpeg looked up once for the run, and one
        thumbnail (a movie's poster frame) per content, kept in the run's cache."""
        cache = rt.media_cache()
        tools = MediaTools.for_run()
        return MediaBroker(
            rt.name,
            rt.endpoints,
            self.store,
            cache,
            concurrency=rt.media_concurrency,
            thumbnailer=Thumbnailer(cache, tools),
            tools=tools,
        )

    def plan(
        self,
        rt: MappingRuntime,
        *,
        allow_empty: bool = False,
        force_deletes: bool = False,
        broker: MediaBroker | None = None,
    ) -> tuple[Plan, dict[str, Snapshot], dict[str, int], Recorded]:
        raw, cycles = self.snapshots(rt)
        canonical = {ep: rt.statuses.canonicalize(ep, snap) for ep, snap in raw.items()}
        broker = broker or self.broker(rt)
        canonical, media_problems = broker.hash_snapshots(
            canonical,
            media=[
                ep
                for ep in canonical
                if not rt.policy.media.off and rt.endpoints[ep].capabilities.has_media
            ],
            attachments=[] if rt.policy.notes.off else list(canonical),
        )
        recorded = self.store.load(rt.name)
        for _, doubt in self.store.in_doubt(rt.name):
            recorded.in_doubt.setdefault(doubt.endpoint, []).append(doubt)
        for _, link, endpoint in self.store.items_in_doubt(rt.name):
            recorded.items_in_doubt.setdefault(endpoint, set()).add(link)
        policy = rt.policy
        if allow_empty or force_deletes:
            from dataclasses import replace

            policy = replace(
                policy,
                allow_empty=policy.allow_empty or allow_empty,
                max_delete_share=1.0 if force_deletes else policy.max_delete_share,
            )
        planned = make_plan(recorded, canonical, policy)
        planned.problems[:0] = media_problems
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
        doubts = [entry for entry, _ in self.store.in_doubt(rt.name)]
        doubts += [entry for entry, _, _ in self.store.items_in_doubt(rt.name)]
        run_id = self.store.begin_run(rt.name)
        structlog.contextvars.bind_contextvars(run_id=run_id)
        bound = log
        result = RunResult(rt.name, run_id, Plan())
        try:
            if interrupted:
                bound.warning("previous run was interrupted; recovering", writes=len(interrupted))
            broker = self.broker(rt)
            result.media = broker.log
            plan, raw, cycles, recorded = self.plan(
                rt, allow_empty=allow_empty, force_deletes=force_deletes, broker=broker
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
            announced = Announcement(rt.endpoints, plan.actions)  # looked up while we record
            try:
                self.store.commit(rt.name, plan.changes)
                self.store.resolve(doubts)
                natives = Natives(recorded)
                natives.apply(plan.changes)
                with frozen():  # the snapshots and the plan stay until the run ends
                    stopped = self.apply(
                        rt,
                        run_id,
                        plan,
                        natives,
                        result,
                        bound,
                        should_stop,
                        broker,
                        announced=announced,
                    )
            finally:
                announced.close()
                self._flush(rt, result)
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
                run_id,
                result.outcome,
                dict(result.counts),
                error,
                result.reported(),
                result.media.to_dict() if result.media else None,
            )
            bound.info(
                "run finished",
                outcome=result.outcome,
                counts=dict(result.counts),
                seconds=round(result.duration, 3),
            )
            self.monitor.finished(result)
        return result

    def _flush(self, rt: MappingRuntime, result: RunResult) -> None:
        """Every endpoint saves what it kept back; one that cannot is reported."""
        for name, endpoint in rt.endpoints.items():
            try:
                endpoint.flush()
            except SyncdError as exc:
                result.failures.append(Problem(name, None, str(exc), "error"))
                log.error("cannot save", endpoint=name, error=str(exc))

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
        broker: MediaBroker | None = None,
        *,
        announced: Announcement,
    ) -> bool:
        """Apply the plan's writes (side by side where they are independent, see
        ``syncd.sync.applier``); True when ``should_stop`` cut it short. The media the writes
        will upload is downloaded first, side by side, and the first write waits until each
        endpoint has been told the names of the items it will create (``announced``)."""
        broker = broker or self.broker(rt)
        broker.prefetch(media_sources(plan.actions))
        announced.wait()
        writes = Writes(rt.endpoints, rt.statuses, rt.policy, natives, broker, rt.people)
        applier = Applier(
            self.store,
            self.monitor,
            rt,
            run_id,
            result,
            bound,
            natives,
            writes,
            should_stop,
            dispatch=self.dispatch(),
        )
        try:
            with self.store.holding():
                return applier.run(plan.actions)
        finally:
            report_unplaced(rt.endpoints, rt.people, result.plan.problems)


def media_sources(actions: list[Action]) -> list[tuple[str, Item]]:
    """(source endpoint, item) of every upload the plan asks for."""
    out: list[tuple[str, Item]] = []
    for action in actions:
        if isinstance(action, CreateItem) and action.media_source and action.media_item:
            out.append((action.media_source, action.media_item))
        elif isinstance(action, SetMedia):
            out.append((action.source, action.source_item))
    return out


def plan_only(store: StateStore, rt: MappingRuntime, **options: bool) -> Plan:
    """Dry run: snapshots and planning, nothing written anywhere (not even the state)."""
    plan, *_ = Engine(store).plan(rt, **options)
    return plan


__all__ = ["Engine", "MappingRuntime", "RunMonitor", "RunResult", "plan_only"]
