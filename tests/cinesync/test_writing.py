"""Writing session files back: byte for byte when nothing changed, only the edits otherwise.

Round trips are checked two ways. ``render_session`` of an unchanged session returns the file's
own bytes; beyond that, the writer itself reproduces every file here byte for byte from the parsed
tree (``serialize``), so an edit changes the bytes of the edited elements and nothing else.
"""

from __future__ import annotations

import difflib
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from syncd.connectors.cinesync import (
    Annotation,
    Line,
    Locators,
    Media,
    Point,
    Session,
    parse_session,
    render_session,
    write_session,
)
from syncd.connectors.cinesync.document import parse_document
from syncd.connectors.cinesync.writing import serialize
from tests.cinesync.helpers import FILES, load

READABLE = sorted(
    p.name
    for p in FILES.glob("*.csc")
    if p.name not in {"newer.csc", "wrong-namespace.csc", "unknown-features.csc", "truncated.csc"}
)
NS = "{http://www.cinesync.com/ns/session/3.0}"


def same(a: ET.Element | None, b: ET.Element | None) -> bool:
    """Equal elements, whatever whitespace follows them."""
    if a is None or b is None:
        return a is b
    return (a.tag, a.attrib, a.text, ET.tostring(a).rstrip()) == (
        b.tag,
        b.attrib,
        b.text,
        ET.tostring(b).rstrip(),
    )


def changed_lines(before: bytes, after: bytes) -> list[str]:
    diff = difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


@pytest.mark.parametrize("name", READABLE)
def test_unchanged_session_is_written_byte_for_byte(name: str) -> None:
    raw = (FILES / name).read_bytes()
    assert render_session(load(name)) == raw


@pytest.mark.parametrize("name", READABLE)
def test_the_writer_itself_reproduces_each_file(name: str) -> None:
    raw = (FILES / name).read_bytes()
    doc = parse_document(raw, None)
    assert serialize(doc.root, doc.prolog, doc.epilog, doc.newline, doc.prefixes) == raw


@pytest.mark.parametrize("name", READABLE)
def test_an_edit_then_its_undo_gives_the_file_back(name: str) -> None:
    s = load(name)
    edited = parse_session(render_session(replace(s, notes=s.notes + " (edited)")))
    assert edited.notes == s.notes + " (edited)"
    assert render_session(replace(edited, notes=s.notes)) == (FILES / name).read_bytes()


def test_media_and_frame_notes_change_only_their_lines() -> None:
    s = load("basic.csc")
    lay = s.media[2]
    lay = replace(lay, notes="Camera is fine now.").with_frame_notes(12, "Fixed the horizon.")
    out = render_session(replace(s, media=(*s.media[:2], lay)))
    assert changed_lines((FILES / "basic.csc").read_bytes(), out) == [
        "-\t\t<notes>Camera feels late.&#x0A;Try the earlier take.</notes>",
        "+\t\t<notes>Camera is fine now.</notes>",
        "-\t\t\t<notes>Horizon tilts here &amp; the pole &lt;left&gt; pops.</notes>",
        "+\t\t\t<notes>Fixed the horizon.</notes>",
    ]
    again = parse_session(out)
    assert again.media[2].notes == "Camera is fine now."
    assert again.media[2].annotation(12) == Annotation(12, "Fixed the horizon.")


def test_new_notes_go_where_cinesync_puts_them() -> None:
    s = load("basic.csc")
    comp = replace(s.media[0], notes="Grade is too warm.\nCool it down.")
    comp = comp.with_frame_notes(1050, "Flicker <here> & there")
    out = render_session(replace(s, media=(comp, *s.media[1:])))
    assert changed_lines((FILES / "basic.csc").read_bytes(), out) == [
        "+\t\t<notes>Grade is too warm.&#x0A;Cool it down.</notes>",
        '+\t\t<annotation frame="1050">',
        "+\t\t\t<notes>Flicker &lt;here&gt; &amp; there</notes>",
        "+\t\t</annotation>",
    ]
    root = ET.fromstring(out)
    media = root.findall(f"{NS}media")[0]
    assert [c.tag[len(NS) :] for c in media] == [
        "name",
        "locators",
        "notes",
        "playRange",
        "annotation",
    ]
    assert parse_session(out).media[0] == comp


