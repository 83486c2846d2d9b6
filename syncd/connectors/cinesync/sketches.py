"""Drawn frames as images: the picture a note carries to systems that hold attachments.

A frame with drawing objects (lines, circles, arrows, text boxes, erasers) becomes one image:
the frame cineSync saved itself when an event script provides it (exact), else one syncd draws
from the objects (:mod:`.render`) over the media's picture. Images are kept content-addressed in
the session folder's ``.syncd/drawings/<sha256>.<png|jpg>``, so the same drawing is always the
same attachment, and the frames table in the media's ``userData`` (:mod:`.meta`) pins which image
each frame became: a later read with the same drawings reuses it, even if the media changed.

The image goes on a note of its frame: the paragraph typed with the drawings (the first one
syncd saw for the first time in the same read), else a note of its own with no text. It stays on
that note: later paragraphs do not take it, and a drawing changed later changes that note's
image. When the paragraph that carried it is removed, the drawings left on the frame are a note
of their own; when the drawings are all erased, a note of drawings alone is gone.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from syncd.connectors.cinesync.drawing import Drawing
from syncd.connectors.cinesync.meta import FrameImage
from syncd.connectors.cinesync.ops import mint
from syncd.connectors.cinesync.sheet import Entry, Sheet
from syncd.core.model import Attachment

MAX_SAVED = 64 * 2**20
"""A saved frame larger than this is not an image cineSync wrote: it is drawn instead."""
_MAGIC = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}
Poster = Callable[[Path, str], Path | None]
"""A still picture of a local media file of that SHA-256 (a movie's poster frame), or None."""


def drawings_hash(drawings: tuple[Drawing, ...]) -> str:
    return hashlib.blake2b(repr(drawings).encode(), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class Made:
    name: str
    size: int
    saved: bool


DRAWINGS_PREFIX = "cinesync-"
"""The start of the name of every picture made of a frame's drawings (see
``Capabilities.drawings``): an edit from cineSync replaces those, and keeps the other files a
note holds elsewhere."""


class Sketcher:
    """Makes and keeps the images of drawn frames in ``folder``; writes nothing in a dry run."""

    def __init__(self, folder: Path, *, dry_run: bool = False, poster: Poster | None = None):
        self.folder = folder
        self.dry_run = dry_run
        self.poster = poster

    def has(self, name: str) -> bool:
        return (self.folder / name).is_file()

    def make(self, entry: Entry, drawings: tuple[Drawing, ...], saved: Path | None) -> Made:
        data, ext = _saved_image(saved) if saved is not None else (None, "png")
        taken = data is not None
        if data is None:
            from syncd.connectors.cinesync.render import render

            data, ext = render(drawings, self._background(entry)), "png"
        name = f"{hashlib.sha256(data).hexdigest()}.{ext}"
        if not self.dry_run and not self.has(name):
            _write(self.folder, name, data)
        return Made(name, len(data), taken)

    def attachment(self, entry: Entry, frame: int, image: FrameImage) -> Attachment:
        ext = image.image.rpartition(".")[2]
        shown = entry.name.replace("/", "_").replace("\\", "_")
        return Attachment(
            filename=f"{DRAWINGS_PREFIX}{shown}-{frame:05d}.{ext}",
            sha256=image.sha256,
            token=f"drawings/{image.image}",
            size=image.size or None,
            mime="image/jpeg" if ext == "jpg" else "image/png",
            path=self.folder / image.image,
        )

    def _background(self, entry: Entry) -> Path | None:
        """The picture to draw over: the media itself when it is an image, else its poster."""
        if entry.data is None or entry.data.media is None or not entry.media.locators.paths:
            return None
        path = Path(entry.media.locators.paths[0])
        if not path.is_file():
            return None
        if path.suffix.lower() in {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp"}:
            return path
        if self.poster is None:
            return None
        return self.poster(path, entry.data.media.sha256)


def pin(
    sheet: Sheet,
    fresh: set[str],
    sketcher: Sketcher,
    saved: dict[str, dict[int, Path]] | None = None,
) -> bool:
    """Give every drawn frame its image and its note (see the module); True when data changed."""
    changed = False
    taken = {p.id for e in sheet.items() for p in e.paras if p.id is not None}
    for entry in sheet.items():
        data = entry.data
        assert data is not None
        taken |= {f.note for f in data.frames.values()}
        here = {p.id for p in entry.paras}
        for frame in [f for f in data.frames if f not in entry.drawings]:
            del data.frames[frame]  # erased: a note of drawings alone goes with them
            changed = True
        frames = (saved or {}).get(entry.name, {})
        for frame, drawings in sorted(entry.drawings.items()):
            key = drawings_hash(drawings)
            image = data.frames.get(frame)
            if image is not None and not image.alone and image.note not in here:
                image.note = mint(taken, data.id, frame, "drawings")  # its paragraph was removed
                image.alone = True
                changed = True
            offered = frames.get(frame)
            if (
                image is not None
                and image.drawings == key
                and sketcher.has(image.image)
                and (offered is None or image.saved)
            ):
                continue
            if image is not None and image.drawings == key and sketcher.dry_run:
                continue  # a dry run draws nothing it would not keep
            made = sketcher.make(entry, drawings, offered)
            if image is None:
                note = next((p.id for p in entry.paras if p.frame == frame and p.id in fresh), None)
                note = note or mint(taken, data.id, frame, "drawings")
                image = FrameImage(key, made.name, note, made.size, alone=note not in here)
                data.frames[frame] = image
            else:
                image.drawings, image.image, image.size = key, made.name, made.size
            image.saved = made.saved
            changed = True
    return changed


def _saved_image(path: Path) -> tuple[bytes | None, str]:
    """The bytes of an image cineSync saved, or None when it is not one (it is drawn then)."""
    try:
        if path.stat().st_size > MAX_SAVED:
            return None, "png"
        data = path.read_bytes()
    except OSError:
        return None, "png"
    ext = next((e for magic, e in _MAGIC.items() if data.startswith(magic)), None)
    return (data, ext) if ext is not None else (None, "png")


def _write(folder: Path, name: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # read by whoever uploads it, like the session next to it
        os.replace(tmp, folder / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
