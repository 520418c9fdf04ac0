"""From a child's chronology to the facts rules read (the chronology domain's `Timeline`)."""

from __future__ import annotations

from datetime import date

from joinedup.chronology.service import Timeline as Chronology
from joinedup.chronology.views import Entry
from joinedup.rules.facts import Fact, Timeline, Who


def from_chronology(chronology: Chronology) -> Timeline:
    facts = tuple(_fact(e) for e in chronology.entries)
    adults = frozenset(
        s.person_id for e in chronology.entries for s in e.subjects if s.role == "adult"
    )
    birth, precision = birth_of(chronology.birth)
    return Timeline(chronology.person_id, facts, birth, precision, adults)


def _fact(entry: Entry) -> Fact:
    subjects = tuple(
        Who(s.person_id, s.role, s.relationship, s.perpetrator, s.victim) for s in entry.subjects
    )
    return Fact(
        event_id=entry.event_id,
        record_id=entry.record_id,
        occurred=entry.occurred_at.date(),
        precision=entry.date_precision,
        agency=entry.agency,
        type=entry.type,
        attributes=entry.attributes,
        about_child=entry.about_child,
        subjects=subjects,
        seen=entry.seen,
    )


def birth_of(text: str | None) -> tuple[date | None, str | None]:
    """A date of birth as sent: `YYYY-MM-DD`, `YYYY-MM` (the 1st) or `YYYY` (1 January)."""
    if not text:
        return None, None
    parts = [int(p) for p in text.split("-")]
    precision = ("year", "month", "day")[len(parts) - 1]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1), (
        precision
    )
