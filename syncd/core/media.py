"""Former home of image validation and thumbnails, now in ``syncd.media``; kept for its callers.

The same names as before, with the same behaviour: ``validate`` refuses empty files and images
that do not decode and lets everything else pass; ``thumbnail`` writes a centre-cropped JPEG.
"""

from __future__ import annotations

from pathlib import Path

from syncd.media.images import IMAGE_SUFFIXES, is_image, validate, write_thumbnail

__all__ = ["IMAGE_SUFFIXES", "is_image", "thumbnail", "validate"]


def thumbnail(source: Path, dest: Path, width: int = 320, height: int = 180) -> Path:
    """A JPEG thumbnail of exactly ``width`` x ``height``, shrunk on load and centre-cropped."""
    return write_thumbnail(source, dest, width, height, crop=True)
