"""Writes side by side: what waits for what, bounded pools, and the same guarantees as one by one.

The schedule is checked on plans the real planner makes; the applier through the real engine and
state database, on in-memory reviews whose writes take a while (so several are in flight) and
are watched for how many run at once.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.core.actions import CreateItem, CreateNote, SetOrder
from syncd.core.model import NewNote, Note
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.errors import FatalError, SkippableError
from syncd.state.store import StateStore
from syncd.sync.applier import _threads
from syncd.sync.engine import Engine, MappingRuntime, RunMonitor
from syncd.sync.progress import Progress
from syncd.sync.schedule import Schedule, dependencies

ROWS = [{"a": "wfa", "b": "for_review"}, {"a": "done", "b": "approved"}]


class SlowEndpoint(MemoryEndpoint):
    """A review whose every write takes ``latency`` seconds, as a remote system's would."""

    def __init__(self, name: str, review: MemoryReview, latency: float = 0.02) -> None:
        super().__init__(name, review)
        self.latency = latency
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.fail_on: Callable[[str], BaseException | None] = lambda op: None

    def _write(self, op: str, apply: Callable[[], Any]) -> Any:
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            time.sleep(self.latency)
            error = self.fail_on(op)
            if error is not None:
                raise error
            with self.lock:
                return super()._write(op, apply)
        finally:
            with self.lock:
                self.in_flight -= 1


class Watch(RunMonitor):
    def __init__(self) -> None:
        self.seen: list[tuple[int, int]] = []

    def progress(self, mapping: str, progress: Progress) -> None:
        self.seen.append((progress.done, progress.total))


class Rig:
    def __init__(self, tmp: Path, concurrency: int = 4) -> None:
        self.a = MemoryReview("a")
        self.b = MemoryReview("b")
        self.ep_a = SlowEndpoint("a", self.a, latency=0.0)
        self.ep_b = SlowEndpoint("b", self.b)
        self.ep_b.write_concurrency = concurrency
        self.store = StateStore.open(f"sqlite:///{tmp / 'state.db'}")
        self.rt = MappingRuntime(
            "m",
            {"a": self.ep_a, "b": self.ep_b},
            Policy(
                endpoints=("a", "b"),
                notes=Direction(BOTH),
                statuses=Direction(BOTH),
                order=Direction("a"),
                side_by_side=frozenset({"b"}) if concurrency > 1 else frozenset(),
            ),
            StatusTable.from_rows(ROWS),
            media_dir=tmp / "media",
        )
        self.watch = Watch()
        self.engine = Engine(self.store, self.watch)

    def seed(self, items: int = 6, notes: int = 4) -> None:
        for i in range(items):
            item = self.a.add_item(f"sh{i:03d}", status="wfa")
            first = None
            for n in range(notes):
                note = self.a.add_note(item.id, f"note {i}.{n}")
                first = first or note
            if first is not None:
                self.a.add_note(item.id, f"reply to {i}.0", parent=first.id)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    rig = Rig(tmp_path)
    yield rig
    rig.store.dispose()


def planned(rig: Rig) -> list[Any]:
    plan, *_ = rig.engine.plan(rig.rt)
    return plan.actions


# -- what waits for what --------------------------------------------------------------------------
def test_notes_wait_for_their_item_their_parent_and_the_notes_before_them(rig: Rig) -> None:
    rig.seed(items=2, notes=2)
    actions = planned(rig)
    deps = dependencies(actions)
    creates = {a.link: n for n, a in enumerate(actions) if isinstance(a, CreateItem)}
    notes = {a.link: n for n, a in enumerate(actions) if isinstance(a, CreateNote)}
    for n, action in enumerate(actions):
        if not isinstance(action, CreateNote):
            continue
        assert creates[action.item_link] in deps[n], "a note before its item"
        if action.parent_link is not None:
            assert notes[action.parent_link] in deps[n], "a reply before its parent"
        earlier = [
            m
            for m, other in enumerate(actions[:n])
            if isinstance(other, CreateNote) and other.item_link == action.item_link
        ]
        if earlier:
            assert earlier[-1] in deps[n], "the notes of one item out of order"


def test_the_order_waits_for_every_new_item(rig: Rig) -> None:
    rig.seed(items=3, notes=0)
    actions = planned(rig)
    orders = [n for n, a in enumerate(actions) if isinstance(a, SetOrder)]
    assert orders, "items created side by side must be put in order afterwards"
    creates = {n for n, a in enumerate(actions) if isinstance(a, CreateItem) and a.endpoint == "b"}
    assert creates <= dependencies(actions)[orders[0]]


