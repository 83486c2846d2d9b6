"""Where the session files of the tests live, and a shortcut to read one."""

from __future__ import annotations

from pathlib import Path

from syncd.connectors.cinesync import Session, read_session

FILES = Path(__file__).parent / "files"


def load(name: str) -> Session:
    return read_session(FILES / name)
