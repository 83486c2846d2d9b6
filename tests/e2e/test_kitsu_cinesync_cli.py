"""The user's contract on the real Zou: a Kitsu playlist, a cineSync session and a review file.

``sync: {notes: both, media: kitsu, order: kitsu}``: ``syncd run --once`` writes the session and
the review file in the playlist's order with Kitsu's previews and comments; the reviewer's live
session goes to the event command with the frames cineSync saved; its notes arrive in Kitsu and
in the review file exactly once, the saved frame attached to the drawn note in both; quiet runs
write nothing anywhere; the event fired twice and a run killed mid-way duplicate nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import pyvips

from syncd.connectors.cinesync import read_session, short_hash, split_paragraphs
from tests.cinesync.sessions import LINE
from tests.e2e.helpers import (
    all_notes,
    journal_done,
    kill_mid_run,
    kitsu_endpoint,
    kitsu_system,
    kitsu_texts,
    read_review,
    reverse_playlist,
    run_once,
    save_config,
    writes,
)
from tests.e2e.test_cinesync_cli import event, read_notes, state_of
from tests.kitsu.builders import ZouRest, build_review

pytestmark = pytest.mark.zou


def editorial_texts(folder: Path) -> Counter[str]:
    return Counter(n["text"] for n in all_notes(read_review(folder / "reviews" / "dailies.yaml")))


def state_of_all(folder: Path) -> tuple[tuple[bytes, int], bytes]:
    """The session file (bytes and time) and the review file's bytes."""
    return state_of(folder), (folder / "reviews" / "dailies.yaml").read_bytes()


