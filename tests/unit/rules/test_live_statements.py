"""Live evaluation's round trips: a fixed number of statements a batch, whatever it finds.

On PostgreSQL each statement is a round trip to the server, most of a record's time in live
intake (issue 5: a median of 5 ms a record). These tests pin which statements
`rules.service.evaluate_records` sends for a record, so that a statement a child or a finding
(as `answered_of` once ran for each finding) cannot come back unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from joinedup.access.roles import Actor, Role
from joinedup.db.session import make_engine
from joinedup.intake.models import Event, SourceRecord
from joinedup.rules import facts_sql
from joinedup.rules import service as rules
from joinedup.rules.circles import without_jit
from joinedup.rules.library import DEFAULT_RULES
from joinedup.rules.models import Prompt
from tests.unit.people.support import Store, adult, child, nhs, people, rec

__all__ = ["people"]  # the fixture

RULES = [cls() for cls in DEFAULT_RULES]
MASH = Actor(role=Role.MASH_PRACTITIONER, label="mash.one", user_id=7)
POLICE = {"agency": "police", "organisation": "Testshire Police"}
SCHOOL = {"agency": "education", "organisation": "Sample School"}
BOY = child(nhs_number=nhs(7300))
GIRL = child(ref="c2", given_names="Bella", date_of_birth="2014-09-01", sex="F",
             nhs_number=nhs(7400))  # fmt: skip

# What each statement is, by a fragment of its text (the first that matches).
KINDS = [
    ("SET LOCAL jit", "jit off"),
    ("SELECT ml.person_id FROM mention_links", "circles of the persons named"),
    ("FROM prompts", "prompts"),  # before the next: it reads the children's merge families
    ("WITH RECURSIVE", "circles of the children in them"),  # no longer sent on its own
    ("INSERT INTO audit_entries", "audit entry"),
    ("WITH links AS", "facts, events and dates of birth"),
    ("mentions.date_of_birth, count(*)", "dates of birth"),
    ("SELECT events.id, events.occurred_at", "events"),
    ("FROM mention_links JOIN mentions", "facts"),
    ("SELECT events.id, events.agency, events.type", "answered prompts' evidence"),
]


def incident(day: str) -> dict[str, Any]:
    return rec(BOY, GIRL, adult(), type="domestic_abuse_incident", source=POLICE,
               attributes={"children_present": False},
               occurred_at=f"{day}T22:00:00+00:00")  # fmt: skip


def worry(day: str) -> dict[str, Any]:
    """The school's concern about both children: with the incidents, a joined-up pattern."""
    return rec(BOY, GIRL, adult(), source=SCHOOL, attributes={"category": "emotional"},
               occurred_at=f"{day}T10:00:00+00:00")  # fmt: skip


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    """The kind of every statement sent on the session's connection meanwhile."""
    found: list[str] = []

    def seen(_c: Any, _cursor: Any, text: str, *_: Any) -> None:
        found.append(next((kind for part, kind in KINDS if part in text), text[:60]))

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", seen)
    try:
        yield found
    finally:
        event.remove(connection, "before_cursor_execute", seen)


def evaluated(people: Store, record_id: str) -> list[str]:
    """The statements of evaluating the record again, as if it had just arrived."""
    session = people.session
    events = list(session.scalars(select(Event.id).join(SourceRecord).where(
        SourceRecord.record_id == record_id)))  # fmt: skip
    with statements(session) as found:
        rules.evaluate_records(session=session, actor=people.actor, event_ids=events,
                               rules=RULES, now=people.clock.now())  # fmt: skip
        session.flush()
    return found


def reading(session: Session) -> list[str]:
    """What every record costs: on PostgreSQL, four round trips (the facts, their events and
    the dates of birth in one); on SQLite, in-process, five plain statements."""
    if session.get_bind().dialect.name == "postgresql":
        return ["jit off", "circles of the persons named", "audit entry",
                "facts, events and dates of birth"]  # fmt: skip
    return ["circles of the persons named", "audit entry", "facts", "events", "dates of birth"]


def test_a_record_that_finds_nothing_costs_a_few_statements(people: Store) -> None:
    first = worry("2026-02-01")
    people.submit(first)
    assert evaluated(people, first["record_id"]) == reading(people.session)


@pytest.mark.parametrize("named", ["the mother alone", "the boy alone"])
def test_the_children_in_the_circles_of_those_named_cost_no_statement_more(
    people: Store, named: str
) -> None:
    """The children in the circle of a person named are touched too (a record about the
    mother, or about the boy, reaches his sister): their circles come in the same statement
    as those of the persons named (a second statement once read them, for most records)."""
    people.submit(worry("2026-02-01"))
    if named == "the mother alone":
        alone = rec(adult(relationship=None), type="adult_risk", source=POLICE,
                    attributes={"category": "substance_misuse"},
                    occurred_at="2026-03-01T22:00:00+00:00")  # fmt: skip
    else:
        alone = rec(BOY, adult(), source=SCHOOL, attributes={"category": "emotional"},
                    occurred_at="2026-03-01T10:00:00+00:00")  # fmt: skip
    people.submit(alone)
    event = people.session.scalar(select(Event.id).join(SourceRecord).where(
        SourceRecord.record_id == alone["record_id"]))  # fmt: skip
    touched = facts_sql.touched(people.session, [event])
    assert len(touched) == 2 and all(s.kind == "child" for s in touched.values())
    # The mother's substance misuse with the school's worry is a finding for both children
    # (their prompts, opened when it arrived, are read in one statement; nothing new to add).
    finds = ["prompts"] if named == "the mother alone" else []
    assert evaluated(people, alone["record_id"]) == [*reading(people.session), *finds]


def test_findings_for_two_children_read_their_prompts_and_answers_once(people: Store) -> None:
    people.submit(worry("2026-02-01"), incident("2026-03-01"))
    people.submit(incident("2026-09-01"))
    opened = list(people.session.scalars(select(Prompt).order_by(Prompt.id)))
    assert len({p.person_id for p in opened}) == 2  # a prompt for each child
    for prompt in opened:
        rules.decide_prompt(session=people.session, actor=MASH, prompt_id=prompt.id,
                            outcome="no_further_action", rationale="Known; plan in place.",
                            now=people.clock.now())  # fmt: skip
    more = worry("2026-10-20")  # more of the same: it finds, for both children, and opens nothing
    people.submit(more)
    found = evaluated(people, more["record_id"])
    assert found == [*reading(people.session), "prompts", "answered prompts' evidence"]
    assert [p.id for p in people.session.scalars(select(Prompt).order_by(Prompt.id))] == [
        p.id for p in opened
    ]


@pytest.mark.parametrize("default", ["on", "off"])
def test_jit_is_switched_off_a_transaction_unless_the_connection_has_it_off(
    database_url: str, engine: Engine, default: str
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("JIT compilation is PostgreSQL's")
    options = {"connect_args": {"options": f"-c jit={default}"}}
    own = make_engine(database_url, poolclass=StaticPool, **options)
    try:
        sent = []
        for _ in range(2):  # two transactions on the same connection
            with Session(own) as session, statements(session) as found:
                without_jit(session)
                assert session.scalar(text("SHOW jit")) == "off"
            sent.append([kind for kind in found if kind != "SHOW jit"])
        asked = "SELECT reset_val FROM pg_settings WHERE name = 'jit'"
        if default == "on":
            assert sent == [[asked, "jit off"], ["jit off"]]
        else:  # asked once, then nothing: a round trip a transaction saved
            assert sent == [[asked], []]
    finally:
        own.dispose()
