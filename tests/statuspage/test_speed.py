"""The page stays cheap: a mapping with 2,000 notes renders well under a second."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from syncd.config import load_config
from syncd.statuspage.auth import UiAuth
from syncd.statuspage.context import PageContext, default_thumbnails
from syncd.statuspage.site import StatusSite
from syncd.sync.runtime import open_store, run_mapping
from tests.service.support import write_config, write_review

pytestmark = pytest.mark.slow
TOKEN = "speed-test-token"


def _best(call: object, times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


def test_a_mapping_with_2000_notes_renders_well_under_a_second(tmp_path: Path) -> None:
    config_path = write_config(tmp_path, ["big"])
    for side in ("a", "b"):  # the same review on both sides: the run adopts every note
        write_review(tmp_path / side, "big", items=40, notes=50)
    config = load_config(config_path)
    store = open_store(config)
    assert run_mapping(config, store, config.mapping("big")).outcome == "ok"
    assert store.link_counts("big") == {"item": 40, "note": 2000}
    thumbnails = default_thumbnails(config)
    site = StatusSite(
        lambda: PageContext(store, config, list(config.mappings), thumbnails), UiAuth(TOKEN)
    )
    headers = {"Authorization": f"Bearer {TOKEN}"}

    def get(path: str) -> str:
        answer = site.handle("GET", path, headers)
        assert answer is not None and answer.status == 200
        return answer.body.decode()

    page = get("/mappings/big")
    assert "2000" in page and page.count('class="item"') == 40
    item = re.findall(r'href="(/mappings/big/items/[^"]+)"', page)[0]
    assert get(item).count("note-row") == 50
    timings = {path: _best(lambda p=path: get(p)) for path in ("/", "/mappings/big", item)}
    print("render times:", {k: f"{v * 1000:.0f} ms" for k, v in timings.items()})
    assert timings["/mappings/big"] < 1.0
    assert timings[item] < 1.0
    assert timings["/"] < 0.5
    store.dispose()
