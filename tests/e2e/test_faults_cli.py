"""Exactly once under real faults, end to end with the ``syncd`` command.

Every request to the system under test goes through a proxy that, for writes, loses the answer
after the write landed (a 502 page), rate-limits (429) and drops connections, at the rates a bad
day brings. Against the SyncSketch stand-in (in each form its unverified details may take), the
ShotGrid stand-in and a real Zou, a review file and the system exchange notes, replies, statuses
and order: within three runs everything is in place exactly once, replies are replies, every run
where an object failed exits 1 (and only those), and a quiet run afterwards writes nothing.
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

from tests.e2e.helpers import save_config, syncd, writes
from tests.e2e.sides import FileSide, KitsuSide, ShotGridSide, SyncSketchSide, Thread
from tests.kitsu.builders import ZouRest, build_review
from tests.support.faultproxy import FaultProxy, Faults, rest_writes, shotgrid_writes

SS_KEY = "ss-key-for-tests"
SG_KEY = "sg-key-for-tests"
SHOTS = ["SH0010", "SH0020", "SH0030", "SH0040"]
BAD_DAY = {"lost": 0.15, "rate_limited": 0.10, "dropped": 0.05}
WORSE_DAY = {"lost": 0.30, "rate_limited": 0.10, "dropped": 0.05}


def review_file(statuses: tuple[str, str]) -> dict[str, Any]:
    """Four shots, three notes each, a reply under two of them: 18 notes to carry."""
    items = []
    for n, shot in enumerate(SHOTS):
        notes: list[dict[str, Any]] = [
            {"text": f"file note {n}.{k}", "author": "Alice Smith <alice@studio.example>"}
            for k in range(3)
        ]
        notes[0]["frame"] = 12 + n
        notes[1]["replies"] = [{"text": f"file reply {n}.1"}]
        notes[2]["replies"] = [{"text": f"file reply {n}.2"}]
        items.append({"name": shot, "status": statuses[n % 2], "notes": notes})
    return {"review": "dailies", "items": items}


def run(folder: Path, env: dict[str, str]) -> tuple[int, list[dict[str, Any]]]:
    result = syncd(folder, "run", "--once", "--json", env=env)
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr, (
        result.stderr
    )
    assert result.returncode in (0, 1), f"exit {result.returncode}\n{result.stderr}"
    return result.returncode, json.loads(result.stdout)


def converge(folder: Path, env: dict[str, str], runs: int = 3) -> list[int]:
    """Faulty runs until one has nothing left that failed; exit 1 exactly when one did."""
    codes = []
    for _ in range(runs):
        code, summary = run(folder, env)
        failed = [f for entry in summary for f in entry.get("failures", [])]
        assert (code == 1) == bool(failed), f"exit {code} with failures {failed}"
        codes.append(code)
        if code == 0:
            return codes
    raise AssertionError(f"not converged after {runs} runs under faults: exits {codes}")


def expect_same(file: Thread, other: Thread, texts: set[str]) -> None:
    assert set(file.texts) == set(other.texts) == texts, (
        f"missing on file: {texts - set(file.texts)}; missing there: {texts - set(other.texts)}"
        f"; extra: {(set(file.texts) | set(other.texts)) - texts}"
    )
    dupes = {t: c for t, c in (file.texts + other.texts).items() if c != 2}
    assert not dupes, f"duplicated: {dupes}"
    assert file.replies == other.replies, (
        f"threads differ: only in the file {file.replies - other.replies}; "
        f"only there {other.replies - file.replies}"
    )


def exchange(
    tmp_path: Path,
    side: Any,
    proxy: FaultProxy,
    env: dict[str, str],
    statuses: list[dict[str, str]],
    day: dict[str, float],
    *,
    items_from: str = "file",
) -> None:
    """The whole exchange under faults, then a quiet run and the final comparison."""
    file = FileSide(tmp_path)
    file.path.parent.mkdir(parents=True, exist_ok=True)
    file.path.write_text(yaml.safe_dump(review_file((statuses[0]["file"], statuses[1]["file"]))))
    config = {
        "state": "sqlite:///state.db",
        "systems": {"file": file.system(), side.name: side.system(proxy.url)},
        "mappings": [
            {
                "name": "dailies",
                "endpoints": {"file": file.endpoint(), side.name: side.endpoint()},
                "sync": {
                    "items": items_from,
                    "notes": "both",
                    "statuses": "both",
                    "order": "file",
                },
                "conflicts": "file",
                "statuses": statuses,
            }
        ],
    }
    save_config(tmp_path, config)
    proxy.reset(Faults(seed=7, **day))
    converge(tmp_path, env)
    texts = {n["text"] for n in file.notes()}

    # the other side talks back: a note, a reply to a note from the file, a reply to its own
    side.add_note(SHOTS[1], "their note A")
    side.add_note(SHOTS[2], "their reply to the file", reply_to="file note 2.0")
    side.add_note(SHOTS[1], "their reply to A", reply_to="their note A")
    data = yaml.safe_load(file.path.read_text())
    data["items"][3]["notes"][0].setdefault("replies", []).append({"text": "file answers late"})
    data["items"].reverse()
    file.path.write_text(yaml.safe_dump(data, sort_keys=False))
    texts |= {"their note A", "their reply to the file", "their reply to A", "file answers late"}
    proxy.reset(Faults(seed=11, **day))
    converge(tmp_path, env)

    proxy.reset()
    code, summary = run(tmp_path, env)
    assert code == 0 and writes(summary) == {}, f"a quiet run wrote {writes(summary)}"
    mine, theirs = file.read(), side.read()
    expect_same(mine, theirs, texts)
    assert theirs.order == mine.order == list(reversed(SHOTS))
    table = {row["file"]: row[side.name] for row in statuses}
    assert theirs.statuses == {name: table[s] for name, s in mine.statuses.items()}


# -- SyncSketch ----------------------------------------------------------------------------------
@pytest.fixture
def syncsketch() -> Iterator[SyncSketchStandIn]:
    standin = SyncSketchStandIn(users={"syncd": SS_KEY})
    standin.start()
    standin.store.add_user("sam", "sam@client.example", "Sam", "Supervisor")
    try:
        yield standin
    finally:
        standin.stop()


SS_STATUSES = [
    {"file": "wfa", "syncsketch": "for_review"},
    {"file": "done", "syncsketch": "approved"},
]
SS_FORMS = {
    "as-the-stand-in": {},
    "parent_id-only": {"reply_parent": ("parent_id",)},
    "parent-uri-only-empty-answers": {"reply_parent": ("parent",), "empty_create_answer": True},
    "create-ignores-status": {"create_ignores": frozenset({"approval_status"})},
}


@pytest.mark.parametrize("form", sorted(SS_FORMS))
def test_syncsketch_under_faults(syncsketch: SyncSketchStandIn, tmp_path: Path, form: str) -> None:
    for key, value in SS_FORMS[form].items():
        setattr(syncsketch.quirks, key, value)
    side = SyncSketchSide(syncsketch, syncsketch.store.add_project("Demo"), SS_KEY)
    with FaultProxy(syncsketch.url, is_write=rest_writes) as proxy:
        exchange(tmp_path, side, proxy, {"SS_KEY": SS_KEY}, SS_STATUSES, BAD_DAY)


def test_syncsketch_under_worse_faults(syncsketch: SyncSketchStandIn, tmp_path: Path) -> None:
    syncsketch.quirks.reply_parent = ("parent_id",)
    side = SyncSketchSide(syncsketch, syncsketch.store.add_project("Demo"), SS_KEY)
    with FaultProxy(syncsketch.url, is_write=rest_writes) as proxy:
        exchange(tmp_path, side, proxy, {"SS_KEY": SS_KEY}, SS_STATUSES, WORSE_DAY)


# -- ShotGrid ------------------------------------------------------------------------------------
@pytest.fixture
def shotgrid() -> Iterator[ShotGridStandIn]:
    standin = ShotGridStandIn(scripts={"syncd": SG_KEY})
    standin.start()
    try:
        yield standin
    finally:
        standin.stop()


SG_STATUSES = [{"file": "wfa", "shotgrid": "rev"}, {"file": "done", "shotgrid": "apr"}]


@pytest.mark.parametrize("day", [BAD_DAY, WORSE_DAY], ids=["15%", "30%"])
def test_shotgrid_under_faults(
    shotgrid: ShotGridStandIn, tmp_path: Path, day: dict[str, float]
) -> None:
    project = shotgrid.store.create("Project", {"name": "Demo"})["id"]
    side = ShotGridSide(shotgrid, project)
    with FaultProxy(shotgrid.url, is_write=shotgrid_writes) as proxy:
        exchange(tmp_path, side, proxy, {"SG_KEY": SG_KEY}, SG_STATUSES, day)


# -- Kitsu (real Zou) ------------------------------------------------------------------------------
KITSU_STATUSES = [{"file": "wfa", "kitsu": "wfa"}, {"file": "done", "kitsu": "done"}]


@pytest.mark.zou
def test_kitsu_under_faults(zou: Any, gazu_client: Any, tmp_path: Path) -> None:
    review = build_review(gazu_client, shots=4, comments_per_shot=0, with_png_preview=False)
    assert review.shot_names == SHOTS
    side = KitsuSide(ZouRest(gazu_client), review, zou)
    with FaultProxy(zou.url, is_write=rest_writes) as proxy:
        exchange(
            tmp_path,
            side,
            proxy,
            {"KITSU_PASSWORD": zou.admin_password},
            KITSU_STATUSES,
            BAD_DAY,
            items_from="both",
        )
