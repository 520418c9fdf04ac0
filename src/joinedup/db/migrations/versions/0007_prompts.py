"""prompts: a rule's question to a human about one child, with evidence and answer

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 00:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import joinedup.db.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = joinedup.db.types.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "prompts",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("rule_id", sa.String(length=60), nullable=False),
        sa.Column("rule_version", sa.String(length=20), nullable=False),
        sa.Column("urgency", sa.String(length=5), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("route", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("due_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("escalated_at", WHEN, nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_by_user_id", ID, nullable=True),
        sa.Column("decided_at", WHEN, nullable=True),
        sa.Column("history", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_prompts_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prompts")),
    )
    op.create_index("ix_prompts_person_rule", "prompts", ["person_id", "rule_id", "status"])
    op.create_index("ix_prompts_status_due", "prompts", ["status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_prompts_status_due", table_name="prompts")
    op.drop_index("ix_prompts_person_rule", table_name="prompts")
    op.drop_table("prompts")
