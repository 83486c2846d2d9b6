"""A session as syncd's review: each media an item, each paragraph of its notes a note.

:func:`read_sheet` takes a :class:`~.model.Session` apart: a media's notes block and each frame's
into paragraphs (:mod:`.paragraphs`), syncd's ``userData`` into :class:`~.meta.MediaData`.
:func:`write_sheet` puts them together again; the library's writer then changes only what
differs in the file, so what cineSync saved and syncd does not model stays as it was.

What is not an item is kept as it is and reported once per read: a group movie (it plays a
group, not a file), a media without a name, a media whose ``userData`` is another tool's text
(syncd could not keep its ids there). The session's own notes are reported too: no other system
has a note on a whole playlist, and they are left in the file as they are.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from syncd.connectors.cinesync.drawing import Drawing
from syncd.connectors.cinesync.errors import UserDataError
from syncd.connectors.cinesync.meta import MediaData, para_hash
from syncd.connectors.cinesync.model import Annotation, Media, Session
from syncd.connectors.cinesync.paragraphs import Paragraph, join_paragraphs, split_paragraphs
from syncd.connectors.cinesync.userdata import parse_user_data, syncd_data, with_syncd_data
from syncd.errors import NotFound


@dataclass
class Para:
    """One note as the session shows it; ``id`` is its marker's, None until syncd gives one."""

    id: str | None
    text: str
    frame: int | None
    author: str | None = None

    @property
    def hash(self) -> str:
        return para_hash(self.frame, self.text, self.author)


@dataclass
class Entry:
    """One media of the session: the library's media, syncd's data, its paragraphs in order."""

    media: Media
    data: MediaData | None
    paras: list[Para] = field(default_factory=list)
    drawings: dict[int, tuple[Drawing, ...]] = field(default_factory=dict)
    item: bool = True
    """False for what is kept but is no item (a group movie, another tool's media)."""

    @property
    def name(self) -> str:
        return self.media.name or ""


@dataclass
class Sheet:
    session: Session
    entries: list[Entry]
    known: list[str] | None = None
    """The media ids the session's ``userData`` lists: those of the file as it was opened."""
    warnings: list[str] = field(default_factory=list)

    def items(self) -> list[Entry]:
        return [e for e in self.entries if e.item and e.data is not None]

    def entry(self, item_id: str) -> Entry:
        for entry in self.items():
            if entry.data is not None and entry.data.id == item_id:
                return entry
        raise NotFound(f"no media {item_id} in the session")

    def find_note(self, note_id: str) -> tuple[Entry, Para | None]:
        """The media holding the note, and its paragraph (None for a drawing alone)."""
        for entry in self.items():
            for para in entry.paras:
                if para.id == note_id:
                    return entry, para
            assert entry.data is not None
            if any(f.note == note_id and f.alone for f in entry.data.frames.values()):
                return entry, None
        raise NotFound(f"no note {note_id} in the session")


def read_sheet(session: Session) -> Sheet:
    where = str(session.source) if session.source is not None else "the session"
    warnings = list(session.warnings)
    if session.notes.strip():
        warnings.append(
            f"{where}: the session's own notes are not synced (no other system has a note on a "
            f"whole playlist): {_short(session.notes)}; copy them to a media's notes to sync them"
        )
    root = syncd_data(session.user_data) or {}
    listed = root.get("media")
    known = [k for k in listed if isinstance(k, str)] if isinstance(listed, list) else None
    entries = [_entry(media, n, where, warnings) for n, media in enumerate(session.media, 1)]
    return Sheet(session, entries, known, warnings)


def _entry(media: Media, number: int, where: str, warnings: list[str]) -> Entry:
    label = f"{where}: media {number}" + (f" ({media.name})" if media.name else "")
    if media.is_group_movie:
        warnings.append(
            f"{label}: a group movie (it plays the group {media.group_movie!r}) is not synced"
        )
        return Entry(media, None, item=False)
    raw = media.user_data
    if raw is not None and raw.strip() and parse_user_data(raw) is None:
        warnings.append(
            f"{label}: its userData holds another tool's text, so syncd cannot keep its ids "
            "there; it is not synced (left as it is)"
        )
        return Entry(media, None, item=False)
    if not media.name:
        warnings.append(f"{label}: a media without a name is not synced")
        return Entry(media, None, item=False)
    paras = [Para(p.link, p.text, None, p.author) for p in split_paragraphs(media.notes)]
    for ann in sorted(media.annotations, key=lambda a: a.frame):
        paras += [Para(p.link, p.text, ann.frame, p.author) for p in split_paragraphs(ann.notes)]
    drawings = {a.frame: a.drawings for a in media.annotations if a.drawings}
    return Entry(media, MediaData.load(syncd_data(raw)), paras, drawings)


def write_sheet(sheet: Sheet) -> Session:
    """The session that says what ``sheet`` says, ready for the library's writer."""
    media = tuple(_media(e) for e in sheet.entries)
    ids = [e.data.id for e in sheet.items() if e.data is not None]
    user_data = sheet.session.user_data
    with contextlib.suppress(UserDataError):  # another tool's text is kept as it is
        user_data = with_syncd_data(user_data, {"media": ids})
    return replace(sheet.session, media=media, user_data=user_data)


def _media(entry: Entry) -> Media:
    if not entry.item or entry.data is None:
        return entry.media
    blocks: dict[int | None, list[Paragraph]] = {}
    for para in entry.paras:
        blocks.setdefault(para.frame, []).append(Paragraph(para.text, para.id, para.author))
    annotations = []
    for ann in entry.media.annotations:  # the file's own, in its order, notes and drawings set
        text = join_paragraphs(blocks.get(ann.frame, []))
        annotations.append(Annotation(ann.frame, text, entry.drawings.get(ann.frame, ())))
    had = {a.frame for a in entry.media.annotations}
    for frame in sorted({f for f in [*blocks, *entry.drawings] if f is not None} - had):
        text = join_paragraphs(blocks.get(frame, []))
        annotations.append(Annotation(frame, text, entry.drawings.get(frame, ())))
    return replace(
        entry.media,
        notes=join_paragraphs(blocks.get(None, [])),
        annotations=tuple(annotations),
        user_data=with_syncd_data(entry.media.user_data, entry.data.dump()),
    )


def note_ids(sheet: Sheet) -> set[str]:
    """Every note id of the session: paragraphs and drawings alone."""
    found = {p.id for e in sheet.items() for p in e.paras if p.id is not None}
    for entry in sheet.items():
        assert entry.data is not None
        found |= {f.note for f in entry.data.frames.values() if f.alone}
    return found


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def stamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _short(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")
