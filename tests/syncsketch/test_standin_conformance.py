"""The SyncSketch stand-in, judged by the official ``syncsketch`` client.

The client is the best available witness of the real wire format: if it can drive the
stand-in through its documented calls and read back what it expects, syncd's connector
(tested against the stand-in) is tested against the shapes the real service uses. Raw
``requests`` calls cover what the client hides: status codes, headers and paging links.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest
import requests
from syncd_standins.syncsketch import SyncSketchStandIn


@pytest.fixture
def client(syncsketch_standin: SyncSketchStandIn, syncsketch_api: Any) -> Any:
    """The official client, authenticated as alice with query-string credentials."""
    return syncsketch_api("alice", USERS["alice"], host=syncsketch_standin.url)


@pytest.fixture
def review(syncsketch_standin: SyncSketchStandIn) -> dict:
    project_id = syncsketch_standin.store.add_project("Show")
    return syncsketch_standin.store.add_review(project_id, "Dailies")


USERS = {"alice": "alice-key", "bob": "bob-key"}  # as configured by the fixture
TOKENS = {"alice@example.com": "alice-token"}


def auth(user: str = "alice") -> dict[str, str]:
    return {"username": user, "api_key": USERS[user]}


# --------------------------------------------------------------------------- auth


def test_is_connected_with_every_auth_mode(
    syncsketch_standin: SyncSketchStandIn, syncsketch_api: Any
) -> None:
    url = syncsketch_standin.url
    clients = [
        syncsketch_api("alice", USERS["alice"], host=url),
        syncsketch_api("alice", USERS["alice"], host=url, use_header_auth=True),
        syncsketch_api("alice@example.com", USERS["alice"], host=url),
        syncsketch_api(
            "alice@example.com", TOKENS["alice@example.com"], host=url, useExpiringToken=True
        ),
        syncsketch_api(
            "alice@example.com",
            TOKENS["alice@example.com"],
            host=url,
            useExpiringToken=True,
            use_header_auth=True,
        ),
    ]
    for api in clients:
        response = api.is_connected()
        assert response.status_code == 200
        assert response.json()["username"] == "alice"
    assert {r.user for r in syncsketch_standin.requests.records()} == {"alice"}


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({}, {}),
        ({"username": "alice", "api_key": "wrong"}, {}),
        ({"username": "nobody", "api_key": "alice-key"}, {}),
        ({"username": "alice", "api_key": "bob-key"}, {}),
        ({}, {"Authorization": "apikey alice:wrong"}),
        ({}, {"Authorization": "token alice@example.com:wrong"}),
        ({"email": "alice@example.com", "token": "alice-key"}, {}),
    ],
)
def test_bad_credentials_are_401_with_json(
    syncsketch_standin: SyncSketchStandIn, syncsketch_api: Any, params: dict, headers: dict
) -> None:
    response = requests.get(
        f"{syncsketch_standin.url}/api/v1/review/", params=params, headers=headers, timeout=5
    )
    assert response.status_code == 401
    assert "error" in response.json()
    bad = syncsketch_api("alice", "wrong", host=syncsketch_standin.url)
    assert bad.is_connected().status_code == 401


def test_users_added_later_can_log_in(syncsketch_standin: SyncSketchStandIn) -> None:
    syncsketch_standin.add_user("erin", "erin-key", "erin@studio.test", "Erin", "Ng")
    me = requests.get(
        f"{syncsketch_standin.url}/api/v1/simpleperson/currentUser/",
        headers={"Authorization": "apikey erin@studio.test:erin-key"},
        timeout=5,
    ).json()
    assert me["full_name"] == "Erin Ng" and me["username"] == "erin"


# --------------------------------------------------------------------------- reviews


def test_reviews_by_project_and_by_id(syncsketch_standin: SyncSketchStandIn, client: Any) -> None:
    store = syncsketch_standin.store
    project_id = store.add_project("Show")
    other = store.add_project("Other")
    made = [client.create_review(project_id, f"R{n}", description="d") for n in range(3)]
    store.add_review(other, "Elsewhere")
    assert all(r["project"] == f"/api/v1/project/{project_id}/" for r in made)

    listed = client.get_reviews_by_project_id(project_id)
    assert listed["meta"]["total_count"] == 3
    assert [r["id"] for r in listed["objects"]] == [r["id"] for r in made]

    one = client.get_review_by_id(made[1]["id"])
    assert one["name"] == "R1" and one["uuid"] and one["reviewURL"].endswith(f"{one['uuid']}/")
    assert client.get_review_by_id(made[1]["id"], fields=["id", "name"]) == {
        "id": made[1]["id"],
        "name": "R1",
    }
    assert client.get_review_by_uuid(one["uuid"])["id"] == one["id"]
    assert client.update_review(one["id"], {"name": "Final"})["name"] == "Final"
    client.delete_review(made[0]["id"])
    page = client.get_review_by_name("R", limit=1, offset=0)
    assert page["meta"]["total_count"] == 1  # only R2 is active and still named R*


def test_review_paging_follows_limit_and_offset(
    syncsketch_standin: SyncSketchStandIn, client: Any
) -> None:
    project_id = syncsketch_standin.store.add_project("Show")
    ids = [syncsketch_standin.store.add_review(project_id, f"R{n}")["id"] for n in range(5)]
    first = client.get_reviews_by_project_id(project_id, limit=2, offset=0)
    second = client.get_reviews_by_project_id(project_id, limit=2, offset=2)
    last = client.get_reviews_by_project_id(project_id, limit=2, offset=4)
    assert [r["id"] for r in first["objects"] + second["objects"] + last["objects"]] == ids
    assert first["meta"]["previous"] is None and first["meta"]["next"]
    assert last["meta"]["next"] is None and last["meta"]["previous"]


# --------------------------------------------------------------------------- items


def test_items_page_through_next_links(
    syncsketch_standin: SyncSketchStandIn, client: Any, review: dict
) -> None:
    """The client sends no limit: it gets 20 and must follow ``meta.next`` for the rest."""
    made = [syncsketch_standin.store.add_item(review["id"], f"shot{n:03}")["id"] for n in range(45)]
    page = client.get_items_by_review_id(review["id"])
    assert page["meta"]["limit"] == 20 and page["meta"]["total_count"] == 45
    seen = [i["id"] for i in page["objects"]]
    while page["meta"]["next"]:
        assert page["meta"]["next"].startswith("/api/v1/item/?")
        page = requests.get(syncsketch_standin.url + page["meta"]["next"], timeout=5).json()
        seen += [i["id"] for i in page["objects"]]
    assert seen == made
    assert page["meta"]["previous"] is not None
    assert syncsketch_standin.requests.count("GET", "/api/v1/item/") == 3


def test_item_detail_and_update(
    syncsketch_standin: SyncSketchStandIn, client: Any, review: dict
) -> None:
    item = client.add_item(
        review["id"], "shot010", 24, {"external_url": "https://cdn.example/a.mp4"}
    )
    assert item["status"] == "done" and item["revision_id"] and item["sortorder"] == 0
    fetched = client.get_item(item["id"], data={"review_id": review["id"]})
    assert fetched["revision_id"] == item["revision_id"]
    assert fetched["reviews"] == [f"/api/v1/review/{review['id']}/"]

    metadata = json.dumps({"kitsu_id": "abc"})
    updated = client.update_item(
        item["id"], {"name": "shot010 v2", "approval_status": "approved", "metadata": metadata}
    )
    assert updated["name"] == "shot010 v2"
    assert updated["approval_status"] == "approved"
    assert json.loads(updated["metadata"]) == {"kitsu_id": "abc"}
    assert updated["modified"] > item["modified"]
    wire = syncsketch_standin.requests.matching("PATCH", f"/api/v1/item/{item['id']}/")[-1]
    assert wire.body["approval_status"] == "approved" and wire.status == 202

    rejected = client.update_item(item["id"], {"metadata": {"kitsu_id": "abc"}}, raw_response=True)
    assert rejected.status_code == 400 and "metadata" in rejected.json()["error"]
    assert client.get_item(999, raw_response=True).status_code == 404


def test_delete_and_bulk_delete_are_soft(
    syncsketch_standin: SyncSketchStandIn, client: Any, review: dict
) -> None:
    ids = [syncsketch_standin.store.add_item(review["id"], f"s{n}")["id"] for n in range(4)]
    assert client.delete_item(ids[0])["active"] is False
    response = client.bulk_delete_items([ids[1], ids[2]])
    assert response.status_code == 200
    listed = client.get_items_by_review_id(review["id"])["objects"]
    assert [i["id"] for i in listed] == [ids[3]]
    assert client.get_item(ids[0])["active"] is False
    assert len(syncsketch_standin.store.review_items(review["id"], include_inactive=True)) == 4


def test_sort_review_items(
    syncsketch_standin: SyncSketchStandIn, client: Any, review: dict
) -> None:
    ids = [syncsketch_standin.store.add_item(review["id"], f"s{n}")["id"] for n in range(3)]
    wanted = [ids[2], ids[0], ids[1]]
    result = client.sort_review_items(
        review["id"], [{"id": i, "sortorder": n} for n, i in enumerate(wanted)]
    )
    assert result == {"updated_items": 3}
    assert [i["id"] for i in client.get_items_by_review_id(review["id"])["objects"]] == wanted


def test_add_media_and_new_version(
    syncsketch_standin: SyncSketchStandIn, client: Any, review: dict, tmp_path
) -> None:
    first = tmp_path / "shot010_v001.png"
    first.write_bytes(b"\x89PNG version one")
    item = client.add_media(review["id"], str(first), artist_name="bob", noConvertFlag=True)
    assert item["name"] == "shot010_v001.png" and item["artist"] == "bob" and item["uuid"]
    assert requests.get(item["media_url"], timeout=5).content == first.read_bytes()
    assert requests.get(item["thumbnail_url"], timeout=5).content == first.read_bytes()
    client.add_comment(item["id"], "on v1", review["id"])

    second = tmp_path / "shot010_v002.png"
    second.write_bytes(b"\x89PNG version two")
    version = client.add_media(
        review["id"], str(second), noConvertFlag=True, itemParentId=item["id"]
    )
    assert version["id"] == item["id"]
    assert version["revision_id"] != item["revision_id"]
    assert [r["version"] for r in version["revisions"]] == [1, 2]
    assert syncsketch_standin.store.media_bytes(item["id"]) == second.read_bytes()
    query = syncsketch_standin.requests.matching("POST", "/items/uploadToReview/")[-1].query
    assert query["itemParentId"] == str(item["id"]) and query["noConvertFlag"] == "1"

    client.add_comment(item["id"], "on v2", review["id"])
    old = client.get_annotations(item["id"], revisionId=item["revision_id"])["objects"]
    new = client.get_annotations(item["id"], revisionId=version["revision_id"])["objects"]
    assert [f["text"] for f in old] == ["on v1"] and [f["text"] for f in new] == ["on v2"]


def test_a_large_upload_goes_to_disk_as_the_official_client_sends_it(
    syncsketch_standin: SyncSketchStandIn, client: Any, review: dict, tmp_path
) -> None:
    """``add_media`` (a multipart form with a Content-Length) and a new version of it: the
    stand-in writes the file to disk as it streams in, logs its size, not its bytes, and
    serves it back from disk."""
    movie = tmp_path / "shot020_v001.mp4"
    block = bytes(range(256)) * 4096
    with movie.open("wb") as out:
        for n in range(24):
            out.write(block[n:] + block[:n])
    item = client.add_media(review["id"], str(movie), artist_name="bob", noConvertFlag=True)
    version = client.add_media(
        review["id"], str(movie), noConvertFlag=True, itemParentId=item["id"]
    )
    assert version["id"] == item["id"] and version["revision_id"] != item["revision_id"]
    for revision in (item["revision_id"], version["revision_id"]):
        kept = syncsketch_standin.store.media_path(item["id"], revision)
        assert kept is not None and kept.stat().st_size == movie.stat().st_size
    with requests.get(version["media_url"], stream=True, timeout=30) as answer:
        assert int(answer.headers["Content-Length"]) == movie.stat().st_size
        assert b"".join(answer.iter_content(1 << 20)) == movie.read_bytes()
    logged = syncsketch_standin.requests.matching("POST", "/items/uploadToReview/")[-1].body
    assert logged["files"]["reviewFile"] == {"filename": movie.name, "size": 24 << 20}
    assert list(syncsketch_standin.store.spool.iterdir()) == []


def test_a_chunked_upload_is_read_too(
    syncsketch_standin: SyncSketchStandIn, review: dict, tmp_path
) -> None:
    from requests_toolbelt import MultipartEncoder

    data = b"\x89PNG chunked" * 50_000
    form = MultipartEncoder({"name": "sh030", "reviewFile": ("sh030.png", data, "image/png")})

    def pieces() -> Any:
        while piece := form.read(65536):
            yield piece

    answer = requests.post(
        f"{syncsketch_standin.url}/items/uploadToReview/{review['id']}/",
        data=pieces(),  # a generator: requests sends it chunked
        params=auth(),
        headers={"Content-Type": form.content_type},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert syncsketch_standin.store.media_bytes(answer.json()["id"]) == data
    assert answer.json()["name"] == "sh030"


def test_add_media_by_url(client: Any, review: dict) -> None:
    item = client.add_media_by_url(review["id"], "https://cdn.example/shot020.mov", "carol")
    assert item["external_url"] == "https://cdn.example/shot020.mov"
    assert item["name"] == "shot020.mov" and item["artist"] == "carol"


# --------------------------------------------------------------------------- frames


def test_comments_replies_and_annotations(
    syncsketch_standin: SyncSketchStandIn, client: Any, review: dict
) -> None:
    item = syncsketch_standin.store.add_item(review["id"], "shot010")
    comment = client.add_comment(item["id"], "too dark", review["id"], frame=12)
    assert comment["frame"] == 12 and comment["type"] == "comment"
    assert comment["revision_id"] == item["revision_id"] and comment["parent_id"] is None
    assert comment["creator"] == {
        "id": 1,
        "email": "alice@example.com",
        "username": "alice",
        "first_name": "Alice",
        "last_name": "",
        "full_name": "Alice",
    }

    base = f"{syncsketch_standin.url}/api/v1/frame/"
    reply = requests.post(
        base,
        params=auth("bob"),
        json={
            "item": f"/api/v1/item/{item['id']}/",
            "revision": f"/api/v1/revision/{item['revision_id']}/",
            "frame": 12,
            "type": "comment",
            "text": "agreed",
            "parent": comment["resource_uri"],
        },
        timeout=5,
    )
    assert reply.status_code == 201
    assert reply.json()["parent_id"] == comment["id"]
    assert reply.json()["creator"]["username"] == "bob"

    frames = client.get_annotations(item["id"], review_id=review["id"])["objects"]
    assert [(f["text"], f["parent_id"]) for f in frames] == [
        ("too dark", None),
        ("agreed", comment["id"]),
    ]

    edited = requests.patch(
        f"{base}{comment['id']}/", params=auth(), json={"text": "much too dark"}, timeout=5
    )
    assert edited.status_code == 202 and edited.json()["text"] == "much too dark"
    assert edited.json()["modified"] > comment["modified"]
    requests.patch(f"{base}{reply.json()['id']}/", params=auth(), json={"active": False}, timeout=5)
    assert [f["id"] for f in client.get_annotations(item["id"])["objects"]] == [comment["id"]]
    gone = requests.delete(f"{base}{comment['id']}/", params=auth(), timeout=5)
    assert gone.status_code == 204
    assert client.get_annotations(item["id"])["objects"] == []


def test_frame_post_requires_revision(syncsketch_standin: SyncSketchStandIn, review: dict) -> None:
    item = syncsketch_standin.store.add_item(review["id"], "shot010")
    response = requests.post(
        f"{syncsketch_standin.url}/api/v1/frame/",
        params=auth(),
        json={"item": f"/api/v1/item/{item['id']}/", "text": "x"},
        timeout=5,
    )
    assert response.status_code == 400 and "revision" in response.json()["error"]


def test_flattened_annotations(
    syncsketch_standin: SyncSketchStandIn, client: Any, review: dict
) -> None:
    item = syncsketch_standin.store.add_item(review["id"], "shot010")
    syncsketch_standin.store.add_frame(item["id"], "", frame=4, type="sketch", creator="bob")
    syncsketch_standin.store.add_frame(item["id"], "just words", frame=5)
    result = client.get_flattened_annotations(review["id"], item["id"])
    assert result["status"] == "done" and [s["frame"] for s in result["data"]] == [4]
    assert requests.get(result["data"][0]["url"], timeout=5).content.startswith(b"\x89PNG")
    encoded = client.get_flattened_annotations(review["id"], item["id"], return_as_base64=True)
    assert encoded["data"][0]["data"]


# --------------------------------------------------------------------------- filters


def test_filters_follow_tastypie(syncsketch_standin: SyncSketchStandIn, review: dict) -> None:
    item = syncsketch_standin.store.add_item(review["id"], "shot010")
    first = syncsketch_standin.store.add_frame(item["id"], "one")
    syncsketch_standin.store.add_frame(item["id"], "two")
    url = f"{syncsketch_standin.url}/api/v1/frame/"
    newer = requests.get(
        url, params={**auth(), "item__id": item["id"], "modified__gt": first["modified"]}, timeout=5
    ).json()
    assert [f["text"] for f in newer["objects"]] == ["two"]
    ignored = requests.get(url, params={**auth(), "no_such_field": "1"}, timeout=5)
    assert ignored.status_code == 200 and ignored.json()["meta"]["total_count"] == 2
    refused = requests.get(url, params={**auth(), "text__icontains": "o"}, timeout=5)
    assert refused.status_code == 400 and "filtering" in refused.json()["error"]
    bad_lookup = requests.get(url, params={**auth(), "item__id__gt": "1"}, timeout=5)
    assert bad_lookup.status_code == 400


# --------------------------------------------------------------------------- faults


def test_rate_limit_sends_retry_after(
    syncsketch_standin: SyncSketchStandIn, client: Any, review: dict
) -> None:
    syncsketch_standin.store.add_item(review["id"], "shot010")
    syncsketch_standin.faults.set(rate_limit=1.0, retry_after=3)
    response = requests.get(
        f"{syncsketch_standin.url}/api/v1/item/",
        params={**auth(), "reviews__id": review["id"]},
        timeout=5,
    )
    assert response.status_code == 429 and response.headers["Retry-After"] == "3"
    # The official client reads a non-JSON 429 as "no data": why syncd checks statuses.
    assert client.get_items_by_review_id(review["id"]) == {"objects": []}
    syncsketch_standin.faults.set(rate_limit_body="json")
    assert "throttled" in requests.get(syncsketch_standin.url + "/x/", timeout=5).json()["detail"]
    syncsketch_standin.faults.reset()
    assert len(client.get_items_by_review_id(review["id"])["objects"]) == 1


def test_server_errors_json_and_html(syncsketch_standin: SyncSketchStandIn) -> None:
    url = f"{syncsketch_standin.url}/api/v1/person/connected/"
    syncsketch_standin.faults.set(fail_rate=1.0, fail_status=503)
    response = requests.get(url, params=auth(), timeout=5)
    assert response.status_code == 503 and "error_message" in response.json()
    syncsketch_standin.faults.set(non_json_errors=True)
    response = requests.get(url, params=auth(), timeout=5)
    assert response.status_code == 503 and response.text.startswith("<html>")
    with pytest.raises(ValueError):
        response.json()


def test_dropped_connection(syncsketch_standin: SyncSketchStandIn) -> None:
    syncsketch_standin.faults.set(drop_connection_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{syncsketch_standin.url}/api/v1/person/connected/", params=auth(), timeout=5)
    syncsketch_standin.faults.reset()
    response = requests.get(
        f"{syncsketch_standin.url}/api/v1/person/connected/", params=auth(), timeout=5
    )
    assert response.status_code == 200


def test_fail_next_and_lost_response_after_commit(
    syncsketch_standin: SyncSketchStandIn, client: Any, review: dict
) -> None:
    item = syncsketch_standin.store.add_item(review["id"], "shot010")
    syncsketch_standin.faults.fail_next(2, status=502, method="GET", path_prefix="/api/v1/item/")
    assert client.get_item(item["id"], raw_response=True).status_code == 502
    assert client.is_connected().status_code == 200  # other paths are untouched
    assert client.get_item(item["id"], raw_response=True).status_code == 502
    assert client.get_item(item["id"], raw_response=True).status_code == 200

    syncsketch_standin.faults.fail_next(1, after_commit=True, path_prefix="/api/v1/frame/")
    lost = client.add_comment(item["id"], "saved but unanswered", review["id"], raw_response=True)
    assert lost.status_code == 500
    assert [f["text"] for f in syncsketch_standin.store.item_frames(item["id"])] == [
        "saved but unanswered"
    ]


def test_random_faults_are_deterministic_per_seed() -> None:
    def outcomes(seed: int) -> list[int]:
        with SyncSketchStandIn(users=USERS, seed=seed) as standin:
            standin.faults.set(fail_rate=0.5, rate_limit=0.2)
            url = f"{standin.url}/api/v1/person/connected/"
            return [requests.get(url, params=auth(), timeout=5).status_code for _ in range(30)]

    first = outcomes(42)
    assert first == outcomes(42)
    assert {200, 500, 429} <= set(first)


def test_latency_and_request_log(syncsketch_standin: SyncSketchStandIn) -> None:
    syncsketch_standin.faults.set(latency=0.2)
    started = time.monotonic()
    requests.get(f"{syncsketch_standin.url}/api/v1/review/", params=auth(), timeout=5)
    assert time.monotonic() - started >= 0.2
    log = syncsketch_standin.requests
    assert log[-1] == ("GET", "/api/v1/review/", auth())
    assert log.count("GET", "/api/v1/review/") == 1 and log.count(method="POST") == 0
    log.reset()
    assert len(log) == 0


def test_keep_alive_answers_do_not_wait_for_an_ack(
    syncsketch_standin: SyncSketchStandIn, review: dict
) -> None:
    """Headers and body of an answer leave without Nagle's wait (which costs ~40 ms an answer
    against a client's delayed ACK), small and large answers alike."""
    with requests.Session() as session:
        url = f"{syncsketch_standin.url}/api/v1/item/"
        session.get(url, params=auth(), timeout=5)
        started = time.monotonic()
        for _ in range(25):
            session.get(url, params={**auth(), "reviews__id": review["id"]}, timeout=5)
        assert (time.monotonic() - started) / 25 < 0.02


def test_command_line_serves_until_interrupted(syncsketch_api: Any) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "syncd_standins.syncsketch",
            "--port",
            "0",
            "--user",
            "dan:k",
            "--project",
            "Demo",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "project 'Demo': id 1"
        url = process.stdout.readline().strip().rsplit(" ", 1)[-1]
        api = syncsketch_api("dan", "k", host=url)
        assert api.is_connected().status_code == 200
        assert api.get_project_by_id(1)["name"] == "Demo"
    finally:
        process.terminate()
        process.wait(timeout=10)
