"""What an event script sends: its live session and saved frames, taken in exactly once."""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

import pytest
import yaml

from syncd.connectors.cinesync import parse_session, read_session
from syncd.connectors.cinesync.event import take_in
from tests.cinesync.sessions import LINE, endpoint, media
from tests.cinesync.test_connector import exported
from tests.e2e.helpers import run_in_process

JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b"
    "0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432"
    "ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a"
    "0bffda0008010100003f00d2cf20ffd9"
)


def live_session(folder: Path) -> bytes:
    """The live session a reviewer has after opening the file: typed, edited, drawn."""
    text = (folder / "dailies.csc").read_text()
    text = text.replace("Grade is warm.", "Grade is much too warm.")
    text = text.replace(
        "</annotation>",
        f'</annotation><annotation frame="30"><notes>Pop on the left.</notes>{LINE}</annotation>',
    )
    other = media("someone_elses.mov", notes="not ours")
    return text.replace("</session>", other + "</session>").encode()


def test_an_event_takes_in_notes_edits_and_saved_frames(tmp_path: Path) -> None:
    folder, *_ = exported(tmp_path)
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "sh010-00030.jpg").write_bytes(JPEG)
    (saved / "sh010-00030 (2).jpg").write_bytes(JPEG + b"\0")  # the newer save
    ep = endpoint(folder)
    taken = take_in(ep, parse_session(live_session(folder)), saved, "JPEG")
    ep.close()
    assert (len(taken.new), len(taken.edited), taken.removed, taken.images) == (1, 1, [], 1)
    assert any("someone_elses.mov" in w for w in taken.warnings)
    notes = {n.text: n for n in endpoint(folder).snapshot().notes}
    assert "not ours" not in notes and "Grade is much too warm." in notes
    pop = notes["Pop on the left."]
    (image,) = pop.attachments
    assert image.sha256 == hashlib.sha256(JPEG + b"\0").hexdigest()
    assert (image.mime, image.filename) == ("image/jpeg", "cinesync-sh010-00030.jpg")
    assert [m.name for m in read_session(folder / "dailies.csc").media] == ["sh020", "sh010"]


def test_an_event_fired_twice_takes_nothing_in_the_second_time(tmp_path: Path) -> None:
    folder, *_ = exported(tmp_path)
    live = parse_session(live_session(folder))
    for attempt in range(2):
        ep = endpoint(folder)
        taken = take_in(ep, live)
        ep.close()
        if attempt == 0:
            before = (folder / "dailies.csc").read_bytes()
            ids = {n.id for n in endpoint(folder).snapshot().notes}
    assert (taken.new, taken.edited, taken.removed, taken.images) == ([], [], [], 0)
    assert (folder / "dailies.csc").read_bytes() == before
    assert {n.id for n in endpoint(folder).snapshot().notes} == ids


def test_a_paragraph_removed_in_the_live_session_is_removed(tmp_path: Path) -> None:
    folder, *_ = exported(tmp_path)
    text = (folder / "dailies.csc").read_text()
    live = text.replace("Grade is warm. [syncd:n2aaaaaaaaaaaaaaaaaaa]", "")
    ep = endpoint(folder)
    taken = take_in(ep, parse_session(live.encode()))
    ep.close()
    assert taken.removed == ["n2aaaaaaaaaaaaaaaaaaa"]


# -- the command -----------------------------------------------------------------------------------
def config(tmp_path: Path) -> Path:
    path = tmp_path / "syncd.yaml"
    if path.exists():
        return path
    (tmp_path / "reviews").mkdir(exist_ok=True)
    (tmp_path / "reviews" / "dailies.yaml").write_text(
        "review: dailies\nitems:\n  - name: sh010\n    notes:\n      - text: From the file.\n"
    )
    path.write_text(
        yaml.safe_dump(
            {
                "state": "sqlite:///state.db",
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
                        "sync": {"notes": "both", "order": "editorial"},
                    }
                ],
            }
        )
    )
    return path


