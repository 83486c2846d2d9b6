"""Requests a quiet cycle costs on SyncSketch, for reviews of 20, 200 and 1,000 items.

Each review (two notes per item) is synced once into an empty in-memory review; then the
mapping runs again with nothing changed anywhere, as the service does between edits (the
endpoint is kept between runs, like the service's sessions). Printed per size, with baselines
measured in the same run against the same stand-in:

* ``syncd``: requests of the second quiet cycle (the first pays once for looking the review up);
* ``floor``: the listings a full read cannot do without: one page of items and one of notes per
  thousand (the service's largest page);
* ``naive``: a hand-written script that lists the items and then asks for each item's notes
  (``naive/syncd``: how many times more requests it sends).

    python benchmarks/quiet_cycle.py [--sizes 20,200,1000]
"""

from __future__ import annotations

import argparse
import tempfile
from math import ceil
from pathlib import Path

import requests
from syncd_standins.syncsketch import SyncSketchStandIn

from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.connectors.syncsketch import open_endpoint as open_syncsketch_endpoint
from syncd.connectors.syncsketch.api import PAGE_SIZE
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.logs import configure
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime

USER, KEY = "bench", "key"


def seed(standin: SyncSketchStandIn, items: int) -> tuple[int, int]:
    store = standin.store
    project = store.add_project("Benchmark")
    review = store.add_review(project, "Dailies")
    for n in range(items):
        item = store.add_item(review["id"], f"sh{n:04d}")
        for k in range(2):
            store.add_frame(item["id"], f"note {k} on sh{n:04d}", k + 1)
    return project, int(review["id"])


def syncd_quiet(standin: SyncSketchStandIn, project: int) -> int:
    endpoint = open_syncsketch_endpoint(
        "ss",
        {"url": standin.url, "username": USER, "api_key": KEY},
        {"project_id": project, "review": "Dailies"},
    )
    with tempfile.TemporaryDirectory() as tmp:
        state = StateStore.open(f"sqlite:///{Path(tmp) / 'state.db'}")
        endpoints = {"ss": endpoint, "mem": MemoryEndpoint("mem", MemoryReview("mem"))}
        rt = MappingRuntime(
            "bench",
            endpoints,
            Policy(
                endpoints=("ss", "mem"),
                notes=Direction(BOTH),
                order=Direction("ss"),
                capabilities={name: ep.capabilities for name, ep in endpoints.items()},
            ),
            StatusTable.from_rows([]),
            media_dir=Path(tmp) / "media",
        )
        engine = Engine(state)
        engine.run(rt)  # the first sync
        engine.run(rt)  # the first quiet cycle
        before = endpoint.request_count()
        result = engine.run(rt)
        quiet = endpoint.request_count() - before
        assert not result.counts, f"a quiet cycle wrote {dict(result.counts)}"
        state.dispose()
    endpoint.close()
    return quiet


def naive(standin: SyncSketchStandIn, review: int) -> int:
    """List the items, then each item's notes: what a one-off script does."""
    session = requests.Session()
    session.headers["Authorization"] = f"apikey {USER}:{KEY}"
    sent = 0
    url = f"{standin.url}/api/v1/item/?reviews__id={review}&active=1&limit={PAGE_SIZE}"
    ids: list[int] = []
    while url:
        page = session.get(url, timeout=30).json()
        sent += 1
        ids += [int(i["id"]) for i in page["objects"]]
        following = page["meta"].get("next")
        url = f"{standin.url}{following}" if following else ""
    for item in ids:
        session.get(f"{standin.url}/api/v1/frame/?item__id={item}&active=1", timeout=30).json()
        sent += 1
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,200,1000")
    args = parser.parse_args()
    configure(level="error")
    print(f"{'items':>6}{'syncd':>7}{'floor':>7}{'naive':>7}{'vs floor':>10}{'naive/syncd':>13}")
    for size in (int(s) for s in args.sizes.split(",")):
        with SyncSketchStandIn(users={USER: KEY}) as standin:
            project, review = seed(standin, size)
            quiet = syncd_quiet(standin, project)
            script = naive(standin, review)
        floor = ceil(size / PAGE_SIZE) + ceil(2 * size / PAGE_SIZE)
        print(
            f"{size:>6}{quiet:>7}{floor:>7}{script:>7}"
            f"{quiet / floor:>9.2f}x{script / max(quiet, 1):>12.1f}x"
        )


if __name__ == "__main__":
    main()
