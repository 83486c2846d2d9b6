"""The drawing objects of a frame annotation, as cineSync 3 saves them.

Coordinates are fractions of the frame's width and height (0..1), colours ``#rrggbb`` and alphas
0..1. ``id`` is cineSync's own object id (``<uuid>:<n>``); several objects may share one (a stroke
split in parts), so it is data, not a key. Drawings are read so that a connector can tell which
frames have them (and pick up their saved frame images); the drawings of an annotation are written
back only when a connector changes them, otherwise the file keeps cineSync's own elements.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Point:
    """A point of a stroke, or a corner of a shape; ``alpha`` is a line point's pen pressure."""

    x: float
    y: float
    alpha: float | None = None


@dataclass(frozen=True, slots=True)
class Paint:
    """A colour with its opacity: the background or foreground of a text box."""

    color: str
    alpha: float


@dataclass(frozen=True, slots=True)
class Line:
    """A freehand pen stroke."""

    color: str
    alpha: float
    thickness: float
    points: tuple[Point, ...]
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Erase:
    """An eraser stroke: it removes what earlier objects drew under it."""

    thickness: float
    points: tuple[Point, ...]
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Circle:
    """An ellipse inside the rectangle from ``start`` to ``end``."""

    color: str
    alpha: float
    start: Point
    end: Point
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Arrow:
    """An arrow from ``start`` to ``end``; the flags are cineSync's curved-arrow options."""

    color: str
    alpha: float
    start: Point
    end: Point
    special: bool | None = None
    flip_side: bool | None = None
    reverse: bool | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """A text box drawn on the frame (not the frame's notes)."""

    text: str
    start: Point
    end: Point
    background: Paint
    foreground: Paint
    id: str | None = None


Drawing = Line | Erase | Circle | Arrow | Text

DRAWING_TAGS: dict[str, type[Drawing]] = {
    "line": Line,
    "erase": Erase,
    "circle": Circle,
    "arrow": Arrow,
    "text": Text,
}
