"""``syncd run --once`` between a real Kitsu (Zou) and a review file, both ways.

Comments, replies, statuses, previews and order, both ways; a change on either side arrives on
the next run; reruns with no change write nothing; a run killed mid-way and rerun leaves no
duplicate and nothing missing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.helpers import (
    all_notes,
    journal_done,
    kill_mid_run,
    kitsu_endpoint,
    kitsu_system,
    kitsu_texts,
    read_review,
    reverse_playlist,
    run_once,
    save_config,
    writes,
)
from tests.kitsu.builders import ReviewFixture, ZouRest, build_review, make_png

pytestmark = pytest.mark.zou


def write_config(folder: Path, zou: Any, review: ReviewFixture) -> None:
    config = {
        "state": "sqlite:///state.db",
        "systems": {
            "kitsu": kitsu_system(zou),
            "local": {"type": "file", "path": "./reviews"},
        },
        "mappings": [
            {
                "name": "dailies",
                "endpoints": {
                    "kitsu": kitsu_endpoint(review),
                    "local": {"review": "dailies"},
                },
                "sync": {"notes": "both", "statuses": "both", "media": "both", "order": "both"},
                "conflicts": "kitsu",
                "statuses": [
                    {"kitsu": "wfa", "local": "for_review"},
                    {"kitsu": "retake", "local": "changes"},
                    {"kitsu": "done", "local": "approved"},
                ],
            }
        ],
    }
    save_config(folder, config)


def test_kitsu_and_file_stay_in_step(zou: Any, gazu_client: Any, tmp_path: Path) -> None:
    review = build_review(gazu_client, shots=3, comments_per_shot=1, with_png_preview=True)
    rest = ZouRest(gazu_client)
    env = {"KITSU_PASSWORD": zou.admin_password}
    write_config(tmp_path, zou, review)
    local_path = tmp_path / "reviews" / "dailies.yaml"

    # first run: Kitsu's playlist becomes the review file, in order, with notes and previews
    run_once(tmp_path, env)
    local = read_review(local_path)
    assert [i["name"] for i in local["items"]] == review.shot_names
    assert {i["status"] for i in local["items"]} == {"for_review"}
    for item in local["items"]:
        media = tmp_path / "reviews" / item["media"]["file"]
        assert media.is_file()
        assert hashlib.sha256(media.read_bytes()).hexdigest() == item["media"]["sha256"]
    kitsu_comment_texts = set(kitsu_texts(rest, review.task_ids))
    local_texts = {n["text"] for n in all_notes(local)}
    assert kitsu_comment_texts <= local_texts | {""}

    # file side: a reply, a new note on a frame, a status change
    first = local["items"][0]
    first["notes"][0].setdefault("replies", []).append(
        {"text": "Agreed, fixing it.", "author": "Sam <sam@client.example>"}
    )
    local["items"][1].setdefault("notes", []).append(
        {"text": "Timing feels late here.", "frame": 5, "author": "Sam <sam@client.example>"}
    )
    local["items"][2]["status"] = "approved"
    local_path.write_text(yaml.safe_dump(local, sort_keys=False))
    run_once(tmp_path, env)
    task_of = review.task_by_shot
    texts_1 = kitsu_texts(rest, [task_of[review.shot_ids[1]]])
    assert any("Timing feels late here." in t and "frame 5" in t for t in texts_1)
    texts_0 = kitsu_texts(rest, [task_of[review.shot_ids[0]]])
    assert any("Agreed, fixing it." in t for t in texts_0)
    task_2 = rest.get(f"/data/tasks/{task_of[review.shot_ids[2]]}")
    assert task_2["task_status_id"] == review.status_id("done")

    # Kitsu side: a new comment and a reordered playlist
    rest.post(
        f"/actions/tasks/{task_of[review.shot_ids[0]]}/comment",
        {"task_status_id": review.status_id("wfa"), "comment": "Also check the hair."},
    )
    reverse_playlist(rest, review.playlist_id)
    run_once(tmp_path, env)
    local = read_review(local_path)
    assert [i["name"] for i in local["items"]] == list(reversed(review.shot_names))
    assert "Also check the hair." in {n["text"] for n in all_notes(local)}

    # file side: a new preview for the first item and a new order go to Kitsu
    local = read_review(local_path)
    media_dir = tmp_path / "reviews" / "media"
    (media_dir / "retake-v2.png").write_bytes(make_png(color=(220, 40, 40)))
    local["items"][0]["media"] = {"file": "media/retake-v2.png"}
    local["items"] = [local["items"][1], local["items"][0], local["items"][2]]
    local_path.write_text(yaml.safe_dump(local, sort_keys=False))
    entries_before = {
        s["entity_id"]: s["preview_file_id"]
        for s in rest.get(f"/data/playlists/{review.playlist_id}")["shots"]
    }
    run_once(tmp_path, env)
    shots = rest.get(f"/data/playlists/{review.playlist_id}")["shots"]
    names = dict(zip(review.shot_ids, review.shot_names, strict=True))
    assert [names[s["entity_id"]] for s in shots] == [i["name"] for i in local["items"]]
    changed = local["items"][1]["name"]
    changed_id = review.shot_ids[review.shot_names.index(changed)]
    after = {s["entity_id"]: s["preview_file_id"] for s in shots}
    assert after[changed_id] != entries_before[changed_id]
    assert {k: v for k, v in after.items() if k != changed_id} == {
        k: v for k, v in entries_before.items() if k != changed_id
    }

    # quiet: three reruns write nothing on either side
    for _ in range(3):
        assert writes(run_once(tmp_path, env)) == {}

    # killed mid-run, then rerun: nothing duplicated, nothing missing
    local = read_review(local_path)
    expected = [f"note {n} from the file" for n in range(8)]
    for n, text in enumerate(expected):
        local["items"][n % 3].setdefault("notes", []).append({"text": text})
    local_path.write_text(yaml.safe_dump(local, sort_keys=False))
    kill_mid_run(
        tmp_path,
        tmp_path / "state.db",
        after_writes=journal_done(tmp_path / "state.db") + 3,
        env=env,
    )
    run_once(tmp_path, env)
    in_kitsu = Counter(kitsu_texts(rest, review.task_ids))
    for text in expected:
        assert in_kitsu[text] == 1, f"{text!r} is in Kitsu {in_kitsu[text]} times"
    local_counts = Counter(n["text"] for n in all_notes(read_review(local_path)))
    assert all(count == 1 for text, count in local_counts.items() if text.startswith("note ")), (
        local_counts
    )
    assert writes(run_once(tmp_path, env)) == {}
