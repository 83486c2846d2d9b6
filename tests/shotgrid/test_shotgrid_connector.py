"""The ShotGrid connector: translation on Mockgun, everything end to end on the HTTP stand-in.

Mockgun checks how rows become canonical objects and back. It never bumps timestamps, writes no
event log and mishandles some filters, so nothing incremental, timed or HTTP-shaped is tested on
it: that all runs through the real ``shotgun_api3`` client against the stand-in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from shotgun_api3.lib import mockgun
from syncd_standins.shotgrid import ShotGridStandIn

from syncd.connectors import notetext, open_endpoint
from syncd.connectors.base import Endpoint
from syncd.connectors.shotgrid.endpoint import ShotGridEndpoint
from syncd.core.model import LocalMedia, NewItem, NewNote, NoteContent, Person, Snapshot
from syncd.errors import ConfigError, FatalError, RetriableError, SkippableError
from tests.connectors.contract import EndpointContract, PNG_1x1
from tests.shotgrid.conftest import KEY, SCRIPT
from tests.shotgrid.mockgun_schema import mockgun_site

# ---------------------------------------------------------------------------------------------
# Mockgun: translation


class MockSite:
    """A Mockgun project with a playlist of three Versions, seeded as a studio would have it."""

    def __init__(self, tmp: Path, status_field: str = "sg_status_list") -> None:
        self.sg = mockgun_site(tmp / "schema", status_field)
        self.project = self.sg.create("Project", {"name": "Demo"})
        self.playlist = self.sg.create("Playlist", {"code": "Dailies", "project": self.project})
        self.shot = self.sg.create("Shot", {"code": "sh010", "project": self.project})
        self.task = self.sg.create("Task", {"content": "anim", "entity": self.shot})
        self.alice = self.sg.create(
            "HumanUser", {"login": "alice", "email": "alice@studio.example", "name": "Alice"}
        )
        self.versions = [
            self.sg.create(
                "Version",
                {"code": f"sh010_v{n}", "project": self.project, status_field: "rev"},
            )
            for n in (1, 2, 3)
        ]
        self.sg.update("Version", self.versions[0]["id"], {"sg_task": self.task})
        # Sort orders out of creation order; the third shares the second's and sorts by id.
        for version, order in zip(self.versions, (2.0, 1.0, 2.0), strict=True):
            self.connect(version, order)

    def connect(self, version: dict[str, Any], order: float) -> dict[str, Any]:
        return self.sg.create(
            "PlaylistVersionConnection",
            {"playlist": self.playlist, "version": version, "sg_sort_order": order},
        )

    def endpoint(self, **system: Any) -> ShotGridEndpoint:
        selector = {"project_id": self.project["id"], "playlist": "Dailies"}
        return ShotGridEndpoint("sg", system, selector, client=self.sg)


@pytest.fixture
def site(tmp_path: Path) -> MockSite:
    return MockSite(tmp_path)


def test_items_follow_sort_order_then_id(site: MockSite) -> None:
    snap = site.endpoint().snapshot()
    v1, v2, v3 = (str(v["id"]) for v in site.versions)
    assert [i.id for i in snap.items] == [v2, v1, v3]
    assert [i.name for i in snap.items] == ["sh010_v2", "sh010_v1", "sh010_v3"]
    assert {i.status for i in snap.items} == {"rev"}


def test_uploaded_movie_becomes_a_media_ref(site: MockSite) -> None:
    movie = {"type": "Attachment", "id": 41, "name": "v1.mov", "link_type": "upload"}
    site.sg.update("Version", site.versions[0]["id"], {"sg_uploaded_movie": movie})
    items = {i.name: i for i in site.endpoint().snapshot().items}
    assert items["sh010_v1"].media is not None
    assert (items["sh010_v1"].media.token, items["sh010_v1"].media.filename) == ("41", "v1.mov")
    assert items["sh010_v2"].media is None


def test_notes_authors_frames_and_replies(site: MockSite) -> None:
    v1 = site.versions[0]
    by_alice = site.sg.create(
        "Note", {"content": "Smoother arc", "note_links": [v1], "user": site.alice}
    )
    attributed = site.sg.create(
        "Note",
        {
            "content": notetext.render("Too dark", author=Person("bo@x.example", "Bo"), frame=12),
            "note_links": [v1],
        },
    )
    site.sg.create("Reply", {"entity": by_alice, "content": "[frame 4] Agreed"})
    notes = {n.text: n for n in site.endpoint().snapshot().notes}
    assert notes["Smoother arc"].author == Person("alice@studio.example", "Alice")
    assert notes["Smoother arc"].id == f"Note:{by_alice['id']}"
    assert (notes["Too dark"].author, notes["Too dark"].frame) == (Person("bo@x.example", "Bo"), 12)
    assert notes["Too dark"].id == f"Note:{attributed['id']}"
    reply = notes["Agreed"]
    assert (reply.parent, reply.frame, reply.item) == (f"Note:{by_alice['id']}", 4, str(v1["id"]))
    assert reply.id.startswith("Reply:")


def test_notes_outside_the_playlist_are_left_out(site: MockSite) -> None:
    stray = site.sg.create("Version", {"code": "other", "project": site.project})
    site.sg.create("Note", {"content": "elsewhere", "note_links": [stray]})
    # A note on the Playlist whose id equals a Version's id must not land on that Version.
    assert site.playlist["id"] == site.versions[0]["id"]
    site.sg.create("Note", {"content": "about the playlist", "note_links": [site.playlist]})
    assert site.endpoint().snapshot().notes == ()


def test_created_note_links_version_playlist_and_task(site: MockSite) -> None:
    endpoint = site.endpoint()
    v1 = str(site.versions[0]["id"])
    note = endpoint.create_note(
        NewNote(item=v1, text="Hold the pose two more frames please", link="L1", frame=7)
    )
    row = site.sg.find_one(
        "Note",
        [["id", "is", int(note.id.split(":")[1])]],
        ["subject", "content", "note_links", "tasks", "project", "user"],
    )
    links = {(lk["type"], lk["id"]) for lk in row["note_links"]}
    assert links == {("Version", int(v1)), ("Playlist", site.playlist["id"])}
    assert [t["id"] for t in row["tasks"]] == [site.task["id"]]
    assert row["project"]["id"] == site.project["id"]
    assert row["subject"] == "sh010_v1: Hold the pose two more frames please"
    assert row["content"] == "[frame 7] Hold the pose two more frames please"
    assert row["user"] is None


def test_author_with_a_human_user_is_that_user_otherwise_attributed(site: MockSite) -> None:
    endpoint = site.endpoint()
    v2 = str(site.versions[1]["id"])
    alice = Person("Alice@Studio.example", "Alice Liddell")
    bob = Person("bob@freelance.example", "Bob")
    by_alice = endpoint.create_note(NewNote(item=v2, text="one", link="L1", author=alice))
    by_bob = endpoint.create_note(NewNote(item=v2, text="two", link="L2", author=bob))
    rows = {
        r["id"]: r for r in site.sg.find("Note", [], ["content", "user"])
    }  # Mockgun: no filter needed
    alice_row = rows[int(by_alice.id.split(":")[1])]
    assert alice_row["user"]["id"] == site.alice["id"] and alice_row["content"] == "one"
    bob_row = rows[int(by_bob.id.split(":")[1])]
    assert bob_row["user"] is None
    assert bob_row["content"] == "[by Bob <bob@freelance.example>] two"
    # What create_note returned is what a snapshot shows, to the field.
    snap = {n.id: n for n in endpoint.snapshot().notes}
    assert snap[by_alice.id] == by_alice and snap[by_bob.id] == by_bob
    assert by_alice.author == Person("alice@studio.example", "Alice")


def test_reply_to_a_reply_answers_the_thread(site: MockSite) -> None:
    endpoint = site.endpoint()
    v1 = str(site.versions[0]["id"])
    note = endpoint.create_note(NewNote(item=v1, text="q", link="L1"))
    first = endpoint.create_note(NewNote(item=v1, text="a1", link="L2", parent=note.id))
    second = endpoint.create_note(NewNote(item=v1, text="a2", link="L3", parent=first.id))
    assert second.parent == note.id
    snap = {n.id: n for n in endpoint.snapshot().notes}
    assert snap[first.id] == first and snap[second.id] == second


def test_order_is_written_as_floats_in_one_batch(site: MockSite) -> None:
    endpoint = site.endpoint()
    ids = [i.id for i in endpoint.snapshot().items]
    calls: list[str] = []
    batch = site.sg.batch

    def spy(requests: list[dict[str, Any]]) -> list[Any]:
        calls.append("batch")
        assert all(isinstance(r["data"]["sg_sort_order"], float) for r in requests)
        return batch(requests)

    site.sg.batch = spy  # type: ignore[method-assign]
    endpoint.set_order(list(reversed(ids)))
    assert calls == ["batch"]
    assert [i.id for i in endpoint.snapshot().items] == list(reversed(ids))
    endpoint.set_order(list(reversed(ids)))  # already in order: nothing written
    assert calls == ["batch"]


def test_delete_item_removes_the_connection_not_the_version(site: MockSite) -> None:
    endpoint = site.endpoint()
    doomed = str(site.versions[2]["id"])
    endpoint.delete_item(doomed)
    assert doomed not in [i.id for i in endpoint.snapshot().items]
    assert site.sg.find_one("Version", [["id", "is", int(doomed)]], ["code"]) is not None


def test_studio_status_field_name(tmp_path: Path) -> None:
    site = MockSite(tmp_path, status_field="sg_review_status")
    endpoint = site.endpoint(fields={"status": "sg_review_status"})
    item = endpoint.snapshot().items[0]
    assert item.status == "rev"
    assert endpoint.set_status(item.id, "apr").status == "apr"
    row = site.sg.find_one("Version", [["id", "is", int(item.id)]], ["sg_review_status"])
    assert row["sg_review_status"] == "apr"


def test_unknown_playlist_names_close_matches(site: MockSite) -> None:
    selector = {"project_id": site.project["id"], "playlist": "Dailes"}
    endpoint = ShotGridEndpoint("sg", {}, selector, client=site.sg)
    with pytest.raises(ConfigError, match=r"no Playlist 'Dailes'.*did you mean 'Dailies'"):
        endpoint.snapshot()
    created = ShotGridEndpoint("sg", {}, {**selector, "create": True}, client=site.sg)
    assert created.snapshot().items == ()
    assert site.sg.find_one("Playlist", [["code", "is", "Dailes"]], ["code"]) is not None


def test_dry_run_does_not_create_the_playlist(site: MockSite) -> None:
    selector = {"project_id": site.project["id"], "playlist": "Tomorrow", "create": True}
    endpoint = ShotGridEndpoint("sg", {}, selector, client=site.sg)
    endpoint.dry_run = True
    assert endpoint.snapshot() == Snapshot()
    assert site.sg.find("Playlist", [["code", "is", "Tomorrow"]]) == []


def test_a_cached_snapshot_of_another_playlist_is_not_built_upon(site: MockSite) -> None:
    dailies = site.endpoint().snapshot()
    site.sg.create("Playlist", {"code": "Finals", "project": site.project})
    selector = {"project_id": site.project["id"], "playlist": "Finals"}
    finals = ShotGridEndpoint("sg", {}, selector, client=site.sg)
    assert finals.snapshot(dailies).items == ()


def test_playlist_by_id_and_bad_selectors(site: MockSite) -> None:
    selector = {"project_id": site.project["id"], "playlist": site.playlist["id"]}
    assert len(ShotGridEndpoint("sg", {}, selector, client=site.sg).snapshot().items) == 3
    with pytest.raises(ConfigError, match="project_id"):
        ShotGridEndpoint("sg", {}, {"playlist": "Dailies"}, client=site.sg)
    with pytest.raises(ConfigError, match=r"fields: unknown option 'colour'"):
        ShotGridEndpoint("sg", {"fields": {"colour": "x"}}, selector, client=site.sg)
    with pytest.raises(ConfigError, match="script_name and api_key"):
        ShotGridEndpoint("sg", {"url": "https://x.example"}, selector)


def test_mockgun_refuses_uploads_and_no_version_is_left(site: MockSite, tmp_path: Path) -> None:
    """Mockgun's ``upload`` raises; the created Version must be cleaned away."""
    path = tmp_path / "clip.mov"
    path.write_bytes(b"movie")
    media = LocalMedia(path, hashlib.sha256(b"movie").hexdigest(), "clip.mov", 5)
    endpoint = site.endpoint()
    with pytest.raises(SkippableError, match="upload failed"):
        endpoint.create_item(NewItem(name="sh020_v1", link="x", media=media))
    assert site.sg.find("Version", [["code", "is", "sh020_v1"]], ["code"]) == []
    assert isinstance(site.sg, mockgun.Shotgun)


