"""practice: early help (episodes, team around the family, plan actions, reviews), professional
challenge (escalations and their steps) and consultations

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-24 09:15:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import joinedup.db.types

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = joinedup.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "consultations",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("caller_name", sa.String(length=200), nullable=False),
        sa.Column("caller_organisation", sa.String(length=200), nullable=False),
        sa.Column("caller_agency", sa.String(length=40), nullable=False),
        sa.Column("concern", sa.Text(), nullable=False),
        sa.Column("advice", sa.String(length=12), nullable=False),
        sa.Column("advice_reasons", sa.Text(), nullable=False),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("advised_by", sa.String(length=120), nullable=False),
        sa.Column("advised_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_consultations_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
    )
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.create_index("ix_consultations_person", ["person_id"], unique=False)

    op.create_table(
        "early_help_episodes",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("origin", sa.String(length=12), nullable=False),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("from_case_id", ID, nullable=True),
        sa.Column("lead_name", sa.String(length=200), nullable=False),
        sa.Column("lead_agency", sa.String(length=40), nullable=False),
        sa.Column("lead_organisation", sa.String(length=200), nullable=False),
        sa.Column("lead_user_id", ID, nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("plan_outcomes", sa.Text(), nullable=True),
        sa.Column("plan_agreed_on", sa.Date(), nullable=True),
        sa.Column("review_due_on", sa.Date(), nullable=True),
        sa.Column(
            "history",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("stepped_up_contact_id", ID, nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_early_help_episodes_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["from_case_id"], ["cases.id"], name=op.f("fk_early_help_episodes_from_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_early_help_episodes_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_early_help_episodes")),
    )
    with op.batch_alter_table("early_help_episodes", schema=None) as batch_op:
        batch_op.create_index("ix_early_help_lead", ["lead_user_id", "status"], unique=False)
        batch_op.create_index(
            "ix_early_help_status_review", ["status", "review_due_on"], unique=False
        )
        batch_op.create_index(
            "uq_early_help_open_person",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "escalations",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("case_id", ID, nullable=True),
        sa.Column("consultation_id", ID, nullable=True),
        sa.Column("raised_by", sa.String(length=120), nullable=False),
        sa.Column("raised_by_user_id", ID, nullable=True),
        sa.Column("raised_by_role", sa.String(length=40), nullable=False),
        sa.Column("raiser_name", sa.String(length=200), nullable=False),
        sa.Column("raiser_organisation", sa.String(length=200), nullable=False),
        sa.Column("raiser_agency", sa.String(length=40), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("stage_started_on", sa.Date(), nullable=False),
        sa.Column("stage_due_on", sa.Date(), nullable=False),
        sa.Column("opened_at", WHEN, nullable=False),
        sa.Column("resolved_at", WHEN, nullable=True),
        sa.Column("resolved_by", sa.String(length=120), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("reopened_case_id", ID, nullable=True),
        sa.Column("new_contact_id", ID, nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_escalations_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_escalations_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_escalations_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_escalations_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
    )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index("ix_escalations_open_due", ["status", "stage_due_on"], unique=False)
        batch_op.create_index("ix_escalations_person", ["person_id"], unique=False)
        batch_op.create_index("ix_escalations_raiser", ["raised_by"], unique=False)

    op.create_table(
        "early_help_actions",
        sa.Column("id", ID, nullable=False),
        sa.Column("episode_id", ID, nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("added_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["early_help_episodes.id"],
            name=op.f("fk_early_help_actions_episode_id_early_help_episodes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_early_help_actions")),
    )
    with op.batch_alter_table("early_help_actions", schema=None) as batch_op:
        batch_op.create_index("ix_early_help_actions_episode", ["episode_id"], unique=False)

    op.create_table(
        "early_help_members",
        sa.Column("id", ID, nullable=False),
        sa.Column("episode_id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("added_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["early_help_episodes.id"],
            name=op.f("fk_early_help_members_episode_id_early_help_episodes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_early_help_members")),
    )
    with op.batch_alter_table("early_help_members", schema=None) as batch_op:
        batch_op.create_index("ix_early_help_members_episode", ["episode_id"], unique=False)

    op.create_table(
        "early_help_reviews",
        sa.Column("id", ID, nullable=False),
        sa.Column("episode_id", ID, nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("next_due_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["early_help_episodes.id"],
            name=op.f("fk_early_help_reviews_episode_id_early_help_episodes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_early_help_reviews")),
    )
    with op.batch_alter_table("early_help_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_early_help_reviews_episode", ["episode_id"], unique=False)

    op.create_table(
        "escalation_steps",
        sa.Column("id", ID, nullable=False),
        sa.Column("escalation_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", WHEN, nullable=False),
        sa.Column("event_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_escalation_steps_escalation_id_escalations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_steps")),
    )
    with op.batch_alter_table("escalation_steps", schema=None) as batch_op:
        batch_op.create_index("ix_escalation_steps_escalation", ["escalation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("escalation_steps", schema=None) as batch_op:
        batch_op.drop_index("ix_escalation_steps_escalation")

    op.drop_table("escalation_steps")
    with op.batch_alter_table("early_help_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_early_help_reviews_episode")

    op.drop_table("early_help_reviews")
    with op.batch_alter_table("early_help_members", schema=None) as batch_op:
        batch_op.drop_index("ix_early_help_members_episode")

    op.drop_table("early_help_members")
    with op.batch_alter_table("early_help_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_early_help_actions_episode")

    op.drop_table("early_help_actions")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index("ix_escalations_raiser")
        batch_op.drop_index("ix_escalations_person")
        batch_op.drop_index("ix_escalations_open_due")

    op.drop_table("escalations")
    with op.batch_alter_table("early_help_episodes", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_early_help_open_person",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index("ix_early_help_status_review")
        batch_op.drop_index("ix_early_help_lead")

    op.drop_table("early_help_episodes")
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_index("ix_consultations_person")

    op.drop_table("consultations")
