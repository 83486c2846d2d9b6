"""A session cineSync saved over the file, merged with what syncd wrote since it was opened."""

from __future__ import annotations

from pathlib import Path

from syncd.connectors.cinesync import read_session
from syncd.core.model import NewItem, NewNote, NoteContent
from tests.cinesync.sessions import endpoint, run
from tests.cinesync.test_connector import LINK_A, LINK_B, exported

N1, N2 = "n1aaaaaaaaaaaaaaaaaaa", "n2aaaaaaaaaaaaaaaaaaa"


def opened(tmp_path: Path) -> tuple[Path, str]:
    """The exported session, and its text as a reviewer opened it in cineSync."""
    folder, *_ = exported(tmp_path)
    return folder, (folder / "dailies.csc").read_text()


def syncd_writes(folder: Path, **writes: str) -> None:
    ep = endpoint(folder)
    ep.snapshot()
    if "new" in writes:
        ep.create_note(NewNote(LINK_A, writes["new"], "n3aaaaaaaaaaaaaaaaaaa"))
    if "edit" in writes:
        ep.update_note(N2, NoteContent(writes["edit"]))
    if "status" in writes:
        ep.set_status(LINK_A, writes["status"])
    if "delete" in writes:
        ep.delete_note(writes["delete"])
    ep.flush()
    ep.close()


def texts(folder: Path) -> dict[str, str]:
    return {n.id: n.text for n in endpoint(folder).snapshot().notes}


def test_a_save_keeps_what_syncd_wrote_since_the_file_was_opened(tmp_path: Path) -> None:
    folder, seen = opened(tmp_path)
    syncd_writes(folder, new="From Kitsu, meanwhile.", edit="Grade is warm (v2).", status="done")
    saved = seen.replace("Tighten the arc.", "Tighten the arc, a lot.")
    saved = saved.replace(
        "Grade is warm. [syncd:", "Typed in cineSync.&#x0A;&#x0A;Grade is warm. [syncd:"
    )
    (folder / "dailies.csc").write_text(saved)
    now = texts(folder)
    assert now[N1] == "Tighten the arc, a lot.", "the reviewer's edit"
    assert now[N2] == "Grade is warm (v2).", "syncd's edit of a paragraph the reviewer left alone"
    assert now["n3aaaaaaaaaaaaaaaaaaa"] == "From Kitsu, meanwhile.", "syncd's note since"
    assert list(now.values()).count("Typed in cineSync.") == 1
    snap = endpoint(folder).snapshot()
    assert {i.id: i.status for i in snap.items}[LINK_A] == "done"
    run(folder)
    written = read_session(folder / "dailies.csc").media[1]
    assert "done" in written.groups and "wfa" not in written.groups


def test_a_removal_in_cineSync_is_kept_and_so_is_one_by_syncd(tmp_path: Path) -> None:
    folder, seen = opened(tmp_path)
    syncd_writes(folder, delete=N1)
    (folder / "dailies.csc").write_text(seen.replace("Grade is warm. [syncd:" + N2 + "]", ""))
    assert texts(folder) == {}


def test_media_syncd_added_since_stay_and_media_the_reviewer_removed_go(
    tmp_path: Path,
) -> None:
    folder, seen = opened(tmp_path)
    ep = endpoint(folder)
    ep.snapshot()
    ep.create_item(NewItem("sh030", "i0c0c0c0c0c0c0c0c0c0c"))
    ep.flush()
    ep.close()
    start = seen.index("    <media")
    end = seen.index("    </media>\n") + len("    </media>\n")
    (folder / "dailies.csc").write_text(seen[:start] + seen[end:])  # sh020 removed
    items = [i.id for i in endpoint(folder).snapshot().items]
    assert items == [LINK_A, "i0c0c0c0c0c0c0c0c0c0c"]
    assert LINK_B not in items


def test_the_same_saved_session_twice_brings_nothing_new(tmp_path: Path) -> None:
    folder, seen = opened(tmp_path)
    saved = seen.replace("Grade is warm. [syncd:", "Typed once.&#x0A;&#x0A;Grade is warm. [syncd:")
    (folder / "dailies.csc").write_text(saved)
    first = texts(folder)
    run(folder)
    for _ in range(2):
        (folder / "dailies.csc").write_text(saved)
        assert texts(folder) == first
        run(folder)
    assert list(texts(folder).values()).count("Typed once.") == 1
