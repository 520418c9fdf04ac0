"""governance: retention, legal holds, subject access and protected identities

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24 09:15:00.000000

No foreign keys to personal data: the governance records outlive what they govern.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import joinedup.db.types

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = joinedup.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=120), nullable=False),
        sa.Column("placed_by_user_id", ID, nullable=True),
        sa.Column("placed_at", WHEN, nullable=False),
        sa.Column("lifted_at", WHEN, nullable=True),
        sa.Column("lifted_by", sa.String(length=120), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    op.create_index(op.f("ix_legal_holds_person_id"), "legal_holds", ["person_id"])
    op.create_table(
        "retention_decisions",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("retention_class", sa.String(length=24), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column("decided_by_user_id", ID, nullable=True),
        sa.Column("decided_at", WHEN, nullable=False),
        sa.Column("disposed_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_decisions")),
    )
    op.create_index(op.f("ix_retention_decisions_person_id"), "retention_decisions", ["person_id"])
    op.create_table(
        "protected_identities",
        sa.Column("id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("event_id", ID, nullable=True),
        sa.Column("subject_ref", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("marked_by", sa.String(length=120), nullable=False),
        sa.Column("marked_by_user_id", ID, nullable=True),
        sa.Column("marked_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protected_identities")),
    )
    op.create_index(
        op.f("ix_protected_identities_contact_id"), "protected_identities", ["contact_id"]
    )
    op.create_index(op.f("ix_protected_identities_event_id"), "protected_identities", ["event_id"])
    op.create_table(
        "audit_alerts",
        sa.Column("id", ID, nullable=False),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("actor_label", sa.String(length=120), nullable=False),
        sa.Column("actor_user_id", ID, nullable=True),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("norm", sa.Integer(), nullable=False),
        sa.Column("raised_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_alerts")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_audit_alerts_dedup_key")),
    )
    op.create_index(op.f("ix_audit_alerts_day"), "audit_alerts", ["day"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_alerts_day"), table_name="audit_alerts")
    op.drop_table("audit_alerts")
    op.drop_index(op.f("ix_protected_identities_event_id"), table_name="protected_identities")
    op.drop_index(op.f("ix_protected_identities_contact_id"), table_name="protected_identities")
    op.drop_table("protected_identities")
    op.drop_index(op.f("ix_retention_decisions_person_id"), table_name="retention_decisions")
    op.drop_table("retention_decisions")
    op.drop_index(op.f("ix_legal_holds_person_id"), table_name="legal_holds")
    op.drop_table("legal_holds")
