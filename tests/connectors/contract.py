"""The contract every connector honours, as a test class each connector's tests subclass.

The key promises: a write answers what the system holds, which is what was asked (as that
system can hold it: ``Endpoint.expected_note``), and exactly what the next snapshot shows. Echo
suppression, write verification and crash recovery all depend on them; a connector (or a
service) that answers a write with something else than it asked for fails here.

The tests follow the endpoint's capabilities (as vdirsyncer's storage tests follow its
``supports_*`` flags): a test needing a capability the endpoint does not declare is skipped, and
``test_capabilities_match_the_methods`` fails an endpoint whose declared capabilities and
implemented methods disagree, so a forgotten flag fails here, never in a user's run.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from syncd.connectors.base import Endpoint
from syncd.core.capabilities import Capabilities
from syncd.core.model import (
    Attachment,
    Item,
    LocalMedia,
    NewItem,
    NewNote,
    Note,
    NoteContent,
    Person,
)
from syncd.core.verify import content_mismatch, note_mismatch

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201f2c7e4f80000000049454e44ae426082"
)


# capability -> the Endpoint methods that implement it
METHODS: dict[str, tuple[str, ...]] = {
    "can_create_items": ("create_item",),
    "can_create_notes": ("create_note",),
    "can_edit_notes": ("update_note",),
    "can_delete": ("delete_note", "delete_item"),
    "can_reorder": ("set_order",),
    "has_statuses": ("set_status",),
    "has_media": ("set_media", "fetch_media"),
    "has_attachments": ("fetch_attachment",),
}


def needs(*flags: str) -> pytest.MarkDecorator:
    """Run the test only on endpoints that declare every one of ``flags``."""
    return pytest.mark.needs(*flags)


class EndpointContract:
    """Subclass and provide ``endpoint`` (a fresh, empty review) and ``statuses``.

    ``names`` are items an endpoint can create (Kitsu adds existing shots to its playlist);
    ``media_kept_as_sent`` is False for a system that re-encodes what it is sent.
    """

    statuses: tuple[str, str] = ("wfa", "done")
    names: tuple[str, str, str] = ("sh010", "sh020", "sh030")
    media_kept_as_sent = True
    picture = PNG_1x1

    @pytest.fixture
    def endpoint(self, tmp_path: Path) -> Endpoint:
        raise NotImplementedError

    @pytest.fixture(autouse=True)
    def _follow_capabilities(self, request: pytest.FixtureRequest) -> None:
        marker = request.node.get_closest_marker("needs")
        if marker is None:
            return
        endpoint = request.getfixturevalue("endpoint")
        missing = [f for f in marker.args if not getattr(endpoint.capabilities, f)]
        if missing:
            pytest.skip(f"{type(endpoint).__name__} does not declare {', '.join(missing)}")

    def item(self, endpoint: Endpoint, name: str | None = None) -> Item:
        name = name or self.names[0]
        return endpoint.create_item(NewItem(name=name, link=f"link-{name}"))

    def test_capabilities_match_the_methods(self, endpoint: Endpoint) -> None:
        """Each declared write capability is implemented, and each implemented one declared."""
        caps = endpoint.capabilities
        assert isinstance(caps, Capabilities)
        for flag, methods in METHODS.items():
            for method in methods:
                implemented = getattr(type(endpoint), method) is not getattr(Endpoint, method)
                declared = getattr(caps, flag)
                if method == "fetch_attachment":  # drawings are files too (SyncSketch's sketches)
                    declared = declared or bool(caps.drawings)
                assert implemented == declared, (
                    f"{type(endpoint).__name__}.{method} is "
                    f"{'implemented' if implemented else 'missing'} but {flag} is {declared}"
                )

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

    @needs("can_create_items")
    def test_created_item_is_in_the_snapshot(self, endpoint: Endpoint) -> None:
        created = self.item(endpoint)
        snap = endpoint.snapshot()
        assert [i.id for i in snap.items] == [created.id]
        assert snap.items[0].name == created.name == self.names[0]

    @needs("can_create_items", "can_create_notes")
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

    @needs("can_create_items", "can_create_notes")
    def test_reply_reads_back_as_a_reply(self, endpoint: Endpoint) -> None:
        item = self.item(endpoint)
        parent = self.create(endpoint, NewNote(item=item.id, text="Question?", link="n-1"))
        reply = self.create(
            endpoint, NewNote(item=item.id, text="Answer.", link="n-2", parent=parent.id)
        )
        assert reply.parent == parent.id
        assert self.in_snapshot(endpoint, reply).parent == parent.id

    @needs("can_create_items", "can_create_notes", "can_edit_notes")
    def test_edit_reads_back(self, endpoint: Endpoint) -> None:
        item = self.item(endpoint)
        note = self.create(endpoint, NewNote(item=item.id, text="First", link="n-1", frame=3))
        edited = endpoint.update_note(note.id, NoteContent("Second", 4))
        assert content_mismatch(NoteContent("Second", 4), edited.content) is None
        assert (edited.text, edited.frame) == ("Second", 4)
        again = self.in_snapshot(endpoint, note)
        assert (again.text, again.frame) == ("Second", 4)

    @needs("can_create_items", "can_create_notes", "can_delete")
    def test_deleted_note_is_gone(self, endpoint: Endpoint) -> None:
        item = self.item(endpoint)
        keep = endpoint.create_note(NewNote(item=item.id, text="keep", link="n-1"))
        drop = endpoint.create_note(NewNote(item=item.id, text="drop", link="n-2"))
        endpoint.delete_note(drop.id)
        assert [n.id for n in endpoint.snapshot().notes] == [keep.id]

    @needs("can_create_items", "has_statuses")
    def test_status_reads_back(self, endpoint: Endpoint) -> None:
        item = self.item(endpoint)
        for status in self.statuses:
            assert endpoint.set_status(item.id, status).status == status
            assert endpoint.snapshot().items[0].status == status

    @needs("can_create_items", "has_statuses")
    def test_created_item_carries_its_status(self, endpoint: Endpoint) -> None:
        status = self.statuses[0]
        name = self.names[0]
        created = endpoint.create_item(NewItem(name=name, link=f"link-{name}", status=status))
        assert created.status == status
        assert endpoint.snapshot().items[0].status == status

    @needs("can_create_items", "can_reorder")
    def test_order_reads_back(self, endpoint: Endpoint) -> None:
        ids = [self.item(endpoint, name).id for name in self.names]
        held = endpoint.set_order(list(reversed(ids)))
        assert held == list(reversed(ids)), "set_order answers the order the system holds"
        assert [i.id for i in endpoint.snapshot().items] == list(reversed(ids))

    @needs("can_create_items", "has_media")
    def test_media_round_trip(self, endpoint: Endpoint, tmp_path: Path) -> None:
        item = self.item(endpoint)
        media = self.media(tmp_path, self.picture)
        updated = endpoint.set_media(item.id, media)
        assert updated.media is not None
        snap_item = endpoint.snapshot().items[0]
        assert snap_item.media == updated.media
        out = tmp_path / "out"
        out.mkdir()
        fetched = endpoint.fetch_media(snap_item, out)
        if self.media_kept_as_sent:
            assert fetched.sha256 == media.sha256
            assert fetched.path.read_bytes() == self.picture
        else:  # re-encoded by the system: still the picture that was sent
            import pyvips

            sent = pyvips.Image.new_from_buffer(self.picture, "")
            held = pyvips.Image.new_from_file(str(fetched.path))
            assert (held.width, held.height) == (sent.width, sent.height)

    @needs("can_create_items", "can_delete")
    def test_deleted_item_is_gone(self, endpoint: Endpoint) -> None:
        keep = self.item(endpoint, self.names[0])
        drop = self.item(endpoint, self.names[1])
        endpoint.delete_item(drop.id)
        assert [i.id for i in endpoint.snapshot().items] == [keep.id]

    # -- attachments ---------------------------------------------------------------------------
    @staticmethod
    def file(tmp_path: Path, name: str, data: bytes) -> Attachment:
        path = tmp_path / "files" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        return Attachment(name, hashlib.sha256(data).hexdigest(), size=len(data), path=path)

    @staticmethod
    def fetched(endpoint: Endpoint, att: Attachment, tmp_path: Path) -> bytes:
        out = tmp_path / f"out-{att.token}".replace("/", "_").replace(":", "_")
        out.mkdir(parents=True, exist_ok=True)
        local = endpoint.fetch_attachment(att, out)
        data = local.path.read_bytes()
        assert local.sha256 == hashlib.sha256(data).hexdigest()
        return data

    @needs("can_create_items", "can_create_notes", "has_attachments")
    def test_attachments_round_trip(self, endpoint: Endpoint, tmp_path: Path) -> None:
        item = self.item(endpoint)
        files = (
            self.file(tmp_path, "paintover.png", self.picture),
            self.file(tmp_path, "notes.txt", b"the arc, frame 12\n"),
        )
        note = self.create(
            endpoint, NewNote(item=item.id, text="See the files.", link="n-1", attachments=files)
        )
        assert all(a.token and a.sha256 for a in note.attachments), "uploads carry their hash"
        held = self.in_snapshot(endpoint, note).attachments
        assert sorted(a.filename for a in held) == ["notes.txt", "paintover.png"]
        by_name = {a.filename: a for a in held}
        assert self.fetched(endpoint, by_name["notes.txt"], tmp_path) == b"the arc, frame 12\n"
        assert self.fetched(endpoint, by_name["paintover.png"], tmp_path) == self.picture

    @needs("can_create_items", "can_create_notes", "can_edit_notes", "has_attachments")
    def test_an_edit_adds_and_removes_attachments(self, endpoint: Endpoint, tmp_path: Path) -> None:
        item = self.item(endpoint)
        first = self.file(tmp_path, "v1.txt", b"first file\n")
        note = self.create(
            endpoint, NewNote(item=item.id, text="Files.", link="n-1", attachments=(first,))
        )
        kept = self.in_snapshot(endpoint, note).attachments[0]
        second = self.file(tmp_path, "v2.txt", b"second file\n")
        edited = endpoint.update_note(
            note.id,
            NoteContent("Files.", None, (Attachment(kept.filename, token=kept.token), second)),
        )
        assert edited.id == note.id
        again = self.in_snapshot(endpoint, note)
        assert sorted(a.filename for a in again.attachments) == ["v1.txt", "v2.txt"]
        assert kept.token in {a.token for a in again.attachments}, "a kept file is not re-sent"
        newer = next(a for a in again.attachments if a.filename == "v2.txt")
        endpoint.update_note(
            note.id, NoteContent("Files.", None, (Attachment(newer.filename, token=newer.token),))
        )
        final = self.in_snapshot(endpoint, note)
        assert [a.filename for a in final.attachments] == ["v2.txt"]
        assert [n.id for n in endpoint.snapshot().notes] == [note.id], "an edit, not a new note"
        assert self.fetched(endpoint, final.attachments[0], tmp_path) == b"second file\n"
