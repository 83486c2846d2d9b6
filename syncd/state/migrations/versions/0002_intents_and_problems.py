"""Journal intents (to recognise a create whose answer was lost) and each run's problems.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("journal") as batch:
        batch.add_column(sa.Column("intent", sa.Text))
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("problems", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("problems")
    with op.batch_alter_table("journal") as batch:
        batch.drop_column("intent")
