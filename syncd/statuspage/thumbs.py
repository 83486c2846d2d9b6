"""Thumbnails for the status page: found on local disk, never fetched from a tracker.

``thumbnail_path(sha256) -> Path | None`` is the hook the media pipeline plugs into once it
keeps thumbnails of its own. Until then the default looks in the media cache (``media_dir``):
a ``thumbs/<sha256>.jpg`` when one is there, else a cached image whose name starts with the
first 16 hex digits of its hash (as the connectors name the files they download). A file review
keeps its media next to it, so its files are found by path. Images are shrunk to a small JPEG
once and kept in memory; anything else gets the page's placeholder.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from syncd.media.images import IMAGE_SUFFIXES

ThumbnailHook = Callable[[str], Path | None]
_HEX = re.compile(r"^[0-9a-f]{64}$")
_PREFIX = re.compile(r"^([0-9a-f]{16})-")
_SHRINKABLE = IMAGE_SUFFIXES - {".exr", ".heic", ".heif"}
WIDTH, HEIGHT = 240, 135


def is_sha256(value: str | None) -> bool:
    return bool(value) and _HEX.match(value or "") is not None


class MediaDirLookup:
    """The default ``thumbnail_path``: the media cache, indexed at most once a minute."""

    def __init__(self, media_dir: Path | None, rescan_after: float = 60.0) -> None:
        self.media_dir = media_dir
        self.rescan_after = rescan_after
        self._index: dict[str, Path] = {}
        self._scanned = float("-inf")
        self._lock = threading.Lock()

    def _scan(self) -> dict[str, Path]:
        index: dict[str, Path] = {}
        if self.media_dir is None or not self.media_dir.is_dir():
            return index
        for folder, _dirs, files in os.walk(self.media_dir):
            for name in files:
                match = _PREFIX.match(name)
                if match and Path(name).suffix.lower() in _SHRINKABLE:
                    index.setdefault(match.group(1), Path(folder) / name)
        return index

    def __call__(self, sha256: str) -> Path | None:
        if self.media_dir is None:
            return None
        own = self.media_dir / "thumbs" / f"{sha256}.jpg"
        if own.is_file():
            return own
        with self._lock:
            if time.monotonic() - self._scanned > self.rescan_after:
                self._index = self._scan()
                self._scanned = time.monotonic()
            return self._index.get(sha256[:16])


class Thumbnails:
    """Finds a revision's picture (``find``) and serves it as small JPEG bytes (``jpeg``).

    Only hashes the page itself has found can be asked for, so the thumbnail route cannot be
    used to read arbitrary files.
    """

    def __init__(self, lookup: ThumbnailHook, cache_size: int = 256) -> None:
        self.lookup = lookup
        self._known: dict[str, Path] = {}
        self._jpegs: OrderedDict[str, bytes | None] = OrderedDict()
        self._size = cache_size
        self._lock = threading.Lock()

    def find(self, sha256: str | None, local: Path | None = None) -> str | None:
        """The key to ask ``jpeg`` for, or None: a placeholder then. ``local`` is where a file
        review keeps the media, tried when the lookup knows nothing of it."""
        if not is_sha256(sha256):
            return None
        assert sha256 is not None
        path = self.lookup(sha256)
        if path is None and local is not None and local.suffix.lower() in _SHRINKABLE:
            path = local if local.is_file() else None
        if path is None:
            return None
        with self._lock:
            self._known[sha256] = path
        # shrunk now (once, then cached) so that a file that does not decode is a placeholder
        # on the page rather than a broken image
        return sha256 if self.jpeg(sha256) is not None else None

    def jpeg(self, key: str) -> bytes | None:
        with self._lock:
            if key in self._jpegs:
                self._jpegs.move_to_end(key)
                return self._jpegs[key]
            path = self._known.get(key)
        data = _shrink(path) if path is not None else None
        with self._lock:
            self._jpegs[key] = data
            while len(self._jpegs) > self._size:
                self._jpegs.popitem(last=False)
        return data


def _shrink(path: Path) -> bytes | None:
    """A small JPEG of an image, shrunk on load; None when it does not decode."""
    try:
        import pyvips

        image = pyvips.Image.thumbnail(str(path), WIDTH, height=HEIGHT)
        if image.hasalpha():
            image = image.flatten(background=[32, 32, 32])
        return bytes(image.jpegsave_buffer(Q=78, strip=True))
    except Exception:  # a broken or unsupported file is a placeholder, never an error page
        return None
