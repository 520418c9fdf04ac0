"""Known answers for each default rule: fires, and does not fire, at each edge of its thresholds."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest

from joinedup.rules import library as lib
from joinedup.rules import signals
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


def school(days_before: int, **changes: Any) -> Fact:
    """A concern about the child's welfare from the school: another agency than the police."""
    return fact("concern", days_before, "education", category="emotional", **changes)


def test_domestic_abuse_two_in_a_year_with_another_agencys_concern_fires() -> None:
    rule = lib.DomesticAbuseRepeat()
    two = (fact("domestic_abuse_incident", 0), fact("domestic_abuse_incident", 365))
    assert fires(rule, line(*two, school(365)))
    assert not fires(rule, line(*two))  # the police see the incidents themselves
    assert not fires(rule, line(*two, school(366)))  # the concern a day too early
    assert not fires(rule, line(fact("domestic_abuse_incident", 0),
                                fact("domestic_abuse_incident", 366), school(10)))  # fmt: skip
    assert not fires(rule, line(fact("domestic_abuse_incident", 0), school(10)))
    assert not fires(rule, line(*two, fact("concern", 10, "police")))  # the same agency
    sister = Who(9, "child", "sibling")
    assert not fires(rule, line(*two, school(10, about_child=False, subjects=(sister,))))
    assert not fires(rule, line(*two, fact("injury", 10, "health")))  # an injury alone
    assert fires(rule, line(*two, fact("injury", 10, "health", explanation_consistent="no")))
    assert not fires(rule, line(*two, fact("was_not_brought", 10, "health")))


def test_a_month_known_concern_counts_from_the_start_of_its_month() -> None:
    """A record known only to the month sits on its first day: a concern of June 2025, sent as
    2025-06-01 (29 days before), is within three months of an incident on 30 August 2025 and
    not of one on 1 September; a concern of July 2024 (2024-07-01, 364 days before) is in the
    year."""
    rule = lib.DomesticAbuseRepeat()
    june, earlier = school(29, precision="month"), fact("domestic_abuse_incident", 300)
    on_30_august = line(fact("domestic_abuse_incident", -61), earlier, june)
    assert fires(rule, on_30_august, DAY + timedelta(61))
    on_1_september = line(fact("domestic_abuse_incident", -63), earlier, june)
    assert not fires(rule, on_1_september, DAY + timedelta(63))
    two = (fact("domestic_abuse_incident", 300), fact("domestic_abuse_incident", 5))
    assert fires(rule, line(*two, school(364, precision="month")))


def test_domestic_abuse_the_concern_within_three_months_of_an_incident() -> None:
    """The other agency's concern is joined to the abuse when it was recorded within 91 days,
    before or after, of an incident: a concern months away from any incident is the school's
    and the front door's to answer on its own."""
    rule = lib.DomesticAbuseRepeat()
    two = (fact("domestic_abuse_incident", 0), fact("domestic_abuse_incident", 300))
    assert fires(rule, line(*two, school(91)))  # 91 days before the later incident
    assert fires(rule, line(*two, school(209)))  # 91 days after the earlier one
    assert not fires(rule, line(*two, school(92)))
    assert not fires(rule, line(*two, school(208)))
    assert not fires(rule, line(*two, school(150)))  # five months from each
    severe = fact("domestic_abuse_incident", 200, children_present=True, risk_level="high")
    assert fires(rule, line(severe, school(109)))  # the single high-risk incident: 91 days on
    assert not fires(rule, line(severe, school(108)))
    found = rule.evaluate(line(*two, school(91), school(150)), DAY)
    assert found is not None and len(found.evidence) == 3  # the far concern is not evidence
    wider = lib.DomesticAbuseRepeat(lib.DomesticAbuseRepeatParams(concern_days=182))
    assert fires(wider, line(*two, school(150)))