def event(tmp_path: Path, monkeypatch, stdin: bytes | None, *args: str) -> tuple[int, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    env = {"SYNCD_DATA_DIR": str(tmp_path / "data")}
    return run_in_process(config(tmp_path), env, "cinesync-event", "-m", "dailies", *args)


def test_the_command_takes_in_runs_and_says_so_in_one_line(tmp_path: Path, monkeypatch) -> None:
    code, _ = run_in_process(config(tmp_path), {}, "run", "--once")
    assert code == 0
    path = tmp_path / "sessions" / "dailies.csc"
    live = path.read_text().replace(
        "<notes>From the file.", "<notes>Typed in cineSync.&#x0A;&#x0A;From the file."
    )
    assert "Typed in cineSync." in live
    args = ("--key=_OFFLINE_", "--save-format=PNG", f"--save-dir={tmp_path}", "--extra=1", "x")
    code, out = event(tmp_path, monkeypatch, live.encode(), *args)
    assert code == 0, out
    (line,) = out.strip().splitlines()
    assert line.startswith("dailies: took in 1 new note from cineSync; run ok (create note: 1")
    review = yaml.safe_load((tmp_path / "reviews" / "dailies.yaml").read_text())
    assert [n["text"] for n in review["items"][0]["notes"]] == [
        "From the file.",
        "Typed in cineSync.",
    ]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(live.encode())))
    code, out = run_in_process(
        tmp_path / "syncd.yaml", {}, "cinesync-event", "-m", "dailies", *args
    )
    assert code == 0 and "took in no change" in out and "nothing to write" in out


@pytest.mark.parametrize(
    ("stdin", "args", "code", "words"),
    [
        (b"<session", ("--key=abc",), 1, "the session cineSync sent"),
        (b"", ("--key=abc",), 2, "no session on standard input"),
        (b"x", (), 2, "--key"),
        (b"x", ("--key=abc", "--save-format=TIFF"), 2, "JPEG or PNG"),
    ],
)
def test_the_command_says_what_is_wrong_without_a_traceback(
    tmp_path: Path, monkeypatch, capsys, stdin: bytes, args: tuple[str, ...], code: int, words: str
) -> None:
    got, _ = event(tmp_path, monkeypatch, stdin, *args)
    err = capsys.readouterr().err
    assert got == code and words in err and "Traceback" not in err


def test_the_url_command(tmp_path: Path, monkeypatch, capsys) -> None:
    path = config(tmp_path)
    code, out = run_in_process(path, {}, "cinesync", "url", "-m", "dailies")
    assert code == 0
    assert out.strip() == f"cinesync://file/merge?path={quote(tmp_path / 'sessions')}%2Fdailies.csc"
    code, out = run_in_process(path, {}, "cinesync", "url", "-m", "dailies", "--replace")
    assert out.startswith("cinesync://file/replace?path=")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    code, _ = run_in_process(path, {}, "cinesync", "url", "-m", "dailies", "--open")
    assert code == 1 and "no desktop session" in capsys.readouterr().err


def test_a_mapping_without_cinesync_is_a_configuration_error(tmp_path: Path, capsys) -> None:
    path = tmp_path / "syncd.yaml"
    files = {"a": {"type": "file", "path": "./a"}, "b": {"type": "file", "path": "./b"}}
    mapping = {"name": "dailies", "endpoints": {"a": {"review": "r"}, "b": {"review": "r"}}}
    path.write_text(yaml.safe_dump({"systems": files, "mappings": [mapping]}))
    code, _ = run_in_process(path, {}, "cinesync", "url", "-m", "dailies")
    assert code == 2 and "exactly one cineSync endpoint (it has none)" in capsys.readouterr().err


def quote(path: Path) -> str:
    from urllib.parse import quote_plus

    return quote_plus(str(path))


def test_with_the_service_running_the_mapping_the_event_leaves_the_run_to_it(
    tmp_path: Path, monkeypatch
) -> None:
    from syncd.service.leases import open_leases

    code, _ = run_in_process(config(tmp_path), {}, "run", "--once")
    assert code == 0
    service = open_leases(f"sqlite:///{tmp_path / 'state.db'}")
    assert service.acquire("dailies")
    try:
        live = (tmp_path / "sessions" / "dailies.csc").read_text()
        live = live.replace(
            "<notes>From the file.", "<notes>For the service.&#x0A;&#x0A;From the file."
        )
        code, out = event(tmp_path, monkeypatch, live.encode(), "--key=abc")
    finally:
        service.close()
    assert code == 0
    assert "took in 1 new note from cineSync; the service runs this mapping" in out
    assert "For the service." in (tmp_path / "sessions" / "dailies.csc").read_text()
    review = (tmp_path / "reviews" / "dailies.yaml").read_text()
    assert "For the service." not in review
    code, _ = run_in_process(tmp_path / "syncd.yaml", {}, "run", "--once")
    assert code == 0 and "For the service." in (tmp_path / "reviews" / "dailies.yaml").read_text()