# ---------------------------------------------------------------------------------------------
# The HTTP stand-in with the real client: end to end


def system(standin: ShotGridStandIn, **extra: Any) -> dict[str, Any]:
    return {
        "url": standin.url,
        "script_name": SCRIPT,
        "api_key": KEY,
        "retry": {"attempts": 3, "backoff": 0.01},
        **extra,
    }


class Site:
    """A stand-in project with a playlist of Versions, and the endpoint syncd would open."""

    def __init__(self, standin: ShotGridStandIn, versions: int = 3) -> None:
        self.standin = standin
        store = standin.store
        self.store = store
        self.project = store.create("Project", {"name": "Demo"})
        self.playlist = store.create("Playlist", {"code": "Dailies", "project": self.project})
        self.alice = store.find_one("HumanUser", [["login", "is", "alice"]], ["email", "name"])
        self.versions = [
            store.create(
                "Version",
                {"code": f"sh010_v{n}", "project": self.project, "sg_status_list": "rev"},
            )
            for n in range(1, versions + 1)
        ]
        for n, version in enumerate(self.versions, 1):
            store.create(
                "PlaylistVersionConnection",
                {"playlist": self.playlist, "version": version, "sg_sort_order": float(n)},
            )

    def endpoint(self, clock: Any = None, **extra: Any) -> ShotGridEndpoint:
        selector = {"project_id": self.project["id"], "playlist": "Dailies"}
        options = {"clock": clock} if clock else {}
        return ShotGridEndpoint("sg", system(self.standin, **extra), selector, **options)

    def calls(self, endpoint: Endpoint, action: Any) -> tuple[Any, int, int]:
        """(result, connector-counted requests, server-seen requests) of one action."""
        ours, theirs = endpoint.request_count(), self.standin.count()
        result = action()
        return result, endpoint.request_count() - ours, self.standin.count() - theirs


