"""Requests and wall time of SyncSketch sync cycles against the stand-in with real latency.

Seeds a 200-item review with 2,000 comments (every fifth a reply) on a SyncSketch stand-in that
adds 50 ms to every request, then, for each concurrency setting, runs the real engine against an
empty in-memory review:

* first sync: SyncSketch snapshot plus applying everything to the empty memory review (the
  memory writes are free, so this measures SyncSketch reads);
* no-op cycle: the same run again, nothing changed anywhere;
* snapshot only: the SyncSketch read alone, cold (the review is looked up by name first) and
  warm;
* push: 10 new items and 100 new notes written from the memory side to SyncSketch, which shows
  the per-write cost (writes are applied one by one, whatever the concurrency).

    python benchmarks/syncsketch_cycle.py [--items 200] [--notes 2000] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from syncd_standins.syncsketch import SyncSketchStandIn

from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.connectors.syncsketch import open_endpoint as open_syncsketch_endpoint
from syncd.connectors.syncsketch.endpoint import SyncSketchEndpoint
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.logs import configure
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime

ROWS = [{"ss": "for_review", "mem": "wfa"}, {"ss": "approved", "mem": "done"}]


def seed(standin: SyncSketchStandIn, items: int, notes: int) -> tuple[int, str]:
    store = standin.store
    project = store.add_project("Benchmark")
    review = store.add_review(project, "Dailies")
    ids = [
        store.add_item(review["id"], f"sh{n:04d}", approval_status="approved" if n % 3 else "")[
            "id"
        ]
        for n in range(items)
    ]
    last: dict[int, int] = {}
    for n in range(notes):
        item = ids[n % items]
        parent = last.get(item) if n % 5 == 4 else None
        frame = store.add_frame(item, f"note {n}: tighten the arc", n % 120, parent_id=parent)
        last[item] = frame["id"]
    return project, review["name"]


def measure(label: str, endpoint: SyncSketchEndpoint, work: Callable[[], object]) -> None:
    before = endpoint.request_count()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    print(f"  {label:<28} {endpoint.request_count() - before:>6} requests {seconds:>8.2f} s")


def cycle(standin: SyncSketchStandIn, project: int, review: str, concurrency: int) -> None:
    endpoint = open_syncsketch_endpoint(
        "ss",
        {"url": standin.url, "username": "bench", "api_key": "key", "concurrency": concurrency},
        {"project_id": project, "review": review},
    )
    assert isinstance(endpoint, SyncSketchEndpoint)
    memory = MemoryReview("mem")
    with tempfile.TemporaryDirectory() as tmp:
        state = StateStore.open(f"sqlite:///{Path(tmp) / 'state.db'}")
        endpoints = {"ss": endpoint, "mem": MemoryEndpoint("mem", memory)}
        rt = MappingRuntime(
            "bench",
            endpoints,
            Policy(
                endpoints=("ss", "mem"),
                notes=Direction(BOTH),
                statuses=Direction(BOTH),
                order=Direction("ss"),
                capabilities={name: ep.capabilities for name, ep in endpoints.items()},
            ),
            StatusTable.from_rows(ROWS),
            media_dir=Path(tmp) / "media",
        )
        engine = Engine(state)
        print(f"concurrency {concurrency}:")
        measure("snapshot only (cold)", endpoint, endpoint.snapshot)
        for n in range(3):
            measure(f"snapshot only (warm {n + 1})", endpoint, endpoint.snapshot)
        measure("first sync", endpoint, lambda: engine.run(rt))
        measure("no-op cycle", endpoint, lambda: engine.run(rt))
        for n in range(10):
            item = memory.add_item(f"new{concurrency}-{n:02d}")
            for k in range(10):
                memory.add_note(item.id, f"pushed note {k}", frame=k + 1)
        measure("push 10 items + 100 notes", endpoint, lambda: engine.run(rt))
        measure("no-op cycle after push", endpoint, lambda: engine.run(rt))
        state.dispose()
    endpoint.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", default="1,8")
    args = parser.parse_args()
    configure(level="warning")
    print(
        f"review: {args.items} items, {args.notes} notes; "
        f"stand-in latency {args.latency * 1000:.0f} ms per request"
    )
    for concurrency in (int(c) for c in args.concurrency.split(",")):
        with SyncSketchStandIn(users={"bench": "key"}) as standin:  # a fresh review each time
            project, review = seed(standin, args.items, args.notes)
            standin.faults.set(latency=args.latency)
            cycle(standin, project, review, concurrency)


if __name__ == "__main__":
    main()
