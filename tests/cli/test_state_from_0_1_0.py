"""A state database written by syncd 0.1.0 keeps working: upgraded in place, nothing rewritten.

``tests/fixtures/state-0.1.0`` is a two-file mapping (items, statuses, previews, notes with
replies, order) synced by the 0.1.0 release, with its state database as that release left it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from syncd.state.store import HEAD, StateStore
from tests.e2e.helpers import syncd, writes

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "state-0.1.0"


def test_a_0_1_0_database_upgrades_and_the_next_run_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "review"
    shutil.copytree(FIXTURE, folder)
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.yaml")}
    store = StateStore(f"sqlite:///{folder / 'state.db'}")
    assert store.schema_revision() == "0001"
    store.dispose()

    result = syncd(folder, "run", "--once", "--json")
    assert result.returncode == 0, result.stderr
    assert writes(json.loads(result.stdout)) == {}, "nothing written, nothing uploaded again"
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.yaml")}
    assert after == before
    store = StateStore(f"sqlite:///{folder / 'state.db'}")
    assert store.schema_revision() == HEAD
    assert store.link_counts("dailies") == {"item": 3, "note": 4}
    store.dispose()

    status = syncd(folder, "status", "--json")
    assert status.returncode == 0, status.stderr
    runs = json.loads(status.stdout)["mappings"][0]["last_runs"]
    assert [r["outcome"] for r in runs][:3] == ["ok", "ok", "ok"]
