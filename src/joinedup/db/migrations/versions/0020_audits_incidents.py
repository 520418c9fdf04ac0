"""quality: case audits and serious incidents

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-24 09:15:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import joinedup.db.types

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = joinedup.db.types.UTCDateTime(timezone=True)
DOC = joinedup.db.types.JSONDoc


def upgrade() -> None:
    op.create_table(
        "quality_audit_rounds",
        sa.Column("id", ID, nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("look_back_days", sa.Integer(), nullable=False),
        sa.Column("drawn_on", sa.Date(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("strata", DOC, nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_audit_rounds")),
    )
    op.create_table(
        "quality_case_audits",
        sa.Column("id", ID, nullable=False),
        sa.Column("round_id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("stratum", sa.String(length=20), nullable=False),
        sa.Column("team", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("auditor_user_id", ID, nullable=True),
        sa.Column("auditor_label", sa.String(length=120), nullable=True),
        sa.Column("grades", DOC, nullable=False),
        sa.Column("overall", sa.String(length=24), nullable=True),
        sa.Column("overall_comment", sa.Text(), nullable=True),
        sa.Column("submitted_at", WHEN, nullable=True),
        sa.Column("moderator_user_id", ID, nullable=True),
        sa.Column("moderator_label", sa.String(length=120), nullable=True),
        sa.Column("moderation", sa.String(length=10), nullable=True),
        sa.Column("moderated_overall", sa.String(length=24), nullable=True),
        sa.Column("moderation_reasons", sa.Text(), nullable=True),
        sa.Column("moderated_at", WHEN, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["quality_audit_rounds.id"],
            name=op.f("fk_quality_case_audits_round_id_quality_audit_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_quality_case_audits_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_case_audits")),
    )
    op.create_index("ix_quality_case_audits_round", "quality_case_audits", ["round_id", "status"])
    op.create_index("ix_quality_case_audits_case", "quality_case_audits", ["case_id"])
    op.create_table(
        "quality_incidents",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("incident_on", sa.Date(), nullable=False),
        sa.Column("aware_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.Column("notification_ref", sa.String(length=40), nullable=True),
        sa.Column("review_from", sa.Date(), nullable=False),
        sa.Column("review_to", sa.Date(), nullable=False),
        sa.Column("analysis", sa.Text(), nullable=True),
        sa.Column("rapid_review_on", sa.Date(), nullable=True),
        sa.Column("lcspr_decision", sa.String(length=20), nullable=True),
        sa.Column("lcspr_decided_on", sa.Date(), nullable=True),
        sa.Column("lcspr_published_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_quality_incidents_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_incidents")),
    )
    op.create_index("ix_quality_incidents_person", "quality_incidents", ["person_id"])
    op.create_table(
        "quality_actions",
        sa.Column("id", ID, nullable=False),
        sa.Column("audit_id", ID, nullable=True),
        sa.Column("incident_id", ID, nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_label", sa.String(length=120), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("completion_note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["quality_case_audits.id"],
            name=op.f("fk_quality_actions_audit_id_quality_case_audits"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["quality_incidents.id"],
            name=op.f("fk_quality_actions_incident_id_quality_incidents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_actions")),
    )
    op.create_index("ix_quality_actions_audit", "quality_actions", ["audit_id"])
    op.create_index("ix_quality_actions_incident", "quality_actions", ["incident_id"])
    op.create_index("ix_quality_actions_open", "quality_actions", ["status", "due_on"])


def downgrade() -> None:
    op.drop_index("ix_quality_actions_open", table_name="quality_actions")
    op.drop_index("ix_quality_actions_incident", table_name="quality_actions")
    op.drop_index("ix_quality_actions_audit", table_name="quality_actions")
    op.drop_table("quality_actions")
    op.drop_index("ix_quality_incidents_person", table_name="quality_incidents")
    op.drop_table("quality_incidents")
    op.drop_index("ix_quality_case_audits_case", table_name="quality_case_audits")
    op.drop_index("ix_quality_case_audits_round", table_name="quality_case_audits")
    op.drop_table("quality_case_audits")
    op.drop_table("quality_audit_rounds")