def test_clearing_notes_removes_the_element() -> None:
    s = load("basic.csc")
    lay = replace(s.media[2], notes="").with_frame_notes(12, "")
    out = render_session(replace(s, notes="", media=(*s.media[:2], lay)))
    again = parse_session(out)
    assert again.notes == "" and again.media[2].notes == ""
    assert again.media[2].annotation(12) == Annotation(12)
    assert b"<notes>" not in out
    assert b'<annotation frame="12" />' in out


def test_reordering_media_keeps_everything_of_each() -> None:
    s = load("groups-crlf.csc")
    hero, hero2, stock = s.media
    out = render_session(replace(s, media=(stock, hero, hero2)))
    assert b"\n" not in out.replace(b"\r\n", b"")  # still CRLF throughout
    again = parse_session(out)
    assert [m.name for m in again.media] == [stock.name, hero.name, hero2.name]
    assert again.media[1] == hero and again.media[0] == stock
    root = ET.fromstring(out)
    zoom = root.find(f"{NS}media/{NS}zoomState/{NS}scaleFactor")
    assert zoom is not None and zoom.get("value") == "2"
    # moving back restores the bytes exactly: each place keeps its whitespace
    assert (
        render_session(replace(again, media=(again.media[1], again.media[2], again.media[0])))
        == (FILES / "groups-crlf.csc").read_bytes()
    )


def test_pro_features_survive_every_kind_of_edit() -> None:
    s = load("pro.csc")
    matte, sky = s.media
    matte = replace(
        matte.with_frame_notes(30, "edge is clean now").with_frame_notes(40, "new note"),
        user_data='{"syncd":{"item":"i1"}}',
        groups=("Env",),
        locators=replace(matte.locators, urls=("https://review.example.com/env_matte_v004.mov",)),
    )
    new = Media(name="env_fg_v001.mov", locators=Locators(paths=("/p/env_fg_v001.mov",)))
    out = render_session(replace(s, media=(sky, matte, new), groups=("Env",), notes="pro notes"))
    root = ET.fromstring(out)
    before = ET.fromstring((FILES / "pro.csc").read_bytes())
    kept = ("zoomState", "pixelRatio", "mask", "colorGrading", "playRange")
    for old_media, new_media in zip(
        before.findall(f"{NS}media"), root.findall(f"{NS}media")[1::-1], strict=True
    ):
        for tag in kept:
            assert same(old_media.find(NS + tag), new_media.find(NS + tag))
    assert same(root.find(f"{NS}chat"), before.find(f"{NS}chat"))
    again = parse_session(out)
    assert [m.name for m in again.media] == ["env_sky_v001.mov", "env_matte_v004.mov", new.name]
    assert again.media[1] == matte and again.media[2] == new
    assert again.groups == ("Env",) and again.notes == "pro notes"


def test_unknown_elements_attributes_and_comments_survive() -> None:
    s = load("future.csc")
    (fx,) = s.media
    fx = replace(fx.with_frame_notes(7, "debris fixed").with_frame_notes(9, "new"), notes="hi")
    out = render_session(replace(s, media=(fx,), user_data="{}"))
    text = out.decode()
    for kept in (
        "<!-- saved by cineSync 3.9 -->",
        'xmlns:x="urn:example:studio"',
        'x:project="orbit"',
        '<reviewState locked="true" />',
        '<media rating="4" userData="">',
        '<colorSpace name="ACEScg" />',
        "<!-- per-media comment -->",
        '<x:approval by="dana">pending</x:approval>',
        '<annotation frame="7" layer="fx">',
        '<polygon color="#ffaa00" alpha="1" />',
        r"<path>\\fileserver\orbit\fx\fx_explosion_v021.####.exr</path>",
    ):
        assert kept in text
    assert parse_session(out).media[0] == fx