def test_one_high_risk_incident_with_children_present_and_a_concern_is_red() -> None:
    rule = lib.DomesticAbuseRepeat()
    severe = fact("domestic_abuse_incident", 0, children_present=True, risk_level="high")
    worry = school(30)
    found = rule.evaluate(line(severe, worry), DAY)
    assert found is not None and found.urgency == "red" and found.evidence == (worry, severe)
    assert not fires(rule, line(severe))  # MARAC and Encompass already act on it alone
    assert not fires(rule, line(fact("domestic_abuse_incident", 0, children_present=False,
                                     risk_level="high"), worry))  # fmt: skip


def test_a_later_record_does_not_count_before_it_happened() -> None:
    """Records arriving out of order: as of a day, only what had happened by then counts."""
    rule = lib.DomesticAbuseRepeat()
    early, late = fact("domestic_abuse_incident", 100), fact("domestic_abuse_incident", 10)
    timeline = line(late, school(5), early)
    assert not fires(rule, timeline, DAY - timedelta(days=50))
    assert not fires(rule, timeline, DAY - timedelta(days=8))  # the concern not yet recorded
    assert fires(rule, timeline, DAY)


def test_incidents_at_the_household_reach_the_child_through_the_adults() -> None:
    """An incident naming only the mother and her partner is on the child's time line."""
    rule = lib.DomesticAbuseRepeat()
    adults = (MUM, PARTNER)
    two = [fact("domestic_abuse_incident", d, about_child=False, subjects=adults)
           for d in (0, 40)]  # fmt: skip
    assert fires(rule, line(*two, school(20)))


def test_parameters_change_the_threshold() -> None:
    rule = lib.DomesticAbuseRepeat(lib.DomesticAbuseRepeatParams(count=3))
    two = line(fact("domestic_abuse_incident", 0), fact("domestic_abuse_incident", 5), school(1))
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


def test_injury_pattern_two_within_six_months_from_two_agencies_or_an_inconsistent_one() -> None:
    rule = lib.InjuryPattern()
    assert fires(rule, line(fact("injury", 0, "health"), fact("injury", 182, "education")))
    assert not fires(rule, line(fact("injury", 0, "health"), fact("injury", 183, "education")))
    assert not fires(rule, line(fact("injury", 0, "health"), fact("injury", 20, "health")))
    found = rule.evaluate(line(fact("injury", 0, explanation_consistent="no")), DAY)
    assert found is not None and found.urgency == "amber"
    sibling = fact("injury", 5, about_child=False, subjects=(Who(9, "child", "sibling"),))
    assert not fires(rule, line(fact("injury", 0), sibling))
    one_agency = lib.InjuryPattern(lib.InjuryPatternParams(agencies=1))
    assert fires(one_agency, line(fact("injury", 0, "health"), fact("injury", 20, "health")))


# -- neglect, health, education ---------------------------------------------------------------


def test_neglect_seen_by_two_agencies_fires_by_one_does_not() -> None:
    rule = lib.HungerNeglect()
    school = fact("concern", 10, "education", category="hunger")
    health = fact("weight_faltering", 100, "health", centile_drop=2)
    assert fires(rule, line(school, health))
    assert not fires(rule, line(school, fact("concern", 20, "education", category="hygiene")))
    assert not fires(rule, line(school, fact("concern", 20, "health", category="behaviour")))


def food_bank(days_before: int, **attributes: Any) -> Fact:
    """A food bank's voucher, sent as a concern of hunger about the children of the family."""
    return fact("concern", days_before, "voluntary", category="hunger", **attributes)


