"""``syncd run --once`` between a real Kitsu (Zou) and the SyncSketch stand-in.

A playlist with shots and previews becomes a review with items in the same order; notes and
replies written on either side appear on the other exactly once with author and frame; statuses
follow the table both ways; order follows Kitsu; quiet reruns write nothing; a killed run
duplicates nothing; 30% injected 5xx/429 still converges within three runs.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from syncd_standins.syncsketch import SyncSketchStandIn

from tests.e2e.helpers import (
    journal_done,
    kill_mid_run,
    kitsu_endpoint,
    kitsu_system,
    kitsu_texts,
    reverse_playlist,
    run_once,
    save_config,
    syncd,
    writes,
)
from tests.kitsu.builders import ReviewFixture, ZouRest, build_review

pytestmark = pytest.mark.zou
KEY = "ss-key-for-tests"


@pytest.fixture
def syncsketch() -> Iterator[SyncSketchStandIn]:
    standin = SyncSketchStandIn(users={"syncd": KEY})
    standin.start()
    standin.store.add_user("sam", "sam@client.example", "Sam", "Supervisor")
    try:
        yield standin
    finally:
        standin.stop()


def write_config(
    folder: Path, zou: Any, review: ReviewFixture, ss: SyncSketchStandIn, project_id: int
) -> None:
    config = {
        "state": "sqlite:///state.db",
        "systems": {
            "kitsu": kitsu_system(zou),
            "syncsketch": {
                "type": "syncsketch",
                "url": ss.url,
                "username": "syncd",
                "api_key": "${SS_KEY}",
                "retry": {"attempts": 8, "backoff": 0.02},
            },
        },
        "mappings": [
            {
                "name": "dailies",
                "endpoints": {
                    "kitsu": kitsu_endpoint(review),
                    "syncsketch": {"project_id": project_id, "review": "Dailies", "create": True},
                },
                "sync": {
                    "items": "kitsu",
                    "notes": "both",
                    "statuses": "both",
                    "media": "kitsu",
                    "order": "kitsu",
                },
                "conflicts": "kitsu",
                "statuses": [
                    {"kitsu": "wfa", "syncsketch": "for_review"},
                    {"kitsu": "retake", "syncsketch": "on_hold"},
                    {"kitsu": "done", "syncsketch": "approved"},
                ],
            }
        ],
    }
    save_config(folder, config)


def ss_review_items(ss: SyncSketchStandIn) -> list[dict[str, Any]]:
    reviews = [r for r in ss.store.query("review", {}) if r["name"] == "Dailies"]
    assert len(reviews) == 1, reviews
    return ss.store.review_items(reviews[0]["id"])


def ss_texts(ss: SyncSketchStandIn) -> list[str]:
    return [
        f["text"]
        for item in ss_review_items(ss)
        for f in ss.store.item_frames(item["id"])
        if f.get("text")
    ]


def test_kitsu_and_syncsketch_stay_in_step(
    zou: Any, gazu_client: Any, syncsketch: SyncSketchStandIn, tmp_path: Path
) -> None:
    review = build_review(gazu_client, shots=3, comments_per_shot=1, with_png_preview=True)
    rest = ZouRest(gazu_client)
    project_id = syncsketch.store.add_project("Demo")
    env = {"KITSU_PASSWORD": zou.admin_password, "SS_KEY": KEY}
    write_config(tmp_path, zou, review, syncsketch, project_id)
    task_of = review.task_by_shot

    # first run: the playlist becomes a review, same order, with previews and notes
    run_once(tmp_path, env)
    items = ss_review_items(syncsketch)
    assert [i["name"] for i in items] == review.shot_names
    for item, shot in zip(items, review.shot_ids, strict=True):
        media = syncsketch.store.media_bytes(item["id"])
        assert media, f"no media on {item['name']}"
        preview_id = review.playlist_preview_file_ids[review.shot_ids.index(shot)]
        original = rest.session.get(
            f"{zou.url}/pictures/originals/preview-files/{preview_id}.png"
        ).content
        assert hashlib.sha256(media).digest() == hashlib.sha256(original).digest()
    assert {i["approval_status"] for i in items} == {"for_review"}
    kitsu_notes = [t for t in kitsu_texts(rest, review.task_ids)]
    assert sorted(ss_texts_plain(syncsketch)) == sorted(kitsu_notes)

    # SyncSketch side: a supervisor comments on frame 23 (24 in Kitsu), replies, approves
    first, second = items[0], items[1]
    synced = syncsketch.store.item_frames(first["id"])[0]
    syncsketch.store.add_frame(first["id"], "Soften the rim light.", frame=23, creator="sam")
    syncsketch.store.add_frame(first["id"], "Agreed.", parent_id=synced["id"], creator="sam")
    syncsketch.store.patch("item", second["id"], {"approval_status": "approved"})
    run_once(tmp_path, env)
    texts0 = kitsu_texts(rest, [task_of[review.shot_ids[0]]])
    assert "[by Sam Supervisor <sam@client.example>; frame 24] Soften the rim light." in texts0
    replies = [
        r["text"]
        for c in rest.get(f"/data/tasks/{task_of[review.shot_ids[0]]}/comments")
        for r in c.get("replies") or []
    ]
    assert any(r.endswith("Agreed.") and "sam@client.example" in r for r in replies)
    task1 = rest.get(f"/data/tasks/{task_of[review.shot_ids[1]]}")
    assert task1["task_status_id"] == review.status_id("done")

    # Kitsu side: a comment, a retake, a new order
    rest.post(
        f"/actions/tasks/{task_of[review.shot_ids[2]]}/comment",
        {"task_status_id": review.status_id("wfa"), "comment": "Hair sim pops at 1040."},
    )
    rest.post(
        f"/actions/tasks/{task_of[review.shot_ids[0]]}/comment",
        {"task_status_id": review.status_id("retake"), "comment": ""},
    )
    reverse_playlist(rest, review.playlist_id)
    run_once(tmp_path, env)
    items = ss_review_items(syncsketch)
    assert [i["name"] for i in items] == list(reversed(review.shot_names))
    by_name = {i["name"]: i for i in items}
    assert by_name[review.shot_names[0]]["approval_status"] == "on_hold"
    assert any(t.endswith("Hair sim pops at 1040.") for t in ss_texts(syncsketch))

    # quiet: three reruns write nothing, and SyncSketch sees only reads
    writes_before = (
        syncsketch.requests.count(method="POST")
        + syncsketch.requests.count(method="PATCH")
        + syncsketch.requests.count(method="PUT")
    )
    for _ in range(3):
        assert writes(run_once(tmp_path, env)) == {}
    assert (
        syncsketch.requests.count(method="POST")
        + syncsketch.requests.count(method="PATCH")
        + syncsketch.requests.count(method="PUT")
        == writes_before
    )

    # killed mid-run, then rerun: nothing duplicated, nothing missing
    expected = [f"note {n} from SyncSketch" for n in range(8)]
    for n, text in enumerate(expected):
        syncsketch.store.add_frame(items[n % 3]["id"], text, frame=n, creator="sam")
    done = journal_done(tmp_path / "state.db")
    kill_mid_run(tmp_path, tmp_path / "state.db", after_writes=done + 3, env=env)
    run_once(tmp_path, env)
    in_kitsu = Counter(t.split("] ", 1)[-1] for t in kitsu_texts(rest, review.task_ids))
    for text in expected:
        assert in_kitsu[text] == 1, f"{text!r} is in Kitsu {in_kitsu[text]} times"

    # 30% of SyncSketch requests fail with 5xx or 429: converges within three runs
    for n in range(6):
        rest.post(
            f"/actions/tasks/{task_of[review.shot_ids[n % 3]]}/comment",
            {
                "task_status_id": rest.get(f"/data/tasks/{task_of[review.shot_ids[n % 3]]}")[
                    "task_status_id"
                ],
                "comment": f"flaky network note {n}",
            },
        )
    syncsketch.faults.set(fail_rate=0.15, rate_limit=0.15, retry_after=0, seed=7)
    for _ in range(3):
        result = syncd(tmp_path, "run", "--once", "--json", env=env)
        assert result.returncode in (0, 1), result.stderr
    syncsketch.faults.reset()
    ss_counts = Counter(t.split("] ", 1)[-1] for t in ss_texts(syncsketch))
    for n in range(6):
        assert ss_counts[f"flaky network note {n}"] == 1, ss_counts
    assert all(c == 1 for t, c in ss_counts.items() if t.startswith(("note ", "flaky"))), ss_counts
    assert writes(run_once(tmp_path, env)) == {}


def ss_texts_plain(ss: SyncSketchStandIn) -> list[str]:
    """Texts with syncd's attribution header removed (Kitsu's author is not the API user)."""
    from syncd.connectors.notetext import parse

    return [parse(t)[0] for t in ss_texts(ss)]
