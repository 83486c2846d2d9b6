"""SyncSketch sketches become pictures on the notes of other systems, and other systems' files
are named in SyncSketch's words: through the real engine, against the stand-in.

A sketch (with or without words) is a note whose file is the frame flattened by the service,
fetched once; an edited sketch replaces that file elsewhere; a flattening task that never
finishes is reported against that item's sketches, within the configured wait, and the rest
of the run goes on; an edit in SyncSketch never takes another system's files away.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from syncd_standins.syncsketch import SyncSketchStandIn

from syncd.connectors import notetext
from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.connectors.syncsketch import open_endpoint as open_syncsketch_endpoint
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime, RunResult
from tests.kitsu.builders import make_png

RED = {"paths": [{"points": [[8, 10], [40, 10]], "color": "#ff0000", "width": 4}]}
BLUE = {"paths": [{"points": [[20, 2], [20, 30]], "color": "#0000ff", "width": 4}]}


class Rig:
    def __init__(self, standin: SyncSketchStandIn, tmp: Path, **settings: Any) -> None:
        self.standin = standin
        self.store = standin.store
        self.project = self.store.add_project("Feature")
        self.review = self.store.add_review(self.project, "Dailies")["id"]
        self.mem = MemoryReview("mem")
        self.state = StateStore.open(f"sqlite:///{tmp / 'state.db'}")
        self.settings = settings
        self.tmp = tmp

    def run(self) -> RunResult:
        ss = open_syncsketch_endpoint(
            "ss",
            {
                "url": self.standin.url,
                "username": "alice",
                "api_key": "alice-key",
                "retry": {"attempts": 2, "backoff": 0.0},
                **self.settings,
            },
            {"project_id": self.project, "review": "Dailies"},
        )
        endpoints = {"ss": ss, "mem": MemoryEndpoint("mem", self.mem)}
        policy = Policy(
            endpoints=("ss", "mem"),
            notes=Direction(BOTH),
            capabilities={name: ep.capabilities for name, ep in endpoints.items()},
        )
        rt = MappingRuntime(
            "dailies", endpoints, policy, StatusTable.from_rows([]), media_dir=self.tmp / "m"
        )
        try:
            return Engine(self.state).run(rt)
        finally:
            ss.close()

    def item(self, name: str) -> int:
        item = self.store.add_item(self.review, name, width=48, height=32)
        picture = self.tmp / f"{name}.png"
        picture.write_bytes(make_png(48, 32, (0, 160, 0)))
        self.store.store_media(item["id"], picture.name, "image/png", picture, new_version=False)
        return int(item["id"])

    def mem_files(self) -> dict[str, list[tuple[str, bytes]]]:
        return {
            n.text: [(a.filename, self.mem.blobs[a.sha256 or ""]) for a in n.attachments]
            for n in self.mem.notes.values()
        }


@pytest.fixture
def rig(syncsketch_standin: SyncSketchStandIn, tmp_path: Path) -> Iterator[Rig]:
    rig = Rig(syncsketch_standin, tmp_path)
    yield rig
    rig.state.dispose()


def pixel(data: bytes, x: int, y: int) -> list[float]:
    import pyvips

    return list(pyvips.Image.new_from_buffer(data, "").getpoint(x, y)[:3])


def test_a_sketch_without_words_arrives_as_its_picture_once(rig: Rig) -> None:
    item = rig.item("sh010")
    rig.store.add_frame(item, "", 41, type="sketch", creator="bob", data=RED)
    rig.store.add_frame(item, "plain words", 3)
    result = rig.run()
    files = rig.mem_files()
    assert files["plain words"] == []
    ((name, picture),) = files[""]
    assert name == "sketch-frame-0042.png"
    assert pixel(picture, 24, 10) == [255, 0, 0], "the sketch is drawn where it was made"
    assert pixel(picture, 24, 25) == [0, 160, 0] or pixel(picture, 24, 25)[1] > 100
    (sketch,) = [n for n in rig.mem.notes.values() if n.attachments]
    assert sketch.frame == 42
    flattens = rig.standin.requests.count("POST", "/api/v2/downloads/flattenedSketches/")
    assert flattens == 1 and result.media.downloads >= 1
    quiet = rig.run()
    assert dict(quiet.counts) == {}
    assert rig.standin.requests.count("POST", "/api/v2/downloads/flattenedSketches/") == 1, (
        "an unchanged sketch is never flattened again"
    )


def test_an_edited_sketch_replaces_its_picture(rig: Rig) -> None:
    item = rig.item("sh010")
    sketch = rig.store.add_frame(item, "the arc", 9, type="sketch", data=RED)
    rig.run()
    (before,) = rig.mem_files()["the arc"]
    rig.store.patch("frame", sketch["id"], {"data": BLUE})
    result = rig.run()
    assert result.counts["update_note"] == 1 and "create_note" not in result.counts
    ((name, after),) = rig.mem_files()["the arc"]
    assert name == "sketch-frame-0010.png" and after != before[1]
    assert pixel(after, 20, 20) == [0, 0, 255]
    assert dict(rig.run().counts) == {}


def test_files_elsewhere_are_named_in_syncsketch_and_never_lost(rig: Rig) -> None:
    item = rig.item("sh010")
    rig.run()
    (mem_item,) = rig.mem.items
    note = rig.mem.add_note(mem_item.id, "See the paint-over.", files={"paint.png": b"\x89PNG x"})
    rig.run()
    (frame,) = [f for f in rig.store.item_frames(item) if f["text"]]
    assert frame["text"].endswith("[attachment: paint.png]")
    assert notetext.without_files(frame["text"]) == "See the paint-over."
    rig.store.patch("frame", frame["id"], {"text": "See the paint-over, and the hands."})
    result = rig.run()
    assert result.counts["update_note"] == 1
    assert rig.mem.notes[note.id].text == "See the paint-over, and the hands."
    assert [a.filename for a in rig.mem.notes[note.id].attachments] == ["paint.png"]
    assert dict(rig.run().counts) == {}


def test_a_flattening_that_never_finishes_is_reported_and_the_run_goes_on(
    syncsketch_standin: SyncSketchStandIn, tmp_path: Path
) -> None:
    rig = Rig(syncsketch_standin, tmp_path, sketch_timeout=1.5)
    first, second = rig.item("sh010"), rig.item("sh020")
    rig.store.add_frame(first, "", 4, type="sketch", data=RED)
    rig.store.add_frame(second, "", 7, type="sketch", data=BLUE)
    rig.store.add_frame(first, "words still travel", 2)
    syncsketch_standin.quirks.flatten_stuck = True
    started = time.monotonic()
    result = rig.run()
    assert time.monotonic() - started < 15, "one wait of sketch_timeout, not one per sketch"
    assert result.outcome in ("ok", "partial")
    assert [n.text for n in rig.mem.notes.values()] == ["words still travel"]
    messages = [p.message for p in [*result.plan.problems, *result.failures]]
    assert any("were not ready after 1.5 s" in m and "sketch_timeout" in m for m in messages), (
        messages
    )
    syncsketch_standin.quirks.flatten_stuck = False
    rig.run()
    assert sorted(n.frame or 0 for n in rig.mem.notes.values()) == [3, 5, 8]
    assert dict(rig.run().counts) == {}
