"""Incremental reads from Kitsu's event log: cheap when quiet, proportional when busy, exact."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from syncd.connectors.kitsu.feed import PAGE, EventCursor, read_new_events, summarise
from syncd.core.model import NewNote, Snapshot
from tests.kitsu.builders import ZouRest, build_review
from tests.kitsu.helpers import KitsuSide, connect, same_item

T0 = datetime(2026, 3, 1, 10, 0, 5, 400000, tzinfo=UTC)


def event(n: int, at: datetime, name: str = "comment:new", **data: str) -> dict:
    stamp = at.replace(microsecond=0, tzinfo=None).isoformat()
    return {"id": f"e{n}", "created_at": stamp, "name": name, "data": data}


# -- the cursor, without a server ---------------------------------------------------------------
def test_cursor_trails_the_newest_event_and_remembers_the_ids_of_its_window() -> None:
    events = [event(1, T0), event(2, T0 - timedelta(seconds=1)), event(3, T0 - timedelta(30))]
    cursor = EventCursor().advance(events)
    assert cursor.after == "2026-03-01T10:00:03"
    assert cursor.seen == {"e1", "e2"}
    assert EventCursor.load(cursor.dump()) == cursor
    assert cursor.advance([]) == cursor
    later = cursor.advance([event(1, T0), event(2, T0), event(4, T0 + timedelta(seconds=10))])
    assert later.after == "2026-03-01T10:00:13" and later.seen == {"e4"}
    assert EventCursor.load("not json") is None


def test_a_full_page_is_followed_back_with_the_oldest_event_id() -> None:
    calls: list[dict] = []
    pages = [[event(n, T0) for n in range(PAGE)], [event(n, T0) for n in range(PAGE, PAGE + 5)]]

    def fetch(params: dict) -> list[dict]:
        calls.append(params)
        return pages[len(calls) - 1]

    got = read_new_events(fetch, EventCursor("2026-03-01T10:00:00"), "p1")
    assert len(got) == PAGE + 5
    assert calls[0] == {"project_id": "p1", "limit": PAGE, "after": "2026-03-01T10:00:00"}
    assert calls[1]["cursor_event_id"] == f"e{PAGE - 1}"


def test_events_are_reduced_to_what_this_review_must_reread() -> None:
    events = [
        event(1, T0, "task:status-changed", task_id="t1", new_task_status_id="s2"),
        event(2, T0, "task:status-changed", task_id="t1", new_task_status_id="s1"),
        event(3, T0, "comment:new", task_id="t2"),
        event(4, T0, "task:update", task_id="t2"),
        event(5, T0, "task:update", task_id="t3"),
        event(6, T0, "comment:new", task_id="elsewhere"),
        event(7, T0, "playlist:update", playlist_id="other"),
        event(8, T0, "preview-file:update", preview_file_id="pv1"),
    ]
    touched = summarise(
        events, playlist_id="pl", tasks={"t1", "t2", "t3"}, entities={"a"}, previews={"pv1"}
    )
    assert touched.statuses["t1"][0] == "s2"  # newest first: the first one wins
    assert touched.tasks == {"t2"} and touched.task_updates == {"t3"}
    assert not touched.playlist and touched.previews == {"pv1"}


# -- against Zou ----------------------------------------------------------------------------------
pytestmark_zou = pytest.mark.zou


@pytest.fixture
def side(zou, gazu_client) -> KitsuSide:
    review = build_review(gazu_client, shots=4, comments_per_shot=2)
    return KitsuSide(zou, ZouRest(gazu_client), review)


def cost(side: KitsuSide, previous: Snapshot) -> tuple[Snapshot, int]:
    before = side.endpoint.request_count()
    snap = side.endpoint.snapshot(previous)
    return snap, side.endpoint.request_count() - before


def assert_same_review(a: Snapshot, b: Snapshot) -> None:
    assert len(a.items) == len(b.items)
    for x, y in zip(a.items, b.items, strict=True):
        assert same_item(x, y), (x, y)
    assert a.notes == b.notes


@pytestmark_zou
def test_a_quiet_cycle_costs_one_request_even_in_a_fresh_process(side) -> None:
    snap = side.endpoint.snapshot()
    again, spent = cost(side, snap)
    assert spent == 1
    assert again.items == snap.items and again.notes == snap.notes
    assert json.loads(again.cursor or "")["after"]
    fresh = side.reopen()  # as `syncd run --once` does: only the login comes on top
    fresh.snapshot(again)
    assert fresh.request_count() == 2


@pytestmark_zou
def test_ten_new_comments_cost_one_request_per_touched_task(side) -> None:
    snap = side.endpoint.snapshot()
    for n in range(10):
        side.comment(["SH0010", "SH0020", "SH0030"][n % 3], f"feedback {n}")
    after, spent = cost(side, snap)
    assert spent == 1 + 3
    assert len(after.notes) == len(snap.notes) + 10
    assert_same_review(after, side.snapshot())


@pytestmark_zou
def test_events_seen_in_the_cursor_window_are_not_applied_twice(side) -> None:
    snap = side.endpoint.snapshot()
    side.comment("SH0040", "just now")
    first, spent = cost(side, snap)
    assert spent == 2
    second, spent = cost(side, first)  # same events come back from the log: all known
    assert spent == 1
    assert second.notes == first.notes
    assert set(json.loads(first.cursor or "")["seen"]) <= set(
        json.loads(second.cursor or "")["seen"]
    ) | set(json.loads(first.cursor or "")["seen"])


@pytestmark_zou
def test_incremental_reads_match_a_full_read_after_all_kinds_of_change(side) -> None:
    ep = side.endpoint
    snap = ep.snapshot()
    review = side.review
    first_comment = review.comment_ids[side.task_of("SH0010")][0]
    reply = side.reply("SH0010", first_comment, "a reply")
    side.edit(review.comment_ids[side.task_of("SH0020")][1], "edited in Kitsu")
    side.rest.delete(f"data/comments/{review.comment_ids[side.task_of('SH0030')][0]}")
    side.set_status("SH0040", "retake")
    side.reorder(["SH0040", "SH0010", "SH0030", "SH0020"])
    snap, _ = cost(side, snap)
    assert [i.name for i in snap.items] == ["SH0040", "SH0010", "SH0030", "SH0020"]
    assert snap.items[0].status == "retake"
    assert any(n.id == reply["id"] for n in snap.notes)
    assert_same_review(snap, side.snapshot())
    # the playlist loses an entry and gets it back; syncd's own writes come back as events
    ep.delete_item(review.shot_ids[2])
    ep.create_note(NewNote(item=review.shot_ids[0], text="by syncd", link="x"))
    snap, _ = cost(side, snap)
    assert_same_review(snap, side.snapshot())
    side.rest.post(
        f"actions/playlists/{review.playlist_id}/add-entity", {"entity_id": review.shot_ids[2]}
    )
    snap, _ = cost(side, snap)
    assert [i.name for i in snap.items][-1] == "SH0030"
    assert_same_review(snap, side.snapshot())


@pytestmark_zou
def test_reply_deletion_leaves_no_event_so_the_full_read_catches_it(side) -> None:
    snap = side.endpoint.snapshot()
    comment = side.review.comment_ids[side.task_of("SH0010")][0]
    reply = side.reply("SH0010", comment, "short-lived")
    snap, _ = cost(side, snap)
    side.rest.delete(f"data/tasks/{side.task_of('SH0010')}/comments/{comment}/reply/{reply['id']}")
    quiet, spent = cost(side, snap)
    assert spent == 1 and any(n.id == reply["id"] for n in quiet.notes)
    full = side.endpoint.snapshot(None)  # what the engine does every full_sync_every cycles
    assert all(n.id != reply["id"] for n in full.notes)


@pytestmark_zou
def test_a_cached_snapshot_for_another_selector_is_not_reused(side, zou, gazu_client) -> None:
    snap = side.endpoint.snapshot()
    other = build_review(gazu_client, shots=1, comments_per_shot=1)
    ep = connect(zou, other)
    got = ep.snapshot(snap)  # different playlist: must read everything, not patch `snap`
    assert [i.name for i in got.items] == other.shot_names
