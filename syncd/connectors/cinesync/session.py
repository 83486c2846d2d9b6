"""Reading and writing cineSync 3 session files (``.csc``).

    session = read_session(path)
    media = replace(session.media[0], notes="Tighten the arc.")
    write_session(path, replace(session, media=(media, *session.media[1:])))

A session read from a file is written back by editing that file's element tree, never by
regenerating it from the model, so whatever cineSync saved and syncd does not model survives: see
:mod:`.editing` for what syncd changes. A session that was not read from a file (``Session()``) is
written as a new file in cineSync's layout.

Writing is atomic (a temporary file in the same folder, flushed to disk, then renamed over the old
one) and happens only when the bytes change, so a rewrite that changes nothing leaves the file, and
its modification time, alone: cineSync and file watchers see no spurious change. Unchanged files
round-trip byte for byte.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from syncd.connectors.cinesync.building import element
from syncd.connectors.cinesync.document import Document, parse_document
from syncd.connectors.cinesync.editing import apply
from syncd.connectors.cinesync.errors import SessionError
from syncd.connectors.cinesync.model import FEATURES, VERSION, Media, Session
from syncd.connectors.cinesync.reading import read_model
from syncd.connectors.cinesync.writing import serialize


def read_session(path: str | os.PathLike[str]) -> Session:
    """The session in the file at ``path``; :class:`SessionError` when it cannot be used."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SessionError(f"{path}: no such session file; check the path") from None
    except OSError as exc:
        raise SessionError(f"{path}: cannot read the session file ({exc.strerror})") from None
    return parse_session(raw, path)


def parse_session(raw: bytes, source: str | os.PathLike[str] | None = None) -> Session:
    """The session in ``raw``, the bytes of a ``.csc`` file; ``source`` names it in messages."""
    doc = parse_document(raw, Path(source) if source is not None else None)
    session = read_model(doc)
    doc.parsed = session
    return session


def render_session(session: Session) -> bytes:
    """The bytes of the file for ``session``: the file it was read from, edited where it changed."""
    doc = session._document
    if doc is not None and _unchanged(doc, session):
        return doc.raw
    _check(session)
    if doc is None:
        doc = _blank(session)
    return serialize(apply(doc, session), doc.prolog, doc.epilog, doc.newline, doc.prefixes)


def write_session(path: str | os.PathLike[str], session: Session) -> bool:
    """Write ``session`` to ``path`` if that changes the file's bytes; True when it wrote.

    A session read from ``path`` is not written over a file that changed since it was read (a
    person saved it from cineSync meanwhile): that is a :class:`SessionError`, so that the caller
    reads the file again instead of undoing their work.
    """
    path = Path(path)
    data = render_session(session)
    try:
        current: bytes | None = path.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise SessionError(f"{path}: cannot read the session file ({exc.strerror})") from None
    if current == data:
        return False
    doc = session._document
    if doc is not None and _same_file(doc.source, path) and current != doc.raw:
        raise SessionError(
            f"{path}: the session file changed since syncd read it (saved from cineSync?); "
            "nothing was written: read it again and redo the change"
        )
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise SessionError(
            f"{path}: cannot write the session file ({exc.strerror}); the old file is unchanged: "
            "check that the folder exists and is writable"
        ) from None
    return True


def _same_file(a: Path | None, b: Path) -> bool:
    if a is None:
        return False
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file renamed over it, its
    mode kept), durably where the platform allows."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows (not on Windows)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unchanged(doc: Document, session: Session) -> bool:
    return session == doc.parsed and all(
        m._origin is not None and m._origin[0] is doc and m._origin[1] == k
        for k, m in enumerate(session.media)
    )


def _blank(session: Session) -> Document:
    """A document for a session that was never a file: an empty root in cineSync's layout."""
    root = element("session", {"version": str(VERSION), "sessionFeatures": session.features})
    baseline = Session(features=session.features, version=VERSION)
    return Document(raw=b"", root=root, parsed=baseline)


def _check(session: Session) -> None:
    """Refuse what would make a file cineSync cannot open: a bug in the caller, not in the file."""
    if session.features not in FEATURES:
        raise ValueError(f"sessionFeatures must be one of {FEATURES}, not {session.features!r}")
    if session.version != VERSION:
        raise ValueError(f"only session format version {VERSION} can be written")
    _check_groups(session.groups, "the session")
    for number, media in enumerate(session.media, start=1):
        _check_media(media, f"media {number} ({media.name or media.group_movie})", session)


def _check_media(media: Media, where: str, session: Session) -> None:
    fresh = media._origin is None or media._origin[0] is not session._document
    if fresh and media.group_movie is None and not media.name:
        raise ValueError(f"{where}: a new media needs a name (or a group movie's group)")
    if media.group_movie == "":
        raise ValueError(f"{where}: a group movie needs its group's name")
    if media.current_frame is not None and media.current_frame < 1:
        raise ValueError(f"{where}: current frame {media.current_frame} is below 1")
    frames = [a.frame for a in media.annotations]
    for frame in frames:
        if frame < 1:
            raise ValueError(f"{where}: annotation frame {frame} is below 1")
    if len(set(frames)) != len(frames):
        raise ValueError(f"{where}: two annotations for the same frame")
    if fresh and media.group_movie is not None and media.annotations:
        raise ValueError(f"{where}: a group movie has no annotations of its own")
    _check_groups(media.groups, where)


def _check_groups(groups: tuple[str, ...], where: str) -> None:
    if any(not g for g in groups):
        raise ValueError(f"{where}: a group needs a name")
