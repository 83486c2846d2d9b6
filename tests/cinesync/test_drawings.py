"""Drawn frames as image attachments: drawn by syncd, or the frames cineSync saved."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyvips

from syncd.connectors.cinesync import Line, Point, Text
from syncd.connectors.cinesync.drawing import Erase, Paint
from syncd.connectors.cinesync.render import render, to_svg
from syncd.core.model import NewItem
from tests.cinesync.sessions import CIRCLE, LINE, endpoint, media, picture, run, session


def one_session(folder: Path, *frames_and_text: tuple[int, str | None, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    frames = {f: (text, drawn) for f, text, drawn in frames_and_text}
    (folder / "dailies.csc").write_text(session(media("sh010", frames=frames)))


def test_a_drawn_frame_is_an_image_on_its_typed_note(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    one_session(folder, (12, "Fix the contact.", LINE))
    (note,) = endpoint(folder).snapshot().notes
    (image,) = note.attachments
    assert image.path is not None and image.path.is_file()
    assert image.sha256 == hashlib.sha256(image.path.read_bytes()).hexdigest()
    assert image.filename == "cinesync-sh010-00012.png" and image.mime == "image/png"
    assert image.path.parent == folder / ".syncd" / "drawings"
    again = endpoint(folder).snapshot().notes[0]
    assert again.attachments == note.attachments and again.id == note.id


def test_drawings_without_words_are_a_note_of_their_own(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    one_session(folder, (20, None, CIRCLE))
    (note,) = endpoint(folder).snapshot().notes
    assert (note.text, note.frame, len(note.attachments)) == ("", 20, 1)
    assert endpoint(folder).snapshot().notes == (note,)


def test_the_same_drawing_is_the_same_attachment(tmp_path: Path) -> None:
    one_session(tmp_path / "a", (12, "x", LINE))
    one_session(tmp_path / "b", (12, "x", LINE))
    first = endpoint(tmp_path / "a").snapshot().notes[0].attachments[0]
    second = endpoint(tmp_path / "b").snapshot().notes[0].attachments[0]
    assert first.sha256 == second.sha256


def test_a_changed_drawing_changes_the_image_of_the_same_note(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    one_session(folder, (12, "Fix the contact.", LINE))
    before = endpoint(folder).snapshot().notes[0]
    run(folder)
    path = folder / "dailies.csc"
    path.write_text(path.read_text().replace("</line>", "</line>" + CIRCLE))
    after = endpoint(folder).snapshot().notes[0]
    assert after.id == before.id and after.attachments[0].sha256 != before.attachments[0].sha256


def test_erasing_every_stroke_removes_a_note_of_drawings_alone(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    one_session(folder, (20, None, CIRCLE))
    run(folder)
    path = folder / "dailies.csc"
    assert CIRCLE in path.read_text()
    path.write_text(path.read_text().replace(CIRCLE, ""))
    assert endpoint(folder).snapshot().notes == ()


def test_drawings_go_over_the_media_picture(tmp_path: Path) -> None:
    ep = endpoint(tmp_path / "sessions")
    item = ep.create_item(NewItem("sh010", "i0a0a0a0a0a0a0a0a0a0a", media=picture(tmp_path)))
    ep.flush()
    ep.close()
    path = tmp_path / "sessions" / "dailies.csc"
    text = path.read_text()
    path.write_text(
        text.replace("</locators>", f'</locators><annotation frame="3">{LINE}</annotation>')
    )
    (note,) = endpoint(tmp_path / "sessions").snapshot().notes
    assert note.item == item.id
    assert note.attachments[0].path is not None
    drawn = pyvips.Image.new_from_file(str(note.attachments[0].path))
    assert (drawn.width, drawn.height) == (64, 36)
    assert drawn.getpoint(60, 2)[:3] == [200.0, 90.0, 40.0], "the media's own colour"


def test_without_a_picture_the_drawing_is_on_a_grey_frame() -> None:
    drawn = pyvips.Image.new_from_buffer(
        render((Line("#ff0000", 1, 0.01, (Point(0.5, 0.5),)),)), ""
    )
    assert (drawn.width, drawn.height) == (1920, 1080)
    assert drawn.getpoint(960, 540)[:3] == [255.0, 0.0, 0.0]
    assert drawn.getpoint(10, 10)[:3] == [64.0, 64.0, 64.0]


def test_the_svg_says_only_numbers_colours_and_escaped_text() -> None:
    hostile = Text(
        '<image href="file:///etc/passwd"/>&amp;',
        Point(0.1, 0.1),
        Point(0.4, 0.2),
        Paint("url(#x)", 1),
        Paint("#ffffff", 1),
    )
    svg = to_svg((hostile, Line("#00ff00", 1, 0.01, (Point(float("nan"), 0.5),))), 100, 50)
    assert "<image" not in svg and "&lt;image" in svg
    assert "url(#x)" not in svg and 'fill="#ff0000"' in svg
    assert "nan" not in svg.lower()
    pyvips.Image.svgload_buffer(svg.encode())  # still a picture


def test_an_eraser_masks_what_was_drawn_before_it() -> None:
    stroke = Line("#ff0000", 1, 0.1, (Point(0.1, 0.5), Point(0.9, 0.5)))
    eraser = Erase(0.2, (Point(0.5, 0.5),))
    drawn = pyvips.Image.new_from_buffer(render((stroke, eraser)), "")
    assert drawn.getpoint(300, 540)[:3] == [255.0, 0.0, 0.0]
    assert drawn.getpoint(960, 540)[:3] == [64.0, 64.0, 64.0]


def test_drawings_on_a_movie_go_over_its_poster_frame(tmp_path: Path) -> None:
    import subprocess

    from syncd.core.model import LocalMedia
    from syncd.media.thumbs import poster_maker

    movie = tmp_path / "sh010.mp4"
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=blue:s=320x180:d=1", str(movie)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        import pytest

        pytest.skip("no ffmpeg to make a movie with")
    data = movie.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    ep = endpoint(tmp_path / "sessions")
    ep.create_item(
        NewItem(
            "sh010", "i0a0a0a0a0a0a0a0a0a0a", media=LocalMedia(movie, sha, movie.name, len(data))
        )
    )
    ep.flush()
    path = tmp_path / "sessions" / "dailies.csc"
    text = path.read_text()
    path.write_text(
        text.replace("</locators>", f'</locators><annotation frame="3">{LINE}</annotation>')
    )
    again = endpoint(tmp_path / "sessions")
    again.posters = poster_maker(tmp_path / "posters")
    (note,) = again.snapshot().notes
    assert note.attachments[0].path is not None
    drawn = pyvips.Image.new_from_file(str(note.attachments[0].path))
    assert drawn.width * 180 == drawn.height * 320, "the movie's shape"
    red, _, blue = drawn.getpoint(drawn.width - 10, 10)[:3]
    assert blue > 200 and red < 40, "the movie's blue frame under the drawing"