@pytest.fixture
def live(shotgrid_standin: ShotGridStandIn) -> Site:
    return Site(shotgrid_standin)


class TestShotGridContract(EndpointContract):
    statuses = ("rev", "apr")

    @pytest.fixture
    def endpoint(self, shotgrid_standin: ShotGridStandIn, tmp_path: Path) -> Iterator[Endpoint]:
        site = Site(shotgrid_standin, versions=0)
        yield site.endpoint()


def test_opened_from_configuration(live: Site) -> None:
    selector = {"project_id": live.project["id"], "playlist": "Dailies"}
    endpoint = open_endpoint("shotgrid", "sg", system(live.standin), selector)
    assert endpoint.capabilities.has_cursor
    assert [i.name for i in endpoint.snapshot().items] == ["sh010_v1", "sh010_v2", "sh010_v3"]


def test_incremental_no_op_costs_one_request(live: Site) -> None:
    endpoint = live.endpoint()
    snap = endpoint.snapshot()
    for _ in range(3):
        again, ours, theirs = live.calls(endpoint, lambda s=snap: endpoint.snapshot(s))
        assert (ours, theirs) == (1, 1)
        assert again == snap and again.extra == snap.extra
        snap = again


def test_incremental_follows_what_people_do(live: Site) -> None:
    store = live.store
    endpoint = live.endpoint()
    base = endpoint.snapshot()
    v1, v2, v3 = live.versions
    note = store.create(
        "Note", {"project": live.project, "content": "fix it", "note_links": [v1]}, user=live.alice
    )
    store.create("Reply", {"entity": note, "content": "on it"}, user=live.alice)
    store.update("Version", v2["id"], {"sg_status_list": "apr"})
    conns = store.find("PlaylistVersionConnection", [["version", "is", v3]])
    store.update("PlaylistVersionConnection", conns[0]["id"], {"sg_sort_order": 0.5})
    stray = store.create("Version", {"code": "outsider", "project": live.project})
    store.update("Version", stray["id"], {"sg_status_list": "apr"})

    step = endpoint.snapshot(base)
    assert step == endpoint.snapshot(None)
    assert [i.id for i in step.items] == [str(v3["id"]), str(v1["id"]), str(v2["id"])]
    assert {n.text for n in step.notes} == {"fix it", "on it"}

    store.delete("Note", note["id"])  # retires the replies too; events carry no entity link
    store.delete("PlaylistVersionConnection", conns[0]["id"])
    after = endpoint.snapshot(step)
    assert after == endpoint.snapshot(None)
    assert after.notes == () and len(after.items) == 2


