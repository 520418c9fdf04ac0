"""prompts: routed to a case's allocated worker and manager; the contact a prompt made

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 03:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("prompts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", ID, nullable=True))
        batch_op.add_column(sa.Column("assigned_user_id", ID, nullable=True))
        batch_op.add_column(sa.Column("assigned_label", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("manager_label", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("contact_id", ID, nullable=True))
        batch_op.create_index(
            batch_op.f("ix_prompts_assigned_user_id"), ["assigned_user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("prompts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prompts_assigned_user_id"))
        batch_op.drop_column("contact_id")
        batch_op.drop_column("manager_label")
        batch_op.drop_column("assigned_label")
        batch_op.drop_column("assigned_user_id")
        batch_op.drop_column("case_id")
