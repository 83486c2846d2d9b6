"""The SyncSketch connector against the stand-in: the shared contract plus SyncSketch's quirks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from syncd_standins.syncsketch import SyncSketchStandIn

from syncd.connectors import open_endpoint
from syncd.connectors.base import Endpoint
from syncd.connectors.syncsketch import api as syncsketch_api
from syncd.connectors.syncsketch import open_endpoint as open_syncsketch_endpoint
from syncd.connectors.syncsketch.endpoint import SyncSketchEndpoint
from syncd.core.model import LocalMedia, NewItem, NewNote, NoteContent, Person
from syncd.errors import ConfigError, FatalError, RetriableError, SkippableError
from tests.connectors.contract import EndpointContract, PNG_1x1

FAST_RETRY = {"attempts": 4, "backoff": 0.01}


def open_review(
    standin: SyncSketchStandIn,
    project_id: int,
    review: str | int = "Dailies",
    *,
    api_key: str = "alice-key",
    **options: Any,
) -> SyncSketchEndpoint:
    system = {
        "url": standin.url,
        "username": "alice",
        "api_key": api_key,
        "retry": FAST_RETRY,
        **options,
    }
    selector: dict[str, Any] = {"project_id": project_id, "review": review}
    if "create" in options:
        selector["create"] = system.pop("create")
    endpoint = open_syncsketch_endpoint("syncsketch", system, selector)
    assert isinstance(endpoint, SyncSketchEndpoint)
    return endpoint


class Seeded:
    """A project with one review named Dailies, and an endpoint on it."""

    def __init__(self, standin: SyncSketchStandIn, **options: Any) -> None:
        self.standin = standin
        self.store = standin.store
        self.project = self.store.add_project("Feature")
        self.review = self.store.add_review(self.project, "Dailies")["id"]
        self.endpoint = open_review(standin, self.project, **options)

    def item(self, name: str, **fields: Any) -> int:
        return int(self.store.add_item(self.review, name, **fields)["id"])

    def writes(self) -> int:
        return sum(1 for method, _, _ in self.standin.requests if method != "GET")


@pytest.fixture
def seeded(syncsketch_standin: SyncSketchStandIn) -> Iterator[Seeded]:
    rig = Seeded(syncsketch_standin)
    yield rig
    rig.endpoint.close()


def media_file(tmp_path: Path, data: bytes = PNG_1x1, name: str = "sh010.png") -> LocalMedia:
    path = tmp_path / name
    path.write_bytes(data)
    return LocalMedia(path, hashlib.sha256(data).hexdigest(), name, len(data))


class TestSyncSketchContract(EndpointContract):
    statuses = ("for_review", "approved")

    @pytest.fixture
    def endpoint(self, syncsketch_standin: SyncSketchStandIn) -> Iterator[Endpoint]:
        rig = Seeded(syncsketch_standin)
        yield rig.endpoint
        rig.endpoint.close()


# -- reading -------------------------------------------------------------------------------------
def test_snapshot_shape_and_order(seeded: Seeded) -> None:
    b = seeded.item("sh020", approval_status="approved", metadata={"syncd_link": "i-abc"})
    a = seeded.item("sh010", sortorder=-1)
    gone = seeded.item("sh030")
    seeded.store.patch("item", gone, {"active": False})
    snap = seeded.endpoint.snapshot()
    assert [(i.id, i.name, i.status, i.link) for i in snap.items] == [
        (str(a), "sh010", None, None),
        (str(b), "sh020", "approved", "i-abc"),
    ]
    first = snap.items[0]
    assert first.media is None  # nothing uploaded yet
    assert first.modified is not None and first.modified.utcoffset() is not None
    # the review's web address travels with the snapshot, for links into SyncSketch
    assert snap.extra["review_url"] == f"{seeded.standin.url}/sketch/" + (
        seeded.store.reviews[seeded.review]["uuid"] + "/"
    )


def test_small_snapshot_costs_two_requests(seeded: Seeded) -> None:
    item = seeded.item("sh010")
    seeded.store.add_frame(item, "a note", 3)
    seeded.endpoint.snapshot()  # resolves the review once
    seeded.standin.requests.reset()
    seeded.endpoint.snapshot()
    # the two listings may be read side by side, in either order
    assert sorted((m, p) for m, p, _ in seeded.standin.requests) == [
        ("GET", "/api/v1/frame/"),
        ("GET", "/api/v1/item/"),
    ]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_paging_beyond_one_page(
    syncsketch_standin: SyncSketchStandIn, monkeypatch: pytest.MonkeyPatch, concurrency: int
) -> None:
    monkeypatch.setattr(syncsketch_api, "PAGE_SIZE", 7)
    rig = Seeded(syncsketch_standin, concurrency=concurrency)
    ids = [rig.item(f"sh{n:03d}") for n in range(25)]
    for n in range(30):
        rig.store.add_frame(ids[n % 25], f"note {n}", n)
    rig.endpoint.snapshot()
    rig.standin.requests.reset()
    snap = rig.endpoint.snapshot()
    assert [i.id for i in snap.items] == [str(i) for i in ids]
    assert sorted(n.text for n in snap.notes) == sorted(f"note {n}" for n in range(30))
    assert len({n.id for n in snap.notes}) == 30
    assert rig.standin.requests.count("GET", "/api/v1/item/") == 4
    assert rig.standin.requests.count("GET", "/api/v1/frame/") == 5
    rig.endpoint.close()


def test_notes_replies_frames_and_authors(seeded: Seeded) -> None:
    item = seeded.item("sh010")
    other = seeded.item("sh020")
    parent = seeded.store.add_frame(item, "Arc is off", 11, creator="bob")
    reply = seeded.store.add_frame(item, "Fixed", 11, parent_id=parent["id"], creator="alice")
    drawing = seeded.store.add_frame(item, "", 4, type="sketch")  # a drawing without words
    sketch = seeded.store.add_frame(item, "see drawing", 0, type="sketch")
    gone = seeded.store.add_frame(other, "on a deleted item", 0)
    seeded.store.patch("item", other, {"active": False})
    notes = {n.id: n for n in seeded.endpoint.snapshot().notes}
    ids = {str(parent["id"]), str(reply["id"]), str(drawing["id"]), str(sketch["id"])}
    assert set(notes) == ids
    silent = notes[str(drawing["id"])]
    assert (silent.text, silent.frame) == ("", 5)
    assert [a.filename for a in silent.attachments] == ["sketch-frame-0005"]
    assert notes[str(parent["id"])].attachments == ()
    assert str(gone["id"]) not in notes
    first = notes[str(parent["id"])]
    assert (first.item, first.text, first.frame, first.parent) == (
        str(item),
        "Arc is off",
        12,
        None,
    )
    assert first.author == Person("bob@example.com", "Bob")
    assert first.created is not None and first.created.utcoffset() is not None
    answer = notes[str(reply["id"])]
    assert answer.parent == str(parent["id"])
    assert answer.author == Person("alice@example.com", "Alice")
    assert notes[str(sketch["id"])].frame is None  # frame 0 (stills, frameless notes): no frame


def test_created_note_is_stored_zero_based(seeded: Seeded) -> None:
    item = seeded.item("sh010")
    note = seeded.endpoint.create_note(NewNote(item=str(item), text="hi", link="n", frame=12))
    assert seeded.store.frame(int(note.id))["frame"] == 11
    assert note.frame == 12
    assert seeded.endpoint.snapshot().notes == (note,)


def test_attribution_round_trip(seeded: Seeded) -> None:
    item = str(seeded.item("sh010"))
    dana = Person("dana@studio.example", "Dana Lead")
    alice = Person("alice@example.com", "Alice")
    by_dana = seeded.endpoint.create_note(
        NewNote(item=item, text="Tighten.", link="a", author=dana)
    )
    by_alice = seeded.endpoint.create_note(NewNote(item=item, text="Mine.", link="b", author=alice))
    raw = seeded.store.frame(int(by_dana.id))["text"]
    assert raw == "[by Dana Lead <dana@studio.example>] Tighten."
    assert seeded.store.frame(int(by_alice.id))["text"] == "Mine."
    assert (by_dana.text, by_dana.author) == ("Tighten.", dana)
    edited = seeded.endpoint.update_note(by_dana.id, NoteContent("Tighten more.", 5))
    assert seeded.store.frame(int(by_dana.id))["text"].startswith("[by Dana Lead")
    assert (edited.text, edited.author, edited.frame) == ("Tighten more.", dana, 5)
    snap = {n.id: n for n in seeded.endpoint.snapshot().notes}
    assert snap[by_dana.id] == edited
    assert snap[by_alice.id] == by_alice


def test_text_that_looks_like_a_header_survives(seeded: Seeded) -> None:
    item = str(seeded.item("sh010"))
    note = seeded.endpoint.create_note(NewNote(item=item, text="[frame 3] literal", link="x"))
    assert note.text == "[frame 3] literal"
    assert seeded.endpoint.snapshot().notes[0].text == "[frame 3] literal"


def test_deleted_note_is_soft_deleted(seeded: Seeded) -> None:
    item = str(seeded.item("sh010"))
    note = seeded.endpoint.create_note(NewNote(item=item, text="drop", link="x"))
    seeded.endpoint.delete_note(note.id)
    assert seeded.store.frames[int(note.id)]["active"] is False
    assert seeded.endpoint.snapshot().notes == ()


# -- writing items -------------------------------------------------------------------------------
def test_approval_status_write(seeded: Seeded) -> None:
    item = seeded.item("sh010")
    updated = seeded.endpoint.set_status(str(item), "on_hold")
    assert updated.status == "on_hold"
    assert seeded.store.item(item)["approval_status"] == "on_hold"
    (patch,) = seeded.standin.requests.matching("PATCH", f"/api/v1/item/{item}/")
    assert patch.body == {"approval_status": "on_hold"} and patch.status == 202
    assert seeded.endpoint.snapshot().items[0] == updated


def test_sort_order(seeded: Seeded) -> None:
    ids = [str(seeded.item(name)) for name in ("sh010", "sh020", "sh030")]
    seeded.endpoint.snapshot()
    seeded.endpoint.set_order([ids[2], ids[0]])  # sh020 is unknown to the caller: it goes last
    assert [i.id for i in seeded.endpoint.snapshot().items] == [ids[2], ids[0], ids[1]]
    assert seeded.standin.requests.count("PUT", f"/api/v2/review/{seeded.review}/sort_items/") == 1


def test_create_item_without_media(seeded: Seeded) -> None:
    created = seeded.endpoint.create_item(NewItem("sh010", link="i-1", status="for_review"))
    stored = seeded.store.item(int(created.id))
    assert json.loads(stored["metadata"]) == {"syncd_link": "i-1"}
    assert (created.link, created.status, created.media) == ("i-1", "for_review", None)
    assert seeded.endpoint.snapshot().items == (created,)


def test_create_item_with_media(seeded: Seeded, tmp_path: Path) -> None:
    media = media_file(tmp_path)
    created = seeded.endpoint.create_item(
        NewItem("sh010", link="i-1", status="approved", media=media)
    )
    assert seeded.store.media_bytes(int(created.id)) == PNG_1x1
    assert (created.name, created.link, created.status) == ("sh010", "i-1", "approved")
    assert created.media is not None and created.media.filename == "sh010.png"
    assert seeded.endpoint.snapshot().items == (created,)
    assert seeded.standin.requests.count("POST", f"/items/uploadToReview/{seeded.review}/") == 1


def test_new_version_keeps_the_item_and_its_notes(seeded: Seeded, tmp_path: Path) -> None:
    first = seeded.endpoint.create_item(NewItem("sh010", link="i-1", media=media_file(tmp_path)))
    note = seeded.endpoint.create_note(NewNote(item=first.id, text="v1 note", link="n"))
    v2 = media_file(tmp_path, PNG_1x1 + b"v2", "sh010_v2.png")
    second = seeded.endpoint.set_media(first.id, v2)
    assert second.id == first.id and second.media != first.media and second.link == "i-1"
    snap = seeded.endpoint.snapshot()
    assert snap.items == (second,)
    assert [n.id for n in snap.notes] == [note.id]
    fetched = seeded.endpoint.fetch_media(second, tmp_path / "out")
    assert fetched.sha256 == v2.sha256 and fetched.path.read_bytes() == PNG_1x1 + b"v2"
    assert fetched.filename == "sh010_v2.png"
    # the next note goes on the new revision
    later = seeded.endpoint.create_note(NewNote(item=first.id, text="v2 note", link="m"))
    assert (
        seeded.store.frame(int(later.id))["revision_id"]
        == seeded.store.item(int(first.id))["revision_id"]
    )


def test_fetch_media_streams_and_hashes(seeded: Seeded, tmp_path: Path) -> None:
    data = bytes(range(256)) * 9000  # a couple of MB, more than one chunk
    created = seeded.endpoint.create_item(
        NewItem("sh010", link="i-1", media=media_file(tmp_path, data, "clip.mov"))
    )
    fetched = seeded.endpoint.fetch_media(created, tmp_path / "out")
    assert fetched.sha256 == hashlib.sha256(data).hexdigest()
    assert fetched.size == len(data) and fetched.path.read_bytes() == data
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".part-")]


def test_delete_item_is_soft(seeded: Seeded) -> None:
    keep, drop = seeded.item("sh010"), seeded.item("sh020")
    seeded.endpoint.delete_item(str(drop))
    assert seeded.store.items[drop]["active"] is False
    assert [i.id for i in seeded.endpoint.snapshot().items] == [str(keep)]


# -- the selector --------------------------------------------------------------------------------
def test_unknown_review_names_close_matches(syncsketch_standin: SyncSketchStandIn) -> None:
    store = syncsketch_standin.store
    project = store.add_project("Feature")
    store.add_review(project, "Dailies 2026-11-22")
    store.add_review(project, "Lighting")
    endpoint = open_review(syncsketch_standin, project, "Dailies 2026-11-21")
    with pytest.raises(ConfigError, match=r"did you mean 'Dailies 2026-11-22'"):
        endpoint.snapshot()


def test_review_by_id_and_wrong_project(syncsketch_standin: SyncSketchStandIn) -> None:
    store = syncsketch_standin.store
    project, other = store.add_project("Feature"), store.add_project("Other")
    review = store.add_review(project, "Dailies")["id"]
    assert open_review(syncsketch_standin, project, review).snapshot().items == ()
    with pytest.raises(ConfigError, match="another project"):
        open_review(syncsketch_standin, other, review).snapshot()
    with pytest.raises(ConfigError, match="no review with id 999"):
        open_review(syncsketch_standin, project, 999).snapshot()
    with pytest.raises(ConfigError, match="no project with id 77"):
        open_review(syncsketch_standin, 77, "Dailies").snapshot()


def test_create_true_creates_the_review(syncsketch_standin: SyncSketchStandIn) -> None:
    project = syncsketch_standin.store.add_project("Feature")
    endpoint = open_review(syncsketch_standin, project, "New one", create=True)
    endpoint.snapshot()
    names = [r["name"] for r in syncsketch_standin.store.reviews.values()]
    assert names == ["New one"]
    assert open_review(syncsketch_standin, project, "New one", create=True).review_id == (
        endpoint.review_id
    )


def test_missing_settings_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="api_key"):
        open_syncsketch_endpoint("ss", {"url": "http://x", "username": "u"}, {})


# -- failures ------------------------------------------------------------------------------------
def test_bad_api_key_is_fatal_and_not_echoed(syncsketch_standin: SyncSketchStandIn) -> None:
    project = syncsketch_standin.store.add_project("Feature")
    syncsketch_standin.store.add_review(project, "Dailies")
    endpoint = open_review(syncsketch_standin, project, api_key="s3cret-wrong")
    with pytest.raises(FatalError, match="401") as caught:
        endpoint.snapshot()
    assert "s3cret-wrong" not in str(caught.value)


def test_rate_limit_honours_retry_after(seeded: Seeded) -> None:
    seeded.item("sh010")
    seeded.endpoint.snapshot()
    slept: list[float] = []
    seeded.endpoint.api.http.sleep = slept.append
    seeded.standin.faults.set(retry_after=3)
    seeded.standin.faults.fail_next(1, "rate_limit", path_prefix="/api/v1/frame/")
    assert len(seeded.endpoint.snapshot().items) == 1
    assert len(slept) == 1 and slept[0] >= 3


def test_server_errors_are_retried(seeded: Seeded) -> None:
    seeded.item("sh010")
    seeded.endpoint.snapshot()
    seeded.standin.requests.reset()
    seeded.standin.faults.fail_next(2, "error", status=503, path_prefix="/api/v1/item/")
    assert len(seeded.endpoint.snapshot().items) == 1
    assert seeded.standin.requests.count("GET", "/api/v1/item/") == 3


def test_non_json_errors_are_errors_not_empty(seeded: Seeded) -> None:
    seeded.item("sh010")
    seeded.endpoint.snapshot()
    seeded.standin.faults.set(non_json_errors=True)
    seeded.standin.faults.fail_next(10, "error", status=502, path_prefix="/api/v1/frame/")
    with pytest.raises(RetriableError, match=r"HTTP 502.*gave up"):
        seeded.endpoint.snapshot()


def test_dropped_connection_is_retried(seeded: Seeded) -> None:
    seeded.item("sh010")
    seeded.endpoint.snapshot()
    seeded.standin.faults.fail_next(1, "drop", path_prefix="/api/v1/item/")
    assert len(seeded.endpoint.snapshot().items) == 1


def test_lost_answer_to_a_comment_does_not_post_it_twice(seeded: Seeded) -> None:
    item = str(seeded.item("sh010"))
    seeded.endpoint.snapshot()
    seeded.standin.faults.fail_next(
        1, after_commit=True, method="POST", path_prefix="/api/v1/frame/"
    )
    note = seeded.endpoint.create_note(NewNote(item=item, text="once", link="n", frame=2))
    assert seeded.endpoint.snapshot().notes == (note,)


def test_lost_answer_to_an_item_does_not_create_it_twice(seeded: Seeded) -> None:
    seeded.endpoint.snapshot()
    seeded.standin.faults.fail_next(
        1, after_commit=True, method="POST", path_prefix="/api/v1/item/"
    )
    created = seeded.endpoint.create_item(NewItem("sh010", link="i-1"))
    assert seeded.endpoint.snapshot().items == (created,)


def test_upload_whose_answer_is_lost_leaves_one_item(seeded: Seeded, tmp_path: Path) -> None:
    seeded.endpoint.snapshot()
    seeded.standin.faults.fail_next(1, after_commit=True, path_prefix="/items/uploadToReview/")
    created = seeded.endpoint.create_item(NewItem("sh010", link="i-1", media=media_file(tmp_path)))
    assert seeded.endpoint.snapshot().items == (created,)


def test_failed_upload_leaves_no_item(seeded: Seeded, tmp_path: Path) -> None:
    seeded.endpoint.snapshot()
    seeded.standin.faults.fail_next(10, after_commit=True, path_prefix="/items/uploadToReview/")
    with pytest.raises(RetriableError):
        seeded.endpoint.create_item(NewItem("sh010", link="i-1", media=media_file(tmp_path)))
    assert seeded.endpoint.snapshot().items == ()
    assert seeded.store.review_items(seeded.review) == []


def test_failed_link_write_after_upload_leaves_no_item(seeded: Seeded, tmp_path: Path) -> None:
    seeded.endpoint.snapshot()
    seeded.standin.faults.fail_next(1, method="PATCH", status=400, path_prefix="/api/v1/item/")
    with pytest.raises(SkippableError, match="400"):
        seeded.endpoint.create_item(NewItem("sh010", link="i-1", media=media_file(tmp_path)))
    assert seeded.endpoint.snapshot().items == ()


def test_opened_by_type_name(syncsketch_standin: SyncSketchStandIn) -> None:
    project = syncsketch_standin.store.add_project("Feature")
    syncsketch_standin.store.add_review(project, "Dailies")
    system = {"url": syncsketch_standin.url, "username": "alice", "api_key": "alice-key"}
    endpoint = open_endpoint(
        "syncsketch", "ss", system, {"project_id": project, "review": "Dailies"}
    )
    assert endpoint.check() == "review 'Dailies' (id 1) as alice"
    assert endpoint.capabilities.stores_links and not endpoint.capabilities.has_cursor
    endpoint.close()
