"""Kitsu comment attachments on a real Zou: read, written, downloaded and kept in step.

Files a Kitsu user posts with a comment (or a reply) are part of the note; the bytes syncd
downloads are the bytes Zou serves at ``/data/attachment-files/<id>/file/<name>``. Files syncd
sends arrive whole, a long extension included; adding or removing a file elsewhere is an edit
of the same Kitsu comment, and a file Kitsu already holds is never sent to it again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syncd.core.model import Attachment, NewNote, NoteContent
from tests.connectors.contract import EndpointContract
from tests.kitsu.builders import ZouRest, build_review, make_png
from tests.kitsu.helpers import KitsuSide, MemoryRig

pytestmark = pytest.mark.zou
PNG = make_png(16, 8)


@pytest.fixture
def kitsu(zou: Any, gazu_client: Any) -> Iterator[KitsuSide]:
    review = build_review(gazu_client, shots=1, comments_per_shot=0, with_png_preview=False)
    side = KitsuSide(zou, ZouRest(gazu_client), review)
    try:
        yield side
    finally:
        side.endpoint.close()


def post_with_files(kitsu: KitsuSide, text: str, files: dict[str, bytes]) -> dict[str, Any]:
    task = kitsu.task_of(kitsu.review.shot_names[0])
    status = kitsu.rest.get(f"data/tasks/{task}")["task_status_id"]
    parts = {
        ("file" if n == 0 else f"file-{n}"): (name, data)
        for n, (name, data) in enumerate(files.items())
    }
    return kitsu.rest.request(
        "POST",
        f"actions/tasks/{task}/comment",
        data={"task_status_id": status, "comment": text},
        files=parts,
    )


def download(kitsu: KitsuSide, row: dict[str, Any]) -> bytes:
    response = kitsu.rest.session.get(
        f"{kitsu.rest.base}/data/attachment-files/{row['id']}/file/{row['name']}", timeout=30
    )
    assert response.status_code == 200
    return response.content


def test_files_posted_in_kitsu_are_read_and_downloaded(kitsu: KitsuSide, tmp_path: Path) -> None:
    comment = post_with_files(kitsu, "See both.", {"paint.png": PNG, "notes.txt": b"frame 3\n"})
    assert len(comment["attachment_files"]) == 2
    note = next(n for n in kitsu.endpoint.snapshot().notes if n.id == comment["id"])
    assert sorted(a.filename for a in note.attachments) == ["notes.txt", "paint.png"]
    for att in note.attachments:
        local = kitsu.endpoint.fetch_attachment(att, tmp_path)
        row = next(r for r in comment["attachment_files"] if r["id"] == att.token)
        assert local.path.read_bytes() == download(kitsu, row)
    assert {
        kitsu.endpoint.fetch_attachment(a, tmp_path).path.read_bytes() for a in note.attachments
    } == {PNG, b"frame 3\n"}


def test_a_comment_with_only_files_is_a_note(kitsu: KitsuSide) -> None:
    comment = post_with_files(kitsu, "", {"paint.png": PNG})
    notes = [n for n in kitsu.endpoint.snapshot().notes if n.id == comment["id"]]
    assert [(n.text, [a.filename for a in n.attachments]) for n in notes] == [("", ["paint.png"])]


def test_files_syncd_sends_arrive_whole(kitsu: KitsuSide, tmp_path: Path) -> None:
    endpoint = kitsu.endpoint
    item = endpoint.snapshot().items[0]
    files = (
        EndpointContract.file(tmp_path, "paint.png", PNG),
        EndpointContract.file(tmp_path, "scene.blendbackup", b"not six letters\n"),
    )
    note = endpoint.create_note(NewNote(item=item.id, text="Files.", link="n-1", attachments=files))
    assert sorted(a.filename for a in note.attachments) == ["paint.png", "scene.blendbackup.bin"]
    assert all(a.sha256 for a in note.attachments)
    rows = next(c for c in kitsu.comments(item.name) if c["id"] == note.id)["attachment_files"]
    assert sorted(download(kitsu, r) for r in rows) == sorted([PNG, b"not six letters\n"])
    reply = endpoint.create_note(
        NewNote(
            item=item.id,
            text="And a reply.",
            link="n-2",
            parent=note.id,
            attachments=(EndpointContract.file(tmp_path, "r.txt", b"reply file\n"),),
        )
    )
    thread = next(c for c in kitsu.comments(item.name) if c["id"] == note.id)
    reply_rows = [r for r in thread["attachment_files"] if r.get("reply_id") == reply.id]
    assert [r["name"] for r in reply_rows] == ["r.txt"]
    again = {n.id: n for n in connect_again(kitsu).snapshot().notes}
    assert [a.filename for a in again[reply.id].attachments] == ["r.txt"]
    assert len(again[note.id].attachments) == 2, "a reply's files are not its comment's"
    kept = next(a for a in again[note.id].attachments if a.filename == "paint.png")
    edited = endpoint.update_note(
        note.id, NoteContent("Files.", None, (Attachment(kept.filename, token=kept.token),))
    )
    assert [a.token for a in edited.attachments] == [kept.token]
    thread = next(c for c in kitsu.comments(item.name) if c["id"] == note.id)
    assert sorted(r["name"] for r in thread["attachment_files"]) == ["paint.png", "r.txt"]


def connect_again(kitsu: KitsuSide) -> Any:
    return kitsu.reopen()


Rig = MemoryRig


def test_files_travel_both_ways_as_edits(kitsu: KitsuSide, tmp_path: Path) -> None:
    rig = Rig(kitsu, tmp_path)
    comment = post_with_files(kitsu, "Arc.", {"paint.png": PNG})
    rig.run()
    (mirror,) = rig.other.notes.values()
    assert [(a.filename, rig.other.blobs[a.sha256 or ""]) for a in mirror.attachments] == [
        ("paint.png", PNG)
    ]
    rig.other.edit_note(mirror.id, "Arc.", files={"paint.png": PNG, "more.txt": b"and more\n"})
    result = rig.run()
    assert result.counts["update_note"] == 1 and "create_note" not in result.counts
    shot = kitsu.review.shot_names[0]
    rows = next(c for c in kitsu.comments(shot) if c["id"] == comment["id"])["attachment_files"]
    assert sorted(r["name"] for r in rows) == ["more.txt", "paint.png"]
    assert [m["what"] for m in result.media.succeeded if m["direction"] == "up"] == [
        "attachment 'more.txt'"
    ], "paint.png was already in Kitsu: never sent again"
    assert dict(rig.run().counts) == {}
