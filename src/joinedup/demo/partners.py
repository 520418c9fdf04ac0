"""Demo partners in their organisations: the demo school DSL in the school with the most pupils
in the store, and the demo police officer in the police force, so that the partner look-up finds
children by school roll and Operation Encompass notices reach the DSL's inbox in the demo.

Idempotent: an account already in an organisation is left where it is.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from joinedup.access import account_admin
from joinedup.access.models import User
from joinedup.access.roles import Actor
from joinedup.intake.models import Mention, Organisation

PLACES = {"dsl.school": "education", "pc.police": "police"}


def place_demo_partners(*, session: Session, actor: Actor, now: datetime) -> dict[str, str]:
    """Each demo partner's organisation code, for those placed now."""
    placed: dict[str, str] = {}
    for username, agency in PLACES.items():
        user = session.scalar(select(User).where(User.username == username))
        if user is None or user.organisation_id is not None:
            continue
        found = _school(session) if agency == "education" else _first(session, agency)
        if found is None:
            continue
        account_admin.set_organisation(session=session, actor=actor, username=username,
                                       organisation_id=found[0], now=now)  # fmt: skip
        placed[username] = found[1]
    return placed


def _school(session: Session) -> tuple[int, str] | None:
    """The school whose URN most mentions carry (the biggest roll in the store)."""
    busiest = session.execute(
        select(Mention.school_urn, func.count().label("n"))
        .where(Mention.school_urn.is_not(None))
        .group_by(Mention.school_urn)
        .order_by(func.count().desc(), Mention.school_urn)
        .limit(1)
    ).first()
    if busiest is None:
        return None
    row = session.execute(
        select(Organisation.id, Organisation.code)
        .where(Organisation.agency == "education", Organisation.code == busiest[0])
        .order_by(Organisation.id)
        .limit(1)
    ).first()
    return (row[0], row[1]) if row and row[1] else None


def _first(session: Session, agency: str) -> tuple[int, str] | None:
    row = session.execute(
        select(Organisation.id, Organisation.code)
        .where(Organisation.agency == agency, Organisation.code.is_not(None))
        .order_by(Organisation.id)
        .limit(1)
    ).first()
    return (row[0], row[1]) if row and row[1] else None
