"""A local content-addressed store of media, so a preview is downloaded once however often it moves.

Files are named by their SHA-256 under two-letter shard folders (``objects/ab/ab12...``), with
derived files (thumbnails) beside them as ``<sha256>.<label>``. The name *is* the content, so a
file is only ever renamed into place whole and verified: a download streams into ``tmp/``, is
fsynced, checked against the expected length and hash, and renamed atomically. A process killed
mid-download leaves a ``.part`` file that no lookup ever sees and that ``sweep`` removes later.

Several processes may share one cache: they coordinate only through atomic renames and tolerate
files vanishing under them (another process evicting). Within one process a lock guards pins and
eviction, and a pinned entry (one the current run is using) is never evicted. Recency is kept in
each file's access time, set explicitly on use, so it survives restarts without an index and never
touches the modification time that change detection relies on (a hard-linked entry shares it with
the original file).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import platformdirs

from syncd.core.model import LocalMedia
from syncd.errors import RetriableError, SkippableError
from syncd.media import fsutil
from syncd.media.hashing import Digest, HashingWriter, copy_hashed, hash_file

DEFAULT_MAX_BYTES = 50 * 2**30
_SHA = re.compile(r"[0-9a-f]{64}")
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def default_root() -> Path:
    """The platform's per-user cache folder for syncd, ``media`` inside it."""
    return Path(platformdirs.user_cache_dir("syncd")) / "media"


@dataclass(frozen=True, slots=True)
class CachedMedia:
    """A verified file in the cache: its content hash, its length and where it is."""

    sha256: str
    size: int
    path: Path

    def as_local(self, filename: str) -> LocalMedia:
        return LocalMedia(self.path, self.sha256, filename, self.size)


def _check_sha(sha256: str) -> str:
    if not _SHA.fullmatch(sha256):
        raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")
    return sha256


