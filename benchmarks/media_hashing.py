"""Cost of hashing while copying media, relative to a plain copy measured in the same run.

Generates a file (1 GiB by default), then times, best of ``--repeat`` runs each and alternating
so that page cache and disk state are shared fairly:

* ``shutil.copyfileobj`` from the file to a new file: the baseline;
* ``copy_hashed``: the same copy, hashing every chunk on the way (what a download into the cache
  does);
* ``MediaCache.put_file(link=False)``: copy + hash + fsync + atomic rename into the cache;
* ``hash_file``: reading and hashing alone.

The source is read from a warm page cache in every run; the ratios are what matter.

    .venv/bin/python benchmarks/media_hashing.py [--size-mib 1024] [--repeat 3] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from syncd.media.cache import MediaCache
from syncd.media.hashing import copy_hashed, hash_file

MIB = 1 << 20


def generate(path: Path, size_mib: int) -> None:
    block = bytearray(os.urandom(16 * MIB))
    with path.open("wb") as out:
        for i in range(0, size_mib, 16):
            block[:8] = i.to_bytes(8, "little")  # no two blocks alike
            out.write(block[: min(16, size_mib - i) * MIB])


def plain_copy(source: Path, dest: Path) -> None:
    with source.open("rb") as src, dest.open("wb") as dst:
        shutil.copyfileobj(src, dst)


def hashed_copy(source: Path, dest: Path) -> None:
    with source.open("rb") as src, dest.open("wb") as dst:
        copy_hashed(src, dst)


def timed(run: Callable[[], object], cleanup: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    cleanup()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        root = Path(folder)
        source, dest = root / "plate.mov", root / "copy.mov"
        generate(source, args.size_mib)
        cache = MediaCache(root / "cache", max_bytes=4 * args.size_mib * MIB)

        def drop_copy() -> None:
            dest.unlink(missing_ok=True)

        def drop_cache() -> None:
            for entry in (root / "cache" / "objects").rglob("*"):
                if entry.is_file():
                    entry.unlink()

        cases: dict[str, tuple[Callable[[], object], Callable[[], None]]] = {
            "shutil.copyfileobj (baseline)": (lambda: plain_copy(source, dest), drop_copy),
            "copy_hashed": (lambda: hashed_copy(source, dest), drop_copy),
            "MediaCache.put_file, copy": (
                lambda: cache.put_file(source, link=False),
                drop_cache,
            ),
            "hash_file (read + hash only)": (lambda: hash_file(source), lambda: None),
        }
        hash_file(source)  # warm the page cache for every case alike
        best = {name: float("inf") for name in cases}
        for _ in range(args.repeat):
            for name, (run, cleanup) in cases.items():
                best[name] = min(best[name], timed(run, cleanup))
    baseline = best["shutil.copyfileobj (baseline)"]
    print(f"media hashing: {args.size_mib} MiB file, warm page cache, best of {args.repeat}")
    for name, seconds in best.items():
        rate = args.size_mib / seconds
        print(f"  {name:32s} {seconds:6.2f} s {rate:7.0f} MiB/s  x{baseline / seconds:4.2f}")
    print("  (x: throughput relative to the baseline copy; higher is faster)")


if __name__ == "__main__":
    main()
