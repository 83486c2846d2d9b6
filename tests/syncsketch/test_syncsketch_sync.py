"""Whole runs between SyncSketch (the stand-in) and an in-memory review, through the real engine.

What users rely on, end to end: notes and replies cross exactly once with author and frame,
statuses map through the table both ways, order follows the designated side, a quiet review
costs no writes, and crashes or a flaky server never leave duplicates.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from syncd_standins.syncsketch import SyncSketchStandIn

from syncd.connectors.memory.endpoint import Crash, MemoryEndpoint, MemoryReview
from syncd.connectors.syncsketch import open_endpoint as open_syncsketch_endpoint
from syncd.connectors.syncsketch.endpoint import SyncSketchEndpoint
from syncd.core.model import NewNote, Person
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.errors import SyncdError
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime, RunResult

ROWS = [
    {"ss": "for_review", "mem": "wfa"},
    {"ss": "on_hold", "mem": "retake"},
    {"ss": "approved", "mem": "done"},
]
BOB = Person("bob@example.com", "Bob")
DANA = Person("dana@studio.example", "Dana Lead")


class Rig:
    """A SyncSketch review ("ss") kept in step with a memory review ("mem")."""

    def __init__(self, standin: SyncSketchStandIn, tmp: Path) -> None:
        self.standin = standin
        self.store = standin.store
        self.project = self.store.add_project("Feature")
        self.review = self.store.add_review(self.project, "Dailies")["id"]
        endpoint = open_syncsketch_endpoint(
            "ss",
            {
                "url": standin.url,
                "username": "alice",
                "api_key": "alice-key",
                "retry": {"attempts": 4, "backoff": 0.0},
            },
            {"project_id": self.project, "review": "Dailies"},
        )
        assert isinstance(endpoint, SyncSketchEndpoint)
        self.ss = endpoint
        self.mem = MemoryReview("mem")
        self.state = StateStore.open(f"sqlite:///{tmp / 'state.db'}")
        endpoints = {"ss": self.ss, "mem": MemoryEndpoint("mem", self.mem)}
        self.rt = MappingRuntime(
            "dailies",
            endpoints,
            Policy(
                endpoints=("ss", "mem"),
                notes=Direction(BOTH),
                statuses=Direction(BOTH),
                order=Direction("ss"),
                capabilities={name: ep.capabilities for name, ep in endpoints.items()},
            ),
            StatusTable.from_rows(ROWS),
            media_dir=tmp / "media",
        )
        self.engine = Engine(self.state)

    def run(self) -> RunResult:
        return self.engine.run(self.rt)

    def writes(self) -> int:
        """Requests that change something on SyncSketch."""
        return sum(1 for method, _, _ in self.standin.requests if method != "GET")

    def ss_notes(self) -> list[tuple[str, str, int | None, str | None]]:
        """(item name, text, frame, parent text) of every SyncSketch note, as syncd reads them."""
        snap = self.ss.snapshot()
        names = {i.id: i.name for i in snap.items}
        texts = {n.id: n.text for n in snap.notes}
        return sorted(
            ((names[n.item], n.text, n.frame, texts.get(n.parent or "")) for n in snap.notes),
            key=_sortable,
        )

    def mem_notes(self) -> list[tuple[str, str, int | None, str | None]]:
        names = {i.id: i.name for i in self.mem.items}
        notes = self.mem.notes
        rows = [
            (
                names[n.item],
                n.text,
                n.frame,
                notes[n.parent].text if n.parent in notes else None,
            )
            for n in notes.values()
        ]
        return sorted(rows, key=_sortable)

    def mem_add_note(self, item: str, text: str, **fields: Any) -> str:
        author = fields.pop("author", None)
        note = self.mem.add_note(item, text, **fields)
        self.mem.notes[note.id] = dataclasses.replace(note, author=author)
        return note.id


def _sortable(row: tuple[str, str, int | None, str | None]) -> tuple[str, str, int, str]:
    return (row[0], row[1], -1 if row[2] is None else row[2], row[3] or "")


@pytest.fixture
def rig(syncsketch_standin: SyncSketchStandIn, tmp_path: Path) -> Iterator[Rig]:
    rig = Rig(syncsketch_standin, tmp_path)
    yield rig
    rig.ss.close()
    rig.state.dispose()


def test_notes_and_replies_cross_both_ways_exactly_once(rig: Rig) -> None:
    item = rig.store.add_item(rig.review, "sh010")["id"]
    question = rig.store.add_frame(item, "Arc is off", 11, creator="bob")
    rig.store.add_frame(item, "Agreed", 11, parent_id=question["id"], creator="alice")
    rig.run()
    by_text = {n.text: n for n in rig.mem.notes.values()}
    assert set(by_text) == {"Arc is off", "Agreed"}
    assert (by_text["Arc is off"].frame, by_text["Arc is off"].author) == (12, BOB)
    assert by_text["Agreed"].parent == by_text["Arc is off"].id

    mem_item = rig.mem.items[0].id
    new = rig.mem_add_note(mem_item, "Hold the pose", frame=40, author=DANA)
    rig.mem_add_note(mem_item, "Will do", parent=by_text["Arc is off"].id, frame=12, author=BOB)
    rig.mem_add_note(mem_item, "Looks good", parent=new, frame=40, author=DANA)
    rig.run()
    assert rig.ss_notes() == rig.mem_notes()
    assert len(rig.ss_notes()) == 5
    frames = {f["text"]: f for f in rig.store.item_frames(item)}
    pose = frames["[by Dana Lead <dana@studio.example>] Hold the pose"]
    assert pose["frame"] == 39
    assert frames["[by Dana Lead <dana@studio.example>] Looks good"]["parent_id"] == pose["id"]
    assert frames["[by Bob <bob@example.com>] Will do"]["parent_id"] == question["id"]
    snap_authors = {n.text: n.author for n in rig.ss.snapshot().notes}
    assert snap_authors["Hold the pose"] == DANA and snap_authors["Arc is off"] == BOB

    assert rig.run().counts == {}
    assert len(rig.store.item_frames(item)) == 5 and len(rig.mem.notes) == 5


def test_edits_cross_both_ways(rig: Rig) -> None:
    item = rig.store.add_item(rig.review, "sh010")["id"]
    frame = rig.store.add_frame(item, "first", 3, creator="bob")
    rig.run()
    rig.store.patch("frame", frame["id"], {"text": "second"})
    rig.run()
    assert [n.text for n in rig.mem.notes.values()] == ["second"]
    rig.mem.edit_note(next(iter(rig.mem.notes)), "third")
    rig.run()
    assert [f["text"] for f in rig.store.item_frames(item)] == ["third"]
    assert rig.run().counts == {}


def test_statuses_both_ways_through_the_table(rig: Rig) -> None:
    item = rig.store.add_item(rig.review, "sh010", approval_status="approved")["id"]
    rig.run()
    assert rig.mem.items[0].status == "done"
    rig.mem.set_item_status(rig.mem.items[0].id, "retake")
    rig.run()
    assert rig.store.item(item)["approval_status"] == "on_hold"
    rig.store.patch("item", item, {"approval_status": "for_review"})
    rig.run()
    assert rig.mem.items[0].status == "wfa"
    assert rig.run().counts == {}


def test_items_created_on_syncsketch_carry_the_link(rig: Rig) -> None:
    rig.mem.add_item("sh010", status="wfa")
    rig.run()
    (stored,) = rig.store.review_items(rig.review)
    assert stored["approval_status"] == "for_review"
    assert '"syncd_link"' in stored["metadata"]
    assert rig.run().counts == {}


def test_order_follows_syncsketch(rig: Rig) -> None:
    ids = [rig.store.add_item(rig.review, f"sh0{n}0")["id"] for n in range(1, 4)]
    rig.run()
    rig.store.sort_items(rig.review, [{"id": i, "sortorder": n} for n, i in enumerate(ids[::-1])])
    rig.run()
    assert [i.name for i in rig.mem.items] == ["sh030", "sh020", "sh010"]
    rig.mem.add_item("sh005")
    rig.run()
    assert [i["name"] for i in rig.store.review_items(rig.review)][:3] == [
        "sh030",
        "sh020",
        "sh010",
    ]
    assert rig.run().counts == {}


def test_quiet_reruns_write_nothing(rig: Rig) -> None:
    for n in range(3):
        item = rig.store.add_item(rig.review, f"sh0{n}0", approval_status="for_review")["id"]
        rig.store.add_frame(item, f"note {n}", n, creator="bob")
    rig.mem.add_item("sh900", status="done")
    rig.run()
    mem_writes = rig.mem.writes
    before = rig.writes()
    for _ in range(3):
        rig.standin.requests.reset()
        assert rig.run().counts == {}
        assert rig.writes() == 0
        assert len(rig.standin.requests) == 2  # items and frames, one page each
    assert rig.mem.writes == mem_writes
    assert before > 0


def test_crash_on_the_memory_side_then_rerun_has_no_duplicates(rig: Rig) -> None:
    item = rig.store.add_item(rig.review, "sh010")["id"]
    for n in range(6):
        rig.store.add_frame(item, f"note {n}", n, creator="bob")
    writes = iter(range(100))

    def crash_after_fourth(op: str, phase: str) -> str | None:
        if phase == "after" and next(writes) == 3:
            return "crash"
        return None

    rig.mem.fault = crash_after_fourth
    with pytest.raises(Crash):
        rig.run()
    rig.mem.fault = None
    rig.run()
    assert [n.text for n in rig.mem.notes.values()] == [f"note {n}" for n in range(6)]
    assert rig.ss_notes() == rig.mem_notes()
    assert rig.run().counts == {}


def test_crash_after_a_syncsketch_write_then_rerun_has_no_duplicates(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    mem_item = rig.mem.add_item("sh010")
    for n in range(5):
        rig.mem_add_note(mem_item.id, f"note {n}", frame=None if n == 0 else n + 1, author=DANA)
    created = Counter[str]()
    original = rig.ss.create_note

    def create_then_die(note: NewNote) -> Any:
        result = original(note)
        created["notes"] += 1
        if created["notes"] == 3:
            raise Crash("killed after the third comment was posted")
        return result

    monkeypatch.setattr(rig.ss, "create_note", create_then_die)
    with pytest.raises(Crash):
        rig.run()
    monkeypatch.setattr(rig.ss, "create_note", original)
    rig.run()
    assert rig.ss_notes() == rig.mem_notes()
    assert len(rig.mem.notes) == 5
    assert rig.run().counts == {}


def test_lost_answers_from_syncsketch_do_not_duplicate(rig: Rig) -> None:
    mem_item = rig.mem.add_item("sh010", status="wfa")
    for n in range(4):
        rig.mem_add_note(mem_item.id, f"note {n}", frame=None if n == 0 else n + 1)
    faults = rig.standin.faults
    faults.fail_next(1, after_commit=True, method="POST", path_prefix="/api/v1/item/")
    faults.fail_next(2, after_commit=True, method="POST", path_prefix="/api/v1/frame/")
    rig.run()
    assert rig.ss_notes() == rig.mem_notes()
    assert len(rig.store.review_items(rig.review)) == 1
    assert rig.run().counts == {}


def test_flaky_server_converges_within_three_runs(rig: Rig) -> None:
    for n in range(4):
        item = rig.store.add_item(rig.review, f"sh0{n}0", approval_status="approved")["id"]
        first = rig.store.add_frame(item, f"ss note {n}", n, creator="bob")
        rig.store.add_frame(item, f"ss reply {n}", n, parent_id=first["id"], creator="alice")
    for n in range(3):
        mem_item = rig.mem.add_item(f"sh1{n}0", status="retake")
        parent = rig.mem_add_note(mem_item.id, f"mem note {n}", frame=n + 2, author=DANA)
        rig.mem_add_note(mem_item.id, f"mem reply {n}", parent=parent, frame=n + 2)
    rig.standin.faults.set(fail_rate=0.15, rate_limit=0.15, retry_after=0, seed=1234)
    converged = False
    for _ in range(3):
        try:
            result = rig.run()
        except SyncdError:
            continue
        if result.outcome == "ok":
            converged = True
            break
    rig.standin.faults.reset()
    rig.standin.faults.set(fail_rate=0.0, rate_limit=0.0)
    assert converged
    assert rig.ss.api.http.retries > 0
    assert rig.ss_notes() == rig.mem_notes()
    assert len(rig.ss_notes()) == 14
    names = [i["name"] for i in rig.store.review_items(rig.review)]
    assert sorted(names) == sorted(i.name for i in rig.mem.items) and len(names) == 7
    assert rig.run().counts == {}


def test_first_frame_reads_as_no_frame_without_echo(rig: Rig) -> None:
    """SyncSketch has no frameless notes: frame 0 stands for "no frame" both ways."""
    mem_item = rig.mem.add_item("sh010", status="wfa")
    rig.mem_add_note(mem_item.id, "on the first frame", frame=1)
    rig.mem_add_note(mem_item.id, "on no frame in particular", frame=None)
    rig.run()
    assert sorted(n[1:3] for n in rig.ss_notes()) == [
        ("on no frame in particular", None),
        ("on the first frame", None),
    ]
    assert rig.run().counts == {}