def test_without_a_reordering_items_are_created_one_by_one(tmp_path: Path) -> None:
    rig = Rig(tmp_path, concurrency=1)
    rig.seed(items=3, notes=0)
    actions = planned(rig)
    assert not any(isinstance(a, SetOrder) for a in actions)
    creates = [n for n, a in enumerate(actions) if isinstance(a, CreateItem)]
    deps = dependencies(actions)
    for before, after in itertools.pairwise(creates):
        assert before in deps[after]
    rig.store.dispose()


def test_the_schedule_hands_out_lowest_positions_first_as_work_completes(rig: Rig) -> None:
    rig.seed(items=2, notes=1)
    actions = planned(rig)
    schedule = Schedule(actions)
    order: list[int] = []
    while schedule.left:
        ready = [n for ep in schedule.endpoints_ready() if (n := schedule.next_for(ep)) is not None]
        assert ready, "nothing ready while work is left"
        for n in sorted(ready):
            order.append(n)
            schedule.done(n)
    assert sorted(order) == list(range(len(actions)))


def _seed_threads(rig: Rig, items: int) -> None:
    """``items`` items with four notes each ("note <item>.<n>"), in a's review: on the last,
    each note after the first answers the one before it."""
    for i in range(items):
        item = rig.a.add_item(f"sh{i:03d}", status="wfa")
        parent = None
        for n in range(4):
            threaded = i == items - 1
            note = rig.a.add_note(item.id, f"note {i}.{n}", parent=parent if threaded else None)
            parent = note.id


def _threaded(rig: Rig) -> list[Any]:
    """A plan of three items: the last with a thread of four replies, each answering the one
    before it; the first two with four notes each, which a batch can carry in one request."""
    _seed_threads(rig, 3)
    return planned(rig)


def _handed_out(schedule: Schedule, endpoint: str) -> list[int]:
    """The order writes are handed out in, one at a time, each done before the next."""
    order = []
    while (index := schedule.next_for(endpoint)) is not None:
        order.append(index)
        schedule.done(index)
    return order


def test_side_by_side_the_longest_chain_of_requests_goes_first(rig: Rig) -> None:
    actions = _threaded(rig)
    on_b = [n for n, a in enumerate(actions) if a.endpoint == "b"]
    threaded = next(
        n for n in on_b if isinstance(actions[n], CreateItem) and "002" in actions[n].item.name
    )
    # one write at a time: the plan's order, whatever waits on what
    assert _handed_out(Schedule(actions), "b") == on_b
    # side by side, the item whose replies must go one after another is created first, and
    # its thread is handed out before the notes that can ride together in one batch
    order = _handed_out(Schedule(actions, urgent={"b"}, batched={"b"}), "b")
    assert sorted(order) == on_b
    assert order[0] == threaded
    replies = [n for n in on_b if isinstance(actions[n], CreateNote) and actions[n].parent_link]
    first_plain = min(
        order.index(n)
        for n in on_b
        if isinstance(actions[n], CreateNote) and actions[n].item_link != actions[threaded].link
    )
    assert all(order.index(n) < first_plain for n in replies[:1])
    # without batches every note is a request of its own: each item's chain is as long as
    # the thread's, and chains as long as each other keep the plan's order
    creates = [n for n in on_b if isinstance(actions[n], CreateItem)]
    assert _handed_out(Schedule(actions, urgent={"b"}), "b")[:3] == creates


def test_on_flat_threads_a_reply_needs_only_the_threads_first_note(rig: Rig) -> None:
    """Where a reply to a reply goes under the thread's first note (ShotGrid), the replies of
    a thread wait for that note, and then may ride in one batch, each after the one it
    answers; elsewhere each waits for the reply it answers."""
    actions = _threaded(rig)
    thread = [
        n
        for n, a in enumerate(actions)
        if a.endpoint == "b" and isinstance(a, CreateNote) and a.note.text.startswith("note 2.")
    ]
    first, answering, *later = thread
    nested, flat = dependencies(actions), dependencies(actions, flat={"b"})
    for n in later:
        assert first not in nested[n] and thread[thread.index(n) - 1] in nested[n]
        assert first in flat[n], "a reply before the note its thread hangs on"
    assert first in nested[answering] and first in flat[answering]

    def riders(schedule: Schedule) -> list[int]:
        while (index := schedule.next_for("b")) not in (first, None):
            schedule.done(index)
        schedule.done(first)
        taken = schedule.take("b", 1, lambda a: a is actions[answering])
        assert taken == [answering]
        return schedule.followers(taken, 10, lambda a: isinstance(a, CreateNote))

    assert riders(Schedule(actions, batched={"b"})) == []
    assert riders(Schedule(actions, batched={"b"}, flat={"b"})) == later