def test_stereo_and_hash_token_survive() -> None:
    s = load("stereo.csc")
    media = s.media[0].with_frame_notes(1, "depth feels shallow")
    out = render_session(replace(s, media=(media,)))
    assert changed_lines((FILES / "stereo.csc").read_bytes(), out) == [
        "+            <notes>depth feels shallow</notes>"
    ]
    assert b'hashToken="0x2a17f3"' in out and b'<separation annotation="0.25"' in out


def test_user_data_edits() -> None:
    s = load("groupmovie.csc")
    reel = replace(s.media[0], user_data='{"syncd":{"item":"i9"}}')
    music = replace(s.media[1], user_data=None)
    out = render_session(replace(s, user_data=None, media=(reel, music, s.media[2])))
    assert changed_lines((FILES / "groupmovie.csc").read_bytes(), out) == [
        '-<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" '
        'sessionFeatures="standard" userData="{&quot;syncd&quot;:{&quot;review&quot;:'
        '&quot;r7&quot;}}">',
        '+<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" '
        'sessionFeatures="standard">',
        "-    <media>",
        '+    <media userData="{&quot;syncd&quot;:{&quot;item&quot;:&quot;i9&quot;}}">',
    ]


def test_removing_and_duplicating_media() -> None:
    s = load("groupmovie.csc")
    reel, _music, movie = s.media
    out = render_session(replace(s, media=(movie, reel, replace(reel, notes="copy"))))
    again = parse_session(out)
    assert [m.name or m.group_movie for m in again.media] == ["Edit", reel.name, reel.name]
    assert again.media[2].notes == "copy" and again.media[1].notes == ""
    assert b"temp_music" not in out
    empty = parse_session(render_session(replace(s, media=())))
    assert empty.media == () and empty.notes == s.notes and empty.groups == s.groups


def test_drawings_of_a_new_annotation_and_a_changed_one() -> None:
    s = load("groups-crlf.csc")
    hero = s.media[0]
    stroke = Line("#ffcc00", 1.0, 0.005, (Point(0.1, 0.2, 1.0), Point(0.15, 0.25, 0.5)))
    changed = tuple(
        Annotation(a.frame, a.notes, (stroke,)) if a.frame == 25 else a for a in hero.annotations
    )
    hero = replace(hero, annotations=(*changed, Annotation(30, "look", (stroke,))))
    again = parse_session(render_session(replace(s, media=(hero, *s.media[1:]))))
    assert again.media[0].annotation(25) == Annotation(25, "Same here.", (stroke,))
    assert again.media[0].annotation(30) == Annotation(30, "look", (stroke,))
    assert again.media[0].annotation(1) == s.media[0].annotation(1)


def test_a_new_session_in_cinesync_layout() -> None:
    session = Session(
        media=(
            Media(
                name="sh010.mov",
                locators=Locators(paths=("/p/sh010.mov",), short_hashes=("ab" * 20,)),
                notes="first",
                annotations=(Annotation(3, "three"),),
                groups=("Dailies",),
                user_data='{"syncd":{"item":"i1"}}',
                active=True,
                current_frame=3,
            ),
            Media(group_movie="Dailies"),
        ),
        notes="session",
        groups=("Dailies",),
    )
    out = render_session(session)
    assert out.decode() == (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" '
        'sessionFeatures="standard">\n'
        "    <group>Dailies</group>\n"
        '    <media userData="{&quot;syncd&quot;:{&quot;item&quot;:&quot;i1&quot;}}" '
        'active="true" currentFrame="3">\n'
        "        <name>sh010.mov</name>\n"
        "        <locators>\n"
        "            <path>/p/sh010.mov</path>\n"
        f"            <shortHash>{'ab' * 20}</shortHash>\n"
        "        </locators>\n"
        "        <notes>first</notes>\n"
        '        <annotation frame="3">\n'
        "            <notes>three</notes>\n"
        "        </annotation>\n"
        "        <group>Dailies</group>\n"
        "    </media>\n"
        "    <media>\n"
        "        <groupMovie><group>Dailies</group></groupMovie>\n"
        "    </media>\n"
        "    <notes>session</notes>\n"
        "</session>\n"
    )
    assert parse_session(out) == session


