"""``syncd demo``: one review kept in step across a tracker, SyncSketch, ShotGrid and cineSync.

No accounts, no servers to install: the demo starts the SyncSketch and ShotGrid stand-ins, plays
the tracker with a review file (where no real Kitsu is configured), keeps a cineSync session file
next to it, and runs the real engine, the real connectors and a real state database between all
four. It then plays a supervisor commenting in SyncSketch, a producer writing in ShotGrid and a
reviewer drawing in cineSync (what cineSync's event script would send), and shows each change
arrive everywhere exactly once. Everything is written to one folder, started afresh on every run.

The stand-ins are the ``syncd-standins`` distribution next to syncd in the repository
(``pip install -e ./standins``), not part of the syncd wheel; this module is the only part of
syncd that imports them, and ``syncd demo`` says what to install when they are missing.
"""

from __future__ import annotations

import shutil
import textwrap
import time
from pathlib import Path
from typing import Any

import yaml
from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

from syncd.config import load_config
from syncd.sync.engine import RunResult
from syncd.sync.runtime import open_store, run_mapping

SS_USER, SS_KEY = "syncd", "demo-syncsketch-key"
SG_SCRIPT, SG_KEY = "syncd", "demo-shotgrid-key"

SEED = """\
review: dailies
items:
  - name: sh010
    status: wfa
    media: {file: media/sh010.png}
    notes:
      - text: Contact shadow is missing under the left foot.
        author: Dana Lead <dana@studio.example>
        frame: 12
  - name: sh020
    status: retake
    media: {file: media/sh020.png}
    notes:
      - text: Camera shake is too strong after the cut.
        author: Dana Lead <dana@studio.example>
  - name: sh030
    status: wfa
    media: {file: media/sh030.png}
"""


def _config(ss: SyncSketchStandIn, ss_project: int, sg: ShotGridStandIn, sg_project: int) -> str:
    config = {
        "state": "sqlite:///state.db",
        "media_dir": "media-cache",
        "systems": {
            "studio": {"type": "file", "path": "./studio"},
            "cinesync": {"type": "cinesync", "path": "./studio/sessions"},
            "syncsketch": {
                "type": "syncsketch",
                "url": ss.url,
                "username": SS_USER,
                "api_key": SS_KEY,
            },
            "shotgrid": {
                "type": "shotgrid",
                "url": sg.url,
                "script_name": SG_SCRIPT,
                "api_key": SG_KEY,
            },
        },
        "mappings": [
            {
                "name": "dailies",
                "schedule": {"every": "5s"},
                "endpoints": {
                    "studio": {"review": "dailies"},
                    "syncsketch": {"project_id": ss_project, "review": "Dailies", "create": True},
                    "shotgrid": {"project_id": sg_project, "playlist": "Dailies", "create": True},
                    "cinesync": {"session": "dailies"},
                },
                "sync": {
                    "items": "studio",
                    "notes": "both",
                    "statuses": "both",
                    "media": "studio",
                    "order": "studio",
                    "deletes": "off",
                },
                "conflicts": "studio",
                "statuses": [
                    {
                        "studio": "wfa",
                        "syncsketch": "for_review",
                        "shotgrid": "rev",
                        "cinesync": "Waiting for review",
                    },
                    {
                        "studio": "retake",
                        "syncsketch": "on_hold",
                        "shotgrid": "rej",
                        "cinesync": "Retake",
                    },
                    {
                        "studio": "done",
                        "syncsketch": "approved",
                        "shotgrid": "apr",
                        "cinesync": "Approved",
                    },
                ],
            }
        ],
    }
    header = (
        "# syncd demo: a review file (the tracker), SyncSketch and ShotGrid stand-ins, and a\n"
        "# cineSync session file (studio/sessions/dailies.csc).\n"
        "# The stand-ins' addresses change on every `syncd demo` run.\n"
    )
    return header + yaml.safe_dump(config, sort_keys=False)


def _write_previews(folder: Path) -> None:
    """Three small colour cards, made with pyvips as a real preview would be validated."""
    import pyvips

    folder.mkdir(parents=True, exist_ok=True)
    colours = {"sh010": [200, 90, 40], "sh020": [40, 140, 200], "sh030": [90, 180, 90]}
    for name, rgb in colours.items():
        card = (pyvips.Image.black(320, 180, bands=3) + rgb).cast("uchar")
        card.write_to_file(str(folder / f"{name}.png"))


def _outcome(result: RunResult) -> str:
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(result.counts.items()))
    return f"{result.outcome}: {counts or 'nothing to do'}"


