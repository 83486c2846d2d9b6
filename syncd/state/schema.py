"""Tables of the state database. Changes go through a migration in ``migrations/versions``."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

links = Table(
    "links",
    metadata,
    Column("mapping", String(200), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("item_link", String(64)),
    Column("parent_link", String(64)),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

members = Table(
    "members",
    metadata,
    Column("mapping", String(200), primary_key=True),
    Column("link_id", String(64), primary_key=True),
    Column("endpoint", String(200), primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("native_id", String(400), nullable=False),
    UniqueConstraint("mapping", "kind", "endpoint", "native_id", name="uq_members_native"),
)

seen = Table(
    "seen",
    metadata,
    Column("mapping", String(200), primary_key=True),
    Column("link_id", String(64), primary_key=True),
    Column("endpoint", String(200), primary_key=True),
    Column("aspect", String(16), primary_key=True),
    Column("fp", Text, nullable=False),
    Column("gen", Integer, nullable=False),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("mapping", String(200), primary_key=True),
    Column("endpoint", String(200), primary_key=True),
    Column("cursor", Text),
    Column("data", Text, nullable=False),
    Column("cycles", Integer, nullable=False, default=0),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mapping", String(200), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("outcome", String(16), nullable=False),
    Column("counts", Text),
    Column("error", Text),
    Column("host", String(200)),
    # JSON list of the run's problems and failures: what ``syncd status`` reports
    Column("problems", Text),
    # JSON of the run's media transfers: what moved, what was reused, what failed
    Column("transfers", Text),
    # JSON of a running run's progress: writes done of planned, failed, in flight, ETA
    Column("progress", Text),
    Index("ix_runs_mapping_started", "mapping", "started_at"),
)

journal = Table(
    "journal",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer),
    Column("mapping", String(200), nullable=False),
    Column("endpoint", String(200), nullable=False),
    Column("action", String(32), nullable=False),
    Column("link_id", String(64)),
    Column("native_id", String(400)),
    # pending, done, failed, doubt (outcome unknown), interrupted, resolved
    Column("state", String(16), nullable=False),
    Column("detail", Text),
    # for a create: JSON of what it asked for, so that a later run can recognise it
    Column("intent", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_journal_mapping_state", "mapping", "state"),
)

media = Table(
    "media",
    metadata,
    Column("mapping", String(200), primary_key=True),
    Column("endpoint", String(200), primary_key=True),
    Column("token", String(400), primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
