"""The stand-ins' request bodies: forms parsed as they stream, files on disk, memory bounded."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from requests_toolbelt import MultipartEncoder
from syncd_standins.bodies import BodyError, chunks, read_form, read_small


class Stream(io.RawIOBase):
    """A socket-like reader over a generator of byte pieces."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self.pieces, self.left = pieces, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self.left:
            self.left = next(self.pieces, b"")
            if not self.left:
                return 0
        n = min(len(buffer), len(self.left))
        buffer[:n], self.left = self.left[:n], self.left[n:]
        return n


def _encoder(folder: Path, size: int) -> MultipartEncoder:
    movie = folder / "sh010.mov"
    with movie.open("wb") as out:
        out.truncate(size)  # sparse: quick to make, read as zeros
    handle = movie.open("rb")
    return MultipartEncoder({"name": "sh010", "file": ("sh010.mov", handle, "video/quicktime")})


def test_a_200_mb_form_is_parsed_in_bounded_memory(tmp_path: Path) -> None:
    size = 200 << 20
    spool = tmp_path / "spool"
    spool.mkdir()
    form = _encoder(tmp_path, size)
    headers = {"Content-Type": form.content_type, "Content-Length": str(form.len)}
    stream = io.BufferedReader(Stream(iter(lambda: form.read(1 << 20), b"")), 1 << 16)
    tracemalloc.start()
    try:
        parsed = read_form(stream, headers, spool)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    upload = parsed.files["file"]
    assert (parsed.fields, upload.filename, upload.size) == ({"name": "sh010"}, "sh010.mov", size)
    assert upload.path.stat().st_size == size and upload.path.parent == spool
    assert peak < 12 << 20, f"peak {peak / 2**20:.1f} MiB"
    parsed.discard()
    assert list(spool.iterdir()) == []


def test_chunked_bodies_are_read_piece_by_piece() -> None:
    body = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\n"
    pieces = list(chunks(io.BytesIO(body), {"Transfer-Encoding": "chunked"}))
    assert b"".join(pieces) == b"Wikipedia"


def test_broken_bodies_are_refused_and_leave_no_file(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    data = (form := _encoder(tmp_path, 3 << 20)).to_string()
    cut = {"Content-Type": form.content_type, "Content-Length": str(len(data))}
    with pytest.raises(BodyError, match="ended before its Content-Length"):
        read_form(io.BytesIO(data[: len(data) // 2]), cut, spool)
    whole = {"Content-Type": form.content_type, "Content-Length": str(len(data) - 10)}
    with pytest.raises(BodyError, match="cannot be read"):
        read_form(io.BytesIO(data[:-10]), whole, spool)  # no closing boundary
    with pytest.raises(BodyError, match="longer than 10 bytes"):
        read_small(io.BytesIO(b"x" * 20), {"Content-Length": "20"}, limit=10)
    assert list(spool.iterdir()) == []
