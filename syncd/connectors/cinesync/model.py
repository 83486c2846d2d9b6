"""What syncd reads from, and writes to, a cineSync 3 session file.

The model holds what syncd needs (media order, names, locators, notes, frame annotations, groups,
``userData``) plus what a connector may want to look at (active media, current frame, play range,
drawings). Everything else cineSync saves (zoom, pixel ratio, masks, colour grading, stereo, chat,
pro features, elements of newer versions) is not modelled: a session read from a file keeps that
file's element tree, and writing it edits only the modelled values that changed, so none of that is
lost. Edit a session with :func:`dataclasses.replace`; the hidden ``_origin``/``_document`` fields
travel along and tie each value to the element it was read from.

Frame numbers are 1-based, as in cineSync's UI and in its files.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from syncd.connectors.cinesync.drawing import Drawing

if TYPE_CHECKING:
    from syncd.connectors.cinesync.document import Document

NAMESPACE = "http://www.cinesync.com/ns/session/3.0"
VERSION = 3
FEATURES = ("standard", "pro")


@dataclass(frozen=True, slots=True)
class Locators:
    """Where cineSync may find a media file; it tries them in turn, and any number may be given.

    ``short_hashes`` identify the file by content (see :mod:`.shorthash`), so a participant whose
    copy lives at another path still finds it.
    """

    paths: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    short_hashes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.paths or self.urls or self.short_hashes)


@dataclass(frozen=True, slots=True)
class PlayRange:
    """The in and out frames of a media's loop, and whether playback stays inside them."""

    in_frame: int
    out_frame: int
    play_only_range: bool


@dataclass(frozen=True, slots=True)
class Annotation:
    """One frame's annotation: its free-text notes and its drawings."""

    frame: int
    notes: str = ""
    drawings: tuple[Drawing, ...] = ()


@dataclass(frozen=True, slots=True)
class Media:
    """A media file in the session's playlist, or a "group movie" that plays a whole group.

    A group movie has ``group_movie`` set (the group's name) and neither name nor locators. A
    media without any locator is allowed (cineSync saves them when a file was never found) and
    flagged by :attr:`has_locator`.
    """

    name: str | None = None
    locators: Locators = Locators()
    notes: str = ""
    annotations: tuple[Annotation, ...] = ()
    groups: tuple[str, ...] = ()
    user_data: str | None = None
    active: bool = False
    current_frame: int | None = None
    play_range: PlayRange | None = None
    group_movie: str | None = None
    _origin: tuple[Document, int] | None = field(default=None, compare=False, repr=False)

    @property
    def is_group_movie(self) -> bool:
        return self.group_movie is not None

    @property
    def has_locator(self) -> bool:
        return bool(self.locators)

    def annotation(self, frame: int) -> Annotation | None:
        """The annotation of ``frame``, if the media has one."""
        return next((a for a in self.annotations if a.frame == frame), None)

    def with_frame_notes(self, frame: int, notes: str) -> Media:
        """This media with ``notes`` on ``frame``, adding the frame's annotation when needed."""
        kept = []
        found = False
        for ann in self.annotations:
            if ann.frame == frame and not found:
                ann = Annotation(frame, notes, ann.drawings)
                found = True
            kept.append(ann)
        if not found:
            kept.append(Annotation(frame, notes))
        return replace(self, annotations=tuple(kept))


@dataclass(frozen=True, slots=True)
class Session:
    """A whole session file. ``warnings`` lists what was skipped or looked wrong when reading."""

    media: tuple[Media, ...] = ()
    notes: str = ""
    groups: tuple[str, ...] = ()
    user_data: str | None = None
    features: str = "standard"
    version: int = VERSION
    source: Path | None = field(default=None, compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)
    _document: Document | None = field(default=None, compare=False, repr=False)

    def media_named(self, name: str) -> Media | None:
        """The first media called ``name`` (names are not unique in cineSync)."""
        return next((m for m in self.media if m.name == name), None)
