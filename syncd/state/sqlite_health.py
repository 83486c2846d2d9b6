"""A damaged SQLite state file is found before it is used, and moved aside.

A state database can be lost in ways that have nothing to do with syncd: a disk that filled
up, a backup tool that copied it half-written, someone who opened it in an editor. Every run
failing with a database error forever helps no one. The state only speeds syncd up and keeps
its links; everything it holds can be found again from the systems themselves (items by name,
notes by content, the link ids syncd stores where a system lets it). So a damaged file is
renamed next to itself (``state.db.damaged-<time>``, kept for a post-mortem) and a fresh one
takes its place: the next run re-adopts what exists instead of copying it, exactly as after a
deleted state file.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import structlog

from syncd.errors import ConfigError

log = structlog.get_logger("syncd.state")

OUR_TABLES = frozenset({"links", "members", "seen", "snapshots", "runs", "journal"})
SIDECARS = ("-wal", "-shm", "-journal")


def sqlite_path(url: str) -> Path | None:
    """The file behind a ``sqlite:///`` URL, or None (memory, other databases)."""
    if not url.startswith("sqlite:///"):
        return None
    raw = url.removeprefix("sqlite:///").split("?", 1)[0]
    if not raw or raw == ":memory:":
        return None
    return Path(raw).expanduser()


def damage(path: Path) -> str | None:
    """Why the file is not a usable syncd state database, or None when it is (or is absent)."""
    if not path.is_file() or path.stat().st_size == 0:
        return None  # absent, empty, or not a file at all (opening it says what is wrong)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        verdict = [str(r[0]) for r in rows]
        if verdict != ["ok"]:
            return "; ".join(verdict[:3])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    if tables and not tables & OUR_TABLES:
        raise ConfigError(
            f"state: {path} is an SQLite database of another program (tables "
            f"{', '.join(sorted(tables)[:5])}); point state: at a file of syncd's own"
        )
    return None


def move_aside(path: Path, reason: str) -> Path:
    """Rename the damaged file (and its WAL and shared-memory files) out of the way."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    path.rename(target)
    for suffix in SIDECARS:
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            sidecar.rename(target.with_name(target.name + suffix))
    log.warning(
        "the state database was damaged; it was moved aside and a fresh one is used: the "
        "next run finds every object again instead of copying it",
        path=str(path),
        moved_to=str(target),
        reason=reason,
    )
    return target
