"""Status page render times for a mapping with many notes.

Two review files holding the same review (items x notes each), one real run that links every
note, then the overview, the mapping page, one item page and the static snapshot, each rendered
a few times from the state database; the best time of each is printed.

    python benchmarks/statuspage_render.py [--items 40] [--notes 50]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from syncd.config import load_config
from syncd.statuspage.auth import UiAuth
from syncd.statuspage.context import PageContext, default_thumbnails
from syncd.statuspage.site import StatusSite
from syncd.statuspage.static import render_snapshot
from syncd.sync.runtime import open_store, run_mapping
from tests.service.support import write_config, write_review

TOKEN = "benchmark-token"


def best(call: Callable[[], object], times: int = 5) -> float:
    fastest = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        call()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--notes", type=int, default=50, help="notes per item")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        config_path = write_config(root, ["big"])
        for side in ("a", "b"):
            write_review(root / side, "big", items=args.items, notes=args.notes)
        config = load_config(config_path)
        store = open_store(config)
        started = time.perf_counter()
        run_mapping(config, store, config.mapping("big"))
        print(
            f"setup: one run linking {args.items * args.notes} notes in "
            f"{time.perf_counter() - started:.1f} s"
        )
        thumbnails = default_thumbnails(config)

        def context() -> PageContext:
            return PageContext(store, config, list(config.mappings), thumbnails)

        site = StatusSite(context, UiAuth(TOKEN))
        headers = {"Authorization": f"Bearer {TOKEN}"}

        def get(path: str) -> bytes:
            answer = site.handle("GET", path, headers)
            assert answer is not None and answer.status == 200, path
            return answer.body

        item = re.findall(rb'href="(/mappings/big/items/[^"]+)"', get("/mappings/big"))[0]
        for label, call in (
            ("overview /", lambda: get("/")),
            ("mapping page", lambda: get("/mappings/big")),
            (f"item page ({args.notes} notes)", lambda: get(item.decode())),
            ("static snapshot (every page)", lambda: render_snapshot(context())),
        ):
            print(f"{label:<32} {best(call) * 1000:7.0f} ms")
        store.dispose()


if __name__ == "__main__":
    main()
