"""Each casework step's entry on the child's chronology, written in the step's transaction.

A step is recorded as an exchange-format record (EXCHANGE.md) from the authority's own
children's social care, through intake (so it is stored, versioned and audited like every other
record) and linked straight to the child it was recorded about: no model needs to decide who a
case's child is. The chronology, the child's status and the rules then read it as they read every
other agency's records (ADR 0008).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.intake.service import mentions_of, submit_records
from joinedup.intake.validation import parse_object
from joinedup.people.service import attach_mentions

FORMAT = "joinedup/1"
SUMMARY_LIMIT = 10_000


@dataclass(frozen=True)
class Authority:
    """The local authority whose casework this is: the source of its chronology records."""

    name: str
    code: str


@dataclass(frozen=True)
class Author:
    label: str
    role: str


def write(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    person_id: int,
    record_id: str,
    kind: str,
    occurred_at: datetime,
    summary: str,
    attributes: dict[str, Any] | None = None,
    agency: str = "childrens_social_care",
    organisation: str | None = None,
    author: Author | None = None,
    now: datetime,
) -> int:
    """Store one record about the child and link it to them; returns the event's id."""
    value: dict[str, Any] = {
        "format": FORMAT,
        "record_id": record_id,
        "source": {
            "agency": agency,
            "organisation": organisation or authority.name,
            **({"organisation_code": authority.code} if organisation is None else {}),
        },
        "type": kind,
        "occurred_at": occurred_at.isoformat(),
        "recorded_at": now.isoformat(),
        "summary": summary[:SUMMARY_LIMIT],
        "attributes": attributes or {},
        "subjects": [{"ref": "c1", "role": "child", "local_ids": {"joinedup": str(person_id)}}],
    }
    if author is not None:
        value["author"] = {"name": author.label, "role": author.role}
    parsed = parse_object(value)
    [stored] = submit_records(session=session, actor=actor, records=[parsed], now=now)
    version_id, mentions = mentions_of(session, stored)
    if stored.outcome != "unchanged" and mentions:
        attach_mentions(
            session=session,
            actor=actor,
            mention_ids=mentions,
            person_id=person_id,
            method="casework",
            now=now,
        )
    return version_id