class MediaCache:
    """Content-addressed media files under ``root``, kept under ``max_bytes`` by LRU eviction.

    The cap can be exceeded by what is in use: entries pinned in this process, the entry just
    added, and entries any process added or looked up in the last ``grace`` seconds (so one
    process does not pull a file from under another that has just been handed its path).
    """

    def __init__(
        self,
        root: Path | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        *,
        stale_after: float = 3600.0,
        grace: float = 60.0,
    ) -> None:
        self.root = Path(root) if root is not None else default_root()
        self.max_bytes = max_bytes
        self.stale_after, self.grace = stale_after, grace
        self._objects = self.root / "objects"
        self._tmp = self.root / "tmp"
        self._objects.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._pins: Counter[str] = Counter()
        self._clock = 0
        self.sweep()

    # -- lookups ---------------------------------------------------------------------------
    def path_for(self, sha256: str, label: str | None = None) -> Path:
        """Where an entry lives (whether or not it is there)."""
        name = _check_sha(sha256)
        if label is not None:
            if not _LABEL.fullmatch(label):
                raise ValueError(f"not a safe label for a derived file: {label!r}")
            name = f"{name}.{label}"
        return self._objects / sha256[:2] / name

    def get(self, sha256: str, label: str | None = None) -> Path | None:
        """The entry's path, marked as just used; None when it is not (or no longer) cached."""
        path = self.path_for(sha256, label)
        try:
            self._touch(path)
        except FileNotFoundError:
            return None
        return path

    def __contains__(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    # -- adding ----------------------------------------------------------------------------
    def put_stream(
        self,
        chunks: Iterable[bytes],
        *,
        expected_sha256: str | None = None,
        expected_size: int | None = None,
        label: str = "download",
        pin: bool = False,
    ) -> CachedMedia:
        """Stream ``chunks`` into the cache, verified; ``label`` names the source in messages."""
        expected = _check_sha(expected_sha256.lower()) if expected_sha256 else None
        with self._temp() as (tmp, handle):
            writer = HashingWriter(handle)
            for chunk in chunks:
                writer.write(chunk)
                fsutil.check_size(label, expected_size, writer.size, partial=True)
            handle.flush()
            os.fsync(handle.fileno())
            digest = writer.digest()
            fsutil.check_size(label, expected_size, digest.size)
            fsutil.check_expected(label, expected, digest)
            return self._install(tmp, digest, pin)

    def put_file(
        self,
        path: Path,
        *,
        expected_sha256: str | None = None,
        link: bool = True,
        pin: bool = False,
    ) -> CachedMedia:
        """Add a local file, reading it once: hard-linked when on the same file system, else copied.

        A hard-linked entry shares its bytes with ``path``: rewriting that file in place (not
        replacing it) would change the entry too. Uploads from the cache pass the expected hash
        to ``HashingReader``, which catches that; ``discard`` then drops the entry.
        """
        path = Path(path)
        expected = _check_sha(expected_sha256.lower()) if expected_sha256 else None
        before = os.stat(path)
        if link and before.st_dev == os.stat(self._tmp).st_dev:
            digest = hash_file(path)
            fsutil.check_unchanged(path, before)
            fsutil.check_expected(path.name, expected, digest)
            if (found := self._existing(digest, pin)) is not None:
                return found
            tmp = self._temp_name()
            try:
                os.link(path, tmp)
            except OSError:
                pass  # a file system without hard links: copy below
            else:
                if os.stat(tmp).st_ino != before.st_ino:
                    tmp.unlink(missing_ok=True)
                    raise SkippableError(f"media {path.name!r} was replaced while being cached")
                return self._install(tmp, digest, pin)
        with self._temp() as (tmp, handle), path.open("rb") as source:
            digest = copy_hashed(source, handle)
            handle.flush()
            os.fsync(handle.fileno())
            fsutil.check_unchanged(path, before)
            fsutil.check_expected(path.name, expected, digest)
            return self._install(tmp, digest, pin)

    def adopt(self, path: Path, sha256: str, size: int, *, pin: bool = False) -> CachedMedia:
        """Take in a file written in ``scratch`` and hashed while it was written (a streamed
        download): renamed into place, never read a second time."""
        path = Path(path)
        if not path.is_relative_to(self._tmp):
            raise ValueError(f"{path} is not in the cache's scratch folder")
        digest = Digest(_check_sha(sha256.lower()), size)
        if path.stat().st_size != size:
            path.unlink(missing_ok=True)
            raise SkippableError(f"media {path.name!r}: {size} bytes were expected on disk")
        found = self._existing(digest, pin)
        if found is not None:
            path.unlink(missing_ok=True)
            return found
        return self._install(path, digest, pin)

    @property
    def scratch(self) -> Path:
        """Where downloads are written before they are adopted (same file system: a rename)."""
        return self._tmp

    def put_derived(self, sha256: str, label: str, source: Path) -> Path:
        """Move ``source`` (a file made from entry ``sha256``) into the cache under ``label``."""
        final = self.path_for(sha256, label)
        final.parent.mkdir(parents=True, exist_ok=True)
        self._touch(source)
        os.replace(source, final)
        with self._lock:
            self._evict(keep={sha256})
        return final

    @contextlib.contextmanager
    def temp_path(self, suffix: str = "") -> Iterator[Path]:
        """A fresh path inside the cache (same file system, so ``put_derived`` is a rename)."""
        path = self._temp_name(suffix)
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)

    def discard(self, sha256: str) -> None:
        """Forget an entry (found corrupt, say) and what was derived from it."""
        shard = self.path_for(sha256).parent
        for entry in fsutil.scandir(shard):
            if entry.name.startswith(sha256):
                fsutil.unlink(Path(entry.path))

    # -- pins ------------------------------------------------------------------------------
    def pin(self, sha256: str) -> None:
        """Keep the entry (and what derives from it) from eviction until ``unpin``."""
        with self._lock:
            self._pins[_check_sha(sha256)] += 1

    def unpin(self, sha256: str) -> None:
        with self._lock:
            self._pins[sha256] -= 1
            if self._pins[sha256] <= 0:
                del self._pins[sha256]

    @contextlib.contextmanager
    def pinned(self, sha256: str) -> Iterator[Path | None]:
        """``with cache.pinned(sha) as path:`` the entry, safe from eviction, or None."""
        self.pin(sha256)
        try:
            yield self.get(sha256)
        finally:
            self.unpin(sha256)

    # -- housekeeping ----------------------------------------------------------------------
    def usage(self) -> int:
        """Bytes held by entries (temp files not included)."""
        return sum(size for _, size, _ in fsutil.entries(self._objects))

    def evict(self) -> int:
        """Drop least recently used entries until under the cap; the bytes freed."""
        with self._lock:
            return self._evict(keep=set())

    def sweep(self, stale_after: float | None = None) -> int:
        """Remove temp files untouched for ``stale_after`` seconds (left by a crash); how many."""
        limit = time.time() - (self.stale_after if stale_after is None else stale_after)
        return fsutil.remove_older(self._tmp, limit)

    # -- internals -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _temp(self) -> Iterator[tuple[Path, BinaryIO]]:
        path = self._temp_name()
        try:
            with path.open("xb") as handle:
                yield path, handle
        finally:
            path.unlink(missing_ok=True)  # gone already when installed

    def _temp_name(self, suffix: str = "") -> Path:
        return self._tmp / f"{os.getpid()}-{secrets.token_hex(8)}{suffix}.part"

    def _touch(self, path: Path) -> None:
        with self._lock:
            self._clock = max(time.time_ns(), self._clock + 1)
            now = self._clock
        os.utime(path, ns=(now, os.stat(path).st_mtime_ns))

    def _existing(self, digest: Digest, pin: bool) -> CachedMedia | None:
        if pin:
            self.pin(digest.sha256)
        path = self.get(digest.sha256)
        if path is None:
            if pin:
                self.unpin(digest.sha256)
            return None
        return CachedMedia(digest.sha256, digest.size, path)

    def _install(self, tmp: Path, digest: Digest, pin: bool) -> CachedMedia:
        final = self.path_for(digest.sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            if pin:
                self._pins[digest.sha256] += 1
            self._touch(tmp)  # enters as the newest: no evictor takes it for an old one
            try:
                os.replace(tmp, final)  # same content either way if another writer won
            except PermissionError:
                if not final.exists():  # Windows: the entry is open elsewhere
                    raise
                tmp.unlink(missing_ok=True)
            fsutil.fsync_dir(final.parent)
            self._evict(keep={digest.sha256})
        if not final.exists():
            if pin:
                self.unpin(digest.sha256)
            raise RetriableError(f"cache entry {digest.sha256[:16]} was evicted as it was added")
        return CachedMedia(digest.sha256, digest.size, final)

    def _evict(self, keep: set[str]) -> int:
        used_after = time.time_ns() - int(self.grace * 1e9)
        pins = self._pins
        return fsutil.evict_lru(
            self._objects, self.max_bytes, used_after, lambda s: s in keep or s in pins
        )
