"""workforce: teams, posts, absences and the history of case allocations

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 04:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import joinedup.db.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = joinedup.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "workforce_teams",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("manager_user_id", ID, nullable=True),
        sa.Column("manager_label", sa.String(length=120), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_workforce_teams_name")),
    )
    op.create_table(
        "workforce_workers",
        sa.Column("id", ID, nullable=False),
        sa.Column("team_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("fte", sa.Numeric(precision=4, scale=2, asdecimal=False), nullable=False),
        sa.Column("contract", sa.String(length=10), nullable=False),
        sa.Column("annual_cost", sa.Integer(), nullable=False),
        sa.Column("vacant", sa.Boolean(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workforce_teams.id"],
            name=op.f("fk_workforce_workers_team_id_workforce_teams"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_workers")),
    )
    op.create_index("ix_workforce_workers_team", "workforce_workers", ["team_id"])
    op.create_index("ix_workforce_workers_user", "workforce_workers", ["user_id"])
    op.create_table(
        "workforce_absences",
        sa.Column("id", ID, nullable=False),
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("to_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["workforce_workers.id"],
            name=op.f("fk_workforce_absences_worker_id_workforce_workers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_absences")),
    )
    op.create_index("ix_workforce_absences_worker", "workforce_absences", ["worker_id", "from_on"])
    op.create_table(
        "workforce_allocations",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("team", sa.String(length=120), nullable=False),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("to_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_workforce_allocations_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_allocations")),
    )
    op.create_index(
        "ix_workforce_allocations_case", "workforce_allocations", ["case_id", "from_on"]
    )
    op.create_index("ix_workforce_allocations_person", "workforce_allocations", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_workforce_allocations_person", table_name="workforce_allocations")
    op.drop_index("ix_workforce_allocations_case", table_name="workforce_allocations")
    op.drop_table("workforce_allocations")
    op.drop_index("ix_workforce_absences_worker", table_name="workforce_absences")
    op.drop_table("workforce_absences")
    op.drop_index("ix_workforce_workers_user", table_name="workforce_workers")
    op.drop_index("ix_workforce_workers_team", table_name="workforce_workers")
    op.drop_table("workforce_workers")
    op.drop_table("workforce_teams")
