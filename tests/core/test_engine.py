"""Semantics users rely on, one by one, through the real engine and state database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.connectors.memory.endpoint import Crash, MemoryEndpoint, MemoryReview
from syncd.core.policy import BOTH, KEEP_BOTH, OFF, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.errors import SafetyStop
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime

ROWS = [{"a": "wfa", "b": "for_review"}, {"a": "done", "b": "approved"}]


class Rig:
    def __init__(self, tmp: Path, **policy: object) -> None:
        self.a = MemoryReview("a")
        self.b = MemoryReview("b")
        self.store = StateStore.open(f"sqlite:///{tmp / 'state.db'}")
        defaults: dict[str, object] = {
            "notes": Direction(BOTH),
            "statuses": Direction(BOTH),
            "order": Direction("a"),
        }
        defaults.update(policy)
        self.rt = MappingRuntime(
            "m",
            {"a": MemoryEndpoint("a", self.a), "b": MemoryEndpoint("b", self.b)},
            Policy(endpoints=("a", "b"), **defaults),  # type: ignore[arg-type]
            StatusTable.from_rows(ROWS),
            media_dir=tmp / "media",
        )
        self.engine = Engine(self.store)

    def run(self, **options: bool):
        return self.engine.run(self.rt, **options)

    def texts(self, review: MemoryReview) -> list[str]:
        return sorted(n.text for n in review.notes.values())


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    rig = Rig(tmp_path)
    yield rig
    rig.store.dispose()


def test_existing_items_are_adopted_by_name_not_duplicated(rig: Rig) -> None:
    rig.a.add_item("SH010")
    rig.b.add_item("sh010 ")
    rig.b.add_item("sh020")
    result = rig.run()
    assert [i.name for i in rig.a.items] == ["SH010", "sh020"]
    assert [i.name for i in rig.b.items] == ["sh010 ", "sh020"]
    assert result.counts["create_item"] == 1


def test_unmapped_status_is_reported_not_guessed(rig: Rig) -> None:
    item = rig.a.add_item("sh010", status="wfa")
    rig.run()
    assert rig.b.items[0].status == "for_review"
    rig.a.set_item_status(item.id, "wip")
    result = rig.run()
    assert rig.b.items[0].status == "for_review"
    assert any(
        "'wip'" in p.message and "not in the mapping's status table" in p.message
        for p in result.plan.problems
    )


def test_one_way_notes_do_not_flow_back(tmp_path: Path) -> None:
    rig = Rig(tmp_path, notes=Direction("a"))
    item = rig.a.add_item("sh010")
    rig.a.add_note(item.id, "from a")
    rig.run()
    b_item = rig.b.items[0]
    rig.b.add_note(b_item.id, "from b")
    rig.run()
    assert rig.texts(rig.a) == ["from a"]
    assert rig.texts(rig.b) == ["from a", "from b"]


def test_conflict_designated_side_wins(tmp_path: Path) -> None:
    rig = Rig(tmp_path, conflicts="b")
    item = rig.a.add_item("sh010")
    note = rig.a.add_note(item.id, "original")
    rig.run()
    rig.a.edit_note(note.id, "edit on a")
    rig.b.edit_note(next(iter(rig.b.notes)), "edit on b")
    result = rig.run()
    assert rig.texts(rig.a) == rig.texts(rig.b) == ["edit on b"]
    assert any("conflict on content" in p.message for p in result.plan.problems)
    # the run history keeps the settled conflict as a notice, for the status page
    (last,) = rig.store.last_runs("m", limit=1)
    assert [p["severity"] for p in last.problems if "conflict on content" in p["message"]] == [
        "info"
    ]


def test_conflict_last_writer_wins(rig: Rig) -> None:
    item = rig.a.add_item("sh010")
    note = rig.a.add_note(item.id, "original")
    rig.run()
    rig.a.edit_note(note.id, "edit on a")
    rig.b.clock = rig.a.clock  # b's edit happens later
    rig.b.edit_note(next(iter(rig.b.notes)), "later edit on b")
    rig.run()
    assert rig.texts(rig.a) == rig.texts(rig.b) == ["later edit on b"]


def test_conflict_keep_both(tmp_path: Path) -> None:
    rig = Rig(tmp_path, conflicts=KEEP_BOTH)
    item = rig.a.add_item("sh010")
    note = rig.a.add_note(item.id, "original")
    rig.run()
    rig.a.edit_note(note.id, "edit on a")
    rig.b.edit_note(next(iter(rig.b.notes)), "edit on b")
    rig.run()
    assert rig.texts(rig.a) == rig.texts(rig.b) == ["edit on a", "edit on b"]
    assert rig.run().counts == {}


def test_deletes_off_restores_a_deleted_note(rig: Rig) -> None:
    item = rig.a.add_item("sh010")
    note = rig.a.add_note(item.id, "keep me")
    rig.run()
    rig.a.remove_note(note.id)
    # the review's only note gone looks like a failed listing: the user confirms it
    rig.run(allow_empty=True)
    assert rig.texts(rig.a) == rig.texts(rig.b) == ["keep me"]


def test_deletes_on_propagates_as_tombstone(tmp_path: Path) -> None:
    rig = Rig(tmp_path, deletes=True)
    item = rig.a.add_item("sh010")
    note = rig.a.add_note(item.id, "delete me")
    rig.a.add_note(item.id, "keep me")
    rig.run()
    rig.a.remove_note(note.id)
    rig.run()
    assert rig.texts(rig.a) == rig.texts(rig.b) == ["keep me"]
    assert rig.run().counts == {}


def test_mass_deletion_is_refused(tmp_path: Path) -> None:
    rig = Rig(tmp_path, deletes=True)
    item = rig.a.add_item("sh010")
    for n in range(10):
        rig.a.add_note(item.id, f"note {n}")
    rig.run()
    for note_id in list(rig.a.notes)[:8]:
        rig.a.remove_note(note_id)
    with pytest.raises(SafetyStop, match="would delete 8 of 11 objects on b"):
        rig.run()
    assert len(rig.b.notes) == 10
    rig.run(force_deletes=True)
    assert len(rig.b.notes) == 2


def test_a_side_that_suddenly_looks_empty_is_refused(rig: Rig) -> None:
    rig.a.add_item("sh010")
    rig.run()
    rig.b.items.clear()
    with pytest.raises(SafetyStop, match="b returned an empty review while 1 items are linked"):
        rig.run()
    rig.run(allow_empty=True)
    assert [i.name for i in rig.b.items] == ["sh010"]


def test_crash_between_write_and_record_does_not_duplicate(rig: Rig) -> None:
    item = rig.a.add_item("sh010")
    rig.run()
    for n in range(5):
        rig.a.add_note(item.id, f"note {n}")
    writes = iter(range(100))

    def crash_after_third(op: str, phase: str) -> str | None:
        if phase == "after" and op == "create_note" and next(writes) == 2:
            return "crash"
        return None

    rig.b.fault = crash_after_third
    with pytest.raises(Crash):
        rig.run()
    rig.b.fault = None
    assert len(rig.b.notes) == 3  # the third write landed, its record did not
    rig.run()
    assert rig.texts(rig.b) == [f"note {n}" for n in range(5)]
    assert rig.run().counts == {}


def test_failed_write_is_reported_and_retried_next_run(rig: Rig) -> None:
    item = rig.a.add_item("sh010")
    rig.run()
    rig.a.add_note(item.id, "one")
    rig.a.add_note(item.id, "two")
    failures = iter([True, False])
    rig.b.fault = lambda op, phase: "fail" if phase == "before" and next(failures, False) else None
    result = rig.run()
    assert result.outcome == "partial"
    assert result.counts["failed"] == 1 and result.counts["create_note"] == 1
    rig.b.fault = None
    rig.run()
    assert rig.texts(rig.b) == ["one", "two"]


def test_replies_stay_replies(rig: Rig) -> None:
    item = rig.a.add_item("sh010")
    parent = rig.a.add_note(item.id, "question", frame=7)
    rig.a.add_note(item.id, "answer", parent=parent.id)
    rig.run()
    by_text = {n.text: n for n in rig.b.notes.values()}
    assert by_text["answer"].parent == by_text["question"].id
    assert by_text["question"].frame == 7


def test_order_follows_the_designated_side(rig: Rig) -> None:
    for name in ("sh010", "sh020", "sh030"):
        rig.a.add_item(name)
    rig.run()
    rig.a.items.reverse()
    rig.run()
    assert [i.name for i in rig.b.items] == ["sh030", "sh020", "sh010"]
    rig.b.items.reverse()  # b is not a source of order: a's order is put back
    rig.run()
    assert [i.name for i in rig.b.items] == ["sh030", "sh020", "sh010"]


def test_statuses_off_leaves_statuses_alone(tmp_path: Path) -> None:
    rig = Rig(tmp_path, statuses=Direction(OFF))
    rig.a.add_item("sh010", status="wfa")
    rig.run()
    assert rig.b.items[0].status is None
