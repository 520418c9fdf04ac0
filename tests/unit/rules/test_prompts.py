"""Prompts from records submitted through intake: fire, grow with evidence, end in a decision."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from joinedup.rules import service as rules
from joinedup.rules.engine import Finding
from joinedup.rules.facts import Fact
from joinedup.rules.library import DEFAULT_RULES
from joinedup.rules.models import Prompt
from joinedup.rules.prompt_view import get_prompt
from tests.unit.people.support import Store, adult, child, nhs, people, rec

__all__ = ["people"]  # the fixture

RULES = [cls() for cls in DEFAULT_RULES]
MASH = Actor(role=Role.MASH_PRACTITIONER, label="mash.one", user_id=7)
POLICE = {"agency": "police", "organisation": "Testshire Police"}
CSC = {"agency": "childrens_social_care", "organisation": "Testshire Council"}
SCHOOL = {"agency": "education", "organisation": "Sample School"}
HEALTH = {"agency": "health", "organisation": "Testshire NHS Trust"}
NHS = nhs(7100)


def boy(**fields: Any) -> dict[str, Any]:
    return child(nhs_number=NHS, **fields)


def incident(day: str, **attributes: Any) -> dict[str, Any]:
    attributes.setdefault("children_present", False)
    return rec(boy(), adult(), type="domestic_abuse_incident", source=POLICE,
               attributes=attributes, occurred_at=f"{day}T22:00:00+00:00")  # fmt: skip


def worry(day: str = "2026-02-01", source: dict[str, str] = SCHOOL) -> dict[str, Any]:
    """Another agency's concern about the boy: with the police's incidents, a joined-up pattern
    (the domestic abuse rule asks for one)."""
    return rec(boy(), source=source, attributes={"category": "emotional"},
               occurred_at=f"{day}T10:00:00+00:00")  # fmt: skip


def submit_and_evaluate(people: Store, *records: dict[str, Any]) -> list[Prompt]:
    """Submit through the flow, which evaluates the rules live; the prompts it opened or grew."""
    before = {p.id: len(p.history) for p in people.session.scalars(select(Prompt))}
    people.submit(*records)
    after = people.session.scalars(select(Prompt).order_by(Prompt.id))
    return [p for p in after if before.get(p.id) != len(p.history)]


def test_a_second_incident_fires_one_prompt_with_its_records_as_evidence(people: Store) -> None:
    assert submit_and_evaluate(people, worry(), incident("2026-03-01")) == []
    (prompt,) = submit_and_evaluate(people, incident("2026-09-01"))
    assert (prompt.rule_id, prompt.rule_version, prompt.status) == (
        "domestic-abuse-repeat", "3", "open")  # fmt: skip
    assert len(prompt.evidence) == 3 and prompt.as_of.isoformat() == "2026-09-01"
    assert prompt.route == "front_door" and prompt.urgency == "amber"
    records = rules.evidence_records(people.session, [prompt])[prompt.id]
    assert len(records) == 3
    audit = people.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "prompts:evaluate", AuditEntry.resource_type == "prompt"
        )
    ).one()
    assert audit.resource_ids == [prompt.id]


def test_new_evidence_joins_the_open_prompt_and_an_answered_one_refires_only_on_another_kind(
    people: Store,
) -> None:
    submit_and_evaluate(people, worry(), incident("2026-03-01"))
    (first,) = submit_and_evaluate(people, incident("2026-09-01"))
    (same,) = submit_and_evaluate(people, incident("2026-10-01", children_present=True,
                                                   risk_level="high"))  # fmt: skip
    assert same.id == first.id and len(same.evidence) == 4 and same.urgency == "red"
    assert [h["event"] for h in same.history] == ["fired", "evidence_added"]
    rules.decide_prompt(session=people.session, actor=MASH, prompt_id=first.id,
                        outcome="no_further_action", rationale="Known; safety plan in place.",
                        now=people.clock.now())  # fmt: skip
    # more of the same — another incident, another concern from the school — asks nothing
    assert submit_and_evaluate(people, worry("2026-10-20")) == []
    assert submit_and_evaluate(people, incident("2026-11-01")) == []
    # another agency's concern is evidence of another kind: a new question
    found = submit_and_evaluate(people, worry("2026-11-10", HEALTH))
    (again,) = [p for p in found if p.rule_id == "domestic-abuse-repeat"]
    assert again.id != first.id and again.status == "open" and len(again.evidence) == 7


def test_a_late_record_fires_on_the_day_the_pattern_it_completes_became_visible(
    people: Store,
) -> None:
    submit_and_evaluate(people, worry(), incident("2026-06-01"))
    (prompt,) = submit_and_evaluate(people, incident("2026-01-15"))
    # the pattern became visible on the later incident's day, once the earlier one was known
    assert prompt.as_of.isoformat() == "2026-06-01" and len(prompt.evidence) == 3


def test_a_prompt_is_routed_to_the_case_when_one_is_open(people: Store) -> None:
    people.submit(rec(boy(), type="referral", source=CSC, attributes={"referral_source": "1B"},
                      occurred_at="2026-01-02T10:00:00+00:00"))  # fmt: skip
    submit_and_evaluate(people, worry(), incident("2026-03-01"))
    (prompt,) = submit_and_evaluate(people, incident("2026-04-01"))
    assert prompt.route == "case"


def test_decisions_need_an_outcome_and_a_rationale_and_happen_once(people: Store) -> None:
    submit_and_evaluate(people, worry(), incident("2026-03-01"))
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
    submit_and_evaluate(people, worry(), incident("2026-03-01"))
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


# -- what an answered prompt covers (service.step, pure) -----------------------------------------


def _fact(n: int, agency: str, kind: str) -> Fact:
    return Fact(n, f"r{n}", date(2026, 1, n), "day", agency, kind, {}, True)


def _finding(urgency: str, *facts: Fact) -> Finding:
    return Finding("domestic-abuse-repeat", "2", urgency, facts, "x")


def test_an_answered_prompt_covers_its_kinds_of_record_for_a_year() -> None:
    police, school = _fact(1, "police", "domestic_abuse_incident"), _fact(2, "education", "concern")
    answered = [rules.Answered(date(2026, 1, 2), "amber", frozenset({1, 2}),
                               frozenset({"police", "education"}),
                               frozenset({"domestic_abuse_incident", "concern"}))]  # fmt: skip
    day = date(2026, 3, 1)
    same = _fact(3, "police", "domestic_abuse_incident")
    assert rules.step(None, answered, _finding("amber", police, school), day) is None  # all seen
    assert rules.step(None, answered, _finding("amber", police, same), day) is None
    other_agency = _fact(4, "health", "concern")
    assert rules.step(None, answered, _finding("amber", same, other_agency), day) == (
        "open", [3, 4])  # fmt: skip
    other_type = _fact(5, "education", "missing_episode")
    assert rules.step(None, answered, _finding("amber", other_type), day) == ("open", [5])
    assert rules.step(None, answered, _finding("red", same), day) == ("open", [3])  # graver
    assert rules.step(None, answered, _finding("amber", same), date(2027, 1, 1)) is None
    assert rules.step(None, answered, _finding("amber", same), date(2027, 1, 2)) == (
        "open", [3])  # fmt: skip
    assert rules.step([1, 2], [], _finding("amber", police, same), day) == ("add", [3])
    assert rules.step(None, [], _finding("green", same), day) == ("open", [3])


def two_families(people: Store) -> tuple[Prompt, Prompt, Prompt]:
    """A brother and sister whose household's second incident prompts about each, and a boy
    of another family prompted the same day: (brother's, sister's, the other boy's)."""
    home = {"lines": ["9 Other Road"], "town": "Testtown", "postcode": "ZZ9 9ZZ"}
    sister = child(ref="c2", given_names="Bella", family_name="Sampleton", sex="F",
                   date_of_birth="2014-09-01", nhs_number=nhs(7400), address=home)  # fmt: skip
    brother = child(nhs_number=nhs(7300), given_names="Caspar", family_name="Sampleton",
                    address=home)  # fmt: skip
    mother = adult(given_names="Odile", family_name="Sampleton", date_of_birth="1979-06-30",
                   address=home)  # fmt: skip

    def family(day: str, **more: Any) -> dict[str, Any]:
        return rec(brother, sister, mother, **more, occurred_at=f"{day}T22:00:00+00:00")

    incidents = {"type": "domestic_abuse_incident", "source": POLICE,
                 "attributes": {"children_present": False}}  # fmt: skip
    alone = incident("2026-09-01")
    people.submit(family("2026-02-01", source=SCHOOL, attributes={"category": "emotional"}),
                  family("2026-03-01", **incidents), worry(), incident("2026-03-01"))  # fmt: skip
    people.submit(family("2026-09-01", **incidents), alone)
    opened = list(people.session.scalars(select(Prompt).order_by(Prompt.id)))
    assert len(opened) == 3 and {p.as_of for p in opened} == {date(2026, 9, 1)}
    other = people.person(alone["record_id"])
    (theirs,) = [p for p in opened if p.person_id == other]
    first, second = [p for p in opened if p.person_id != other]
    return first, second, theirs


def test_a_prompt_shows_the_same_question_about_the_other_children_of_its_records(
    people: Store,
) -> None:
    """A family's incidents ask the same question about each child: each prompt names the
    others (same rule, same day, a record shared); another family's prompt that day does not."""
    first, second, theirs = two_families(people)
    shown = get_prompt(session=people.session, actor=MASH, prompt_id=first.id,
                       now=people.clock.now())  # fmt: skip
    assert [o.id for o in shown.together] == [second.id]
    assert get_prompt(session=people.session, actor=MASH, prompt_id=theirs.id,
                      now=people.clock.now()).together == []  # fmt: skip
    read = people.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "prompts:read").order_by(AuditEntry.id)).all()  # fmt: skip
    assert read[0].resource_ids == [first.id, second.id]  # the reader saw both
