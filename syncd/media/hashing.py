"""SHA-256 computed once, on the bytes as they stream past.

Dailies are gigabytes: reading a movie once to hash it and again to copy or upload it doubles the
disk traffic and, worse, hashes bytes other than those sent when the file changes in between.
Everything here hashes *while* moving the bytes, so the hash names exactly what was written or
sent, and the one pass is the only pass.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Protocol, cast

from syncd.errors import SkippableError

# 1 MiB: large enough to amortise Python's per-call cost, small enough to bound memory.
CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Digest:
    """What was hashed: the content's SHA-256 (lowercase hex) and its length in bytes."""

    sha256: str
    size: int


class _Writable(Protocol):
    def write(self, data: bytes, /) -> int | None: ...


class HashingWriter:
    """A binary writer that hashes every chunk on its way to ``raw``.

    Use it where bytes arrive in pieces (a download, a decoder's output): wrap the destination,
    write, then ask for ``digest()``.
    """

    def __init__(self, raw: _Writable) -> None:
        self._raw = raw
        self._hash = hashlib.sha256()
        self._size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        view = memoryview(data)
        self._hash.update(view)
        self._raw.write(view)  # type: ignore[arg-type]
        self._size += view.nbytes
        return view.nbytes

    @property
    def size(self) -> int:
        return self._size

    def digest(self) -> Digest:
        return Digest(self._hash.hexdigest(), self._size)


def iter_file(handle: BinaryIO, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """The chunks of an open binary file, up to its end."""
    while chunk := handle.read(chunk_size):
        yield chunk


def copy_hashed(
    source: BinaryIO | Iterable[bytes], dest: _Writable, *, chunk_size: int = CHUNK
) -> Digest:
    """Copy ``source`` (a binary file or an iterable of chunks) into ``dest``, hashing once."""
    chunks: Iterable[bytes]
    if hasattr(source, "read"):
        chunks = iter_file(cast(BinaryIO, source), chunk_size)
    else:
        chunks = cast(Iterable[bytes], source)
    writer = HashingWriter(dest)
    for chunk in chunks:
        writer.write(chunk)
    return writer.digest()


class _Sink:
    def write(self, data: bytes, /) -> int:
        return len(data)


def hash_file(path: Path, *, chunk_size: int = CHUNK) -> Digest:
    """Hash a file in one streaming pass (nothing kept in memory but one chunk)."""
    with path.open("rb") as handle:
        return copy_hashed(handle, _Sink(), chunk_size=chunk_size)


def _fingerprint(stat: os.stat_result) -> tuple[int, int, int]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


class HashingReader(io.RawIOBase):
    """A read-only file for uploads that hashes exactly the bytes handed to the sender.

    The length is fixed when the file is opened (``len(reader)``, which ``requests`` and
    ``requests-toolbelt`` use for Content-Length) and reads never go past it, so the body always
    matches the announced length. ``digest()`` after the last read checks that the whole file was
    read, that it did not change while being read (size, mtime and inode before and after) and,
    when one was given, that its hash is the one expected; each failure is a ``SkippableError``
    naming the file. ``seek(0)`` starts over (a retried request re-sends the body); other seeks
    are refused because they would make the hash describe something other than what was sent.
    """

    def __init__(self, path: Path, *, expected_sha256: str | None = None, label: str = "") -> None:
        super().__init__()
        self.path = Path(path)
        self.label = label or self.path.name
        self.expected_sha256 = expected_sha256.lower() if expected_sha256 else None
        self._file = self.path.open("rb", buffering=0)
        self._before = _fingerprint(os.fstat(self._file.fileno()))
        self._length = self._before[0]
        self._restart()

    def _restart(self) -> None:
        self._hash = hashlib.sha256()
        self._pos = 0

    # -- file protocol ---------------------------------------------------------------------
    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        want = min(view.nbytes, self._length - self._pos)
        if want <= 0:
            return 0
        got = self._file.readinto(view[:want]) or 0
        self._advance(view[:got])
        return got

    def read(self, size: int | None = -1) -> bytes:
        left = self._length - self._pos
        want = left if size is None or size < 0 else min(size, left)
        if want <= 0:
            return b""
        data = self._file.read(want) or b""
        self._advance(data)
        return data

    def _advance(self, data: bytes | memoryview) -> None:
        """Hash what is handed out; a file that ends early must not look like a slow one."""
        if not len(data):
            raise SkippableError(
                f"media {self.label!r} shrank while it was being sent "
                f"({self._pos} of {self._length} bytes sent)"
            )
        self._hash.update(data)
        self._pos += len(data)

    def tell(self) -> int:
        return self._pos

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = {io.SEEK_SET: offset, io.SEEK_CUR: self._pos + offset}.get(whence)
        if whence == io.SEEK_END:
            target = self._length + offset
        if target == self._pos:
            return self._pos
        if target != 0:
            raise io.UnsupportedOperation(
                f"{self.label}: a hashing upload can only start over from byte 0"
            )
        self._file.seek(0)
        self._restart()
        return 0

    def __len__(self) -> int:
        return self._length

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()

    def __enter__(self) -> HashingReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- verdict ---------------------------------------------------------------------------
    @property
    def bytes_read(self) -> int:
        return self._pos

    def digest(self) -> Digest:
        """The hash of what was read, once the whole file was read and found unchanged."""
        if self._pos != self._length:
            raise SkippableError(
                f"media {self.label!r}: only {self._pos} of {self._length} bytes were sent"
            )
        try:
            after = _fingerprint(os.stat(self.path))
        except FileNotFoundError:
            raise SkippableError(
                f"media {self.label!r} was removed while it was being sent"
            ) from None
        if after != self._before:
            raise SkippableError(
                f"media {self.label!r} changed while it was being sent "
                f"(size {self._before[0]} -> {after[0]} bytes)"
            )
        sha = self._hash.hexdigest()
        if self.expected_sha256 and sha != self.expected_sha256:
            raise SkippableError(
                f"media {self.label!r} does not hold the expected content: expected sha256 "
                f"{self.expected_sha256[:16]}..., sent {sha[:16]}..."
            )
        return Digest(sha, self._pos)
