"""Property tests: random edits, failing writes and crashes on three endpoints, then convergence.

A hypothesis state machine plays users on three in-memory reviews and runs the real engine over a
real (SQLite) state database. Every note a user writes carries a unique token, so after fault-free
runs we can check the two promises users rely on: every note that was not deleted (with deletes
on) exists exactly once on every endpoint, and every endpoint shows the same review.

Writes go out three at a time per endpoint (two on the side that batches), and complete in an
order hypothesis chooses, one or several at once (``SteppedDispatch``): out-of-order answers,
failures among writes in flight, and crashes that leave other writes in flight landed or not,
as a killed process would. One side creates notes and items in batches (``BatchingEndpoint``):
a fault fails, loses the answer of, or kills a whole batch at once.
"""

from __future__ import annotations

import contextlib
import copy
import os
import random
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from syncd.connectors.memory.endpoint import Crash, MemoryEndpoint, MemoryReview
from syncd.core.model import Item, NewItem, NewNote, Note
from syncd.core.planning import HELD_NOTES_FLOOR
from syncd.core.policy import BOTH, LAST_WRITER, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.errors import SyncdError
from syncd.state.store import StateStore
from syncd.sync.dispatch import Dispatch
from syncd.sync.engine import Engine, MappingRuntime

EPS = ("a", "b", "c")
STATUS_ROWS = [
    {"a": "wip", "b": "in_progress", "c": "WIP"},
    {"a": "wfa", "b": "for_review", "c": "REV"},
    {"a": "done", "b": "approved", "c": "APR"},
    {"a": "hold", "b": "on_hold", "c": "HLD"},  # no user sets it: c's default for a new item
]
USER_ROWS = 3
TABLE = StatusTable.from_rows(STATUS_ROWS)
TOKEN = re.compile(r"^(n\d+)")
ITEM_NAMES = ("sh010", "sh020", "sh030", "sh040")
BLOBS = (b"one", b"two", b"three")

_TEMPLATE: Path | None = None


class DefaultStatusFirst(MemoryEndpoint):
    """As a system whose create takes no status: a new item starts with the system's default
    and the status asked for is a second write, which a fault can cut off."""

    def create_item(self, item: NewItem) -> Item:
        if item.status is None:
            return super().create_item(item)
        made = super().create_item(replace(item, status=STATUS_ROWS[USER_ROWS]["c"]))
        return super().set_status(made.id, item.status)


class BatchingEndpoint(MemoryEndpoint):
    """As a system with a batch call and flat threads (ShotGrid's): up to three notes, or
    three items, in one request, made in order, all or none. A fault before the request makes
    none; one after it (a lost answer, a kill) comes once all have landed; a batch the system
    refuses goes one by one. A reply to a reply goes under the thread's first note."""

    capabilities = replace(MemoryEndpoint.capabilities, flat_threads=True)
    note_batch = 3
    item_batch = 3

    def create_note(self, note: NewNote) -> Note:
        return super().create_note(self.expected_note(note))

    def expected_note(self, note: NewNote) -> NewNote:
        return replace(note, parent=thread_of(self.review, note.parent))

    def create_items(self, items: list[NewItem]) -> list[Item | Exception]:
        return self._all_or_none("create_items", "items", items, self.create_item)

    def create_notes(self, notes: list[NewNote]) -> list[Note | Exception]:
        return self._all_or_none("create_notes", "notes", notes, self.create_note)

    def _all_or_none(
        self, call: str, table: str, asked: list[Any], create: Callable[[Any], Any]
    ) -> list[Any]:
        """``create`` each of ``asked`` in one request: a transaction over the review's
        ``table`` (its items or its notes), rolled back when any create fails, and the
        creates then sent one by one."""
        self._guard(call, "before")
        fault, self.review.fault = self.review.fault, None  # one request: one chance to fail
        before = copy.copy(getattr(self.review, table))
        try:
            made = [create(one) for one in asked]
        except SyncdError:
            setattr(self.review, table, before)  # the transaction rolled back
            made = []
        finally:
            self.review.fault = fault
        if not made:
            out: list[Any] = []
            for one in asked:
                try:
                    out.append(create(one))
                except SyncdError as exc:
                    out.append(exc)
            return out
        self._guard(call, "after")
        return made