def test_a_food_bank_voucher_is_need_not_neglect() -> None:
    """Poverty is not neglect: hunger told by a service that did not see the child (the family
    asked for food) is not a sign of neglect, nor a concern about the child's welfare; hunger a
    practitioner saw (the school, the nursery, the health visitor), or a voluntary service
    that says it saw the child, is."""
    rule = lib.HungerNeglect()
    school = fact("concern", 10, "education", category="hunger")
    assert not fires(rule, line(school, food_bank(20)))
    assert fires(rule, line(school, food_bank(20, child_seen=True)))
    assert fires(rule, line(school, fact("concern", 20, "voluntary", category="neglect")))
    assert fires(rule, line(school, fact("concern", 20, "early_years", category="hunger")))
    assert fires(rule, line(food_bank(20, child_seen=True), fact("weight_faltering", 5, "health")))
    assert not signals.welfare(food_bank(0))
    assert signals.welfare(food_bank(0, child_seen=True))
    assert signals.welfare(fact("concern", 0, "education", category="hunger"))
    assert signals.welfare(fact("anonymous_report", 0, "public", category="hunger"))  # a worry
    assert not signals.welfare(fact("concern", 0, "police", category="hunger"))  # not seen
    assert signals.welfare(fact("concern", 0, "police", category="hunger", child_seen=True))
    two = (fact("domestic_abuse_incident", 0), fact("domestic_abuse_incident", 40))
    assert not fires(lib.DomesticAbuseRepeat(), line(*two, food_bank(20)))
    crisis = fact("adult_risk", 0, "health", subjects=(CHILD, MUM), category="mental_health")
    assert not fires(lib.AdultRisk(), line(crisis, food_bank(20)))
    both = (fact("concern", 0, "education"), fact("concern", 50, "health"))
    assert not fires(lib.ManyAgenciesLowLevel(), line(*both, food_bank(20)))
    assert fires(lib.ManyAgenciesLowLevel(), line(*both, food_bank(20, child_seen=True)))


def wnb(days_before: int, service: str) -> Fact:
    return fact("was_not_brought", days_before, "health", service=service)


def test_was_not_brought_three_in_a_year_at_two_services() -> None:
    rule = lib.WasNotBrought()
    two = (wnb(0, "gp"), wnb(300, "dental"))
    assert not fires(rule, line(*two))
    assert fires(rule, line(*two, wnb(365, "gp")))
    assert not fires(rule, line(*two, wnb(366, "gp")))
    assert not fires(rule, line(wnb(0, "gp"), wnb(10, "gp"), wnb(20, "gp")))  # one service
    toddler = DAY - timedelta(days=3 * 365)
    assert not fires(rule, line(*two, born=toddler))  # the service acts on an under-five's 2nd
    found = rule.evaluate(line(*two, wnb(100, "immunisation"), born=toddler), DAY)
    assert found is not None and found.urgency == "amber"  # green, raised for an under-five
    sooner = lib.WasNotBrought(lib.WasNotBroughtParams(count_under_five=2))
    assert fires(sooner, line(*two, born=toddler))
    assert not fires(sooner, line(*two, born=DAY - timedelta(days=5 * 365)))


def absence(days_before: int, missed: int, agency: str = "education", **period: str) -> Fact:
    """Absence over two school weeks, Monday 2 June to Friday 13 June 2025: 20 sessions."""
    period = period or {"period_start": "2025-06-02", "period_end": "2025-06-13"}
    return fact("school_absence", days_before, agency, sessions_missed=missed,
                persistent=missed >= 2, **period)  # fmt: skip


def test_withdrawn_from_school_while_there_are_welfare_concerns() -> None:
    rule = lib.EducationWithdrawal()
    home = fact("elective_home_education", 0, "education")
    assert not fires(rule, line(home))
    assert fires(rule, line(home, fact("concern", 182, "health", category="neglect")))
    assert not fires(rule, line(home, fact("concern", 183, "health", category="neglect")))
    assert fires(rule, line(home, school(30)))  # the school's own concern, now unseen
    assert fires(rule, line(fact("missing_education", 0, "education"), school(30)))
    assert not fires(rule, line(home, fact("injury", 10, "health")))  # an injury alone
    assert fires(rule, line(home, fact("injury", 10, "health", explanation_consistent="no")))


def test_severe_absence_at_half_the_sessions_with_another_agencys_concern() -> None:
    rule = lib.EducationWithdrawal()
    police = fact("concern", 10, "police", category="supervision")
    assert fires(rule, line(absence(0, 10), police))  # 10 of 20 sessions: 50 %
    assert not fires(rule, line(absence(0, 9), police))  # 45 %: persistent, not severe
    assert not fires(rule, line(absence(0, 10), school(10)))  # the school knows its own
    assert not fires(rule, line(absence(0, 20, period_start="2025-06-02"), police))  # no end
    assert signals.absence_percent(absence(0, 10)) == 50
    assert signals.weekdays(date(2025, 6, 7), date(2025, 6, 8)) == 0  # a weekend
    lower = lib.EducationWithdrawal(lib.EducationWithdrawalParams(severe_absence_percent=40))
    assert fires(lower, line(absence(0, 9), police))


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


