"""Request bodies as the stand-ins read them: in bounded pieces, large files straight to disk.

A review tool is sent movies of several gigabytes. The stand-ins read every body in pieces of
at most ``CHUNK`` bytes, whether it comes with a ``Content-Length`` or chunked, and parse
multipart forms as they stream (``multipart.PushMultipartParser``): text fields stay in memory
(each at most ``FIELD_LIMIT`` bytes), files are written to temporary files on disk as their
bytes arrive. Memory does not grow with the size of an upload.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from multipart import MultipartError, MultipartSegment, PushMultipartParser

CHUNK = 1 << 20
"""The most a stand-in reads from a socket at once."""
FIELD_LIMIT = 1 << 20
"""The longest text field of a form (a JSON-RPC payload, a name): longer is refused."""
SMALL_BODY_LIMIT = 64 << 20
"""The longest body that is not a form (JSON): longer is refused."""


class BodyError(Exception):
    """A body that cannot be read as announced: the stand-in answers 400 (or 413)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class UploadedFile:
    """One file of a form, on disk: whoever keeps it moves ``path``; the rest is removed."""

    name: str
    filename: str
    content_type: str | None
    path: Path
    size: int = 0


@dataclass
class Form:
    """A parsed ``multipart/form-data`` (or urlencoded) body."""

    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """What a request log keeps of it: the fields, and each file's name and size."""
        return {
            "fields": dict(self.fields),
            "files": {k: {"filename": f.filename, "size": f.size} for k, f in self.files.items()},
        }

    def discard(self) -> None:
        """Remove the files nobody took (their paths were moved away otherwise)."""
        for upload in self.files.values():
            with contextlib.suppress(FileNotFoundError):
                upload.path.unlink()


def chunks(rfile: BinaryIO, headers: Any) -> Iterator[bytes]:
    """The request body in pieces of at most ``CHUNK`` bytes (``Content-Length`` or chunked)."""
    if "chunked" in (headers.get("Transfer-Encoding") or "").lower():
        yield from _chunked(rfile)
        return
    try:
        left = int(headers.get("Content-Length") or 0)
    except ValueError:
        raise BodyError("Content-Length is not a number") from None
    while left > 0:
        piece = rfile.read(min(CHUNK, left))
        if not piece:
            raise BodyError("the body ended before its Content-Length")
        left -= len(piece)
        yield piece


def _chunked(rfile: BinaryIO) -> Iterator[bytes]:
    while True:
        line = rfile.readline(1024)
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise BodyError("a malformed chunk size in a chunked body") from None
        if size == 0:
            while rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return
        while size > 0:
            piece = rfile.read(min(CHUNK, size))
            if not piece:
                raise BodyError("a chunked body ended mid-chunk")
            size -= len(piece)
            yield piece
        rfile.readline(16)  # the CRLF after each chunk


def read_small(rfile: BinaryIO, headers: Any, limit: int = SMALL_BODY_LIMIT) -> bytes:
    """A body that is not a form (JSON), read whole but never past ``limit``."""
    out = bytearray()
    pieces = chunks(rfile, headers)
    for piece in pieces:
        out += piece
        if len(out) > limit:
            for _ in pieces:  # read to its end, so the connection stays in step
                pass
            raise BodyError(f"the body is longer than {limit} bytes", 413)
    return bytes(out)


def is_form(content_type: str) -> bool:
    return content_type.lower().startswith("multipart/form-data")


def read_form(rfile: BinaryIO, headers: Any, spool: Path) -> Form:
    """Parse a multipart form as it streams; its files land in ``spool`` (a folder).

    On any error the files written so far are removed and ``BodyError`` says why.
    """
    content_type = headers.get("Content-Type") or ""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        raise BodyError("multipart/form-data without a boundary")
    form = Form()
    try:
        _parse(form, match.group(1), chunks(rfile, headers), spool)
    except (MultipartError, BodyError, UnicodeDecodeError) as exc:
        form.discard()
        raise BodyError(f"the multipart body cannot be read: {exc}") from None
    except BaseException:
        form.discard()
        raise
    return form


def _parse(form: Form, boundary: str, body: Iterator[bytes], spool: Path) -> None:
    sink: BinaryIO | None = None
    try:
        # leaving the block closes the parser, which refuses a body without its last boundary
        with PushMultipartParser(boundary, max_segment_count=64) as parser:
            segment: MultipartSegment | None = None
            upload: UploadedFile | None = None
            text = bytearray()
            for piece in body:
                for event in parser.parse(piece):
                    if isinstance(event, MultipartSegment):
                        segment, text = event, bytearray()
                        if event.filename is not None:
                            fd, tmp = tempfile.mkstemp(dir=spool, prefix="upload-")
                            sink = os.fdopen(fd, "wb")
                            upload = UploadedFile(
                                event.name, event.filename, event.content_type, Path(tmp)
                            )
                            form.files[event.name] = upload
                    elif event:  # a piece of the segment's content
                        if sink is not None and upload is not None:
                            sink.write(event)
                            upload.size += len(event)
                        else:
                            text += event
                            if len(text) > FIELD_LIMIT:
                                raise BodyError(f"a form field is longer than {FIELD_LIMIT} bytes")
                    else:  # the segment ended
                        if sink is not None:
                            sink.close()
                            sink = None
                        elif segment is not None:
                            form.fields[segment.name] = text.decode(segment.charset or "utf-8")
                        segment, upload = None, None
    finally:
        if sink is not None:
            sink.close()
