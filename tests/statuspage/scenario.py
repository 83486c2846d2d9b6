"""A state database made by real runs, with everything the status page has to show.

Two mappings, run with the real engine and connectors against the SyncSketch and ShotGrid
stand-ins and review files:

* ``dailies``: a studio review file, SyncSketch and ShotGrid. Its runs create the review on both
  services, then meet a preview that does not decode (a failed object), a ShotGrid status in
  no row of the table (an unmapped status), a note edited on two sides (a conflict, the studio
  wins), a note deleted in ShotGrid while deletes are off (restored), a note whose text would
  break a page that does not escape, a note with a pasted secret, and finally a SyncSketch key
  that is refused: a failed run.
* ``client``: two review files with deletes on; deleting most notes in one of them makes the
  next run refuse to delete them on the other.

The configuration refers to its secrets as ``${VAR}``; ``Scenario.env`` holds their values, and
every test that renders a page checks that none of them shows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

from syncd.cli.demo import SEED
from syncd.config import Config, load_config
from syncd.errors import SyncdError
from syncd.state.store import StateStore
from syncd.sync.runtime import open_store, run_mapping
from tests.e2e.helpers import shotgrid_system, syncsketch_system

SS_KEY = "ss-key-7f3a9c1e5b2d4680"
SG_KEY = "sg-key-2b8e6d4f0a1c3957"
UI_TOKEN = "ui-token-c0ffee15good4u"
HOOK_SECRET = "hook-secret-9a8b7c6d5e4f"
HOSTILE = '<script>alert("x")</script> & "quotes" <img src=x onerror=alert(1)>'
NEVER_RUNS = "0 0 1 1 *"
"""A cron schedule that a service started for a test does not fire: the history stays put."""

STUDIO_DAILIES = SEED
"""The demo's own dailies: three shots, two notes by a lead."""

STUDIO_CLIENT = """\
review: client
items:
  - name: pkg010
    notes:
      - {text: Client note 1.}
      - {text: Client note 2.}
      - {text: Client note 3.}
      - {text: Client note 4.}
      - {text: Client note 5.}
      - {text: Client note 6.}
      - {text: Client note 7.}
      - {text: Client note 8.}
"""


@dataclass
class Scenario:
    root: Path
    config_path: Path
    ss: SyncSketchStandIn
    sg: ShotGridStandIn
    env: dict[str, str] = field(default_factory=dict)
    runs: dict[str, list[str]] = field(default_factory=dict)

    @property
    def secrets(self) -> list[str]:
        return list(self.env.values())

    def config(self) -> Config:
        return load_config(self.config_path, env=self.env)

    def store(self) -> StateStore:
        return open_store(self.config())


def _previews(folder: Path) -> None:
    import pyvips

    folder.mkdir(parents=True, exist_ok=True)
    for name, rgb in {"sh010": [200, 90, 40], "sh020": [40, 140, 200]}.items():
        card = (pyvips.Image.black(320, 180, bands=3) + rgb).cast("uchar")
        card.write_to_file(str(folder / f"{name}.png"))
    (folder / "sh030.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a picture")


def _config(root: Path, ss: SyncSketchStandIn, sg: ShotGridStandIn, port: int) -> dict[str, Any]:
    ss_project = ss.store.add_project("Feature")
    sg_project = sg.store.create("Project", {"name": "Feature"})["id"]
    rows = [
        {"studio": "wfa", "syncsketch": "for_review", "shotgrid": "rev"},
        {"studio": "retake", "syncsketch": "on_hold", "shotgrid": "rej"},
        {"studio": "done", "syncsketch": "approved", "shotgrid": "apr"},
    ]
    return {
        "state": "sqlite:///state.db",
        "media_dir": "media-cache",
        "systems": {
            "studio": {"type": "file", "path": "./studio"},
            "outbox": {"type": "file", "path": "./outbox"},
            "syncsketch": syncsketch_system(ss),
            "shotgrid": shotgrid_system(sg),
        },
        "mappings": [
            {
                "name": "dailies",
                "schedule": {"cron": NEVER_RUNS},
                "endpoints": {
                    "studio": {"review": "dailies"},
                    "syncsketch": {"project_id": ss_project, "review": "Dailies", "create": True},
                    "shotgrid": {"project_id": sg_project, "playlist": "Dailies", "create": True},
                },
                "sync": {"items": "studio", "notes": "both", "statuses": "both"}
                | {"media": "studio", "order": "studio"},
                "conflicts": "studio",
                "statuses": rows,
            },
            {
                "name": "client",
                "schedule": {"cron": NEVER_RUNS},
                "endpoints": {"studio": {"review": "client"}, "outbox": {"review": "client"}},
                "sync": {"deletes": "on"},
                "max_delete_share": 0.5,
            },
        ],
        "service": {
            "listen": f"127.0.0.1:{port}",
            "healthy_within": "30m",
            "ui": {"token": "${SYNCD_UI_TOKEN}"},
            "webhook": {"secret": "${HOOK_SECRET}"},
        },
    }


