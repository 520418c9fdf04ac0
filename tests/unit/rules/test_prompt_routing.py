"""Prompts go to the allocated worker and their manager when the child's case is open here, to
the front door when it is not; answering one can raise the contact it asks for."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from joinedup.access.roles import Actor
from joinedup.casework.models import Case, Contact
from joinedup.core.errors import ValidationFailed
from joinedup.flows.prompts import decide_prompt
from joinedup.rules import backtest
from joinedup.rules import service as rules
from joinedup.rules.config import load_rules
from tests.unit.casework.support import AUTHORITY, MANAGER, MASH, WORKER, Desk
from tests.unit.people.support import Store, people
from tests.unit.rules.test_prompts import incident, submit_and_evaluate, worry

__all__ = ["people"]  # the fixture

ALLOCATION = {
    "user_id": 13,
    "label": "worker.one",
    "team": "Assessment team",
    "manager_label": "manager.one",
}


def test_a_prompt_about_a_child_with_an_allocated_case_goes_to_their_worker(people: Store) -> None:
    first = incident("2026-03-01")
    people.submit(worry(), first)
    desk = Desk(people.session, people.clock, people.person(first["record_id"]))
    case = desk.referred()
    desk.act(case, "allocate", fields=ALLOCATION, actor=MANAGER)
    (prompt,) = submit_and_evaluate(people, incident("2026-04-01"))
    assert (prompt.route, prompt.case_id, prompt.assigned_user_id, prompt.manager_label) == (
        "case",
        case.id,
        13,
        "manager.one",
    )
    mine = rules.list_prompts(session=people.session, actor=WORKER, assigned_user_id=13)
    assert [p.id for p in mine] == [prompt.id]
    assert rules.list_prompts(session=people.session, actor=MASH, queue="front_door") == []
    people.clock.advance(timedelta(days=3))
    (late,) = rules.escalate_overdue(
        session=people.session, actor=Actor.system("sweep"), now=people.clock.now()
    )
    assert late.history[-1]["to"] == "manager.one"
    escalated = rules.list_prompts(session=people.session, actor=MANAGER, queue="escalated")
    assert [p.id for p in escalated] == [prompt.id]


def test_a_prompt_answered_with_a_contact_raises_it_at_the_front_door(people: Store) -> None:
    submit_and_evaluate(people, worry(), incident("2026-03-01"))
    (prompt,) = submit_and_evaluate(people, incident("2026-04-01"))
    assert prompt.route == "front_door" and prompt.assigned_user_id is None
    queue = rules.list_prompts(session=people.session, actor=MASH, queue="front_door")
    assert [p.id for p in queue] == [prompt.id]
    decided = decide_prompt(
        session=people.session,
        actor=MASH,
        authority=AUTHORITY,
        prompt_id=prompt.id,
        outcome="contact_created",
        rationale="Two incidents in a month.",
        now=people.clock.now(),
    )
    contact = people.session.get(Contact, decided.contact_id)
    assert contact is not None
    assert (contact.person_id, contact.prompt_id, contact.source_kind, contact.referral_source) == (
        prompt.person_id,
        prompt.id,
        "prompt",
        "5A",
    )
    assert decided.status == "decided" and decided.outcome == "contact_created"


def test_a_prompt_cannot_be_added_to_a_case_that_is_not_open(people: Store) -> None:
    submit_and_evaluate(people, worry(), incident("2026-03-01"))
    (prompt,) = submit_and_evaluate(people, incident("2026-04-01"))
    with pytest.raises(ValidationFailed) as refused:
        decide_prompt(
            session=people.session,
            actor=MASH,
            authority=AUTHORITY,
            prompt_id=prompt.id,
            outcome="added_to_case",
            rationale="Known to the team.",
            now=people.clock.now(),
        )
    assert refused.value.errors[0].field == "outcome"


def test_the_backtest_routes_each_prompt_as_live_intake_did_on_its_day(people: Store) -> None:
    """The backtest counts what the front door would have had: a prompt about a child whose
    case here was open that day (referral received to closure, both days in) was the
    allocated worker's."""
    first = incident("2026-03-01")
    people.submit(worry(), first, incident("2026-04-01"))
    rules_now = load_rules(None).rules

    def routes() -> tuple[list[tuple[str, date, bool]], int]:
        result = backtest.run(session=people.session, actor=Actor.system("backtest"),
                              rules=rules_now)  # fmt: skip
        return [(o.rule_id, o.as_of, o.to_case) for o in result.opened], result.to_front_door

    assert routes() == ([("domestic-abuse-repeat", date(2026, 4, 1), False)], 1)
    desk = Desk(people.session, people.clock, people.person(first["record_id"]))
    case = people.session.get(Case, desk.referred().id)
    assert case is not None
    case.referral_on = date(2026, 4, 1)  # referred the day of the second incident
    people.session.flush()
    assert routes() == ([("domestic-abuse-repeat", date(2026, 4, 1), True)], 0)
    case.referral_on, case.closed_on, case.stage = date(2026, 1, 5), date(2026, 3, 31), "closed"
    people.session.flush()
    assert routes() == ([("domestic-abuse-repeat", date(2026, 4, 1), False)], 1)
    case.closed_on = date(2026, 4, 1)  # closed that day: still the worker's
    people.session.flush()
    assert routes()[1] == 0