def thread_of(review: MemoryReview, note_id: str | None) -> str | None:
    """The first note of ``note_id``'s thread."""
    while note_id is not None and review.notes[note_id].parent is not None:
        note_id = review.notes[note_id].parent
    return note_id


class SteppedDispatch(Dispatch):
    """Writes "in flight" complete one at a time, in an order ``rng`` picks, in this thread.

    When a run ends on a crash, each write still in flight has landed or not, at random: a
    killed process may or may not have got its request out.
    """

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng
        self.pending: list[tuple[Future[Any], Callable[[], Any]]] = []

    def pool(self, endpoint: str, size: int, *, alone: bool = False) -> Executor:
        return _Deferred(self)

    def wait_any(self, futures: Iterable[Future[Any]]) -> set[Future[Any]]:
        """One or more of the writes waited for complete, as answers arriving together do (the
        applier records those in one transaction)."""
        wanted = set(futures)
        waiting = [entry for entry in self.pending if entry[0] in wanted]
        self.rng.shuffle(waiting)
        done = set()
        for future, send in waiting[: self.rng.randint(1, len(waiting))]:
            self.pending.remove((future, send))
            try:
                future.set_result(send())
            except BaseException as exc:  # a Crash included: the applier meets it as a kill
                future.set_exception(exc)
            done.add(future)
        return done

    def close(self) -> None:
        left, self.pending = self.pending, []
        for _, send in left:
            if self.rng.random() < 0.5:
                with contextlib.suppress(BaseException):  # nobody is left to hear the answer
                    send()


class _Deferred(Executor):
    def __init__(self, dispatch: SteppedDispatch) -> None:
        self.dispatch = dispatch

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self.dispatch.pending.append((future, lambda: fn(*args, **kwargs)))
        return future


ENDPOINTS: dict[str, type[MemoryEndpoint]] = {"b": BatchingEndpoint, "c": DefaultStatusFirst}
"""Beside the plain in-memory review: a side that creates notes in batches, and one whose
creates take no status."""


def fresh_store(tmp: Path) -> StateStore:
    """A migrated database per example, copied from a template to keep examples fast."""
    global _TEMPLATE
    if _TEMPLATE is None:
        template_dir = Path(tempfile.mkdtemp(prefix="syncd-template-"))
        _TEMPLATE = template_dir / "state.db"
        StateStore.open(f"sqlite:///{_TEMPLATE}").dispose()
    target = tmp / "state.db"
    shutil.copyfile(_TEMPLATE, target)
    return StateStore(f"sqlite:///{target}")