def test_kitsu_cinesync_and_a_review_file_stay_in_step(
    zou: Any, gazu_client: Any, tmp_path: Path
) -> None:
    review = build_review(gazu_client, shots=3, comments_per_shot=1, with_png_preview=True)
    rest = ZouRest(gazu_client)
    env = {"KITSU_PASSWORD": zou.admin_password}
    config = {
        "state": "sqlite:///state.db",
        "media_dir": "media-cache",
        "systems": {
            "kitsu": kitsu_system(zou),
            "cinesync": {"type": "cinesync", "path": "./sessions"},
            "editorial": {"type": "file", "path": "./reviews"},
        },
        "mappings": [
            {
                "name": "dailies",
                "endpoints": {
                    "kitsu": kitsu_endpoint(review),
                    "cinesync": {"session": "dailies"},
                    "editorial": {"review": "dailies"},
                },
                "sync": {"notes": "both", "media": "kitsu", "order": "kitsu"},
            }
        ],
    }
    save_config(tmp_path, config)
    session_path = tmp_path / "sessions" / "dailies.csc"

    # export: the playlist in order, each preview by path and short hash, the comments
    run_once(tmp_path, env)
    written = read_session(session_path)
    assert [m.name for m in written.media] == review.shot_names
    for media in written.media:
        (path,) = media.locators.paths
        assert Path(path).is_file() and media.locators.short_hashes == (short_hash(path),)
    shown = {p.text for m in written.media for p in split_paragraphs(m.notes)}
    assert set(kitsu_texts(rest, review.task_ids)) - {""} <= shown
    editorial = read_review(tmp_path / "reviews" / "dailies.yaml")
    assert [i["name"] for i in editorial["items"]] == review.shot_names
    assert set(kitsu_texts(rest, review.task_ids)) - {""} <= set(editorial_texts(tmp_path))

    # quiet
    before = state_of_all(tmp_path)
    for _ in range(2):
        assert writes(run_once(tmp_path, env)) == {}
    assert state_of_all(tmp_path) == before

    # the reviewer's live session, with a saved frame, through the event command
    text = session_path.read_text()
    kitsu_born = next(p for p in split_paragraphs(written.media[0].notes))
    text = text.replace(kitsu_born.text, kitsu_born.text + " (and more)", 1)
    text = text.replace("<notes>", "<notes>A new media note from cineSync.&#x0A;&#x0A;", 1)
    end = text.index("</media>")
    drawn = f'<annotation frame="8"><notes>Drawn and written.</notes>{LINE}</annotation>'
    live = (text[:end] + drawn + text[end:]).encode()
    saved = tmp_path / "saved"
    saved.mkdir()
    name = review.shot_names[0]
    frame = pyvips.Image.black(64, 36, bands=3).new_from_image([250, 10, 10]).cast("uchar")
    frame.write_to_file(str(saved / f"{name}-00008.png"))
    args = ("--key=ABC123", "--save-format=PNG", f"--save-dir={saved}")
    done = event(tmp_path, live, *args, env=env)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert "took in 2 new notes, 1 edit, 1 frame image" in done.stdout.decode()
    in_kitsu = Counter(kitsu_texts(rest, review.task_ids))
    assert sum(c for t, c in in_kitsu.items() if "A new media note from cineSync." in t) == 1
    drawn_in_kitsu = [t for t in in_kitsu.elements() if "Drawn and written." in t]
    assert len(drawn_in_kitsu) == 1 and "frame 8" in drawn_in_kitsu[0]
    assert any(kitsu_born.text + " (and more)" in t for t in in_kitsu)
    in_editorial = editorial_texts(tmp_path)
    assert in_editorial["A new media note from cineSync."] == 1
    assert in_editorial["Drawn and written."] == 1
    assert in_editorial[kitsu_born.text + " (and more)"] == 1
    held = {n.text: n for n in read_notes(tmp_path)}
    image = held["Drawn and written."].attachments[0]
    assert image.sha256 == hashlib.sha256((saved / f"{name}-00008.png").read_bytes()).hexdigest()
    task = review.task_by_shot[review.shot_ids[0]]
    comments = rest.get(f"/data/tasks/{task}/comments")
    drawn_comment = next(c for c in comments if "Drawn and written." in (c["text"] or ""))
    (file,) = drawn_comment["attachment_files"]
    served = rest.session.get(f"{rest.base}/data/attachment-files/{file['id']}/file/{file['name']}")
    assert served.status_code == 200
    assert hashlib.sha256(served.content).hexdigest() == image.sha256, (
        "the frame cineSync saved is the Kitsu comment's file"
    )
    reviews = tmp_path / "reviews"
    drawn_note = next(
        n
        for n in all_notes(read_review(reviews / "dailies.yaml"))
        if n["text"] == "Drawn and written."
    )
    (entry,) = drawn_note["attachments"]
    kept = reviews / (entry["file"] if isinstance(entry, dict) else entry)
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == image.sha256, (
        "the frame cineSync saved is the review file's attachment"
    )

    # fired again: nothing new anywhere
    before = state_of_all(tmp_path)
    again = event(tmp_path, live, *args, env=env)
    assert again.returncode == 0, again.stderr.decode()
    assert (
        "took in no change" in again.stdout.decode() and "nothing to write" in again.stdout.decode()
    )
    assert Counter(kitsu_texts(rest, review.task_ids)) == in_kitsu
    assert state_of_all(tmp_path) == before

    # Kitsu reorders its playlist and comments: the session follows on the next export
    reverse_playlist(rest, review.playlist_id)
    task_2 = review.task_by_shot[review.shot_ids[2]]
    rest.post(
        f"/actions/tasks/{task_2}/comment",
        {"task_status_id": review.status_id("wfa"), "comment": "Kitsu says: lighter."},
    )
    run_once(tmp_path, env)
    assert [m.name for m in read_session(session_path).media] == list(reversed(review.shot_names))
    assert "Kitsu says: lighter." in {n.text for n in read_notes(tmp_path)}
    assert editorial_texts(tmp_path)["Kitsu says: lighter."] == 1
    editorial = read_review(tmp_path / "reviews" / "dailies.yaml")
    assert [i["name"] for i in editorial["items"]] == list(reversed(review.shot_names))
    assert writes(run_once(tmp_path, env)) == {}

    # killed mid-run while writing many comments into the session, then rerun
    expected = [f"kitsu note {n}" for n in range(40)]
    for n, comment in enumerate(expected):
        task = review.task_ids[n % 3]
        rest.post(
            f"/actions/tasks/{task}/comment",
            {"task_status_id": review.status_id("wfa"), "comment": comment},
        )
    db = tmp_path / "state.db"
    kill_mid_run(tmp_path, db, after_writes=journal_done(db) + 8, env=env)
    run_once(tmp_path, env)
    counts = Counter(n.text for n in read_notes(tmp_path))
    assert all(counts[t] == 1 for t in expected), {t: counts[t] for t in expected}
    in_editorial = editorial_texts(tmp_path)
    assert all(in_editorial[t] == 1 for t in expected), {t: in_editorial[t] for t in expected}
    assert Counter(kitsu_texts(rest, review.task_ids))["kitsu note 0"] == 1
    before = state_of_all(tmp_path)
    assert writes(run_once(tmp_path, env)) == {}
    assert state_of_all(tmp_path) == before
