"""Drawing a frame's objects the way cineSync shows them, when no saved frame is at hand.

The objects become SVG, rasterised by pyvips over the media's picture (or over a neutral grey
frame of 1920 by 1080 when there is none). Coordinates are fractions of the frame, x from the
left and y from the top; a stroke's thickness is a fraction of the frame's width. An eraser masks
what was drawn before it, as it does in cineSync. This is a faithful sketch, not a pixel copy:
the frames cineSync saves itself, which an event script hands over, are exact.

The session is untrusted input, so the SVG is built from numbers, checked colours and escaped
text only: nothing in it can name a file, a URL or a font file, and a value that is not a finite
number leaves its object out.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from xml.sax.saxutils import escape

from syncd.connectors.cinesync.drawing import Arrow, Circle, Drawing, Erase, Line, Point, Text

SIZE = (1920, 1080)
MAX_SIDE = 4096
GREY = [64, 64, 64]
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def render(drawings: tuple[Drawing, ...], background: Path | None = None) -> bytes:
    """The PNG of ``drawings`` over ``background`` (a picture file) or a grey frame."""
    import pyvips

    base = _base(background)
    svg = to_svg(drawings, base.width, base.height)
    overlay = pyvips.Image.svgload_buffer(svg.encode("utf-8"))
    out = base.composite2(overlay, "over")
    if out.hasalpha():
        out = out.flatten(background=GREY)
    return bytes(out.cast("uchar").pngsave_buffer())


def _base(background: Path | None):  # -> pyvips.Image
    import pyvips

    if background is not None:
        try:
            picture = pyvips.Image.thumbnail(
                str(background), MAX_SIDE, height=MAX_SIDE, size="down"
            )
            picture = picture.colourspace("srgb")
            if picture.hasalpha():
                picture = picture.flatten(background=GREY)
            return picture[:3].cast("uchar").copy(interpretation="srgb")
        except pyvips.Error:
            pass  # not a picture pyvips reads: the grey frame
    grey = pyvips.Image.black(*SIZE, bands=3) + GREY
    return grey.cast("uchar").copy(interpretation="srgb")


def to_svg(drawings: tuple[Drawing, ...], width: int, height: int) -> str:
    """The SVG document of ``drawings`` on a frame of ``width`` by ``height`` pixels."""
    frame = _Frame(width, height)
    masks: list[str] = []
    body: list[str] = []
    for n, drawing in enumerate(drawings):
        try:
            if isinstance(drawing, Erase):
                masks.append(frame.eraser(f"erase{n}", drawing))
                body = [f'<g mask="url(#erase{n})">', *body, "</g>"]
            else:
                body.append(frame.shape(drawing))
        except (ValueError, OverflowError):
            continue  # a coordinate that is no number: the object is left out
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><defs>{"".join(masks)}</defs>{"".join(body)}</svg>'
    )


class _Frame:
    def __init__(self, width: int, height: int) -> None:
        self.w, self.h = width, height
        self.pen = max(2.0, 0.003 * width)

    def xy(self, p: Point) -> tuple[float, float]:
        x, y = float(p.x) * self.w, float(p.y) * self.h
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError("not a finite coordinate")
        return x, y

    def shape(self, d: Drawing) -> str:
        if isinstance(d, Line):
            width = max(1.0, _finite(d.thickness) * self.w)
            return _path(self._points(d.points), _stroke(d.color, d.alpha, width))
        if isinstance(d, Circle):
            (x0, y0), (x1, y1) = self.xy(d.start), self.xy(d.end)
            return (
                f'<ellipse cx="{_n((x0 + x1) / 2)}" cy="{_n((y0 + y1) / 2)}" '
                f'rx="{_n(abs(x1 - x0) / 2)}" ry="{_n(abs(y1 - y0) / 2)}" '
                f"{_stroke(d.color, d.alpha, self.pen)}/>"
            )
        if isinstance(d, Arrow):
            return self._arrow(d)
        assert isinstance(d, Text)
        return self._text(d)

    def eraser(self, ident: str, d: Erase) -> str:
        width = max(1.0, _finite(d.thickness) * self.w)
        stroke = f'stroke="#000000" stroke-width="{_n(width)}" {_ROUND}'
        return (
            f'<mask id="{ident}" maskUnits="userSpaceOnUse" x="0" y="0" width="{self.w}" '
            f'height="{self.h}"><rect width="{self.w}" height="{self.h}" fill="#ffffff"/>'
            f"{_path(self._points(d.points), stroke)}</mask>"
        )

    def _points(self, points: tuple[Point, ...]) -> list[tuple[float, float]]:
        return [self.xy(p) for p in points]

    def _arrow(self, d: Arrow) -> str:
        start, end = self.xy(d.start), self.xy(d.end)
        if d.reverse:
            start, end = end, start
        stroke = _stroke(d.color, d.alpha, self.pen)
        (x0, y0), (x1, y1) = start, end
        length = math.hypot(x1 - x0, y1 - y0)
        if d.special:  # curved: bent to one side by a quarter of its length
            side = -1.0 if d.flip_side else 1.0
            cx = (x0 + x1) / 2 - side * (y1 - y0) / 4
            cy = (y0 + y1) / 2 + side * (x1 - x0) / 4
            shaft = f'<path d="M{_n(x0)} {_n(y0)} Q{_n(cx)} {_n(cy)} {_n(x1)} {_n(y1)}" '
            shaft += f"{stroke}/>"
            angle = math.atan2(y1 - cy, x1 - cx)
        else:
            shaft = _path([start, end], stroke)
            angle = math.atan2(y1 - y0, x1 - x0)
        head = max(12.0, min(0.25 * length, 0.02 * self.w))
        wings = [
            (x1 - head * math.cos(angle + s * 0.45), y1 - head * math.sin(angle + s * 0.45))
            for s in (1, -1)
        ]
        return shaft + _path([wings[0], end, wings[1]], stroke)

    def _text(self, d: Text) -> str:
        (x0, y0), (x1, y1) = self.xy(d.start), self.xy(d.end)
        left, top, w, h = min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)
        lines = d.text.replace("\r\n", "\n").split("\n") or [""]
        longest = max(len(line) for line in lines) or 1
        size = max(8.0, min(h / len(lines) * 0.8, w / (longest * 0.6), 0.05 * self.h))
        box = (
            f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(w)}" height="{_n(h)}" '
            f'fill="{_color(d.background.color)}" fill-opacity="{_alpha(d.background.alpha)}"/>'
        )
        spans = "".join(
            f'<tspan x="{_n(left + size * 0.2)}" y="{_n(top + size * (k + 1))}">'
            f"{escape(line)}</tspan>"
            for k, line in enumerate(lines)
        )
        return box + (
            f'<text font-family="sans-serif" font-size="{_n(size)}" '
            f'fill="{_color(d.foreground.color)}" fill-opacity="{_alpha(d.foreground.alpha)}">'
            f"{spans}</text>"
        )


_ROUND = 'fill="none" stroke-linecap="round" stroke-linejoin="round"'


def _path(points: list[tuple[float, float]], stroke: str) -> str:
    if not points:
        return ""
    if len(points) == 1:  # a dab of the pen: a dot
        points = points * 2
    steps = " ".join(f"{'M' if k == 0 else 'L'}{_n(x)} {_n(y)}" for k, (x, y) in enumerate(points))
    return f'<path d="{steps}" {stroke}/>'


def _stroke(color: str, alpha: float, width: float) -> str:
    return (
        f'stroke="{_color(color)}" stroke-opacity="{_alpha(alpha)}" '
        f'stroke-width="{_n(width)}" {_ROUND}'
    )


def _color(value: str) -> str:
    return value if _COLOR.fullmatch(value) else "#ff0000"


def _alpha(value: float) -> str:
    return _n(min(1.0, max(0.0, _finite(value))))


def _finite(value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _n(value: float) -> str:
    return f"{_finite(value):.2f}"
