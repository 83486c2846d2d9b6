"""An event script's arguments, the frames cineSync saved for it, and the URLs that open files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from syncd.connectors.cinesync import (
    EventArgs,
    find_saved_frames,
    merge_url,
    parse_event_args,
    replace_url,
)


def touch(folder: Path, name: str, mtime: float = 1_700_000_000) -> Path:
    path = folder / name
    path.write_bytes(b"\xff\xd8 image")
    os.utime(path, (mtime, mtime))
    return path


def test_newest_save_of_each_frame(tmp_path: Path) -> None:
    name = "sq010_sh0040 comp (v2).mov"
    touch(tmp_path, f"{name}-00012.jpg")
    touch(tmp_path, f"{name}-00012 (2).jpg")
    newest = touch(tmp_path, f"{name}-00012 (3).jpg")
    touch(tmp_path, f"{name}-00012 (1).jpg")  # counts as the first save
    only = touch(tmp_path, f"{name}-01001.jpg")
    tenth = touch(tmp_path, f"{name}-00040 (10).jpg")
    touch(tmp_path, f"{name}-00040 (9).jpg")
    touch(tmp_path, f"{name}-00040 (2).jpg")
    for other in (
        "other.mov-00012 (7).jpg",  # another media
        f"{name}-0012.jpg",  # not five digits
        f"{name}-00012 (2).tif",  # not a saved frame format
        f"{name}-00012 (2).jpg.tmp",
        f"{name}-00000.jpg",  # no frame 0
        f"{name}-00012 (0).jpg",
    ):
        touch(tmp_path, other)
    (tmp_path / f"{name}-00099.jpg").mkdir()  # a folder is no image
    assert find_saved_frames(tmp_path, name) == {12: newest, 40: tenth, 1001: only}


def test_format_filter_and_ties(tmp_path: Path) -> None:
    jpg = touch(tmp_path, "a.mov-00005 (2).jpg", mtime=1_000)
    png = touch(tmp_path, "a.mov-00005 (2).png", mtime=2_000)
    upper = touch(tmp_path, "a.mov-00007.PNG")
    assert find_saved_frames(tmp_path, "a.mov") == {5: png, 7: upper}
    assert find_saved_frames(tmp_path, "a.mov", save_format="JPEG") == {5: jpg}
    assert find_saved_frames(tmp_path, "a.mov", save_format="png") == {5: png, 7: upper}
    assert find_saved_frames(tmp_path, "A.MOV") == {}  # media names are matched exactly


def test_frames_past_99999_and_regex_characters_in_names(tmp_path: Path) -> None:
    big = touch(tmp_path, "shot[1]+.mov-123456.png")
    touch(tmp_path, "shotX1X+.mov-00001.png")
    assert find_saved_frames(tmp_path, "shot[1]+.mov") == {123456: big}


def test_no_folder_no_frames(tmp_path: Path) -> None:
    assert find_saved_frames(tmp_path / "missing", "a.mov") == {}


def test_event_arguments_online() -> None:
    args = parse_event_args(
        ["--key=ASDF0000", "--save-format=JPEG", "--save-dir=/tmp/cineSync frames", "--banner"]
    )
    assert args == EventArgs(
        key="ASDF0000",
        save_format="JPEG",
        save_dir=Path("/tmp/cineSync frames"),
        url=None,
        extra=("--banner",),
    )
    assert not args.offline and args.save_extension == "jpg"


def test_event_arguments_offline_with_url_and_extras() -> None:
    args = parse_event_args(
        [
            "/Applications/cineSync.app/Scripts/Export.py",
            "--key=_OFFLINE_",
            "--save-format=PNG",
            "--url=cinesync://script/Export?ids=1,2&mode=a=b",
            "-v",
            "--future-option=7",
            "positional",
        ]
    )
    assert args.offline and args.key is None
    assert args.save_format == "PNG" and args.save_extension == "png"
    assert args.save_dir is None
    assert args.url == "cinesync://script/Export?ids=1,2&mode=a=b"
    assert args.extra == (
        "/Applications/cineSync.app/Scripts/Export.py",
        "-v",
        "--future-option=7",
        "positional",
    )


def test_event_arguments_spaced_form_and_repeats() -> None:
    args = parse_event_args(["--key", "K1", "--save-dir", "/s", "--key=K2", "--url", "--x"])
    assert args.key == "K2" and args.save_dir == Path("/s")
    assert args.url is None and args.extra == ("--url", "--x")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--save-format=JPEG"], "--key"),
        (["--key=K", "--save-format=TIFF"], "JPEG or PNG"),
    ],
)
def test_event_arguments_refused(argv: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_event_args(argv)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/tmp/dailies.csc", "%2Ftmp%2Fdailies.csc"),
        (
            "/Volumes/Shows/Orbit Review/day 1 & 2.csc",
            "%2FVolumes%2FShows%2FOrbit+Review%2Fday+1+%26+2.csc",
        ),
        (r"C:\Reviews\dailies+notes.csc", "C%3A%5CReviews%5Cdailies%2Bnotes.csc"),
        ("/tmp/ревью.csc", "%2Ftmp%2F%D1%80%D0%B5%D0%B2%D1%8C%D1%8E.csc"),
    ],
)
def test_open_file_urls(path: str, query: str) -> None:
    assert merge_url(path) == f"cinesync://file/merge?path={query}"
    assert replace_url(Path(path)) == f"cinesync://file/replace?path={query}"
