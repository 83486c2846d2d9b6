"""The ShotGrid stand-in answers the real ``shotgun_api3`` client the way a site does.

Every test talks HTTP through the official client, so the connector's tests against the
stand-in exercise the same wire protocol as production.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import shotgun_api3
from syncd_standins.shotgrid import ShotGridStandIn

UTC = dt.UTC


def _project_with_versions(sg: shotgun_api3.Shotgun, count: int = 3) -> tuple[dict, dict, list]:
    project = sg.create("Project", {"name": "Demo"})
    shot = sg.create("Shot", {"code": "sh010", "project": project})
    versions = [
        sg.create(
            "Version",
            {
                "code": f"sh010_v{i:03d}",
                "project": project,
                "entity": shot,
                "sg_status_list": "rev",
            },
        )
        for i in range(1, count + 1)
    ]
    return project, shot, versions


def _ids(rows: list[dict[str, Any]]) -> list[int]:
    return [row["id"] for row in rows]


def test_info_advertises_direct_uploads_of_movies_like_a_hosted_site(sg, shotgrid_standin):
    info = sg.info()
    assert tuple(info["version"]) >= (7, 4, 0)
    assert info["s3_direct_uploads_enabled"] is True
    assert info["s3_enabled_upload_types"] == {"Version": ["sg_uploaded_movie"]}
    assert shotgrid_standin.count("info") >= 1


def test_a_site_without_direct_uploads_can_be_played(connect, shotgrid_standin):
    shotgrid_standin.direct_uploads = False
    assert connect().info()["s3_direct_uploads_enabled"] is False


@pytest.mark.parametrize("direct", [True, False], ids=["direct-to-storage", "multipart-form"])
def test_a_large_movie_upload_streams_through_the_official_client(
    connect, shotgrid_standin, tmp_path: Path, direct: bool
):
    """``upload()`` as a studio script calls it: above 20 MB a hosted site gets the movie in
    parts PUT to storage, a site without direct uploads as one multipart form; either way the
    stand-in writes it to disk as it arrives and serves the very bytes back."""
    shotgrid_standin.direct_uploads = direct
    sg = connect()
    _, _, versions = _project_with_versions(sg, 1)
    movie = tmp_path / "sh010_v002.mov"
    block = bytes(range(256)) * 4096  # 1 MiB that does not compress
    with movie.open("wb") as out:
        for n in range(45):
            out.write(block[n:] + block[:n])
    attachment_id = sg.upload(
        "Version", versions[0]["id"], str(movie), field_name="sg_uploaded_movie"
    )
    version = sg.find_one("Version", [["id", "is", versions[0]["id"]]], ["sg_uploaded_movie"])
    assert version["sg_uploaded_movie"]["id"] == attachment_id
    kept, _ = shotgrid_standin.store.file_path(attachment_id)
    assert kept.stat().st_size == movie.stat().st_size
    assert hashlib.sha256(kept.read_bytes()).digest() == hashlib.sha256(movie.read_bytes()).digest()
    target = tmp_path / "back.mov"
    sg.download_attachment(version["sg_uploaded_movie"], file_path=str(target))
    assert target.read_bytes() == movie.read_bytes()
    calls = shotgrid_standin.requests
    if direct:
        assert calls.count("api_get_upload_link_for_part") == 3  # 20 + 20 + 5 MB
        assert calls.count("storage") == 3 and calls.count("upload_file") == 0
    else:
        assert calls.count("upload_file") == 1 and calls.count("storage") == 0
    assert list(shotgrid_standin.store.spool.iterdir()) == []  # nothing left half stored


def test_create_sets_audit_fields_and_playlist_versions_make_connections(sg, shotgrid_standin):
    project, _, versions = _project_with_versions(sg)
    playlist = sg.create(
        "Playlist",
        {"code": "dailies", "project": project, "versions": versions[:2]},
        ["created_at", "created_by", "updated_at"],
    )

    assert isinstance(playlist["created_at"], dt.datetime)
    assert playlist["created_at"].tzinfo is not None
    assert playlist["created_by"]["type"] == "ApiUser"
    connections = sg.find(
        "PlaylistVersionConnection", [["playlist", "is", playlist]], ["version", "sg_sort_order"]
    )
    assert sorted(c["version"]["id"] for c in connections) == _ids(versions[:2])
    version = sg.find_one("Version", [["id", "is", versions[0]["id"]]], ["playlists"])
    assert _ids(version["playlists"]) == [playlist["id"]]

    # Creating a connection row directly shows up on both sides.
    sg.create(
        "PlaylistVersionConnection",
        {"playlist": playlist, "version": versions[2], "sg_sort_order": 3.0},
    )
    found = sg.find_one("Playlist", [["id", "is", playlist["id"]]], ["versions"])
    assert sorted(_ids(found["versions"])) == _ids(versions)


def test_find_filters_sorts_and_deep_fields(sg):
    project, _, versions = _project_with_versions(sg, 4)
    other = sg.create("Shot", {"code": "sh020", "project": project})
    sg.update(
        "Version",
        versions[3]["id"],
        {"entity": other, "sg_status_list": "apr", "description": "Final look"},
    )

    deep = sg.find("Version", [["entity.Shot.code", "is", "sh020"]], ["entity.Shot.code"])
    assert deep == [{"type": "Version", "id": versions[3]["id"], "entity.Shot.code": "sh020"}]
    nested = sg.find(
        "Version",
        [
            ["project", "is", project],
            {
                "filter_operator": "any",
                "filters": [
                    ["sg_status_list", "is", "apr"],
                    ["code", "ends_with", "_v001"],
                ],
            },
        ],
    )
    assert _ids(nested) == [versions[0]["id"], versions[3]["id"]]
    assert _ids(sg.find("Version", [["id", "in", [versions[1]["id"], versions[2]["id"]]]])) == [
        versions[1]["id"],
        versions[2]["id"],
    ]
    assert _ids(sg.find("Version", [["sg_status_list", "not_in", ["rev"]]])) == [versions[3]["id"]]
    assert _ids(sg.find("Version", [["description", "contains", "final"]])) == [versions[3]["id"]]
    assert len(sg.find("Version", [["code", "starts_with", "sh010_"]])) == 4
    assert len(sg.find("Version", [["entity", "type", "Shot"]])) == 4
    assert _ids(sg.find("Version", [["entity", "is", other]])) == [versions[3]["id"]]
    assert len(sg.find("Version", [["description", "is", None]])) == 3
    assert _ids(sg.find("Version", [["id", "greater_than", versions[2]["id"]]])) == [
        versions[3]["id"]
    ]
    now = dt.datetime.now(UTC)
    window = [now - dt.timedelta(minutes=5), now + dt.timedelta(minutes=5)]
    assert len(sg.find("Version", [["created_at", "between", window]])) == 4
    assert sg.find("Version", [["updated_at", "greater_than", window[1]]]) == []

    ordered = sg.find("Version", [], ["code"], order=[{"field_name": "code", "direction": "desc"}])
    assert [v["code"] for v in ordered] == sorted((v["code"] for v in ordered), reverse=True)
    by_shot = sg.find(
        "Version",
        [],
        ["code"],
        order=[
            {"field_name": "entity.Shot.code", "direction": "desc"},
            {"field_name": "id", "direction": "asc"},
        ],
    )
    assert by_shot[0]["id"] == versions[3]["id"]


@pytest.mark.parametrize("server_version", [(8, 44, 0), (7, 0, 0)])
def test_paging_really_pages(server_version):
    """Both client paging paths: ``has_next_page`` (7.4+) and ``entity_count`` (older)."""
    with ShotGridStandIn(server_version=server_version) as standin:
        project = standin.store.create("Project", {"name": "Paging"})
        for i in range(7):
            standin.store.create("Shot", {"code": f"sh{i:03d}", "project": project})
        sg = shotgun_api3.Shotgun(standin.url, script_name="syncd", api_key="KEY")
        sg.config._records_per_page = 2  # what a site reports as api_max_entities_per_page
        standin.reset()

        shots = sg.find("Shot", [["project", "is", project]], ["code"])

        assert [s["code"] for s in shots] == [f"sh{i:03d}" for i in range(7)]
        assert standin.count("read") == 4
        assert [s["code"] for s in sg.find("Shot", [], ["code"], limit=2, page=3)] == [
            "sh004",
            "sh005",
        ]


def test_server_caps_entities_per_page():
    with ShotGridStandIn(max_entities_per_page=3) as standin:
        for i in range(5):
            standin.store.create("Shot", {"code": f"sh{i}"})
        sg = shotgun_api3.Shotgun(standin.url, script_name="syncd", api_key="KEY")
        assert len(sg.find("Shot", [])) == 5
        assert standin.count("read") == 2


def test_update_multi_entity_modes_and_playlist_connections(sg):
    project, shot, versions = _project_with_versions(sg, 3)
    note = sg.create(
        "Note",
        {"subject": "fix", "content": "more red", "project": project, "note_links": [versions[0]]},
    )

    sg.update(
        "Note",
        note["id"],
        {"note_links": [versions[1], shot]},
        multi_entity_update_modes={"note_links": "add"},
    )
    links = sg.find_one("Note", [["id", "is", note["id"]]], ["note_links"])["note_links"]
    assert [(lk["type"], lk["id"]) for lk in links] == [
        ("Version", versions[0]["id"]),
        ("Version", versions[1]["id"]),
        ("Shot", shot["id"]),
    ]
    sg.update(
        "Note",
        note["id"],
        {"note_links": [versions[0]]},
        multi_entity_update_modes={"note_links": "remove"},
    )
    result = sg.update("Note", note["id"], {"note_links": [versions[2]]})
    assert _ids(result["note_links"]) == [versions[2]["id"]]
    assert _ids(sg.find("Version", [["notes", "is", note]])) == [versions[2]["id"]]

    playlist = sg.create("Playlist", {"code": "p", "project": project, "versions": versions[:1]})
    sg.update(
        "Playlist",
        playlist["id"],
        {"versions": versions[1:]},
        multi_entity_update_modes={"versions": "add"},
    )
    sg.update(
        "Playlist",
        playlist["id"],
        {"versions": [versions[0]]},
        multi_entity_update_modes={"versions": "remove"},
    )
    conns = sg.find("PlaylistVersionConnection", [["playlist", "is", playlist]], ["version"])
    assert sorted(c["version"]["id"] for c in conns) == _ids(versions[1:])
    sg.update(
        "Version",
        versions[0]["id"],
        {"playlists": [playlist]},
        multi_entity_update_modes={"playlists": "add"},
    )
    found = sg.find_one("Playlist", [["id", "is", playlist["id"]]], ["versions"])
    assert sorted(_ids(found["versions"])) == _ids(versions)


def test_update_bumps_updated_at_and_rejects_bad_values(sg, shotgrid_standin):
    clock = [dt.datetime(2024, 5, 1, 12, 0, tzinfo=UTC)]
    shotgrid_standin.store.clock = lambda: clock[0]
    _, _, versions = _project_with_versions(sg, 1)
    clock[0] += dt.timedelta(seconds=30)

    sg.update("Version", versions[0]["id"], {"sg_status_list": "apr"})

    row = sg.find_one(
        "Version", [["id", "is", versions[0]["id"]]], ["created_at", "updated_at", "updated_by"]
    )
    assert row["created_at"] == dt.datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert row["updated_at"] == dt.datetime(2024, 5, 1, 12, 0, 30, tzinfo=UTC)
    assert row["updated_by"]["type"] == "ApiUser"
    with pytest.raises(shotgun_api3.Fault, match="not a valid value"):
        sg.update("Version", versions[0]["id"], {"sg_status_list": "bogus"})
    with pytest.raises(shotgun_api3.Fault, match="not a valid number"):
        sg.update("Version", versions[0]["id"], {"frame_count": "ten"})
    with pytest.raises(shotgun_api3.Fault, match="doesn't exist"):
        sg.update("Version", versions[0]["id"], {"entity": {"type": "Shot", "id": 999}})


def test_delete_and_revive_cascade_to_connections(sg):
    project, _, versions = _project_with_versions(sg, 2)
    playlist = sg.create("Playlist", {"code": "p", "project": project, "versions": versions})

    assert sg.delete("Version", versions[0]["id"]) is True
    assert sg.delete("Version", versions[0]["id"]) is False
    assert sg.find("Version", [["id", "is", versions[0]["id"]]]) == []
    assert _ids(sg.find("Version", [], retired_only=True)) == [versions[0]["id"]]
    found = sg.find_one("Playlist", [["id", "is", playlist["id"]]], ["versions"])
    assert _ids(found["versions"]) == [versions[1]["id"]]
    assert len(sg.find("PlaylistVersionConnection", [], retired_only=True)) == 1

    assert sg.revive("Version", versions[0]["id"]) is True
    found = sg.find_one("Playlist", [["id", "is", playlist["id"]]], ["versions"])
    assert sorted(_ids(found["versions"])) == _ids(versions)
    with pytest.raises(shotgun_api3.Fault):
        sg.delete("Version", 999)


def test_batch_is_all_or_nothing(sg, shotgrid_standin):
    project, _, versions = _project_with_versions(sg, 1)
    results = sg.batch(
        [
            {
                "request_type": "create",
                "entity_type": "Note",
                "data": {"subject": "a", "project": project, "note_links": versions},
            },
            {
                "request_type": "update",
                "entity_type": "Version",
                "entity_id": versions[0]["id"],
                "data": {"sg_status_list": "apr"},
            },
            {"request_type": "delete", "entity_type": "Version", "entity_id": versions[0]["id"]},
        ]
    )
    assert results[0]["type"] == "Note"
    assert results[1]["sg_status_list"] == "apr"
    assert results[2] is True

    events_before = len(shotgrid_standin.store.events())
    with pytest.raises(shotgun_api3.Fault, match="sg_nope"):
        sg.batch(
            [
                {"request_type": "create", "entity_type": "Note", "data": {"subject": "b"}},
                {"request_type": "create", "entity_type": "Note", "data": {"sg_nope": 1}},
            ]
        )
    assert [n["subject"] for n in sg.find("Note", [], ["subject"])] == ["a"]
    assert len(shotgrid_standin.store.events()) == events_before

    # a batch that changed and retired rows before its fault leaves them as they were
    _, _, kept = _project_with_versions(sg, 2)
    events_before = len(shotgrid_standin.store.events())
    with pytest.raises(shotgun_api3.Fault, match="sg_nope"):
        sg.batch(
            [
                {
                    "request_type": "update",
                    "entity_type": "Version",
                    "entity_id": kept[0]["id"],
                    "data": {"sg_status_list": "apr", "description": "changed"},
                },
                {"request_type": "delete", "entity_type": "Version", "entity_id": kept[1]["id"]},
                {"request_type": "create", "entity_type": "Note", "data": {"subject": "c"}},
                {"request_type": "create", "entity_type": "Note", "data": {"sg_nope": 1}},
            ]
        )
    rows = sg.find(
        "Version", [["id", "in", _ids(kept)]], ["sg_status_list", "description"], order=[]
    )
    assert [(r["id"], r["sg_status_list"], r["description"]) for r in rows] == [
        (v["id"], v.get("sg_status_list"), v.get("description")) for v in kept
    ]
    assert len(shotgrid_standin.store.events()) == events_before
    after = sg.create("Note", {"subject": "d"})
    assert after["id"] == results[0]["id"] + 1, "the failed batch used up no id"
    assert [n["subject"] for n in sg.find("Note", [], ["subject"])] == ["a", "d"]


def test_schema_reads_in_site_format(sg):
    field = sg.schema_field_read("Version", "sg_status_list")["sg_status_list"]
    assert field["data_type"]["value"] == "status_list"
    assert "apr" in field["properties"]["valid_values"]["value"]
    links = sg.schema_field_read("Note", "note_links")["note_links"]
    assert "Version" in links["properties"]["valid_types"]["value"]
    assert "sg_sort_order" in sg.schema_field_read("PlaylistVersionConnection")
    assert "EventLogEntry" in sg.schema_entity_read()
    assert "sg_uploaded_movie" in sg.schema_read()["Version"]
    with pytest.raises(shotgun_api3.Fault, match=r"Version\.sg_foo doesn't exist"):
        sg.schema_field_read("Version", "sg_foo")
    name = sg.schema_field_create("Version", "text", "Kitsu Id")
    assert name == "sg_kitsu_id"
    sg.create("Version", {"code": "x", "sg_kitsu_id": "abc"})


def test_unknown_entity_type_or_field_is_a_fault(sg):
    with pytest.raises(shotgun_api3.Fault, match=r"API read\(\) Version.sg_foo doesn't exist"):
        sg.find("Version", [["sg_foo", "is", 1]])
    with pytest.raises(shotgun_api3.Fault, match="Entity type 'Nope' doesn't exist"):
        sg.find("Nope", [])
    with pytest.raises(shotgun_api3.Fault, match=r"API create\(\) Version.sg_foo"):
        sg.create("Version", {"code": "x", "sg_foo": 1})


def test_upload_and_download_movie_and_thumbnail(sg, tmp_path: Path):
    project, _, versions = _project_with_versions(sg, 1)
    movie = tmp_path / "sh010_v001.mov"
    movie.write_bytes(b"\x00movie-bytes" * 100)
    thumb = tmp_path / "thumb.jpg"
    thumb.write_bytes(b"\xff\xd8jpeg")

    attachment_id = sg.upload(
        "Version", versions[0]["id"], str(movie), field_name="sg_uploaded_movie"
    )
    thumb_id = sg.upload_thumbnail("Version", versions[0]["id"], str(thumb))

    version = sg.find_one(
        "Version", [["id", "is", versions[0]["id"]]], ["sg_uploaded_movie", "image"]
    )
    movie_field = version["sg_uploaded_movie"]
    assert movie_field["id"] == attachment_id
    assert movie_field["name"] == "sh010_v001.mov"
    assert movie_field["link_type"] == "upload"
    assert movie_field["content_type"] == "video/quicktime"
    assert sg.download_attachment(movie_field) == movie.read_bytes()
    target = tmp_path / "copy.mov"
    assert sg.download_attachment(movie_field, file_path=str(target)) == str(target)
    assert target.read_bytes() == movie.read_bytes()
    assert sg.download_attachment({"url": version["image"]}) == thumb.read_bytes()
    attachment = sg.find_one(
        "Attachment", [["id", "is", attachment_id]], ["attachment_links", "project", "this_file"]
    )
    assert _ids(attachment["attachment_links"]) == [versions[0]["id"]]
    assert attachment["project"]["id"] == project["id"]
    assert thumb_id != attachment_id


def test_files_on_a_note_are_attachments_linked_to_it(sg, tmp_path: Path):
    project, _, versions = _project_with_versions(sg, 1)
    note = sg.create(
        "Note", {"subject": "s", "content": "see file", "project": project, "note_links": versions}
    )
    start = max(_ids(sg.find("EventLogEntry", [], ["id"])))
    paint = tmp_path / "paint.png"
    paint.write_bytes(b"\x89PNG paint-over")
    attachment_id = sg.upload("Note", note["id"], str(paint), display_name="paint.png")
    held = sg.find_one("Note", [["id", "is", note["id"]]], ["attachments"])["attachments"]
    assert [(a["type"], a["id"]) for a in held] == [("Attachment", attachment_id)]
    row = sg.find_one(
        "Attachment", [["id", "is", attachment_id]], ["this_file", "filename", "file_size"]
    )
    assert (row["filename"], row["file_size"]) == ("paint.png", len(paint.read_bytes()))
    assert row["this_file"]["link_type"] == "upload" and row["this_file"]["url"]
    assert sg.download_attachment({"type": "Attachment", "id": attachment_id}) == paint.read_bytes()
    thread = sg.note_thread_read(note["id"], {"Attachment": ["filename"]})
    assert [t["type"] for t in thread] == ["Note", "Attachment"]
    events = sg.find(
        "EventLogEntry", [["id", "greater_than", start]], ["event_type", "attribute_name", "meta"]
    )
    linked = [
        e
        for e in events
        if e["event_type"] == "Shotgun_Attachment_Change"
        and e["attribute_name"] == "attachment_links"
    ]
    assert [[(a["type"], a["id"]) for a in e["meta"]["added"]] for e in linked] == [
        [("Note", note["id"])]
    ]
    sg.delete("Attachment", attachment_id)
    assert sg.find_one("Note", [["id", "is", note["id"]]], ["attachments"])["attachments"] == []


def test_authentication(shotgrid_standin, connect):
    with pytest.raises(shotgun_api3.AuthenticationFault):
        connect(script_name="syncd", api_key="wrong").find("Project", [])
    with pytest.raises(shotgun_api3.AuthenticationFault):
        connect(login="alice", password="wrong").find("Project", [])
    alice = connect(login="alice", password="pw")
    note = alice.create("Note", {"subject": "by alice"}, ["created_by"])
    assert note["created_by"]["name"] == "Alice"
    token = alice.get_session_token()
    assert connect(session_token=token).find("Note", []) != []
    sudo = shotgun_api3.Shotgun(
        shotgrid_standin.url, script_name="syncd", api_key="KEY", sudo_as_login="alice"
    )
    assert (
        sudo.create("Reply", {"content": "x", "entity": note}, ["created_by"])["created_by"]["type"]
        == "HumanUser"
    )


def test_sudo_needs_the_permission_and_acts_as_the_person(shotgrid_standin, connect):
    alice = shotgrid_standin.store.find_one("HumanUser", [["login", "is", "alice"]], ["name"])
    shotgrid_standin.add_script("nosudo", "NOKEY")
    shotgrid_standin.sudo_scripts = {"syncd"}
    allowed = shotgun_api3.Shotgun(
        shotgrid_standin.url, script_name="syncd", api_key="KEY", sudo_as_login="alice"
    )
    note = allowed.create("Note", {"subject": "as alice"}, ["created_by", "updated_by"])
    assert note["created_by"] == {"type": "HumanUser", "id": alice["id"], "name": "Alice"}
    event = allowed.find_one(
        "EventLogEntry",
        [
            ["entity", "is", {"type": "Note", "id": note["id"]}],
            ["event_type", "is", "Shotgun_Note_New"],
        ],
        ["user"],
    )
    assert event["user"]["id"] == alice["id"], "the event log says alice did it"
    refused = shotgun_api3.Shotgun(
        shotgrid_standin.url, script_name="nosudo", api_key="NOKEY", sudo_as_login="alice"
    )
    with pytest.raises(shotgun_api3.Fault, match="does not have permission to 'sudo'"):
        refused.create("Note", {"subject": "never"})
    plain = connect(script_name="nosudo", api_key="NOKEY")
    direct = plain.create(
        "Note",
        {"subject": "audit fields", "created_by": {"type": "HumanUser", "id": alice["id"]}},
        ["created_by", "user"],
    )
    assert direct["created_by"]["id"] == alice["id"], "a script may set created_by on create"


def test_note_thread_read(sg):
    project, _, versions = _project_with_versions(sg, 1)
    note = sg.create(
        "Note", {"subject": "s", "content": "first", "project": project, "note_links": versions}
    )
    sg.create("Reply", {"entity": note, "content": "second"})
    thread = sg.note_thread_read(note["id"])
    assert [(item["type"], item["content"]) for item in thread] == [
        ("Note", "first"),
        ("Reply", "second"),
    ]
    replies = sg.find_one("Note", [["id", "is", note["id"]]], ["replies"])["replies"]
    assert len(replies) == 1


def test_event_log_rows_like_a_site(sg, shotgrid_standin):
    project, _, versions = _project_with_versions(sg, 1)
    start = sg.find(
        "EventLogEntry", [], ["id"], order=[{"field_name": "id", "direction": "desc"}], limit=1
    )[0]["id"]

    sg.update("Version", versions[0]["id"], {"sg_status_list": "apr"})
    note = sg.create("Note", {"subject": "s", "project": project})
    sg.delete("Note", note["id"])

    events = sg.find(
        "EventLogEntry",
        [["id", "greater_than", start]],
        ["event_type", "attribute_name", "meta", "entity", "project", "user"],
        order=[{"field_name": "id", "direction": "asc"}],
    )
    ids = _ids(events)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    change = events[0]
    assert change["event_type"] == "Shotgun_Version_Change"
    assert change["attribute_name"] == "sg_status_list"
    assert change["meta"]["old_value"] == "rev" and change["meta"]["new_value"] == "apr"
    assert change["entity"]["id"] == versions[0]["id"]
    assert change["project"]["id"] == project["id"]
    assert change["user"]["type"] == "ApiUser"
    types = [e["event_type"] for e in events]
    assert "Shotgun_Note_New" in types
    retirement = events[-1]
    assert retirement["event_type"] == "Shotgun_Note_Retirement"
    assert retirement["meta"]["entity_id"] == note["id"]
    assert retirement["entity"] is None  # links to retired entities read as empty
    in_create = [e for e in events if e["event_type"] == "Shotgun_Note_Change"]
    assert all(e["meta"].get("in_create") for e in in_create)


def test_out_of_order_event_ids_become_visible_late(sg, shotgrid_standin):
    _, _, versions = _project_with_versions(sg, 2)
    cursor = max(e["id"] for e in shotgrid_standin.store.events())

    shotgrid_standin.store.hold_events(1)
    sg.update("Version", versions[0]["id"], {"sg_status_list": "apr"})  # id reserved, hidden
    sg.update("Version", versions[1]["id"], {"sg_status_list": "rej"})  # committed first

    seen = sg.find("EventLogEntry", [["id", "greater_than", cursor]], ["entity"])
    assert _ids(seen) == [cursor + 2]
    assert seen[0]["entity"]["id"] == versions[1]["id"]

    assert shotgrid_standin.store.release_events() == [cursor + 1]
    late = sg.find("EventLogEntry", [["id", "greater_than", cursor]], ["entity"])
    assert _ids(late) == [cursor + 1, cursor + 2]
    assert late[0]["entity"]["id"] == versions[0]["id"]


def test_failure_switches_and_request_log(sg, shotgrid_standin):
    shotgrid_standin.reset()
    shotgrid_standin.fail_next(1, status=503)
    with pytest.raises(shotgun_api3.ProtocolError) as err:
        sg.find("Project", [])
    assert err.value.errcode == 503

    shotgrid_standin.fail_next(1, status=502, method="read")
    assert sg.find("Project", []) == []  # the client retries 502 by itself
    assert shotgrid_standin.count("read") == 3

    shotgrid_standin.fault_next(1, "Simulated database timeout", method="create")
    with pytest.raises(shotgun_api3.Fault, match="database timeout"):
        sg.create("Project", {"name": "x"})

    shotgrid_standin.fail_rate = 1.0
    with pytest.raises(shotgun_api3.ProtocolError):
        sg.find("Project", [])
    shotgrid_standin.fail_rate = 0.0

    shotgrid_standin.latency = 0.2
    started = dt.datetime.now()
    sg.find("Project", [])
    assert (dt.datetime.now() - started).total_seconds() >= 0.2
    assert shotgrid_standin.requests[-1] == "read"
    shotgrid_standin.reset()
    assert shotgrid_standin.count() == 0 and shotgrid_standin.latency == 0.0


def test_store_seeding_and_inspection(shotgrid_standin, sg):
    store = shotgrid_standin.store
    project = store.create("Project", {"name": "Seeded"})
    version = store.create("Version", {"code": "v1", "project": project})
    assert sg.find_one("Version", [["project.Project.name", "is", "Seeded"]])["id"] == version["id"]
    assert store.get("Version", version["id"])["code"] == "v1"
    assert store.find("Version", [["code", "is", "v1"]], ["code"])[0]["code"] == "v1"
    assert store.count("Version") == 1
    assert store.events()[-1]["event_type"] == "Shotgun_Version_Change"


def test_command_line_serves_until_stopped():
    proc = subprocess.Popen(
        [sys.executable, "-m", "syncd_standins.shotgrid", "--port", "0", "--script", "cli:K"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.split("serving ", 1)[1].split("/api3/json", 1)[0]
        sg = shotgun_api3.Shotgun(url, script_name="cli", api_key="K")
        assert sg.create("Project", {"name": "cli"})["id"] == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
