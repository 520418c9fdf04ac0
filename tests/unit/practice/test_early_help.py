"""Early help through the services: the front door's offer taken up, the family plan and its
review clock, step-up carrying the history to the front door, step-down from a closed case
carrying the case's history, and a partner lead seeing only their own episodes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from joinedup.casework.models import Contact
from joinedup.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from joinedup.practice import early_help
from joinedup.practice.views import Lead, Member, PlanAction
from tests.factories.relationships import restrict
from tests.unit.casework.support import ASSESSED, AUTHORITY, MANAGER, MASH, WORKER, Desk, desk
from tests.unit.practice.support import MIDWIFE, OTHER_PARTNER, chronology_text, closed_contact

__all__ = ["desk"]  # the fixture

HEALTH_VISITOR = Lead("Hana Testvisitor", "health", "Testshire Health Visiting")
TODAY = date(2026, 11, 23)


def started(desk: Desk, **changes: object) -> early_help.EpisodeView:
    fields: dict[str, object] = {
        "person_id": desk.person_id,
        "origin": "partner",
        "lead": HEALTH_VISITOR,
        "started_on": TODAY,
    }
    fields.update(changes)
    return early_help.start_episode(
        session=desk.session, actor=MASH, authority=AUTHORITY, now=desk.clock.now(), **fields
    )  # type: ignore[arg-type]


def planned(desk: Desk, episode: early_help.EpisodeView) -> early_help.EpisodeView:
    return early_help.agree_plan(
        session=desk.session,
        actor=MASH,
        authority=AUTHORITY,
        episode_id=episode.id,
        outcomes="Regular meals; school every day.",
        members=[Member("Sam Testteacher", "class teacher", "education", "Sample Primary")],
        actions=[
            PlanAction("Breakfast club place", "Sam Testteacher", "education", date(2026, 12, 4))
        ],
        agreed_on=TODAY,
        expected_version=episode.version,
        now=desk.clock.now(),
    )


def test_the_front_doors_early_help_decision_is_offered_and_taken_up(desk: Desk) -> None:
    contact = closed_contact(desk, "early_help")
    offers = early_help.front_door_offers(session=desk.session, actor=MASH, now=desk.clock.now())
    assert [o.contact_id for o in offers] == [contact.id]
    episode = started(desk, origin="front_door", contact_id=contact.id)
    assert (episode.status, episode.origin, episode.contact_id) == (
        "open",
        "front_door",
        contact.id,
    )
    assert episode.review_due_on == date(2027, 1, 4)  # 6 weeks, the default setting
    assert (
        early_help.front_door_offers(session=desk.session, actor=MASH, now=desk.clock.now()) == []
    )
    with pytest.raises(ValidationFailed):  # taken up already
        started(desk, origin="front_door", contact_id=contact.id)
    nfa = closed_contact(desk)
    with pytest.raises(ValidationFailed) as refused:
        started(desk, origin="front_door", contact_id=nfa.id)
    assert refused.value.errors[0].field == "contact_id"


def test_one_open_episode_a_child_and_the_lead_must_be_named(desk: Desk) -> None:
    started(desk)
    with pytest.raises(Conflict):
        started(desk)
    with pytest.raises(ValidationFailed) as refused:
        started(desk, lead=Lead("", "nowhere", ""), started_on=date(2027, 1, 1))
    fields = {e.field for e in refused.value.errors}
    assert {"lead.name", "lead.agency", "lead.organisation", "started_on"} <= fields


def test_the_plan_and_its_reviews_on_the_clock_are_on_the_chronology(desk: Desk) -> None:
    episode = planned(desk, started(desk))
    full = early_help.get_episode(
        session=desk.session, actor=MASH, episode_id=episode.id, now=desk.clock.now()
    )
    assert [m.name for m in full.members] == ["Sam Testteacher"]
    assert [(a.what, a.due_on) for a in full.actions] == [
        ("Breakfast club place", date(2026, 12, 4))
    ]
    desk.days(50)  # 12 January 2027: the review due on 4 January is overdue
    late = early_help.get_episode(
        session=desk.session, actor=MASH, episode_id=episode.id, now=desk.clock.now()
    )
    assert late.review_overdue
    reviewed = early_help.record_review(
        session=desk.session,
        actor=MASH,
        authority=AUTHORITY,
        episode_id=episode.id,
        held_on=date(2027, 1, 11),
        summary="Attending daily; meals improving.",
        expected_version=late.version,
        now=desk.clock.now(),
        review_weeks=8,
    )
    assert reviewed.review_due_on == date(2027, 3, 8) and not reviewed.review_overdue
    text = " | ".join(chronology_text(desk))
    assert "Early help started" in text and "family plan agreed" in text
    assert "Early help review held 11 January 2027" in text


def test_a_step_up_raises_a_contact_carrying_the_early_help_history(desk: Desk) -> None:
    episode = planned(desk, started(desk))
    up = early_help.step_up(
        session=desk.session,
        actor=MASH,
        authority=AUTHORITY,
        episode_id=episode.id,
        reasons="Bruise to the face; mother's partner back home.",
        contact_route="hv@nhs.test",
        expected_version=_version(desk, episode.id),
        now=desk.clock.now(),
    )
    assert up.status == "stepped_up" and up.stepped_up_contact_id is not None
    contact = desk.session.get(Contact, up.stepped_up_contact_id)
    assert contact is not None and contact.referral_source == "5D"
    assert "Breakfast club place" in contact.summary and "Regular meals" in contact.summary
    assert contact.referrer_organisation == "Testshire Health Visiting"
    with pytest.raises(InvalidTransition):
        early_help.close_episode(
            session=desk.session,
            actor=MASH,
            authority=AUTHORITY,
            episode_id=episode.id,
            reason="x",
            expected_version=up.version,
            now=desk.clock.now(),
        )
    assert any("stepped up to children's social care" in s for s in chronology_text(desk))


def test_a_step_down_from_a_closed_case_carries_the_case_history(desk: Desk) -> None:
    case = desk.referred()
    with pytest.raises(ValidationFailed):  # the case is still open
        started(desk, origin="step_down", case_id=case.id)
    case = desk.act(case, "complete_assessment", "no_further_action", ASSESSED)
    case = desk.act(case, "close", fields={"closure_reason": "RC8"}, actor=MANAGER)
    down = started(
        desk,
        origin="step_down",
        case_id=case.id,
        lead=Lead("Ezra Testfamily", "childrens_social_care", "Family Help Team"),
    )
    assert down.from_case_id == case.id
    assert down.history[0].startswith("23 November 2026: referral to children's social care")
    assert any("Child and family assessment" in line for line in down.history)
    assert down.history[-1].endswith("case closed (RC8)")
    assert any("The case's history is carried with it" in s for s in chronology_text(desk))


def test_a_partner_lead_sees_and_works_only_their_own_episodes(desk: Desk) -> None:
    mine = early_help.start_episode(
        session=desk.session,
        actor=MIDWIFE,
        authority=AUTHORITY,
        person_id=desk.person_id,
        origin="partner",
        lead=Lead("Mo Testmidwife", "health", "Testshire Maternity Unit"),
        started_on=TODAY,
        now=desk.clock.now(),
    )
    assert mine.lead.user_id == MIDWIFE.user_id
    own = early_help.list_episodes(session=desk.session, actor=MIDWIFE, now=desk.clock.now())
    assert [e.id for e in own] == [mine.id]
    assert (
        early_help.list_episodes(session=desk.session, actor=OTHER_PARTNER, now=desk.clock.now())
        == []
    )
    with pytest.raises(NotFound):
        early_help.get_episode(
            session=desk.session, actor=OTHER_PARTNER, episode_id=mine.id, now=desk.clock.now()
        )
    assert [
        e.id
        for e in early_help.list_episodes(session=desk.session, actor=WORKER, now=desk.clock.now())
    ] == [mine.id]
    assert desk.session.scalar(select(Contact.id)) is None


def _version(desk: Desk, episode_id: int) -> int:
    return early_help.get_episode(
        session=desk.session, actor=MASH, episode_id=episode_id, now=desk.clock.now()
    ).version


def test_a_restricted_childs_offer_and_episode_are_in_no_list_of_anyone_it_does_not_name(
    desk: Desk,
) -> None:
    contact = closed_contact(desk, "early_help")
    restrict(desk.session, person_id=desk.person_id, named=[MASH])
    assert [o.contact_id for o in early_help.front_door_offers(
        session=desk.session, actor=MASH, now=desk.clock.now())] == [contact.id]  # fmt: skip
    assert early_help.front_door_offers(session=desk.session, actor=MANAGER,
                                        now=desk.clock.now()) == []  # fmt: skip
    started(desk, origin="front_door", contact_id=contact.id)
    assert len(early_help.list_episodes(session=desk.session, actor=MASH,
                                        now=desk.clock.now())) == 1  # fmt: skip
    assert early_help.list_episodes(session=desk.session, actor=MANAGER,
                                    now=desk.clock.now()) == []  # fmt: skip