def test_deterministic_output() -> None:
    s = load("basic.csc")
    edited = replace(s, notes="x", media=tuple(reversed(s.media)))
    assert render_session(edited) == render_session(edited)


def test_text_xml_cannot_hold_is_dropped_and_newlines_kept() -> None:
    media = Media(name="a\x00b.mov", locators=Locators(paths=("/p",)), notes="one\r\ntwo\x0bthree")
    again = parse_session(render_session(Session(media=(media,))))
    assert again.media[0].name == "ab.mov"
    assert again.media[0].notes == "one\r\ntwothree"


@pytest.mark.parametrize(
    ("media", "message"),
    [
        (Media(locators=Locators(paths=("/p",))), "needs a name"),
        (Media(name="a", annotations=(Annotation(0),)), "frame 0 is below 1"),
        (Media(name="a", annotations=(Annotation(2), Annotation(2))), "same frame"),
        (Media(name="a", current_frame=0), "current frame 0"),
        (Media(name="a", groups=("",)), "a group needs a name"),
    ],
)
def test_invalid_models_are_refused(media: Media, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        render_session(Session(media=(media,)))


def test_write_is_atomic_and_skipped_when_nothing_changes(tmp_path: Path) -> None:
    path = tmp_path / "dailies.csc"
    path.write_bytes((FILES / "basic.csc").read_bytes())
    os.chmod(path, 0o640)
    os.utime(path, (1_000_000_000, 1_000_000_000))
    s = parse_session(path.read_bytes(), path)
    assert write_session(path, s) is False
    # equal content reached another way (an edit and its undo) is not written either
    assert write_session(path, replace(replace(s, notes="x"), notes=s.notes)) is False
    assert path.stat().st_mtime == 1_000_000_000

    assert write_session(path, replace(s, notes="changed")) is True
    assert parse_session(path.read_bytes()).notes == "changed"
    assert path.stat().st_mtime != 1_000_000_000
    assert oct(path.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dailies.csc"]  # no temporary left


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "dailies.csc"
    original = (FILES / "basic.csc").read_bytes()
    path.write_bytes(original)
    s = parse_session(original, path)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(Exception, match=r"dailies\.csc: cannot write the session file"):
        write_session(path, replace(s, notes="lost"))
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dailies.csc"]


def test_write_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "new.csc"
    assert write_session(path, Session(notes="hello")) is True
    assert write_session(path, Session(notes="hello")) is False
    assert parse_session(path.read_bytes()).notes == "hello"
    with pytest.raises(Exception, match="cannot write"):
        write_session(tmp_path / "missing" / "x.csc", Session())


def test_a_file_saved_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "dailies.csc"
    path.write_bytes((FILES / "basic.csc").read_bytes())
    s = parse_session(path.read_bytes(), path)
    saved_by_cinesync = path.read_bytes().replace(b"Tuesday dailies.", b"Wednesday dailies.")
    path.write_bytes(saved_by_cinesync)
    with pytest.raises(Exception, match="changed since syncd read it"):
        write_session(path, replace(s, notes="from syncd"))
    assert path.read_bytes() == saved_by_cinesync
    # the same session may still be written elsewhere, e.g. exported
    assert write_session(tmp_path / "copy.csc", replace(s, notes="from syncd")) is True


def test_an_edited_file_in_another_encoding_is_written_as_utf8() -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        '<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" '
        'sessionFeatures="standard"><notes>été</notes></session>'
    )
    s = parse_session(text.encode("utf-16"))
    assert render_session(s) == text.encode("utf-16")
    out = render_session(replace(s, notes="hiver"))
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8" ?>\n<session ')
    assert parse_session(out).notes == "hiver"
