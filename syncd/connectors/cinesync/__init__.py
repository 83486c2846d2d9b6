"""cineSync 3 (``type: cinesync``): a folder of session files, each one a review.

The connector (:mod:`.endpoint`) stands on a library for cineSync 3 session files:

- :mod:`.session`: read and write ``.csc`` files, keeping everything syncd does not model;
- :mod:`.model` and :mod:`.drawing`: what a session holds, as frozen dataclasses;
- :mod:`.paragraphs`: many tracker notes in cineSync's one notes block per media and frame;
- :mod:`.userdata`: syncd's (and the vendor's ShotGrid scripts') JSON in ``userData``;
- :mod:`.shorthash`: cineSync's short hash of a media file;
- :mod:`.saved_frames`: an event script's arguments and the annotated frames cineSync saved;
- :mod:`.urls`: ``cinesync://`` URLs that open a session file.

The connector's own roles: :mod:`.sheet` (a session as syncd's review), :mod:`.meta` (syncd's
``userData``), :mod:`.ops` (ids and writes), :mod:`.merge` (a file cineSync saved, with what syncd
wrote since), :mod:`.store` (the files, the journal, the lock), :mod:`.sketches` and
:mod:`.render` (drawn frames as images).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from syncd.connectors.cinesync.drawing import (
    Arrow,
    Circle,
    Drawing,
    Erase,
    Line,
    Paint,
    Point,
    Text,
)
from syncd.connectors.cinesync.errors import SessionError, UserDataError
from syncd.connectors.cinesync.model import Annotation, Locators, Media, PlayRange, Session
from syncd.connectors.cinesync.paragraphs import Paragraph, join_paragraphs, split_paragraphs
from syncd.connectors.cinesync.saved_frames import EventArgs, find_saved_frames, parse_event_args
from syncd.connectors.cinesync.session import (
    parse_session,
    read_session,
    render_session,
    write_session,
)
from syncd.connectors.cinesync.shorthash import short_hash
from syncd.connectors.cinesync.urls import merge_url, replace_url
from syncd.connectors.spec import ConnectorSpec
from syncd.errors import ConfigError

SPEC = ConnectorSpec(
    type="cinesync",
    description="cineSync 3 session files in a folder: each session a review that cineSync "
    "users open, annotate and save (or send back with an event script).",
    settings={
        "path": {
            "type": "string",
            "description": "Folder holding one <session>.csc per review (relative to the "
            "configuration file); syncd keeps its own files in .syncd/ inside it.",
            "examples": ["./sessions"],
        },
    },
    required=("path",),
    selector={
        "session": {
            "type": "string",
            "minLength": 1,
            "description": "The session's name: the file <path>/<session>.csc (spaces "
            "allowed, no folder).",
            "examples": ["dailies"],
        },
    },
    selector_required=("session",),
    factory="syncd.connectors.cinesync:open_endpoint",
    example={"path": "./sessions"},
    selector_example={"session": "dailies"},
)


def open_endpoint(name: str, settings: Mapping[str, Any], selector: Mapping[str, Any]) -> Any:
    """The endpoint of ``<path>/<session>.csc``; a folder in the session's name is refused."""
    folder = Path(str(settings["path"])).expanduser()
    if folder.exists() and not folder.is_dir():
        raise ConfigError(
            f"systems.{name}.path: {folder} is a file, not a folder; point path: at the folder "
            "that holds (or will hold) the session files"
        )
    session = str(selector["session"])
    if not session.strip() or any(c in session for c in "/\\\0") or session in (".", ".."):
        raise ConfigError(
            f"session: {session!r} is not a session name: give the file's name without .csc "
            f"and without a folder (the folder is systems.{name}.path)"
        )
    from syncd.connectors.cinesync.endpoint import CineSyncEndpoint

    return CineSyncEndpoint(name, folder, session)


__all__ = [
    "SPEC",
    "Annotation",
    "Arrow",
    "Circle",
    "Drawing",
    "Erase",
    "EventArgs",
    "Line",
    "Locators",
    "Media",
    "Paint",
    "Paragraph",
    "PlayRange",
    "Point",
    "Session",
    "SessionError",
    "Text",
    "UserDataError",
    "find_saved_frames",
    "join_paragraphs",
    "merge_url",
    "open_endpoint",
    "parse_event_args",
    "parse_session",
    "read_session",
    "render_session",
    "replace_url",
    "short_hash",
    "split_paragraphs",
    "write_session",
]
