"""The ``syncd`` command between a review file and a cineSync session, both ways.

Export (media in order with their locators, statuses as groups, notes as paragraphs), the
session as a reviewer has it in cineSync sent to the event command with the frames cineSync
saved, the notes arriving exactly once in the review file, quiet reruns that touch nothing, the
event fired twice, a run killed mid-way, and sessions syncd must refuse.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pyvips
import yaml

from syncd.connectors.cinesync import read_session, short_hash, split_paragraphs
from tests.cinesync.sessions import CIRCLE, LINE
from tests.e2e.helpers import (
    all_notes,
    journal_done,
    kill_mid_run,
    read_review,
    run_once,
    save_config,
    syncd,
    writes,
)

SEED = """\
review: dailies
items:
  - name: sh010
    status: wfa
    media: {file: media/sh010.png}
    notes:
      - text: Contact shadow is missing under the left foot.
        author: Dana Lead <dana@studio.example>
        frame: 12
        replies:
          - text: On it.
            author: Sam <sam@studio.example>
  - name: sh020
    status: retake
    media: {file: media/sh020.png}
    notes:
      - text: Camera shake is too strong after the cut.
  - name: sh030
    status: wfa
    media: {file: media/sh030.png}
"""


def setup(folder: Path) -> None:
    media = folder / "reviews" / "media"
    media.mkdir(parents=True)
    for name, rgb in {
        "sh010": (200, 90, 40),
        "sh020": (40, 140, 200),
        "sh030": (90, 180, 90),
    }.items():
        card = (pyvips.Image.black(160, 90, bands=3) + list(rgb)).cast("uchar")
        card.write_to_file(str(media / f"{name}.png"))
    (folder / "reviews" / "dailies.yaml").write_text(SEED)
    config: dict[str, Any] = {
        "state": "sqlite:///state.db",
        "media_dir": "media-cache",
        "systems": {
            "editorial": {"type": "file", "path": "./reviews"},
            "cinesync": {"type": "cinesync", "path": "./sessions"},
        },
        "mappings": [
            {
                "name": "dailies",
                "endpoints": {
                    "editorial": {"review": "dailies"},
                    "cinesync": {"session": "dailies"},
                },
                "sync": {
                    "notes": "both",
                    "statuses": "editorial",
                    "media": "editorial",
                    "order": "editorial",
                },
                "statuses": [
                    {"editorial": "wfa", "cinesync": "Waiting for approval"},
                    {"editorial": "retake", "cinesync": "Retake"},
                ],
            }
        ],
    }
    save_config(folder, config)


def event(
    folder: Path, session: bytes, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``syncd cinesync-event`` as cineSync runs it: the live session on standard input."""
    env = {**os.environ, "SYNCD_LOG_FORMAT": "json", **(env or {})}
    env.pop("SYNCD_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "syncd", "cinesync-event", "-m", "dailies", *args],
        cwd=folder,
        env=env,
        input=session,
        capture_output=True,
        timeout=300,
    )


def state_of(folder: Path) -> tuple[bytes, int]:
    path = folder / "sessions" / "dailies.csc"
    return path.read_bytes(), path.stat().st_mtime_ns


def reviewed_in_cinesync(folder: Path) -> bytes:
    """The live session of a reviewer who opened the file: a media note, a drawn frame with
    words, an edit of a paragraph syncd wrote; and another media of their own."""
    text = (folder / "sessions" / "dailies.csc").read_text()
    text = text.replace("Camera shake is too strong", "Camera shake is far too strong")
    text = text.replace(
        "<notes>Camera shake",
        "<notes>Keep the first half of the shake.&#x0A;&#x0A;Camera shake",
    )
    first_media_end = text.index("</media>")
    drawn = f'<annotation frame="40"><notes>The hand pops here.</notes>{LINE}{CIRCLE}</annotation>'
    text = text[:first_media_end] + drawn + text[first_media_end:]
    own = "<media><name>ref_only.mov</name><locators><path>/tmp/ref.mov</path></locators></media>"
    return text.replace("</session>", own + "</session>").encode()


