"""events.superseded: a record's earlier versions are marked, so reads of current records skip
them without looking up the record's latest version

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 03:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUPERSEDED = """
UPDATE events SET superseded = TRUE WHERE id IN (
    SELECT v.id FROM record_versions v
    JOIN source_records s ON s.id = v.source_record_id
    WHERE v.version < s.latest_version
)
"""


def upgrade() -> None:
    op.add_column(
        "events",
        sa.Column("superseded", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.execute(SUPERSEDED)


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("superseded")