def test_a_new_adult_seen_with_the_child_only_by_the_police_is_theirs_to_see() -> None:
    """The police hold the offence: it is a joined-up signal when another agency sees him."""
    rule = lib.NewAdultWithViolence()
    offence = fact("adult_offence", 2000, about_child=False, subjects=(PARTNER,),
                   category="violence")  # fmt: skip
    at_incident = fact("domestic_abuse_incident", 30, subjects=(CHILD, PARTNER))
    assert not fires(rule, line(at_incident, offence))
    at_school = fact("note", 365, "education", subjects=(CHILD, PARTNER))
    found = rule.evaluate(line(at_incident, at_school, offence), DAY)
    assert found is not None and at_school in found.evidence
    too_early = fact("note", 366, "education", subjects=(CHILD, PARTNER))
    assert not fires(rule, line(at_incident, offence, too_early))


def with_mum(days_before: int, agency: str = "health") -> Fact:
    """A record naming the child with their mother: she is in the child's life."""
    return fact("note", days_before, agency, subjects=(CHILD, MUM))


def test_an_adults_crisis_with_another_agencys_concern_about_the_child() -> None:
    rule = lib.AdultRisk()
    crisis = fact("adult_risk", 0, "health", about_child=False, subjects=(MUM,),
                  category="mental_health")  # fmt: skip
    seen = with_mum(300)
    assert not fires(rule, line(crisis, seen))
    assert fires(rule, line(crisis, seen, fact("concern", 182, "education", category="neglect")))
    assert not fires(rule, line(crisis, seen,
                                fact("concern", 183, "education", category="neglect")))  # fmt: skip
    assert not fires(rule, line(crisis, seen, fact("concern", 10, "health", category="neglect")))
    assert not fires(rule, line(crisis, seen, fact("injury", 10, "education")))  # injury alone
    disability = fact("adult_risk", 0, "health", about_child=False, subjects=(MUM,),
                      category="learning_disability")  # fmt: skip
    assert not fires(rule, line(disability, seen, school(10)))
    found = rule.evaluate(line(crisis, seen, fact("concern", 5, "health"), school(10)), DAY)
    assert found is not None and {f.agency for f in found.evidence} == {"health", "education"}
    assert len(found.evidence) == 2  # the health visitor's own concern is not the pattern


def test_an_adults_crisis_counts_when_the_adult_is_in_the_childs_life() -> None:
    """The adult must have been recorded with the child, by any agency, in the last year: a
    relative elsewhere, or an adult who lived with the child years ago, is not caring for them
    now."""
    rule = lib.AdultRisk()
    crisis = fact("adult_risk", 0, "health", about_child=False, subjects=(MUM,),
                  category="substance_misuse")  # fmt: skip
    worry = school(30)
    assert not fires(rule, line(crisis, worry))  # never recorded with the child
    assert fires(rule, line(crisis, worry, with_mum(365)))
    assert not fires(rule, line(crisis, worry, with_mum(366)))  # a year and a day ago
    assert fires(rule, line(crisis, worry, with_mum(400), with_mum(100, "education")))
    uncle = Who(7, "adult", "other_relative")
    assert not fires(rule, line(crisis, worry, fact("note", 10, subjects=(CHILD, uncle))))
    sister = Who(9, "child", "sibling")  # with a sibling, not the child: not the child's life
    assert not fires(rule, line(crisis, worry, fact("note", 10, about_child=False,
                                                    subjects=(sister, MUM))))  # fmt: skip
    named = fact("adult_risk", 0, "health", subjects=(CHILD, MUM), category="mental_health")
    assert fires(rule, line(named, worry))  # the record of the crisis names the child too
    later = with_mum(-5)  # recorded after the day evaluated: out of order, not yet known
    assert not fires(rule, line(crisis, worry, later))
    assert fires(rule, line(crisis, worry, later), DAY + timedelta(5))
    assert lib.AdultRisk().reach().sightings == 365


