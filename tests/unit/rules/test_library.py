"""Known answers for each default rule: fires, and does not fire, at each edge of its thresholds."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest

from joinedup.rules import library as lib
from joinedup.rules.engine import evaluate, for_age
from joinedup.rules.facts import Fact, Timeline, Who

_IDS = itertools.count(1)
DAY = date(2025, 6, 30)
CHILD = Who(1, "child", None)
MUM = Who(2, "adult", "mother", victim=True)
PARTNER = Who(3, "adult", "parents_partner", perpetrator=True)


def fact(
    kind: str,
    days_before: int,
    agency: str = "police",
    *,
    about_child: bool = True,
    subjects: tuple[Who, ...] = (CHILD,),
    precision: str = "day",
    **attributes: Any,
) -> Fact:
    n = next(_IDS)
    return Fact(n, f"r{n}", DAY - timedelta(days=days_before), precision, agency, kind,
                attributes, about_child, subjects)  # fmt: skip


def line(*facts: Fact, born: date | None = date(2015, 1, 1), precision: str = "day") -> Timeline:
    ordered = tuple(sorted(facts, key=lambda f: (f.occurred, f.event_id)))
    return Timeline(1, ordered, born, precision)


def fires(rule: lib.Rule[Any], timeline: Timeline, on: date = DAY) -> bool:
    return rule.evaluate(timeline, on) is not None


# -- domestic abuse ---------------------------------------------------------------------------


def test_domestic_abuse_two_in_a_year_fires_and_two_a_day_too_far_apart_do_not() -> None:
    rule = lib.DomesticAbuseRepeat()
    assert fires(
        rule, line(fact("domestic_abuse_incident", 0), fact("domestic_abuse_incident", 365))
    )
    assert not fires(rule, line(fact("domestic_abuse_incident", 0),
                                fact("domestic_abuse_incident", 366)))  # fmt: skip
    assert not fires(rule, line(fact("domestic_abuse_incident", 0)))


def test_one_high_risk_incident_with_children_present_is_red() -> None:
    rule = lib.DomesticAbuseRepeat()
    severe = fact("domestic_abuse_incident", 0, children_present=True, risk_level="high")
    found = rule.evaluate(line(severe), DAY)
    assert found is not None and found.urgency == "red" and found.evidence == (severe,)
    assert not fires(rule, line(fact("domestic_abuse_incident", 0, children_present=False,
                                     risk_level="high")))  # fmt: skip


def test_a_later_record_does_not_count_before_it_happened() -> None:
    """Records arriving out of order: as of a day, only what had happened by then counts."""
    rule = lib.DomesticAbuseRepeat()
    early, late = fact("domestic_abuse_incident", 100), fact("domestic_abuse_incident", 10)
    timeline = line(late, early)
    assert not fires(rule, timeline, DAY - timedelta(days=50))
    assert fires(rule, timeline, DAY)


def test_parameters_change_the_threshold() -> None:
    rule = lib.DomesticAbuseRepeat(lib.DomesticAbuseRepeatParams(count=3))
    two = line(fact("domestic_abuse_incident", 0), fact("domestic_abuse_incident", 5))
    assert not fires(rule, two)
    with pytest.raises(ValueError, match="count"):
        lib.DomesticAbuseRepeatParams(count=0)
    with pytest.raises(ValueError, match="extra"):
        lib.DomesticAbuseRepeatParams(cuont=3)  # type: ignore[call-arg]


# -- injuries ----------------------------------------------------------------------------------


def test_any_injury_to_a_baby_under_six_months_is_red() -> None:
    rule = lib.InjuryNonMobile()
    baby = DAY - timedelta(days=150)
    found = rule.evaluate(line(fact("injury", 0, "health"), born=baby), DAY)
    assert found is not None and found.urgency == "red"
    older = DAY - timedelta(days=200)
    assert not fires(rule, line(fact("injury", 0, "health"), born=older))
    assert fires(rule, line(fact("injury", 0, "health", child_mobile="no"), born=older))


def test_a_date_of_birth_known_only_to_the_year_never_makes_a_baby() -> None:
    rule = lib.InjuryNonMobile()
    assert not fires(rule, line(fact("injury", 0, "health"), born=date(2025, 1, 1),
                                precision="year"))  # fmt: skip


def test_injury_pattern_two_within_six_months_or_an_inconsistent_explanation() -> None:
    rule = lib.InjuryPattern()
    assert fires(rule, line(fact("injury", 0, "health"), fact("injury", 182, "education")))
    assert not fires(rule, line(fact("injury", 0, "health"), fact("injury", 183, "education")))
    found = rule.evaluate(line(fact("injury", 0, explanation_consistent="no")), DAY)
    assert found is not None and found.urgency == "amber"
    sibling = fact("injury", 5, about_child=False, subjects=(Who(9, "child", "sibling"),))
    assert not fires(rule, line(fact("injury", 0), sibling))


# -- neglect, health, education ---------------------------------------------------------------


def test_neglect_seen_by_two_agencies_fires_by_one_does_not() -> None:
    rule = lib.HungerNeglect()
    school = fact("concern", 10, "education", category="hunger")
    health = fact("weight_faltering", 100, "health", centile_drop=2)
    assert fires(rule, line(school, health))
    assert not fires(rule, line(school, fact("concern", 20, "education", category="hygiene")))
    assert not fires(rule, line(school, fact("concern", 20, "health", category="behaviour")))


def test_was_not_brought_three_in_a_year_or_two_for_an_under_five() -> None:
    rule = lib.WasNotBrought()
    two = (fact("was_not_brought", 0, "health"), fact("was_not_brought", 300, "health"))
    assert not fires(rule, line(*two))
    assert fires(rule, line(*two, fact("was_not_brought", 365, "health")))
    assert not fires(rule, line(*two, fact("was_not_brought", 366, "health")))
    toddler = line(*two, born=DAY - timedelta(days=3 * 365))
    found = rule.evaluate(toddler, DAY)
    assert found is not None and found.urgency == "amber"  # green, raised for an under-five


def test_withdrawn_from_school_while_concerns_are_open() -> None:
    rule = lib.EducationWithdrawal()
    home = fact("elective_home_education", 0, "education")
    assert not fires(rule, line(home))
    assert fires(rule, line(home, fact("concern", 182, "health", category="neglect")))
    assert not fires(rule, line(home, fact("concern", 183, "health", category="neglect")))
    absent = fact("school_absence", 0, "education", persistent=False)
    assert not fires(rule, line(absent, fact("concern", 10, "police")))


# -- adults in the household --------------------------------------------------------------------


def test_a_new_adult_with_a_violent_offence_fires_an_adult_known_for_years_does_not() -> None:
    rule = lib.NewAdultWithViolence()
    joined = fact("concern", 30, "education", subjects=(CHILD, PARTNER))
    offence = fact("adult_offence", 2000, about_child=False, subjects=(PARTNER,),
                   category="violence")  # fmt: skip
    found = rule.evaluate(line(joined, offence), DAY)
    assert found is not None and set(found.evidence) == {joined, offence}
    long_ago = fact("concern", 400, "education", subjects=(CHILD, PARTNER))
    assert not fires(rule, line(long_ago, joined, offence))
    drugs = fact("adult_offence", 50, about_child=False, subjects=(PARTNER,), category="drugs")
    assert not fires(rule, line(joined, drugs))
    against = fact("adult_offence", 50, about_child=False, subjects=(PARTNER,),
                   category="other", against_child=True)  # fmt: skip
    found = rule.evaluate(line(joined, against), DAY)
    assert found is not None and found.urgency == "red"


def test_an_adults_crisis_with_a_concern_about_the_child() -> None:
    rule = lib.AdultRisk()
    crisis = fact("adult_risk", 0, "health", about_child=False, subjects=(MUM,),
                  category="mental_health")  # fmt: skip
    assert not fires(rule, line(crisis))
    assert fires(rule, line(crisis, fact("concern", 182, "education", category="neglect")))
    assert not fires(rule, line(crisis, fact("concern", 183, "education", category="neglect")))


# -- moves, many agencies, start again ----------------------------------------------------------


def test_three_moves_in_a_year_or_a_move_away_after_a_concern() -> None:
    rule = lib.FrequentMoves()
    moves = [fact("change_of_address", d, "housing") for d in (0, 100, 365)]
    assert fires(rule, line(*moves))
    assert not fires(rule, line(*moves[:2], fact("change_of_address", 366, "housing")))
    away = fact("change_of_address", 0, "education", to_local_authority="E08000025")
    assert not fires(rule, line(away))
    assert fires(rule, line(away, fact("concern", 30, "health")))


def test_concerns_from_three_agencies_within_six_months() -> None:
    rule = lib.ManyAgenciesLowLevel()
    two = (fact("concern", 0, "education"), fact("concern", 50, "health"))
    assert not fires(rule, line(*two))
    assert fires(rule, line(*two, fact("concern", 182, "police")))
    assert not fires(rule, line(*two, fact("concern", 183, "police")))
    assert not fires(rule, line(*two, fact("note", 10, "police")))


def test_contacts_closed_three_times_in_a_year() -> None:
    rule = lib.StartAgain()
    nfa = [fact("contact_outcome", d, "childrens_social_care", outcome="no_further_action")
           for d in (0, 200)]  # fmt: skip
    assert not fires(rule, line(*nfa))
    advice = fact("contact_outcome", 365, "childrens_social_care", outcome="information_and_advice")
    assert fires(rule, line(*nfa, advice))
    referral = fact("contact_outcome", 300, "childrens_social_care", outcome="referral")
    assert not fires(rule, line(*nfa, referral))


# -- the engine ---------------------------------------------------------------------------------


def test_urgency_rises_for_babies_and_under_fives() -> None:
    baby = line(born=DAY - timedelta(days=100))
    toddler = line(born=DAY - timedelta(days=1000))
    school_age = line(born=DAY - timedelta(days=3000))
    assert [for_age("green", t, DAY) for t in (baby, toddler, school_age)] == [
        "amber", "amber", "green"]  # fmt: skip
    assert for_age("amber", baby, DAY) == "red" and for_age("red", baby, DAY) == "red"


def test_every_default_rule_has_an_id_version_and_description_and_evaluates() -> None:
    rules = [cls() for cls in lib.DEFAULT_RULES]
    assert len({r.id for r in rules}) == len(rules)
    assert all(r.version and r.description and r.title for r in rules)
    busy = line(*(fact(t, 10) for t in ("domestic_abuse_incident", "domestic_abuse_incident")))
    assert [f.rule_id for f in evaluate(rules, busy, DAY)] == ["domestic-abuse-repeat"]
