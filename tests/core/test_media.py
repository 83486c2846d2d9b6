"""Media is checked before it is uploaded: a broken image is reported, never spread."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import pyvips

from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.core.model import LocalMedia
from syncd.core.policy import Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.errors import SkippableError
from syncd.media.images import validate, write_thumbnail
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime


def thumbnail(source: Path, dest: Path) -> Path:
    return write_thumbnail(source, dest, 320, 180, crop=True)


def png_bytes(width: int = 64, height: int = 36) -> bytes:
    colour = [200, 90, 40]
    image = (pyvips.Image.black(width, height, bands=3) + colour).cast("uchar")
    return bytes(image.write_to_buffer(".png"))


def local(tmp_path: Path, data: bytes, name: str = "frame.png") -> LocalMedia:
    path = tmp_path / name
    path.write_bytes(data)
    return LocalMedia(path, hashlib.sha256(data).hexdigest(), name, len(data))


def test_valid_image_passes_and_thumbnails(tmp_path: Path) -> None:
    media = local(tmp_path, png_bytes(1920, 1080))
    validate(media)
    thumb = thumbnail(media.path, tmp_path / "thumb.jpg")
    image = pyvips.Image.new_from_file(str(thumb))
    assert (image.width, image.height) == (320, 180)


def test_truncated_image_is_refused(tmp_path: Path) -> None:
    data = png_bytes(640, 360)
    with pytest.raises(SkippableError, match=r"'frame\.png' is not a valid image"):
        validate(local(tmp_path, data[: len(data) // 2]))
    with pytest.raises(SkippableError, match="is empty"):
        validate(local(tmp_path, b""))


def test_non_images_pass_through(tmp_path: Path) -> None:
    validate(local(tmp_path, b"\x00\x00\x00\x18ftypmp42", "clip.mp4"))


def test_broken_preview_is_reported_and_not_uploaded(tmp_path: Path) -> None:
    a, b = MemoryReview("a"), MemoryReview("b")
    good = a.add_item("sh010", media=png_bytes())
    bad = png_bytes(640, 360)
    a.add_item("sh020", media=bad[: len(bad) // 3])
    store = StateStore.open(f"sqlite:///{tmp_path / 'state.db'}")
    rt = MappingRuntime(
        "m",
        {"a": MemoryEndpoint("a", a), "b": MemoryEndpoint("b", b)},
        Policy(endpoints=("a", "b"), media=Direction("a")),
        StatusTable(),
        media_dir=tmp_path / "media",
    )
    result = Engine(store).run(rt)
    assert result.outcome == "partial"
    assert [i.name for i in b.items] == ["sh010"]
    assert b.items[0].media is not None and b.items[0].media.sha256 == good.media.sha256
    assert any("'" in f.message and "is not a valid image" in f.message for f in result.failures)
