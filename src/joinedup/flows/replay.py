"""Replaying a time line: records in the order they happened, through intake, identity and rules.

`joinedup replay` (issue 5) builds a fresh store, then submits each record as if it arrived on
the day it happened — a record known only to the month or year at the start of its period —
through the live flow (`flows.intake.submit_and_resolve`), which evaluates the rules for every
child it touches exactly as live intake does. It answers "when would Joined Up have asked?".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.flows.intake import submit_and_resolve
from joinedup.intake.models import Event, Mention
from joinedup.intake.validation import Parsed, RecordInvalid, parse_line
from joinedup.people.circle import circle_of, display_names
from joinedup.people.models import MentionLink
from joinedup.rules import service as rules_service
from joinedup.rules.engine import Rule
from joinedup.rules.models import Prompt


class ReplayInputInvalid(ValueError):
    """Lines that are not valid records: each error names the file, the line and the field."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Replayed:
    as_of: str
    rule_id: str
    rule_version: str
    person_ref: str
    child_names: list[str]
    urgency: str
    evidence: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of, "rule_id": self.rule_id, "rule_version": self.rule_version,
            "person_ref": self.person_ref, "child_names": self.child_names,
            "urgency": self.urgency, "evidence": self.evidence,
        }  # fmt: skip


def read_time_line(path: Path) -> list[Parsed]:
    """Every record of the file, in the order they happened (file order among equals).

    Nothing is replayed from a file with a bad line: a replay of part of a time line would
    answer a different question.
    """
    parsed: list[tuple[datetime, int, Parsed]] = []
    errors: list[str] = []
    with path.open("rb") as file:
        for number, raw in enumerate(file, start=1):
            line = raw.rstrip(b"\r\n")
            if not line.strip():
                continue
            try:
                item = parse_line(line)
            except RecordInvalid as bad:
                errors.extend(f"{path}:{number}: {e.field}: {e.message}" for e in bad.errors)
                continue
            parsed.append((item.occurred_at, number, item))
    if errors:
        raise ReplayInputInvalid(errors)
    return [item for _, _, item in sorted(parsed, key=lambda t: (t[0], t[1]))]


def replay(
    *,
    engine: Engine,
    settings: Settings,
    actor: Actor,
    records: Sequence[Parsed],
    rules: Sequence[Rule[Any]],
    progress: Callable[[], None] = lambda: None,
) -> list[Replayed]:
    """Submit each record on its own day and evaluate the rules; the prompts, in time order."""
    for item in records:
        with unit_of_work(engine) as session:
            submit_and_resolve(session=session, actor=actor, parsed_records=[item],
                               now=item.occurred_at, settings=settings, rules=rules)  # fmt: skip
        progress()
    with unit_of_work(engine, write=False) as session:
        return list(_replayed(session))


def _replayed(session: Session) -> Iterator[Replayed]:
    prompts = list(session.scalars(select(Prompt).order_by(Prompt.as_of, Prompt.id)))
    records = rules_service.evidence_records(session, prompts)
    names = _names(session, {p.person_id for p in prompts})
    for p in prompts:
        yield Replayed(
            as_of=p.as_of.isoformat(), rule_id=p.rule_id, rule_version=p.rule_version,
            person_ref=f"person:{p.person_id}", child_names=names.get(p.person_id, []),
            urgency=p.urgency, evidence=records[p.id],
        )  # fmt: skip


def _names(session: Session, persons: set[int]) -> dict[int, list[str]]:
    """Every name each child was recorded with, most often recorded first."""
    found: dict[int, list[str]] = {}
    for person in persons:
        circle = circle_of(session=session, actor=Actor.system("replay"), person_id=person)
        first = display_names(session, circle.persons)
        recorded = _recorded_names(session, circle.persons)
        found[person] = sorted(recorded, key=lambda n: (n != first.get(person), n))
    return found


def _recorded_names(session: Session, persons: Sequence[int]) -> set[str]:
    rows = session.execute(
        select(Mention.given_names, Mention.family_name)
        .join(MentionLink, MentionLink.mention_id == Mention.id)
        .join(Event, Event.id == Mention.event_id)
        .where(MentionLink.person_id.in_(list(persons)))
    )
    return {" ".join(x for x in (g, f) if x) for g, f in rows if g or f}
