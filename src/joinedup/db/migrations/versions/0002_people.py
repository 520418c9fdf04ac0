"""people: persons, identities, links, review, constraints, merges, households

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 21:29:01.342328
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import joinedup.db.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "households",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("address_key", sa.String(length=240), nullable=False),
        sa.Column("postcode", sa.String(length=16), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=False),
        sa.Column("last_seen", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
        sa.UniqueConstraint("address_key", name=op.f("uq_households_address_key")),
    )
    op.create_table(
        "persons",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("created_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "merged_into_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["persons.id"], name=op.f("fk_persons_merged_into_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
    )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_persons_merged_into_id"), ["merged_into_id"], unique=False
        )

    op.create_table(
        "household_members",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_household_members_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_household_members_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_members")),
        sa.UniqueConstraint(
            "household_id",
            "person_id",
            "source",
            name=op.f("uq_household_members_household_id_person_id_source"),
        ),
    )
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.create_index("ix_household_members_person", ["person_id"], unique=False)

    op.create_table(
        "person_identities",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("sig", sa.String(length=40), nullable=False),
        sa.Column(
            "features",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("first_seen", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("mention_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_person_identities_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_identities")),
        sa.UniqueConstraint("person_id", "sig", name=op.f("uq_person_identities_person_id_sig")),
    )
    with op.batch_alter_table("person_identities", schema=None) as batch_op:
        batch_op.create_index("ix_person_identities_sig", ["sig"], unique=False)

    op.create_table(
        "person_keys",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "identity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["person_identities.id"],
            name=op.f("fk_person_keys_identity_id_person_identities"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_person_keys_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_keys")),
        sa.UniqueConstraint("key", "identity_id", name=op.f("uq_person_keys_key_identity_id")),
    )
    op.create_table(
        "household_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "child_person_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("at", sa.Date(), nullable=False),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_household_changes_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_household_changes_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_household_changes_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_changes")),
    )
    with op.batch_alter_table("household_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_household_changes_household", ["household_id", "at"], unique=False
        )
        batch_op.create_index("ix_household_changes_person", ["person_id"], unique=False)

    op.create_table(
        "relationships",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "related_person_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column(
            "source_event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_relationships_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["related_person_id"],
            ["persons.id"],
            name=op.f("fk_relationships_related_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["source_event_id"], ["events.id"], name=op.f("fk_relationships_source_event_id_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationships")),
        sa.UniqueConstraint(
            "person_id",
            "related_person_id",
            "kind",
            name=op.f("uq_relationships_person_id_related_person_id_kind"),
        ),
    )
    with op.batch_alter_table("relationships", schema=None) as batch_op:
        batch_op.create_index("ix_relationships_related", ["related_person_id"], unique=False)

    op.create_table(
        "link_constraints",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column(
            "mention_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "other_mention_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column(
            "created_by_user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("created_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["mention_id"], ["mentions.id"], name=op.f("fk_link_constraints_mention_id_mentions")
        ),
        sa.ForeignKeyConstraint(
            ["other_mention_id"],
            ["mentions.id"],
            name=op.f("fk_link_constraints_other_mention_id_mentions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_constraints")),
    )
    with op.batch_alter_table("link_constraints", schema=None) as batch_op:
        batch_op.create_index("ix_link_constraints_mention", ["mention_id"], unique=False)
        batch_op.create_index(
            "ix_link_constraints_other_mention", ["other_mention_id"], unique=False
        )

    op.create_table(
        "link_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "mention_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "from_person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "to_person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column(
            "actor_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mention_id"], ["mentions.id"], name=op.f("fk_link_history_mention_id_mentions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_history")),
    )
    with op.batch_alter_table("link_history", schema=None) as batch_op:
        batch_op.create_index("ix_link_history_mention", ["mention_id"], unique=False)

    op.create_table(
        "mention_links",
        sa.Column(
            "mention_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "identity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=True),
        sa.Column("match_probability", sa.Float(), nullable=True),
        sa.Column("model_version", sa.String(length=40), nullable=True),
        sa.Column(
            "decided_by_user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["person_identities.id"],
            name=op.f("fk_mention_links_identity_id_person_identities"),
        ),
        sa.ForeignKeyConstraint(
            ["mention_id"], ["mentions.id"], name=op.f("fk_mention_links_mention_id_mentions")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_mention_links_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("mention_id", name=op.f("pk_mention_links")),
    )
    with op.batch_alter_table("mention_links", schema=None) as batch_op:
        batch_op.create_index("ix_mention_links_person", ["person_id"], unique=False)

    op.create_table(
        "person_merges",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "from_person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "into_person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "moved_mention_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "previous_links",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("by", sa.String(length=120), nullable=False),
        sa.Column(
            "by_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "constraint_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("undone_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=120), nullable=True),
        sa.Column("undo_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["constraint_id"],
            ["link_constraints.id"],
            name=op.f("fk_person_merges_constraint_id_link_constraints"),
        ),
        sa.ForeignKeyConstraint(
            ["from_person_id"], ["persons.id"], name=op.f("fk_person_merges_from_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["into_person_id"], ["persons.id"], name=op.f("fk_person_merges_into_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merges")),
    )
    with op.batch_alter_table("person_merges", schema=None) as batch_op:
        batch_op.create_index("ix_person_merges_into", ["into_person_id"], unique=False)

    op.create_table(
        "review_tasks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "mention_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "candidate_person_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=True),
        sa.Column("match_probability", sa.Float(), nullable=True),
        sa.Column("model_version", sa.String(length=40), nullable=True),
        sa.Column(
            "explanation",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column(
            "decided_by_user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("decided_at", joinedup.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("merge_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "constraint_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["candidate_person_id"],
            ["persons.id"],
            name=op.f("fk_review_tasks_candidate_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["constraint_id"],
            ["link_constraints.id"],
            name=op.f("fk_review_tasks_constraint_id_link_constraints"),
        ),
        sa.ForeignKeyConstraint(
            ["mention_id"], ["mentions.id"], name=op.f("fk_review_tasks_mention_id_mentions")
        ),
        sa.ForeignKeyConstraint(
            ["merge_id"], ["person_merges.id"], name=op.f("fk_review_tasks_merge_id_person_merges")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_review_tasks_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_tasks")),
    )
    with op.batch_alter_table("review_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_review_tasks_mention", ["mention_id"], unique=False)
        batch_op.create_index("ix_review_tasks_status", ["status", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_review_tasks_status")
        batch_op.drop_index("ix_review_tasks_mention")

    op.drop_table("review_tasks")
    with op.batch_alter_table("person_merges", schema=None) as batch_op:
        batch_op.drop_index("ix_person_merges_into")

    op.drop_table("person_merges")
    with op.batch_alter_table("mention_links", schema=None) as batch_op:
        batch_op.drop_index("ix_mention_links_person")

    op.drop_table("mention_links")
    with op.batch_alter_table("link_history", schema=None) as batch_op:
        batch_op.drop_index("ix_link_history_mention")

    op.drop_table("link_history")
    with op.batch_alter_table("link_constraints", schema=None) as batch_op:
        batch_op.drop_index("ix_link_constraints_other_mention")
        batch_op.drop_index("ix_link_constraints_mention")

    op.drop_table("link_constraints")
    with op.batch_alter_table("relationships", schema=None) as batch_op:
        batch_op.drop_index("ix_relationships_related")

    op.drop_table("relationships")
    with op.batch_alter_table("household_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_household_changes_person")
        batch_op.drop_index("ix_household_changes_household")

    op.drop_table("household_changes")
    op.drop_table("person_keys")
    with op.batch_alter_table("person_identities", schema=None) as batch_op:
        batch_op.drop_index("ix_person_identities_sig")

    op.drop_table("person_identities")
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.drop_index("ix_household_members_person")

    op.drop_table("household_members")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_persons_merged_into_id"))

    op.drop_table("persons")
    op.drop_table("households")
