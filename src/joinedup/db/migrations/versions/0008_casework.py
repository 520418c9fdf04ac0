"""casework: contacts, information requests, cases and their steps

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 03:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import joinedup.db.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("referral_on", sa.Date(), nullable=False),
        sa.Column("referral_source", sa.String(length=3), nullable=False),
        sa.Column("primary_need", sa.String(length=2), nullable=True),
        sa.Column(
            "contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("team", sa.String(length=120), nullable=True),
        sa.Column(
            "allocated_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("allocated_label", sa.String(length=120), nullable=True),
        sa.Column("manager_label", sa.String(length=120), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closure_reason", sa.String(length=4), nullable=True),
        sa.Column("opened_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_cases_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_allocated", ["allocated_user_id", "stage"], unique=False)
        batch_op.create_index("ix_cases_person", ["person_id"], unique=False)
        batch_op.create_index("ix_cases_team", ["team", "stage"], unique=False)
        batch_op.create_index(
            "uq_cases_open_person",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text("stage != 'closed'"),
            postgresql_where=sa.text("stage != 'closed'"),
        )

    op.create_table(
        "case_steps",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
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
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("recorded_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_steps_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_steps")),
    )
    with op.batch_alter_table("case_steps", schema=None) as batch_op:
        batch_op.create_index("ix_case_steps_case", ["case_id", "kind"], unique=False)
        batch_op.create_index("ix_case_steps_due", ["status", "due_on"], unique=False)

    op.create_table(
        "contacts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("received_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("referral_source", sa.String(length=3), nullable=False),
        sa.Column("referrer_name", sa.String(length=200), nullable=False),
        sa.Column("referrer_organisation", sa.String(length=200), nullable=False),
        sa.Column("referrer_agency", sa.String(length=40), nullable=False),
        sa.Column("referrer_contact", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("prompt_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("urgency", sa.String(length=5), nullable=True),
        sa.Column("decision_due_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=30), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("late_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("signed_off_by", sa.String(length=120), nullable=True),
        sa.Column("signed_off_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("signoff_note", sa.Text(), nullable=True),
        sa.Column("outcome_sent_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome_message", sa.Text(), nullable=True),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_contacts_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_contacts_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["prompt_id"], ["prompts.id"], name=op.f("fk_contacts_prompt_id_prompts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index("ix_contacts_person", ["person_id"], unique=False)
        batch_op.create_index("ix_contacts_status_due", ["status", "decision_due_at"], unique=False)

    op.create_table(
        "information_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(length=5), nullable=False),
        sa.Column("requested_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_by", sa.String(length=200), nullable=True),
        sa.Column("replied_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.String(length=120), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_information_requests_contact_id_contacts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_information_requests")),
    )
    with op.batch_alter_table("information_requests", schema=None) as batch_op:
        batch_op.create_index("ix_information_requests_contact", ["contact_id"], unique=False)
        batch_op.create_index("ix_information_requests_open", ["status", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("information_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_information_requests_open")
        batch_op.drop_index("ix_information_requests_contact")

    op.drop_table("information_requests")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_status_due")
        batch_op.drop_index("ix_contacts_person")

    op.drop_table("contacts")
    with op.batch_alter_table("case_steps", schema=None) as batch_op:
        batch_op.drop_index("ix_case_steps_due")
        batch_op.drop_index("ix_case_steps_case")

    op.drop_table("case_steps")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_cases_open_person",
            sqlite_where=sa.text("stage != 'closed'"),
            postgresql_where=sa.text("stage != 'closed'"),
        )
        batch_op.drop_index("ix_cases_team")
        batch_op.drop_index("ix_cases_person")
        batch_op.drop_index("ix_cases_allocated")

    op.drop_table("cases")