def test_late_event_is_applied_from_the_backlog(live: Site) -> None:
    store = live.store
    endpoint = live.endpoint()
    note = store.create(
        "Note", {"project": live.project, "content": "draft", "note_links": [live.versions[0]]}
    )
    base = endpoint.snapshot()
    store.hold_events(1)  # a long transaction: its event id shows up late
    store.update("Note", note["id"], {"content": "final"})
    store.update("Version", live.versions[1]["id"], {"sg_status_list": "apr"})

    early = endpoint.snapshot(base)
    assert [n.text for n in early.notes] == ["draft"]  # not seen yet, but not forgotten
    assert early.extra["backlog"] != "{}"
    assert early.items[1].status == "apr"

    store.release_events()
    late = endpoint.snapshot(early)
    assert [n.text for n in late.notes] == ["final"]
    assert late.extra["backlog"] == "{}"
    assert late == endpoint.snapshot(None)


def test_missing_event_is_given_up_after_the_window(live: Site) -> None:
    now = [1000.0]
    endpoint = live.endpoint(clock=lambda: now[0], backlog_seconds=300)
    base = endpoint.snapshot()
    live.store.hold_events(1)
    live.store.update("Version", live.versions[0]["id"], {"sg_status_list": "apr"})
    live.store.update("Version", live.versions[1]["id"], {"sg_status_list": "apr"})
    waiting = endpoint.snapshot(base)
    assert waiting.extra["backlog"] != "{}"
    now[0] += 299
    assert endpoint.snapshot(waiting).extra["backlog"] != "{}"
    now[0] += 2
    assert endpoint.snapshot(waiting).extra["backlog"] == "{}"


