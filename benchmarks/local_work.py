"""syncd's own work per write: a first sync between two in-memory reviews, where writes cost
nothing, against a script that makes the same objects directly.

The first sync's review of 200 items and 2,000 notes (``first_sync.source``) is synced into an
empty in-memory review through the real engine and a fresh SQLite state database, once per
``concurrency`` setting. The baseline, measured in the same run, creates the same items and
notes straight on an empty in-memory review, with no state at all. ``ms/write`` is the run's
wall time per write; ``local ms/write`` is what syncd adds to each write over the baseline
(reading, planning, the journal, recording, the thread pool); ``vs naive`` is the run's time
over the baseline's.

    python benchmarks/local_work.py [--items 200] [--notes 2000] [--concurrency 1,8]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from first_sync import source  # the same review as the first sync against the stand-ins

from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.core.model import NewItem, NewNote
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.logs import configure
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime


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
        endpoints = {
            "mem": MemoryEndpoint("mem", review),
            "b": MemoryEndpoint("b", MemoryReview("b")),
        }
        for endpoint in endpoints.values():
            endpoint.write_concurrency = concurrency
        rt = MappingRuntime(
            "bench",
            endpoints,
            Policy(
                endpoints=("mem", "b"),
                notes=Direction(BOTH),
                statuses=Direction("mem"),
                order=Direction("mem"),
                side_by_side=frozenset({"mem", "b"}) if concurrency > 1 else frozenset(),
            ),
            StatusTable.from_rows([{"mem": s, "b": s} for s in ("wfa", "done")]),
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
