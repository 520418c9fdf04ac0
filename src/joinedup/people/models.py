"""Persons and how each mention is linked to one, with the provenance of every link.

A person is never deleted: a merged person points at its survivor (`merged_into_id`), and an
unmerge clears the pointer and moves back exactly the mentions the merge moved. Links are
rewritten in place (`mention_links`, one row a mention) and every change is appended to
`link_history`. Human decisions are also kept as hard constraints (`link_constraints`) that
batch re-linking reads and never undoes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    column,
)
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.db.base import Base, BigId
from joinedup.db.types import JSONDoc, UTCDateTime


class Person(Base):
    """A child, an adult or an unborn child; `merged_into_id` points at the survivor of a merge."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id"), nullable=True, index=True
    )


class PersonIdentity(Base):
    """One distinct identity a person has been recorded with (the model's features, hashed)."""

    __tablename__ = "person_identities"
    __table_args__ = (
        UniqueConstraint("person_id", "sig"),
        Index("ix_person_identities_sig", "sig"),
        # Search (people/search.py): a normalised family name, a date of birth, a postcode.
        Index("ix_person_identities_family", column("features", JSONDoc)["family"].as_string()),
        Index("ix_person_identities_dob", column("features", JSONDoc)["dob_o"].as_integer()),
        Index("ix_person_identities_postcode", column("features", JSONDoc)["pc"].as_string()),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    sig: Mapped[str] = mapped_column(String(40))
    features: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    mention_count: Mapped[int] = mapped_column(Integer)


class PersonKey(Base):
    """A look-up key of an identity: a blocking key, a trusted identifier, a source's local id.

    `n:<nhs>`, `u:<upn>` and `l:<organisation>:<system>:<id>` are trusted; the model's blocking
    keys find candidates to score. The unique index on (key, identity) serves the look-up.
    """

    __tablename__ = "person_keys"
    __table_args__ = (
        UniqueConstraint("key", "identity_id"),
        # Rebuilding identities (batch re-linking) deletes by identity.
        Index("ix_person_keys_identity", "identity_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(160))
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    identity_id: Mapped[int] = mapped_column(BigId, ForeignKey("person_identities.id"))


class MentionLink(Base):
    """Which person a mention is, how that was decided, and by whom when a person decided it."""

    __tablename__ = "mention_links"
    __table_args__ = (
        Index("ix_mention_links_person", "person_id"),
        Index("ix_mention_links_identity", "identity_id"),
    )

    mention_id: Mapped[int] = mapped_column(BigId, ForeignKey("mentions.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    identity_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("person_identities.id"), nullable=True
    )
    method: Mapped[str] = mapped_column(String(20))
    match_weight: Mapped[float | None] = mapped_column(Float, nullable=True)
    match_probability: Mapped[float | None] = mapped_column(Float, nullable=True)
    model_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    decided_by_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LinkHistory(Base):
    """Every change of a mention's person, append-only (`from_person_id` None: the first link)."""

    __tablename__ = "link_history"
    __table_args__ = (Index("ix_link_history_mention", "mention_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mention_id: Mapped[int] = mapped_column(BigId, ForeignKey("mentions.id"))
    from_person_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    to_person_id: Mapped[int] = mapped_column(BigId)
    method: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    actor: Mapped[str] = mapped_column(String(120))
    actor_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReviewTask(Base):
    """A mention the model could not decide: on a provisional person, a candidate proposed."""

    __tablename__ = "review_tasks"
    __table_args__ = (
        Index("ix_review_tasks_status", "status", "created_at"),
        Index("ix_review_tasks_mention", "mention_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mention_id: Mapped[int] = mapped_column(BigId, ForeignKey("mentions.id"))
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    candidate_person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    reason: Mapped[str] = mapped_column(String(200))
    match_weight: Mapped[float | None] = mapped_column(Float, nullable=True)
    match_probability: Mapped[float | None] = mapped_column(Float, nullable=True)
    model_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    explanation: Mapped[list[Any]] = mapped_column(JSONDoc)
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    decided_by_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rationale: Mapped[str | None] = mapped_column(Text, nullable=True)
    merge_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("person_merges.id"), nullable=True
    )
    constraint_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("link_constraints.id"), nullable=True
    )


class LinkConstraint(Base):
    """A human decision that two mentions are (must_link) or are not (cannot_link) one person.

    Active while `revoked_at` is None. Batch re-linking reads these as hard constraints.
    """

    __tablename__ = "link_constraints"
    __table_args__ = (
        Index("ix_link_constraints_mention", "mention_id"),
        Index("ix_link_constraints_other_mention", "other_mention_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    mention_id: Mapped[int] = mapped_column(BigId, ForeignKey("mentions.id"))
    other_mention_id: Mapped[int] = mapped_column(BigId, ForeignKey("mentions.id"))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_by_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(120), nullable=True)


class PersonMerge(Base):
    """One merge: which mentions moved, so that an unmerge restores exactly those."""

    __tablename__ = "person_merges"
    __table_args__ = (Index("ix_person_merges_into", "into_person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    from_person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    into_person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    moved_mention_ids: Mapped[list[int]] = mapped_column(JSONDoc)
    # Each moved mention's link as it was before the merge, restored exactly by an unmerge.
    previous_links: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    by: Mapped[str] = mapped_column(String(120))
    by_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    constraint_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("link_constraints.id"), nullable=True
    )
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    undone_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    undo_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class Household(Base):
    """An address where people live: normalised postcode and first address line."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    address_key: Mapped[str] = mapped_column(String(240), unique=True)
    postcode: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[date] = mapped_column(Date)
    last_seen: Mapped[date] = mapped_column(Date)


class HouseholdMember(Base):
    """Who lived in a household, from the first to the last sighting, and how we know."""

    __tablename__ = "household_members"
    __table_args__ = (
        UniqueConstraint("household_id", "person_id", "source"),
        Index("ix_household_members_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id"))
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))


class Relationship(Base):
    """How a person is related to a child (the exchange format's `relationship`), over a period."""

    __tablename__ = "relationships"
    __table_args__ = (
        UniqueConstraint("person_id", "related_person_id", "kind"),
        Index("ix_relationships_related", "related_person_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    related_person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    kind: Mapped[str] = mapped_column(String(24))
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date] = mapped_column(Date)
    source_event_id: Mapped[int] = mapped_column(BigId, ForeignKey("events.id"))


class HouseholdChange(Base):
    """An adult joining or leaving a household with children: on each child's chronology."""

    __tablename__ = "household_changes"
    __table_args__ = (
        Index("ix_household_changes_household", "household_id", "at"),
        Index("ix_household_changes_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id"))
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    child_person_ids: Mapped[list[int]] = mapped_column(JSONDoc)
    change: Mapped[str] = mapped_column(String(16))
    at: Mapped[date] = mapped_column(Date)
    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("events.id"))
