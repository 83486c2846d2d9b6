"""What cineSync hands an event script: its arguments, and the annotated frames it saved.

cineSync runs a script with ``--key=<session key>`` (``_OFFLINE_`` when no session is online),
``--save-format=JPEG|PNG``, ``--save-dir=<folder>`` where it saved the annotated frames, and
``--url=<cinesync:// URL>`` when a URL started the script. It saves a frame as
``<media name>-<frame, 5 digits>.<jpg|png>``; when that name is taken it adds `` (2)``, `` (3)``…
before the extension, so the highest number is the newest save of that frame.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

OFFLINE_KEY = "_OFFLINE_"
EXTENSIONS = {"JPEG": "jpg", "PNG": "png"}


@dataclass(frozen=True, slots=True)
class EventArgs:
    """The arguments of one script run. ``key`` is None when cineSync was offline."""

    key: str | None
    save_format: str | None = None
    save_dir: Path | None = None
    url: str | None = None
    extra: tuple[str, ...] = ()

    @property
    def offline(self) -> bool:
        return self.key is None

    @property
    def save_extension(self) -> str | None:
        return EXTENSIONS.get(self.save_format or "")


def parse_event_args(argv: Sequence[str]) -> EventArgs:
    """The arguments cineSync passed (``sys.argv[1:]``); anything else is kept in ``extra``.

    Both ``--name=value`` and ``--name value`` are read (a value cannot then start with ``--``);
    a repeated option keeps its last value.
    A missing ``--key`` or an unknown ``--save-format`` is a :class:`ValueError`, since the
    script cannot know which session, or which files, it is about.
    """
    known = {
        "--key": "key",
        "--save-format": "save_format",
        "--save-dir": "save_dir",
        "--url": "url",
    }
    values: dict[str, str] = {}
    extra: list[str] = []
    args = list(argv)
    k = 0
    while k < len(args):
        name, equals, value = args[k].partition("=")
        spaced = not equals and k + 1 < len(args) and not args[k + 1].startswith("--")
        if name in known and (equals or spaced):
            if not equals:
                k += 1
                value = args[k]
            values[known[name]] = value
        else:
            extra.append(args[k])
        k += 1
    if "key" not in values:
        raise ValueError("cineSync passes --key=<session key>; it is missing from the arguments")
    save_format = values.get("save_format")
    if save_format is not None and save_format.upper() not in EXTENSIONS:
        raise ValueError(f"--save-format={save_format}: cineSync saves frames as JPEG or PNG")
    save_dir = values.get("save_dir")
    return EventArgs(
        key=None if values["key"] == OFFLINE_KEY else values["key"],
        save_format=save_format.upper() if save_format is not None else None,
        save_dir=Path(save_dir) if save_dir else None,
        url=values.get("url") or None,
        extra=tuple(extra),
    )


def find_saved_frames(
    folder: str | os.PathLike[str], media_name: str, *, save_format: str | None = None
) -> dict[int, Path]:
    """The newest saved image of each frame of ``media_name`` in ``folder``, by frame number.

    ``save_format`` (``JPEG`` or ``PNG``) keeps only that kind of file; otherwise both count and,
    for one frame and save number, the most recently modified file wins. A missing folder has no
    frames.
    """
    wanted = (EXTENSIONS[save_format.upper()],) if save_format else tuple(EXTENSIONS.values())
    pattern = re.compile(
        rf"{re.escape(media_name)}-(?P<frame>\d{{5,}})(?: \((?P<save>[1-9]\d*)\))?"
        rf"\.(?P<ext>(?i:{'|'.join(wanted)}))"
    )
    best: dict[int, tuple[int, float, str, Path]] = {}
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return {}
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or not entry.is_file():
            continue
        frame = int(match.group("frame"))
        if frame < 1:
            continue
        rank = (int(match.group("save") or 1), entry.stat().st_mtime, entry.name, Path(entry.path))
        if frame not in best or rank[:3] > best[frame][:3]:
            best[frame] = rank
    return {frame: best[frame][3] for frame in sorted(best)}