def test_review_file_and_cinesync_stay_in_step(tmp_path: Path) -> None:
    setup(tmp_path)
    review = tmp_path / "reviews" / "dailies.yaml"
    session_path = tmp_path / "sessions" / "dailies.csc"

    # export: the review becomes the session, in order, with locators, groups and paragraphs
    run_once(tmp_path)
    written = read_session(session_path)
    assert [m.name for m in written.media] == ["sh010", "sh020", "sh030"]
    first = written.media[0]
    png = tmp_path / "reviews" / "media" / "sh010.png"
    (kept,) = first.locators.paths  # the session's own copy: the media cache's come and go
    assert Path(kept).parent == (tmp_path / "sessions" / ".syncd" / "media").resolve()
    assert Path(kept).name.endswith("-sh010.png")
    assert Path(kept).read_bytes() == png.read_bytes()
    assert first.locators.short_hashes == (short_hash(png),)
    assert first.groups == ("Waiting for approval",)
    assert written.media[1].groups == ("Retake",)
    frame_12 = first.annotation(12)
    assert frame_12 is not None
    (arc,) = split_paragraphs(frame_12.notes)
    assert (arc.author, arc.text) == ("Dana Lead", "Contact shadow is missing under the left foot.")
    assert [p.text for p in split_paragraphs(first.notes)] == ["On it."]

    # quiet: nothing is written anywhere, the session's bytes and time stay
    before, review_before = state_of(tmp_path), review.read_bytes()
    for _ in range(2):
        assert writes(run_once(tmp_path)) == {}
    assert state_of(tmp_path) == before and review.read_bytes() == review_before

    # the reviewer's live session goes to the event command, with the frames cineSync saved
    live = reviewed_in_cinesync(tmp_path)
    saved = tmp_path / "cinesync-saved"
    saved.mkdir()
    card = pyvips.Image.black(160, 90, bands=3).new_from_image([10, 10, 250]).cast("uchar")
    card.write_to_file(str(saved / "sh010-00040.png"))
    frame_sha = hashlib.sha256((saved / "sh010-00040.png").read_bytes()).hexdigest()
    args = ("--key=_OFFLINE_", "--save-format=PNG", f"--save-dir={saved}", "--extra=ignored")
    done = event(tmp_path, live, *args)
    assert done.returncode == 0, done.stderr.decode()
    (line,) = done.stdout.decode().strip().splitlines()
    assert line.startswith("dailies: took in 2 new notes, 1 edit, 1 frame image from cineSync")
    assert "ref_only.mov" in done.stderr.decode(), "the reviewer's own media is reported"
    texts = Counter(n["text"] for n in all_notes(read_review(review)))
    assert texts["Keep the first half of the shake."] == 1
    assert texts["The hand pops here."] == 1
    assert texts["Camera shake is far too strong after the cut."] == 1
    assert texts["Camera shake is too strong after the cut."] == 0
    pops = next(n for n in all_notes(read_review(review)) if n["text"] == "The hand pops here.")
    assert pops["frame"] == 40
    (image,) = pops["attachments"]
    image_path = review.parent / (image["file"] if isinstance(image, dict) else image)
    assert hashlib.sha256(image_path.read_bytes()).hexdigest() == frame_sha, (
        "the frame cineSync saved is the note's image"
    )
    held = {n.text: n for n in read_notes(tmp_path)}
    assert held["The hand pops here."].attachments[0].sha256 == frame_sha

    # the event fired again with the same session: nothing new anywhere
    before, review_before = state_of(tmp_path), review.read_bytes()
    again = event(tmp_path, live, *args)
    assert again.returncode == 0, again.stderr.decode()
    assert "took in no change" in again.stdout.decode()
    assert "nothing to write" in again.stdout.decode()
    assert state_of(tmp_path) == before and review.read_bytes() == review_before

    # notes from the review file reach the session file on the next export like any other
    data = read_review(review)
    data["items"][2].setdefault("notes", []).append({"text": "Late note from editorial."})
    review.write_text(yaml.safe_dump(data, sort_keys=False))
    run_once(tmp_path)
    assert "Late note from editorial." in {n.text for n in read_notes(tmp_path)}
    assert "The hand pops here." in {n.text for n in read_notes(tmp_path)}

    # the same session, saved over the file by cineSync: still nothing new
    session_path.write_bytes(live)
    run_once(tmp_path)
    assert writes(run_once(tmp_path)) == {}
    counts = Counter(n.text for n in read_notes(tmp_path))
    assert all(c == 1 for c in counts.values()), counts
    assert Counter(n["text"] for n in all_notes(read_review(review)))["The hand pops here."] == 1

    # quiet again
    before = state_of(tmp_path)
    assert writes(run_once(tmp_path)) == {}
    assert state_of(tmp_path) == before

    # plan, check and status see it and write nothing
    planned = syncd(tmp_path, "plan")
    assert planned.returncode == 0 and "0 action(s)" in planned.stdout, planned.stdout
    checked = syncd(tmp_path, "check")
    assert checked.returncode == 0 and "dailies/cinesync: OK" in checked.stdout, checked.stdout
    status = syncd(tmp_path, "status")
    assert status.returncode == 0 and "editorial <-> cinesync" in status.stdout
    assert state_of(tmp_path) == before


