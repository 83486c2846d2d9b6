"""cineSync's "short hash": how it recognises the same media file at different paths.

SHA-1 over the file size as a 4-byte little-endian unsigned integer, then the content: a file of
at most 2,048 bytes whole, zero-padded to 2,048 bytes; a larger one by its first 1,024 and its last
1,024 bytes. Reading 2 KiB instead of gigabytes of video is the point, so this is no content
checksum: two files that differ only in the middle share a short hash.

The size field has room for 32 bits: for files of 4 GiB and more it holds the size's low 32 bits,
as the vendor's Ruby library computes it (the vendor's Python library fails on such files).
"""

from __future__ import annotations

import hashlib
import os
import struct
from typing import BinaryIO

SAMPLE = 2048
HALF = SAMPLE // 2


def short_hash(path: str | os.PathLike[str]) -> str:
    """The 40 hex digits cineSync stores in a media's ``<shortHash>`` locator."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        digest = hashlib.sha1(struct.pack("<I", size & 0xFFFFFFFF), usedforsecurity=False)
        if size <= SAMPLE:
            digest.update(_read(handle, size).ljust(SAMPLE, b"\0"))
        else:
            digest.update(_read(handle, HALF))
            handle.seek(size - HALF)
            digest.update(_read(handle, HALF))
    return digest.hexdigest()


def _read(handle: BinaryIO, count: int) -> bytes:
    """Exactly ``count`` bytes: a short read (a file shrinking under us) is an error, not a hash."""
    data = handle.read(count)
    if len(data) != count:
        raise OSError(f"{getattr(handle, 'name', 'file')}: changed size while it was being hashed")
    return data
