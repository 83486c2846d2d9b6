"""``syncd plan`` and ``syncd check`` write nothing anywhere: not to SyncSketch, ShotGrid or Kitsu,
not even the review they would create with ``create: true``, and not the ids a review file gets.

Each system's requests are read from its own log: the stand-ins keep one, and a recording proxy
sits in front of the real Zou. A real run afterwards shows the same logs do catch writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

from tests.e2e.helpers import (
    kitsu_endpoint,
    kitsu_system,
    read_review,
    run_once,
    save_config,
    shotgrid_system,
    syncd,
    syncsketch_system,
)
from tests.kitsu.builders import build_review
from tests.support.recording_proxy import RecordingProxy

SS_KEY, SG_KEY = "ss-key-for-tests", "sg-key-for-tests"
SG_READS = frozenset(
    {
        "info",
        "read",
        "get_session_token",
        "schema_read",
        "schema_entity_read",
        "schema_field_read",
        "note_thread_contents",
        "summarize",
        "text_search",
        "download_attachment",
        "file_serve",
        "thumbnail",
    }
)
REVIEW = """\
review: dailies
items:
  - name: sh010
    status: wfa
    notes:
      - text: Hand-written, no id yet.
        frame: 12
        replies:
          - text: A reply, no id yet.
  - name: sh020
