"""Drawings on a Kitsu preview, on a real Zou, become pictures on the notes elsewhere.

Annotations are put on the playlist entry's preview the way Kitsu's player saves them
(``update-annotations`` with fabric.js objects at a time in seconds); syncd renders each drawn
frame over that frame of the preview, and the stroke is where the annotation says it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.kitsu.builders import ZouRest, build_review
from tests.kitsu.helpers import KitsuSide, MemoryRig

pytestmark = pytest.mark.zou


def stroke(y: float, colour: str = "#ff0000", ident: str = "stroke-1") -> dict[str, Any]:
    """A horizontal pen stroke across the middle of a 640x360 canvas, as Kitsu saves one."""
    return {
        "id": ident,
        "type": "path",
        "left": 100,
        "top": y,
        "width": 440,
        "height": 0,
        "scaleX": 1,
        "scaleY": 1,
        "stroke": colour,
        "strokeWidth": 24,
        "fill": None,
        "canvasWidth": 640,
        "canvasHeight": 360,
        "pathOffset": {"x": 320, "y": y},
        "path": [["M", 100, y], ["L", 540, y]],
    }


class Rig(MemoryRig):
    def pictures(self) -> list[tuple[int | None, str, bytes]]:
        return [
            (n.frame, a.filename, self.other.blobs[a.sha256 or ""])
            for n in self.other.notes.values()
            for a in n.attachments
        ]


def annotate(
    rest: ZouRest, preview: str, time: float, *objects: dict[str, Any], key: str = "additions"
) -> None:
    rest.put(
        f"actions/preview-files/{preview}/update-annotations",
        {key: [{"time": time, "drawing": {"objects": list(objects)}}]},
    )


def colour(data: bytes, x: int, y: int) -> list[float]:
    import pyvips

    return list(pyvips.Image.new_from_buffer(data, "").getpoint(x, y)[:3])


@pytest.fixture
def kitsu(zou: Any, gazu_client: Any) -> Iterator[KitsuSide]:
    review = build_review(gazu_client, shots=1, comments_per_shot=0, with_png_preview=True)
    side = KitsuSide(zou, ZouRest(gazu_client), review)
    try:
        yield side
    finally:
        side.endpoint.close()


def test_a_drawing_on_a_picture_is_rendered_where_it_was_drawn(
    kitsu: KitsuSide, tmp_path: Path
) -> None:
    preview = kitsu.review.playlist_preview_file_ids[0]
    assert preview is not None
    annotate(kitsu.rest, preview, 1.0, stroke(180))
    rig = Rig(kitsu, tmp_path)
    rig.run()  # the preview's comment and the drawing
    ((frame, name, picture),) = rig.pictures()
    assert (frame, name) == (26, "drawing-frame-0026.png"), "1 s at 25 fps is frame 26"
    original = kitsu.rest.session.get(
        f"{kitsu.rest.base}/pictures/originals/preview-files/{preview}.png", timeout=30
    ).content
    import pyvips

    image = pyvips.Image.new_from_buffer(picture, "")
    assert (image.width, image.height) == (64, 36), "the picture is the preview's frame"
    assert colour(picture, 32, 18) == [255, 0, 0], "the stroke crosses the middle"
    assert colour(picture, 12, 18) == [255, 0, 0] and colour(picture, 52, 18) == [255, 0, 0]
    assert colour(picture, 32, 4) == colour(original, 32, 4), "above it, the frame itself"
    assert colour(picture, 3, 18) == colour(original, 3, 18), "left of its start, the frame"
    assert dict(rig.run().counts) == {}

    # the drawing is edited in Kitsu: the same note's picture is replaced
    annotate(kitsu.rest, preview, 1.0, stroke(60, "#0000ff"), key="updates")
    result = rig.run()
    assert result.counts["update_note"] == 1 and "create_note" not in result.counts
    ((frame, _, picture),) = rig.pictures()
    assert frame == 26
    assert colour(picture, 32, 6) == [0, 0, 255] and colour(picture, 32, 18) != [255, 0, 0]
    assert dict(rig.run().counts) == {}


def test_a_drawing_on_a_movie_is_drawn_over_its_frame(
    zou: Any, gazu_client: Any, tmp_path: Path
) -> None:
    review = build_review(
        gazu_client, shots=1, comments_per_shot=0, with_png_preview=False, with_movie_preview=True
    )
    kitsu = KitsuSide(zou, ZouRest(gazu_client), review)
    try:
        preview = review.playlist_preview_file_ids[0]
        assert preview is not None
        annotate(kitsu.rest, preview, 0.48, stroke(180, "#00ff00"))
        rig = Rig(kitsu, tmp_path)
        rig.run()
        ((frame, name, picture),) = rig.pictures()
        assert (frame, name) == (13, "drawing-frame-0013.png")
        import pyvips

        image = pyvips.Image.new_from_buffer(picture, "")
        held = kitsu.rest.get(f"data/preview-files/{preview}")
        assert (image.width, image.height) == (held["width"], held["height"])
        middle = (image.width // 2, image.height // 2)
        assert colour(picture, *middle) == [0, 255, 0]
        top = (image.width // 2, image.height // 8)
        assert colour(picture, *top) != [96, 96, 96], "the movie's frame, not grey"
    finally:
        kitsu.endpoint.close()
