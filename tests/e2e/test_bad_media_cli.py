"""Bad media is refused per object and the run goes on: ``syncd run --once`` carries a review
file's media to the SyncSketch and ShotGrid stand-ins, where each broken file (empty, truncated,
not what its name says, a movie without a picture, a decompression bomb, a download whose hash
is not the recorded one) is one clear problem in the run's report, exit code 1, and never
reaches either system, while the good files do, with a poster frame for ShotGrid.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

from tests.e2e.helpers import save_config, shotgrid_system, syncd, syncsketch_system
from tests.kitsu.builders import make_mp4, make_png

SS_KEY, SG_KEY = "ss-key-for-tests", "sg-key-for-tests"
ENV = {"SS_KEY": SS_KEY, "SG_KEY": SG_KEY}


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG whose header claims 10 gigapixels (its data is a few bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


@pytest.fixture
def stand_ins() -> Iterator[tuple[SyncSketchStandIn, ShotGridStandIn]]:
    with (
        SyncSketchStandIn(users={"syncd": SS_KEY}) as ss,
        ShotGridStandIn(scripts={"syncd": SG_KEY}) as sg,
    ):
        yield ss, sg


def write_review(folder: Path) -> dict[str, str]:
    """The review file and its media: name -> what is wrong with it ("" for good media)."""
    media = folder / "reviews" / "media"
    media.mkdir(parents=True)
    good_png = make_png(96, 54)
    (media / "good.png").write_bytes(good_png)
    make_mp4(media / "good.mp4", seconds=1, size="64x64")
    (media / "empty.png").write_bytes(b"")
    (media / "cut.png").write_bytes(make_png(320, 180)[:400])
    jpeg = media / "whole.jpg"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:duration=1", "-frames:v", "1", str(jpeg))
    (media / "cut.jpg").write_bytes(jpeg.read_bytes()[: jpeg.stat().st_size // 3])
    jpeg.unlink()
    (media / "notes.mov").write_text("this is a text file, not a movie\n" * 20)
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", str(media / "sound.mp4"))
    (media / "bomb.png").write_bytes(bomb_png())
    (media / "other.png").write_bytes(make_png(40, 30, color=(200, 20, 20)))
    items: list[dict[str, Any]] = [
        {"name": "sh010", "media": {"file": "media/good.png"}},
        {"name": "sh020", "media": {"file": "media/good.mp4"}},
        {"name": "sh030", "media": {"file": "media/empty.png"}},
        {"name": "sh040", "media": {"file": "media/cut.png"}},
        {"name": "sh050", "media": {"file": "media/cut.jpg"}},
        {"name": "sh060", "media": {"file": "media/notes.mov"}},
        {"name": "sh070", "media": {"file": "media/sound.mp4"}},
        {"name": "sh080", "media": {"file": "media/bomb.png"}},
        # the file is not the content the review says it is (a download that does not match)
        {"name": "sh090", "media": {"file": "media/other.png", "sha256": "ab" * 32}},
    ]
    (folder / "reviews" / "dailies.yaml").write_text(
        yaml.safe_dump({"review": "dailies", "items": items}, sort_keys=False)
    )
    return {
        "sh010": "",
        "sh020": "",
        "sh030": "empty",
        "sh040": "cut.png",
        "sh050": "cut.jpg",
        "sh060": "notes.mov",
        "sh070": "video stream",
        "sh080": "pixels",
        "sh090": "does not match",
    }


def write_config(folder: Path, ss: SyncSketchStandIn, sg: ShotGridStandIn) -> None:
    ss_project = ss.store.add_project("Demo")
    sg_project = sg.store.create("Project", {"name": "Demo"})["id"]
    save_config(
        folder,
        {
            "state": "sqlite:///state.db",
            "media": {"cache": "./cache"},
            "systems": {
                "local": {"type": "file", "path": "./reviews"},
                "syncsketch": syncsketch_system(ss),
                "shotgrid": shotgrid_system(sg),
            },
            "mappings": [
                {
                    "name": "dailies",
                    "endpoints": {
                        "local": {"review": "dailies"},
                        "syncsketch": {
                            "project_id": ss_project,
                            "review": "Dailies",
                            "create": True,
                        },
                        "shotgrid": {
                            "project_id": sg_project,
                            "playlist": "Dailies",
                            "create": True,
                        },
                    },
                    "sync": {"items": "local", "media": "local", "notes": "off"},
                }
            ],
        },
    )


def ss_names(ss: SyncSketchStandIn) -> set[str]:
    return {i["name"] for i in ss.store.query("item", {"active": "1"})}


def sg_versions(sg: ShotGridStandIn) -> dict[str, dict[str, Any]]:
    rows = sg.store.find("Version", [], ["code", "sg_uploaded_movie", "image"])
    return {row["code"]: row for row in rows}


def test_bad_media_is_refused_per_object_and_the_rest_syncs(
    stand_ins: tuple[SyncSketchStandIn, ShotGridStandIn], tmp_path: Path
) -> None:
    ss, sg = stand_ins
    wrong = write_review(tmp_path)
    write_config(tmp_path, ss, sg)
    result = syncd(tmp_path, "run", "--once", "--json", env=ENV)
    assert result.returncode == 1, result.stdout + result.stderr  # some objects failed
    assert "Traceback" not in result.stderr
    (summary,) = json.loads(result.stdout)
    assert summary["outcome"] == "partial"
    failures = [f["message"] for f in summary["failures"]]
    bad = {name: why for name, why in wrong.items() if why}
    for name, why in bad.items():
        mine = [m for m in failures if name in m]
        assert len(mine) == 2, (name, failures)  # one per target system, each saying why
        assert all(why in m for m in mine), (name, why, mine)
    assert len(failures) == 2 * len(bad)
    errored = summary["media"]["errored"]
    assert {(e["system"], e["what"].split("'")[1]) for e in errored} == {
        (system, name) for name in bad for system in ("syncsketch", "shotgrid")
    } | {("local", "sh090")}  # and the source's file that is not what the review says
    # the good media went to both systems, the bad nowhere
    assert ss_names(ss) == {"sh010", "sh020"}
    versions = sg_versions(sg)
    assert set(versions) == {"sh010", "sh020"}
    assert all(v["sg_uploaded_movie"] for v in versions.values())
    # ShotGrid's thumbnail of the movie is its poster frame, a small JPEG, not the movie
    thumb = sg.store.file_path(sg.store.thumbnail_attachment("Version", versions["sh020"]["id"]))
    assert thumb is not None and thumb[0].read_bytes()[:2] == b"\xff\xd8"
    movie = sg.store.file_path(versions["sh020"]["sg_uploaded_movie"]["id"])
    assert movie is not None and thumb[0].stat().st_size < movie[0].stat().st_size
    # SyncSketch counts the movie's frames with the frame rate probing found
    (clip,) = [i for i in ss.store.query("item", {"active": "1"}) if i["name"] == "sh020"]
    assert clip["fps"] == 24
    # each file read once (a review file's media is copied into the cache, not downloaded)
    assert summary["media"]["downloads"] == 9
    # a second run tries the bad ones again, reports them again, sends nothing twice
    before = len(sg.requests), ss.requests.count("POST", "/items/uploadToReview/")
    again = syncd(tmp_path, "run", "--once", "--json", env=ENV)
    assert again.returncode == 1
    assert ss.requests.count("POST", "/items/uploadToReview/") == before[1]
    assert sg.requests.count("api_link_file") == 2 and sg.requests.count("upload_file") == 0
    # ``syncd status`` shows the last run's transfer report, and ``--json`` carries it
    shown = syncd(tmp_path, "status", env=ENV)
    assert shown.returncode == 0, shown.stderr
    assert "transfer(s) succeeded, 15 errored" in shown.stdout
    assert "error: shotgrid: media of 'sh080': media 'bomb.png' claims" in shown.stdout
    status = json.loads(syncd(tmp_path, "status", "--json", env=ENV).stdout)
    first, second = status["mappings"][0]["last_runs"][1::-1]
    assert (first["transfers"]["uploads"], first["transfers"]["errored"]) == (4, 15)
    assert first["transfers"]["bytes_up"] > 0 and first["transfers"]["downloads"] == 9
    assert second["transfers"]["uploads"] == 0 and second["transfers"]["errored"] == 15
    assert {e["system"] for e in second["transfers"]["errors"]} == {
        "local",
        "syncsketch",
        "shotgrid",
    }


def test_without_ffmpeg_movies_go_unchecked_with_one_warning(
    stand_ins: tuple[SyncSketchStandIn, ShotGridStandIn], tmp_path: Path
) -> None:
    ss, sg = stand_ins
    media = tmp_path / "reviews" / "media"
    media.mkdir(parents=True)
    make_mp4(media / "a.mp4", seconds=1, size="64x64")
    make_mp4(media / "b.mov", seconds=1, size="96x64")
    items = [
        {"name": "sh010", "media": {"file": "media/a.mp4"}},
        {"name": "sh020", "media": {"file": "media/b.mov"}},
    ]
    (tmp_path / "reviews" / "dailies.yaml").write_text(
        yaml.safe_dump({"review": "dailies", "items": items})
    )
    write_config(tmp_path, ss, sg)
    bare = tmp_path / "bin"  # a PATH with python and nothing else
    bare.mkdir()
    python = Path(os.path.realpath(shutil.which("python3") or "python3"))
    (bare / "python3").symlink_to(python)
    result = syncd(tmp_path, "run", "--once", "--json", env={**ENV, "PATH": str(bare)})
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [
        json.loads(line)
        for line in result.stderr.splitlines()
        if line.startswith("{") and "not usable" in line
    ]
    assert len(warnings) == 1, result.stderr
    assert "ffprobe and ffmpeg" in warnings[0]["event"]
    assert "install ffmpeg" in warnings[0]["event"]
    assert ss_names(ss) == {"sh010", "sh020"}
    versions = sg_versions(sg)
    assert all(v["sg_uploaded_movie"] for v in versions.values())
    assert all(sg.store.thumbnail_attachment("Version", v["id"]) is None for v in versions.values())