"""


@pytest.fixture
def stand_ins() -> Iterator[tuple[SyncSketchStandIn, ShotGridStandIn]]:
    with (
        SyncSketchStandIn(users={"syncd": SS_KEY}) as ss,
        ShotGridStandIn(scripts={"syncd": SG_KEY}) as sg,
    ):
        yield ss, sg


def ss_writes(ss: SyncSketchStandIn) -> list[str]:
    return [f"{r.method} {r.path}" for r in ss.requests.records() if r.method not in ("GET",)]


def sg_writes(sg: ShotGridStandIn) -> list[str]:
    return [name for name in sg.requests if name not in SG_READS]


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def config(
    ss: SyncSketchStandIn, ss_project: int, sg: ShotGridStandIn, sg_project: int
) -> dict[str, Any]:
    return {
        "state": "sqlite:///state/state.db",
        "systems": {
            "local": {"type": "file", "path": "./reviews"},
            "syncsketch": syncsketch_system(ss),
            "shotgrid": shotgrid_system(sg),
        },
        "mappings": [
            {
                "name": "dailies",
                "endpoints": {
                    "local": {"review": "dailies"},
                    "syncsketch": {"project_id": ss_project, "review": "Dailies", "create": True},
                    "shotgrid": {"project_id": sg_project, "playlist": "Dailies", "create": True},
                },
                "sync": {"notes": "both", "statuses": "both"},
                "statuses": [{"local": "wfa", "syncsketch": "for_review", "shotgrid": "rev"}],
            }
        ],
    }


def dry_runs(folder: Path, env: dict[str, str]) -> dict[str, Any]:
    """``plan``, ``plan --json`` and ``check``; each must succeed."""
    out = {}
    for args in (("plan",), ("plan", "--json"), ("check",)):
        result = syncd(folder, *args, env=env)
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr
        out[" ".join(args)] = result.stdout
    return out


def test_plan_and_check_write_nothing_to_syncsketch_shotgrid_or_files(
    stand_ins: tuple[SyncSketchStandIn, ShotGridStandIn], tmp_path: Path
) -> None:
    ss, sg = stand_ins
    ss_project = ss.store.add_project("Demo")
    sg_project = sg.store.create("Project", {"name": "Demo"})["id"]
    save_config(tmp_path, config(ss, ss_project, sg, sg_project))
    (tmp_path / "reviews").mkdir()
    (tmp_path / "reviews" / "dailies.yaml").write_text(REVIEW)
    before = tree(tmp_path / "reviews")
    env = {"SS_KEY": SS_KEY, "SG_KEY": SG_KEY}

    out = dry_runs(tmp_path, env)

    assert "syncsketch: would create review 'Dailies'" in out["plan"]
    assert "shotgrid: would create playlist 'Dailies'" in out["plan"]
    assert "syncsketch: create item 'sh010'" in out["plan"]
    plan = json.loads(out["plan --json"])[0]
    assert any("would create review 'Dailies'" in line for line in plan["setup"])
    assert "dailies/syncsketch: OK: no review 'Dailies' yet" in out["check"]
    assert "would create review 'Dailies'" in out["check"]
    assert "dailies/shotgrid: OK" in out["check"] and "would create playlist" in out["check"]
    assert ss_writes(ss) == []
    assert sg_writes(sg) == []
    assert ss.requests.count() > 0 and sg.count("read") > 0  # they were asked, only read
    assert tree(tmp_path / "reviews") == before
    assert not [r for r in ss.store.query("review", {}) if r["name"] == "Dailies"]
    assert not sg.store.find("Playlist", [["code", "is", "Dailies"]], ["id"])

    # the same logs do see a real run's writes
    run_once(tmp_path, env)
    assert ss_writes(ss) and sg_writes(sg)
    assert tree(tmp_path / "reviews") != before


def test_dry_runs_write_nothing_once_the_reviews_exist(
    stand_ins: tuple[SyncSketchStandIn, ShotGridStandIn], tmp_path: Path
) -> None:
    """After a first run, new notes on every side: plan and check still only read."""
    ss, sg = stand_ins
    ss_project = ss.store.add_project("Demo")
    sg_project = sg.store.create("Project", {"name": "Demo"})["id"]
    save_config(tmp_path, config(ss, ss_project, sg, sg_project))
    (tmp_path / "reviews").mkdir()
    (tmp_path / "reviews" / "dailies.yaml").write_text(REVIEW)
    env = {"SS_KEY": SS_KEY, "SG_KEY": SG_KEY}
    run_once(tmp_path, env)
    path = tmp_path / "reviews" / "dailies.yaml"
    local = read_review(path)
    local["items"].append({"name": "sh030", "notes": [{"text": "New."}]})
    path.write_text(yaml.safe_dump(local, sort_keys=False))
    item = next(i for i in ss.store.query("item", {}) if i["name"] == "sh020")
    ss.store.add_frame(item["id"], "From the client.", frame=4)
    before = tree(tmp_path / "reviews")
    ss.requests.reset()
    sg.reset()

    out = dry_runs(tmp_path, env)

    assert "create item 'sh030'" in out["plan"]
    assert "would create" not in out["plan"]
    assert ss_writes(ss) == [] and sg_writes(sg) == []
    assert tree(tmp_path / "reviews") == before


@pytest.mark.zou
def test_plan_and_check_write_nothing_to_kitsu(
    zou: Any,
    gazu_client: Any,
    stand_ins: tuple[SyncSketchStandIn, ShotGridStandIn],
    tmp_path: Path,
) -> None:
    ss, sg = stand_ins
    review = build_review(gazu_client, shots=2, comments_per_shot=1, with_png_preview=True)
    ss_project = ss.store.add_project("Demo")
    sg_project = sg.store.create("Project", {"name": "Demo"})["id"]
    with RecordingProxy(zou.url) as proxy:
        settings = config(ss, ss_project, sg, sg_project)
        settings["systems"]["kitsu"] = {**kitsu_system(zou), "url": proxy.url}
        mapping = settings["mappings"][0]
        mapping["endpoints"]["kitsu"] = kitsu_endpoint(review)
        mapping["statuses"][0]["kitsu"] = "wfa"
        save_config(tmp_path, settings)
        (tmp_path / "reviews").mkdir()
        names = review.shot_names
        text = REVIEW.replace("sh010", names[0]).replace("sh020", names[1])
        (tmp_path / "reviews" / "dailies.yaml").write_text(text)
        before = tree(tmp_path / "reviews")
        env = {"SS_KEY": SS_KEY, "SG_KEY": SG_KEY, "KITSU_PASSWORD": zou.admin_password}

        out = dry_runs(tmp_path, env)

        assert "dailies/kitsu: OK" in out["check"]
        assert f"syncsketch: create item '{names[0]}'" in out["plan"]
        assert "kitsu: create note 'Hand-written, no id yet.'" in out["plan"]
        kitsu_writes = [
            f"{method} {path}"
            for method, path in proxy.requests
            if method != "GET" and not path.startswith("/auth/")
        ]
        assert kitsu_writes == []
        assert any(method == "GET" for method, _ in proxy.requests)
        assert ss_writes(ss) == [] and sg_writes(sg) == []
        assert tree(tmp_path / "reviews") == before

        run_once(tmp_path, env)  # the proxy does see a real run's writes
        assert any(method != "GET" and not p.startswith("/auth/") for method, p in proxy.requests)
