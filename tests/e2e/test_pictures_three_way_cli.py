"""Pictures across three systems with the ``syncd`` command: Kitsu (real Zou), SyncSketch and
ShotGrid (stand-ins).

A sketch drawn in SyncSketch arrives on the Kitsu and ShotGrid notes as its flattened picture,
exactly once; a file attached to a ShotGrid Note reaches Kitsu, and SyncSketch names it in the
comment's words; replies written in each of the three systems stay replies in the other two (all
six directions); quiet reruns write nothing, and a run killed while the files travel leaves no
file missing or twice anywhere.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

from syncd.connectors.notetext import parse, without_files
from tests.e2e.helpers import journal_done, kill_mid_run, run_once, writes
from tests.e2e.test_three_way_cli import SG_KEY, SS_KEY, Sides, stand_ins, write_config
from tests.kitsu.builders import ZouRest, build_review, make_png

pytestmark = pytest.mark.zou
__all__ = ["stand_ins"]  # the fixture, shared with the three-way test

RED = {"paths": [{"points": [[8, 10], [40, 10]], "color": "#ff0000", "width": 4}]}


class Pictures(Sides):
    def ss_texts(self) -> list[str]:
        """The words of every frame, a sketch's too, without the lines naming files."""
        return [without_files(parse(f.get("text") or "")[0]) for f in self.ss_frames()]

    def kitsu_files(self) -> Counter[str]:
        return Counter(
            row["name"] for c in self.kitsu_comments() for row in c.get("attachment_files") or []
        )

    def sg_files(self) -> Counter[str]:
        names: Counter[str] = Counter()
        for note in self.sg_notes():
            link = {"type": "Note", "id": note["id"]}
            for row in self.sg.store.find(
                "Attachment", [["attachment_links", "is", link]], ["this_file"]
            ):
                names[(row.get("this_file") or {}).get("name", "")] += 1
        return names

    def ss_frame(self, words: str) -> dict[str, Any]:
        (found,) = [f for f in self.ss_frames() if words in (f.get("text") or "")]
        return found


def test_pictures_and_threads_across_three_systems(
    zou: Any, gazu_client: Any, stand_ins: tuple[SyncSketchStandIn, ShotGridStandIn], tmp_path: Path
) -> None:
    ss, sg = stand_ins
    review = build_review(gazu_client, shots=2, comments_per_shot=1, with_png_preview=True)
    rest = ZouRest(gazu_client)
    ss_project = ss.store.add_project("Demo")
    sg_project = sg.store.create("Project", {"name": "Demo"})["id"]
    env = {"KITSU_PASSWORD": zou.admin_password, "SS_KEY": SS_KEY, "SG_KEY": SG_KEY}
    write_config(tmp_path, zou, review, ss, ss_project, sg, sg_project)
    sides = Pictures(rest, review, ss, sg)
    run_once(tmp_path, env)
    sides.assert_same_notes()

    # a sketch without words in SyncSketch; a Note with a file in ShotGrid
    ss_item = sides.ss_items()[0]
    ss.store.add_frame(ss_item["id"], "", 11, type="sketch", creator="sam", data=RED)
    version = sides.sg_versions()[1]
    note = sg.store.create(
        "Note",
        {
            "project": {"type": "Project", "id": sg_project},
            "subject": "sh020",
            "content": "See the paint-over.",
            "note_links": [{"type": "Version", "id": version["id"]}],
        },
    )
    paint = tmp_path / "paint-over.png"
    paint.write_bytes(make_png(32, 24, (200, 40, 40)))
    sg.store.attach_file("Note", note["id"], paint, "paint-over.png")
    run_once(tmp_path, env)

    sketch = "sketch-frame-0012.png"
    assert sides.kitsu_files()[sketch] == 1 and sides.sg_files()[sketch] == 1
    assert sides.kitsu_files()["paint-over.png"] == 1
    said = sides.ss_frame("See the paint-over.")["text"]
    assert "[attachment: paint-over.png" in said, "SyncSketch names the file it cannot hold"
    kitsu_sketch = [
        c
        for c in sides.kitsu_comments()
        if any(r["name"] == sketch for r in c.get("attachment_files") or [])
    ]
    assert len(kitsu_sketch) == 1 and "frame 12" in kitsu_sketch[0]["text"]

    # replies written in each system stay replies in the other two
    answered = next(
        f
        for f in sides.ss_frames()
        if f.get("text") and f["type"] == "comment" and not f.get("parent_id")
    )
    ss.store.add_frame(
        int(answered["item_id"]), "Agreed, soften it.", 0, parent_id=answered["id"], creator="sam"
    )
    comment = next(c for c in sides.kitsu_comments() if c.get("text"))
    rest.post(
        f"/data/tasks/{comment['object_id']}/comments/{comment['id']}/reply",
        {"text": "Kitsu answers."},
    )
    sg.store.create(
        "Reply", {"entity": {"type": "Note", "id": note["id"]}, "content": "ShotGrid answers."}
    )
    run_once(tmp_path, env)
    notes = sides.assert_same_notes()
    answers = {"Agreed, soften it.", "Kitsu answers.", "ShotGrid answers."}
    assert answers <= set(notes)
    sg_replies = Counter(parse(r["content"])[0] for r in sg.store.find("Reply", [], ["content"]))
    ss_replies = Counter(
        parse(f["text"])[0] for f in sides.ss_frames() if f.get("parent_id") or f.get("parent")
    )
    kitsu_replies = Counter(
        parse(r["text"])[0] for c in sides.kitsu_comments() for r in c.get("replies") or []
    )
    for answer in answers:
        assert sg_replies[answer] == ss_replies[answer] == kitsu_replies[answer] == 1, answer

    for _ in range(2):
        assert writes(run_once(tmp_path, env)) == {}

    # files travelling when the run is killed: none of them twice anywhere after the rerun
    for n in range(3):
        extra = sg.store.create(
            "Note",
            {
                "project": {"type": "Project", "id": sg_project},
                "subject": f"file {n}",
                "content": f"file note {n}",
                "note_links": [{"type": "Version", "id": version["id"]}],
            },
        )
        picture = tmp_path / f"frame-{n}.png"
        picture.write_bytes(make_png(16, 16, (10 * n, 90, 200)))
        sg.store.attach_file("Note", extra["id"], picture, f"frame-{n}.png")
    done = journal_done(tmp_path / "state.db")
    kill_mid_run(tmp_path, tmp_path / "state.db", after_writes=done + 2, env=env)
    rerun = writes(run_once(tmp_path, env))
    assert set(rerun) == {"create_note"}, f"only the missing copies are written: {rerun}"
    sides.assert_same_notes()
    kitsu = sides.kitsu_files()
    assert all(kitsu[f"frame-{n}.png"] == 1 for n in range(3)), kitsu
    assert sides.kitsu_files()[sketch] == 1 and sides.sg_files()[sketch] == 1
    assert writes(run_once(tmp_path, env)) == {}
