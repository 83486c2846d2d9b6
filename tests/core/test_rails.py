"""Safety rails and write checks, one by one, through the real engine and state database.

A listing that comes back empty is not believed; a write that landed differently from what was
asked is repaired or reported, never recorded as done; a create whose answer was lost is
recognised by the next run; conflicts that keep-both cannot keep are reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from syncd.connectors.memory.endpoint import Crash, MemoryEndpoint, MemoryReview
from syncd.core.model import Item, NewItem, NewNote, Note
from syncd.core.planning import HELD_NOTES_FLOOR
from syncd.core.policy import BOTH, KEEP_BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.errors import SafetyStop
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime

ROWS = [
    {"a": "wfa", "b": "for_review"},
    {"a": "done", "b": "approved"},
    {"a": "retake", "b": "on_hold"},
]


class Rig:
    def __init__(self, tmp: Path, b: MemoryEndpoint | None = None, **policy: object) -> None:
        self.a = MemoryReview("a")
        self.b_endpoint = b or MemoryEndpoint("b", MemoryReview("b"))
        self.b = self.b_endpoint.review
        self.store = StateStore.open(f"sqlite:///{tmp / 'state.db'}")
        options: dict[str, object] = {
            "notes": Direction(BOTH),
            "statuses": Direction(BOTH),
            "order": Direction("a"),
        }
        options.update(policy)
        self.rt = MappingRuntime(
            "m",
            {"a": MemoryEndpoint("a", self.a), "b": self.b_endpoint},
            Policy(endpoints=("a", "b"), **options),  # type: ignore[arg-type]
            StatusTable.from_rows(ROWS),
            media_dir=tmp / "media",
        )
        self.engine = Engine(self.store)

    def run(self, **options: bool):
        return self.engine.run(self.rt, **options)

    def texts(self, review: MemoryReview) -> list[str]:
        return sorted(n.text for n in review.notes.values())

    def writes(self) -> int:
        return self.a.writes + self.b.writes


def crash_note_create(when: str):
    """A fault that kills the run at its first note create, ``before`` or ``after`` it lands."""

    def fault(op: str, phase: str) -> str | None:
        return "crash" if (op, phase) == ("create_note", when) else None

    return fault


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    rig = Rig(tmp_path)
    yield rig
    rig.store.dispose()


# -- listings that come back empty -----------------------------------------------------------
def test_an_endpoint_listing_no_notes_is_refused(rig: Rig) -> None:
    item = rig.a.add_item("sh010")
    rig.a.add_note(item.id, "one")
    rig.a.add_note(item.id, "two")
    rig.run()
    before = rig.writes()
    rig.b.hiccup = frozenset()  # every note of b missing from its listing, once
    with pytest.raises(SafetyStop, match="b returned no notes while 2 notes are linked"):
        rig.run()
    assert rig.writes() == before
    rig.run()
    assert rig.writes() == before, "the next normal run found everything in place"
    assert rig.texts(rig.a) == rig.texts(rig.b) == ["one", "two"]


def test_an_item_listing_none_of_its_notes_is_left_alone(tmp_path: Path) -> None:
    rig = Rig(tmp_path, deletes=True)
    shot = rig.a.add_item("sh010")
    other = rig.a.add_item("sh020")
    for n in range(HELD_NOTES_FLOOR):
        rig.a.add_note(shot.id, f"note {n}")
    rig.a.add_note(other.id, "elsewhere")
    rig.run()
    before = rig.writes()
    b_shot = next(i.id for i in rig.b.items if i.name == "sh010")
    rig.b.hiccup = frozenset({b_shot})
    result = rig.run()
    assert rig.writes() == before, "nothing deleted, nothing restored"
    shown = "shows none of the 2 notes linked on 'sh010'"
    assert any(shown in p.message for p in result.plan.problems)
    rig.run()
    assert rig.writes() == before
    assert len(rig.a.notes) == len(rig.b.notes) == HELD_NOTES_FLOOR + 1


def test_allow_empty_confirms_a_real_deletion(tmp_path: Path) -> None:
    rig = Rig(tmp_path, deletes=True)
    shot = rig.a.add_item("sh010")
    other = rig.a.add_item("sh020")
    for n in range(HELD_NOTES_FLOOR):
        rig.a.add_note(shot.id, f"note {n}")
    rig.a.add_note(other.id, "elsewhere")
    rig.run()
    for note in [n for n in rig.b.notes.values() if n.text.startswith("note")]:
        rig.b.remove_note(note.id)
    rig.run()
    assert len(rig.a.notes) == HELD_NOTES_FLOOR + 1, "held: it looks like a failed listing"
    rig.run(allow_empty=True)
    assert rig.texts(rig.a) == rig.texts(rig.b) == ["elsewhere"]


# -- writes checked against the answer -----------------------------------------------------------
class FlatEndpoint(MemoryEndpoint):
    """A system that keeps every note at the top level, whatever the create asked."""

    def create_note(self, note: NewNote) -> Note:
        return super().create_note(replace(note, parent=None))


class StatuslessCreates(MemoryEndpoint):
    """Its create call drops the status, as some APIs do; setting it afterwards works."""

    def create_item(self, item: NewItem) -> Item:
        return super().create_item(replace(item, status=None))


def test_a_reply_that_lands_as_a_top_level_note_is_taken_back_and_reported(
    tmp_path: Path,
) -> None:
    rig = Rig(tmp_path, b=FlatEndpoint("b", MemoryReview("b")))
    item = rig.a.add_item("sh010")
    parent = rig.a.add_note(item.id, "question")
    rig.a.add_note(item.id, "answer", parent=parent.id)
    result = rig.run()
    assert result.outcome == "partial"
    assert any("not a reply" in f.message for f in result.failures)
    assert rig.texts(rig.b) == ["question"], "the misplaced reply was removed again"
    again = rig.run()
    assert again.outcome == "partial" and rig.texts(rig.b) == ["question"]


def test_a_status_the_create_dropped_is_set_again(tmp_path: Path) -> None:
    rig = Rig(tmp_path, b=StatuslessCreates("b", MemoryReview("b")))
    rig.a.add_item("sh010", status="done")
    result = rig.run()
    assert result.outcome == "ok"
    assert rig.b.items[0].status == "approved"
    before = rig.writes()
    rig.run()
    assert rig.writes() == before


def test_a_create_whose_answer_was_lost_is_adopted_not_copied(tmp_path: Path) -> None:
    """The reply landed at the top level and the run died before seeing it: the next run
    finds it by its intent (item and content), links it and says where it is."""
    rig = Rig(tmp_path, b=FlatEndpoint("b", MemoryReview("b")))
    item = rig.a.add_item("sh010")
    parent = rig.a.add_note(item.id, "question")
    rig.run()
    rig.a.add_note(item.id, "answer", parent=parent.id)

    rig.b.fault = crash_note_create("after")
    with pytest.raises(Crash):
        rig.run()
    rig.b.fault = None
    result = rig.run()
    assert rig.texts(rig.b) == ["answer", "question"], "nothing written twice"
    assert rig.texts(rig.a) == ["answer", "question"], "and nothing copied back"
    assert any("landed elsewhere in its thread" in p.message for p in result.plan.problems)


def test_a_create_in_doubt_on_an_item_listing_no_notes_is_read_again(rig: Rig) -> None:
    """The first note on an item lands on b, the run dies before recording it, and the next
    listing of b shows no notes at all: that absence proves nothing, so b is read once more
    before the note is taken as lost, and it is adopted, not written twice."""
    item = rig.a.add_item("sh010")
    rig.run()
    rig.a.add_note(item.id, "first note")

    rig.b.fault = crash_note_create("after")
    with pytest.raises(Crash):
        rig.run()
    rig.b.fault = None
    assert rig.texts(rig.b) == ["first note"]
    reads = rig.b_endpoint.request_count()
    rig.b.hiccup = frozenset()  # the next listing of b shows no notes at all
    rig.run()
    assert rig.b_endpoint.request_count() == reads + 2, "b was read a second time"
    assert rig.texts(rig.b) == ["first note"], "not written twice"
    assert rig.texts(rig.a) == ["first note"]
    reads = rig.b_endpoint.request_count()
    rig.run()
    assert rig.b_endpoint.request_count() == reads + 1, "once adopted, one reading is enough"
    assert rig.texts(rig.b) == ["first note"]


def test_a_create_in_doubt_that_never_landed_is_sent_on_the_next_run(rig: Rig) -> None:
    """The run died before the note was sent: the second reading shows no note either, so the
    next run sends it, once."""
    item = rig.a.add_item("sh010")
    rig.run()
    rig.a.add_note(item.id, "first note")

    rig.b.fault = crash_note_create("before")
    with pytest.raises(Crash):
        rig.run()
    rig.b.fault = None
    assert rig.texts(rig.b) == []
    rig.run()
    assert rig.texts(rig.b) == ["first note"]
    rig.run()
    assert rig.texts(rig.b) == ["first note"]


class DefaultStatusFirst(MemoryEndpoint):
    """A system whose create takes no status: the item starts with its own default, and the
    status asked for is a second write."""

    def create_item(self, item: NewItem) -> Item:
        made = super().create_item(replace(item, status="on_hold"))
        self._guard("set_status", "before")
        return made


def test_an_item_created_before_a_crash_keeps_the_status_it_was_made_from(tmp_path: Path) -> None:
    """b's create lands with b's default status and the run dies before the status is set: the
    next run takes the item for the copy it is and sets its status, instead of taking the
    default for an edit and writing it over a's."""
    rig = Rig(tmp_path, b=DefaultStatusFirst("b", MemoryReview("b")))
    rig.a.add_item("sh010", status="wfa")
    rig.b.fault = lambda op, phase: "crash" if op == "set_status" else None
    with pytest.raises(Crash):
        rig.run()
    rig.b.fault = None
    assert [(i.name, i.status) for i in rig.b.items] == [("sh010", "on_hold")]
    result = rig.run()
    assert dict(result.counts) == {"set_status": 1}
    assert [i.status for i in rig.a.items] == ["wfa"], "a's status is not lost"
    assert [i.status for i in rig.b.items] == ["for_review"]
    assert dict(rig.run().counts) == {}


# -- conflicts keep-both cannot keep ------------------------------------------------------------
def test_keep_both_reports_a_status_conflict(tmp_path: Path) -> None:
    rig = Rig(tmp_path, conflicts=KEEP_BOTH)
    item = rig.a.add_item("sh010", status="wfa")
    rig.run()
    rig.a.set_item_status(item.id, "done")
    rig.b.clock = rig.a.clock
    rig.b.set_item_status(rig.b.items[0].id, "on_hold")  # later, and different
    result = rig.run()
    warned = [p for p in result.plan.problems if "keep-both cannot keep two statuses" in p.message]
    assert warned and warned[0].severity == "warning"
    assert rig.a.items[0].status == "retake", "the last writer (b) won"
    last = rig.store.last_runs("m", limit=1)[0]
    assert any("keep-both cannot keep" in p["message"] for p in last.problems)
