"""Notes keep their files, through the real engine and state, on in-memory reviews.

A file travels with its note as the same bytes, once; adding or removing one is an edit of the
note everywhere, never a new note; a file a side already holds is never sent again; a side that
cannot hold files never takes them away from the others; and a note written in steps (the
note, then its files) that was cut short between the steps is finished, not copied again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from syncd.connectors.memory.endpoint import Crash, MemoryEndpoint, MemoryReview
from syncd.core.capabilities import Capabilities
from syncd.core.model import NewNote, Note, NoteContent
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime
from tests.kitsu.builders import make_png

PNG = make_png(8, 4)


class NoFiles(MemoryEndpoint):
    """A system whose notes hold no files (as SyncSketch's comments)."""

    capabilities = Capabilities.everything(has_attachments=False, reply_attachments=False)

    def expected_note(self, note: NewNote) -> NewNote:
        return replace(note, attachments=())

    def expected_content(self, content: NoteContent, note_id: str | None = None) -> NoteContent:
        return replace(content, attachments=())

    def create_note(self, note: NewNote) -> Note:
        assert all(a.path is None for a in note.attachments), "no bytes sent where none are held"
        return super().create_note(replace(note, attachments=()))

    def update_note(self, note_id: str, content: NoteContent) -> Note:
        return super().update_note(note_id, replace(content, attachments=()))


class Stepwise(MemoryEndpoint):
    """A system where a note and its files are separate writes (as ShotGrid's upload)."""

    def create_note(self, note: NewNote) -> Note:
        bare = super().create_note(replace(note, attachments=()))
        if not note.attachments:
            return bare
        self._guard("attach", "before")
        return super().update_note(bare.id, NoteContent(note.text, note.frame, note.attachments))


class Rig:
    def __init__(self, tmp: Path, b: type[MemoryEndpoint] = MemoryEndpoint) -> None:
        self.reviews = {name: MemoryReview(name) for name in "abc"}
        self.endpoints = {
            "a": MemoryEndpoint("a", self.reviews["a"]),
            "b": b("b", self.reviews["b"]),
            "c": MemoryEndpoint("c", self.reviews["c"]),
        }
        self.store = StateStore.open(f"sqlite:///{tmp / 'state.db'}")
        self.rt = MappingRuntime(
            "m",
            self.endpoints,
            Policy(
                endpoints=("a", "b", "c"),
                notes=Direction(BOTH),
                capabilities={n: e.capabilities for n, e in self.endpoints.items()},
            ),
            StatusTable.from_rows([]),
            media_dir=tmp / "media",
        )
        self.engine = Engine(self.store)

    def run(self):
        return self.engine.run(self.rt)

    def files(self, name: str) -> list[list[tuple[str, bytes]]]:
        review = self.reviews[name]
        return [
            sorted((a.filename, review.blobs[a.sha256 or ""]) for a in n.attachments)
            for n in review.notes.values()
        ]


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    rig = Rig(tmp_path)
    yield rig
    rig.store.dispose()


def test_a_file_travels_with_its_note_once(rig: Rig) -> None:
    item = rig.reviews["a"].add_item("sh010")
    rig.reviews["a"].add_note(item.id, "See the paint-over.", files={"paint.png": PNG})
    result = rig.run()
    assert rig.files("b") == rig.files("c") == [[("paint.png", PNG)]]
    assert result.media.downloads == 1, "downloaded (hashed) once, sent from the cache twice"
    quiet = rig.run()
    assert dict(quiet.counts) == {} and quiet.media.downloads == 0


def test_adding_and_removing_files_is_an_edit_and_nothing_is_sent_twice(rig: Rig) -> None:
    a, b, c = rig.reviews["a"], rig.reviews["b"], rig.reviews["c"]
    item = a.add_item("sh010")
    note = a.add_note(item.id, "Arc.", files={"v1.png": PNG})
    rig.run()
    ids = {name: set(r.notes) for name, r in rig.reviews.items()}
    b_note = next(iter(b.notes.values()))
    c_token = next(iter(c.notes.values())).attachments[0].token
    b.edit_note(b_note.id, "Arc.", files={"v1.png": PNG, "notes.txt": b"frame 12\n"})
    result = rig.run()
    assert result.counts["update_note"] == 2 and "create_note" not in result.counts
    assert {name: set(r.notes) for name, r in rig.reviews.items()} == ids, "the same notes"
    assert rig.files("a") == rig.files("c") == [[("notes.txt", b"frame 12\n"), ("v1.png", PNG)]]
    # c kept its v1.png: only the new file was uploaded there
    uploads = [m for m in result.media.succeeded if m["direction"] == "up"]
    assert sorted((m["system"], m["what"]) for m in uploads) == [
        ("a", "attachment 'notes.txt'"),
        ("c", "attachment 'notes.txt'"),
    ]
    c_v1 = [x for x in next(iter(c.notes.values())).attachments if x.filename == "v1.png"]
    assert [x.token for x in c_v1] == [c_token], "c's own copy was kept, not sent again"
    a.edit_note(note.id, "Arc.", files={"notes.txt": b"frame 12\n"})
    rig.run()
    assert rig.files("b") == rig.files("c") == [[("notes.txt", b"frame 12\n")]]
    assert dict(rig.run().counts) == {}


def test_a_side_without_files_never_takes_them_away(tmp_path: Path) -> None:
    rig = Rig(tmp_path, b=NoFiles)
    a, b = rig.reviews["a"], rig.reviews["b"]
    item = a.add_item("sh010")
    a.add_note(item.id, "Arc.", files={"paint.png": PNG})
    rig.run()
    assert rig.files("b") == [[]] and rig.files("c") == [[("paint.png", PNG)]]
    b_note = next(iter(b.notes.values()))
    b.edit_note(b_note.id, "Arc, and the hands.")
    result = rig.run()
    assert result.counts["update_note"] == 2
    assert sorted(n.text for n in rig.reviews["c"].notes.values()) == ["Arc, and the hands."]
    assert rig.files("a") == rig.files("c") == [[("paint.png", PNG)]], "the file stays"
    assert dict(rig.run().counts) == {}


def test_a_note_cut_short_before_its_files_is_finished_not_copied(tmp_path: Path) -> None:
    rig = Rig(tmp_path, b=Stepwise)
    a, b = rig.reviews["a"], rig.reviews["b"]
    item = a.add_item("sh010")
    a.add_note(item.id, "Arc.", files={"paint.png": PNG})
    rig.run()
    a.add_note(item.id, "Hands.", files={"hands.png": make_png(4, 8)})
    b.fault = lambda op, phase: "crash" if op == "attach" else None
    with pytest.raises(Crash):
        rig.run()
    b.fault = None
    rig.run()
    texts = sorted(n.text for n in b.notes.values())
    assert texts == ["Arc.", "Hands."], texts
    hands = next(n for n in b.notes.values() if n.text == "Hands.")
    assert [x.filename for x in hands.attachments] == ["hands.png"]
    assert hashlib.sha256(b.blobs[hands.attachments[0].sha256 or ""]).hexdigest() == (
        hands.attachments[0].sha256
    )
    assert dict(rig.run().counts) == {}


def test_a_corrupt_picture_is_reported_on_its_note_and_the_rest_goes_on(rig: Rig) -> None:
    a = rig.reviews["a"]
    item = a.add_item("sh010")
    a.add_note(item.id, "Broken paint-over.", files={"paint.png": PNG[:20]})
    a.add_note(item.id, "A plain note.")
    result = rig.run()
    assert result.outcome == "partial"
    messages = [p.message for p in result.failures]
    assert messages and all("attachment 'paint.png'" in m for m in messages), messages
    assert all("not a valid image" in m for m in messages), messages
    for name in "bc":  # the plain note arrived; the broken one spread nowhere
        assert [n.text for n in rig.reviews[name].notes.values()] == ["A plain note."]


def test_a_file_over_the_systems_limit_is_reported_and_the_note_waits(rig: Rig) -> None:
    rig.endpoints["b"].max_attachment_size = 10
    a = rig.reviews["a"]
    item = a.add_item("sh010")
    a.add_note(item.id, "A big file.", files={"big.txt": b"x" * 100})
    result = rig.run()
    (problem,) = result.failures
    assert problem.endpoint == "b"
    assert "attachment 'big.txt' is 100 B, over the 10 B" in problem.message
    assert "systems.b.max_attachment_size" in problem.message
    assert rig.files("c") == [[("big.txt", b"x" * 100)]]  # the other side has it
    assert rig.reviews["b"].notes == {}
    rig.endpoints["b"].max_attachment_size = None  # the limit raised: it arrives, once
    rig.run()
    assert rig.files("b") == [[("big.txt", b"x" * 100)]]
    assert dict(rig.run().counts) == {}


def test_a_copy_without_files_found_after_a_crash_is_a_copy_not_the_original(
    tmp_path: Path,
) -> None:
    """The copy on a side that holds no files landed, the run died before recording it: the
    next run takes it for the copy it is, so the side still missing the note gets it from the
    original, files and all, and the original is not rewritten from the copy."""
    rig = Rig(tmp_path, b=NoFiles)
    a, b, c = rig.reviews["a"], rig.reviews["b"], rig.reviews["c"]
    item = a.add_item("sh010")
    rig.run()
    a.add_note(item.id, "See the paint-over.", files={"paint.png": PNG})
    b.fault = lambda op, phase: "crash" if (op, phase) == ("create_note", "after") else None
    c.fault = lambda op, phase: "fail" if op == "create_note" else None
    with pytest.raises(Crash):
        rig.run()
    assert [n.text for n in b.notes.values()] == ["See the paint-over."] and not c.notes
    b.fault = c.fault = None
    result = rig.run()
    assert dict(result.counts) == {"create_note": 1}, "only the missing copy is written"
    assert rig.files("c") == [[("paint.png", PNG)]], "from the original, with its file"
    assert rig.files("a") == [[("paint.png", PNG)]] and len(b.notes) == 1
    assert dict(rig.run().counts) == {}