def test_attribution_round_trip_through_the_wire(live: Site) -> None:
    endpoint = live.endpoint()
    item = str(live.versions[0]["id"])
    alice = Person(live.alice["email"], "Alice from Kitsu")
    mine = endpoint.create_note(NewNote(item=item, text="A", link="1", author=alice, frame=3))
    guest = Person("guest@vendor.example", "Guest [vendor]")
    theirs = endpoint.create_note(NewNote(item=item, text="B", link="2", author=guest))
    reply = endpoint.create_note(
        NewNote(item=item, text="C", link="3", author=guest, parent=mine.id, frame=9)
    )
    rows = {r["id"]: r for r in live.store.find("Note", [], ["content", "user", "created_by"])}
    assert rows[int(mine.id.split(":")[1])]["user"]["id"] == live.alice["id"]
    assert rows[int(theirs.id.split(":")[1])]["created_by"]["type"] == "ApiUser"
    assert mine.author == Person(live.alice["email"], live.alice["name"])
    assert theirs.author == Person("guest@vendor.example", "Guest vendor")
    full = {n.id: n for n in endpoint.snapshot().notes}
    assert full[mine.id] == mine and full[theirs.id] == theirs and full[reply.id] == reply
    edited = endpoint.update_note(theirs.id, NoteContent("B, edited", 5))
    assert (edited.text, edited.frame, edited.author) == ("B, edited", 5, theirs.author)
    assert {n.id: n for n in endpoint.snapshot().notes}[theirs.id] == edited


