"""Poster frames and thumbnails: made once per content and size, kept in the cache."""

from __future__ import annotations

import os
import shutil
import stat
import threading
from pathlib import Path

import pytest
import pyvips
import structlog

from syncd.media import tools
from syncd.media.cache import MediaCache
from syncd.media.probe import probe
from syncd.media.thumbs import Thumbnailer
from syncd.media.tools import MediaTools
from tests.media.conftest import Movies, write_image


def counting_ffmpeg(folder: Path) -> tuple[str, Path]:
    """A real ffmpeg behind a wrapper that logs each run: how often was a poster made?"""
    log = folder / "ffmpeg-runs"
    wrapper = folder / "ffmpeg"
    wrapper.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{shutil.which("ffmpeg")}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return str(wrapper), log


def runs(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_movie_poster_is_a_frame_past_the_start_and_is_made_once(
    movies: Movies, tmp_path: Path
) -> None:
    cache = MediaCache(tmp_path / "cache")
    ffmpeg, log = counting_ffmpeg(tmp_path)
    thumbs = Thumbnailer(cache, MediaTools(shutil.which("ffprobe"), ffmpeg))
    put = cache.put_file(movies.black_then_white)
    info = probe(put.path)
    poster = thumbs.thumbnail(put.sha256, put.path, info)
    assert poster is not None and poster == cache.get(put.sha256, "thumb-320x180.jpg")
    image = pyvips.Image.new_from_file(str(poster))
    assert (image.width, image.height) == (240, 180)  # 4:3 kept inside 320x180
    assert image.avg() > 200  # white: 10 % in, past the black first frames
    assert thumbs.thumbnail(put.sha256, put.path, info) == poster
    assert runs(log) == 1


def test_threads_asking_for_one_poster_make_it_once(movies: Movies, tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache")
    ffmpeg, log = counting_ffmpeg(tmp_path)
    thumbs = Thumbnailer(cache, MediaTools(shutil.which("ffprobe"), ffmpeg), width=160, height=90)
    put = cache.put_file(movies.mp4)
    info = probe(put.path)
    got: list[Path | None] = []
    barrier = threading.Barrier(4)

    def ask() -> None:
        barrier.wait()
        got.append(thumbs.thumbnail(put.sha256, put.path, info))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 4 and len(set(got)) == 1 and got[0] is not None
    assert got[0].name.endswith(".thumb-160x90.jpg") and runs(log) == 1


def test_image_thumbnail_fits_the_box_and_is_cached_per_size(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache")
    put = cache.put_file(write_image(tmp_path / "frame.jpg", 2400, 600))
    info = probe(put.path)
    small = Thumbnailer(cache).thumbnail(put.sha256, put.path, info)
    large = Thumbnailer(cache, width=640, height=360).thumbnail(put.sha256, put.path, info)
    assert small is not None and large is not None and small != large
    assert pyvips.Image.new_from_file(str(small)).width == 320
    assert pyvips.Image.new_from_file(str(large)).width == 640
    mtime = os.stat(small).st_mtime_ns
    assert Thumbnailer(cache).thumbnail(put.sha256, put.path, info) == small
    assert os.stat(small).st_mtime_ns == mtime  # found, not made again


def test_alpha_images_get_a_white_background(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache")
    clear = pyvips.Image.black(64, 64, bands=4).cast("uchar")  # fully transparent
    clear.write_to_file(str(tmp_path / "matte.png"))
    put = cache.put_file(tmp_path / "matte.png")
    thumb = Thumbnailer(cache).thumbnail(put.sha256, put.path, probe(put.path))
    assert thumb is not None
    image = pyvips.Image.new_from_file(str(thumb))
    assert image.bands == 3 and image.avg() > 250


def test_no_ffmpeg_means_no_poster_and_one_warning(movies: Movies, tmp_path: Path) -> None:
    tools.WARNED.clear()
    cache = MediaCache(tmp_path / "cache")
    thumbs = Thumbnailer(cache, MediaTools(shutil.which("ffprobe"), None))
    put = cache.put_file(movies.mp4)
    info = probe(put.path)
    with structlog.testing.capture_logs() as logs:
        assert thumbs.thumbnail(put.sha256, put.path, info) is None
        assert thumbs.thumbnail(put.sha256, put.path, info) is None
    warnings = [line for line in logs if line["log_level"] == "warning"]
    assert len(warnings) == 1 and warnings[0]["missing"] == ["ffmpeg"]


def test_other_media_has_no_thumbnail(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache")
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4")
    put = cache.put_file(path)
    assert Thumbnailer(cache).thumbnail(put.sha256, put.path, probe(put.path)) is None


@pytest.mark.parametrize("width, height", [(320, 180), (100, 100)])
def test_a_cropped_thumbnail_has_the_exact_size(tmp_path: Path, width: int, height: int) -> None:
    from syncd.media.images import write_thumbnail

    source = write_image(tmp_path / "frame.jpg", 1920, 1080)
    out = write_thumbnail(source, tmp_path / "thumb.jpg", width, height, crop=True)
    image = pyvips.Image.new_from_file(str(out))
    assert (image.width, image.height) == (width, height)
