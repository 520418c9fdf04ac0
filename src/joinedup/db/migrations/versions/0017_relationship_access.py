"""access: restricted children, relationships and break-glass

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24 09:15:00.000000

Relationships themselves are read from casework and workforce tables; only restrictions and
break-glass grants are new (ADR 0012).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import joinedup.db.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = joinedup.db.types.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
IN_FORCE = "lifted_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "restricted_children",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("named_user_ids", JSON, nullable=False),
        sa.Column("marked_by", sa.String(length=120), nullable=False),
        sa.Column("marked_by_user_id", ID, nullable=True),
        sa.Column("marked_at", WHEN, nullable=False),
        sa.Column("lifted_by", sa.String(length=120), nullable=True),
        sa.Column("lifted_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_restricted_children_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restricted_children")),
    )
    op.create_index(op.f("ix_restricted_children_person_id"), "restricted_children", ["person_id"])
    op.create_index(
        "uq_restricted_children_in_force",
        "restricted_children",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text(IN_FORCE),
        postgresql_where=sa.text(IN_FORCE),
    )
    op.create_table(
        "break_glass_grants",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("actor_label", sa.String(length=120), nullable=False),
        sa.Column("actor_role", sa.String(length=40), nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_break_glass_grants_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_break_glass_grants")),
    )
    op.create_index(
        "ix_break_glass_grants_user_person", "break_glass_grants", ["user_id", "person_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_break_glass_grants_user_person", table_name="break_glass_grants")
    op.drop_table("break_glass_grants")
    op.drop_index(
        "uq_restricted_children_in_force",
        table_name="restricted_children",
        sqlite_where=sa.text(IN_FORCE),
        postgresql_where=sa.text(IN_FORCE),
    )
    op.drop_index(op.f("ix_restricted_children_person_id"), table_name="restricted_children")
    op.drop_table("restricted_children")
