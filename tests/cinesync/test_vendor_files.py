"""The real session files cineSync saved, from the vendor's own library's test suite.

They are in ``vendor/v3 files`` (BSD 3-Clause, see ``vendor/README.md``); point
``SYNCD_CINESYNC_V3_FILES`` at another copy of them (the Ruby library's ``spec/v3 files``) to
read those instead::

    SYNCD_CINESYNC_V3_FILES="$HOME/src/cinesync_ruby/spec/v3 files" pytest tests/cinesync

``files/`` holds this project's own files of the same shapes and of the cases they lack.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from syncd.connectors.cinesync import (
    Annotation,
    Arrow,
    Circle,
    Line,
    Media,
    SessionError,
    Text,
    parse_session,
    read_session,
    render_session,
)
from syncd.connectors.cinesync.document import parse_document
from syncd.connectors.cinesync.writing import serialize

_FOLDER = os.environ.get("SYNCD_CINESYNC_V3_FILES") or str(
    Path(__file__).parent / "vendor" / "v3 files"
)
NS = "{http://www.cinesync.com/ns/session/3.0}"
BASIC_NAMES = ["024b_fn_079_v01_1-98.mov", "sample_mpeg4.mp4", "Test_MH 2fps.mov"]
SESSION_NOTES = "These are my session notes.\nnewline."
READABLE = [
    "v3-active first.csc",
    "v3-active second.csc",
    "v3-active single.csc",
    "v3-basic.csc",
    "v3-groups.csc",
    "v3-pro.csc",
    "v3-refmovie.csc",
    "v3-stereo-anaglyph-off.csc",
    "v3-stereo-anaglyph.csc",
    "v3-stereo-interlaced-off.csc",
    "v3-stereo.csc",
    "v3-url.csc",
]


def path(name: str) -> Path:
    return Path(_FOLDER) / name


def annotation(media: Media, frame: int) -> Annotation:
    found = media.annotation(frame)
    assert found is not None
    return found


@pytest.mark.parametrize("name", ["v3-basic.csc", "v3-active first.csc", "v3-active second.csc"])
def test_basic_files(name: str) -> None:
    s = read_session(path(name))
    assert (s.features, s.user_data, s.notes) == (
        "standard",
        "sessionUserData blah bloo blee",
        SESSION_NOTES,
    )
    assert [m.name for m in s.media] == BASIC_NAMES
    first, second, third = s.media
    assert first.locators.paths == ("/Volumes/Scratch/test_files/movies/024b_fn_079_v01_1-98.mov",)
    assert first.play_range is not None
    assert (first.play_range.in_frame, first.play_range.out_frame) == (40, 50)
    assert second.locators.urls == ("http://example.com/test_files/movies/sample_mpeg4.mp4",)
    assert second.locators.short_hashes == ("e74db5de61fa5483c541a3a3056f22d158b44ace",)
    assert second.current_frame == 65
    assert [m.active for m in s.media] == (
        [True, False, False] if name == "v3-active first.csc" else [False, True, False]
    )
    assert third.user_data == "myPrivateInfo"
    assert third.notes == "These notes on the last movie."
    assert [(a.frame, a.notes) for a in third.annotations] == [
        (1, "This is a note on the first frame of the last movie.")
    ]


def test_single_active_media() -> None:
    (media,) = read_session(path("v3-active single.csc")).media
    assert media.active and media.current_frame == 23


def test_groups_file() -> None:
    s = read_session(path("v3-groups.csc"))
    assert s.features == "pro" and s.notes == ""
    assert s.groups == ("Countdown", "Empty group", "royalty_free")
    assert len(s.media) == 14
    assert [m.name for m in s.media if m.groups == ("Countdown",)] == [
        "CountdownRed_01.mov",
        "CountdownNormal_01.mov",
        "CountdownGreen_01.mov",
        "CountdownBlue_01.mov",
    ]
    assert sum(m.groups == ("royalty_free",) for m in s.media) == 7
    first = s.media[0]
    folder = r"C:\Documents and Settings\Jonathon Mah\Desktop\test_files\movies"
    assert first.locators.paths == (folder + r"\024b_fn_079_v01_1-98.mov",)
    assert [a.frame for a in first.annotations] == [1, *range(38, 50)]
    kinds = [type(d) for d in annotation(first, 1).drawings]
    assert kinds == [Circle, Arrow, Arrow, Line, Line, Line, Line, Line]
    texts = [d for d in annotation(first, 38).drawings if isinstance(d, Text)]
    assert [t.text for t in texts] == [
        "please delay the camera move to frame 45",
        "something with a\nnewline or\ntwo",
    ]


@pytest.mark.parametrize("name", ["v3-pro.csc", "v3-stereo.csc"])
def test_pro_files(name: str) -> None:
    s = read_session(path(name))
    assert s.features == "pro" and [m.name for m in s.media] == BASIC_NAMES
    assert [(a.frame, a.notes) for a in s.media[0].annotations] == [
        (23, "marker here!"),
        (24, "funny chars>>"),
    ]
    assert [m.play_range and m.play_range.play_only_range for m in s.media] == [True, False, True]


def test_group_movie_file() -> None:
    s = read_session(path("v3-refmovie.csc"))
    assert s.groups == ("myGroup",) and s.notes == SESSION_NOTES
    assert s.media[0].groups == ("myGroup",)
    assert s.media[2].group_movie == "myGroup" and s.media[2].name is None


@pytest.mark.parametrize(
    "name", ["v3-stereo-anaglyph.csc", "v3-stereo-anaglyph-off.csc", "v3-stereo-interlaced-off.csc"]
)
def test_stereo_files(name: str) -> None:
    (media,) = read_session(path(name)).media
    assert media.name == "weta_t-rex_side-by-side_1k.mov" and media.active
    (ann,) = media.annotations
    assert ann.frame == 1 and len(ann.drawings) == 8


def test_url_file() -> None:
    s = read_session(path("v3-url.csc"))
    assert [m.locators.urls for m in s.media] == [
        ("http://movies.apple.com/media/us/quicktime/guide/hd/480p/whenyouwereyoung_m480p.mov",),
        ("ftp://rollye@ftp.rsrhq.com/CountdownBlue_01-00148.png",),
    ]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("corrupt.csc", "not a cineSync 3 session file"),
        ("v3-Newer v4.csc", "newer cineSync (session format version 4)"),
        ("v3-Unsupported.csc", "sessionFeatures='awesome'"),
    ],
)
def test_refused_files(name: str, words: str) -> None:
    with pytest.raises(SessionError, match=re.escape(words)):
        read_session(path(name))


@pytest.mark.parametrize("name", READABLE)
def test_round_trips_are_byte_for_byte(name: str) -> None:
    raw = path(name).read_bytes()
    assert render_session(read_session(path(name))) == raw
    doc = parse_document(raw, None)
    assert serialize(doc.root, doc.prolog, doc.epilog, doc.newline, doc.prefixes) == raw


@pytest.mark.parametrize("name", ["v3-pro.csc", "v3-groups.csc", "v3-stereo.csc"])
def test_edits_keep_what_syncd_does_not_model(name: str) -> None:
    s = read_session(path(name))
    media = tuple(reversed([m.with_frame_notes(2, "syncd was here") for m in s.media]))
    out = render_session(replace(s, media=media, notes="edited"))
    before, after = ET.fromstring(path(name).read_bytes()), ET.fromstring(out)
    for tag in ("zoomState", "pixelRatio", "mask", "colorGrading", "playRange", "stereo"):
        old = sorted(ET.tostring(e).strip() for e in before.iter(NS + tag))
        assert sorted(ET.tostring(e).strip() for e in after.iter(NS + tag)) == old
    again = parse_session(out)
    assert [m.name for m in again.media] == [m.name for m in reversed(s.media)]
    assert all(annotation(m, 2).notes == "syncd was here" for m in again.media)
