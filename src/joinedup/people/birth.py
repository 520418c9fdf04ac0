"""A person's date of birth, as their records give it.

Each agency records its own, and a record's corrections are new versions of it: only the current
version of each record counts (`Event.superseded`), as the chronology reads them, and only a date
known to the day. The date most of those records give wins; among equals, the one on the latest
record (by when it happened, then by the order the records arrived). None when no current record
gives one. Casework (leaving care) and the statutory returns both read it here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.intake.models import Event, Mention
from joinedup.people.batchsql import among
from joinedup.people.models import MentionLink


def birth_dates(session: Session, person_ids: Iterable[int]) -> dict[int, date]:
    """Each person's date of birth from their current records (persons with none left out)."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(MentionLink.person_id, Mention.birth_date, Event.occurred_at, Mention.id)
        .join(Mention, Mention.id == MentionLink.mention_id)
        .join(Event, Event.id == Mention.event_id)
        .where(
            among(session, MentionLink.person_id, wanted),
            Event.superseded.is_(False),
            Mention.birth_date.is_not(None),
            Mention.birth_date_precision == "day",
        )
    )
    votes: dict[int, dict[date, tuple[int, datetime, int]]] = {}
    for person_id, born, at, mention_id in rows:
        if born is None:  # not so: the query leaves them out
            continue
        mine = votes.setdefault(person_id, {})
        count, last_at, last_id = mine.get(born, (0, at, mention_id))
        mine[born] = (count + 1, max(last_at, at), max(last_id, mention_id))
    return {pid: max(mine, key=mine.__getitem__) for pid, mine in votes.items()}


def birth_date(session: Session, person_id: int) -> date | None:
    """One person's date of birth (`birth_dates`)."""
    return birth_dates(session, [person_id]).get(person_id)
