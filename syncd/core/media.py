"""Checking media before it is uploaded anywhere, and making thumbnails, with pyvips.

A preview that does not decode is reported against its item and never uploaded, so a broken
render on one side cannot spread to the others. Decoding streams through the image (sequential
access), so memory stays small even for large frames. Movies are passed through unchecked: their
systems transcode them and report failures themselves.
"""

from __future__ import annotations

from pathlib import Path

from syncd.core.model import LocalMedia
from syncd.errors import SkippableError

IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".gif", ".heic", ".heif", ".exr"}
)
_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8")


def is_image(path: Path) -> bool:
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return True
    with path.open("rb") as handle:
        head = handle.read(16)
    return head.startswith(_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def validate(media: LocalMedia) -> None:
    """Raise SkippableError when the file is empty or an image that does not decode."""
    if media.size == 0:
        raise SkippableError(f"media {media.filename!r} is empty; not uploaded")
    if not is_image(media.path):
        return
    import pyvips

    try:
        image = pyvips.Image.new_from_file(str(media.path), access="sequential", fail=True)
        image.max()  # forces a full decode, streaming
    except pyvips.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
        raise SkippableError(
            f"media {media.filename!r} is not a valid image ({reason}); not uploaded"
        ) from None


def thumbnail(source: Path, dest: Path, width: int = 320, height: int = 180) -> Path:
    """A JPEG thumbnail, shrunk on load (cheap even for large frames)."""
    import pyvips

    image = pyvips.Image.thumbnail(str(source), width, height=height, crop="centre")
    image.write_to_file(str(dest))
    return dest
