"""A first run killed at every one of its write points duplicates nothing and loses nothing.

Three endpoints: a review file (items, statuses, notes and replies), the SyncSketch stand-in
(reading a reply's parent from ``parent_id`` only) and the ShotGrid stand-in, each already
holding part of the review in another order, with notes and replies of its own. The first run
has a few dozen writes: creates, replies, statuses, a reorder on each system. For every index
``k`` of those writes, a fresh copy of that world runs ``syncd run --once`` and is SIGKILLed
right after write ``k`` landed and before its answer arrived (remote writes, through a proxy),
or right after the ``k``-th write of the review file reached the disk. The next run must leave
every note exactly once on every side with its thread, the statuses and the order, and the run
after it must write nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

from tests.e2e.helpers import run_in_process, run_once, save_config, writes
from tests.e2e.sides import REVIEW, FileSide, ShotGridSide, SyncSketchSide
from tests.support.faultproxy import FaultProxy, Faults, WriteCount, rest_writes, shotgrid_writes

pytestmark = pytest.mark.slow
SS_KEY = "ss-key-for-tests"
SG_KEY = "sg-key-for-tests"
ENV = {"SS_KEY": SS_KEY, "SG_KEY": SG_KEY}
SHOTS = ["sh010", "sh020", "sh030"]
STATUSES = [
    {"file": "wfa", "syncsketch": "for_review", "shotgrid": "rev"},
    {"file": "done", "syncsketch": "approved", "shotgrid": "apr"},
]


@dataclass
class World:
    folder: Path
    ss: SyncSketchStandIn
    sg: ShotGridStandIn
    count: WriteCount
    proxies: list[FaultProxy]
    sides: dict[str, Any]

    def close(self) -> None:
        for proxy in self.proxies:
            proxy.stop()
        self.ss.stop()
        self.sg.stop()


def build(folder: Path) -> World:
    folder.mkdir(parents=True, exist_ok=True)
    ss = SyncSketchStandIn(users={"syncd": SS_KEY}).start()
    ss.quirks.reply_parent = ("parent_id",)
    ss.store.add_user("sam", "sam@client.example", "Sam", "Supervisor")
    sg = ShotGridStandIn(scripts={"syncd": SG_KEY}).start()
    count = WriteCount()
    ss_proxy = FaultProxy(ss.url, is_write=rest_writes, count=count).start()
    sg_proxy = FaultProxy(sg.url, is_write=shotgrid_writes, count=count).start()

    # the review file: every shot, statuses, two notes each, a reply under the first
    items = []
    for n, shot in enumerate(SHOTS):
        items.append(
            {
                "name": shot,
                "status": STATUSES[n % 2]["file"],
                "notes": [
                    {"text": f"file {shot} a", "replies": [{"text": f"file {shot} a reply"}]},
                    {"text": f"file {shot} b", "frame": 10 + n},
                ],
            }
        )
    file = FileSide(folder)
    file.path.parent.mkdir(parents=True, exist_ok=True)
    file.path.write_text(yaml.safe_dump({"review": "dailies", "items": items}, sort_keys=False))

    # SyncSketch holds two of the shots, the other way round, and a thread of its own
    ss_project = ss.store.add_project("Demo")
    review = ss.store.add_review(ss_project, REVIEW)
    for shot in ("sh030", "sh010"):
        ss.store.add_item(review["id"], shot)
    ss_side = SyncSketchSide(ss, ss_project, SS_KEY)
    ss_side.add_note("sh010", "ss sam's note")
    ss_side.add_note("sh010", "ss sam's reply", reply_to="ss sam's note")

    # ShotGrid holds two others, also out of order, with a Note and a Reply
    sg_project = sg.store.create("Project", {"name": "Demo"})["id"]
    project = {"type": "Project", "id": sg_project}
    playlist = sg.store.create("Playlist", {"code": REVIEW, "project": project})
    for n, shot in enumerate(("sh020", "sh010")):
        version = sg.store.create("Version", {"code": shot, "project": project})
        sg.store.create(
            "PlaylistVersionConnection",
            {
                "playlist": {"type": "Playlist", "id": playlist["id"]},
                "version": {"type": "Version", "id": version["id"]},
                "sg_sort_order": float(n + 1),
            },
        )
    sg_side = ShotGridSide(sg, sg_project)
    sg_side.add_note("sh020", "sg pat's note")
    sg_side.add_note("sh020", "sg pat's reply", reply_to="sg pat's note")

    config = {
        "state": "sqlite:///state.db",
        "systems": {
            "file": file.system(),
            "syncsketch": ss_side.system(ss_proxy.url),
            "shotgrid": sg_side.system(sg_proxy.url),
        },
        "mappings": [
            {
                "name": "dailies",
                "endpoints": {
                    "file": file.endpoint(),
                    "syncsketch": {"project_id": ss_project, "review": REVIEW},
                    "shotgrid": {"project_id": sg_project, "playlist": REVIEW},
                },
                "sync": {"items": "file", "notes": "both", "statuses": "both", "order": "file"},
                "conflicts": "file",
                "statuses": STATUSES,
            }
        ],
    }
    save_config(folder, config)
    return World(
        folder,
        ss,
        sg,
        count,
        [ss_proxy, sg_proxy],
        {"file": file, "syncsketch": ss_side, "shotgrid": sg_side},
    )


EXPECTED = {f"file {s} {x}" for s in SHOTS for x in ("a", "a reply", "b")} | {
    "ss sam's note",
    "ss sam's reply",
    "sg pat's note",
    "sg pat's reply",
}
THREADS = {(f"file {s} a", f"file {s} a reply") for s in SHOTS} | {
    ("ss sam's note", "ss sam's reply"),
    ("sg pat's note", "sg pat's reply"),
}


def check(world: World, when: str) -> None:
    views = {name: side.read() for name, side in world.sides.items()}
    for name, view in views.items():
        missing = EXPECTED - set(view.texts)
        extra = {t: c for t, c in view.texts.items() if t not in EXPECTED or c != 1}
        assert not missing and not extra, f"{when}: on {name} missing {missing}, extra {extra}"
        assert view.replies == THREADS, f"{when}: threads on {name}: {view.replies ^ THREADS}"
        assert view.order == SHOTS, f"{when}: order on {name}: {view.order}"
    table = {row["file"]: row for row in STATUSES}
    for name, view in views.items():
        wanted = {s: table[views["file"].statuses[s]][name] for s in SHOTS}
        assert view.statuses == wanted, f"{when}: statuses on {name}: {view.statuses}"


def killed_run(world: World, command: list[str], kill_at: int | None = None) -> int:
    env = {**os.environ, "SYNCD_LOG_FORMAT": "json", **ENV, "PYTHONPATH": str(ROOT)}
    env.pop("SYNCD_CONFIG", None)
    pid: list[int] = []
    if kill_at is not None:
        for proxy in world.proxies:
            proxy.reset(Faults(kill_at=kill_at, on_kill=lambda: os.kill(pid[0], signal.SIGKILL)))
    proc = subprocess.Popen(
        command, cwd=world.folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    pid.append(proc.pid)
    _, err = proc.communicate(timeout=300)
    for proxy in world.proxies:
        proxy.reset()
    assert b"Traceback" not in err, err.decode()
    return proc.returncode


def recover(world: World, when: str) -> None:
    """The next run (in this process, for speed: the same code as the command) repairs."""
    config = world.folder / "syncd.yaml"
    code, out = run_in_process(config, ENV, "run", "--once", "--json")
    assert code == 0, f"{when}: the recovering run failed: {out}"
    check(world, when)
    code, out = run_in_process(config, ENV, "run", "--once", "--json")
    assert code == 0 and writes(json.loads(out)) == {}, f"{when}: a further run wrote: {out}"


ROOT = Path(__file__).resolve().parents[2]
SYNCD = [sys.executable, "-m", "syncd", "run", "--once"]
ATTEMPTS = 3
"""Fresh worlds a write point is tried in before a run that ends short of it counts as whole."""
KILL_AFTER_FILE_WRITE = [sys.executable, "-m", "tests.support.killafter"]


def test_every_remote_write_point(tmp_path: Path) -> None:
    uncut = build(tmp_path / "uncut")
    try:
        run_once(uncut.folder, ENV)
        remote = uncut.count.value
        check(uncut, "uncut first run")
    finally:
        uncut.close()
    # ShotGrid's notes ride in batches, so the first run is fewer requests than objects
    assert remote >= 20, f"the first run should be big enough: {remote} remote writes"
    # Notes whose turns come in answers that arrive together share a batch, so a run may make
    # a write fewer than the uncut one: such a run ends whole before write k, and is checked as
    # the uncut run is; write k is then tried again in a fresh world.
    killed = set()
    for k in range(1, remote + 1):
        for attempt in range(ATTEMPTS):
            world = build(tmp_path / f"k{k}-{attempt}")
            try:
                code = killed_run(world, SYNCD, kill_at=k)
                if code == 0:
                    check(world, f"a run that ended before remote write {k}")
                    continue
                assert code == -signal.SIGKILL, f"write {k}: exit {code}"
                recover(world, f"killed after remote write {k} of {remote}")
                killed.add(k)
                break
            finally:
                world.close()
    missed = set(range(1, remote + 1)) - killed
    assert missed <= {remote}, f"remote writes {sorted(missed)} of {remote} were never reached"


def test_every_review_file_write_point(tmp_path: Path) -> None:
    k = 1
    while True:
        world = build(tmp_path / f"f{k}")
        try:
            code = killed_run(world, [*KILL_AFTER_FILE_WRITE, str(k), "run", "--once"])
            if code == 0:  # fewer than k file writes in the run: every point was covered
                assert k > 3, "the first run should write the review file several times"
                check(world, "uncut first run")
                return
            assert code == -signal.SIGKILL, f"file write {k}: exit {code}"
            recover(world, f"killed after review file write {k}")
        finally:
            world.close()
        k += 1