class ReviewSync(RuleBasedStateMachine):
    deletes = False

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="syncd-prop-"))
        self.store = fresh_store(self.tmp)
        self.reviews = {ep: MemoryReview(ep) for ep in EPS}
        self.counter = 0
        self.deleted_tokens: set[str] = set()
        self.created_tokens: set[str] = set()
        self.parent_token: dict[str, str | None] = {}
        self.rt = MappingRuntime(
            name="prop",
            endpoints={ep: ENDPOINTS.get(ep, MemoryEndpoint)(ep, self.reviews[ep]) for ep in EPS},
            policy=Policy(
                endpoints=EPS,
                notes=Direction(BOTH),
                statuses=Direction(BOTH),
                media=Direction(BOTH),
                order=Direction(BOTH),
                deletes=self.deletes,
                conflicts=LAST_WRITER,
                max_delete_share=1.0,
                side_by_side=frozenset(EPS),
            ),
            statuses=TABLE,
            media_dir=self.tmp / "media",
        )
        for endpoint in self.rt.endpoints.values():
            # the batching side has fewer slots than new items, so that items share batches
            endpoint.write_concurrency = 2 if endpoint.item_batch else 3
        self.order = random.Random(0)
        self.engine = Engine(self.store, dispatch=lambda: SteppedDispatch(self.order))
        self.synced_clean = False
        self.unrecorded: dict[str, set[str]] = {}
        """Per endpoint, notes the last run wrote but did not record (cut short)."""

    def teardown(self) -> None:
        self.store.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- helpers -------------------------------------------------------------------------------
    def token(self) -> str:
        self.counter += 1
        return f"n{self.counter}"

    def pick_item(self, ep: str, index: int) -> str | None:
        items = self.reviews[ep].items
        return items[index % len(items)].id if items else None

    def pick_note(self, ep: str, index: int) -> str | None:
        notes = list(self.reviews[ep].notes)
        return notes[index % len(notes)] if notes else None

    def sync(self, fault: object = None, *, trusting: bool = True) -> None:
        """One run. Users here may empty a side on purpose, which the empty-side rails would
        refuse until confirmed: ``trusting`` runs confirm it, as a user rerunning with
        ``--allow-empty`` does. The rails themselves are hammered by ``sync_with_hiccup``."""
        for review in self.reviews.values():
            review.fault = fault  # type: ignore[assignment]
        try:
            self.engine.run(self.rt, allow_empty=trusting)
        except (SyncdError, Crash):
            pass
        finally:
            for review in self.reviews.values():
                review.fault = None
                review.hiccup = None
        recorded = self.store.load(self.rt.name).natives
        self.unrecorded = {
            ep: review.written & set(review.notes) - set(recorded("note", ep))
            for ep, review in self.reviews.items()
        }

    # -- what users do -------------------------------------------------------------------------
    @initialize(
        ep=st.sampled_from(EPS),
        names=st.lists(st.sampled_from(ITEM_NAMES), min_size=1, max_size=3, unique=True),
    )
    def seed(self, ep: str, names: list[str]) -> None:
        for name in names:
            self.reviews[ep].add_item(name, status="wip" if ep == "a" else None)

    @rule(ep=st.sampled_from(EPS), name=st.sampled_from(ITEM_NAMES))
    def add_item(self, ep: str, name: str) -> None:
        review = self.reviews[ep]
        if any(i.name == name for i in review.items):
            return
        review.add_item(name)
        self.synced_clean = False

    @rule(ep=st.sampled_from(EPS), index=st.integers(0, 9), frame=st.none() | st.integers(1, 99))
    def add_note(self, ep: str, index: int, frame: int | None) -> None:
        item = self.pick_item(ep, index)
        if item is None:
            return
        token = self.token()
        self.reviews[ep].add_note(item, f"{token} looks good", frame=frame)
        self.created_tokens.add(token)
        self.parent_token[token] = None
        self.synced_clean = False

    @rule(ep=st.sampled_from(EPS), index=st.integers(0, 9), count=st.integers(2, 5))
    def review_session(self, ep: str, index: int, count: int) -> None:
        """Several notes at once on one item, as a review session leaves them: what the
        batching side then creates several to a request."""
        for _ in range(count):
            self.add_note(ep, index, None)

    @rule(ep=st.sampled_from(EPS), index=st.integers(0, 30))
    def reply(self, ep: str, index: int) -> None:
        parent = self.pick_note(ep, index)
        if parent is None:
            return
        review = self.reviews[ep]
        note = review.notes[parent]
        token = self.token()
        flat = self.rt.endpoints[ep].capabilities.flat_threads
        where = thread_of(review, parent) if flat else parent
        review.add_note(note.item, f"{token} replying", parent=where)
        self.created_tokens.add(token)
        match = TOKEN.match(note.text)
        self.parent_token[token] = match.group(1) if match else None
        self.synced_clean = False

    @rule(ep=st.sampled_from(EPS), index=st.integers(0, 30), suffix=st.sampled_from("xyz"))
    def edit_note(self, ep: str, index: int, suffix: str) -> None:
        """A user edits a note. Not one that a run cut short wrote and never recorded, before
        the next run has seen it: nothing tells that edited note from a new one (the known
        limit documented in the README), so it would come back as a second note."""
        note_id = self.pick_note(ep, index)
        if note_id is None or note_id in self.unrecorded.get(ep, ()):
            return
        review = self.reviews[ep]
        text = review.notes[note_id].text
        match = TOKEN.match(text)
        if match:
            review.edit_note(note_id, f"{match.group(1)} edited {suffix}")
            self.synced_clean = False

    @rule(ep=st.sampled_from(EPS), index=st.integers(0, 30))
    def delete_note(self, ep: str, index: int) -> None:
        note_id = self.pick_note(ep, index)
        if note_id is None:
            return
        review = self.reviews[ep]
        before = self.tokens(ep)
        match = TOKEN.match(review.notes[note_id].text)
        if self.deletes and match:
            self.deleted_tokens.add(match.group(1))
        review.remove_note(note_id)
        elsewhere = set().union(*(self.tokens(other) for other in EPS if other != ep))
        # a note that lived only here is gone for good, whatever the deletes setting
        self.deleted_tokens |= (before - self.tokens(ep)) - elsewhere
        self.synced_clean = False

    def linked_notes(self, ep: str, item: str) -> int:
        """Notes the state links on ``ep`` on this item (what the rails count on)."""
        recorded = self.store.load(self.rt.name)
        item_link = recorded.link_of("item", ep, item)
        return sum(
            1
            for link in recorded.links.values()
            if link.kind == "note" and link.item == item_link and ep in link.members
        )

    def tokens(self, ep: str) -> set[str]:
        return {m.group(1) for n in self.reviews[ep].notes.values() if (m := TOKEN.match(n.text))}

    @rule(ep=st.sampled_from(EPS), index=st.integers(0, 9), row=st.integers(0, USER_ROWS - 1))
    def set_status(self, ep: str, index: int, row: int) -> None:
        item = self.pick_item(ep, index)
        if item is not None:
            self.reviews[ep].set_item_status(item, STATUS_ROWS[row][ep])
            self.synced_clean = False

    @rule(ep=st.sampled_from(EPS), index=st.integers(0, 9), blob=st.sampled_from(BLOBS))
    def set_media(self, ep: str, index: int, blob: bytes) -> None:
        item = self.pick_item(ep, index)
        if item is None:
            return
        review = self.reviews[ep]
        ref = review._store_blob(blob)
        review.items = [
            i if i.id != item else type(i)(**{**_fields(i), "media": ref}) for i in review.items
        ]
        self.synced_clean = False

    @rule(ep=st.sampled_from(EPS), seed=st.randoms(use_true_random=False))
    def reorder(self, ep: str, seed: object) -> None:
        review = self.reviews[ep]
        seed.shuffle(review.items)  # type: ignore[attr-defined]
        self.synced_clean = False

    # -- runs ----------------------------------------------------------------------------------
    @rule(
        verdicts=st.lists(
            st.sampled_from([None, None, None, "fail", "crash"]), min_size=1, max_size=12
        ),
        phase=st.sampled_from(["before", "after"]),
        order=st.randoms(use_true_random=False),
    )
    def sync_with_faults(
        self, verdicts: list[str | None], phase: str, order: random.Random
    ) -> None:
        self.order = order
        queue = list(verdicts)

        def fault(op: str, when: str) -> str | None:
            if when != phase or not queue:
                return None
            return queue.pop(0)

        self.sync(fault)
        self.synced_clean = False

    @rule(ep=st.sampled_from(EPS), index=st.integers(0, 9), whole=st.booleans())
    def sync_with_hiccup(self, ep: str, index: int, whole: bool) -> None:
        """One run where ``ep`` lists no notes at all, or none on one item: nothing may be
        duplicated or deleted because of it. An item must have had at least two notes there
        (``HELD_NOTES_FLOOR``) for its empty listing to be told from a user's deletion."""
        review = self.reviews[ep]
        if whole:
            review.hiccup = frozenset()
        else:
            item = self.pick_item(ep, index)
            shown = sum(1 for n in review.notes.values() if n.item == item)
            if item is None or len(review.notes) == shown:
                return
            if self.linked_notes(ep, item) < HELD_NOTES_FLOOR:
                return
            review.hiccup = frozenset({item})
        self.sync(trusting=False)
        self.synced_clean = False

    @rule(order=st.randoms(use_true_random=False))
    def sync_clean(self, order: random.Random) -> None:
        self.order = order
        self.sync()
        self.sync()
        writes = sum(r.writes for r in self.reviews.values())
        self.sync()
        assert sum(r.writes for r in self.reviews.values()) == writes, (
            "a run after convergence wrote something"
        )
        self.synced_clean = True

    # -- what must hold --------------------------------------------------------------------------
    @invariant()
    @precondition(lambda self: self.synced_clean)
    def converged(self) -> None:
        """Every review holds the same; where threads are flat, as flat threads."""
        flat = {ep for ep in EPS if self.rt.endpoints[ep].capabilities.flat_threads}
        views = {ep: self.view(ep) for ep in EPS if ep not in flat}
        first = views[EPS[0]]
        for ep in views:
            assert views[ep] == first, f"{ep} differs from {EPS[0]}"
        for ep in flat:
            assert self.view(ep, flat=True) == self.view(EPS[0], flat=True), f"{ep} differs"

    @invariant()
    @precondition(lambda self: self.synced_clean)
    def nothing_duplicated_or_lost(self) -> None:
        expected = {t for t in self.created_tokens if not self.dead(t)}
        for ep in EPS:
            counts = Counter(
                m.group(1) for n in self.reviews[ep].notes.values() if (m := TOKEN.match(n.text))
            )
            dupes = {t: c for t, c in counts.items() if c > 1}
            assert not dupes, f"duplicated on {ep}: {dupes}"
            missing = expected - set(counts)
            assert not missing, f"lost on {ep}: {sorted(missing)}"

    @invariant()
    @precondition(lambda self: self.synced_clean)
    def no_status_lost_to_a_default(self) -> None:
        """c's default status, which no user sets, never wins over a status a user set."""
        default = TABLE.to_canonical("c", STATUS_ROWS[USER_ROWS]["c"])
        for ep in EPS:
            held = [
                i.name
                for i in self.reviews[ep].items
                if TABLE.to_canonical(ep, i.status) == default
            ]
            assert not held, f"{ep}: {held} show c's default status instead of their own"

    def dead(self, token: str | None) -> bool:
        while token is not None:
            if token in self.deleted_tokens:
                return True
            token = self.parent_token.get(token)
        return False

    def view(self, ep: str, *, flat: bool = False) -> tuple[object, ...]:
        """An endpoint's review in canonical terms, comparable across endpoints; ``flat``:
        each reply as under its thread's first note."""
        review = self.reviews[ep]
        names = {i.id: i.name for i in review.items}
        by_id = review.notes
        items = tuple(
            (i.name, TABLE.to_canonical(ep, i.status), i.media.sha256 if i.media else None)
            for i in review.items
        )

        def key(note_id: str) -> str:
            note = by_id[note_id]
            above = thread_of(review, note.parent) if flat else note.parent
            parent = key(above) if above else ""
            return f"{parent}/{note.text}@{note.frame}"

        notes = sorted((names[n.item], key(n.id)) for n in by_id.values())
        return items, tuple(notes)


def _fields(item: object) -> dict[str, object]:
    return {f: getattr(item, f) for f in item.__slots__}  # type: ignore[attr-defined]


class ReviewSyncWithDeletes(ReviewSync):
    deletes = True


SETTINGS = settings(
    max_examples=int(os.environ.get("SYNCD_PROPERTY_EXAMPLES", "40")),
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

TestReviewSync = ReviewSync.TestCase
TestReviewSync.settings = SETTINGS
TestReviewSyncWithDeletes = ReviewSyncWithDeletes.TestCase
TestReviewSyncWithDeletes.settings = SETTINGS


@pytest.fixture(autouse=True)
def _quiet_logs() -> None:
    import logging

    logging.getLogger().setLevel(logging.ERROR)
