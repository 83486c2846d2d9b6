"""Validate any preview before it is uploaded, and learn what it is.

One entry point for every kind of media: images are decoded with pyvips, movies checked with
ffprobe, anything else only refused when empty. Each refusal is a ``SkippableError`` with one
line naming the file and what is wrong, so the item is reported and the run goes on.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from syncd.errors import SkippableError
from syncd.media.images import DEFAULT_MAX_PIXELS, IMAGE_SUFFIXES, head_is_image, probe_image
from syncd.media.info import Kind, MediaInfo
from syncd.media.movies import MOVIE_SUFFIXES, head_is_movie, probe_movie
from syncd.media.tools import MediaTools

__all__ = ["DEFAULT_MAX_PIXELS", "MediaInfo", "probe", "sniff"]


def sniff(path: Path, filename: str | None = None) -> Kind:
    """The file's kind: its first bytes decide, then its suffix, or that of ``filename`` (the
    name it goes by, for a file kept under another, such as its content hash): a text file
    named .mov is a movie, and is then refused as a broken one rather than passed as "other"."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head_is_image(head):
        return "image"
    if head_is_movie(head):
        return "movie"
    suffix = Path(filename or path.name).suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in MOVIE_SUFFIXES:
        return "movie"
    return "other"


def probe(
    path: Path,
    *,
    label: str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    tools: MediaTools | None = None,
    filename: str | None = None,
) -> MediaInfo:
    """Check ``path`` and describe it; ``label`` (default: the file name) names it in messages,
    ``filename`` is the name it goes by when ``path`` is another (a cache entry's hash).

    ``max_pixels`` bounds an image's announced size, checked before decoding. Without ffprobe a
    movie passes with ``validated=False`` after one warning per process.
    """
    path = Path(path)
    label = label or path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise SkippableError(f"media {label!r} is missing ({path})") from None
    if size == 0:
        raise SkippableError(f"media {label!r} is empty; not uploaded")
    kind = sniff(path, filename)
    if kind == "image":
        return probe_image(path, label=label, max_pixels=max_pixels)
    if kind == "movie":
        return probe_movie(path, label=label, tools=tools or MediaTools.find(), filename=filename)
    return MediaInfo("other", mimetypes.guess_type(filename or path.name)[0])
