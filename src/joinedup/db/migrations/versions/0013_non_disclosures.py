"""sharing: decisions not to share, with their ground and reason (append-only)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 04:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import joinedup.db.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = joinedup.db.types.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "non_disclosures",
        sa.Column("id", ID, nullable=False),
        sa.Column("decided_at", WHEN, nullable=False),
        sa.Column("by_label", sa.String(length=120), nullable=False),
        sa.Column("by_user_id", ID, nullable=True),
        sa.Column("by_role", sa.String(length=40), nullable=False),
        sa.Column("person_ids", JSON, nullable=False),
        sa.Column("what", sa.String(length=60), nullable=False),
        sa.Column("requester", sa.String(length=300), nullable=False),
        sa.Column("ground", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_non_disclosures")),
    )
    op.create_index(op.f("ix_non_disclosures_decided_at"), "non_disclosures", ["decided_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_non_disclosures_decided_at"), table_name="non_disclosures")
    op.drop_table("non_disclosures")
