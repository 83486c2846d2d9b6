"""Checking movies before they are uploaded: their container's structure, then ffprobe.

A review system that receives a broken movie fails late (in its transcoder, minutes later) or
not at all (a preview that never plays), so syncd checks before sending. ffprobe reads only the
headers; truncation, the usual damage (a copy or a download cut short), often leaves the headers
whole, so the container's own lengths are checked first: for QuickTime/MP4 each top-level box
must fit in the file, for Matroska/WebM the Segment.
"""

from __future__ import annotations

import json
import mimetypes
import re
import struct
from fractions import Fraction
from pathlib import Path
from typing import Any

from syncd.errors import SkippableError
from syncd.media.info import MediaInfo
from syncd.media.tools import MediaTools, ToolMissing

MOVIE_SUFFIXES = frozenset(
    {
        ".mov",
        ".mp4",
        ".m4v",
        ".mkv",
        ".webm",
        ".avi",
        ".mxf",
        ".mpg",
        ".mpeg",
        ".ts",
        ".m2ts",
        ".wmv",
        ".flv",
        ".3gp",
    }
)
_MIME = {
    ".mov": "video/quicktime",
    ".mp4": "video/mp4",
    ".m4v": "video/x-m4v",
    ".mkv": "video/x-matroska",
    ".webm": "video/webm",
    ".avi": "video/x-msvideo",
    ".mxf": "application/mxf",
}
# First box types of a QuickTime / ISO base media file ("wide", "free"... precede "mdat" in
# files written by older QuickTime tools).
_QT_FIRST = frozenset({b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot", b"junk"})
_EBML = b"\x1a\x45\xdf\xa3"
_MAX_BOXES = 100_000
_FF_NOISE = re.compile(r"^\[[^\]]*@ 0x[0-9a-f]+\]\s*")


def head_is_movie(head: bytes) -> bool:
    """Whether the first bytes of a file are those of a movie container ffprobe reads."""
    return (
        head[4:8] in _QT_FIRST
        or head.startswith(_EBML)  # Matroska / WebM
        or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")
        or head.startswith(b"\x06\x0e\x2b\x34")  # MXF
        or head.startswith((b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3"))  # MPEG-PS
    )


def check_quicktime_boxes(path: Path, *, label: str) -> None:
    """Refuse a QuickTime/MP4 file whose top-level boxes run past its end (a cut-short copy)."""
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        offset = 0
        for _ in range(_MAX_BOXES):
            if offset >= size:
                return
            handle.seek(offset)
            header = handle.read(16)
            if len(header) < 8:
                raise _truncated(label, f"it ends inside a box header at byte {offset}")
            length, kind = struct.unpack(">I4s", header[:8])
            name = kind.decode("latin-1")
            if length == 1:
                if len(header) < 16:
                    raise _truncated(label, f"it ends inside the header of box {name!r}")
                length = struct.unpack(">Q", header[8:16])[0]
            elif length == 0:
                return  # the last box runs to the end of the file by definition
            if length < 8:
                raise SkippableError(
                    f"media {label!r} is not a valid movie (box {name!r} at byte {offset} "
                    f"has an impossible size of {length}); not uploaded"
                )
            if offset + length > size:
                raise _truncated(
                    label,
                    f"box {name!r} needs {offset + length} bytes but the file has {size}",
                )
            offset += length


def _vint(data: bytes, at: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at ``at``: (value, its length); -1 when unknown size."""
    first = data[at]
    length = 9 - first.bit_length() if first else 9
    if length > 8 or at + length > len(data):
        raise ValueError("not an EBML integer")
    value = int.from_bytes(data[at : at + length], "big")
    if keep_marker:
        return value, length
    value &= (1 << (7 * length)) - 1
    return (-1 if value == (1 << (7 * length)) - 1 else value), length


def check_matroska_segment(path: Path, *, label: str) -> None:
    """Refuse a Matroska/WebM file whose Segment announces more bytes than the file has."""
    with path.open("rb") as handle:
        head = handle.read(4096)
        size = handle.seek(0, 2)
    try:
        _, id_len = _vint(head, 0, keep_marker=True)
        header_size, size_len = _vint(head, id_len, keep_marker=False)
        at = id_len + size_len + header_size  # past the EBML header: the Segment
        segment, id_len = _vint(head, at, keep_marker=True)
        length, size_len = _vint(head, at + id_len, keep_marker=False)
    except (ValueError, IndexError):
        raise SkippableError(f"media {label!r} is not a valid movie (bad EBML header)") from None
    if segment != 0x18538067:
        return  # not laid out as expected: leave it to ffprobe
    end = at + id_len + size_len + length
    if length >= 0 and end > size:
        raise _truncated(label, f"its Segment needs {end} bytes but the file has {size}")


def _truncated(label: str, detail: str) -> SkippableError:
    return SkippableError(f"media {label!r} is a truncated movie ({detail}); not uploaded")


def probe_movie(
    path: Path, *, label: str, tools: MediaTools, filename: str | None = None
) -> MediaInfo:
    """Check a movie and read its geometry and timing; unvalidated when ffprobe is missing."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head[4:8] in _QT_FIRST:
        check_quicktime_boxes(path, label=label)
    elif head.startswith(_EBML):
        check_matroska_segment(path, label=label)
    named = Path(filename or path.name)
    mime = _MIME.get(named.suffix.lower()) or mimetypes.guess_type(named.name)[0]
    args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
    try:
        done = tools.run(tools.ffprobe, [*args, f"file:{path}"], label=label)
    except ToolMissing:
        tools.warn_missing(tools.ffprobe)
        return MediaInfo("movie", mime, validated=False)
    if done.returncode != 0:
        reason = _ffprobe_reason(done.stderr)
        if not head_is_movie(head):
            reason = f"its content does not start like a movie file; ffprobe: {reason}"
        raise SkippableError(f"media {label!r} is not a valid movie ({reason}); not uploaded")
    try:
        report = json.loads(done.stdout or b"{}")
    except ValueError:
        raise SkippableError(f"media {label!r}: ffprobe gave an unreadable answer") from None
    return _read_report(report, label=label, mime=mime)


def _ffprobe_reason(stderr: bytes) -> str:
    """ffprobe's complaint in one line, without its "[demuxer @ 0x...]" and path prefixes."""
    reasons: list[str] = []
    for raw in stderr.decode(errors="replace").splitlines():
        line = _FF_NOISE.sub("", raw).strip()
        if line.startswith("file:"):
            line = line.rpartition(": ")[2]
        if line and line not in reasons and not line.startswith("Last message repeated"):
            reasons.append(line)
    return "; ".join(reasons[:3])[:300] or "ffprobe could not read it"


def _read_report(report: dict[str, Any], *, label: str, mime: str | None) -> MediaInfo:
    streams = report.get("streams") or []
    video = [
        s
        for s in streams
        if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    if not video:
        kinds = sorted({str(s.get("codec_type", "unknown")) for s in streams}) or ["no"]
        raise SkippableError(
            f"media {label!r} has no video stream (it has {', '.join(kinds)} streams); not uploaded"
        )
    stream = video[0]
    width, height = int(stream.get("width") or 0), int(stream.get("height") or 0)
    if width <= 0 or height <= 0:
        raise SkippableError(f"media {label!r}: its video stream has no picture size")
    fmt = report.get("format") or {}
    duration = _positive(stream.get("duration")) or _positive(fmt.get("duration"))
    if duration is None:
        raise SkippableError(f"media {label!r} has no duration; not uploaded")
    fps = _rate(stream.get("avg_frame_rate")) or _rate(stream.get("r_frame_rate"))
    frames = int(stream["nb_frames"]) if str(stream.get("nb_frames", "")).isdigit() else None
    if not frames and fps:
        frames = round(duration * fps)
    if not frames:
        raise SkippableError(f"media {label!r} has neither a frame rate nor a frame count")
    if fps is None:
        fps = frames / duration
    return MediaInfo(
        "movie",
        mime,
        width,
        height,
        duration=duration,
        fps=round(fps, 6),
        frames=frames,
        codec=stream.get("codec_name"),
    )


def _positive(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _rate(value: object) -> float | None:
    """An ffprobe rate such as "24000/1001"; None for "0/0" and other non-rates."""
    try:
        rate = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None
    return float(rate) if rate > 0 else None
