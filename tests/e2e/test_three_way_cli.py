"""One mapping, three systems: Kitsu (real Zou), SyncSketch and ShotGrid (stand-ins).

A note written in any one appears in the other two exactly once, replies stay threaded,
statuses follow the table across all three, order follows Kitsu, media reaches SyncSketch and
ShotGrid, a conflicting edit follows the conflict policy, quiet reruns write nothing, and a run
killed mid-way leaves nothing duplicated or missing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

from syncd.connectors.notetext import parse
from tests.e2e.helpers import (
    journal_done,
    kill_mid_run,
    kitsu_endpoint,
    kitsu_system,
    reverse_playlist,
    run_once,
    save_config,
    shotgrid_system,
    syncsketch_system,
    writes,
)
from tests.kitsu.builders import ReviewFixture, ZouRest, build_review

pytestmark = pytest.mark.zou
SS_KEY = "ss-key-for-tests"
SG_KEY = "sg-key-for-tests"


@pytest.fixture
def stand_ins() -> Iterator[tuple[SyncSketchStandIn, ShotGridStandIn]]:
    ss = SyncSketchStandIn(users={"syncd": SS_KEY})
    sg = ShotGridStandIn(scripts={"syncd": SG_KEY})
    ss.start()
    sg.start()
    ss.store.add_user("sam", "sam@client.example", "Sam", "Supervisor")
    try:
        yield ss, sg
    finally:
        ss.stop()
        sg.stop()


def write_config(
    folder: Path,
    zou: Any,
    review: ReviewFixture,
    ss: SyncSketchStandIn,
    ss_project: int,
    sg: ShotGridStandIn,
    sg_project: int,
) -> None:
    config = {
        "state": "sqlite:///state.db",
        "systems": {
            "kitsu": kitsu_system(zou),
            "syncsketch": syncsketch_system(ss),
            "shotgrid": shotgrid_system(sg),
        },
        "mappings": [
            {
                "name": "dailies",
                "endpoints": {
                    "kitsu": kitsu_endpoint(review),
                    "syncsketch": {"project_id": ss_project, "review": "Dailies", "create": True},
                    "shotgrid": {"project_id": sg_project, "playlist": "Dailies", "create": True},
                },
                "sync": {
                    "items": "kitsu",
                    "notes": "both",
                    "statuses": "both",
                    "media": "kitsu",
                    "order": "kitsu",
                },
                "conflicts": "kitsu",
                "statuses": [
                    {"kitsu": "wfa", "syncsketch": "for_review", "shotgrid": "rev"},
                    {"kitsu": "retake", "syncsketch": "on_hold", "shotgrid": "rej"},
                    {"kitsu": "done", "syncsketch": "approved", "shotgrid": "apr"},
                ],
            }
        ],
    }
    save_config(folder, config)


class Sides:
    """Reads each system's view of the review in plain terms: names, statuses, note texts."""

    def __init__(
        self, rest: ZouRest, review: ReviewFixture, ss: SyncSketchStandIn, sg: ShotGridStandIn
    ) -> None:
        self.rest, self.review, self.ss, self.sg = rest, review, ss, sg

    def kitsu_comments(self) -> list[dict[str, Any]]:
        out = []
        for task in self.review.task_ids:
            out.extend(self.rest.get(f"/data/tasks/{task}/comments"))
        return out

    def kitsu_texts(self) -> list[str]:
        texts = []
        for comment in self.kitsu_comments():
            if comment.get("text"):
                texts.append(parse(comment["text"])[0])
            texts.extend(parse(r["text"])[0] for r in comment.get("replies") or [])
        return texts

    def ss_items(self) -> list[dict[str, Any]]:
        review = next(r for r in self.ss.store.query("review", {}) if r["name"] == "Dailies")
        return self.ss.store.review_items(review["id"])

    def ss_frames(self) -> list[dict[str, Any]]:
        return [f for i in self.ss_items() for f in self.ss.store.item_frames(i["id"])]

    def ss_texts(self) -> list[str]:
        return [parse(f["text"])[0] for f in self.ss_frames() if f.get("text")]

    def sg_playlist(self) -> dict[str, Any]:
        found = self.sg.store.find("Playlist", [["code", "is", "Dailies"]], ["id"])
        assert len(found) == 1
        return found[0]

    def sg_versions(self) -> list[dict[str, Any]]:
        conns = self.sg.store.find(
            "PlaylistVersionConnection",
            [["playlist", "is", {"type": "Playlist", "id": self.sg_playlist()["id"]}]],
            ["version", "sg_sort_order"],
            order=[{"field_name": "sg_sort_order", "direction": "asc"}],
        )
        return [
            self.sg.store.get(
                "Version", c["version"]["id"], ["code", "sg_status_list", "sg_uploaded_movie"]
            )
            for c in conns
        ]

    def sg_notes(self) -> list[dict[str, Any]]:
        ids = [{"type": "Version", "id": v["id"]} for v in self.sg_versions()]
        notes = []
        for link in ids:
            notes.extend(
                self.sg.store.find("Note", [["note_links", "in", [link]]], ["content", "user"])
            )
        return notes

    def sg_texts(self) -> list[str]:
        texts = [parse(n["content"])[0] for n in self.sg_notes()]
        for note in self.sg_notes():
            replies = self.sg.store.find(
                "Reply", [["entity", "is", {"type": "Note", "id": note["id"]}]], ["content"]
            )
            texts.extend(parse(r["content"])[0] for r in replies)
        return texts

    def assert_same_notes(self) -> Counter[str]:
        kitsu, ss, sg = (
            Counter(self.kitsu_texts()),
            Counter(self.ss_texts()),
            Counter(self.sg_texts()),
        )
        assert kitsu == ss == sg, f"\nkitsu={kitsu}\nsyncsketch={ss}\nshotgrid={sg}"
        assert all(count == 1 for count in kitsu.values()), kitsu
        return kitsu


