"""The Kitsu connector against a real Zou: how Kitsu's objects read and how writes land."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from syncd.connectors.kitsu import open_endpoint as open_kitsu_endpoint
from syncd.core.model import LocalMedia, NewItem, NewNote, NoteContent, Person
from syncd.errors import ConfigError, FatalError, SkippableError, SyncdError
from tests.kitsu.builders import ZouRest, build_review, make_mp4, make_png
from tests.kitsu.helpers import KitsuSide, connect, make_person, same_item, selector, system

pytestmark = pytest.mark.zou

ALICE = Person(email="alice@studio.example", name="Alice Smith")


@pytest.fixture
def rest(gazu_client) -> ZouRest:
    return ZouRest(gazu_client)


@pytest.fixture
def side(zou, gazu_client, rest) -> KitsuSide:
    return KitsuSide(zou, rest, build_review(gazu_client, shots=3, comments_per_shot=2))


def local_media(tmp_path: Path, name: str, data: bytes) -> LocalMedia:
    path = tmp_path / name
    path.write_bytes(data)
    return LocalMedia(path, hashlib.sha256(data).hexdigest(), name, len(data))


# -- reading ---------------------------------------------------------------------------------------
def test_snapshot_is_the_playlist_in_order_with_notes_statuses_and_previews(side, zou) -> None:
    review = side.review
    snap = side.endpoint.snapshot()
    assert [i.id for i in snap.items] == review.shot_ids
    assert [i.name for i in snap.items] == review.shot_names
    assert {i.status for i in snap.items} == {"wfa"}
    for item, shot_id in zip(snap.items, review.shot_ids, strict=True):
        assert item.media is not None
        assert item.media.token == review.preview_file_ids[shot_id][-1]
        assert item.media.filename == f"{item.name}.png"
        assert item.modified is not None and item.modified.tzinfo is not None
    texts = {(n.item, n.text) for n in snap.notes}
    for shot_id, name in zip(review.shot_ids, review.shot_names, strict=True):
        for text in (f"{name}: note 1", f"{name}: note 2", f"{name}: png for review"):
            assert (shot_id, text) in texts
    admin = Person(email=zou.admin_email, name="Super Admin")
    assert all(n.author == admin and n.parent is None for n in snap.notes)
    assert all(n.created is not None and n.created.utcoffset() is not None for n in snap.notes)
    assert snap.cursor and set(snap.extra) >= {"tasks", "persons", "statuses"}


def test_status_only_comments_are_not_notes_and_header_carries_author_and_frame(side) -> None:
    side.set_status("SH0010", "retake")
    side.comment("SH0010", "[by Alice Smith <alice@studio.example>; frame 12] Tighten the arc")
    snap = side.endpoint.snapshot()
    first = snap.items[0]
    assert first.status == "retake"
    notes = [n for n in snap.notes if n.item == first.id]
    assert len(notes) == 4  # the empty status comment is no note
    note = next(n for n in notes if n.text == "Tighten the arc")
    assert note.author == ALICE and note.frame == 12


def test_replies_are_notes_whose_parent_is_the_comment(side, zou, rest) -> None:
    artist = make_person(zou, rest, role="supervisor", project_id=side.review.project_id)
    comment_id = side.review.comment_ids[side.task_of("SH0020")][0]
    reply = artist.rest.post(
        f"data/tasks/{side.task_of('SH0020')}/comments/{comment_id}/reply", {"text": "on it"}
    )
    snap = side.endpoint.snapshot()
    note = next(n for n in snap.notes if n.id == reply["id"])
    assert note.parent == comment_id and note.text == "on it"
    assert note.author == Person(email=artist.email, name=f"Artist {artist.email[7:13]}")
    ids = [n.id for n in snap.notes]
    assert ids.index(comment_id) < ids.index(reply["id"])


# -- notes -----------------------------------------------------------------------------------------
def test_create_note_returns_what_the_next_snapshot_reads(side) -> None:
    ep = side.endpoint
    item = ep.snapshot().items[1]
    made = ep.create_note(
        NewNote(item=item.id, text="Softer key", link="l1", author=ALICE, frame=7)
    )
    mine = ep.create_note(NewNote(item=item.id, text="plain", link="l2"))
    again = {n.id: n for n in connect(side.zou, side.review).snapshot().notes}
    assert again[made.id] == made and made.author == ALICE and made.frame == 7
    assert again[mine.id] == mine and mine.author is not None
    assert mine.author.email == side.zou.admin_email
    # (a reply touches its comment's updated_at, hence the order of these checks)
    reply = ep.create_note(NewNote(item=item.id, text="agreed", link="l3", parent=made.id))
    again = {n.id: n for n in connect(side.zou, side.review).snapshot().notes}
    assert again[reply.id] == reply and reply.parent == made.id
    raw = next(c for c in side.comments("SH0020") if c["id"] == made.id)
    assert raw["text"] == "[by Alice Smith <alice@studio.example>; frame 7] Softer key"
    assert [c["text"] for c in side.comments("SH0020")].count("plain") == 1
    statuses = {c["task_status_id"] for c in side.comments("SH0020")}
    assert statuses == {side.review.status_id("wfa")}  # notes keep the task's status


def test_update_and_delete_comments_and_replies(side) -> None:
    ep = side.endpoint
    item = ep.snapshot().items[0]
    top = ep.create_note(NewNote(item=item.id, text="v1", link="a", author=ALICE, frame=3))
    reply = ep.create_note(NewNote(item=item.id, text="r1", link="b", parent=top.id, author=ALICE))
    other = ep.create_note(NewNote(item=item.id, text="r2", link="c", parent=top.id))
    edited_reply = ep.update_note(reply.id, NoteContent("r1 edited", None))
    # last: editing a reply touches its comment too
    edited = ep.update_note(top.id, NoteContent("v2", 4))
    notes = {n.id: n for n in connect(side.zou, side.review).snapshot().notes}
    assert notes[top.id] == edited and edited.text == "v2" and edited.frame == 4
    assert edited.author == ALICE  # the attribution survives an edit
    assert notes[reply.id] == edited_reply and edited_reply.text == "r1 edited"
    assert notes[other.id].text == "r2"
    ep.snapshot()
    ep.delete_note(other.id)
    assert other.id not in {n.id for n in connect(side.zou, side.review).snapshot().notes}
    ep.delete_note(top.id)
    left = {n.id for n in connect(side.zou, side.review).snapshot().notes}
    assert top.id not in left and reply.id not in left


# -- statuses, order, items ------------------------------------------------------------------------
def test_set_status_posts_an_empty_comment_and_never_duplicates_note_text(side) -> None:
    ep = side.endpoint
    item = ep.snapshot().items[2]
    before = side.note_texts("SH0030")
    updated = ep.set_status(item.id, "done")
    assert updated.status == "done"
    assert same_item(connect(side.zou, side.review).snapshot().items[2], updated)
    assert side.note_texts("SH0030") == before
    newest = side.comments("SH0030")[0]
    assert newest["text"] == "" and newest["task_status_id"] == side.review.status_id("done")
    with pytest.raises(SkippableError, match="wfa"):
        ep.set_status(item.id, "no-such-status")


def test_set_order_and_delete_item(side) -> None:
    ep = side.endpoint
    ids = [i.id for i in ep.snapshot().items]
    ep.set_order([ids[2], ids[0], ids[1]])
    assert [e["entity_id"] for e in side.playlist()] == [ids[2], ids[0], ids[1]]
    ep.delete_item(ids[0])
    snap = connect(side.zou, side.review).snapshot()
    assert [i.id for i in snap.items] == [ids[2], ids[1]]
    assert all(n.item != ids[0] for n in snap.notes)


def test_create_item_adds_an_existing_shot_and_refuses_unknown_ones(side, tmp_path) -> None:
    ep = side.endpoint
    ids = [i.id for i in ep.snapshot().items]
    ep.delete_item(ids[1])
    media = local_media(tmp_path, "fresh.png", make_png(color=(1, 2, 3)))
    item = ep.create_item(NewItem(name="sh0020", link="x", status="retake", media=media))
    assert item.id == ids[1] and item.name == "SH0020" and item.status == "retake"
    assert item.media is not None and item.media.filename == "fresh.png"
    snap = connect(side.zou, side.review).snapshot()
    assert same_item(snap.items[-1], item)
    with pytest.raises(SkippableError, match="does not exist in the Kitsu project"):
        ep.create_item(NewItem(name="SH9999", link="y"))


# -- media -----------------------------------------------------------------------------------------
def test_png_upload_and_download_round_trip(side, tmp_path) -> None:
    ep = side.endpoint
    item = ep.snapshot().items[0]
    data = make_png(32, 16, color=(200, 10, 10))
    updated = ep.set_media(item.id, local_media(tmp_path, "new look.png", data))
    assert updated.media is not None and updated.media.filename == "new look.png"
    assert side.playlist()[0]["preview_file_id"] == updated.media.token
    assert same_item(connect(side.zou, side.review).snapshot().items[0], updated)
    dest = tmp_path / "down"
    dest.mkdir()
    got = ep.fetch_media(updated, dest)
    body = got.path.read_bytes()  # Zou re-saves picture originals: same image, other bytes
    assert body.startswith(b"\x89PNG") and got.size == len(body) and got.path.parent == dest
    assert got.sha256 == hashlib.sha256(body).hexdigest() and got.filename == "new look.png"
    assert [p for p in dest.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.slow
def test_movie_upload_and_download(side, tmp_path) -> None:
    ep = side.endpoint
    item = ep.snapshot().items[1]
    movie = make_mp4(tmp_path / "cut.mp4")
    data = movie.read_bytes()
    updated = ep.set_media(item.id, local_media(tmp_path, "cut.mp4", data))
    assert updated.media is not None and updated.media.filename == "cut.mp4"
    dest = tmp_path / "down"
    dest.mkdir()
    got = ep.fetch_media(updated, dest)
    assert got.size > 0 and got.sha256 == hashlib.sha256(got.path.read_bytes()).hexdigest()


# -- configuration and errors ----------------------------------------------------------------------
def test_unknown_names_offer_close_matches(zou, side) -> None:
    wrong = {**selector(side.review), "playlist": side.review.playlist_name[:-2]}
    with pytest.raises(ConfigError, match="did you mean") as err:
        open_kitsu_endpoint("kitsu", system(zou), wrong).snapshot()
    assert side.review.project_name in str(err.value)
    wrong = {**selector(side.review), "project": side.review.project_name.upper() + "X"}
    with pytest.raises(ConfigError, match="no project"):
        open_kitsu_endpoint("kitsu", system(zou), wrong).snapshot()
    wrong = {**selector(side.review), "task_type": "Animaton"}
    with pytest.raises(ConfigError, match="'Animation'"):
        open_kitsu_endpoint("kitsu", system(zou), wrong).snapshot()


def test_selector_by_id_and_kitsu_url_with_api_suffix(zou, side) -> None:
    review = side.review
    by_id = {"project": review.project_id, "playlist": review.playlist_id, "task_type": "animation"}
    ep = open_kitsu_endpoint("kitsu", system(zou, url=f"{zou.url}/api"), by_id)
    assert [i.name for i in ep.snapshot().items] == review.shot_names


def test_bad_password_is_a_fatal_error_without_the_secret(zou, side) -> None:
    ep = connect(zou, side.review, password="not-the-password")
    with pytest.raises(FatalError, match="login refused") as err:
        ep.snapshot()
    assert "not-the-password" not in str(err.value)
    assert "not-the-password" not in repr(ep.api.credentials)


def test_wrong_url_is_a_clear_error(zou, side) -> None:
    with pytest.raises(FatalError, match="no Kitsu API found"):
        connect(zou, side.review, url=f"{zou.url}/nothing/here").snapshot()
    with pytest.raises(SyncdError, match="cannot connect"):
        connect(zou, side.review, url="http://127.0.0.1:9", retry={"attempts": 1}).snapshot()
    with pytest.raises(ConfigError):
        open_kitsu_endpoint("kitsu", system(zou, url="kitsu.example"), selector(side.review))


def test_event_log_without_manager_rights_says_what_to_do(zou, side, rest) -> None:
    artist = make_person(zou, rest, role="user", project_id=side.review.project_id)
    ep = connect(zou, side.review, email=artist.email, password=artist.password)
    with pytest.raises(FatalError, match="manager rights") as err:
        ep.snapshot()
    assert "event_log: false" in str(err.value)
    plain = connect(zou, side.review, email=artist.email, password=artist.password, event_log=False)
    assert not plain.capabilities.has_cursor
    assert [i.name for i in plain.snapshot().items] == side.review.shot_names


def test_expired_token_is_refreshed_not_relogged_per_request(zou, side) -> None:
    ep = side.endpoint
    snap = ep.snapshot()
    ep.api._access = "expired.token.value"
    logins_before = ep.request_count()
    again = ep.snapshot(snap)
    assert again.items == snap.items
    # one refused call, one refresh, the retried call: never a login per request
    assert ep.request_count() - logins_before == 3
