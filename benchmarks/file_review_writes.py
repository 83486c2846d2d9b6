"""Milliseconds per write into a review file, and whether the cost grows with the file.

A review file of N notes over N/10 items (every fifth note a reply) is synced into an empty
review file, through the real engine, for N = 500 and N = 2000 (``--sizes``). A run's writes are
logged as they land and the file is saved once at the end, so the cost per write should not grow
with the file: the ``vs smallest`` column is each size's milliseconds per write over the
smallest size's, measured in the same run (1.0 is linear time; a file rewritten on every write
grows with its size).

    python benchmarks/file_review_writes.py [--sizes 500,2000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml

from syncd.connectors.file import open_endpoint as open_file_endpoint
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.logs import configure
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime


def write_source(folder: Path, notes: int) -> None:
    items: list[dict[str, object]] = [
        {"name": f"sh{n:04d}", "notes": []} for n in range(max(1, notes // 10))
    ]
    for n in range(notes):
        item = items[n % len(items)]
        listed = item["notes"]
        assert isinstance(listed, list)
        note = {"text": f"note {n}: tighten the arc", "frame": n % 120 + 1}
        if n % 5 == 4 and listed:
            listed[-1].setdefault("replies", []).append(note)
        else:
            listed.append(note)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dailies.yaml").write_text(yaml.safe_dump({"items": items}, sort_keys=False))


def one_size(notes: int) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_source(root / "a", notes)
        endpoints = {
            "a": open_file_endpoint("a", {"path": str(root / "a")}, {"review": "dailies"}),
            "b": open_file_endpoint("b", {"path": str(root / "b")}, {"review": "dailies"}),
        }
        rt = MappingRuntime(
            "bench",
            endpoints,
            Policy(
                endpoints=("a", "b"),
                notes=Direction(BOTH),
                order=Direction("a"),
                capabilities={name: ep.capabilities for name, ep in endpoints.items()},
            ),
            StatusTable.from_rows([]),
            media_dir=root / "media",
        )
        state = StateStore.open(f"sqlite:///{root / 'state.db'}")
        started = time.perf_counter()
        result = Engine(state).run(rt)
        seconds = time.perf_counter() - started
        state.dispose()
        for endpoint in endpoints.values():
            endpoint.close()
    writes = sum(n for kind, n in result.counts.items() if kind != "failed")
    if result.counts.get("failed"):
        raise SystemExit(f"{result.counts['failed']} writes failed")
    return writes, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,2000")
    args = parser.parse_args()
    configure(level="error")
    print(f"{'notes':>6}{'writes':>8}{'seconds':>9}{'ms/write':>10}{'vs smallest':>13}")
    smallest: float | None = None
    for size in (int(s) for s in args.sizes.split(",")):
        writes, seconds = one_size(size)
        per_write = seconds * 1000 / writes
        smallest = smallest or per_write
        ratio = per_write / smallest
        print(f"{size:>6}{writes:>8}{seconds:>9.2f}{per_write:>10.2f}{ratio:>12.2f}x")


if __name__ == "__main__":
    main()
