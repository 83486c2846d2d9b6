"""cineSync 3 session files, the ground a cineSync connector stands on.

- :mod:`.session`: read and write ``.csc`` files, keeping everything syncd does not model;
- :mod:`.model` and :mod:`.drawing`: what a session holds, as frozen dataclasses;
- :mod:`.paragraphs`: many tracker notes in cineSync's one notes block per media and frame;
- :mod:`.userdata`: syncd's (and the vendor's ShotGrid scripts') JSON in ``userData``;
- :mod:`.shorthash`: cineSync's short hash of a media file;
- :mod:`.saved_frames`: an event script's arguments and the annotated frames cineSync saved;
- :mod:`.urls`: ``cinesync://`` URLs that open a session file.
"""

from __future__ import annotations

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

__all__ = [
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
    "parse_event_args",
    "parse_session",
    "read_session",
    "render_session",
    "replace_url",
    "short_hash",
    "split_paragraphs",
    "write_session",
]
