"""A lost or damaged state file: syncd says so, moves it aside and finds everything again.

The state database only remembers links and fingerprints; the systems hold the review. With the
file deleted, truncated, overwritten with garbage, replaced by text or damaged in one page, the
next ``syncd run`` re-adopts every item and note (notes by content, replies by thread) and
writes nothing at all, and the run after it writes nothing either. Commands that change nothing
(plan, status) report the damage with what to do and leave the file as it is.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from syncd_standins.syncsketch import SyncSketchStandIn

from tests.e2e.helpers import save_config, syncd, writes
from tests.e2e.sides import FileSide, SyncSketchSide

KEY = "ss-key-for-tests"
ENV = {"SS_KEY": KEY}


def garbage(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


def one_page(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(max(4096, (size // 2) // 4096 * 4096))
        handle.write(os.urandom(4096))


def text(path: Path) -> None:
    path.write_text("these are my notes, not a database\n")


def truncated(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def deleted(path: Path) -> None:
    path.unlink()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage": garbage,
    "one-page": one_page,
    "text": text,
    "truncated": truncated,
    "deleted": deleted,
}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Path, FileSide, SyncSketchSide]]:
    standin = SyncSketchStandIn(users={"syncd": KEY}).start()
    standin.quirks.reply_parent = ("parent_id",)
    standin.store.add_user("sam", "sam@client.example", "Sam", "Supervisor")
    ss = SyncSketchSide(standin, standin.store.add_project("Demo"), KEY)
    file = FileSide(tmp_path)
    file.path.parent.mkdir(parents=True)
    items = [
        {
            "name": f"sh0{n}0",
            "status": "wfa",
            "notes": [
                {"text": f"note {n}", "frame": 3 + n, "replies": [{"text": f"reply {n}"}]},
                {"text": f"second note {n}"},
            ],
        }
        for n in range(1, 4)
    ]
    file.path.write_text(yaml.safe_dump({"review": "dailies", "items": items}))
    config = {
        "state": "sqlite:///state.db",
        "systems": {"file": file.system(), "syncsketch": ss.system(standin.url)},
        "mappings": [
            {
                "name": "dailies",
                "endpoints": {"file": file.endpoint(), "syncsketch": ss.endpoint()},
                "sync": {"notes": "both", "statuses": "both", "order": "file"},
                "statuses": [{"file": "wfa", "syncsketch": "for_review"}],
            }
        ],
    }
    save_config(tmp_path, config)
    try:
        yield tmp_path, file, ss
    finally:
        standin.stop()


def run(folder: Path) -> tuple[int, dict[str, int], str]:
    result = syncd(folder, "run", "--once", "--json", env=ENV)
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    return result.returncode, writes(json.loads(result.stdout)), result.stderr


@pytest.mark.parametrize("how", sorted(DAMAGE))
def test_damaged_state_is_moved_aside_and_everything_found_again(
    world: tuple[Path, FileSide, SyncSketchSide], how: str
) -> None:
    folder, file, ss = world
    code, first, _ = run(folder)
    assert code == 0 and first["create_note"] == 9
    ss.add_note("sh020", "sam's note")
    ss.add_note("sh020", "sam's reply", reply_to="sam's note")
    assert run(folder)[0] == 0
    before_file, before_ss = file.read(), ss.read()

    db = folder / "state.db"
    DAMAGE[how](db)
    if how != "deleted":
        for command in ("plan", "status"):
            result = syncd(folder, command, env=ENV)
            assert result.returncode == 1, result.stderr
            assert "is damaged" in result.stderr and "syncd run" in result.stderr
            assert "Traceback" not in result.stderr

    code, again, stderr = run(folder)
    assert code == 0, stderr
    assert again == {}, f"re-adopting wrote {again}"
    if how != "deleted":
        assert "state database was damaged" in stderr
        assert list(folder.glob("state.db.damaged-*")), "the damaged file is kept aside"
    assert file.read() == before_file and ss.read() == before_ss
    assert all(count == 1 for count in ss.read().texts.values())
    assert run(folder)[1] == {}
