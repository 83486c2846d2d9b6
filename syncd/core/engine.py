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

import contextlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

from syncd.connectors.base import MALFORMED, Endpoint, unexpected_answer
from syncd.core.actions import (
    Action,
    Bind,
    CreateItem,
    CreateNote,
    DeleteItem,
    DeleteNote,
    Plan,
    Problem,
    Record,
    SetMedia,
    SetOrder,
    SetStatus,
    StateChange,
    Unbind,
    UpdateNote,
)
from syncd.core.fingerprints import media_fingerprint, note_fingerprint, status_fingerprint
from syncd.core.media import validate as validate_media
from syncd.core.model import Item, LocalMedia, NewItem, NewNote, Snapshot
from syncd.core.planner import plan as make_plan
from syncd.core.policy import Policy
from syncd.core.recorded import ORDER_LINK, Recorded
from syncd.core.statuses import StatusTable
from syncd.errors import FatalError, NotFound, SafetyStop, SkippableError, SyncdError
from syncd.state.store import StateStore

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


class _Natives:
    """Native ids per (link, endpoint), kept current while a plan is applied."""

    def __init__(self, recorded: Recorded) -> None:
        self.map: dict[tuple[str, str], str] = {}
        for link in recorded.links.values():
            for ep, native in link.members.items():
                self.map[(link.id, ep)] = native

    def apply(self, changes: list[StateChange]) -> None:
        for change in changes:
            if isinstance(change, Bind):
                self.map[(change.link, change.endpoint)] = change.native
            elif isinstance(change, Unbind):
                self.map.pop((change.link, change.endpoint), None)

    def get(self, link: str | None, ep: str) -> str | None:
        return None if link is None else self.map.get((link, ep))


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
        policy = rt.policy
        if allow_empty or force_deletes:
            from dataclasses import replace

            policy = replace(
                policy,
                allow_empty=policy.allow_empty or allow_empty,
                max_delete_share=1.0 if force_deletes else policy.max_delete_share,
            )
        return make_plan(recorded, canonical, policy), raw, cycles, recorded

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
            natives = _Natives(recorded)
            natives.apply(plan.changes)
            if self.apply(rt, run_id, plan, natives, result, bound, should_stop):
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
            self.store.finish_run(run_id, result.outcome, dict(result.counts), error)
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
        natives: _Natives,
        result: RunResult,
        bound: Any,
        should_stop: Callable[[], bool] | None = None,
    ) -> bool:
        """Apply the plan's writes in order; True when ``should_stop`` cut it short."""
        handlers: dict[type, Callable[..., list[StateChange]]] = {
            CreateItem: self._create_item,
            SetStatus: self._set_status,
            SetMedia: self._set_media,
            CreateNote: self._create_note,
            UpdateNote: self._update_note,
            DeleteNote: self._delete,
            DeleteItem: self._delete,
            SetOrder: self._set_order,
        }
        for action in plan.actions:
            if should_stop is not None and should_stop():
                bound.info("stopping between writes", remaining=len(plan.actions))
                return True
            kind = _kind(action)
            ep = action.endpoint
            endpoint = rt.endpoints[ep]
            link = getattr(action, "link", None)
            entry = self.store.journal_begin(run_id, rt.name, ep, kind, link)
            try:
                changes = handlers[type(action)](rt, endpoint, action, natives)
            except (SkippableError, NotImplementedError) as exc:
                self._failed(rt, entry, action, kind, str(exc), result, bound)
                continue
            except SyncdError as exc:
                if isinstance(exc, FatalError):
                    with self.store.transaction() as conn:
                        self.store.journal_end(conn, entry, "failed", detail=str(exc))
                    raise
                self._failed(rt, entry, action, kind, str(exc), result, bound)
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
    ) -> None:
        with self.store.transaction() as conn:
            self.store.journal_end(conn, entry, "failed", detail=message)
        result.counts["failed"] += 1
        problem = Problem(
            action.endpoint, getattr(action, "link", None), f"{kind}: {message}", "error"
        )
        result.failures.append(problem)
        bound.warning(
            "write failed", endpoint=action.endpoint, action=kind, link=problem.link, error=message
        )
        self.monitor.action(rt.name, kind, action.endpoint, False)

    @staticmethod
    def _native(natives: _Natives, link: str | None, ep: str, what: str) -> str:
        native = natives.get(link, ep)
        if native is None:
            raise SkippableError(
                f"skipped: the {what} it belongs to does not exist on {ep} "
                "(an earlier write failed)"
            )
        return native

    def _fetch(self, rt: MappingRuntime, source: str, item: Item) -> LocalMedia:
        assert item.media is not None
        dest = rt.media_dir / source
        dest.mkdir(parents=True, exist_ok=True)
        media = rt.endpoints[source].fetch_media(item, dest)
        validate_media(media)
        self.store.remember_media(rt.name, source, item.media.token, media.sha256, media.size)
        return media

    def _status_record(
        self, rt: MappingRuntime, ep: str, link: str, item: Item, gen: int
    ) -> Record:
        canonical = rt.statuses.to_canonical(ep, item.status)
        return Record(link, ep, "status", status_fingerprint(canonical), gen)

    def _create_item(
        self, rt: MappingRuntime, endpoint: Endpoint, action: CreateItem, natives: _Natives
    ) -> list[StateChange]:
        ep = action.endpoint
        status = None
        if action.status is not None:
            status = rt.statuses.to_native(ep, action.status)
        media = None
        if action.media_source and action.media_item is not None:
            media = self._fetch(rt, action.media_source, action.media_item)
        created = endpoint.create_item(
            NewItem(name=action.item.name, link=action.link, status=status, media=media)
        )
        changes: list[StateChange] = [Bind(action.link, "item", ep, created.id)]
        if status is not None:
            changes.append(self._status_record(rt, ep, action.link, created, action.status_gen))
        if media is not None:
            changes.append(
                Record(
                    action.link, ep, "media", media_fingerprint(ep, created.media), action.media_gen
                )
            )
        return changes

    def _set_status(
        self, rt: MappingRuntime, endpoint: Endpoint, action: SetStatus, natives: _Natives
    ) -> list[StateChange]:
        ep = action.endpoint
        native_status = rt.statuses.to_native(ep, action.status)
        if native_status is None:
            raise SkippableError(
                f"the status table has no {ep} value in the row "
                f"{rt.statuses.label(action.status)}; add one to sync this status"
            )
        item = endpoint.set_status(self._native(natives, action.link, ep, "item"), native_status)
        return [self._status_record(rt, ep, action.link, item, action.gen)]

    def _set_media(
        self, rt: MappingRuntime, endpoint: Endpoint, action: SetMedia, natives: _Natives
    ) -> list[StateChange]:
        ep = action.endpoint
        native = self._native(natives, action.link, ep, "item")
        media = self._fetch(rt, action.source, action.source_item)
        item = endpoint.set_media(native, media)
        return [Record(action.link, ep, "media", media_fingerprint(ep, item.media), action.gen)]

    def _create_note(
        self, rt: MappingRuntime, endpoint: Endpoint, action: CreateNote, natives: _Natives
    ) -> list[StateChange]:
        ep = action.endpoint
        item = self._native(natives, action.item_link, ep, "item")
        parent = None
        if action.parent_link is not None:
            parent = self._native(natives, action.parent_link, ep, "note")
        src = action.note
        note = endpoint.create_note(
            NewNote(
                item=item,
                text=src.text,
                link=action.link,
                parent=parent,
                author=src.author,
                frame=src.frame,
                created=src.created,
            )
        )
        return [
            Bind(
                action.link, "note", ep, note.id, item=action.item_link, parent=action.parent_link
            ),
            Record(action.link, ep, "content", note_fingerprint(note.text, note.frame), action.gen),
        ]

    def _update_note(
        self, rt: MappingRuntime, endpoint: Endpoint, action: UpdateNote, natives: _Natives
    ) -> list[StateChange]:
        ep = action.endpoint
        note = endpoint.update_note(
            self._native(natives, action.link, ep, "note"), action.text, action.frame
        )
        return [
            Record(action.link, ep, "content", note_fingerprint(note.text, note.frame), action.gen)
        ]

    def _delete(
        self,
        rt: MappingRuntime,
        endpoint: Endpoint,
        action: DeleteNote | DeleteItem,
        natives: _Natives,
    ) -> list[StateChange]:
        """Already gone counts as deleted: a tombstone only has to make sure of it."""
        native = natives.get(action.link, action.endpoint)
        if native is not None:
            remove = (
                endpoint.delete_note if isinstance(action, DeleteNote) else endpoint.delete_item
            )
            with contextlib.suppress(NotFound):
                remove(native)
        return [Unbind(action.link, action.endpoint)]

    def _set_order(
        self, rt: MappingRuntime, endpoint: Endpoint, action: SetOrder, natives: _Natives
    ) -> list[StateChange]:
        ep = action.endpoint
        pairs = [(link, natives.get(link, ep)) for link in action.links]
        present = [(link, native) for link, native in pairs if native is not None]
        endpoint.set_order([native for _, native in present])
        fp = "\n".join(link for link, _ in present)
        return [Record(ORDER_LINK, ep, "order", fp, action.gen)]


def _kind(action: Action) -> str:
    name = type(action).__name__
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def plan_only(store: StateStore, rt: MappingRuntime, **options: bool) -> Plan:
    """Dry run: snapshots and planning, nothing written anywhere (not even the state)."""
    plan, *_ = Engine(store).plan(rt, **options)
    return plan


__all__ = ["Engine", "MappingRuntime", "RunMonitor", "RunResult", "plan_only"]
