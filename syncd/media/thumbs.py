"""Poster frames and thumbnails, each made once per content and size, kept in the media cache.

Several systems want a small picture beside the media (ShotGrid's ``image`` field, SyncSketch
items). Making one means decoding the media, so it is done once per (sha256, size) and kept in
the cache next to the original; a second request, from any system or a later run, is a lookup.
A thumbnail is a convenience: when it cannot be made the media still moves, without one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import structlog

from syncd.errors import SkippableError
from syncd.media.cache import MediaCache
from syncd.media.images import write_thumbnail
from syncd.media.info import MediaInfo
from syncd.media.probe import probe
from syncd.media.tools import MediaTools, ToolMissing

log = structlog.get_logger("syncd.media")

POSTER_AT = 0.10  # a frame 10 % in: past slates and fades from black, still the shot's start


class Thumbnailer:
    """Makes and caches JPEG thumbnails that fit in ``width`` x ``height`` (aspect kept)."""

    def __init__(
        self,
        cache: MediaCache,
        tools: MediaTools | None = None,
        *,
        width: int = 320,
        height: int = 180,
        quality: int = 85,
    ) -> None:
        self.cache = cache
        self.tools = tools or MediaTools.find()
        self.width, self.height, self.quality = width, height, quality
        self._guard = threading.Lock()
        self._making: dict[str, threading.Lock] = {}

    @property
    def label(self) -> str:
        return f"thumb-{self.width}x{self.height}.jpg"

    def thumbnail(self, sha256: str, source: Path, info: MediaInfo) -> Path | None:
        """The cached thumbnail of ``source`` (whose content is ``sha256``), made if need be.

        None for media that has no picture (``other``) or when it cannot be made (no ffmpeg,
        a decoder failure); the reason is logged.
        """
        if info.kind == "other":
            return None
        if (found := self.cache.get(sha256, self.label)) is not None:
            return found
        with self._guard:
            lock = self._making.setdefault(sha256, threading.Lock())
        with lock:  # one maker per content; the others wait and then find it
            try:
                if (found := self.cache.get(sha256, self.label)) is not None:
                    return found
                with self.cache.temp_path(".jpg") as tmp:
                    made = self._make(source, tmp, info)
                    return self.cache.put_derived(sha256, self.label, tmp) if made else None
            finally:
                with self._guard:
                    if self._making.get(sha256) is lock:
                        del self._making[sha256]

    def _make(self, source: Path, dest: Path, info: MediaInfo) -> bool:
        if info.kind == "image":
            try:
                write_thumbnail(source, dest, self.width, self.height, quality=self.quality)
            except Exception as exc:  # pyvips.Error and OSError: no thumbnail, not a failed run
                log.warning("thumbnail not made", file=source.name, error=str(exc).strip()[:200])
                return False
            return True
        return self._poster(source, dest, info)

    def _poster(self, source: Path, dest: Path, info: MediaInfo) -> bool:
        """A frame near 10 % in, or the first frame when that seek finds none."""
        scale = (
            f"scale={self.width}:{self.height}:force_original_aspect_ratio=decrease:"
            "force_divisible_by=2"
        )
        q = str(max(2, min(31, round(31 - self.quality * 0.29))))  # JPEG quality -> mjpeg q
        starts = [round((info.duration or 0.0) * POSTER_AT, 3), 0.0]
        for start in dict.fromkeys(starts):  # 10 % in, then the start if that found no frame
            args = ["-nostdin", "-v", "error", "-y", "-ss", f"{start:g}", "-i", f"file:{source}"]
            args += ["-frames:v", "1", "-vf", scale, "-q:v", q, "-f", "image2", "-c:v", "mjpeg"]
            try:
                done = self.tools.run(self.tools.ffmpeg, [*args, str(dest)], label=source.name)
            except ToolMissing:
                self.tools.warn_missing(self.tools.ffmpeg)
                return False
            except SkippableError as exc:  # a time-out: no poster, the movie still moves
                log.warning("poster frame not made", file=source.name, error=str(exc))
                return False
            if done.returncode == 0 and dest.exists() and dest.stat().st_size > 0:
                return True
        error = done.stderr.decode(errors="replace").strip().splitlines()
        log.warning("poster frame not made", file=source.name, error=(error or ["no frame"])[-1])
        return False


def poster_maker(root: Path, *, side: int = 1920) -> Callable[[Path, str], Path | None]:
    """Poster frames of local files, up to ``side`` pixels, kept in the cache at ``root``.

    For connectors that draw over a media's picture (``Endpoint.posters``). Nothing is created
    before the first poster is asked for; a file that cannot be probed has none.
    """
    made: list[Thumbnailer] = []

    def poster(path: Path, sha256: str) -> Path | None:
        try:
            info = probe(path)
        except SkippableError:
            return None
        if not made:
            made.append(Thumbnailer(MediaCache(root), width=side, height=side, quality=90))
        return made[0].thumbnail(sha256, path, info)

    return poster
