"""Prompts from records submitted through intake: fire, grow with evidence, end in a decision."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from joinedup.rules import service as rules
from joinedup.rules.library import DEFAULT_RULES
from joinedup.rules.models import Prompt
from tests.unit.people.support import Store, adult, child, nhs, people, rec

__all__ = ["people"]  # the fixture

RULES = [cls() for cls in DEFAULT_RULES]
MASH = Actor(role=Role.MASH_PRACTITIONER, label="mash.one", user_id=7)
POLICE = {"agency": "police", "organisation": "Testshire Police"}
CSC = {"agency": "childrens_social_care", "organisation": "Testshire Council"}
NHS = nhs(7100)


def boy(**fields: Any) -> dict[str, Any]:
    return child(nhs_number=NHS, **fields)


def incident(day: str, **attributes: Any) -> dict[str, Any]:
    attributes.setdefault("children_present", False)
    return rec(boy(), adult(), type="domestic_abuse_incident", source=POLICE,
               attributes=attributes, occurred_at=f"{day}T22:00:00+00:00")  # fmt: skip


def submit_and_evaluate(people: Store, *records: dict[str, Any]) -> list[Prompt]:
    """Submit through the flow, which evaluates the rules live; the prompts it opened or grew."""
    before = {p.id: len(p.history) for p in people.session.scalars(select(Prompt))}
    people.submit(*records)
    after = people.session.scalars(select(Prompt).order_by(Prompt.id))
    return [p for p in after if before.get(p.id) != len(p.history)]


def test_a_second_incident_fires_one_prompt_with_both_records_as_evidence(people: Store) -> None:
    assert submit_and_evaluate(people, incident("2026-03-01")) == []
    (prompt,) = submit_and_evaluate(people, incident("2026-09-01"))
    assert (prompt.rule_id, prompt.rule_version, prompt.status) == (
        "domestic-abuse-repeat", "1", "open")  # fmt: skip
    assert len(prompt.evidence) == 2 and prompt.as_of.isoformat() == "2026-09-01"
    assert prompt.route == "front_door" and prompt.urgency == "amber"
    records = rules.evidence_records(people.session, [prompt])[prompt.id]
    assert len(records) == 2
    audit = people.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "prompts:evaluate", AuditEntry.resource_type == "prompt"
        )
    ).one()
    assert audit.resource_ids == [prompt.id]


def test_new_evidence_joins_the_open_prompt_and_a_decided_one_refires_only_on_new_evidence(
    people: Store,
) -> None:
    submit_and_evaluate(people, incident("2026-03-01"))
    (first,) = submit_and_evaluate(people, incident("2026-09-01"))
    (same,) = submit_and_evaluate(people, incident("2026-10-01", children_present=True,
                                                   risk_level="high"))  # fmt: skip
    assert same.id == first.id and len(same.evidence) == 3 and same.urgency == "red"
    assert [h["event"] for h in same.history] == ["fired", "evidence_added"]
    rules.decide_prompt(session=people.session, actor=MASH, prompt_id=first.id,
                        outcome="contact_created", rationale="Referred to MASH.",
                        now=people.clock.now())  # fmt: skip
    # a later record of another kind finds the same incidents again: nothing new, no prompt
    school = rec(boy(), source={"agency": "education", "organisation": "Sample School"},
                 occurred_at="2026-10-20T10:00:00+00:00")  # fmt: skip
    assert submit_and_evaluate(people, school) == []
    (again,) = submit_and_evaluate(people, incident("2026-11-01"))
    assert again.id != first.id and again.status == "open"


def test_a_late_record_fires_on_the_day_the_pattern_it_completes_became_visible(
    people: Store,
) -> None:
    submit_and_evaluate(people, incident("2026-06-01"))
    (prompt,) = submit_and_evaluate(people, incident("2026-01-15"))
    # the pattern became visible on the later incident's day, once the earlier one was known
    assert prompt.as_of.isoformat() == "2026-06-01" and len(prompt.evidence) == 2


def test_a_prompt_is_routed_to_the_case_when_one_is_open(people: Store) -> None:
    people.submit(rec(boy(), type="referral", source=CSC, attributes={"referral_source": "1B"},
                      occurred_at="2026-01-02T10:00:00+00:00"))  # fmt: skip
    submit_and_evaluate(people, incident("2026-03-01"))
    (prompt,) = submit_and_evaluate(people, incident("2026-04-01"))
    assert prompt.route == "case"


def test_decisions_need_an_outcome_and_a_rationale_and_happen_once(people: Store) -> None:
    submit_and_evaluate(people, incident("2026-03-01"))
    (prompt,) = submit_and_evaluate(people, incident("2026-04-01"))
    kw: dict[str, Any] = {"session": people.session, "prompt_id": prompt.id,
                          "now": people.clock.now()}  # fmt: skip
    with pytest.raises(ValidationFailed) as bad:
        rules.decide_prompt(actor=MASH, outcome="ignore", rationale=" ", **kw)
    assert {e.field for e in bad.value.errors} == {"outcome", "rationale"}
    partner = Actor(role=Role.PARTNER_PRACTITIONER, label="p", user_id=9)
    with pytest.raises(NotPermitted):
        rules.decide_prompt(actor=partner, outcome="no_further_action", rationale="x", **kw)
    rules.decide_prompt(actor=MASH, outcome="no_further_action", rationale="Known; safe.", **kw)
    assert (prompt.status, prompt.decided_by, prompt.outcome) == (
        "decided", "mash.one", "no_further_action")  # fmt: skip
    with pytest.raises(InvalidTransition):
        rules.decide_prompt(actor=MASH, outcome="contact_created", rationale="again", **kw)


def test_an_unanswered_prompt_escalates_after_one_working_day(people: Store) -> None:
    submit_and_evaluate(people, incident("2026-03-01"))
    (prompt,) = submit_and_evaluate(people, incident("2026-04-01"))
    system = Actor.system("sweep")
    assert rules.escalate_overdue(session=people.session, actor=system,
                                  now=people.clock.now() + timedelta(hours=23)) == []  # fmt: skip
    # created on a Monday at 09:00: due on Tuesday at 09:00
    (late,) = rules.escalate_overdue(session=people.session, actor=system,
                                     now=people.clock.now() + timedelta(days=1))  # fmt: skip
    assert late.id == prompt.id and late.status == "escalated" and late.escalated_at
    rules.decide_prompt(session=people.session, actor=MASH, prompt_id=prompt.id,
                        outcome="added_to_case", rationale="Added to the open assessment.",
                        now=people.clock.now() + timedelta(days=2))  # fmt: skip
    assert prompt.status == "decided"
