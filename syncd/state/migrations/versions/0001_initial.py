"""Initial schema: links, members, seen, snapshots, runs, journal, media.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "links",
        sa.Column("mapping", sa.String(200), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("item_link", sa.String(64)),
        sa.Column("parent_link", sa.String(64)),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "members",
        sa.Column("mapping", sa.String(200), primary_key=True),
        sa.Column("link_id", sa.String(64), primary_key=True),
        sa.Column("endpoint", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("native_id", sa.String(400), nullable=False),
        sa.UniqueConstraint("mapping", "kind", "endpoint", "native_id", name="uq_members_native"),
    )
    op.create_table(
        "seen",
        sa.Column("mapping", sa.String(200), primary_key=True),
        sa.Column("link_id", sa.String(64), primary_key=True),
        sa.Column("endpoint", sa.String(200), primary_key=True),
        sa.Column("aspect", sa.String(16), primary_key=True),
        sa.Column("fp", sa.Text, nullable=False),
        sa.Column("gen", sa.Integer, nullable=False),
    )
    op.create_table(
        "snapshots",
        sa.Column("mapping", sa.String(200), primary_key=True),
        sa.Column("endpoint", sa.String(200), primary_key=True),
        sa.Column("cursor", sa.Text),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("cycles", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("mapping", sa.String(200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("counts", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("host", sa.String(200)),
    )
    op.create_index("ix_runs_mapping_started", "runs", ["mapping", "started_at"])
    op.create_table(
        "journal",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer),
        sa.Column("mapping", sa.String(200), nullable=False),
        sa.Column("endpoint", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("link_id", sa.String(64)),
        sa.Column("native_id", sa.String(400)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_journal_mapping_state", "journal", ["mapping", "state"])
    op.create_table(
        "media",
        sa.Column("mapping", sa.String(200), primary_key=True),
        sa.Column("endpoint", sa.String(200), primary_key=True),
        sa.Column("token", sa.String(400), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("media", "journal", "runs", "snapshots", "seen", "members", "links"):
        op.drop_table(table)
