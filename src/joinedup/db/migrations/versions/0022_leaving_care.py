"""casework: the leaving care service (a care leaver's record, personal adviser, pathway plan)

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-24 14:00:00.000000

A young person who was looked after is owed leaving-care duties to 21 (25 on request): a
personal adviser, a pathway plan reviewed at most every six months, and contact that says
whether the authority is in touch, where they live and what they do (SSDA903 OC3, Annex A
List 9). Its own record, not a case: a care leaver is not a child in need.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import joinedup.db.types

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_OPEN = sa.text("closed_on IS NULL")


def upgrade() -> None:
    op.create_table(
        "leaving_care",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("case_id", _ID, nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("extended_on", sa.Date(), nullable=True),
        sa.Column("adviser_user_id", _ID, nullable=True),
        sa.Column("adviser_label", sa.String(length=120), nullable=True),
        sa.Column("team", sa.String(length=120), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closure_reason", sa.String(length=20), nullable=True),
        sa.Column("opened_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_leaving_care_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leaving_care")),
    )
    with op.batch_alter_table("leaving_care", schema=None) as batch_op:
        batch_op.create_index("ix_leaving_care_person", ["person_id"], unique=False)
        batch_op.create_index("ix_leaving_care_adviser", ["adviser_user_id"], unique=False)
        batch_op.create_index(
            "uq_leaving_care_open_person",
            ["person_id"],
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )
    op.create_table(
        "leaving_care_steps",
        sa.Column("id", _ID, nullable=False),
        sa.Column("record_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("late_reason", sa.Text(), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("event_id", _ID, nullable=True),
        sa.Column("recorded_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["leaving_care.id"],
            name=op.f("fk_leaving_care_steps_record_id_leaving_care"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leaving_care_steps")),
    )
    with op.batch_alter_table("leaving_care_steps", schema=None) as batch_op:
        batch_op.create_index("ix_leaving_care_steps_record", ["record_id", "kind"], unique=False)
        batch_op.create_index("ix_leaving_care_steps_due", ["status", "due_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("leaving_care_steps", schema=None) as batch_op:
        batch_op.drop_index("ix_leaving_care_steps_due")
        batch_op.drop_index("ix_leaving_care_steps_record")
    op.drop_table("leaving_care_steps")
    with op.batch_alter_table("leaving_care", schema=None) as batch_op:
        batch_op.drop_index("uq_leaving_care_open_person", sqlite_where=_OPEN,
                            postgresql_where=_OPEN)  # fmt: skip
        batch_op.drop_index("ix_leaving_care_adviser")
        batch_op.drop_index("ix_leaving_care_person")
    op.drop_table("leaving_care")