def test_created_item_with_media_and_download(live: Site, tmp_path: Path) -> None:
    endpoint = live.endpoint()
    data = b"\x00movie bytes" * 1000
    path = tmp_path / "sh020.mov"
    path.write_bytes(data)
    media = LocalMedia(path, hashlib.sha256(data).hexdigest(), "sh020.mov", len(data))
    item = endpoint.create_item(NewItem(name="sh020_v1", link="x", status="rev", media=media))
    snap = endpoint.snapshot()
    assert snap.items[-1] == item and item.media is not None
    out = tmp_path / "out"
    out.mkdir()
    fetched = endpoint.fetch_media(item, out)
    assert (fetched.sha256, fetched.size, fetched.filename) == (
        media.sha256,
        len(data),
        "sh020.mov",
    )


UPLOAD_PATHS = [
    pytest.param(True, "storage", id="direct-to-storage"),
    pytest.param(False, "upload_file", id="multipart-form"),
]


def _png(tmp_path: Path) -> LocalMedia:
    path = tmp_path / "frame.png"
    path.write_bytes(PNG_1x1)
    return LocalMedia(path, hashlib.sha256(PNG_1x1).hexdigest(), "frame.png", len(PNG_1x1))


def _attachments(live: Site, version_id: int) -> list[int]:
    link = {"type": "Version", "id": version_id}
    return [a["id"] for a in live.store.find("Attachment", [["attachment_links", "is", link]])]


@pytest.mark.parametrize(("direct", "step"), UPLOAD_PATHS)
def test_failed_upload_leaves_no_half_created_version(
    live: Site, tmp_path: Path, direct: bool, step: str
) -> None:
    live.standin.direct_uploads = direct
    endpoint = live.endpoint()
    endpoint.snapshot()
    live.standin.fail_next(100, 500, method=step)
    with pytest.raises(RetriableError, match="upload failed 3 times"):
        endpoint.create_item(NewItem(name="sh030_v1", link="x", media=_png(tmp_path)))
    live.standin.reset()
    assert live.store.find("Version", [["code", "is", "sh030_v1"]]) == []
    assert len(endpoint.snapshot().items) == 3


@pytest.mark.parametrize(("direct", "step"), UPLOAD_PATHS)
def test_lost_upload_answers_leave_one_attachment(
    live: Site, tmp_path: Path, direct: bool, step: str
) -> None:
    """An attempt lands and its answer is lost: the field is read before sending again, so
    the Version ends with one new movie Attachment, the one its field holds."""
    live.standin.direct_uploads = direct
    endpoint = live.endpoint()
    version = live.versions[1]["id"]
    first = endpoint.set_media(str(version), _png(tmp_path))
    before = _attachments(live, version)
    live.standin.fail_next(1, 502, method="api_link_file" if direct else step, after_commit=True)
    item = endpoint.set_media(str(version), _png(tmp_path))
    assert item.media is not None and item.media != first.media
    new = set(_attachments(live, version)) - set(before)
    movies = [
        a
        for a in new
        if live.store.find_one("Attachment", [["id", "is", a]], ["sg_type"])["sg_type"] == "File"
    ]
    assert movies == [int(item.media.token)]


def test_missing_field_error_names_field_and_option(live: Site) -> None:
    endpoint = live.endpoint(fields={"status": "sg_review_status"})
    with pytest.raises(FatalError) as caught:
        endpoint.snapshot()
    assert "Version.sg_review_status" in str(caught.value)
    assert "systems.sg.fields.status" in str(caught.value)
    with pytest.raises(FatalError, match=r"Version\.sg_review_status"):
        endpoint.set_status(str(live.versions[0]["id"]), "apr")


def test_bad_credentials_are_fatal_and_keep_the_key_secret(live: Site) -> None:
    selector = {"project_id": live.project["id"], "playlist": "Dailies"}
    settings = {**system(live.standin), "api_key": "not-the-key-s3cr3t"}
    endpoint = ShotGridEndpoint("sg", settings, selector)
    with pytest.raises(FatalError, match="refused the credentials") as caught:
        endpoint.snapshot()
    assert "s3cr3t" not in str(caught.value)
    # the event log's end and the playlist, read side by side, each once: retrying cannot fix
    # a wrong key
    assert live.standin.count("read") == 2


