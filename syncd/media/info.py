"""What probing learnt about a file: one value that travels with the media to every system.

Frame rate and frame count travel with the bytes because some systems cannot find them out on
their own (SyncSketch counts frames from the fps it is given).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["image", "movie", "other"]


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """A file's kind and geometry; ``validated`` is False when no tool could check it."""

    kind: Kind
    mime: str | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None
    frames: int | None = None
    codec: str | None = None
    validated: bool = True
