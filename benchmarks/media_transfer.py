"""One large movie carried to SyncSketch and ShotGrid: syncd's memory, speed and downloads.

Makes a real movie with ffmpeg (1080p MPEG-4 at the highest quality, ten seconds encoded
once and looped without re-encoding up to ``--size``; it passes ffprobe's checks), puts it in a
review file (the source: a local folder stands in for Kitsu's preview download, which a real Zou
takes too long to serve at this size), and runs ``syncd run --once`` as a subprocess that carries
it to a SyncSketch and a ShotGrid stand-in on loopback. Then uploads the same file to the same
two servers the plain way, in the same run: a streaming multipart POST (requests-toolbelt) to
SyncSketch and the official client's ``upload()`` to ShotGrid. Prints:

* the syncd process's peak RSS (goal: under 150 MB, whatever the file's size);
* throughput as a ratio of the plain uploads' (goal: 0.8 or more);
* how many times the movie was downloaded into the cache (goal: 1 for the two targets).

    python benchmarks/media_transfer.py [--size 1GiB] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import shotgun_api3
import yaml
from requests_toolbelt import MultipartEncoder
from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

SS_KEY, SG_KEY = "bench-ss", "bench-sg"


def parse_size(text: str) -> int:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMG]i?B)?", text.strip(), re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    unit = (match.group(2) or "B").upper().replace("I", "")
    return int(float(match.group(1)) * {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}[unit])


def make_movie(path: Path, size: int) -> float:
    """A valid MP4 of about ``size`` bytes, made in seconds whatever the size.

    Ten seconds of 1080p MPEG-4 at the highest quality (about 3 MB a second) are encoded once,
    then looped into the output without re-encoding (``-stream_loop``, ``-c copy``) until
    ``-fs`` stops at the size, and ffmpeg closes the file (``moov`` written): the result passes
    ffprobe's checks, its timestamps run on, and only the ten seconds cost an encoder's time.
    """
    started = time.perf_counter()
    ffmpeg = ("ffmpeg", "-nostdin", "-v", "error", "-y")
    clip = path.with_name(f"{path.stem}-clip.mp4")
    subprocess.run(
        [
            *ffmpeg,
            *("-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=24"),
            *("-t", "10", "-c:v", "mpeg4", "-q:v", "1", "-threads", "2", str(clip)),
        ],
        check=True,
    )
    loops = size // max(clip.stat().st_size, 1) + 1
    subprocess.run(
        [
            *ffmpeg,
            *("-stream_loop", str(loops), "-i", str(clip)),
            *("-c", "copy", "-fs", str(size), str(path)),
        ],
        check=True,
    )
    clip.unlink()
    return time.perf_counter() - started


def write_config(folder: Path, ss: SyncSketchStandIn, sg: ShotGridStandIn) -> None:
    ss_project = ss.store.add_project("Bench")
    sg_project = sg.store.create("Project", {"name": "Bench"})["id"]
    config = {
        "state": "sqlite:///state.db",
        "media": {"cache": "./cache"},
        "systems": {
            "local": {"type": "file", "path": "./reviews"},
            "syncsketch": {
                "type": "syncsketch",
                "url": ss.url,
                "username": "bench",
                "api_key": "${SS_KEY}",
            },
            "shotgrid": {
                "type": "shotgrid",
                "url": sg.url,
                "script_name": "bench",
                "api_key": "${SG_KEY}",
            },
        },
        "mappings": [
            {
                "name": "dailies",
                "endpoints": {
                    "local": {"review": "dailies"},
                    "syncsketch": {"project_id": ss_project, "review": "Dailies", "create": True},
                    "shotgrid": {"project_id": sg_project, "playlist": "Dailies", "create": True},
                },
                "sync": {"items": "local", "media": "local", "notes": "off"},
            }
        ],
    }
    (folder / "syncd.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def run_syncd(folder: Path) -> tuple[dict, float, float]:
    """(run summary, seconds, peak RSS in MiB) of ``syncd run --once`` as a child process."""
    env = {**os.environ, "SS_KEY": SS_KEY, "SG_KEY": SG_KEY, "SYNCD_LOG_FORMAT": "json"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "syncd", "run", "--once", "--json"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not ffmpeg's
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"syncd failed (exit {proc.returncode}): {out.decode()[:2000]}")
    return json.loads(out)[0], seconds, usage.ru_maxrss / 1024  # KiB on Linux


def plain_uploads(movie: Path, ss: SyncSketchStandIn, sg: ShotGridStandIn) -> float:
    """Seconds to send the movie to both servers the plain streaming way."""
    review = ss.store.add_review(ss.store.add_project("Plain"), "Plain")["id"]
    sg_project = sg.store.create("Project", {"name": "Plain"})
    version = sg.store.create("Version", {"code": "plain", "project": sg_project})
    started = time.perf_counter()
    with movie.open("rb") as handle:
        form = MultipartEncoder({"reviewFile": (movie.name, handle, "video/mp4")})
        answer = requests.post(
            f"{ss.url}/items/uploadToReview/{review}/",
            params={"noConvertFlag": 1},
            data=form,
            headers={"Content-Type": form.content_type, "Authorization": f"apikey bench:{SS_KEY}"},
            timeout=600,
        )
        answer.raise_for_status()
    client = shotgun_api3.Shotgun(sg.url, script_name="bench", api_key=SG_KEY)
    client.upload("Version", version["id"], str(movie), field_name="sg_uploaded_movie")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("1GiB"))
    parser.add_argument("--keep", type=Path, help="make (or reuse) the movie in this folder")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        raise SystemExit("ffmpeg is needed (apt install ffmpeg)")
    work = Path(tempfile.mkdtemp(prefix="syncd-media-bench-"))
    try:
        folder = args.keep or work
        movie = folder / "reviews" / "media" / "sh010.mp4"
        movie.parent.mkdir(parents=True, exist_ok=True)
        if not (movie.exists() and abs(movie.stat().st_size - args.size) < args.size // 20):
            print(f"making a {args.size / 2**20:.0f} MiB movie ...", flush=True)
            print(f"  ffmpeg: {make_movie(movie, args.size):.1f} s", flush=True)
        for stale in ("state.db", "cache"):
            target = folder / stale
            shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(
                missing_ok=True
            )
        items = [{"name": "sh010", "media": {"file": "media/sh010.mp4"}}]
        (folder / "reviews" / "dailies.yaml").write_text(
            yaml.safe_dump({"review": "dailies", "items": items})
        )
        size = movie.stat().st_size
        with (
            SyncSketchStandIn(users={"bench": SS_KEY}, media_dir=work / "ss") as ss,
            ShotGridStandIn(scripts={"bench": SG_KEY}) as sg,
        ):
            write_config(folder, ss, sg)
            summary, seconds, rss = run_syncd(folder)
            plain = plain_uploads(movie, ss, sg)
        media = summary["media"]
        moved = media["bytes_up"]
        print(f"movie: {size / 2**20:.0f} MiB, carried to SyncSketch and ShotGrid")
        print(f"syncd run:      {seconds:6.1f} s  ({moved / seconds / 2**20:.0f} MiB/s sent)")
        print(f"plain uploads:  {plain:6.1f} s  ({2 * size / plain / 2**20:.0f} MiB/s sent)")
        print(f"peak RSS of syncd: {rss:.0f} MiB (goal < 150)")
        print(f"throughput ratio: {plain / seconds:.2f} (goal >= 0.8)")
        print(
            f"downloads: {media['downloads']} for 2 targets (goal 1); uploads: {media['uploads']}"
        )
        if summary["outcome"] != "ok" or moved != 2 * size:
            print(f"outcome {summary['outcome']}: {summary['failures']}")
            return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
