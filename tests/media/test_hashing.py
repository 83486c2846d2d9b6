"""Hashes are computed once, on exactly the bytes that moved; a changing file is caught."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from syncd.errors import SkippableError
from syncd.media.hashing import CHUNK, HashingReader, HashingWriter, copy_hashed, hash_file
from tests.media.conftest import rchar


class CountingReader(io.RawIOBase):
    """A source that counts every byte handed out: proof of how often the data was read."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.bytes_read = 0
        self.calls = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        got = self._data.readinto(buffer)
        self.bytes_read += got
        self.calls += 1
        return got


def test_copy_hashes_while_writing_and_reads_the_source_once() -> None:
    data = os.urandom(5 * CHUNK + 123)
    source, dest = CountingReader(data), io.BytesIO()
    digest = copy_hashed(source, dest)
    assert digest.sha256 == hashlib.sha256(data).hexdigest() and digest.size == len(data)
    assert dest.getvalue() == data
    assert source.bytes_read == len(data)  # one pass, no re-read to hash


def test_copy_from_chunks_and_writer() -> None:
    chunks = [b"abc", b"", b"defg" * 1000]
    dest = io.BytesIO()
    assert copy_hashed(chunks, dest).sha256 == hashlib.sha256(b"".join(chunks)).hexdigest()
    writer = HashingWriter(io.BytesIO())
    writer.write(memoryview(b"xyz"))
    assert writer.size == 3 and writer.digest().sha256 == hashlib.sha256(b"xyz").hexdigest()


def test_hash_file_reads_the_file_once(tmp_path: Path) -> None:
    path = tmp_path / "plate.bin"
    path.write_bytes(os.urandom(16 * CHUNK))
    before = rchar()
    digest = hash_file(path)
    read = rchar() - before
    assert digest.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert 16 * CHUNK <= read < 17 * CHUNK


def test_reader_hashes_exactly_what_was_read(tmp_path: Path) -> None:
    data = os.urandom(3 * CHUNK + 7)
    path = tmp_path / "clip.mov"
    path.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    before = rchar()
    with HashingReader(path, expected_sha256=sha) as reader:
        assert len(reader) == len(data)
        sent = b"".join(iter(lambda: reader.read(65536), b""))
        digest = reader.digest()
    assert rchar() - before < len(data) + CHUNK  # the reader's own pass is the only one
    assert sent == data and digest.sha256 == sha and digest.size == len(data)


def test_reader_starts_over_on_rewind_only(tmp_path: Path) -> None:
    path = tmp_path / "clip.mov"
    path.write_bytes(b"0123456789")
    with HashingReader(path) as reader:
        assert reader.read(4) == b"0123"
        with pytest.raises(io.UnsupportedOperation, match="start over from byte 0"):
            reader.seek(2)
        assert reader.seek(0) == 0 and reader.tell() == 0
        assert reader.read() == b"0123456789"
        assert reader.digest().sha256 == hashlib.sha256(b"0123456789").hexdigest()


def test_reader_refuses_a_partial_send(tmp_path: Path) -> None:
    path = tmp_path / "clip.mov"
    path.write_bytes(b"x" * 100)
    with HashingReader(path) as reader:
        reader.read(40)
        with pytest.raises(SkippableError, match=r"'clip\.mov': only 40 of 100 bytes were sent"):
            reader.digest()


def test_reader_detects_a_file_changing_while_read(tmp_path: Path) -> None:
    path = tmp_path / "clip.mov"
    path.write_bytes(b"a" * 1000)
    with HashingReader(path) as reader:
        first = reader.read(500)
        with path.open("ab") as handle:
            handle.write(b"b" * 500)  # a render still writing
        rest = reader.read()
        assert len(first + rest) == 1000  # never past the announced length
        with pytest.raises(SkippableError, match=r"'clip\.mov' changed while it was being sent"):
            reader.digest()


def test_reader_detects_unexpected_content(tmp_path: Path) -> None:
    path = tmp_path / "clip.mov"
    path.write_bytes(b"other bytes")
    with HashingReader(path, expected_sha256="ab" * 32) as reader:
        reader.read()
        with pytest.raises(SkippableError, match=r"does not hold the expected content"):
            reader.digest()


def test_reader_refuses_a_file_that_shrinks_while_read(tmp_path: Path) -> None:
    """Senders loop until the announced length is read: an early end must stop them."""
    path = tmp_path / "clip.mov"
    path.write_bytes(b"a" * 1000)
    with HashingReader(path) as reader:
        reader.read(100)
        os.truncate(path, 200)
        assert len(reader.read(500)) == 100
        with pytest.raises(SkippableError, match=r"'clip\.mov' shrank while it was being sent"):
            reader.read(500)
