"""cineSync 3 session files, the ground a cineSync connector stands on.

- :mod:`.session`: read and write ``.csc`` files, keeping everything syncd does not model;
- :mod:`.model` and :mod:`.drawing`: what a session holds, as frozen dataclasses;
- :mod:`.userdata`: syncd's (and the vendor's ShotGrid scripts') JSON in ``userData``;
- :mod:`.paragraphs`: many tracker notes in cineSync's one notes block per media and frame;
- :mod:`.shorthash`: cineSync's short hash of a media file.
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
from syncd.connectors.cinesync.session import (
    parse_session,
    read_session,
    render_session,
    write_session,
)
from syncd.connectors.cinesync.shorthash import short_hash

__all__ = [
    "Annotation",
    "Arrow",
    "Circle",
    "Drawing",
    "Erase",
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
    "join_paragraphs",
    "parse_session",
    "read_session",
    "render_session",
    "short_hash",
    "split_paragraphs",
    "write_session",
]
