"""The cineSync connector on hand-written sessions: export, ids, reading back, the file itself."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from syncd.connectors import open_endpoint
from syncd.connectors.cinesync import read_session, short_hash, split_paragraphs
from syncd.connectors.cinesync import store as store_module
from syncd.connectors.cinesync.userdata import parse_user_data
from syncd.core.model import Attachment, NewItem, NewNote, NoteContent, Person
from syncd.errors import ConfigError, SyncdError
from tests.cinesync.helpers import FILES
from tests.cinesync.sessions import CIRCLE, LINE, endpoint, media, picture, run, session

LINK_A, LINK_B = "i0a0a0a0a0a0a0a0a0a0a", "i0b0b0b0b0b0b0b0b0b0b"


def exported(tmp_path: Path):
    """A session syncd wrote: two media in order, a status, notes with and without frames."""
    folder = tmp_path / "sessions"
    sh010 = picture(tmp_path / "cache")
    ep = endpoint(folder)
    ep.hold_housekeeping = True
    ep.snapshot()
    a = ep.create_item(NewItem("sh010", LINK_A, status="wfa", media=sh010))
    b = ep.create_item(NewItem("sh020", LINK_B, status="retake"))
    ep.set_order([b.id, a.id])
    dana = Person("dana@studio.example", "Dana Lead")
    ep.create_note(
        NewNote(a.id, "Tighten the arc.", "n1aaaaaaaaaaaaaaaaaaa", author=dana, frame=12)
    )
    ep.create_note(NewNote(a.id, "Grade is warm.", "n2aaaaaaaaaaaaaaaaaaa"))
    ep.flush()
    ep.close()
    return folder, a, b, sh010


def test_export_writes_media_in_order_with_locators_status_and_notes(tmp_path: Path) -> None:
    folder, a, _, sh010 = exported(tmp_path)
    written = read_session(folder / "dailies.csc")
    assert [m.name for m in written.media] == ["sh020", "sh010"]
    second = written.media[1]
    (kept,) = second.locators.paths  # the session's own copy, by content
    assert Path(kept) == (folder / ".syncd" / "media" / f"{sh010.sha256[:16]}-sh010.png").resolve()
    assert Path(kept).read_bytes() == sh010.path.read_bytes()
    assert second.locators.short_hashes == (short_hash(sh010.path),)
    assert second.groups == ("wfa",)
    data = parse_user_data(second.user_data)
    assert data is not None and data["syncd"]["id"] == a.id == LINK_A
    assert data["syncd"]["status"] == "wfa"
    (para,) = split_paragraphs(second.notes)
    assert (para.text, para.link) == ("Grade is warm.", "n2aaaaaaaaaaaaaaaaaaa")
    framed = second.annotation(12)
    assert framed is not None
    (para,) = split_paragraphs(framed.notes)
    assert (para.text, para.author, para.link) == (
        "Tighten the arc.",
        "Dana Lead",
        "n1aaaaaaaaaaaaaaaaaaa",
    )


def test_export_points_at_the_url_the_source_serves(tmp_path: Path) -> None:
    from dataclasses import replace

    media_file = replace(picture(tmp_path / "cache"), url="https://kitsu.example/p/1.png")
    ep = endpoint(tmp_path / "sessions")
    ep.create_item(NewItem("sh010", LINK_A, media=media_file))
    ep.flush()
    (written,) = read_session(tmp_path / "sessions" / "dailies.csc").media
    assert written.locators.urls == ("https://kitsu.example/p/1.png",)


def test_what_was_written_reads_back_the_same(tmp_path: Path) -> None:
    folder, a, b, sh010 = exported(tmp_path)
    snap = endpoint(folder).snapshot()
    assert [(i.id, i.name, i.status) for i in snap.items] == [
        (b.id, "sh020", "retake"),
        (a.id, "sh010", "wfa"),
    ]
    assert snap.items[1].media is not None and snap.items[1].media.sha256 == sh010.sha256
    notes = {n.text: n for n in snap.notes}
    arc = notes["Tighten the arc."]
    assert (arc.frame, arc.link, arc.item) == (12, "n1aaaaaaaaaaaaaaaaaaa", a.id)
    assert arc.author == Person("dana@studio.example", "Dana Lead")
    assert notes["Grade is warm."].frame is None


def test_a_quiet_run_leaves_the_file_alone(tmp_path: Path) -> None:
    folder, *_ = exported(tmp_path)
    path = folder / "dailies.csc"
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    for _ in range(3):
        run(folder)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_a_run_writes_the_file_once_however_many_notes(tmp_path: Path, monkeypatch) -> None:
    folder, a, *_ = exported(tmp_path)
    writes: list[Path] = []
    real = store_module.atomic_write
    monkeypatch.setattr(
        store_module, "atomic_write", lambda p, d: (writes.append(p), real(p, d))[1]
    )
    ep = endpoint(folder)
    ep.hold_housekeeping = True
    ep.snapshot()
    ep.settle()
    for n in range(500):
        ep.create_note(NewNote(a.id, f"note {n}", f"n{n:020d}", frame=n % 7 + 1))
    assert not [p for p in writes if p.name == "dailies.csc"], "written before the run ended"
    ep.flush()
    assert [p.name for p in writes if p.name == "dailies.csc"] == ["dailies.csc"]
    assert len(endpoint(folder).snapshot().notes) == 502


def test_typed_paragraphs_get_ids_that_stay(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir()
    typed = media(
        "sh010",
        notes="Camera feels late.\n\nTry the earlier take.",
        frames={12: ("Horizon tilts here.", "")},
    )
    (folder / "dailies.csc").write_text(session(typed))
    first = run(folder)
    snap = endpoint(folder).snapshot()
    assert [n.text for n in snap.notes] == [
        "Camera feels late.",
        "Try the earlier take.",
        "Horizon tilts here.",
    ]
    assert all(n.id.startswith("cs-") and n.link is None for n in snap.notes)
    assert snap.items[0].link is None
    assert endpoint(folder).snapshot() == snap, "the ids were saved into the file"
    assert first.reads == 1
    assert "[syncd:cs-" in (folder / "dailies.csc").read_text()


def test_an_edited_paragraph_is_an_edit_and_a_removed_one_is_gone(tmp_path: Path) -> None:
    folder, *_ = exported(tmp_path)
    path = folder / "dailies.csc"
    text = path.read_text()
    text = text.replace("Grade is warm.", "Grade is too warm.")
    text = text.replace("Dana Lead: Tighten the arc. [syncd:n1aaaaaaaaaaaaaaaaaaa:by]", "")
    path.write_text(text)
    (note,) = endpoint(folder).snapshot().notes
    assert (note.id, note.text) == ("n2aaaaaaaaaaaaaaaaaaa", "Grade is too warm.")
    assert note.modified is not None and note.created is not None
    assert note.modified >= note.created


def test_a_pasted_paragraph_is_a_note_of_its_own(tmp_path: Path) -> None:
    folder, *_ = exported(tmp_path)
    path = folder / "dailies.csc"
    text = path.read_text()
    marked = "Grade is warm. [syncd:n2aaaaaaaaaaaaaaaaaaa]"
    path.write_text(text.replace(marked, f"{marked}&#x0A;&#x0A;{marked}"))
    notes = [n for n in endpoint(folder).snapshot().notes if n.text == "Grade is warm."]
    assert len({n.id for n in notes}) == 2
    assert "n2aaaaaaaaaaaaaaaaaaa" in {n.id for n in notes}


def test_statuses_are_read_from_syncd_data_never_from_groups(tmp_path: Path) -> None:
    folder, a, *_ = exported(tmp_path)
    path = folder / "dailies.csc"
    path.write_text(path.read_text().replace("<group>wfa</group>", "<group>approved</group>"))
    assert {i.id: i.status for i in endpoint(folder).snapshot().items}[a.id] == "wfa"
    ep = endpoint(folder)
    assert ep.set_status(a.id, "done").status == "done"
    ep.flush()
    groups = read_session(path).media[1].groups
    assert groups == ("approved", "done")


def test_others_user_data_is_kept_next_to_syncd_key(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir()
    vendor = "{&quot;shotgun&quot;:{&quot;version_id&quot;:4021}}"
    (folder / "dailies.csc").write_text(session(media("sh010", user_data=vendor)))
    run(folder)
    (written,) = read_session(folder / "dailies.csc").media
    data = parse_user_data(written.user_data)
    assert data is not None and data["shotgun"] == {"version_id": 4021}
    assert set(data) == {"shotgun", "syncd"}


def test_session_notes_and_group_movies_are_reported_not_lost(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir()
    group_movie = "    <media><groupMovie><group>Edit</group></groupMovie></media>\n"
    text = session(media("sh010"), group_movie, notes="Tuesday dailies.")
    (folder / "dailies.csc").write_text(text)
    ep = endpoint(folder)
    snap = ep.snapshot()
    assert [i.name for i in snap.items] == ["sh010"]
    assert any("session's own notes" in w and "Tuesday dailies." in w for w in ep.warnings)
    assert any("group movie" in w and "Edit" in w for w in ep.warnings)
    ep.close()
    written = read_session(folder / "dailies.csc")
    assert written.notes == "Tuesday dailies." and written.media[1].group_movie == "Edit"


@pytest.mark.parametrize(
    ("name", "words"),
    [("newer.csc", "newer cineSync"), ("truncated.csc", "not well-formed")],
)
def test_newer_and_corrupt_sessions_are_refused_naming_the_file(
    tmp_path: Path, name: str, words: str
) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir()
    shutil.copy(FILES / name, folder / "dailies.csc")
    before = (folder / "dailies.csc").read_bytes()
    with pytest.raises(SyncdError, match=words) as caught:
        endpoint(folder).snapshot()
    assert "dailies.csc" in str(caught.value)
    assert (folder / "dailies.csc").read_bytes() == before
    assert not (folder / ".syncd" / "dailies.written.csc").exists()


def test_elements_syncd_does_not_know_survive_a_rewrite(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir()
    shutil.copy(FILES / "future.csc", folder / "dailies.csc")
    original = (folder / "dailies.csc").read_text()
    ep = endpoint(folder)
    item = ep.snapshot().items[0]
    ep.create_note(NewNote(item.id, "Added by syncd.", "n3aaaaaaaaaaaaaaaaaaa"))
    ep.flush()
    text = (folder / "dailies.csc").read_text()
    assert "Added by syncd. [syncd:n3aaaaaaaaaaaaaaaaaaa]" in text
    for line in original.splitlines():
        if any(k in line for k in ("reviewState", "x:approval", "colorSpace", "polygon", "<!--")):
            assert line.strip() in text, f"lost: {line.strip()}"


def test_a_dry_run_writes_nothing_at_all(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir()
    (folder / "dailies.csc").write_text(session(media("sh010", frames={3: ("x", LINE)})))
    before = sorted(p.name for p in folder.rglob("*"))
    ep = endpoint(folder)
    ep.dry_run = True
    snap = ep.snapshot()
    ep.settle()
    ep.flush()
    assert snap.notes[0].attachments, "the plan sees the drawing"
    assert sorted(p.name for p in folder.rglob("*")) == before


def test_a_missing_session_file_is_an_empty_review_the_first_run_writes(tmp_path: Path) -> None:
    ep = endpoint(tmp_path / "sessions")
    ep.dry_run = True
    assert ep.snapshot().items == ()
    assert ep.would == [f"would write the session file {tmp_path / 'sessions' / 'dailies.csc'}"]


def test_writes_of_a_killed_run_are_replayed_from_the_journal(tmp_path: Path) -> None:
    folder, a, *_ = exported(tmp_path)
    ep = endpoint(folder)
    ep.hold_housekeeping = True
    ep.snapshot()
    ep.create_note(NewNote(a.id, "Written, never flushed.", "n4aaaaaaaaaaaaaaaaaaa"))
    ep.set_status(a.id, "done")
    ep.files.unlock()  # the process dies here: no flush, its lock goes with it
    assert "Written, never flushed." not in (folder / "dailies.csc").read_text()
    again = endpoint(folder)
    snap = again.snapshot()
    assert "Written, never flushed." in {n.text for n in snap.notes}
    assert {i.id: i.status for i in snap.items}[a.id] == "done"
    again.close()
    assert "Written, never flushed." in (folder / "dailies.csc").read_text()
    assert not (folder / ".syncd" / "dailies.journal").exists()
    assert (
        len([n for n in endpoint(folder).snapshot().notes if n.id == "n4aaaaaaaaaaaaaaaaaaa"]) == 1
    )


def test_expected_notes_drop_attachments_and_edits_keep_drawings(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir()
    (folder / "dailies.csc").write_text(session(media("sh010", frames={5: ("Look", CIRCLE)})))
    ep = endpoint(folder)
    (note,) = ep.snapshot().notes
    image = Attachment("paint.png", sha256="ab" * 32)
    asked = NewNote(note.item, "a\n\nb  ", "n5aaaaaaaaaaaaaaaaaaa", frame=0, attachments=(image,))
    expected = ep.expected_note(asked)
    assert (expected.text, expected.frame, expected.attachments) == ("a\nb", None, ())
    edited = ep.update_note(note.id, NoteContent("Look here", 5, (image,)))
    assert edited.attachments == note.attachments != ()
    assert ep.expected_content(NoteContent("Look here", 5, (image,)), note.id) == edited.content


def test_session_names_and_folders_are_checked(tmp_path: Path) -> None:
    settings = {"path": str(tmp_path)}
    with pytest.raises(ConfigError, match="session: 'a/b'"):
        open_endpoint("cinesync", "cs", settings, {"session": "a/b"})
    (tmp_path / "plain").write_text("")
    with pytest.raises(ConfigError, match="is a file, not a folder"):
        open_endpoint("cinesync", "cs", {"path": str(tmp_path / "plain")}, {"session": "x"})
    spaced = open_endpoint("cinesync", "cs", settings, {"session": "Tuesday dailies"})
    assert spaced.path == tmp_path / "Tuesday dailies.csc"


def test_written_files_keep_their_mode(tmp_path: Path) -> None:
    folder, a, *_ = exported(tmp_path)
    path = folder / "dailies.csc"
    os.chmod(path, 0o664)
    ep = endpoint(folder)
    ep.set_status(a.id, "done")
    ep.flush()
    assert path.stat().st_mode & 0o777 == 0o664
    root = parse_user_data(read_session(path).user_data)
    assert root is not None and root["syncd"]["media"] == [LINK_B, LINK_A]


def test_an_author_known_by_address_only_reads_back_so(tmp_path: Path) -> None:
    folder, a, *_ = exported(tmp_path)
    ep = endpoint(folder)
    note = ep.create_note(
        NewNote(a.id, "Ship it.", "n6aaaaaaaaaaaaaaaaaaa", author=Person("x@y.z"))
    )
    assert note.author == Person("x@y.z", None)
    ep.flush()
    assert (
        "x@y.z: Ship it. [syncd:n6aaaaaaaaaaaaaaaaaaa:by]" in (folder / "dailies.csc").read_text()
    )