# -- moves, many agencies, start again ----------------------------------------------------------


def move(days_before: int, agency: str = "housing", postcode: str | None = None,
         **attributes: Any) -> Fact:  # fmt: skip
    if postcode:
        attributes["to_postcode"] = postcode
    return fact("change_of_address", days_before, agency, **attributes)


def test_three_moves_of_the_child_in_a_year() -> None:
    rule = lib.FrequentMoves()
    moves = [move(d) for d in (0, 100, 365)]
    assert fires(rule, line(*moves))
    assert not fires(rule, line(*moves[:2], move(366)))
    mum_only = move(200, about_child=False, subjects=(MUM,))
    assert not fires(rule, line(*moves[:2], mum_only))  # an adult's move is not the child's


def test_one_move_told_by_several_agencies_is_one_move() -> None:
    rule = lib.FrequentMoves()
    first = move(300, "housing", "KF1 1AA")
    same = [move(290, "health", "kf11aa"), move(269, "education", "KF1 1AA")]  # within 31 days
    later = move(10, "health", "KF2 2BB")
    assert not fires(rule, line(first, *same, later))  # two moves, four records
    assert fires(rule, line(first, *same, move(150, "education"), later))
    assert not fires(rule, line(first, move(270, "health"), later))  # no postcode: same move
    assert fires(rule, line(first, move(268, "health"), later))  # 32 days on: another move
    assert fires(rule, line(first, move(290, "health", "KF3 3CC"), later))  # another place
    found = rule.evaluate(line(first, *same, move(150, "education"), later), DAY)
    assert found is not None and len(found.evidence) == 5  # every record, counted as 3 moves


def test_a_move_to_another_authority_after_a_concern_when_the_home_authority_is_known() -> None:
    away = move(0, "education", to_local_authority="Ashcombe")
    worry = fact("concern", 182, "health", category="neglect")
    assert not fires(lib.FrequentMoves(), line(away, worry))  # which authority is home?
    rule = lib.FrequentMoves(lib.FrequentMovesParams(home_authority="Kestrelford"))
    assert fires(rule, line(away, worry))
    assert not fires(rule, line(away, fact("concern", 183, "health", category="neglect")))
    within = move(0, "education", to_local_authority="kestrelford")
    assert not fires(rule, line(within, worry))
    assert not fires(rule, line(away, fact("injury", 10, "health")))
    with pytest.raises(ValueError, match="home_authority"):
        lib.FrequentMovesParams(home_authority="")


def test_concerns_from_three_agencies_within_six_months() -> None:
    rule = lib.ManyAgenciesLowLevel()
    two = (fact("concern", 0, "education"), fact("concern", 50, "health"))
    assert not fires(rule, line(*two))
    assert fires(rule, line(*two, fact("concern", 182, "police")))
    assert not fires(rule, line(*two, fact("concern", 183, "police")))
    assert not fires(rule, line(*two, fact("note", 10, "police")))
    assert not fires(rule, line(*two, fact("injury", 10, "police")))  # an injury alone
    assert fires(rule, line(*two, fact("domestic_abuse_incident", 10, "police")))


def test_contacts_closed_three_times_in_a_year() -> None:
    rule = lib.StartAgain()
    nfa = [fact("contact_outcome", d, "childrens_social_care", outcome="no_further_action")
           for d in (0, 200)]  # fmt: skip
    assert not fires(rule, line(*nfa))
    advice = fact("contact_outcome", 365, "childrens_social_care", outcome="information_and_advice")
    assert fires(rule, line(*nfa, advice))
    referral = fact("contact_outcome", 300, "childrens_social_care", outcome="referral")
    assert not fires(rule, line(*nfa, referral))


def contact(days_before: int, outcome: str = "no_further_action") -> Fact:
    return fact("contact_outcome", days_before, "childrens_social_care", outcome=outcome)


