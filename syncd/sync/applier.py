"""Applying a plan: its writes side by side, each recorded the moment its answer is in.

Writes go out in a bounded pool per endpoint (``write_concurrency``, the system's
``concurrency``), and only once what they depend on is done (``syncd.sync.schedule``). The
state database is only ever touched from the applying thread: a write's journal entry is opened
(with the create's intent) before it is handed to a worker, and closed, with the state facts
its answer established, once the worker is back, in the transaction that opens the entries of
the writes it let start. So a crash at any moment leaves, for every write in flight or not yet
recorded, an open journal entry and an intent the next run recognises it by: none is done
twice, none is lost.

A failed write is reported per object and the rest goes on; writes that needed it fail with
"an earlier write failed". A fatal error (credentials refused, say) stops new writes, lets the
ones in flight land and be recorded, then ends the run. A service being stopped likewise ends
the run between writes.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from syncd.core.actions import Action, Bind, CreateItem, CreateNote, Problem, StateChange, label
from syncd.errors import FatalError, RetriableError, SyncdError
from syncd.state.store import StateStore
from syncd.sync.batches import Outcome, item_batch, items_per_batch, note_batch, one
from syncd.sync.dispatch import Dispatch
from syncd.sync.natives import Natives
from syncd.sync.prepared import LandedWrong, Prepared
from syncd.sync.progress import LOG_PROGRESS_EVERY, PROGRESS_FROM, STORE_PROGRESS_EVERY, Progress
from syncd.sync.schedule import Schedule, item_rides_in_batch, rides_in_batch
from syncd.sync.writes import Writes

if TYPE_CHECKING:
    from syncd.sync.engine import MappingRuntime
    from syncd.sync.results import RunMonitor, RunResult

_CREATES = (CreateItem, CreateNote)
"""Writes whose failure can hide a landing: what they made is looked for in the next run."""


def _rows(
    landed: list[tuple[_Flight, list[StateChange]]],
) -> tuple[list[StateChange], list[tuple[int, str | None]]]:
    """The state changes of writes that landed, and their journal entries with native ids."""
    changes = [c for _, made in landed for c in made]
    done = [
        (f.entry, next((c.native for c in made if isinstance(c, Bind)), None)) for f, made in landed
    ]
    return changes, done


_is_note = rides_in_batch
_is_item = item_rides_in_batch


def _threads(schedule: Schedule, ep: str, first: int, most: int) -> list[int]:
    """The notes to create in one batch with ``first`` (already handed out), in plan order:
    each note taken with those that may follow it, then the next ready one with its own, so
    that an item's notes go in one batch rather than one per batch in as many batches as
    the item has notes, each waiting for the one before."""
    taken = [first]
    taken += schedule.followers([first], most - len(taken), _is_note)
    while len(taken) < most:
        head = schedule.take(ep, 1, _is_note)
        if not head:
            break
        taken += head
        taken += schedule.followers(head, most - len(taken), _is_note)
    return sorted(taken[1:])


@dataclass
class _Ready:
    """A write prepared, its journal entry not yet open."""

    index: int
    action: Action
    kind: str
    link: str | None
    prepared: Prepared


@dataclass
class _Flight:
    index: int
    action: Action
    kind: str
    entry: int


@dataclass
class Applier:
    store: StateStore
    monitor: RunMonitor
    rt: MappingRuntime
    run_id: int
    result: RunResult
    bound: Any
    natives: Natives
    writes: Writes
    should_stop: Callable[[], bool] | None = None
    dispatch: Dispatch = field(default_factory=Dispatch)
    fatal: FatalError | None = None
    """The first fatal error met: no new write starts, the run ends with it."""
    _stored_at: float = 0.0
    _logged_at: float = field(default_factory=time.monotonic)

    def run(self, actions: list[Action]) -> bool:
        """Apply ``actions``; True when ``should_stop`` cut it short."""
        limits = {
            ep: max(1, int(getattr(endpoint, "write_concurrency", 1) or 1))
            for ep, endpoint in self.rt.endpoints.items()
        }
        endpoints = self.rt.endpoints
        schedule = Schedule(
            actions,
            urgent={ep for ep, limit in limits.items() if limit > 1},
            batched={ep for ep, endpoint in endpoints.items() if endpoint.note_batch > 1},
            items_batched={ep for ep, endpoint in endpoints.items() if endpoint.item_batch > 1},
            flat={ep for ep, endpoint in endpoints.items() if endpoint.capabilities.flat_threads},
        )
        progress = Progress(len(actions))
        busy: Counter[str] = Counter()
        in_flight: dict[Future[list[Outcome]], list[_Flight]] = {}
        stopped = False
        try:
            written = {a.endpoint for a in actions}
            pools = {
                ep: self.dispatch.pool(ep, limits[ep], alone=len(written) == 1) for ep in written
            }
            landed: list[tuple[_Flight, list[StateChange]]] = []
            while True:
                if self.fatal is None and not stopped and self._stop_asked():
                    stopped = True
                    self.bound.info("stopping between writes", remaining=schedule.left)
                if self.fatal is None and not stopped:
                    # what landed is recorded with the journal entries of what it let start
                    self._fill(schedule, limits, busy, in_flight, pools, progress, landed)
                else:
                    self._record(landed)
                landed = []
                if not in_flight:
                    break
                progress.in_flight = sum(len(f) for f in in_flight.values())
                finished = self.dispatch.wait_any(in_flight)
                try:
                    for future in sorted(finished, key=lambda f: in_flight[f][0].index):
                        flights = in_flight.pop(future)
                        busy[flights[0].action.endpoint] -= 1
                        outcomes = future.result()  # a kill (BaseException) ends the run here
                        for flight, outcome in zip(flights, outcomes, strict=True):
                            if isinstance(outcome, list):
                                landed.append((flight, outcome))
                                continue
                            self.fatal = self.fatal or self._missed(flight, outcome)
                            schedule.done(flight.index)
                            self._tick(progress, ok=False)
                except BaseException:
                    self._record(landed)  # what landed before a kill is recorded still
                    raise
                for flight, changes in landed:
                    self._took(flight, changes)  # writes that need these can be prepared now
                    schedule.done(flight.index)
                    self._tick(progress, ok=True)
        finally:
            self.dispatch.close()
        if self.fatal is not None:
            raise self.fatal
        if not stopped and schedule.left:
            raise AssertionError(f"{schedule.left} writes were never ready")  # a bug, loudly
        return stopped

    def _stop_asked(self) -> bool:
        return self.should_stop is not None and self.should_stop()

    # -- handing out ---------------------------------------------------------------------------
    def _fill(
        self,
        schedule: Schedule,
        limits: dict[str, int],
        busy: Counter[str],
        in_flight: dict[Future[list[Outcome]], list[_Flight]],
        pools: dict[str, Executor],
        progress: Progress,
        landed: list[tuple[_Flight, list[StateChange]]],
    ) -> None:
        """Start every write that is ready, up to each endpoint's limit; notes, or items, ready
        together go in one request where the endpoint creates them in batches. The journal
        entries of all the writes started together are opened in one transaction, before any
        is sent, and the writes that ``landed`` since the last one are recorded in it."""
        groups: list[tuple[str, list[_Ready]]] = []
        moved = True
        while moved:  # a write failing before it is sent may make others ready
            moved = False
            for ep in schedule.endpoints_ready():
                endpoint = self.rt.endpoints[ep]
                while busy[ep] < limits[ep] and self.fatal is None:
                    index = self._next(schedule, ep, limits[ep], busy[ep])
                    if index is None:
                        break
                    moved = True
                    riding: dict[str, str | None] = {}
                    group = self._prepared(schedule, progress, [index], riding)
                    first = group[0].prepared if group else None
                    if first is not None and first.note is not None and endpoint.note_batch > 1:
                        more = _threads(schedule, ep, index, endpoint.note_batch)
                        group += self._prepared(schedule, progress, more, riding)
                    elif first is not None and first.item is not None and endpoint.item_batch > 1:
                        free = limits[ep] - busy[ep]
                        group += self._items(schedule, progress, ep, index, free)
                    if group:
                        groups.append((ep, group))
                        busy[ep] += 1
        if not groups:
            self._record(landed)
            return
        opened = self.store.land_and_open(
            self.rt.name,
            *_rows(landed),
            self.run_id,
            [(r.action.endpoint, r.kind, r.link, r.prepared.intent) for _, g in groups for r in g],
        )
        entries = iter(opened)
        for ep, group in groups:
            flights = [_Flight(r.index, r.action, r.kind, next(entries)) for r in group]
            sent = [r.prepared for r in group]
            if len(group) == 1:
                future = pools[ep].submit(one, sent[0])
            elif sent[0].item is not None:
                future = pools[ep].submit(item_batch, self.rt.endpoints[ep], sent)
            else:
                future = pools[ep].submit(note_batch, self.rt.endpoints[ep], sent)
            in_flight[future] = flights

    def _items(
        self, schedule: Schedule, progress: Progress, ep: str, first: int, free: int
    ) -> list[_Ready]:
        """The items to create in one batch with ``first`` (already handed out): ready ones,
        and those that follow them where the plan makes new items in its order, shared
        between the endpoint's ``free`` slots."""
        most = self.rt.endpoints[ep].item_batch
        size = items_per_batch(1 + schedule.batchable(ep, most * free, _is_item), free, most)
        more = schedule.take(ep, size - 1, _is_item)
        more += schedule.followers([first, *more], size - 1 - len(more), _is_item)
        return self._prepared(schedule, progress, sorted(more))

    def _next(self, schedule: Schedule, ep: str, limit: int, busy: int) -> int | None:
        """The next write to start on ``ep``: the schedule's first ready, except that a full
        batch of notes goes ahead of other writes where several run side by side. A batch
        costs the system more work than a single write, and run beside writes that mostly
        wait on the network, that work no longer adds to the run's time."""
        batch = self.rt.endpoints[ep].note_batch
        if batch <= 1:
            return schedule.next_for(ep)
        full = schedule.batch_ready(ep, batch, _is_note)
        if limit > 1 and full:
            return schedule.take(ep, 1, _is_note)[0]
        # Notes short of a batch wait while half the endpoint's slots or more are busy: the
        # writes in flight will make more ready, and batches stay full. With fewer busy, they
        # go as they are: waiting would leave the free slots idle at the end of a run, where
        # each note waits for the one before it.
        held = not full and busy > 0 and 2 * busy >= limit
        return schedule.next_for(ep, _is_note if held else None)

    def _prepared(
        self,
        schedule: Schedule,
        progress: Progress,
        indexes: list[int],
        riding: dict[str, str | None] | None = None,
    ) -> list[_Ready]:
        """The writes at ``indexes`` prepared, in order, those that failed already left out;
        ``riding`` collects the notes prepared for one batch (link -> parent link)."""
        out = []
        for index in indexes:
            action = schedule.actions[index]
            ready = self._prepare(index, action, riding)
            if ready is None:
                schedule.done(index)
                self._tick(progress, ok=False)
                continue
            out.append(ready)
            if riding is not None and isinstance(action, CreateNote):
                riding[action.link] = action.parent_link
        return out

    def _prepare(
        self, index: int, action: Action, riding: dict[str, str | None] | None = None
    ) -> _Ready | None:
        """The write prepared to be sent; None when it failed already."""
        kind = label(action)
        link = getattr(action, "link", None)
        try:
            prepared = self.writes.prepare(action, riding)
        except FatalError as exc:
            self.fatal = self.fatal or exc
            return None
        except (SyncdError, NotImplementedError) as exc:
            entry = self.store.journal_begin(self.run_id, self.rt.name, action.endpoint, kind, link)
            self._failed(entry, action, kind, str(exc))
            return None
        return _Ready(index, action, kind, link, prepared)

    # -- taking in -----------------------------------------------------------------------------
    def _missed(self, flight: _Flight, error: Exception) -> FatalError | None:
        """Record a write that did not land as asked; the fatal error for the run to end with,
        if it is one."""
        action, kind, entry = flight.action, flight.kind, flight.entry
        match error:
            case LandedWrong():
                self._failed(entry, action, kind, str(error), error.changes)
                self.natives.apply(error.changes)
            case FatalError():
                with self.store.transaction() as conn:
                    self.store.journal_end(conn, entry, "failed", detail=str(error))
                return error
            case SyncdError() | NotImplementedError():
                # a create whose outcome is unknown stays in doubt until a later run sees it
                doubt = isinstance(error, RetriableError) and isinstance(action, _CREATES)
                self._failed(entry, action, kind, str(error), doubt=doubt)
            case _:  # a connector met an answer it does not understand
                message = (
                    f"{action.endpoint}: unexpected {type(error).__name__} ({error}) while "
                    "writing; the object is skipped (please report this with --log-level debug "
                    "output)"
                )
                self.bound.debug(
                    "write crashed", endpoint=action.endpoint, action=kind, exc_info=error
                )
                self._failed(entry, action, kind, message, doubt=isinstance(action, _CREATES))
        return None

    def _took(self, flight: _Flight, changes: list[StateChange]) -> None:
        """A write that landed as asked, taken in: its native ids known from now on."""
        self.natives.apply(changes)
        self.result.counts[flight.kind] += 1
        self.monitor.action(self.rt.name, flight.kind, flight.action.endpoint, True)

    def _record(self, landed: list[tuple[_Flight, list[StateChange]]]) -> None:
        """Writes that landed as asked, recorded in one transaction."""
        if landed:
            self.store.land_and_open(self.rt.name, *_rows(landed), self.run_id, [])

    def _failed(
        self,
        entry: int,
        action: Action,
        kind: str,
        message: str,
        changes: list[StateChange] | None = None,
        *,
        doubt: bool = False,
    ) -> None:
        with self.store.transaction() as conn:
            if changes:
                self.store.apply(conn, self.rt.name, changes)
            self.store.journal_end(conn, entry, "doubt" if doubt else "failed", detail=message)
        self.result.counts["failed"] += 1
        problem = Problem(
            action.endpoint, getattr(action, "link", None), f"{kind}: {message}", "error"
        )
        self.result.failures.append(problem)
        self.bound.warning(
            "write failed",
            endpoint=action.endpoint,
            action=kind,
            link=problem.link,
            error=message,
        )
        self.monitor.action(self.rt.name, kind, action.endpoint, False)

    def _tick(self, progress: Progress, *, ok: bool) -> None:
        progress.done += 1
        if not ok:
            progress.failed += 1
        self.monitor.progress(self.rt.name, progress)
        now = time.monotonic()
        if progress.total < PROGRESS_FROM or progress.done == progress.total:
            return
        if now - self._stored_at >= STORE_PROGRESS_EVERY:  # what ``syncd status`` shows
            self._stored_at = now
            self.store.run_progress(self.run_id, progress.to_dict())
        if not self.monitor.shows_progress and now - self._logged_at >= LOG_PROGRESS_EVERY:
            self._logged_at = now
            self.bound.info("progress", **progress.to_dict())
