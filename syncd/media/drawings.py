"""Drawings made in a review tool's player, rendered as a picture of the frame they are on.

Kitsu stores what people draw on a preview as fabric.js objects per frame; other systems need a
picture. Each object becomes SVG with the transform fabric applies to it (translate to its
centre, rotate, scale, then back by its pivot: ``pathOffset`` or the centre of its own points,
as Zou's own renderer reads them), inside a scale from the canvas it was drawn on
(``canvasWidth``/``canvasHeight``) to the picture's size; libvips rasterises the SVG and lays it
over the frame. Paths, Kitsu's pressure strokes, lines, arrows, rectangles, ellipses, polylines,
polygons, text and groups are drawn; erasers are not applied (what they rubbed out shows).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

GREY = (96, 96, 96)
Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]


def render_drawing(
    objects: Sequence[dict[str, Any]],
    out: Path,
    *,
    background: Path | None = None,
    size: tuple[int, int] | None = None,
) -> None:
    """Write a PNG of ``objects`` over ``background`` (or over grey, ``size`` or the canvas's)."""
    import pyvips

    if background is not None:
        base = pyvips.Image.new_from_file(str(background), access="sequential")
        if base.hasalpha():
            base = base.flatten(background=list(GREY))
        base = base.colourspace("srgb") if base.bands < 3 else base
        base = base.extract_band(0, n=3).cast("uchar")
    else:
        width, height = size or canvas_size(objects) or (1920, 1080)
        base = (
            (pyvips.Image.black(width, height) + list(GREY))
            .cast("uchar")
            .copy(interpretation="srgb")
        )
    svg = drawing_svg(objects, base.width, base.height)
    overlay = pyvips.Image.svgload_buffer(svg.encode("utf-8"))
    if (overlay.width, overlay.height) != (base.width, base.height):
        overlay = overlay.resize(base.width / overlay.width, vscale=base.height / overlay.height)
    composite = base.bandjoin(255).composite2(overlay, "over").flatten(background=list(GREY))
    composite.cast("uchar").pngsave(str(out))


def canvas_size(objects: Iterable[dict[str, Any]]) -> tuple[int, int] | None:
    for obj in objects:
        width, height = obj.get("canvasWidth"), obj.get("canvasHeight")
        if width and height:
            return int(width), int(height)
    return None


def drawing_svg(objects: Sequence[dict[str, Any]], width: int, height: int) -> str:
    """An SVG of the picture's size holding every object, each in its canvas's scale."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
    ]
    for obj in objects:
        parts.extend(_object(obj, width, height))
    parts.append("</svg>")
    return "".join(parts)


def _object(obj: Any, width: int, height: int) -> list[str]:
    if not isinstance(obj, dict):
        return []
    kind = str(obj.get("type") or "").lower()
    if kind == "group":
        return [p for child in obj.get("objects") or [] for p in _object(child, width, height)]
    draw = _SHAPES.get(kind)
    if draw is None:
        return []
    kx = width / float(obj.get("canvasWidth") or width)
    ky = height / float(obj.get("canvasHeight") or height)
    body = draw(obj)
    return [f'<g transform="scale({kx:.6g},{ky:.6g})">{body}</g>'] if body else []


# -- geometry ----------------------------------------------------------------------------------
def _num(obj: dict[str, Any], key: str, default: float = 0.0) -> float:
    value = obj.get(key)
    try:
        return float(value) if value is not None else default
    except (TypeError, ValueError):
        return default


def _matrix(obj: dict[str, Any], pivot: Point) -> Matrix:
    """fabric's T(centre)·R(angle)·S(scale)·T(-pivot), as an SVG matrix."""
    angle = math.radians(_num(obj, "angle"))
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    sx, sy = _num(obj, "scaleX", 1.0) or 1.0, _num(obj, "scaleY", 1.0) or 1.0
    left, top = _num(obj, "left"), _num(obj, "top")
    naive_x = left + _num(obj, "width") / 2 * sx
    naive_y = top + _num(obj, "height") / 2 * sy
    cx = left + (naive_x - left) * cos_a - (naive_y - top) * sin_a
    cy = top + (naive_x - left) * sin_a + (naive_y - top) * cos_a
    a, b, c, d = sx * cos_a, sx * sin_a, -sy * sin_a, sy * cos_a
    return (a, b, c, d, cx - a * pivot[0] - c * pivot[1], cy - b * pivot[0] - d * pivot[1])


def _centred(obj: dict[str, Any], anchors: list[Point]) -> Matrix:
    """For shapes in fabric's centred frame: the pivot is ``pathOffset`` (or the stroke's
    offset), else the centre of the shape's own points; a missing bbox is the points' one."""
    if anchors and any(obj.get(k) is None for k in ("left", "top", "width", "height")):
        xs, ys = [p[0] for p in anchors], [p[1] for p in anchors]
        obj = {
            "left": min(xs),
            "top": min(ys),
            "width": max(xs) - min(xs),
            "height": max(ys) - min(ys),
            **{k: v for k, v in obj.items() if v is not None},
        }
    offset = obj.get("pathOffset") or obj.get("strokeOffset")
    if isinstance(offset, dict):
        pivot = (float(offset.get("x") or 0), float(offset.get("y") or 0))
    elif anchors:
        xs, ys = [p[0] for p in anchors], [p[1] for p in anchors]
        pivot = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    else:
        pivot = (
            _num(obj, "left") + _num(obj, "width") / 2,
            _num(obj, "top") + _num(obj, "height") / 2,
        )
    return _matrix(obj, pivot)


def _apply(m: Matrix, p: Point) -> Point:
    return (m[0] * p[0] + m[2] * p[1] + m[4], m[1] * p[0] + m[3] * p[1] + m[5])


def _transform(m: Matrix) -> str:
    return "matrix(" + ",".join(f"{v:.6g}" for v in m) + ")"


# -- paint -------------------------------------------------------------------------------------
_RGBA = re.compile(r"^\s*rgba?\(([^)]*)\)\s*$", re.IGNORECASE)


def _paint(value: Any) -> str | None:
    """A CSS colour as an SVG paint with its opacity (``#rgb``, names, ``rgb[a]()``)."""
    if not isinstance(value, str) or value in ("", "transparent"):
        return None
    match = _RGBA.match(value)
    if match:
        parts = [p.strip() for p in match.group(1).split(",")]
        if len(parts) >= 3:
            alpha = parts[3] if len(parts) > 3 else "1"
            return f"rgb({parts[0]},{parts[1]},{parts[2]})\x00{alpha}"
    return value


def _color_attrs(name: str, value: Any) -> str:
    paint = _paint(value)
    if paint is None:
        return f' {name}="none"'
    colour, _, alpha = paint.partition("\x00")
    out = f" {name}={quoteattr(colour)}"
    return out + f' {name}-opacity="{alpha}"' if alpha else out


def _line_paint(obj: dict[str, Any]) -> Any:
    return obj.get("stroke") or obj.get("fill") or "#000000"


def _stroked(obj: dict[str, Any], width: float | None = None) -> str:
    w = width if width is not None else max(_num(obj, "strokeWidth", 1.0), 0.5)
    return (
        _color_attrs("stroke", _line_paint(obj))
        + f' stroke-width="{w:.6g}" stroke-linecap="round" stroke-linejoin="round"'
    )


# -- shapes ------------------------------------------------------------------------------------
def _path(obj: dict[str, Any]) -> str:
    commands = _commands(obj.get("path"))
    anchors = [(float(c[-2]), float(c[-1])) for c in commands if len(c) >= 3]
    if not anchors:
        return ""
    d = " ".join(
        str(c[0]).upper() + " " + " ".join(f"{float(v):.6g}" for v in c[1:]) for c in commands
    )
    m = _centred(obj, anchors)
    return f'<path d={quoteattr(d)} transform="{_transform(m)}" fill="none"{_stroked(obj)}/>'


def _commands(raw: Any) -> list[list[Any]]:
    if isinstance(raw, str):
        out: list[list[Any]] = []
        for op, args in re.findall(r"([MLQCZmlqcz])\s*([^MLQCZmlqcz]*)", raw):
            out.append([op.upper(), *map(float, re.findall(r"-?\d+(?:\.\d+)?", args))])
        return out
    if isinstance(raw, list):
        return [
            list(c)
            for c in raw
            if isinstance(c, list | tuple) and c and str(c[0]).upper() in "MLQCZ"
        ]
    return []


def _points(raw: Any) -> list[Point]:
    out = []
    for p in raw or []:
        if isinstance(p, dict):
            out.append((float(p.get("x") or 0), float(p.get("y") or 0)))
    return out


def _psstroke(obj: dict[str, Any]) -> str:
    """Kitsu's pressure brush: each segment as wide as its first point's pressure says."""
    raw = [p for p in obj.get("strokePoints") or [] if isinstance(p, dict)]
    anchors = _points(raw)
    if len(anchors) < 2:
        return ""
    m = _centred(obj, anchors)
    base = _num(obj, "strokeWidth", 1.0)
    segments = []
    for start, end, point in zip(anchors, anchors[1:], raw, strict=False):
        pressure = point.get("pressure")
        width = max(base * (float(pressure) if pressure is not None else 1.0), 0.5)
        segments.append(
            f'<line x1="{start[0]:.6g}" y1="{start[1]:.6g}" x2="{end[0]:.6g}" y2="{end[1]:.6g}"'
            f"{_stroked(obj, width)}/>"
        )
    return f'<g transform="{_transform(m)}">{"".join(segments)}</g>'


def _ends(obj: dict[str, Any]) -> tuple[Point, Point, Matrix]:
    start = (_num(obj, "x1"), _num(obj, "y1"))
    end = (_num(obj, "x2"), _num(obj, "y2"))
    return start, end, _centred(obj, [start, end])


def _line(obj: dict[str, Any]) -> str:
    (x1, y1), (x2, y2), m = _ends(obj)
    return (
        f'<line x1="{x1:.6g}" y1="{y1:.6g}" x2="{x2:.6g}" y2="{y2:.6g}" '
        f'transform="{_transform(m)}"{_stroked(obj)}/>'
    )


def _arrow(obj: dict[str, Any]) -> str:
    start, end, m = _ends(obj)
    (x1, y1), (x2, y2) = _apply(m, start), _apply(m, end)
    head = _num(obj, "arrowHeadSize", 15.0) if obj.get("arrowHeadSize") is not None else 15.0
    angle = math.atan2(y2 - y1, x2 - x1)
    tip = (x2 - head * 0.7 * math.cos(angle), y2 - head * 0.7 * math.sin(angle)) if head else end
    body = f'<line x1="{x1:.6g}" y1="{y1:.6g}" x2="{tip[0]:.6g}" y2="{tip[1]:.6g}"{_stroked(obj)}/>'
    if head <= 0:
        return body
    wings = [
        (x2 - head * math.cos(angle - math.pi / 6), y2 - head * math.sin(angle - math.pi / 6)),
        (x2 - head * math.cos(angle + math.pi / 6), y2 - head * math.sin(angle + math.pi / 6)),
    ]
    points = " ".join(f"{x:.6g},{y:.6g}" for x, y in [(x2, y2), *wings])
    return body + f'<polygon points="{points}"{_color_attrs("fill", _line_paint(obj))}/>'


def _box(obj: dict[str, Any], shape: Callable[[float, float], str]) -> str:
    width, height = _num(obj, "width"), _num(obj, "height")
    if width <= 0 or height <= 0:
        return ""
    m = _matrix(obj, (width / 2, height / 2))
    stroke = _stroked(obj) if obj.get("stroke") else ' stroke="none"'
    return (
        f'<g transform="{_transform(m)}">{shape(width, height)[:-2]}'
        f"{_color_attrs('fill', obj.get('fill'))}{stroke}/></g>"
    )


def _rect(obj: dict[str, Any]) -> str:
    return _box(obj, lambda w, h: f'<rect x="0" y="0" width="{w:.6g}" height="{h:.6g}"/>')


def _ellipse(obj: dict[str, Any]) -> str:
    sized = dict(obj)
    if obj.get("rx") is not None or obj.get("ry") is not None:
        sized["width"], sized["height"] = _num(obj, "rx") * 2, _num(obj, "ry") * 2
    elif obj.get("radius") is not None:
        sized["width"] = sized["height"] = _num(obj, "radius") * 2
    return _box(
        sized,
        lambda w, h: (
            f'<ellipse cx="{w / 2:.6g}" cy="{h / 2:.6g}" rx="{w / 2:.6g}" ry="{h / 2:.6g}"/>'
        ),
    )


def _poly(obj: dict[str, Any], closed: bool) -> str:
    anchors = _points(obj.get("points"))
    if len(anchors) < (3 if closed else 2):
        return ""
    m = _centred(obj, anchors)
    points = " ".join(f"{x:.6g},{y:.6g}" for x, y in anchors)
    tag = "polygon" if closed else "polyline"
    fill = _color_attrs("fill", obj.get("fill")) if closed else ' fill="none"'
    stroke = _stroked(obj) if (obj.get("stroke") or not closed) else ' stroke="none"'
    return f'<{tag} points="{points}" transform="{_transform(m)}"{fill}{stroke}/>'


def _text(obj: dict[str, Any]) -> str:
    text = str(obj.get("text") or "")
    if not text:
        return ""
    size = _num(obj, "fontSize", 16.0)
    m = _matrix(obj, (_num(obj, "width") / 2, _num(obj, "height") / 2))
    colour = obj.get("fill") or obj.get("stroke") or "#000000"
    lines = "".join(
        f'<tspan x="0" dy="{size if n else size * 0.9:.6g}">{escape(line)}</tspan>'
        for n, line in enumerate(text.split("\n"))
    )
    family = quoteattr(str(obj.get("fontFamily") or "sans-serif"))
    return (
        f'<text transform="{_transform(m)}" font-size="{size:.6g}" font-family={family}'
        f"{_color_attrs('fill', colour)}>{lines}</text>"
    )


_SHAPES: dict[str, Callable[[dict[str, Any]], str]] = {
    "path": _path,
    "psstroke": _psstroke,
    "line": _line,
    "arrow": _arrow,
    "rect": _rect,
    "circle": _ellipse,
    "ellipse": _ellipse,
    "polyline": lambda o: _poly(o, False),
    "polygon": lambda o: _poly(o, True),
    "text": _text,
    "i-text": _text,
    "textbox": _text,
}