def test_a_run_killed_mid_way_duplicates_nothing(tmp_path: Path) -> None:
    setup(tmp_path)
    run_once(tmp_path)
    review = tmp_path / "reviews" / "dailies.yaml"
    data = read_review(review)
    expected = [f"note {n} from editorial" for n in range(60)]
    for n, text in enumerate(expected):
        data["items"][n % 3].setdefault("notes", []).append({"text": text})
    review.write_text(yaml.safe_dump(data, sort_keys=False))
    db = tmp_path / "state.db"
    kill_mid_run(tmp_path, db, after_writes=journal_done(db) + 10)
    assert (tmp_path / "sessions" / ".syncd" / "dailies.journal").exists()
    run_once(tmp_path)
    counts = Counter(n.text for n in read_notes(tmp_path))
    for text in expected:
        assert counts[text] == 1, f"{text!r} is in the session {counts[text]} times"
    assert not (tmp_path / "sessions" / ".syncd" / "dailies.journal").exists()
    assert writes(run_once(tmp_path)) == {}
    local = Counter(n["text"] for n in all_notes(read_review(review)))
    assert all(local[t] == 1 for t in expected)


def test_newer_and_corrupt_sessions_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    setup(tmp_path)
    run_once(tmp_path)
    session_path = tmp_path / "sessions" / "dailies.csc"
    review = tmp_path / "reviews" / "dailies.yaml"
    data = read_review(review)
    data["items"][0]["notes"].append({"text": "Waiting for a readable session."})
    review.write_text(yaml.safe_dump(data, sort_keys=False))
    review_before = review.read_bytes()
    good = session_path.read_text()
    for bad, words in [
        (good.replace('version="3"', 'version="4"', 1), "newer cineSync"),
        (good[: len(good) // 2], "not well-formed XML"),
    ]:
        session_path.write_text(bad)
        done = syncd(tmp_path, "run", "--once")
        assert done.returncode == 1, done.stdout + done.stderr
        assert str(session_path) in done.stderr and words in done.stderr
        assert session_path.read_text() == bad and review.read_bytes() == review_before
    session_path.write_text(good)
    run_once(tmp_path)
    assert "Waiting for a readable session." in {n.text for n in read_notes(tmp_path)}


def read_notes(folder: Path) -> list[Any]:
    from syncd.connectors.cinesync.endpoint import CineSyncEndpoint

    endpoint = CineSyncEndpoint("cinesync", folder / "sessions", "dailies")
    endpoint.dry_run = True  # reading only: the test must not change what it judges
    return list(endpoint.snapshot().notes)