def test_503s_are_retried_then_reported(live: Site) -> None:
    endpoint = live.endpoint()
    live.standin.fail_next(2, 503)
    snap = endpoint.snapshot()
    assert len(snap.items) == 3
    live.standin.fail_next(10, 503)
    with pytest.raises(RetriableError, match=r"failed 3 times.*503"):
        endpoint.snapshot(snap)
    live.standin.reset()
    assert endpoint.snapshot(snap) == snap


def test_empty_playlist_reads_without_empty_in_filters(shotgrid_standin: ShotGridStandIn) -> None:
    site = Site(shotgrid_standin, versions=0)
    endpoint = site.endpoint()
    snap = endpoint.snapshot()
    assert snap.items == () and snap.notes == ()
    assert endpoint.snapshot(snap) == Snapshot(cursor=snap.cursor, extra=snap.extra)


def _notes_on(live: Site) -> list[str]:
    rows = [row for kind in ("Note", "Reply") for row in live.store.find(kind, [], ["content"])]
    return sorted(row["content"] for row in rows)


def test_notes_go_in_one_batch_and_read_back_as_written(live: Site) -> None:
    endpoint = live.endpoint()
    endpoint.snapshot()
    v1, v2 = (str(v["id"]) for v in live.versions[:2])
    asked = [NewNote(item=v1, text=f"n{n}", link=f"L{n}") for n in range(3)]
    asked.append(NewNote(item=v2, text="with a frame", link="L9", frame=12))
    made, _, seen = live.calls(endpoint, lambda: endpoint.create_notes(asked))
    assert seen == 1 and live.standin.count("batch") == 1
    assert all(not isinstance(m, Exception) for m in made)
    snap = {n.id: n for n in endpoint.snapshot().notes}
    assert [snap[m.id] for m in made] == made  # type: ignore[union-attr]
    assert [m.text for m in made] == ["n0", "n1", "n2", "with a frame"]  # type: ignore[union-attr]


def test_lost_batch_answer_is_looked_for_not_sent_again(live: Site) -> None:
    endpoint = live.endpoint()
    endpoint.snapshot()
    v1 = str(live.versions[0]["id"])
    live.standin.fail_next(1, 502, method="batch", after_commit=True)
    made = endpoint.create_notes([NewNote(item=v1, text=f"n{n}", link=f"L{n}") for n in range(3)])
    assert all(not isinstance(m, Exception) for m in made)
    assert live.standin.count("batch") == 1  # looked for, never resent
    assert _notes_on(live) == ["n0", "n1", "n2"]


def test_refused_batch_falls_back_to_one_note_at_a_time(live: Site) -> None:
    """A fault refuses the whole transaction; each note is then sent alone, so one bad note
    fails alone and the others land."""
    endpoint = live.endpoint()
    endpoint.snapshot()
    v1 = str(live.versions[0]["id"])
    live.standin.fault_next(1, "Simulated database timeout", method="batch")
    made = endpoint.create_notes(
        [
            NewNote(item=v1, text="a", link="L1"),
            NewNote(item="999999", text="on nothing", link="L2"),
            NewNote(item=v1, text="b", link="L3"),
        ]
    )
    assert [isinstance(m, Exception) for m in made] == [False, True, False]
    assert _notes_on(live) == ["a", "b"]


def test_a_file_added_to_a_note_is_seen_incrementally(live: Site, tmp_path: Path) -> None:
    store = live.store
    endpoint = live.endpoint()
    v1 = live.versions[0]
    note = store.create(
        "Note",
        {"project": live.project, "content": "see file", "note_links": [v1]},
        user=live.alice,
    )
    base = endpoint.snapshot()
    assert [n.attachments for n in base.notes] == [()]
    paint = tmp_path / "paint-over.png"
    paint.write_bytes(b"paint-over bytes")
    store.attach_file("Note", note["id"], paint, "paint.png", user=live.alice)
    step = endpoint.snapshot(base)
    assert step == endpoint.snapshot(None)
    (held,) = step.notes[0].attachments
    assert (held.filename, held.size) == ("paint.png", 16)
    local = endpoint.fetch_attachment(held, tmp_path)
    assert local.path.read_bytes() == b"paint-over bytes"


