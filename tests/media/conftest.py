"""Real media made on the spot: movies with ffmpeg, images with pyvips, and memory probes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import pyvips

ROOT = Path(__file__).resolve().parents[2]


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


@dataclass(frozen=True)
class Movies:
    """One set of small real movies for the whole session (ffmpeg runs once per file)."""

    mp4: Path  # h264, 320x240, 24 fps, 2 s, moov at the end
    faststart: Path  # the same with moov first: headers survive truncation
    mov: Path  # QuickTime, mjpeg, 25 fps
    ntsc: Path  # 24000/1001 fps
    mkv: Path  # Matroska: no frame count in the header
    audio: Path  # audio only
    black_then_white: Path  # 0.1 s black, then white: the poster must not be the first frame
    folder: Path


def _testsrc(rate: str, seconds: float = 2) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc=duration={seconds}:size=320x240:rate={rate}"]


@pytest.fixture(scope="session")
def movies(tmp_path_factory: pytest.TempPathFactory) -> Movies:
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        pytest.fail("ffmpeg and ffprobe are needed (Debian package ffmpeg, see scripts/test)")
    folder = tmp_path_factory.mktemp("movies")
    h264 = ["-pix_fmt", "yuv420p", "-bf", "0", "-c:v", "libx264", "-preset", "ultrafast"]
    ffmpeg(*_testsrc("24"), *h264, str(folder / "clip.mp4"))
    ffmpeg(*_testsrc("24"), *h264, "-movflags", "+faststart", str(folder / "fast.mp4"))
    ffmpeg(*_testsrc("25"), "-pix_fmt", "yuvj420p", "-c:v", "mjpeg", str(folder / "clip.mov"))
    ffmpeg(*_testsrc("24000/1001"), *h264, str(folder / "ntsc.mp4"))
    ffmpeg(*_testsrc("24"), *h264, str(folder / "clip.mkv"))
    ffmpeg("-f", "lavfi", "-i", "sine=duration=2", str(folder / "audio.m4a"))
    ffmpeg(
        *("-f", "lavfi", "-i", "color=c=black:s=320x240:r=24:d=0.1"),
        *("-f", "lavfi", "-i", "color=c=white:s=320x240:r=24:d=1.9"),
        *("-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0", *h264),
        str(folder / "fade.mp4"),
    )
    return Movies(
        folder / "clip.mp4",
        folder / "fast.mp4",
        folder / "clip.mov",
        folder / "ntsc.mp4",
        folder / "clip.mkv",
        folder / "audio.m4a",
        folder / "fade.mp4",
        folder,
    )


def truncated(source: Path, dest: Path, fraction: float = 0.5) -> Path:
    data = source.read_bytes()
    dest.write_bytes(data[: int(len(data) * fraction)])
    return dest


def noisy_image(width: int, height: int) -> pyvips.Image:
    """An image that does not compress to nothing, so truncating it cuts real pixel data."""
    return pyvips.Image.gaussnoise(width, height, mean=128, sigma=40).cast("uchar").bandjoin([0, 0])


def write_image(path: Path, width: int = 640, height: int = 360) -> Path:
    noisy_image(width, height).write_to_file(str(path))
    return path


def rchar() -> int:
    """Bytes this process has read through read() calls so far (Linux /proc accounting)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


def run_measured(code: str, *args: str, timeout: float = 120) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter; it defines ``setup()`` and ``work(state)``.

    Returns the JSON it prints: seconds and the growth of peak RSS (VmHWM) during ``work``
    over the RSS after ``setup``, in MiB, plus whatever ``work`` returned.
    """
    script = textwrap.dedent(code) + textwrap.dedent(
        """
        import json as _json, sys as _sys, time as _time
        from pathlib import Path as _Path

        def _status(key):
            for line in _Path("/proc/self/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
            raise KeyError(key)

        _state = setup(*_sys.argv[1:])
        try:
            _Path("/proc/self/clear_refs").write_text("5")  # peak RSS := current RSS
        except OSError:
            pass  # then the peak may include setup: the measure errs on the high side
        _before = _status("VmRSS")
        _start = _time.perf_counter()
        _result = work(_state)
        _seconds = _time.perf_counter() - _start
        print(_json.dumps({"seconds": _seconds, "growth_mb": _status("VmHWM") - _before,
                           **(_result or {})}))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
