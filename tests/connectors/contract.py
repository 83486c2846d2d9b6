"""The contract every connector honours, as a test class each connector's tests subclass.

The key promises: a write answers what the system holds, which is what was asked (as that
system can hold it: ``Endpoint.expected_note``), and exactly what the next snapshot shows. Echo
suppression, write verification and crash recovery all depend on them; a connector (or a
service) that answers a write with something else than it asked for fails here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from syncd.connectors.base import Endpoint
from syncd.core.model import Item, LocalMedia, NewItem, NewNote, Note, NoteContent, Person
from syncd.core.verify import content_mismatch, note_mismatch

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201f2c7e4f80000000049454e44ae426082"
)


class EndpointContract:
    """Subclass and provide ``endpoint`` (a fresh, empty review) and ``statuses``."""

    statuses: tuple[str, str] = ("wfa", "done")

    @pytest.fixture
    def endpoint(self, tmp_path: Path) -> Endpoint:
        raise NotImplementedError

    def item(self, endpoint: Endpoint, name: str = "sh010") -> Item:
        return endpoint.create_item(NewItem(name=name, link=f"link-{name}"))

    @staticmethod
    def media(tmp_path: Path, data: bytes = PNG_1x1) -> LocalMedia:
        path = tmp_path / "frame.png"
        path.write_bytes(data)
        return LocalMedia(path, hashlib.sha256(data).hexdigest(), "frame.png", len(data))

    @staticmethod
    def create(endpoint: Endpoint, asked: NewNote) -> Note:
        """Create a note and check the answer is the note asked for."""
        note = endpoint.create_note(asked)
        mismatch = note_mismatch(endpoint.expected_note(asked), note)
        assert mismatch is None, f"the create answered another note than asked: {mismatch}"
        return note

    @staticmethod
    def in_snapshot(endpoint: Endpoint, note: Note) -> Note:
        found = [n for n in endpoint.snapshot().notes if n.id == note.id]
        assert len(found) == 1, f"note {note.id} not (or twice) in the snapshot"
        return found[0]

    def test_created_item_is_in_the_snapshot(self, endpoint: Endpoint) -> None:
        created = self.item(endpoint)
        snap = endpoint.snapshot()
        assert [i.id for i in snap.items] == [created.id]
        assert snap.items[0].name == created.name == "sh010"

    def test_created_note_reads_back_as_returned(self, endpoint: Endpoint) -> None:
        item = self.item(endpoint)
        author = Person("dana@studio.example", "Dana Lead")
        note = self.create(
            endpoint,
            NewNote(
                item=item.id, text="Fix the contact shadow.", link="n-1", author=author, frame=12
            ),
        )
        assert (note.text, note.frame, note.item) == ("Fix the contact shadow.", 12, item.id)
        again = self.in_snapshot(endpoint, note)
        assert (again.text, again.frame, again.parent, again.item) == (
            note.text,
            note.frame,
            note.parent,
            note.item,
        )
        assert again.author is not None and again.author.email == "dana@studio.example"

    def test_reply_reads_back_as_a_reply(self, endpoint: Endpoint) -> None:
        item = self.item(endpoint)
        parent = self.create(endpoint, NewNote(item=item.id, text="Question?", link="n-1"))
        reply = self.create(
            endpoint, NewNote(item=item.id, text="Answer.", link="n-2", parent=parent.id)
        )
        assert reply.parent == parent.id
        assert self.in_snapshot(endpoint, reply).parent == parent.id

    def test_edit_reads_back(self, endpoint: Endpoint) -> None:
        item = self.item(endpoint)
        note = self.create(endpoint, NewNote(item=item.id, text="First", link="n-1", frame=3))
        edited = endpoint.update_note(note.id, NoteContent("Second", 4))
        assert content_mismatch(NoteContent("Second", 4), edited.content) is None
        assert (edited.text, edited.frame) == ("Second", 4)
        again = self.in_snapshot(endpoint, note)
        assert (again.text, again.frame) == ("Second", 4)

    def test_deleted_note_is_gone(self, endpoint: Endpoint) -> None:
        item = self.item(endpoint)
        keep = endpoint.create_note(NewNote(item=item.id, text="keep", link="n-1"))
        drop = endpoint.create_note(NewNote(item=item.id, text="drop", link="n-2"))
        endpoint.delete_note(drop.id)
        assert [n.id for n in endpoint.snapshot().notes] == [keep.id]

    def test_status_reads_back(self, endpoint: Endpoint) -> None:
        item = self.item(endpoint)
        for status in self.statuses:
            assert endpoint.set_status(item.id, status).status == status
            assert endpoint.snapshot().items[0].status == status

    def test_created_item_carries_its_status(self, endpoint: Endpoint) -> None:
        status = self.statuses[0]
        created = endpoint.create_item(NewItem(name="sh010", link="link-sh010", status=status))
        assert created.status == status
        assert endpoint.snapshot().items[0].status == status

    def test_order_reads_back(self, endpoint: Endpoint) -> None:
        ids = [self.item(endpoint, name).id for name in ("sh010", "sh020", "sh030")]
        held = endpoint.set_order(list(reversed(ids)))
        assert held == list(reversed(ids)), "set_order answers the order the system holds"
        assert [i.id for i in endpoint.snapshot().items] == list(reversed(ids))

    def test_media_round_trip(self, endpoint: Endpoint, tmp_path: Path) -> None:
        item = self.item(endpoint)
        media = self.media(tmp_path)
        updated = endpoint.set_media(item.id, media)
        assert updated.media is not None
        snap_item = endpoint.snapshot().items[0]
        assert snap_item.media == updated.media
        out = tmp_path / "out"
        out.mkdir()
        fetched = endpoint.fetch_media(snap_item, out)
        assert fetched.sha256 == media.sha256
        assert fetched.path.read_bytes() == PNG_1x1

    def test_deleted_item_is_gone(self, endpoint: Endpoint) -> None:
        keep = self.item(endpoint, "sh010")
        drop = self.item(endpoint, "sh020")
        endpoint.delete_item(drop.id)
        assert [i.id for i in endpoint.snapshot().items] == [keep.id]