WHEN = datetime(2024, 5, 5, 10, 0, tzinfo=UTC)


def test_notes_are_posted_as_their_authors_with_their_dates(live: Site) -> None:
    endpoint = live.endpoint()
    endpoint.snapshot()
    v1 = str(live.versions[0]["id"])
    assert endpoint.authorship().startswith("as the author: Notes and Replies are created")
    alice = Person("alice@example.com", "Alice")
    note = endpoint.create_note(
        NewNote(item=v1, text="Tighten the arc.", link="n-1", author=alice, created=WHEN)
    )
    reply = endpoint.create_note(
        NewNote(item=v1, text="Done.", link="n-2", parent=note.id, author=alice, created=WHEN)
    )
    rows = {
        kind: live.store.find(kind, [], ["content", "user", "created_by", "created_at"])[-1]
        for kind in ("Note", "Reply")
    }
    for row in rows.values():
        assert row["user"]["id"] == row["created_by"]["id"] == live.alice["id"]
    assert rows["Note"]["content"] == "Tighten the arc." and reply.parent == note.id
    read = {n.id: n for n in live.endpoint().snapshot().notes}
    assert read[note.id].created == read[reply.id].created == WHEN, "their original date"
    assert endpoint.unplaced == []
    ghost = Person("ghost@client.example", "Ghost")
    endpoint.create_note(NewNote(item=v1, text="Who?", link="n-3", author=ghost))
    last = live.store.find("Note", [], ["content", "created_by"])[-1]
    assert last["content"] == "[by Ghost <ghost@client.example>] Who?"
    assert last["created_by"]["type"] == "ApiUser" and endpoint.unplaced == [ghost]


def test_sudo_posts_as_the_person_and_falls_back_when_refused(
    shotgrid_standin: ShotGridStandIn,
) -> None:
    site = Site(shotgrid_standin)
    v1 = str(site.versions[0]["id"])
    alice = Person("alice@example.com", "Alice")
    endpoint = site.endpoint(authors="sudo")
    endpoint.snapshot()
    assert "sudo_as_login" in endpoint.authorship()
    endpoint.create_note(NewNote(item=v1, text="As alice, by sudo.", link="n-1", author=alice))
    event = site.store.find("EventLogEntry", [["event_type", "is", "Shotgun_Note_New"]], ["user"])[
        -1
    ]
    assert event["user"]["id"] == site.alice["id"], "ShotGrid itself logged alice"
    shotgrid_standin.sudo_scripts = set()  # the script's role loses the sudo permission
    refused = site.endpoint(authors="sudo")
    refused.snapshot()
    refused.create_note(NewNote(item=v1, text="Fields instead.", link="n-2", author=alice))
    row = site.store.find("Note", [], ["content", "created_by", "user"])[-1]
    assert row["content"] == "Fields instead."
    assert row["created_by"]["id"] == row["user"]["id"] == site.alice["id"]
    assert "sudo was refused" in refused.authorship()
    plain = site.endpoint(authors="attribution")
    assert plain.authorship().startswith("attribution:")
    plain.snapshot()
    plain.create_note(NewNote(item=v1, text="Said in words.", link="n-3", author=alice))
    assert site.store.find("Note", [], ["content"])[-1]["content"] == (
        "[by Alice <alice@example.com>] Said in words."
    )


def test_connections_side_by_side_ask_the_site_what_it_is_once(
    shotgrid_standin: ShotGridStandIn,
) -> None:
    site = Site(shotgrid_standin)
    v1 = str(site.versions[0]["id"])
    endpoint = site.endpoint(authors="sudo", concurrency=4)
    endpoint.snapshot()
    alice = Person("alice@example.com", "Alice")
    notes = [NewNote(item=v1, text=f"Side by side {n}.", link=f"n-{n}") for n in range(8)]
    notes.append(NewNote(item=v1, text="As alice.", link="n-alice", author=alice))
    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(endpoint.create_note, notes))
    assert shotgrid_standin.count("info") == 1, "the first connection asked; the rest took it"
    held = {r["content"] for r in site.store.find("Note", [], ["content"])}
    assert {m.content.text for m in made} == {n.text for n in notes} <= held