def test_a_move_between_authorities_after_a_contact_then_a_new_concern() -> None:
    rule = lib.MovedWithHistory()
    away = move(400, "health", "AC3 1ZD", to_local_authority="Ashcombe")
    back = move(200, "health", "KF1 4AB", to_local_authority="Kestrelford")
    told_again = move(195, "education", "KF1 4AB", to_local_authority="kestrelford")
    history = contact(300)
    worry = school(0)
    found = rule.evaluate(line(away, back, told_again, history, worry), DAY)
    assert found is not None and found.urgency == "amber"
    assert {f.record_id for f in found.evidence} == {
        f.record_id for f in (away, back, history, worry)}  # fmt: skip
    assert not fires(rule, line(away, back, history))  # no concern after the move
    assert not fires(rule, line(away, back, worry))  # no history before it
    assert not fires(rule, line(back, history, worry))  # one move: from where is not known
    same = move(400, "health", "KF9 9ZZ", to_local_authority="Kestrelford")
    assert not fires(rule, line(same, back, history, worry))  # a move within the authority
    unnamed = move(400, "health", "AC3 1ZD")
    assert not fires(rule, line(unnamed, back, history, worry))  # the authority not written
    after = contact(100)  # the contact came after the move: not history left behind
    assert not fires(rule, line(away, back, after, worry))


def test_moved_with_history_edges_of_its_windows() -> None:
    rule = lib.MovedWithHistory()
    away = move(900, "health", "AC3 1ZD", to_local_authority="Ashcombe")
    back = move(365, "health", "KF1 4AB", to_local_authority="Kestrelford")
    assert fires(rule, line(away, back, contact(365 + 730), school(0)))  # two years before
    assert not fires(rule, line(away, back, contact(365 + 731), school(0)))
    assert fires(rule, line(away, back, contact(400), school(0)))  # a year after the move
    later = move(366, "health", "KF1 4AB", to_local_authority="Kestrelford")
    assert not fires(rule, line(away, later, contact(400), school(0)))  # a year and a day
    social_care = fact("concern", 0, "childrens_social_care", category="neglect")
    assert not fires(rule, line(away, back, contact(400), social_care))  # another agency's
    assert not fires(rule, line(away, back, contact(400), fact("injury", 0, "health")))
    earlier = line(away, back, contact(400), school(0))
    assert not fires(rule, earlier, DAY - timedelta(days=1))  # before the concern happened


def missing(days_before: int, agency: str = "police") -> Fact:
    return fact("missing_episode", days_before, agency, duration_hours=20, returned=True)


def test_missing_twice_in_six_months_with_another_agencys_concern() -> None:
    rule = lib.MissingRepeat()
    worry = fact("concern", 30, "voluntary", category="exploitation")
    found = rule.evaluate(line(missing(0), missing(182), worry), DAY)
    assert found is not None and len(found.evidence) == 3
    assert not fires(rule, line(missing(0), missing(183), worry))  # six months and a day
    assert not fires(rule, line(missing(0), worry))  # once
    assert not fires(rule, line(missing(0), missing(100)))  # the police's own record only
    police_worry = fact("concern", 30, "police", category="exploitation")
    assert not fires(rule, line(missing(0), missing(100), police_worry))
    assert not fires(rule, line(missing(0), missing(100, "childrens_social_care"), police_worry))
    assert fires(rule, line(missing(0), missing(100), school(182)))
    assert not fires(rule, line(missing(0), missing(100), school(183)))
    adult = fact("missing_episode", 20, about_child=False, subjects=(MUM,))
    assert not fires(rule, line(missing(50), adult, worry))  # an adult's episode is not the child's
    assert fires(lib.MissingRepeat(lib.MissingRepeatParams(count=3)),
                 line(missing(0), missing(50), missing(100), worry))  # fmt: skip
    assert not fires(lib.MissingRepeat(lib.MissingRepeatParams(count=3)),
                     line(missing(0), missing(50), worry))  # fmt: skip


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
    busy = line(*(fact(t, 10) for t in ("domestic_abuse_incident", "domestic_abuse_incident")),
                school(20))  # fmt: skip
    assert [f.rule_id for f in evaluate(rules, busy, DAY)] == ["domestic-abuse-repeat"]
