"""The child page's facts, each derived from the records and shown with how often it was recorded.

Identity (names, aliases, dates of birth, identifiers, addresses over time) comes from the
child's linked mentions exactly as sources sent them; status from the statutory records in
time order; visibility and the practitioners involved from the child's chronology entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.chronology.views import (
    AddressSeen,
    Entry,
    Involved,
    Recorded,
    Status,
    Visibility,
)
from joinedup.intake.models import Event, Mention, RecordVersion, SourceRecord
from joinedup.people.batchsql import among
from joinedup.people.models import MentionLink

RECENT = timedelta(days=90)
INVOLVED_SINCE = timedelta(days=730)
PER_AGENCY = 5


class _Tally:
    """Values with their count and first and last sighting."""

    def __init__(self) -> None:
        self.times: Counter[str] = Counter()
        self.first: dict[str, datetime] = {}
        self.last: dict[str, datetime] = {}

    def add(self, value: str | None, at: datetime) -> None:
        if not value:
            return
        self.times[value] += 1
        self.first[value] = min(at, self.first.get(value, at))
        self.last[value] = max(at, self.last.get(value, at))

    def listed(self) -> list[Recorded]:
        return [Recorded(v, n, self.first[v], self.last[v]) for v, n in self.times.most_common()]


def identity(session: Session, own: Collection[int]) -> dict[str, list[Recorded]]:
    """Names, other names, dates of birth, sexes and valid identifiers, most recorded first."""
    tallies = {k: _Tally() for k in ("names", "other_names", "dobs", "sexes", "nhs", "upn")}
    for m, at in _mentions(session, own):
        tallies["names"].add(" ".join(x for x in (m.given_names, m.family_name) if x), at)
        for other in m.other_names or ():
            tallies["other_names"].add(other, at)
        tallies["dobs"].add(m.date_of_birth, at)
        tallies["sexes"].add(m.sex, at)
        tallies["nhs"].add(m.nhs_number if m.nhs_number_valid else None, at)
        tallies["upn"].add(m.upn if m.upn_valid else None, at)
    return {k: t.listed() for k, t in tallies.items()}


def addresses(session: Session, own: Collection[int]) -> list[AddressSeen]:
    """Each address the child was recorded at, from first to last sighting, oldest first."""
    spans: dict[str, AddressSeen] = {}
    for m, at in _mentions(session, own):
        if not m.postcode:
            continue
        key = "".join(m.postcode.split()).upper() + "|" + " ".join(m.address_lines[:1]).lower()
        lines = ", ".join([*m.address_lines, *([m.town] if m.town else [])])
        seen = spans.get(key)
        if seen is None:
            spans[key] = AddressSeen(lines, m.postcode, at, at)
        else:
            latest = lines if at >= seen.last else seen.lines
            spans[key] = AddressSeen(latest, seen.postcode, min(at, seen.first), max(at, seen.last))
    return sorted(spans.values(), key=lambda a: (a.first, a.postcode))


def _mentions(session: Session, own: Collection[int]) -> Iterable[tuple[Mention, datetime]]:
    query = (
        select(Mention, Event.occurred_at)
        .join(MentionLink, MentionLink.mention_id == Mention.id)
        .join(Event, Event.id == Mention.event_id)
        .join(RecordVersion, RecordVersion.id == Event.id)
        .join(SourceRecord, SourceRecord.id == Event.source_record_id)
        .where(among(session, MentionLink.person_id, own))
        .where(RecordVersion.version == SourceRecord.latest_version)
        .order_by(Event.occurred_at, Mention.id)
    )
    return [(m, at) for m, at in session.execute(query)]


def status(entries: Sequence[Entry]) -> Status:
    """Replay the statutory records about the child in time order."""
    case = cin = plan = cla = None
    category = legal = last = None
    last_at = None
    precision: dict[datetime, str] = {}
    for e in entries:
        if not (e.statutory and e.about_child):
            continue
        at, outcome = e.occurred_at, e.attributes.get("outcome")
        last, last_at = e.type, at
        precision.setdefault(at, e.date_precision)
        if e.type == "referral" or (e.type == "contact_outcome" and outcome == "referral"):
            case = case or at
        elif e.type == "assessment" and outcome == "child_in_need":
            case, cin = case or at, cin or at
        elif e.type == "cp_plan_start":
            case, plan, category = case or at, at, e.attributes.get("category_of_abuse")
        elif e.type == "cp_plan_end":
            plan = category = None
        elif e.type == "cla_start":
            case, cla, legal = case or at, at, e.attributes.get("legal_status")
        elif e.type == "cla_end":
            cla = legal = None
        elif e.type == "case_closed":
            case = cin = plan = cla = category = legal = None
    dates = {"open_case_since": case, "child_in_need_since": cin, "cp_plan_since": plan,
             "looked_after_since": cla, "last_step_at": last_at}  # fmt: skip
    precisions = {k: precision[at] for k, at in dates.items() if at is not None}
    return Status(case, cin, plan, category, cla, legal, last, last_at, precisions)


def involved(entries: Sequence[Entry], now: datetime) -> list[Involved]:
    """The latest practitioners by agency who recorded something about the child lately."""
    latest: dict[tuple[str, str, str], Involved] = {}
    for e in entries:
        if not e.about_child or not e.author or e.occurred_at < now - INVOLVED_SINCE:
            continue
        key = (e.agency, e.organisation, e.author)
        latest[key] = Involved(e.agency, e.organisation, e.author, e.author_role,
                               e.author_contact, e.occurred_at, e.date_precision)  # fmt: skip
    found = sorted(latest.values(), key=lambda i: (i.agency, -i.last_at.timestamp()))
    kept: Counter[str] = Counter()
    out: list[Involved] = []
    for person in found:
        kept[person.agency] += 1
        if kept[person.agency] <= PER_AGENCY:
            out.append(person)
    return out


def visibility(entries: Sequence[Entry], now: datetime) -> Visibility:
    """When the child was last seen, seen alone and heard; who is involved lately; what happened."""
    own = [e for e in entries if e.about_child and e.occurred_at <= now]
    return Visibility(
        last_seen=next((e for e in reversed(own) if e.seen), None),
        last_seen_alone=next((e for e in reversed(own) if e.seen_alone), None),
        last_voice=next((e for e in reversed(own) if e.voice), None),
        agencies_90_days=sorted({e.agency for e in own if e.occurred_at >= now - RECENT}),
        counts_by_type=Counter(e.type for e in own).most_common(),
        as_of=now,
    )
