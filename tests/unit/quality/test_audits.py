"""Case audits: a round's sample from the store, grading, moderation, independence, actions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from joinedup.quality import actions, audits
from joinedup.quality.models import CaseAudit
from joinedup.workforce.models import Team
from tests.unit.quality.support import (
    AUDITOR,
    COMMENTS,
    GOOD,
    HOLDER,
    LEADER,
    MODERATOR,
    NOW,
    TODAY,
    WORKER,
    case,
)


def authority(session: Session) -> None:
    """80 cases: 10 looked after, 10 on plans, 40 in need (half with overdue steps), 10 being
    assessed, 10 closed last month; and 5 closed two years ago, outside the look-back."""
    for stage, n in (("looked_after", 10), ("child_protection", 10), ("assessment", 10)):
        for _ in range(n):
            case(session, stage)
    for i in range(40):
        case(session, "child_in_need", team="Team B" if i % 2 else "Team A", overdue=i % 2 * 3)
    for _ in range(10):
        case(session, "closed", closed_on=TODAY - timedelta(days=30))
    for _ in range(5):
        case(session, "closed", closed_on=TODAY - timedelta(days=730))


def draw(
    session: Session,
    seed: int | None = 42,
    size: int = 16,
    method: str = "random",
    actor: Actor = LEADER,
) -> audits.AuditRound:
    return audits.draw_round(
        session=session,
        actor=actor,
        title="Autumn 2026",
        method=method,
        size=size,
        seed=seed,
        now=NOW,
    )


def sampled(session: Session, round_id: int) -> list[int]:
    found = audits.get_round(session=session, actor=AUDITOR, round_id=round_id)
    return [a.case_id for a in found.audits]


def test_a_round_draws_a_stratified_sample_and_stores_its_seed(session: Session) -> None:
    authority(session)
    row = draw(session)
    assert (row.seed, row.population, row.drawn_on) == (42, 80, TODAY)
    assert row.strata == {
        "looked_after": 10,
        "child_protection": 10,
        "child_in_need": 40,
        "assessment": 10,
        "closed": 10,
    }
    found = audits.get_round(session=session, actor=AUDITOR, round_id=row.id).audits
    counts = {s: sum(a.stratum == s for a in found) for s in row.strata}
    # 16 of 80 is a fifth of each stratum exactly.
    assert counts == {
        "looked_after": 2,
        "child_protection": 2,
        "child_in_need": 8,
        "assessment": 2,
        "closed": 2,
    }
    assert all(a.status == "to_do" for a in found)


def test_the_same_seed_over_the_same_cases_draws_the_same_sample(session: Session) -> None:
    authority(session)
    first, second = draw(session), draw(session)
    assert sampled(session, first.id) == sampled(session, second.id)
    # Drawn again over today's cases from the stored seed, the round is the same.
    assert audits.redraw(session=session, actor=LEADER, round_id=first.id) == sampled(
        session, first.id
    )
    other = draw(session, seed=43)
    assert set(sampled(session, other.id)) != set(sampled(session, first.id))


def test_a_round_without_a_seed_chooses_one_and_keeps_it(session: Session) -> None:
    authority(session)
    row = draw(session, seed=None)
    assert 0 <= row.seed < 2**63
    again = draw(session, seed=row.seed)
    assert set(sampled(session, again.id)) == set(sampled(session, row.id))


def test_a_risk_weighted_round_prefers_cases_with_overdue_work(session: Session) -> None:
    authority(session)
    with_overdue = picked = 0
    for seed in range(30):
        row = draw(session, seed=seed, method="risk")
        found = audits.get_round(session=session, actor=AUDITOR, round_id=row.id).audits
        in_need = [a.case_id for a in found if a.stratum == "child_in_need"]
        picked += len(in_need)
        facts = [audits.case_facts(session, c, TODAY).steps_overdue for c in in_need]
        with_overdue += sum(n > 0 for n in facts)
    assert with_overdue / picked > 0.65  # weight 4 against 1: 80% expected, 50% at random


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"method": "any"}, "method"),
        ({"size": 0}, "size"),
        ({"size": 501}, "size"),
        ({"seed": -1}, "seed"),
    ],
)
def test_a_round_is_validated(session: Session, changes: dict[str, object], field: str) -> None:
    values: dict[str, object] = {"title": "Round", "method": "random", "size": 5, "seed": 1}
    values.update(changes)
    with pytest.raises(ValidationFailed) as caught:
        audits.draw_round(session=session, actor=LEADER, now=NOW, **values)  # type: ignore[arg-type]
    assert [e.field for e in caught.value.errors] == [field]


def test_a_social_worker_may_not_draw_or_audit(session: Session) -> None:
    with pytest.raises(NotPermitted):
        draw(session, actor=WORKER)


def audit_of(session: Session, **case_changes: object) -> CaseAudit:
    case(session, **case_changes)  # type: ignore[arg-type]
    row = draw(session, size=1)
    return audits.get_round(session=session, actor=AUDITOR, round_id=row.id).audits[0]


def submit(
    session: Session, audit: CaseAudit, actor: Actor = AUDITOR, overall: str = "good", **grades: str
) -> CaseAudit:
    return audits.submit(
        session=session,
        actor=actor,
        audit_id=audit.id,
        grades={**GOOD, **grades},
        comments=COMMENTS,
        overall=overall,
        overall_comment="Sound practice overall.",
        expected_version=audit.version,
        now=NOW,
    )


def test_an_auditor_grades_every_standard_with_a_comment(session: Session) -> None:
    audit = submit(session, audit_of(session), voice="inadequate", overall="requires_improvement")
    assert audit.status == "submitted" and audit.auditor_label == "auditor.one"
    assert audit.grades["voice"] == {
        "grade": "inadequate",
        "comment": "Seen within timescales; recorded well.",
    }
    assert audit.final_grade == "requires_improvement"
    entries = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "case_audits:conduct", AuditEntry.resource_type == "case"
        )
    )
    assert any((e.detail or {}).get("action") == "submit" for e in entries)


def test_a_missing_grade_or_comment_names_the_field(session: Session) -> None:
    audit = audit_of(session)
    with pytest.raises(ValidationFailed) as caught:
        audits.submit(
            session=session,
            actor=AUDITOR,
            audit_id=audit.id,
            grades={**GOOD, "plan": "fine"},
            comments={**COMMENTS, "voice": " "},
            overall="",
            overall_comment="",
            expected_version=audit.version,
            now=NOW,
        )
    assert [e.field for e in caught.value.errors] == [
        "voice-comment",
        "plan-grade",
        "overall",
        "overall_comment",
    ]


def test_an_auditor_may_not_audit_a_case_they_hold_or_manage(session: Session) -> None:
    managed = audit_of(session, manager=AUDITOR)
    with pytest.raises(InvalidTransition, match="hold or manage"):
        submit(session, managed)
    held = audit_of(session, allocated=Actor(Role.TEAM_MANAGER, "auditor.one", 32), manager=None)
    with pytest.raises(InvalidTransition, match="hold or manage"):
        submit(session, held)


def test_the_manager_of_the_team_holding_the_case_may_not_audit_it(session: Session) -> None:
    session.add(
        Team(
            name="Team M", manager_user_id=AUDITOR.user_id, manager_label="renamed", created_at=NOW
        )
    )
    session.flush()
    audit = audit_of(session, team="Team M", manager=None)
    with pytest.raises(InvalidTransition, match="hold or manage"):
        submit(session, audit)
    # Another team's manager may.
    assert submit(session, audit, actor=MODERATOR).status == "submitted"


def test_moderation_agrees_or_changes_the_grade_with_reasons(session: Session) -> None:
    audit = submit(session, audit_of(session))
    audits.moderate(
        session=session,
        actor=MODERATOR,
        audit_id=audit.id,
        outcome="agreed",
        grade="",
        reasons="",
        expected_version=audit.version,
        now=NOW,
    )
    assert (audit.status, audit.moderation, audit.final_grade) == ("moderated", "agreed", "good")
    other = submit(session, audit_of(session))
    with pytest.raises(ValidationFailed) as caught:
        audits.moderate(
            session=session,
            actor=MODERATOR,
            audit_id=other.id,
            outcome="changed",
            grade="good",
            reasons="",
            expected_version=other.version,
            now=NOW,
        )
    assert [e.field for e in caught.value.errors] == ["grade", "reasons"]
    audits.moderate(
        session=session,
        actor=MODERATOR,
        audit_id=other.id,
        outcome="changed",
        grade="requires_improvement",
        reasons="No analysis of the father's risk.",
        expected_version=other.version,
        now=NOW,
    )
    assert (other.overall, other.final_grade) == ("good", "requires_improvement")
    assert other.moderator_label == "iro.two"


def test_an_auditor_may_not_moderate_their_own_audit(session: Session) -> None:
    audit = submit(session, audit_of(session))
    with pytest.raises(InvalidTransition, match="second auditor"):
        audits.moderate(
            session=session,
            actor=AUDITOR,
            audit_id=audit.id,
            outcome="agreed",
            grade="",
            reasons="",
            expected_version=audit.version,
            now=NOW,
        )
    # Not under another account name with the same account number either.
    same = Actor(Role.SENIOR_LEADER, "renamed", AUDITOR.user_id)
    with pytest.raises(InvalidTransition, match="second auditor"):
        audits.moderate(
            session=session,
            actor=same,
            audit_id=audit.id,
            outcome="agreed",
            grade="",
            reasons="",
            expected_version=audit.version,
            now=NOW,
        )


def test_the_cases_manager_may_not_moderate_it(session: Session) -> None:
    audit = submit(session, audit_of(session))
    with pytest.raises(InvalidTransition, match="hold or manage"):
        audits.moderate(
            session=session,
            actor=HOLDER,
            audit_id=audit.id,
            outcome="agreed",
            grade="",
            reasons="",
            expected_version=audit.version,
            now=NOW,
        )


def test_a_moderated_audit_cannot_be_regraded_or_moderated_again(session: Session) -> None:
    audit = submit(session, audit_of(session))
    audits.moderate(
        session=session,
        actor=MODERATOR,
        audit_id=audit.id,
        outcome="agreed",
        grade="",
        reasons="",
        expected_version=audit.version,
        now=NOW,
    )
    with pytest.raises(InvalidTransition, match="moderated"):
        submit(session, audit)
    with pytest.raises(InvalidTransition, match="awaiting moderation"):
        audits.moderate(
            session=session,
            actor=LEADER,
            audit_id=audit.id,
            outcome="agreed",
            grade="",
            reasons="",
            expected_version=audit.version,
            now=NOW,
        )


def test_another_auditor_may_not_overwrite_a_submitted_audit(session: Session) -> None:
    audit = submit(session, audit_of(session))
    with pytest.raises(InvalidTransition, match="Another auditor"):
        submit(session, audit, actor=MODERATOR)


def test_actions_are_tracked_to_completion(session: Session) -> None:
    audit = submit(session, audit_of(session))
    late = actions.add(
        session=session,
        actor=AUDITOR,
        audit_id=audit.id,
        description="Record the child's wishes at the next visit.",
        owner="worker.one",
        due_on=TODAY,
        now=NOW,
    )
    later = actions.add(
        session=session,
        actor=AUDITOR,
        audit_id=audit.id,
        description="Update the plan.",
        owner="manager.holder",
        due_on=TODAY + timedelta(days=14),
        now=NOW,
    )
    tomorrow = NOW + timedelta(days=1)
    listed = actions.list_for(session=session, actor=AUDITOR, audit_ids=[audit.id], now=tomorrow)
    assert [(v.action.id, v.overdue) for v in listed] == [(late.id, True), (later.id, False)]
    actions.complete(
        session=session,
        actor=AUDITOR,
        action_id=late.id,
        note="Done on visit.",
        expected_version=late.version,
        now=tomorrow,
    )
    assert (late.status, late.completed_on) == ("done", date(2026, 11, 24))
    listed = actions.list_for(session=session, actor=AUDITOR, audit_ids=[audit.id], now=tomorrow)
    assert [(v.action.id, v.overdue) for v in listed] == [(later.id, False), (late.id, False)]
    with pytest.raises(InvalidTransition, match="already done"):
        actions.complete(
            session=session,
            actor=AUDITOR,
            action_id=late.id,
            note="Again.",
            expected_version=late.version,
            now=tomorrow,
        )


def test_an_action_needs_an_owner_and_a_date_not_past(session: Session) -> None:
    audit = submit(session, audit_of(session))
    with pytest.raises(ValidationFailed) as caught:
        actions.add(
            session=session,
            actor=AUDITOR,
            audit_id=audit.id,
            description="x",
            owner=" ",
            due_on=TODAY - timedelta(days=1),
            now=NOW,
        )
    assert [e.field for e in caught.value.errors] == ["owner", "due_on"]