def test_three_way_review(
    zou: Any, gazu_client: Any, stand_ins: tuple[SyncSketchStandIn, ShotGridStandIn], tmp_path: Path
) -> None:
    ss, sg = stand_ins
    review = build_review(gazu_client, shots=3, comments_per_shot=1, with_png_preview=True)
    rest = ZouRest(gazu_client)
    ss_project = ss.store.add_project("Demo")
    sg_project = sg.store.create("Project", {"name": "Demo"})["id"]
    pat = sg.store.create(
        "HumanUser", {"login": "pat", "email": "pat@studio.example", "name": "Pat Producer"}
    )
    env = {"KITSU_PASSWORD": zou.admin_password, "SS_KEY": SS_KEY, "SG_KEY": SG_KEY}
    write_config(tmp_path, zou, review, ss, ss_project, sg, sg_project)
    sides = Sides(rest, review, ss, sg)
    task_of = review.task_by_shot

    # first run: the Kitsu playlist reaches both, in order, with media
    run_once(tmp_path, env)
    assert [i["name"] for i in sides.ss_items()] == review.shot_names
    versions = sides.sg_versions()
    assert [v["code"] for v in versions] == review.shot_names
    assert all(v["sg_uploaded_movie"] for v in versions)
    assert all(ss.store.media_bytes(i["id"]) for i in sides.ss_items())
    assert {v["sg_status_list"] for v in versions} == {"rev"}
    sides.assert_same_notes()

    # a note in ShotGrid by a person, a reply in ShotGrid, a frame comment in SyncSketch
    version = versions[1]
    sg.store.create(
        "Note",
        {
            "project": {"type": "Project", "id": sg_project},
            "subject": "sh020",
            "content": "Grade is too warm.",
            "note_links": [{"type": "Version", "id": version["id"]}],
            "user": {"type": "HumanUser", "id": pat["id"]},
        },
    )
    first_note = sides.sg_notes()[0]
    sg.store.create(
        "Reply",
        {
            "entity": {"type": "Note", "id": first_note["id"]},
            "content": "On it.",
            "user": {"type": "HumanUser", "id": pat["id"]},
        },
    )
    ss.store.add_frame(
        sides.ss_items()[2]["id"], "Jitter on the left hand.", frame=41, creator="sam"
    )
    run_once(tmp_path, env)
    notes = sides.assert_same_notes()
    assert {"Grade is too warm.", "On it.", "Jitter on the left hand."} <= set(notes)
    raw = [c["text"] for c in sides.kitsu_comments() if "left hand" in (c.get("text") or "")]
    assert raw == ["[by Sam Supervisor <sam@client.example>; frame 42] Jitter on the left hand."]
    reply_parents = [
        c
        for c in sides.kitsu_comments()
        if any(parse(r["text"])[0] == "On it." for r in c.get("replies") or [])
    ]
    assert len(reply_parents) == 1, "the ShotGrid reply must stay a reply in Kitsu"

    # a status set in ShotGrid follows the table to Kitsu and SyncSketch
    sg.store.update("Version", version["id"], {"sg_status_list": "apr"})
    run_once(tmp_path, env)
    task1 = rest.get(f"/data/tasks/{task_of[review.shot_ids[1]]}")
    assert task1["task_status_id"] == review.status_id("done")
    assert sides.ss_items()[1]["approval_status"] == "approved"

    # conflicting edits in Kitsu and ShotGrid: Kitsu wins (conflicts: kitsu)
    kitsu_comment = next(
        c for c in sides.kitsu_comments() if parse(c.get("text") or "")[0] == "Grade is too warm."
    )
    sg_note = next(n for n in sides.sg_notes() if parse(n["content"])[0] == "Grade is too warm.")
    rest.put(
        f"/data/comments/{kitsu_comment['id']}",
        {"text": kitsu_comment["text"].replace("too warm", "too warm, per Kitsu")},
    )
    sg.store.update("Note", sg_note["id"], {"content": "Grade is fine, per ShotGrid."})
    run_once(tmp_path, env)
    notes = sides.assert_same_notes()
    assert "Grade is too warm, per Kitsu." in notes and "Grade is fine, per ShotGrid." not in notes

    # order follows Kitsu everywhere
    reverse_playlist(rest, review.playlist_id)
    run_once(tmp_path, env)
    expected_order = list(reversed(review.shot_names))
    assert [i["name"] for i in sides.ss_items()] == expected_order
    assert [v["code"] for v in sides.sg_versions()] == expected_order

    # quiet reruns write nothing
    for _ in range(3):
        assert writes(run_once(tmp_path, env)) == {}

    # killed mid-way, rerun: nothing duplicated or missing anywhere
    for n in range(6):
        sg.store.create(
            "Note",
            {
                "project": {"type": "Project", "id": sg_project},
                "subject": f"note {n}",
                "content": f"batch note {n}",
                "note_links": [{"type": "Version", "id": sides.sg_versions()[n % 3]["id"]}],
            },
        )
    done = journal_done(tmp_path / "state.db")
    kill_mid_run(tmp_path, tmp_path / "state.db", after_writes=done + 4, env=env)
    run_once(tmp_path, env)
    notes = sides.assert_same_notes()
    assert all(notes[f"batch note {n}"] == 1 for n in range(6))
    assert writes(run_once(tmp_path, env)) == {}
