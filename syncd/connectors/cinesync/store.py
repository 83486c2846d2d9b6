"""The files of one session in the system's folder, and how syncd writes them::

    sessions/dailies.csc                 the session: the file cineSync opens and saves
    sessions/.syncd/dailies.written.csc  the session as syncd last wrote it (see :mod:`.merge`)
    sessions/.syncd/dailies.journal      the writes of a run that are not in the file yet
    sessions/.syncd/dailies.lock         held while a syncd process works on the session
    sessions/.syncd/drawings/            the images of drawn frames, by content
    sessions/.syncd/media/               the media syncd put in the session, by content

A run's writes change the session in memory, and the file is written once when they are done
(``Endpoint.flush``): a run of 500 notes does not rewrite the file 500 times. The file is written
atomically (a temporary file in the folder, flushed to disk, renamed over the old one) and only
when its bytes change, so a quiet run leaves its bytes and modification time alone, and it is
never written over a file that changed since it was read (:class:`Changed`: the caller merges).

Each write is also appended to the journal, flushed to disk, before the endpoint answers: the
engine records a write as done as soon as it is answered, so a run killed before the file was
written would otherwise leave the state believing in notes the file never got (with deletes on,
the next run would delete them everywhere). The next run replays the journal; writing the file
removes it.

A media syncd puts in the session is kept in ``.syncd/media/`` (hard-linked from the copy the
run was given when it can be, else copied), and the session's ``<path>`` names that file: the
engine hands connectors its media cache's copies, which are named by their hash and come and go
as the cache evicts, and cineSync plays a media from where the session says it is.

The lock (``flock``) makes a second syncd process working on the same session (an event script
while the service runs the mapping) wait for the first; where there is no ``flock`` (Windows),
there is no lock.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import structlog

from syncd.connectors.cinesync.errors import SessionError
from syncd.connectors.cinesync.model import Session
from syncd.connectors.cinesync.session import atomic_write, parse_session, render_session
from syncd.connectors.cinesync.shorthash import short_hash
from syncd.core.model import LocalMedia
from syncd.errors import SkippableError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = structlog.get_logger("syncd.cinesync")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
LOCK_WAIT = 120.0
"""Seconds a second syncd process waits for the session before giving up."""


class Changed(SessionError):
    """The file changed since it was read (saved from cineSync meanwhile): read and merge."""


class SessionFiles:
    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.path = folder / f"{name}.csc"
        self.private = folder / ".syncd"
        self.written = self.private / f"{name}.written.csc"
        self.journal = self.private / f"{name}.journal"
        self.lockfile = self.private / f"{name}.lock"
        self.drawings = self.private / "drawings"
        self.media = self.private / "media"
        self._lock: IO[str] | None = None

    # -- reading -------------------------------------------------------------------------------
    def signature(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def read(self) -> tuple[bytes | None, Session | None]:
        """The session file's bytes and session; (None, None) when there is no file yet."""
        raw = _bytes(self.path)
        return (None, None) if raw is None else (raw, parse_session(raw, self.path))

    def read_written(self) -> tuple[bytes | None, Session | None]:
        """syncd's copy of what it last wrote; (None, None) when it has none it can read."""
        raw = _bytes(self.written)
        if raw is None:
            return None, None
        try:
            return raw, parse_session(raw, self.written)
        except SessionError as exc:
            log.warning("syncd's copy of the session is unreadable; not used", error=str(exc))
            return None, None

    # -- writing -------------------------------------------------------------------------------
    def save(self, session: Session, *, based_on: bytes | None) -> bytes:
        """Write ``session`` if that changes the file; the bytes the file holds now.

        ``based_on`` is what the file held when the session was read (None: no file).
        """
        data = render_session(session)
        current = _bytes(self.path)
        if current != based_on:
            raise Changed(f"{self.path}: the session file changed while syncd worked on it")
        try:
            if _bytes(self.written) != data:
                self.private.mkdir(parents=True, exist_ok=True)
                atomic_write(self.written, data)
            if current != data:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(self.path, data)
        except OSError as exc:
            raise SessionError(
                f"{self.path}: cannot write the session file ({exc.strerror}); the old file is "
                "unchanged: check that the folder exists and is writable"
            ) from None
        return data

    def append(self, op: str, args: dict[str, Any]) -> None:
        """One write into the journal, on disk before this returns."""
        line = json.dumps({"op": op, "args": args}, ensure_ascii=False, sort_keys=True)
        try:
            self.private.mkdir(parents=True, exist_ok=True)
            with self.journal.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise SessionError(
                f"{self.journal}: cannot record the write ({exc.strerror})"
            ) from None

    def replay(self) -> list[tuple[str, dict[str, Any]]]:
        """The journal's writes in order; a line cut short by a killed process is left out."""
        try:
            lines = self.journal.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            raise SessionError(f"{self.journal}: cannot read the journal ({exc})") from None
        ops = []
        for line in lines:
            try:
                entry = json.loads(line)
                ops.append((str(entry["op"]), dict(entry["args"])))
            except (ValueError, KeyError, TypeError):
                log.warning("a journal line cut short is left out", journal=str(self.journal))
        return ops

    def keep_media(self, media: LocalMedia) -> LocalMedia:
        """``media`` as a file of the session's own, named after it and kept by content."""
        target = self.media / f"{media.sha256[:16]}-{_SAFE.sub('_', media.filename)}"
        if not target.is_file():
            tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
            try:
                self.media.mkdir(parents=True, exist_ok=True)
                tmp.unlink(missing_ok=True)
                try:
                    os.link(media.path, tmp)
                except OSError:  # another file system, or none with hard links: a copy
                    shutil.copyfile(media.path, tmp)
                os.replace(tmp, target)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise SkippableError(
                    f"{self.path}: cannot keep the media {media.filename!r} in {self.media} "
                    f"({exc.strerror or exc})"
                ) from None
        return replace(media, path=target)

    def clear_journal(self) -> None:
        self.journal.unlink(missing_ok=True)

    # -- one process at a time -----------------------------------------------------------------
    def lock(self, wait: float = LOCK_WAIT) -> None:
        if self._lock is not None or fcntl is None:
            return
        self.private.mkdir(parents=True, exist_ok=True)
        handle = self.lockfile.open("a")
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    handle.close()
                    raise SessionError(
                        f"{self.path}: another syncd process has been working on this session "
                        f"for more than {wait:.0f}s; try again when it is done"
                    ) from None
                time.sleep(0.05)
        self._lock = handle

    def unlock(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file gives the lock back
            self._lock = None


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SessionError(f"{path}: cannot read the session file ({exc.strerror})") from None


def media_args(media: LocalMedia | None) -> dict[str, Any] | None:
    if media is None:
        return None
    path = Path(media.path).resolve()
    try:
        hashed = short_hash(path)
    except OSError as exc:
        raise SkippableError(f"cannot read the media file {path} ({exc})") from None
    return {
        "path": str(path),
        "sha256": media.sha256,
        "name": media.filename,
        "size": media.size,
        "url": media.url,
        "short_hash": hashed,
    }


def sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
