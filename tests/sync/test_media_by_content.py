"""Media known by its bytes, end to end: a source whose preview changes token but not content
uploads nothing anywhere; new bytes are exactly one new revision on each target.

The source is an in-memory review; the targets are the SyncSketch and ShotGrid stand-ins, read
and written through the real connectors and the real engine, so what counts is what the
stand-ins hold afterwards: SyncSketch revisions of the item, ShotGrid movie Attachments of the
Version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.connectors.shotgrid import open_endpoint as open_shotgrid_endpoint
from syncd.connectors.syncsketch import open_endpoint as open_syncsketch_endpoint
from syncd.core.model import MediaRef
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime, RunResult
from tests.kitsu.builders import make_png
from tests.shotgrid.conftest import KEY, SCRIPT


class Rig:
    def __init__(self, ss: SyncSketchStandIn, sg: ShotGridStandIn, tmp: Path) -> None:
        self.ss, self.sg, self.tmp = ss, sg, tmp
        self.ss_project = ss.store.add_project("Feature")
        ss.store.add_review(self.ss_project, "Dailies")
        self.sg_project = sg.store.create("Project", {"name": "Feature"})
        sg.store.create("Playlist", {"code": "Dailies", "project": self.sg_project})
        self.mem = MemoryReview("mem")
        self.state = StateStore.open(f"sqlite:///{tmp / 'state.db'}")

    def run(self) -> RunResult:
        endpoints = {
            "mem": MemoryEndpoint("mem", self.mem),
            "ss": open_syncsketch_endpoint(
                "ss",
                {"url": self.ss.url, "username": "alice", "api_key": "alice-key"},
                {"project_id": self.ss_project, "review": "Dailies"},
            ),
            "sg": open_shotgrid_endpoint(
                "sg",
                {"url": self.sg.url, "script_name": SCRIPT, "api_key": KEY},
                {"project_id": self.sg_project["id"], "playlist": "Dailies"},
            ),
        }
        rt = MappingRuntime(
            "dailies",
            endpoints,
            Policy(
                endpoints=tuple(endpoints),
                notes=Direction(BOTH),
                media=Direction("mem"),
                capabilities={name: ep.capabilities for name, ep in endpoints.items()},
            ),
            StatusTable.from_rows([]),
            media_dir=self.tmp / "media",
        )
        try:
            result = Engine(self.state).run(rt)
        finally:
            for endpoint in endpoints.values():
                endpoint.close()
        assert result.outcome == "ok", result.failures
        return result

    def show(self, name: str, picture: bytes, token: str) -> None:
        """The source's preview of ``name`` becomes ``picture``, known there as ``token``."""
        sha = hashlib.sha256(picture).hexdigest()
        self.mem.blobs[sha] = picture
        ref = MediaRef(token=token, filename=f"{token}.png", sha256=sha)
        self.mem.items = [
            replace(i, media=ref, modified=self.mem.tick()) if i.name == name else i
            for i in self.mem.items
        ]

    def ss_revisions(self, name: str) -> int:
        (item,) = [i for i in self.ss.store.items.values() if i["name"] == name]
        return len(item["_revision_ids"])

    def sg_movies(self, name: str) -> int:
        (version,) = self.sg.store.find("Version", [["code", "is", name]])
        link = {"type": "Version", "id": version["id"]}
        rows = self.sg.store.find("Attachment", [["attachment_links", "is", link]], ["sg_type"])
        return sum(1 for row in rows if row.get("sg_type") == "File")


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    ss = SyncSketchStandIn(users={"alice": "alice-key"}, media_dir=tmp_path / "ss-media")
    with ss, ShotGridStandIn(scripts={SCRIPT: KEY}) as sg:
        rig = Rig(ss, sg, tmp_path)
        yield rig
        rig.state.dispose()


GREEN = make_png(32, 24, (0, 160, 0))
GREENER = make_png(32, 24, (0, 161, 0))  # one channel of every pixel one step apart


def test_same_bytes_under_a_new_token_upload_nothing_and_new_bytes_one_revision_each(
    rig: Rig,
) -> None:
    rig.mem.add_item("sh010")
    rig.show("sh010", GREEN, "preview-1")
    first = rig.run()
    assert first.media.uploads == 2  # one to each target
    before = (rig.ss_revisions("sh010"), rig.sg_movies("sh010"))
    assert before[0] >= 1 and before[1] >= 1

    rig.show("sh010", GREEN, "preview-2")  # re-published: a new token, the same bytes
    again = rig.run()
    assert again.media.uploads == 0
    assert sum(again.counts.values()) == 0
    assert (rig.ss_revisions("sh010"), rig.sg_movies("sh010")) == before

    rig.show("sh010", GREENER, "preview-3")  # new bytes
    changed = rig.run()
    assert changed.media.uploads == 2
    assert rig.ss_revisions("sh010") == before[0] + 1
    assert rig.sg_movies("sh010") == before[1] + 1
    assert rig.run().media.uploads == 0  # and a quiet rerun moves nothing
