"""Checking still images with pyvips before they are uploaded anywhere, and shrinking them.

A preview that does not decode is reported against its item and never uploaded, so a broken
render on one side cannot spread to the others. Decoding streams through the image (sequential
access), so memory stays small even for large frames; the header alone is read first, so a file
that announces absurd dimensions (a decompression bomb) is refused before any pixel is decoded.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from syncd.core.model import LocalMedia
from syncd.errors import SkippableError
from syncd.media.info import MediaInfo

IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".gif", ".heic", ".heif", ".exr"}
)
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8")
DEFAULT_MAX_PIXELS = 200_000_000  # 16K x 12K; an 8K frame is 33 Mpx
_MIME = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
    "webp": "image/webp",
    "gif": "image/gif",
    "heif": "image/heif",
    "openexr": "image/x-exr",
}


def head_is_image(head: bytes) -> bool:
    """Whether the first bytes of a file are an image signature libvips reads."""
    return head.startswith(IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def is_image(path: Path) -> bool:
    """By suffix, else by signature: images are validated, everything else passes as before."""
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return True
    with path.open("rb") as handle:
        return head_is_image(handle.read(16))


def _reason(exc: Exception) -> str:
    """The most specific line of a libvips error (the last one names the real cause)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else "unreadable"


def probe_image(path: Path, *, label: str, max_pixels: int = DEFAULT_MAX_PIXELS) -> MediaInfo:
    """Decode the whole image once, streaming; SkippableError when it does not decode."""
    import pyvips

    try:
        image = pyvips.Image.new_from_file(str(path), access="sequential", fail_on="error")
    except pyvips.Error as exc:
        raise SkippableError(
            f"media {label!r} is not a valid image ({_reason(exc)}); not uploaded"
        ) from None
    if image.width * image.height > max_pixels:
        raise SkippableError(
            f"media {label!r} claims {image.width}x{image.height} pixels, over the limit of "
            f"{max_pixels / 1e6:g} megapixels (a corrupt or hostile file?); not uploaded"
        )
    try:
        image.max()  # forces a full decode, streaming
    except pyvips.Error as exc:
        raise SkippableError(
            f"media {label!r} is not a valid image ({_reason(exc)}); not uploaded"
        ) from None
    loader = str(image.get("vips-loader")) if "vips-loader" in image.get_fields() else ""
    codec = loader.removesuffix("load").removesuffix("_source") or None
    mime = _MIME.get(codec or "") or mimetypes.guess_type(path.name)[0]
    return MediaInfo("image", mime, image.width, image.height, codec=codec)


def validate(media: LocalMedia, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
    """Raise SkippableError when the file is empty or an image that does not decode.

    Anything that is not an image passes: the long-standing contract of the sync engine, which
    calls this on every fetched preview (``probe`` is the full check, movies included).
    """
    if media.size == 0:
        raise SkippableError(f"media {media.filename!r} is empty; not uploaded")
    if is_image(media.path):
        probe_image(media.path, label=media.filename, max_pixels=max_pixels)


def write_thumbnail(
    source: Path, dest: Path, width: int, height: int, *, crop: bool = False, quality: int = 85
) -> Path:
    """A JPEG at most ``width`` x ``height`` (exactly, centre-cropped, with ``crop``).

    ``thumbnail`` shrinks while loading (JPEG and WebP decode at a fraction of their size), so
    it is cheap even for large frames.
    """
    import pyvips

    options = {"height": height, "crop": "centre"} if crop else {"height": height}
    image = pyvips.Image.thumbnail(str(source), width, **options)
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    image.jpegsave(str(dest), Q=quality)
    return dest
