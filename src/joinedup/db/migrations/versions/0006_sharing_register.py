"""the information-sharing register: one row per disclosure, append-only

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 01:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import joinedup.db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = joinedup.db.types.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "disclosures",
        sa.Column("id", ID, nullable=False),
        sa.Column("disclosed_at", WHEN, nullable=False),
        sa.Column("by_label", sa.String(length=120), nullable=False),
        sa.Column("by_user_id", ID, nullable=True),
        sa.Column("by_role", sa.String(length=40), nullable=False),
        sa.Column("person_ids", JSON, nullable=False),
        sa.Column("what", sa.String(length=60), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("lawful_basis", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
    )
    op.create_index(op.f("ix_disclosures_disclosed_at"), "disclosures", ["disclosed_at"])
    op.create_index(op.f("ix_disclosures_by_user_id"), "disclosures", ["by_user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_disclosures_by_user_id"), table_name="disclosures")
    op.drop_index(op.f("ix_disclosures_disclosed_at"), table_name="disclosures")
    op.drop_table("disclosures")