def test_a_batch_takes_an_items_notes_together(rig: Rig) -> None:
    """Ready notes of several items: a batch takes one item's notes with those that follow
    them, not the first note of each item (whose next notes would each wait a request)."""
    actions = _threaded(rig)
    schedule = Schedule(actions, urgent={"b"}, batched={"b"})
    while (index := schedule.next_for("b", lambda a: isinstance(a, CreateNote))) is not None:
        schedule.done(index)  # the items, created
    batches = []
    while taken := schedule.take("b", 1, lambda a: isinstance(a, CreateNote)):
        batch = [taken[0], *_threads(schedule, "b", taken[0], 5)]
        batches.append({actions[n].item_link for n in batch})
        for n in batch:
            schedule.done(n)
    plain = [a.link for a in actions if isinstance(a, CreateItem) and "002" not in a.item.name]
    for item in plain:  # four notes each, which one batch of five can carry
        assert sum(item in batch for batch in batches) == 1, batches


# -- the applier ---------------------------------------------------------------------------------
def test_writes_run_side_by_side_within_the_limit_and_land_once(rig: Rig) -> None:
    rig.seed(items=8, notes=4)
    result = rig.engine.run(rig.rt)
    assert result.outcome == "ok", result.failures
    assert 1 < rig.ep_b.peak <= 4
    assert sorted(n.text for n in rig.b.notes.values()) == sorted(
        n.text for n in rig.a.notes.values()
    )
    assert [i.name for i in rig.b.items] == [i.name for i in rig.a.items]
    # every reply is a reply, under the right note
    by_id = rig.b.notes
    for note in by_id.values():
        if note.text.startswith("reply to "):
            assert note.parent is not None
            assert by_id[note.parent].text == note.text.replace("reply to ", "note ")
    # each item's notes were written in their order
    for item in rig.b.items:
        texts = [n.text for n in by_id.values() if n.item == item.id and n.parent is None]
        assert texts == sorted(texts)
    # a second run has nothing left to do
    again = rig.engine.run(rig.rt)
    assert sum(again.counts.values()) == 0
    assert rig.watch.seen[-1][0] == rig.watch.seen[-1][1]


def test_concurrency_one_keeps_the_plan_order(tmp_path: Path) -> None:
    rig = Rig(tmp_path, concurrency=1)
    rig.seed(items=3, notes=2)
    assert rig.engine.run(rig.rt).outcome == "ok"
    assert rig.ep_b.peak == 1
    rig.store.dispose()


def test_a_failure_among_writes_in_flight_is_reported_and_the_rest_lands(rig: Rig) -> None:
    rig.seed(items=4, notes=3)
    calls = {"n": 0}

    def fail_third_note(op: str) -> BaseException | None:
        if op == "create_note":
            calls["n"] += 1
            if calls["n"] == 3:
                from syncd.errors import RetriableError

                return RetriableError("b: the service is busy")
        return None

    rig.ep_b.fail_on = fail_third_note
    result = rig.engine.run(rig.rt)
    assert result.outcome == "partial"
    assert result.counts["failed"] >= 1
    rig.ep_b.fail_on = lambda op: None
    assert rig.engine.run(rig.rt).outcome == "ok"
    texts = [n.text for n in rig.b.notes.values()]
    assert sorted(texts) == sorted(n.text for n in rig.a.notes.values())
    assert len(texts) == len(set(texts)), "a note written twice"


def test_a_fatal_error_stops_new_writes_and_records_those_in_flight(rig: Rig) -> None:
    rig.seed(items=6, notes=3)
    calls = {"n": 0}

    def refuse_after_five(op: str) -> BaseException | None:
        calls["n"] += 1
        return FatalError("b: credentials refused") if calls["n"] == 5 else None

    rig.ep_b.fail_on = refuse_after_five
    with pytest.raises(FatalError):
        rig.engine.run(rig.rt)
    landed = rig.b.writes
    assert 0 < landed < 40
    recorded = rig.store.load("m").natives
    # every write that landed is recorded: the next run writes only the rest
    assert len(recorded("note", "b")) == len(rig.b.notes)
    rig.ep_b.fail_on = lambda op: None
    assert rig.engine.run(rig.rt).outcome == "ok"
    texts = [n.text for n in rig.b.notes.values()]
    assert len(texts) == len(set(texts)) == len(rig.a.notes)


