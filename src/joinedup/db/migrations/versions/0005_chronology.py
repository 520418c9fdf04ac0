"""the chronology's own tables: significant-event marks and users' last looks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 00:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import joinedup.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = joinedup.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "chronology_marks",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("by", sa.String(length=120), nullable=False),
        sa.Column("by_user_id", ID, nullable=True),
        sa.Column("at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_chronology_marks_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_chronology_marks_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chronology_marks")),
    )
    op.create_index(
        "ix_chronology_marks_person", "chronology_marks", ["person_id", "event_id", "id"]
    )
    op.create_table(
        "chronology_looks",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("seen_up_to", WHEN, nullable=True),
        sa.Column("last_looked_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_chronology_looks_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chronology_looks")),
        sa.UniqueConstraint(
            "user_id", "person_id", name=op.f("uq_chronology_looks_user_id_person_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("chronology_looks")
    op.drop_index("ix_chronology_marks_person", table_name="chronology_marks")
    op.drop_table("chronology_marks")
