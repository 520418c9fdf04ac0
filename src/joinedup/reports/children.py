"""Who each child in a return is: the identifiers and characteristics the returns need.

A child's records come from many agencies, each with its own spelling of what it knows, so a
return takes for each item the value most of the child's current records agree on (among
equals, the one on the latest record: by when it happened, then by the order the records
arrived, so that a return never depends on the order a database reads rows in): the unique
pupil number (valid ones only), the date of birth (known to the day:
`people.birth`, which leaving care reads too), sex, ethnicity (a DfE code) and the latest
postcode. What no record says is returned as unknown (`None`, sex "U", ethnicity "NOBT"), never
guessed.

The export that calls this has already checked the policy and written its audit entry
(`Action.RETURNS_EXPORT`); nothing here is shown on a page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.core import dfe_codes
from joinedup.intake.models import Event, Mention
from joinedup.people.batchsql import among
from joinedup.people.birth import birth_dates
from joinedup.people.models import MentionLink

CHUNK = 20_000


@dataclass(frozen=True)
class ChildFacts:
    person_id: int
    upn: str | None
    birth_date: date | None
    expected_birth_date: date | None
    sex: str  # M, F or U
    ethnicity: str  # a DfE code; NOBT when no record gives one
    postcode: str | None

    @property
    def la_child_id(self) -> str:
        """The child's identifier in the returns: the person's id, stable across returns."""
        return str(self.person_id)


class _Votes:
    """Counts of each value, remembering the latest record that gave it (the tie-break): when
    it happened, then the mention's id (the order the records arrived), so that two records of
    the same moment never leave the winner to the order the rows were read in."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen: dict[object, tuple[int, tuple[datetime, int]]] = {}

    def add(self, value: object, at: datetime, mention_id: int) -> None:
        count, last = self.seen.get(value, (0, (at, mention_id)))
        self.seen[value] = (count + 1, max(last, (at, mention_id)))

    def winner(self) -> object | None:
        if not self.seen:
            return None
        return max(self.seen.items(), key=lambda kv: kv[1])[0]


def child_facts(session: Session, person_ids: Iterable[int]) -> dict[int, ChildFacts]:
    """Each child's facts from their current (not superseded) records, read in chunks."""
    wanted = sorted(set(person_ids))
    votes: dict[int, dict[str, _Votes]] = defaultdict(lambda: defaultdict(_Votes))
    latest_postcode: dict[int, tuple[datetime, int, str]] = {}
    born: dict[int, date] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        born.update(birth_dates(session, chunk))
        rows = session.execute(
            select(
                MentionLink.person_id,
                Event.occurred_at,
                Mention.id,
                Mention.upn,
                Mention.upn_valid,
                Mention.expected_date_of_delivery,
                Mention.sex,
                Mention.ethnicity,
                Mention.postcode,
            )
            .join(Mention, Mention.id == MentionLink.mention_id)
            .join(Event, Event.id == Mention.event_id)
            .where(among(session, MentionLink.person_id, chunk), Event.superseded.is_(False))
        )
        for pid, at, mid, upn, upn_valid, expected, sex, ethnicity, postcode in rows:
            mine = votes[pid]
            if upn and upn_valid:
                mine["upn"].add(upn, at, mid)
            if expected is not None:
                mine["expected"].add(expected, at, mid)
            if sex in ("M", "F"):
                mine["sex"].add(sex, at, mid)
            if ethnicity in dfe_codes.ETHNICITY and ethnicity != dfe_codes.NOT_OBTAINED:
                mine["ethnicity"].add(ethnicity, at, mid)
            if postcode and (pid not in latest_postcode or latest_postcode[pid][:2] < (at, mid)):
                latest_postcode[pid] = (at, mid, postcode)
    facts: dict[int, ChildFacts] = {}
    for pid in wanted:
        mine = votes.get(pid, {})

        def pick(item: str, mine: dict[str, _Votes] = mine) -> object | None:
            found = mine.get(item)
            return found.winner() if found is not None else None

        birth = born.get(pid)
        facts[pid] = ChildFacts(
            person_id=pid,
            upn=_str(pick("upn")),
            birth_date=birth,
            expected_birth_date=_day(pick("expected")) if birth is None else None,
            sex=_str(pick("sex")) or "U",
            ethnicity=_str(pick("ethnicity")) or dfe_codes.NOT_OBTAINED,
            postcode=latest_postcode[pid][2] if pid in latest_postcode else None,
        )
    return facts


def _str(value: object | None) -> str | None:
    return value if isinstance(value, str) else None


def _day(value: object | None) -> date | None:
    return value if isinstance(value, date) else None
