"""The state store: everything the engine remembers between runs, behind a few methods.

Every method that writes runs in its own transaction, so the engine can commit the record of a
remote write in the same step as the write's journal entry. SQLite runs in WAL mode; the same
code runs on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, delete, event, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DatabaseError, OperationalError, ProgrammingError, SQLAlchemyError

from syncd.core.actions import StateChange
from syncd.core.model import Snapshot
from syncd.core.recorded import LinkRecord, Recorded, Seen
from syncd.core.serialize import dump_snapshot, load_snapshot
from syncd.errors import ConfigError, FatalError
from syncd.state import schema as t
from syncd.state.changerows import ORDER, segments
from syncd.state.clock import now
from syncd.state.history import RunHistory
from syncd.state.journal import Journal
from syncd.state.mediarecords import MediaRecords
from syncd.state.sqlite_health import damage, move_aside, sqlite_path
from syncd.state.statements import HotStatements

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0004"
"""The newest migration. A database already there is opened without importing Alembic (half a
second of every command's start); ``tests/core/test_migrations.py`` keeps this in step."""
_MIGRATION_LOCK = 0x73796E6364  # "syncd": the advisory lock serialising schema upgrades


@dataclass(frozen=True, slots=True)
class CachedSnapshot:
    snapshot: Snapshot
    cycles: int


def _alembic_config(connection: Connection) -> Any:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _prepare_sqlite_file(path: Path) -> None:
    """Make sure SQLite can create or open ``path``; a reason in words when it cannot.

    SQLite itself only ever says "unable to open database file", whatever the cause.
    """
    fix = "point state: at a file in a folder syncd can write"
    if path.is_dir():
        raise ConfigError(
            f"the state database {path} is a folder; name a file in it, such as {path / 'state.db'}"
        )
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ConfigError(
                    f"cannot create the state database {path}: {parent} is a file, not a folder; "
                    f"{fix}"
                )
            break
    if path.exists():
        return  # SQLite opens it (read-only when it must) and says what is wrong with it
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab"):  # creates an empty file, which SQLite takes as an empty database
            pass
    except OSError as exc:
        raise ConfigError(
            f"cannot create the state database {path} ({exc.strerror or exc}); {fix}"
        ) from None


def unreadable(url: str, exc: DatabaseError) -> FatalError:
    """The error for a state file that is not a database (what to do included)."""
    return FatalError(
        f"the state database {redact_url(url)} cannot be read "
        f"({str(exc.orig).strip() if exc.orig else exc.__class__.__name__}); move the "
        "file aside to start afresh, or point state: at another file"
    )


def redact_url(url: str) -> str:
    """A database URL safe for logs and errors: the password replaced by ***."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is reported without its text
        return "<unparsable database URL>"


class StateStore(Journal, RunHistory, MediaRecords):
    """Links, fingerprints and snapshots here; the journal, the run history and what is known
    of media in their own modules, on the same database."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            path = url.removeprefix("sqlite:///").partition("?")[0]
            if path and path != ":memory:":
                _prepare_sqlite_file(Path(path).expanduser())
        try:
            self.engine: Engine = create_engine(url, future=True)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise ConfigError(
                f"cannot use database {redact_url(url)}: {exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''}. Use sqlite:///path/to/state.db "
                "or postgresql+psycopg://user@host/db"
            ) from None
        self.dialect = self.engine.dialect.name
        self._held = threading.local()
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @classmethod
    def open(cls, url: str, *, repair: bool = True) -> StateStore:
        """Open the database and bring its schema up to date.

        A damaged SQLite file is moved aside and replaced (``repair``), or, for commands that
        change nothing (plan, status, check), reported with what to do.
        """
        path = sqlite_path(url)
        reason = damage(path) if path is not None else None
        if reason is not None and path is not None:
            if not repair:
                raise FatalError(
                    f"state: {path} is damaged ({reason}); the next `syncd run` moves it "
                    "aside and finds every object again (nothing is copied twice)"
                )
            move_aside(path, reason)
        store = cls(url)
        try:
            store.upgrade()
        except DatabaseError as exc:  # not a database at all: a text file, garbage bytes
            store.dispose()
            raise unreadable(url, exc) from None
        return store

    # -- schema --------------------------------------------------------------------------------
    def upgrade(self) -> None:
        """Bring the schema to head; instances starting together on PostgreSQL take turns."""
        try:
            if self.schema_revision() == HEAD:
                return
            from alembic import command

            with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                    )
                command.upgrade(_alembic_config(conn), "head")
        except OperationalError as exc:
            raise FatalError(
                f"cannot open the state database {redact_url(self.url)}: "
                f"{str(exc.orig).strip() if exc.orig else exc}"
            ) from None

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            try:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except (OperationalError, ProgrammingError):
                return None  # an empty database: no version table yet

    @staticmethod
    def head_revision() -> str | None:
        from alembic.config import Config as AlembicConfig
        from alembic.script import ScriptDirectory

        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        return ScriptDirectory.from_config(cfg).get_current_head()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A transaction of its own: committed when the block ends, rolled back on an error."""
        held: Connection | None = getattr(self._held, "conn", None)
        if held is None:
            with self.engine.begin() as conn:
                yield conn
            return
        with held.begin():
            yield held

    @contextmanager
    def holding(self) -> Iterator[None]:
        """This thread's transactions reuse one connection until the block ends (SQLite):
        a run records each write in a transaction of its own, and taking a connection from
        the pool and giving it back costs as much as the statements themselves."""
        if self.dialect != "sqlite" or getattr(self._held, "conn", None) is not None:
            yield
            return
        with self.engine.connect() as conn:
            self._held.conn = conn
            try:
                yield
            finally:
                self._held.conn = None

    # -- links and fingerprints ----------------------------------------------------------------
    def load(self, mapping: str) -> Recorded:
        with self.engine.connect() as conn:
            link_rows = conn.execute(
                select(
                    t.links.c.id,
                    t.links.c.kind,
                    t.links.c.item_link,
                    t.links.c.parent_link,
                    t.links.c.deleted,
                ).where(t.links.c.mapping == mapping)
            ).all()
            links = {
                row.id: LinkRecord(
                    row.id, row.kind, {}, row.item_link, row.parent_link, bool(row.deleted)
                )
                for row in link_rows
            }
            for link_id, endpoint, native in conn.execute(
                select(t.members.c.link_id, t.members.c.endpoint, t.members.c.native_id).where(
                    t.members.c.mapping == mapping
                )
            ):
                link = links.get(link_id)
                if link is not None:
                    link.members[endpoint] = native
            seen_rows = [
                (link_id, endpoint, aspect, Seen(fp, gen))
                for link_id, endpoint, aspect, fp, gen in conn.execute(
                    select(
                        t.seen.c.link_id,
                        t.seen.c.endpoint,
                        t.seen.c.aspect,
                        t.seen.c.fp,
                        t.seen.c.gen,
                    ).where(t.seen.c.mapping == mapping)
                )
            ]
        return Recorded.build(links.values(), seen_rows)

    def _insert(self, table: Any) -> Any:
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    @cached_property
    def hot(self) -> HotStatements:
        return HotStatements.build(self.dialect)

    def apply(self, conn: Connection, mapping: str, changes: Iterable[StateChange]) -> None:
        """Write state facts inside the caller's transaction, each statement once per segment
        of rows (``changerows``)."""
        hot = self.hot
        for segment in segments(mapping, changes, now()):
            for name in ORDER:
                rows = segment[name]
                if rows:
                    hot.run(conn, name, rows)

    def commit(self, mapping: str, changes: Iterable[StateChange]) -> None:
        with self.transaction() as conn:
            self.apply(conn, mapping, changes)

    def purge_dead_links(self, mapping: str) -> int:
        """Drop tombstones that no endpoint holds any more."""
        with self.transaction() as conn:
            alive = select(t.members.c.link_id).where(t.members.c.mapping == mapping)
            dead = (
                conn.execute(
                    select(t.links.c.id).where(
                        t.links.c.mapping == mapping,
                        t.links.c.deleted.is_(True),
                        t.links.c.id.not_in(alive),
                    )
                )
                .scalars()
                .all()
            )
            if dead:
                conn.execute(
                    delete(t.seen).where(t.seen.c.mapping == mapping, t.seen.c.link_id.in_(dead))
                )
            return len(dead)

    # -- snapshot cache and cursors -------------------------------------------------------------
    def load_snapshot(self, mapping: str, endpoint: str) -> CachedSnapshot | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.snapshots.c.data, t.snapshots.c.cycles).where(
                    t.snapshots.c.mapping == mapping, t.snapshots.c.endpoint == endpoint
                )
            ).first()
        if row is None:
            return None
        return CachedSnapshot(load_snapshot(row.data), row.cycles)

    def save_snapshot(self, mapping: str, endpoint: str, snapshot: Snapshot, cycles: int) -> None:
        data = dump_snapshot(snapshot)
        with self.transaction() as conn:
            stmt = self._insert(t.snapshots).values(
                mapping=mapping,
                endpoint=endpoint,
                cursor=snapshot.cursor,
                data=data,
                cycles=cycles,
                updated_at=now(),
            )
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["mapping", "endpoint"],
                    set_={
                        "cursor": snapshot.cursor,
                        "data": data,
                        "cycles": cycles,
                        "updated_at": now(),
                    },
                )
            )

    def dispose(self) -> None:
        self.engine.dispose()
