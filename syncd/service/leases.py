"""Who may run a mapping when several instances share one state database.

PostgreSQL: a mapping runs only in the process holding ``pg_try_advisory_lock(key)`` on a
connection kept for nothing else. The server drops a session's locks when the session ends, so a
crashed or killed instance frees its mappings without any expiry bookkeeping, and another
instance takes them at its next scheduled tick. A held lock is re-checked at every tick (taking
it again is re-entrant, and the extra hold is given back at once), which also notices a lease
connection that broke: it is reopened and the lock is taken afresh, or not.

SQLite: one process per database file. The first instance holds an ``fcntl`` lock on
``<database>.lock``; others stand by and take over when it exits. On Windows, or for an in-memory
database, there is nothing to share and leasing is a no-op.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from pathlib import Path
from typing import IO, Any

import structlog
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import NullPool

from syncd.state.store import redact_url

log = structlog.get_logger("syncd.service.leases")


def lease_key(mapping: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_lock`` (the same in every process)."""
    digest = hashlib.sha256(b"syncd-mapping:" + mapping.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Leases:
    """No sharing: every mapping is always ours."""

    def acquire(self, mapping: str) -> bool:
        return True

    def release(self, mapping: str) -> None:
        return None

    def held(self) -> set[str]:
        return set()

    def close(self) -> None:
        return None


class PostgresLeases(Leases):
    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = create_engine(url, poolclass=NullPool, future=True)
        self._conn: Connection | None = None
        self._held: set[str] = set()
        self._lock = threading.Lock()

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed:
            self._conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    def _try(self, mapping: str) -> bool:
        conn = self._connection()
        got = bool(
            conn.execute(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": lease_key(mapping)}
            ).scalar()
        )
        if got and mapping in self._held:
            # re-entrant: give back the hold just taken so one unlock frees it for good
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lease_key(mapping)})
        return got

    def acquire(self, mapping: str) -> bool:
        with self._lock:
            try:
                got = self._try(mapping)
            except Exception as exc:
                # the lease connection broke: every lock on it is gone; start over once
                log.warning("lease connection lost; reconnecting", error=str(exc).splitlines()[0])
                self._drop()
                try:
                    got = self._try(mapping)
                except Exception as again:
                    log.error(
                        "cannot take leases", database=redact_url(self.url), error=str(again)[:200]
                    )
                    self._drop()
                    return False
            if got and mapping not in self._held:
                log.info("lease taken", mapping=mapping)
                self._held.add(mapping)
            elif not got and mapping in self._held:
                log.warning("lease lost", mapping=mapping)
                self._held.discard(mapping)
            return got

    def release(self, mapping: str) -> None:
        with self._lock:
            if mapping in self._held and self._conn is not None:
                with contextlib.suppress(Exception):
                    self._conn.execute(
                        text("SELECT pg_advisory_unlock(:k)"), {"k": lease_key(mapping)}
                    )
            self._held.discard(mapping)

    def held(self) -> set[str]:
        return set(self._held)

    def _drop(self) -> None:
        self._held.clear()
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.invalidate()
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        """Give every lease back now, so a standby instance need not wait for the session end."""
        with self._lock:
            if self._conn is not None and not self._conn.closed:
                with contextlib.suppress(Exception):
                    self._conn.execute(text("SELECT pg_advisory_unlock_all()"))
            self._drop()
        self._engine.dispose()


class FileLease(Leases):
    """One process per SQLite file: an advisory ``fcntl`` lock, released by the kernel on exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[Any] | None = None
        self._lock = threading.Lock()
        self._warned = False

    def acquire(self, mapping: str) -> bool:
        import fcntl

        with self._lock:
            if self._handle is not None:
                return True
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+")  # noqa: SIM115 - held open for the process's life
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                if not self._warned:
                    log.warning(
                        "another syncd process uses this state database; standing by",
                        lock=str(self.path),
                    )
                    self._warned = True
                return False
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            self._handle = handle
            log.info("state database lock taken", lock=str(self.path))
            return True

    def held(self) -> set[str]:
        return {"*"} if self._handle is not None else set()

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def open_leases(url: str) -> Leases:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return PostgresLeases(url)
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
        if os.name == "nt":
            return Leases()
        return FileLease(Path(database).expanduser().with_name(Path(database).name + ".lock"))
    return Leases()
