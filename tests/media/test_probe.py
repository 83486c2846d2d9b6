"""Media is checked before upload: each kind of damage gives one clear line naming the file."""

from __future__ import annotations

import struct
import time
import zlib
from pathlib import Path

import pytest
import pyvips
import structlog

from syncd.errors import SkippableError
from syncd.media import tools
from syncd.media.probe import probe, sniff
from syncd.media.tools import MediaTools
from tests.media.conftest import Movies, run_measured, truncated, write_image


def refused(path: Path, **options: object) -> str:
    with pytest.raises(SkippableError) as caught:
        probe(path, **options)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message and repr(path.name) in message
    return message


def bomb_png(path: Path, width: int, height: int) -> Path:
    """A 1x1 PNG whose header claims ``width`` x ``height``: tiny on disk, huge once decoded."""
    small = bytes(pyvips.Image.black(1, 1).cast("uchar").write_to_buffer(".png"))
    at = small.index(b"IHDR")
    ihdr = b"IHDR" + struct.pack(">II", width, height) + small[at + 12 : at + 17]
    path.write_bytes(small[:at] + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + small[at + 21 :])
    return path


# -- images ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix, codec, mime", [(".png", "png", "image/png"), (".jpg", "jpeg", "image/jpeg")]
)
def test_valid_images_are_described(tmp_path: Path, suffix: str, codec: str, mime: str) -> None:
    info = probe(write_image(tmp_path / f"frame{suffix}", 640, 360))
    assert (info.kind, info.width, info.height, info.codec, info.mime) == (
        "image",
        640,
        360,
        codec,
        mime,
    )
    assert info.validated and info.fps is None


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_truncated_images_are_refused(tmp_path: Path, suffix: str) -> None:
    whole = write_image(tmp_path / f"whole{suffix}")
    message = refused(truncated(whole, tmp_path / f"frame{suffix}"))
    assert "is not a valid image" in message and "not uploaded" in message


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = bomb_png(tmp_path / "bomb.png", 100_000, 100_000)
    started = time.perf_counter()
    message = refused(bomb)
    assert time.perf_counter() - started < 1
    assert "100000x100000 pixels, over the limit of 200 megapixels" in message


def test_a_decompression_bomb_costs_little_memory(tmp_path: Path) -> None:
    bomb = bomb_png(tmp_path / "bomb.png", 60_000, 60_000)  # 10 GB of pixels if decoded
    measured = run_measured(
        """
        from pathlib import Path
        from syncd.errors import SkippableError
        from syncd.media.probe import probe
        import pyvips

        def setup(path):
            return Path(path)

        def work(path):
            try:
                probe(path)
            except SkippableError as exc:
                return {"refused": "megapixels" in str(exc)}
            return {"refused": False}
        """,
        str(bomb),
    )
    assert measured["refused"] and measured["growth_mb"] < 20 and measured["seconds"] < 1


def test_the_pixel_limit_is_configurable(tmp_path: Path) -> None:
    frame = write_image(tmp_path / "frame.jpg", 2000, 1000)
    assert "over the limit of 1 megapixels" in refused(frame, max_pixels=1_000_000)
    assert probe(frame, max_pixels=2_000_000).width == 2000


def test_text_named_like_an_image_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "frame.png"
    path.write_text("not a picture\n")
    assert "is not a valid image" in refused(path)


def test_empty_and_missing_files(tmp_path: Path) -> None:
    for name in ("clip.mov", "frame.png", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
        assert "is empty" in refused(tmp_path / name)
    assert "is missing" in refused(tmp_path / "gone.mov")


def test_other_files_pass_with_their_type(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4 ...")
    info = probe(path)
    assert info.kind == "other" and info.mime == "application/pdf"


def test_movies_are_described_with_their_frame_rate(movies: Movies) -> None:
    mp4 = probe(movies.mp4)
    assert (mp4.kind, mp4.mime, mp4.codec) == ("movie", "video/mp4", "h264")
    assert (mp4.width, mp4.height, mp4.fps, mp4.frames, mp4.duration) == (320, 240, 24.0, 48, 2.0)
    mov = probe(movies.mov)
    assert (mov.mime, mov.codec, mov.fps, mov.frames) == ("video/quicktime", "mjpeg", 25.0, 50)
    ntsc = probe(movies.ntsc)
    assert ntsc.fps == pytest.approx(23.976, abs=1e-3) and ntsc.frames == 48
    mkv = probe(movies.mkv)  # Matroska gives no frame count: it comes from duration x fps
    assert mkv.fps == 24.0 and mkv.frames == 48


def test_a_movie_with_no_video_stream(movies: Movies) -> None:
    message = refused(movies.audio)
    assert "has no video stream (it has audio streams)" in message


@pytest.mark.parametrize("name", ["mp4", "faststart", "mov", "mkv"])
def test_truncated_movies_are_refused(movies: Movies, tmp_path: Path, name: str) -> None:
    source: Path = getattr(movies, name)
    message = refused(truncated(source, tmp_path / f"cut{source.suffix}"))
    assert "is a truncated movie" in message and "needs" in message


def test_text_named_like_a_movie(tmp_path: Path) -> None:
    path = tmp_path / "clip.mov"
    path.write_text("this is not a movie\n" * 10)
    assert sniff(path) == "movie"
    message = refused(path)
    assert "is not a valid movie (its content does not start like a movie file" in message


def test_garbage_after_a_movie_signature(movies: Movies, tmp_path: Path) -> None:
    path = tmp_path / "clip.mkv"
    data = movies.mkv.read_bytes()
    path.write_bytes(data[:64] + b"\xff" * (len(data) - 64))  # the right length, all wrong
    assert "is not a valid movie" in refused(path)


def test_without_ffprobe_movies_pass_unchecked_with_one_warning(
    movies: Movies, tmp_path: Path
) -> None:
    tools.WARNED.clear()
    missing = MediaTools(ffprobe=None, ffmpeg=None)
    broken = MediaTools(ffprobe=str(tmp_path / "no-such-ffprobe"), ffmpeg=None)
    with structlog.testing.capture_logs() as logs:
        first = probe(movies.mp4, tools=missing)
        probe(movies.mov, tools=missing)
        probe(movies.mp4, tools=broken)
    assert first.kind == "movie" and not first.validated and first.fps is None
    warnings = [line for line in logs if line["log_level"] == "warning"]
    assert len(warnings) == 1
    assert "ffprobe and ffmpeg not usable" in warnings[0]["event"]
    (tmp_path / "empty.mov").write_bytes(b"")
    assert "is empty" in refused(tmp_path / "empty.mov", tools=missing)
    assert "truncated" in refused(truncated(movies.mp4, tmp_path / "cut.mp4"), tools=missing)
