"""A review file is read strictly, but what syncd wrote from another system always reads back."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncd.connectors.file.endpoint import FileEndpoint
from syncd.connectors.file.review_file import ReviewFileError
from syncd.core.model import NewItem, NewNote, NoteContent


def endpoint(tmp_path: Path, text: str | None = None) -> FileEndpoint:
    folder = tmp_path / "reviews"
    folder.mkdir(exist_ok=True)
    if text is not None:
        (folder / "dailies.yaml").write_text(text)
    return FileEndpoint("file", folder, "dailies")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "items:\n  - name: a\n    notes:\n      - {text: {x: 1}}\n",
            ":4: items[0] 'a', notes[0]: text is a mapping",
        ),
        (
            "items:\n  - name: a\n    notes:\n      - text: ok\n        replies:\n"
            "          - frame: 2\n",
            ":6: items[0] 'a', notes[0].replies[0]: the note has no text",
        ),
        (
            "items:\n  - {name: a, id: i1}\n  - {name: b, id: i1}\n",
            ":3: items[1] 'b': id i1 is also the id of items[0]",
        ),
        (
            "items:\n  - name: a\n    notes:\n      - {text: x, frame: -5}\n",
            ":4: items[0] 'a', notes[0]: frame -5 is not a frame number",
        ),
        ("items: {a: 1}\n", ":1: items: must be a list"),
        ("items:\n  - sh010\n", ":2: items[0]: an item must be a mapping"),
        ("items:\n  - {name: a, status: [wfa]}\n", ":2: items[0] 'a': status must be text"),
        (
            "items:\n  - name: a\n    notes:\n      - {text: x, author: [me]}\n",
            ":4: items[0] 'a', notes[0]: author must be text",
        ),
    ],
)
def test_a_bad_file_is_refused_whole_with_its_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    ep = endpoint(tmp_path, text)
    before = ep.path.read_bytes()
    with pytest.raises(ReviewFileError) as info:
        ep.snapshot()
    assert str(info.value).startswith(f"{ep.path}{expected}")
    assert ep.path.read_bytes() == before


def test_what_syncd_wrote_from_another_system_reads_back(tmp_path: Path) -> None:
    """Two items with one name, a note without text, frame 0 in a header: other systems allow
    them, so a file syncd wrote from them must never be refused on its next read."""
    ep = endpoint(tmp_path)
    first = ep.create_item(NewItem(name="sh010", link="L1"))
    ep.create_item(NewItem(name="sh010", link="L2"))
    ep.create_item(NewItem(name="", link="L3"))
    ep.create_note(NewNote(item=first.id, text="", link="N1"))
    ep.create_note(NewNote(item=first.id, text="framed", frame=0, link="N2"))
    fresh = FileEndpoint("file", ep.folder, "dailies")
    snap = fresh.snapshot()
    assert [i.name for i in snap.items].count("sh010") == 2
    assert sorted(n.text for n in snap.notes) == ["", "framed"]


def test_a_hand_written_copy_of_a_synced_item_is_refused(tmp_path: Path) -> None:
    ep = endpoint(tmp_path)
    ep.create_item(NewItem(name="sh010", link="L1"))
    ep.flush()  # the end of a run
    with ep.path.open("a") as handle:
        handle.write("- name: SH010\n")
    with pytest.raises(ReviewFileError, match="the name is also used by items\\[0\\]"):
        FileEndpoint("file", ep.folder, "dailies").snapshot()


def test_a_runs_writes_are_saved_once_and_survive_a_crash(tmp_path: Path) -> None:
    ep = endpoint(tmp_path)
    item = ep.create_item(NewItem(name="sh010", link="L1"))
    saves: list[int] = []
    save = ep._save
    ep._save = lambda doc: (saves.append(1), save(doc))[1]  # type: ignore[method-assign]
    notes = [
        ep.create_note(NewNote(item=item.id, text=f"note {n}", link=f"N{n}")) for n in range(50)
    ]
    ep.update_note(notes[0].id, NoteContent("note 0, edited"))
    ep.delete_note(notes[1].id)
    assert saves == []  # nothing rewritten while the run writes
    assert ep.pending.exists()
    # the process dies here: a fresh endpoint (the next run) replays the pending log first
    fresh = FileEndpoint("file", ep.folder, "dailies")
    texts = [n.text for n in fresh.snapshot().notes]
    assert texts == ["note 0, edited", *(f"note {n}" for n in range(2, 50))]
    assert not fresh.pending.exists()
    assert "note 0, edited" in fresh.path.read_text()
    # replaying again (a log that was already applied) changes nothing
    assert [n.text for n in FileEndpoint("file", ep.folder, "dailies").snapshot().notes] == texts


def test_a_person_saving_the_file_during_a_run_keeps_their_edit(tmp_path: Path) -> None:
    ep = endpoint(tmp_path)
    item = ep.create_item(NewItem(name="sh010", link="L1"))
    ep.flush()
    ep.create_note(NewNote(item=item.id, text="from syncd", link="N1"))
    text = ep.path.read_text().replace("name: sh010", "name: sh010\n  status: approved")
    ep.path.write_text(text)
    ep.flush()
    saved = FileEndpoint("file", ep.folder, "dailies").snapshot()
    assert saved.items[0].status == "approved"
    assert [n.text for n in saved.notes] == ["from syncd"]
