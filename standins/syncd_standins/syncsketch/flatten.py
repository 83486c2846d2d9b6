"""Flattened sketches, as SyncSketch makes them: a background task, polled, then one picture
per sketched frame, the sketch drawn over the item's frame.

The official client (``get_flattened_annotations``) POSTs
``/api/v2/downloads/flattenedSketches/<review>/<item>/?include_data=1&tracingpaper=0&base64=0
&async=1``, reads the answer as a bare JSON string (the task id), then GETs
``/api/v2/downloads/flattenedSketches/<task>/`` once a second until ``status`` is ``done``
(the whole answer is returned: ``data`` lists ``{frame, adjustedFrame, url}``, one per sketched
frame, ``url`` a signed link that needs no credentials) or ``failed``. With ``async=0`` the
first answer is the finished one. ``base64=1`` puts the picture in ``data`` instead of a URL.

What a sketch frame's ``data`` holds on the real service is not public; here it is
``{"paths": [{"points": [[x, y], ...], "color": "#rrggbb", "width": 4}]}`` in the item's
pixels, drawn as round-ended strokes. The background is the item's picture when it is an 8-bit
PNG, else a grey frame of the item's size; the result is a PNG.
"""

from __future__ import annotations

import base64
import struct
import time
import uuid
import zlib
from dataclasses import dataclass, field
from typing import Any

GREY = (96, 96, 96)
DEFAULT_SIZE = (320, 180)


@dataclass
class FlattenTask:
    item_id: int
    frames: dict[int, bytes]
    """Frame (0-based) -> the flattened picture, made when the task was started."""
    started: float = field(default_factory=time.monotonic)
    as_base64: bool = False


def new_task_id() -> str:
    return str(uuid.uuid4())


def flatten(background: bytes | None, size: tuple[int, int] | None, sketches: list[Any]) -> bytes:
    """One frame: every sketch's strokes over the background (a PNG)."""
    canvas = _decode_png(background) if background else None
    if canvas is None:
        width, height = size or DEFAULT_SIZE
        canvas = Canvas(width, height, bytearray(bytes(GREY) * (width * height)))
    for data in sketches:
        for path in (data or {}).get("paths") or [] if isinstance(data, dict) else []:
            canvas.stroke(path)
    return canvas.png()


def task_answer(task: FlattenTask, base_url: str, task_id: str) -> dict[str, Any]:
    data = []
    for frame, picture in sorted(task.frames.items()):
        entry: dict[str, Any] = {"frame": frame, "adjustedFrame": frame + 1}
        if task.as_base64:
            entry["data"] = base64.b64encode(picture).decode("ascii")
        else:
            entry["url"] = f"{base_url}/media/flattened/{task_id}/{frame}.png"
        data.append(entry)
    return {"status": "done", "data": data}


@dataclass
class Canvas:
    width: int
    height: int
    pixels: bytearray
    """RGB, row after row."""

    def stroke(self, path: dict[str, Any]) -> None:
        color = _color(str(path.get("color") or "#ff0000"))
        radius = max(0, round(float(path.get("width") or 4) / 2))
        points = [(float(x), float(y)) for x, y in path.get("points") or []]
        for (x0, y0), (x1, y1) in zip(points, points[1:] or points, strict=False):
            steps = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
            for n in range(steps + 1):
                t = n / steps
                self.dot(round(x0 + (x1 - x0) * t), round(y0 + (y1 - y0) * t), radius, color)

    def dot(self, cx: int, cy: int, radius: int, color: tuple[int, int, int]) -> None:
        for y in range(cy - radius, cy + radius + 1):
            for x in range(cx - radius, cx + radius + 1):
                inside = (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius
                if inside and 0 <= x < self.width and 0 <= y < self.height:
                    at = (y * self.width + x) * 3
                    self.pixels[at : at + 3] = bytes(color)

    def png(self) -> bytes:
        rows = b"".join(
            b"\x00" + bytes(self.pixels[y * self.width * 3 : (y + 1) * self.width * 3])
            for y in range(self.height)
        )
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows, 6))
            + _chunk(b"IEND", b"")
        )


def _chunk(tag: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(tag + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)


def _color(text: str) -> tuple[int, int, int]:
    value = text.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    try:
        return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
    except ValueError:
        return (255, 0, 0)


def _decode_png(data: bytes) -> Canvas | None:
    """An 8-bit, non-interlaced RGB or RGBA PNG as RGB pixels; None for anything else."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    pos, width, height, kind, idat = 8, 0, 0, -1, b""
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if tag == b"IHDR":
            width, height, depth, kind, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or kind not in (2, 6) or interlace:
                return None
        elif tag == b"IDAT":
            idat += body
        elif tag == b"IEND":
            break
    if not width or kind < 0:
        return None
    try:
        raw = zlib.decompress(idat)
    except zlib.error:
        return None
    step = 3 if kind == 2 else 4
    stride = width * step
    previous = bytearray(stride)
    pixels = bytearray()
    for y in range(height):
        start = y * (stride + 1)
        line = bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(raw[start], line, previous, step)
        for x in range(width):
            pixels += line[x * step : x * step + 3]
        previous = line
    return Canvas(width, height, pixels)


def _unfilter(kind: int, line: bytearray, previous: bytearray, step: int) -> None:
    for i in range(len(line)):
        left = line[i - step] if i >= step else 0
        up = previous[i]
        corner = previous[i - step] if i >= step else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            line[i] = (line[i] + pred) & 0xFF