def run_demo(folder: Path, *, serve: bool = False) -> int:
    folder = folder.resolve()
    for stale in ("state.db", "state.db-wal", "state.db-shm", "studio", "media-cache"):
        path = folder / stale
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    (folder / "studio").mkdir(parents=True, exist_ok=True)
    _write_previews(folder / "studio" / "media")
    (folder / "studio" / "dailies.yaml").write_text(SEED)

    ss = SyncSketchStandIn(users={SS_USER: SS_KEY}).start()
    sg = ShotGridStandIn(scripts={SG_SCRIPT: SG_KEY}).start()
    try:
        ss.store.add_user("sam", "sam@client.example", "Sam", "Supervisor")
        ss_project = ss.store.add_project("Demo")
        sg_project = sg.store.create("Project", {"name": "Demo"})["id"]
        pat = sg.store.create(
            "HumanUser", {"login": "pat", "email": "pat@studio.example", "name": "Pat Producer"}
        )
        config_path = folder / "syncd.yaml"
        config_path.write_text(_config(ss, ss_project, sg, sg_project))
        config = load_config(config_path)
        store = open_store(config)
        mapping = config.mapping("dailies")

        print(f"syncd demo in {folder}")
        print(f"  SyncSketch stand-in: {ss.url}   ShotGrid stand-in: {sg.url}\n")
        print("1. First run: the studio's review (studio/dailies.yaml) goes to SyncSketch,")
        print("   ShotGrid and cineSync: items in order, previews, statuses and notes.")
        print(f"   {_outcome(run_mapping(config, store, mapping))}")
        review = next(r for r in ss.store.query("review", {}) if r["name"] == "Dailies")
        items = ss.store.review_items(review["id"])
        print(f"   SyncSketch review 'Dailies': {', '.join(i['name'] for i in items)}")
        playlist = sg.store.find("Playlist", [["code", "is", "Dailies"]], ["versions"])[0]
        print(f"   ShotGrid playlist 'Dailies': {len(playlist['versions'])} versions")
        session = folder / "studio" / "sessions" / "dailies.csc"
        print(f"   cineSync session {session.relative_to(folder)}: {', '.join(_media(session))}")

        print("\n2. Sam comments on frame 24 of sh010 in SyncSketch and approves sh030;")
        print("   Pat writes a note on sh020 in ShotGrid; Lee, reviewing in cineSync, circles")
        print("   something on frame 30 of sh030 and writes a note there (what cineSync hands")
        print("   `syncd cinesync-event`).")
        _review_in_cinesync(config, mapping)
        ss.store.add_frame(items[0]["id"], "Soften the rim light too.", frame=23, creator="sam")
        ss.store.patch("item", items[2]["id"], {"approval_status": "approved"})
        version = sg.store.find("Version", [["code", "is", "sh020"]], ["id"])[0]
        sg.store.create(
            "Note",
            {
                "project": {"type": "Project", "id": sg_project},
                "subject": "sh020",
                "content": "Grade is a touch warm.",
                "note_links": [{"type": "Version", "id": version["id"]}],
                "user": {"type": "HumanUser", "id": pat["id"]},
            },
        )

        print("\n3. Second run: each change reaches the three other systems, exactly once.")
        print(f"   {_outcome(run_mapping(config, store, mapping))}")

        print("\n4. Third run: nothing changed anywhere, so nothing is written.")
        last = run_mapping(config, store, mapping)
        print(f"   {_outcome(last)}")

        studio = (folder / "studio" / "dailies.yaml").read_text()
        print(f"\nThe studio's review file now reads ({folder / 'studio' / 'dailies.yaml'}):\n")
        print(textwrap.indent(_readable(studio), "    "))
        if not serve:
            print("Run `syncd demo --serve` to keep the stand-ins up and sync every 5 seconds")
            print("while you edit studio/dailies.yaml (or talk to the stand-ins directly);")
            print("`syncd cinesync url -m dailies --open` opens the session in cineSync.")
            return 0 if not last.failed else 1
        _serve(config, store, mapping, ss, sg)
        return 0
    finally:
        ss.stop()
        sg.stop()


def _media(session: Path) -> list[str]:
    from syncd.connectors.cinesync import read_session

    return [m.name or "?" for m in read_session(session).media]


def _review_in_cinesync(config: Any, mapping: Any) -> None:
    """The session as a reviewer has it in cineSync, taken in as its event script would be."""
    from syncd.connectors import open_endpoint
    from syncd.connectors.cinesync import parse_session
    from syncd.connectors.cinesync.event import take_in

    system = config.systems["cinesync"]
    selector = dict(mapping.endpoints["cinesync"])
    endpoint = open_endpoint("cinesync", "cinesync", dict(system.settings), selector)
    text = endpoint.path.read_text()
    at = text.rindex("</media>")
    drawn = (
        '<annotation frame="30"><notes>The hand pops here; ease it in.</notes>'
        '<circle color="#ff3300" alpha="1"><startPoint x="0.3" y="0.3" />'
        '<endPoint x="0.6" y="0.7" /></circle></annotation>'
    )
    try:
        take_in(endpoint, parse_session((text[:at] + drawn + text[at:]).encode()))
    finally:
        endpoint.close()


def _readable(text: str) -> str:
    """The review file without syncd's bookkeeping keys, for the printout."""
    data = yaml.safe_load(text)

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ("id", "syncd", "at")}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return yaml.safe_dump(strip(data), sort_keys=False, allow_unicode=True, width=100)


def _serve(
    config: Any, store: Any, mapping: Any, ss: SyncSketchStandIn, sg: ShotGridStandIn
) -> None:
    print("\nServing until Ctrl-C. Credentials for the stand-ins:")
    print(f"  SyncSketch {ss.url}  user {SS_USER}, api key {SS_KEY}")
    print(f"  ShotGrid   {sg.url}  script {SG_SCRIPT}, key {SG_KEY}")
    try:
        while True:
            time.sleep(5)
            result = run_mapping(config, store, mapping)
            if result.counts:
                print(f"  {time.strftime('%H:%M:%S')} {_outcome(result)}", flush=True)
    except KeyboardInterrupt:
        print()