def test_a_stop_request_ends_the_run_between_writes(rig: Rig) -> None:
    rig.seed(items=6, notes=3)
    asked = {"n": 0}

    def stop_soon() -> bool:
        asked["n"] += 1
        return asked["n"] > 3

    result = rig.engine.run(rig.rt, should_stop=stop_soon)
    assert result.outcome == "stopped"
    assert rig.b.writes < 30
    assert rig.engine.run(rig.rt).outcome == "ok"
    texts = [n.text for n in rig.b.notes.values()]
    assert len(texts) == len(set(texts)) == len(rig.a.notes)


def test_a_long_run_keeps_its_progress_in_the_run_history(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.seed(items=10, notes=3)
    snapshots: list[dict[str, Any]] = []
    original = rig.store.run_progress

    def spy(run_id: int, progress: dict[str, Any]) -> None:
        original(run_id, progress)
        snapshots.append(rig.store.last_runs("m", limit=1)[0].progress)

    rig.store.run_progress = spy  # type: ignore[method-assign]
    import syncd.sync.applier as applier

    every = applier.STORE_PROGRESS_EVERY
    applier.STORE_PROGRESS_EVERY = 0.0
    try:
        assert rig.engine.run(rig.rt).outcome == "ok"
    finally:
        applier.STORE_PROGRESS_EVERY = every
    assert snapshots, "no progress was kept"
    assert all(s["total"] >= 30 and 0 < s["done"] < s["total"] for s in snapshots)
    assert [s["done"] for s in snapshots] == sorted(s["done"] for s in snapshots)
    rig.store.dispose()


class BatchingEndpoint(SlowEndpoint):
    """A review that creates notes several to a request, as ShotGrid's ``batch`` does."""

    note_batch = 3

    def __init__(self, name: str, review: MemoryReview) -> None:
        super().__init__(name, review)
        self.batches: list[int] = []

    def create_notes(self, notes: list[Any]) -> list[Any]:
        self.batches.append(len(notes))
        return [self.create_note(note) for note in notes]


def test_notes_ride_in_batches_and_a_note_with_files_goes_alone(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.ep_b = BatchingEndpoint("b", rig.b)
    rig.ep_b.write_concurrency = 4
    rig.rt.endpoints["b"] = rig.ep_b
    rig.seed(items=4, notes=3)
    with_file = rig.a.add_note(
        rig.a.items[0].id, "see the paint-over", files={"notes.txt": b"frame 12: the arc\n"}
    )
    result = rig.engine.run(rig.rt)
    assert result.outcome == "ok", result.failures
    assert rig.ep_b.batches and max(rig.ep_b.batches) <= 3
    assert sum(rig.ep_b.batches) < len(rig.a.notes)  # the note with a file was not batched
    written = {n.text: n for n in rig.b.notes.values()}
    assert sorted(written) == sorted(n.text for n in rig.a.notes.values())
    assert [a.filename for a in written[with_file.text].attachments] == ["notes.txt"]
    for item in rig.b.items:  # a batch keeps the order the notes of one item were written in
        texts = [n.text for n in rig.b.notes.values() if n.item == item.id and n.parent is None]
        assert texts == sorted(texts, key=lambda t: (t.startswith("see"), t))
    assert sum(rig.engine.run(rig.rt).counts.values()) == 0


class FlatThreadsEndpoint(SlowEndpoint):
    """As ShotGrid: notes four to a request, made in order, and a reply to a reply goes under
    the thread's first note. A note whose text is in ``refused`` fails alone; the others of
    its request land. ``sent``: the texts of each request."""

    capabilities = replace(MemoryEndpoint.capabilities, flat_threads=True)
    note_batch = 4

    def __init__(self, name: str, review: MemoryReview) -> None:
        super().__init__(name, review)
        self.sent: list[list[str]] = []
        self.refused: set[str] = set()

    def create_notes(self, notes: list[Any]) -> list[Any]:
        self.sent.append([note.text for note in notes])
        made: list[Any] = []
        for note in notes:
            if note.text in self.refused:
                made.append(SkippableError(f"b: {note.text!r} refused"))
            else:
                made.append(super().create_note(self.expected_note(note)))
        return made

    def create_note(self, note: NewNote) -> Note:
        self.sent.append([note.text])
        return super().create_note(self.expected_note(note))

    def expected_note(self, note: NewNote) -> NewNote:
        parent = note.parent
        while parent is not None and self.review.notes[parent].parent is not None:
            parent = self.review.notes[parent].parent
        return replace(note, parent=parent)


def _flat_rig(tmp_path: Path) -> tuple[Rig, FlatThreadsEndpoint]:
    """Item sh000 with four notes; sh001 with a note and three replies, each answering the
    one before it; b's threads are flat."""
    rig = Rig(tmp_path)
    rig.ep_b = endpoint = FlatThreadsEndpoint("b", rig.b)
    endpoint.write_concurrency = 4
    rig.rt.endpoints["b"] = endpoint
    _seed_threads(rig, 2)
    return rig, endpoint


THREAD = [("note 1.0", None), *((f"note 1.{n}", "note 1.0") for n in range(1, 4))]
"""sh001's thread on b, flat: every reply under the thread's first note."""


def _thread_on_b(rig: Rig) -> list[tuple[str, str | None]]:
    by_id = rig.b.notes
    return [
        (n.text, by_id[n.parent].text if n.parent else None)
        for n in by_id.values()
        if n.text.startswith("note 1.")
    ]


def test_an_items_notes_and_a_flat_threads_replies_share_a_batch(tmp_path: Path) -> None:
    rig, endpoint = _flat_rig(tmp_path)
    result = rig.engine.run(rig.rt)
    assert result.outcome == "ok", result.failures
    first = next(n for n, batch in enumerate(endpoint.sent) if "note 1.0" in batch)
    replies = next(n for n, batch in enumerate(endpoint.sent) if "note 1.1" in batch)
    assert first < replies, "a reply went before the note it hangs on"
    assert {"note 1.2", "note 1.3"} <= set(endpoint.sent[replies]), "replies a request each"
    assert _thread_on_b(rig) == THREAD
    assert sum(rig.engine.run(rig.rt).counts.values()) == 0
    rig.store.dispose()


def test_on_flat_threads_a_refused_reply_fails_alone_and_lands_next_run(tmp_path: Path) -> None:
    rig, endpoint = _flat_rig(tmp_path)
    endpoint.refused = {"note 1.1"}
    result = rig.engine.run(rig.rt)
    assert len(result.failures) == 1 and "'note 1.1' refused" in result.failures[0].message
    assert _thread_on_b(rig) == [
        ("note 1.0", None),
        ("note 1.2", "note 1.0"),
        ("note 1.3", "note 1.0"),
    ]
    endpoint.refused = set()
    again = rig.engine.run(rig.rt)
    assert again.outcome == "ok", again.failures
    assert again.counts["create_note"] == 1
    assert sorted(_thread_on_b(rig)) == THREAD
    assert sum(rig.engine.run(rig.rt).counts.values()) == 0
    rig.store.dispose()


class ItemBatchingEndpoint(SlowEndpoint):
    """A review that creates items several to a request, in their order; the item named in
    ``refused`` fails alone, the others of its batch land."""

    item_batch = 5

    def __init__(self, name: str, review: MemoryReview, refused: str = "") -> None:
        super().__init__(name, review)
        self.batches: list[list[str]] = []
        self.refused = refused

    def create_items(self, items: list[Any]) -> list[Any]:
        self.batches.append([item.name for item in items])
        return [
            SkippableError(f"b: {item.name} refused")
            if item.name == self.refused
            else self.create_item(item)
            for item in items
        ]


def test_items_are_shared_between_the_slots_and_one_refused_fails_alone(tmp_path: Path) -> None:
    rig = Rig(tmp_path, concurrency=3)
    rig.ep_b = ItemBatchingEndpoint("b", rig.b, refused="sh004")
    rig.ep_b.write_concurrency = 3
    rig.rt.endpoints["b"] = rig.ep_b
    rig.seed(items=12, notes=1)
    result = rig.engine.run(rig.rt)
    assert [len(batch) for batch in rig.ep_b.batches] == [4, 4, 4], "spread over 3 slots"
    refused = [p for p in result.failures if p.message.startswith("create_item")]
    assert len(refused) == 1 and "sh004 refused" in refused[0].message
    assert all("an earlier write failed" in p.message for p in result.failures[1:])
    names = [i.name for i in rig.b.items]
    assert sorted(names) == [f"sh{i:03d}" for i in range(12) if i != 4]
    assert sum(1 for n in rig.b.notes.values()) == 2 * 11, "the refused item's notes wait"
    rig.ep_b.refused = ""
    again = rig.engine.run(rig.rt)
    assert again.outcome == "ok", again.failures
    assert sorted(i.name for i in rig.b.items) == [f"sh{i:03d}" for i in range(12)]
    assert [i.name for i in rig.b.items] == [f"sh{i:03d}" for i in range(12)], "in a's order"
    rig.store.dispose()
