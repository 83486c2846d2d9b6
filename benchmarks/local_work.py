"""syncd's own work per write: a first sync between two in-memory reviews, where writes cost
nothing, against a script that makes the same objects directly.

A review of 200 items and 2,000 notes (every fifth a reply) is synced into an empty in-memory
review through the real engine and a fresh SQLite state database, once per ``concurrency``
setting. The baseline, measured in the same run, creates the same items and notes straight on an
empty in-memory review, with no state at all. ``ms/write`` is the run's wall time per write;
``local ms/write`` is what syncd adds to each write over the baseline (reading, planning, the
journal, recording, the thread pool); ``vs naive`` is the run's time over the baseline's.

    python benchmarks/local_work.py [--items 200] [--notes 2000] [--concurrency 1,8]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.core.model import NewItem, NewNote
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.logs import configure
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime


def source(items: int, notes: int) -> MemoryReview:
    review = MemoryReview("a")
    ids = [review.add_item(f"sh{n:04d}", status="wfa").id for n in range(items)]
    last: dict[str, str] = {}
    for n in range(notes):
        item = ids[n % items]
        parent = last.get(item) if n % 5 == 4 else None
        note = review.add_note(item, f"note {n}: tighten the arc", parent=parent, frame=n % 120 + 1)
        last[item] = note.id
    return review


def naive(review: MemoryReview) -> tuple[float, int]:
    """The same objects made directly on an empty review: what the writes themselves cost."""
    target = MemoryEndpoint("b", MemoryReview("b"))
    started = time.perf_counter()
    items = {}
    for item in review.items:
        made = target.create_item(NewItem(item.name, link=item.id, status=item.status))
        items[item.id] = made.id
    notes: dict[str, str] = {}
    for note in review.notes.values():
        parent = notes[note.parent] if note.parent else None
        made_note = target.create_note(
            NewNote(items[note.item], note.text, link=note.id, parent=parent, frame=note.frame)
        )
        notes[note.id] = made_note.id
    return time.perf_counter() - started, len(items) + len(notes)


def synced(review: MemoryReview, concurrency: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        state = StateStore.open(f"sqlite:///{Path(tmp) / 'state.db'}")
        endpoints = {"a": MemoryEndpoint("a", review), "b": MemoryEndpoint("b", MemoryReview("b"))}
        for endpoint in endpoints.values():
            endpoint.write_concurrency = concurrency
        rt = MappingRuntime(
            "bench",
            endpoints,
            Policy(
                endpoints=("a", "b"),
                notes=Direction(BOTH),
                statuses=Direction("a"),
                order=Direction("a"),
                side_by_side=frozenset({"a", "b"}) if concurrency > 1 else frozenset(),
            ),
            StatusTable.from_rows([{"a": "wfa", "b": "wfa"}]),
            media_dir=Path(tmp) / "media",
        )
        started = time.perf_counter()
        result = Engine(state).run(rt)
        seconds = time.perf_counter() - started
        state.dispose()
    return seconds, sum(n for kind, n in result.counts.items() if kind != "failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--concurrency", default="1,8")
    args = parser.parse_args()
    configure(level="error")
    base, made = naive(source(args.items, args.notes))
    print(f"first sync in memory: {args.items} items, {args.notes} notes")
    print(f"naive script: {base:.2f} s, {base / made * 1000:.3f} ms per object")
    print(
        f"{'conc':>5}{'seconds':>9}{'writes':>8}{'ms/write':>10}{'local ms/write':>16}"
        f"{'vs naive':>10}"
    )
    for concurrency in (int(c) for c in args.concurrency.split(",")):
        seconds, writes = synced(source(args.items, args.notes), concurrency)
        per = seconds / max(writes, 1) * 1000
        local = (seconds - base) / max(writes, 1) * 1000
        print(
            f"{concurrency:>5}{seconds:>9.2f}{writes:>8}{per:>10.3f}{local:>16.3f}"
            f"{seconds / base:>9.1f}x"
        )


if __name__ == "__main__":
    main()
