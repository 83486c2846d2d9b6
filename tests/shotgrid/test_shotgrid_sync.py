"""A review kept in step between ShotGrid (the HTTP stand-in) and an in-memory review.

Everything goes through the real engine, the state database on SQLite and the real
``shotgun_api3`` client, with the ShotGrid side read incrementally from its event log.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from syncd_standins.shotgrid import ShotGridStandIn

from syncd.connectors.memory.endpoint import Crash, MemoryEndpoint, MemoryReview
from syncd.connectors.shotgrid.endpoint import ShotGridEndpoint
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime, RunResult
from tests.shotgrid.conftest import KEY, SCRIPT

STATUSES = [{"sg": "rev", "mem": "wfa"}, {"sg": "apr", "mem": "done"}]
WRITES = ("create", "update", "delete", "batch", "upload_file", "upload_thumbnail")


class Rig:
    def __init__(self, standin: ShotGridStandIn, tmp: Path) -> None:
        self.standin = standin
        self.store = standin.store
        self.project = self.store.create("Project", {"name": "Demo"})
        self.playlist = self.store.create("Playlist", {"code": "Dailies", "project": self.project})
        self.alice = self.store.find_one("HumanUser", [["login", "is", "alice"]], ["email"])
        self.sg = ShotGridEndpoint(
            "sg",
            {
                "url": standin.url,
                "script_name": SCRIPT,
                "api_key": KEY,
                "retry": {"attempts": 3, "backoff": 0.01},
            },
            {"project_id": self.project["id"], "playlist": "Dailies"},
        )
        self.review = MemoryReview("mem")
        endpoints = {"sg": self.sg, "mem": MemoryEndpoint("mem", self.review)}
        self.state = StateStore.open(f"sqlite:///{tmp / 'state.db'}")
        self.rt = MappingRuntime(
            "dailies",
            endpoints,  # type: ignore[arg-type]
            Policy(
                endpoints=("sg", "mem"),
                notes=Direction(BOTH),
                statuses=Direction(BOTH),
                order=Direction(BOTH),
                capabilities={name: ep.capabilities for name, ep in endpoints.items()},
            ),
            StatusTable.from_rows(STATUSES),
            media_dir=tmp / "media",
        )
        self.engine = Engine(self.state)

    def run(self) -> RunResult:
        result = self.engine.run(self.rt)
        assert not result.failures, result.failures
        return result

    def sg_writes(self) -> int:
        return sum(self.standin.count(m) for m in WRITES)

    # -- ShotGrid as its users see it ----------------------------------------------------------
    def add_version(self, code: str, order: float, status: str = "rev") -> dict:
        version = self.store.create(
            "Version", {"code": code, "project": self.project, "sg_status_list": status}
        )
        self.store.create(
            "PlaylistVersionConnection",
            {"playlist": self.playlist, "version": version, "sg_sort_order": order},
        )
        return version

    def sg_texts(self) -> list[str]:
        notes = self.store.find("Note", [["project", "is", self.project]], ["content"])
        replies = self.store.find("Reply", [], ["content"])
        return sorted(r["content"] for r in [*notes, *replies])

    def sg_order(self) -> list[str]:
        rows = self.store.find(
            "PlaylistVersionConnection",
            [["playlist", "is", self.playlist]],
            ["version.Version.code"],
            order=[{"field_name": "sg_sort_order", "direction": "asc"}],
        )
        return [r["version.Version.code"] for r in rows]

    def mem_texts(self) -> list[str]:
        return sorted(n.text for n in self.review.notes.values())


@pytest.fixture
def rig(shotgrid_standin: ShotGridStandIn, tmp_path: Path) -> Iterator[Rig]:
    rig = Rig(shotgrid_standin, tmp_path)
    yield rig
    rig.state.dispose()


def test_notes_statuses_and_order_both_ways(rig: Rig) -> None:
    v1 = rig.add_version("sh010_v1", 1.0)
    rig.add_version("sh020_v1", 2.0, status="apr")
    note = rig.store.create(
        "Note",
        {"project": rig.project, "content": "[frame 12] Arc too flat", "note_links": [v1]},
        user=rig.alice,
    )
    rig.store.create("Reply", {"entity": note, "content": "Fixed in v2"}, user=rig.alice)
    rig.run()

    assert [(i.name, i.status) for i in rig.review.items] == [
        ("sh010_v1", "wfa"),
        ("sh020_v1", "done"),
    ]
    mem = {n.text: n for n in rig.review.notes.values()}
    assert mem["Arc too flat"].frame == 12
    assert mem["Arc too flat"].author is not None
    assert mem["Arc too flat"].author.email == rig.alice["email"]
    assert mem["Fixed in v2"].parent == mem["Arc too flat"].id

    # The other way: a note, a reply, a status and a new order made in the memory review.
    first = rig.review.items[0]
    mem_note = rig.review.add_note(first.id, "Timing is off", frame=30)
    rig.review.add_note(first.id, "Agreed", parent=mem["Arc too flat"].id)
    rig.review.set_item_status(first.id, "done")
    rig.review.items.reverse()
    rig.run()

    assert rig.sg_texts() == sorted(
        ["Agreed", "Fixed in v2", "[frame 12] Arc too flat", "[frame 30] Timing is off"]
    )
    version = rig.store.find_one("Version", [["id", "is", v1["id"]]], ["sg_status_list"])
    assert version["sg_status_list"] == "apr"
    assert rig.sg_order() == ["sh020_v1", "sh010_v1"]
    replies = rig.store.find("Reply", [["entity", "is", note]], ["content"])
    assert sorted(r["content"] for r in replies) == ["Agreed", "Fixed in v2"]

    # And back again from ShotGrid: an edit, a status and an order, read from the event log.
    created = rig.store.find_one("Note", [["content", "contains", "Timing"]], ["content"])
    rig.store.update("Note", created["id"], {"content": "[frame 31] Timing is off, still"})
    rig.store.update("Version", v1["id"], {"sg_status_list": "rev"})
    conns = rig.store.find("PlaylistVersionConnection", [["version", "is", v1]])
    rig.store.update("PlaylistVersionConnection", conns[0]["id"], {"sg_sort_order": 0.0})
    rig.run()

    assert rig.review.notes[mem_note.id].text == "Timing is off, still"
    assert rig.review.notes[mem_note.id].frame == 31
    assert rig.review.item(first.id).status == "wfa"
    assert [i.name for i in rig.review.items] == ["sh010_v1", "sh020_v1"]


def test_three_quiet_reruns_write_nothing(rig: Rig) -> None:
    v1 = rig.add_version("sh010_v1", 1.0)
    rig.add_version("sh020_v1", 2.0)
    rig.store.create("Note", {"project": rig.project, "content": "one", "note_links": [v1]})
    item = rig.review.add_item("sh030_v1", status="wfa")
    rig.review.add_note(item.id, "two")
    rig.run()
    rig.run()  # settles what the first run wrote (its own echoes come back once)
    writes, mem_writes = rig.sg_writes(), rig.review.writes
    for _ in range(3):
        before = rig.sg.request_count()
        result = rig.run()
        assert result.counts == {}
        assert rig.sg.request_count() - before == 1  # one event-log read on a quiet cycle
    assert (rig.sg_writes(), rig.review.writes) == (writes, mem_writes)
    assert rig.sg_texts() == rig.mem_texts() == ["one", "two"]


def test_crash_mid_run_then_rerun_neither_duplicates_nor_loses(rig: Rig) -> None:
    v1 = rig.add_version("sh010_v1", 1.0)
    rig.run()
    item = rig.review.items[0]
    for n in range(4):
        rig.store.create("Note", {"project": rig.project, "content": f"sg {n}", "note_links": [v1]})
        rig.review.add_note(item.id, f"mem {n}")
    landed = iter(range(100))

    def crash_after_second(op: str, phase: str) -> str | None:
        if op == "create_note" and phase == "after" and next(landed) == 1:
            return "crash"
        return None

    rig.review.fault = crash_after_second
    with pytest.raises(Crash):
        rig.engine.run(rig.rt)
    rig.review.fault = None

    rig.run()
    expected = sorted([f"sg {n}" for n in range(4)] + [f"mem {n}" for n in range(4)])
    assert rig.mem_texts() == expected
    assert rig.sg_texts() == expected
    assert rig.run().counts == {}
    assert rig.mem_texts() == expected and rig.sg_texts() == expected


def _thread(rig: Rig, notes: int) -> None:
    """A Version synced, then on it a thread of ``notes`` written in the memory review, each
    note after the first answering the one before it."""
    rig.add_version("sh010_v1", 1.0)
    rig.run()
    item = rig.review.items[0]
    parent = None
    for n in range(notes):
        parent = rig.review.add_note(item.id, f"thread {n}", parent=parent).id


def test_replies_answering_one_another_go_under_their_note_in_one_batch(rig: Rig) -> None:
    """ShotGrid threads are flat: each reply of a thread needs only its Note's id, so once
    the Note is made the replies go together, in one transaction, in the order written."""
    _thread(rig, 6)
    rig.standin.reset()
    rig.run()

    note = rig.store.find_one("Note", [["content", "is", "thread 0"]], ["content"])
    assert note is not None
    replies = rig.store.find(
        "Reply", [], ["content", "entity"], order=[{"field_name": "id", "direction": "asc"}]
    )
    assert [r["content"] for r in replies] == [f"thread {n}" for n in range(1, 6)]
    assert {r["entity"]["id"] for r in replies} == {note["id"]}
    assert (rig.standin.count("create"), rig.standin.count("batch")) == (1, 1)
    assert rig.sg_writes() == 2
    assert rig.engine.run(rig.rt).counts.get("create_note", 0) == 0


def test_a_lost_answer_of_a_threads_replies_writes_each_once(rig: Rig) -> None:
    """The batch carrying a thread's replies lands and its answer is lost: each reply is
    looked for under the thread's Note and recorded, none sent again."""
    _thread(rig, 4)
    rig.standin.reset()
    rig.standin.fail_next(1, 502, method="batch", after_commit=True)
    rig.run()
    assert rig.standin.count("batch") == 1, "the replies' batch was sent again"

    replies = rig.store.find("Reply", [], ["content", "entity"])
    assert sorted(r["content"] for r in replies) == ["thread 1", "thread 2", "thread 3"]
    note = rig.store.find_one("Note", [["content", "is", "thread 0"]], ["content"])
    assert {r["entity"]["id"] for r in replies} == {note["id"]}
    assert rig.engine.run(rig.rt).counts.get("create_note", 0) == 0
    assert len(rig.store.find("Reply", [], ["content"])) == 3
