"""cineSync's short hash, checked against the vendor libraries' own test vector."""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path

import pytest

from syncd.connectors.cinesync import short_hash

# The vendor libraries hash their test/small.txt (this text, 52 bytes) to this value in both their
# Python and their Ruby test suites.
VENDOR_SMALL = b"This is a small file to test the short_hash method.\n"
VENDOR_SMALL_HASH = "1e40efb84050f92618e2c430742f44254771cf6b"


def reference(data: bytes) -> str:
    """The definition, spelled out on the whole content."""
    size = struct.pack("<I", len(data) & 0xFFFFFFFF)
    sample = data.ljust(2048, b"\0") if len(data) <= 2048 else data[:1024] + data[-1024:]
    return hashlib.sha1(size + sample).hexdigest()


def test_vendor_test_vector(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_bytes(VENDOR_SMALL)
    assert short_hash(path) == VENDOR_SMALL_HASH


@pytest.mark.parametrize("size", [0, 1, 1023, 1024, 2047, 2048, 2049, 3000, 1 << 20])
def test_small_and_large_files(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "media.bin"
    path.write_bytes(data)
    assert short_hash(path) == reference(data)
    assert len(short_hash(str(path))) == 40


def test_only_the_ends_of_a_large_file_count(tmp_path: Path) -> None:
    a, b = tmp_path / "a.mov", tmp_path / "b.mov"
    a.write_bytes(b"A" * 1024 + b"middle one" + b"Z" * 1024)
    b.write_bytes(b"A" * 1024 + b"middle two" + b"Z" * 1024)
    assert short_hash(a) == short_hash(b)
    b.write_bytes(b"A" * 1024 + b"middle two!" + b"Z" * 1024)
    assert short_hash(a) != short_hash(b)  # the size is hashed too


def test_a_small_file_is_zero_padded(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"x")
    b.write_bytes(b"x\0")
    assert short_hash(a) != short_hash(b)
    assert short_hash(a) == hashlib.sha1(b"\x01\0\0\0" + b"x" + b"\0" * 2047).hexdigest()


def test_sizes_past_4_gib_keep_their_low_32_bits(tmp_path: Path) -> None:
    path = tmp_path / "huge.mov"
    with open(path, "wb") as handle:
        handle.write(b"H" * 1024)
        handle.truncate((1 << 32) + 5000)  # sparse: no 4 GiB written to disk
        handle.seek(-1024, os.SEEK_END)
        handle.write(b"T" * 1024)
    size = struct.pack("<I", 5000)
    assert short_hash(path) == hashlib.sha1(size + b"H" * 1024 + b"T" * 1024).hexdigest()
