"""Small file-system steps shared by the cache: each tolerant of files that vanish meanwhile.

Several processes may share a cache folder, so a file seen a moment ago can be gone (another
process evicted it): listing and removing treat that as normal, never as an error.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from syncd.errors import SkippableError
from syncd.media.hashing import Digest


def check_expected(label: str, expected: str | None, digest: Digest) -> None:
    if expected and digest.sha256 != expected:
        raise SkippableError(
            f"download of {label!r} is corrupt: expected sha256 {expected}, "
            f"received {digest.sha256} ({digest.size} bytes)"
        )


def check_size(label: str, expected: int | None, got: int, *, partial: bool = False) -> None:
    """A download longer than announced (checked as it arrives), or shorter (at its end)."""
    if expected is None or got == expected or (partial and got < expected):
        return
    if got > expected:
        raise SkippableError(
            f"download of {label!r} is longer than expected: expected {expected} bytes, "
            f"received more than {expected}"
        )
    raise SkippableError(
        f"download of {label!r} is truncated: expected {expected} bytes, received {got}"
    )


def check_unchanged(path: Path, before: os.stat_result) -> None:
    after = os.stat(path)
    if (after.st_size, after.st_mtime_ns, after.st_ino) != (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    ):
        raise SkippableError(f"media {path.name!r} changed while it was being cached")


def scandir(path: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as entries:
            return [entry for entry in entries if entry.is_file() or entry.is_dir()]
    except FileNotFoundError:
        return []


def entries(objects: Path) -> Iterator[tuple[int, int, Path]]:
    """(last use in ns, size, path) of every entry in the shards, skipping those that vanish."""
    for shard in scandir(objects):
        for entry in scandir(Path(shard.path)):
            with contextlib.suppress(FileNotFoundError):
                stat = entry.stat()
                yield stat.st_atime_ns, stat.st_size, Path(entry.path)


def evict_lru(
    objects: Path, max_bytes: int, used_after_ns: int, protected: Callable[[str], bool]
) -> int:
    """Remove least recently used entries until under ``max_bytes``; the bytes freed.

    Entries used after ``used_after_ns`` and ``protected(sha256)`` ones stay, even when that
    leaves the total over the cap.
    """
    found = sorted(entries(objects))
    total = sum(size for _, size, _ in found)
    freed = 0
    for used, size, path in found:
        if total <= max_bytes or used > used_after_ns:
            break  # sorted by last use: everything from here on is recent
        if protected(path.name[:64]):
            continue
        unlink(path)
        total -= size
        freed += size
    return freed


def remove_older(folder: Path, limit: float) -> int:
    """Remove the files of ``folder`` last modified before ``limit`` (epoch seconds); how many."""
    removed = 0
    for entry in scandir(folder):
        with contextlib.suppress(FileNotFoundError):
            if entry.stat().st_mtime > limit:
                continue
            if entry.is_dir(follow_symlinks=False):  # a download's own folder, left by a crash
                shutil.rmtree(entry.path, ignore_errors=True)
                removed += 1
            else:
                removed += unlink(Path(entry.path))
    return removed


def unlink(path: Path) -> int:
    try:
        path.unlink()
    except (FileNotFoundError, PermissionError):  # gone, or open elsewhere on Windows
        return 0
    return 1


def fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
