"""fabric.js drawings rendered as pictures: each kind of shape lands where fabric puts it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyvips

from syncd.media.drawings import render_drawing
from tests.kitsu.builders import make_png

CANVAS = {"canvasWidth": 200, "canvasHeight": 200}


def render(tmp_path: Path, *objects: dict[str, Any], **kw: Any) -> pyvips.Image:
    out = tmp_path / "drawing.png"
    render_drawing([{**CANVAS, **o} for o in objects], out, **kw)
    return pyvips.Image.new_from_file(str(out))


def at(image: pyvips.Image, x: int, y: int) -> list[float]:
    return list(image.getpoint(x, y)[:3])


def test_shapes_land_where_fabric_puts_them(tmp_path: Path) -> None:
    image = render(
        tmp_path,
        {  # Zou's own example: a path in its local frame, placed by its bbox centre
            "type": "path",
            "left": 60,
            "top": 100,
            "width": 40,
            "height": 0,
            "stroke": "#00ff00",
            "strokeWidth": 4,
            "pathOffset": {"x": 80, "y": 100},
            "path": [["M", 60, 100], ["L", 100, 100]],
        },
        {  # the path moved 50 to the right: its commands unchanged, its left moved
            "type": "path",
            "left": 110,
            "top": 20,
            "width": 40,
            "height": 0,
            "stroke": "#ff00ff",
            "strokeWidth": 4,
            "pathOffset": {"x": 80, "y": 20},
            "path": [["M", 60, 20], ["L", 100, 20]],
        },
        {
            "type": "PSStroke",
            "stroke": "#00aaff",
            "strokeWidth": 4,
            "left": 60,
            "top": 149,
            "width": 80,
            "height": 2,
            "strokePoints": [
                {"x": 60, "y": 150, "pressure": 1},
                {"x": 100, "y": 150, "pressure": 1},
            ],
        },
        {
            "type": "arrow",
            "x1": 20,
            "y1": 180,
            "x2": 180,
            "y2": 180,
            "stroke": "#ff8800",
            "strokeWidth": 4,
            "arrowHeadSize": 12,
        },
        {"type": "rect", "left": 10, "top": 10, "width": 20, "height": 20, "fill": "#ffff00"},
        {"type": "circle", "left": 160, "top": 60, "radius": 10, "fill": "rgba(0,0,255,1)"},
        size=(400, 400),
    )
    assert (image.width, image.height) == (400, 400), "canvas 200 scaled to the picture"
    assert at(image, 160, 200) == [0, 255, 0]
    assert at(image, 260, 40) == [255, 0, 255] and at(image, 160, 40) != [255, 0, 255]
    assert at(image, 160, 300) == [0, 170, 255]
    assert at(image, 200, 360) == [255, 136, 0]
    assert at(image, 40, 40) == [255, 255, 0]
    assert at(image, 340, 140) == [0, 0, 255]
    assert at(image, 200, 250) == [96, 96, 96], "nothing drawn: grey"


def test_drawn_over_the_frame(tmp_path: Path) -> None:
    frame = tmp_path / "frame.png"
    frame.write_bytes(make_png(100, 50, (10, 200, 30)))
    original = pyvips.Image.new_from_file(str(frame))
    image = render(
        tmp_path,
        {
            "type": "line",
            "x1": 0,
            "y1": 100,
            "x2": 200,
            "y2": 100,
            "stroke": "#ff0000",
            "strokeWidth": 8,
        },
        background=frame,
    )
    assert (image.width, image.height) == (100, 50)
    assert at(image, 50, 25) == [255, 0, 0]
    assert at(image, 50, 5) == at(original, 50, 5)