def _edit(path: Path, change: Any) -> None:
    doc = yaml.safe_load(path.read_text())
    change(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


def _keep_first_note(doc: dict[str, Any]) -> None:
    del doc["items"][0]["notes"][1:]


def _run(scenario: Scenario, name: str, env: dict[str, str] | None = None) -> str:
    config = load_config(scenario.config_path, env={**scenario.env, **(env or {})})
    store = open_store(config)
    try:
        result = run_mapping(config, store, config.mapping(name))
        outcome = result.outcome
    except SyncdError:
        outcome = store.last_runs(name, limit=1)[0].outcome
    finally:
        store.dispose()
    scenario.runs.setdefault(name, []).append(outcome)
    return outcome


def build(root: Path, ss: SyncSketchStandIn, sg: ShotGridStandIn, port: int) -> Scenario:
    (root / "studio").mkdir(parents=True)
    (root / "outbox").mkdir()
    _previews(root / "studio" / "media")
    (root / "studio" / "dailies.yaml").write_text(STUDIO_DAILIES)
    (root / "studio" / "client.yaml").write_text(STUDIO_CLIENT)
    ss.store.add_user("sam", "sam@client.example", "Sam", "Supervisor")
    config_path = root / "syncd.yaml"
    config_path.write_text(yaml.safe_dump(_config(root, ss, sg, port), sort_keys=False))
    env = {"SS_KEY": SS_KEY, "SG_KEY": SG_KEY, "SYNCD_UI_TOKEN": UI_TOKEN}
    scenario = Scenario(root, config_path, ss, sg, env | {"HOOK_SECRET": HOOK_SECRET})

    _run(scenario, "dailies")  # sh030's preview does not decode: created nowhere else
    review = next(r for r in ss.store.query("review", {}) if r["name"] == "Dailies")
    items = {i["name"]: i for i in ss.store.review_items(review["id"])}
    rim = ss.store.add_frame(
        items["sh010"]["id"], "Soften the rim light too.", frame=23, creator="sam"
    )
    ss.store.add_frame(
        items["sh010"]["id"], "And the fill light.", frame=23, creator="sam", parent_id=rim["id"]
    )
    ss.store.add_frame(items["sh010"]["id"], HOSTILE, frame=40, creator="sam")
    # the same note edited in the studio file and in SyncSketch: a conflict the studio wins
    frames = ss.store.item_frames(items["sh020"]["id"])
    # someone pastes a key into a note: the pages must not show it
    ss.store.add_frame(items["sh020"]["id"], f"Farm key for tonight: {SG_KEY}", creator="sam")
    ss.store.patch("frame", frames[0]["id"], {"text": "Camera shake: fix in comp (SyncSketch)."})
    _edit(
        root / "studio" / "dailies.yaml",
        lambda doc: doc["items"][1]["notes"][0].update(text="Camera shake: fix in layout."),
    )
    version = sg.store.find("Version", [["code", "is", "sh010"]], ["id"])[0]
    sg.store.update("Version", version["id"], {"sg_status_list": "ip"})  # in no row
    note = sg.store.find("Note", [["subject", "contains", ""]], ["id", "content"])
    sh020 = [n for n in note if "Camera shake" in (n.get("content") or "")]
    if sh020:
        sg.store.delete("Note", sh020[0]["id"])  # deletes are off: restored
    _run(scenario, "dailies")
    _run(scenario, "dailies", env={"SS_KEY": "a-key-syncsketch-refuses"})  # a failed run

    _run(scenario, "client")
    _edit(root / "outbox" / "client.yaml", _keep_first_note)
    _run(scenario, "client")  # would delete 7 of 9 objects on the studio side: refused
    return scenario


@contextlib.contextmanager
def stand_ins() -> Iterator[tuple[SyncSketchStandIn, ShotGridStandIn]]:
    ss = SyncSketchStandIn(users={"syncd": SS_KEY}).start()
    sg = ShotGridStandIn(scripts={"syncd": SG_KEY}).start()
    try:
        yield ss, sg
    finally:
        ss.stop()
        sg.stop()
