"""The real-Zou harness works: the server answers, fixtures build, changes are observable."""

from __future__ import annotations

import time

import pytest
import requests

from tests.kitsu.builders import ZouRest, build_review, make_png, playlist_entries

pytestmark = pytest.mark.zou


def _login(zou) -> str:
    resp = requests.post(
        f"{zou.url}/auth/login",
        json={"email": zou.admin_email, "password": zou.admin_password},
        timeout=30,
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["user"]["email"] == zou.admin_email
    return body["access_token"]


def test_server_answers_and_login_works(zou):
    index = requests.get(f"{zou.url}/", timeout=10).json()
    assert index["api"] == "Zou"
    token = _login(zou)
    me = requests.get(
        f"{zou.url}/auth/authenticated", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert me.status_code == 200
    assert me.json()["user"]["email"] == zou.admin_email
    assert zou.log_dir is not None and (zou.log_dir / "zou-api.log").exists()
    assert zou.events_url.startswith("http://127.0.0.1:")


def test_gazu_client_is_logged_in(zou, gazu_client):
    import gazu

    assert gazu_client.host == zou.url
    assert gazu.client.get_current_user(client=gazu_client)["email"] == zou.admin_email


def test_png_is_valid():
    png = make_png(8, 4)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png[12:16] == b"IHDR"


def test_builder_creates_playlist_in_order_with_previews(gazu_client):
    review = build_review(gazu_client, shots=4, comments_per_shot=2)
    rest = ZouRest(gazu_client)

    assert len(review.shot_ids) == len(review.task_ids) == 4
    assert review.shot_names == ["SH0010", "SH0020", "SH0030", "SH0040"]

    entries = playlist_entries(gazu_client, review)
    assert [e["entity_id"] for e in entries] == review.shot_ids
    for shot_id, entry in zip(review.shot_ids, entries, strict=True):
        (preview_id,) = review.preview_file_ids[shot_id]
        assert entry["preview_file_id"] == preview_id
        preview = rest.get(f"data/preview-files/{preview_id}")
        assert preview["extension"] == "png"
        assert preview["status"] == "ready"
        thumb = rest.session.get(f"{rest.base}/pictures/thumbnails/preview-files/{preview_id}.png")
        assert thumb.status_code == 200 and thumb.content.startswith(b"\x89PNG")

    wfa = review.status_id("wfa")
    for task_id, shot_name in zip(review.task_ids, review.shot_names, strict=True):
        comments = rest.get(f"data/tasks/{task_id}/comments")  # newest first
        assert [c["text"] for c in comments] == [
            f"{shot_name}: note 2",
            f"{shot_name}: note 1",
            f"{shot_name}: png for review",
        ]
        assert (
            comments[-1]["previews"][0]["id"]
            in review.preview_file_ids[review.shot_ids[review.task_ids.index(task_id)]]
        )
        assert rest.get(f"data/tasks/{task_id}")["task_status_id"] == wfa


def test_builder_movie_preview(gazu_client):
    review = build_review(
        gazu_client, shots=1, comments_per_shot=0, with_png_preview=False, with_movie_preview=True
    )
    (preview_id,) = review.preview_file_ids[review.shot_ids[0]]
    rest = ZouRest(gazu_client)
    preview = rest.get(f"data/preview-files/{preview_id}")
    assert preview["extension"] == "mp4"
    assert preview["status"] == "ready"
    movie = rest.session.get(f"{rest.base}/movies/originals/preview-files/{preview_id}.mp4")
    assert movie.status_code == 200 and len(movie.content) > 1000


def test_status_comment_shows_in_task_comments_and_event_log(gazu_client):
    review = build_review(gazu_client, shots=2, comments_per_shot=0)
    rest = ZouRest(gazu_client)
    task_id = review.task_ids[1]
    # The event log has whole-second timestamps and `after` compares against
    # the start of that second: step over a second boundary first.
    time.sleep(1.05)
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())

    comment = rest.post(
        f"actions/tasks/{task_id}/comment",
        {"task_status_id": review.status_id("retake"), "comment": "Arm pops at frame 12"},
    )

    comments = rest.get(f"data/tasks/{task_id}/comments")
    assert comments[0]["id"] == comment["id"]
    assert comments[0]["text"] == "Arm pops at frame 12"
    assert comments[0]["task_status_id"] == review.status_id("retake")
    assert rest.get(f"data/tasks/{task_id}")["task_status_id"] == review.status_id("retake")

    events = rest.get("data/events/last", after=since, project_id=review.project_id, limit=100)
    by_name = {}
    for event in events:
        by_name.setdefault(event["name"], []).append(event)
    new = [e for e in by_name.get("comment:new", []) if e["data"]["comment_id"] == comment["id"]]
    assert new, [e["name"] for e in events]
    assert new[0]["data"]["task_id"] == task_id
    assert new[0]["user_id"] == review.person_id
    changed = [e for e in by_name.get("task:status-changed", []) if e["data"]["task_id"] == task_id]
    assert changed
    assert changed[0]["data"]["new_task_status_id"] == review.status_id("retake")
    assert changed[0]["data"]["previous_task_status_id"] == review.status_id("wfa")
