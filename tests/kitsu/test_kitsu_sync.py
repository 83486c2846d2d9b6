"""Kitsu kept in step with another review through the real engine and state database.

``SyncRig`` is the seam: ``run()`` drives one pass the way ``syncd run --once`` does (a fresh
Kitsu connector each time, the cached snapshot handed back for an incremental read). Scenarios
only use ``run()``, ``kitsu`` (a Kitsu user's hands) and ``other`` (the in-memory review), so the
same scenarios can later run the ``syncd`` command against a ``file`` endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from syncd.connectors.memory.endpoint import Crash, MemoryEndpoint, MemoryReview
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime, RunResult
from tests.kitsu.builders import ZouRest, build_review, make_png
from tests.kitsu.helpers import KitsuSide

pytestmark = pytest.mark.zou

ROWS = [
    {"kitsu": "wfa", "other": "for_review"},
    {"kitsu": "retake", "other": "on_hold"},
    {"kitsu": "done", "other": "approved"},
]


class SyncRig:
    def __init__(self, kitsu: KitsuSide, tmp: Path, **policy: object) -> None:
        self.kitsu = kitsu
        self.other = MemoryReview("other")
        self.store = StateStore.open(f"sqlite:///{tmp / 'state.db'}")
        self.policy = policy
        self.media_dir = tmp / "media"
        self.engine = Engine(self.store)

    def runtime(self) -> MappingRuntime:
        endpoints = {"kitsu": self.kitsu.reopen(), "other": MemoryEndpoint("other", self.other)}
        settings: dict[str, object] = {
            "notes": Direction(BOTH),
            "statuses": Direction(BOTH),
            "media": Direction(BOTH),
            "order": Direction(BOTH),
        }
        settings.update(self.policy)
        policy = Policy(
            endpoints=("kitsu", "other"),
            capabilities={name: ep.capabilities for name, ep in endpoints.items()},
            **settings,  # type: ignore[arg-type]
        )
        return MappingRuntime(
            "dailies", endpoints, policy, StatusTable.from_rows(ROWS), media_dir=self.media_dir
        )

    def run(self) -> RunResult:
        return self.engine.run(self.runtime())

    def kitsu_writes(self) -> tuple[int, list[str]]:
        """What Kitsu holds that a write would change: comment count and playlist entries."""
        comments = sum(len(self.kitsu.comments(name)) for name in self.kitsu.review.shot_names)
        entries = [f"{e['entity_id']}:{e['preview_file_id']}" for e in self.kitsu.playlist()]
        return comments, entries

    def other_notes(self) -> list[str]:
        return sorted(n.text for n in self.other.notes.values())

    def kitsu_notes(self) -> list[str]:
        return sorted(n.text for n in self.kitsu.snapshot().notes)


@pytest.fixture
def rig(zou, gazu_client, tmp_path) -> Iterator[SyncRig]:
    review = build_review(gazu_client, shots=3, comments_per_shot=1)
    rig = SyncRig(KitsuSide(zou, ZouRest(gazu_client), review), tmp_path)
    yield rig
    rig.store.dispose()


def test_kitsu_review_arrives_whole_and_reruns_write_nothing(rig: SyncRig) -> None:
    rig.run()
    other = rig.other
    assert [i.name for i in other.items] == ["SH0010", "SH0020", "SH0030"]
    assert {i.status for i in other.items} == {"for_review"}
    assert all(i.media is not None for i in other.items)
    assert rig.other_notes() == rig.kitsu_notes()
    assert len(other.notes) == 6
    before, writes = rig.kitsu_writes(), other.writes
    for _ in range(3):
        result = rig.run()
        assert dict(result.counts) == {} and not result.failures
    assert rig.kitsu_writes() == before and other.writes == writes


def test_changes_on_either_side_arrive_on_the_next_run(rig: SyncRig) -> None:
    rig.run()
    other, kitsu = rig.other, rig.kitsu
    sh10, sh20, sh30 = other.items
    # the other side: a note, a reply to a Kitsu note, a status, a new preview, a new order
    other.add_note(sh10.id, "from the other side", frame=24)
    kitsu_note = next(n for n in other.notes.values() if n.item == sh20.id)
    other.add_note(sh20.id, "a reply from the other side", parent=kitsu_note.id)
    other.set_item_status(sh30.id, "approved")
    other.items = [other.items[2], other.items[0], other.items[1]]
    media_before = kitsu.playlist()[1]["preview_file_id"]
    ref = other._store_blob(make_png(20, 10, color=(9, 9, 9)))
    other.items = [replace(i, media=ref) if i.id == sh20.id else i for i in other.items]
    result = rig.run()
    assert not result.failures, result.failures
    snap = kitsu.snapshot()
    assert [i.name for i in snap.items] == ["SH0030", "SH0010", "SH0020"]
    assert snap.items[0].status == "done"
    note = next(n for n in snap.notes if n.text == "from the other side")
    assert note.frame == 24 and note.item == kitsu.review.shot_ids[0]
    reply = next(n for n in snap.notes if n.text == "a reply from the other side")
    assert reply.parent is not None
    assert kitsu.playlist()[2]["preview_file_id"] != media_before
    # Kitsu's side: a comment, a reply, a status change, a reorder
    comment = kitsu.comment("SH0010", "from Kitsu")
    kitsu.reply("SH0010", comment["id"], "reply in Kitsu")
    kitsu.set_status("SH0020", "retake")
    kitsu.reorder(["SH0010", "SH0020", "SH0030"])
    result = rig.run()
    assert not result.failures, result.failures
    assert [i.name for i in other.items] == ["SH0010", "SH0020", "SH0030"]
    assert other.items[1].status == "on_hold"
    assert "from Kitsu" in rig.other_notes() and "reply in Kitsu" in rig.other_notes()
    assert rig.other_notes() == rig.kitsu_notes()
    before = rig.kitsu_writes()
    for _ in range(3):
        assert dict(rig.run().counts) == {}
    assert rig.kitsu_writes() == before


@pytest.mark.parametrize("crash_after", [1, 3])
def test_a_run_killed_mid_way_then_rerun_leaves_no_duplicate_and_nothing_missing(
    rig: SyncRig, crash_after: int
) -> None:
    for n in range(3):
        rig.kitsu.comment(["SH0010", "SH0020", "SH0030"][n], f"kitsu note {n}")
    writes = {"n": 0, "crash_at": crash_after}

    def fault(op: str, phase: str) -> str | None:
        if phase == "after":
            writes["n"] += 1
            if writes["n"] == writes["crash_at"]:
                return "crash"
        return None

    rig.other.fault = fault
    with pytest.raises(Crash):
        rig.run()
    rig.other.fault = None
    rig.run()
    assert rig.other_notes() == rig.kitsu_notes()
    assert len(rig.other_notes()) == len(set(rig.other_notes()))
    assert len(rig.other.items) == 3
    # then both sides at once, killed after the first write to the other side: whatever was
    # written to Kitsu before the crash is adopted, not written twice
    for item in rig.other.items:
        rig.other.add_note(item.id, f"other note on {item.name}")
    rig.kitsu.comment("SH0020", "kitsu note 3")
    writes.update(n=0, crash_at=1)
    rig.other.fault = fault
    with pytest.raises(Crash):
        rig.run()
    rig.other.fault = None
    rig.run()
    kitsu_notes = rig.kitsu_notes()
    assert rig.other_notes() == kitsu_notes and len(kitsu_notes) == len(set(kitsu_notes))
    assert len(kitsu_notes) == 6 + 3 + 3 + 1  # built, first crash, both sides
    assert dict(rig.run().counts) == {}
