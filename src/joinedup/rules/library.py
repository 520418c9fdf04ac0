"""The default rules: the joined-up signals that serious case reviews say were missed.

Each rule reads the child's time line as of a day and names the records that make its pattern.
Thresholds are parameters with defaults whose reasoning is in docs/rules.md; a partnership may
change them in its rules file. A prompt is a question to a human, never a verdict.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field

from joinedup.rules.engine import (
    AMBER,
    GREEN,
    RED,
    Finding,
    Params,
    Reach,
    Rule,
    describe,
)
from joinedup.rules.facts import Fact, Timeline, agencies, of_type

Days = Annotated[int, Field(gt=0, le=3650)]
Count = Annotated[int, Field(ge=1, le=100)]
Months = Annotated[int, Field(ge=1, le=36)]

CONCERN_TYPES = ("concern", "disclosure", "injury", "anonymous_report", "weight_faltering",
                 "domestic_abuse_incident", "missing_episode", "antenatal_concern")  # fmt: skip
NEGLECT_CATEGORIES = frozenset({"neglect", "hunger", "hygiene", "supervision", "development"})
SERIOUS_OFFENCES = frozenset({"violence", "sexual", "weapons"})
ADULT_RISKS = frozenset({"substance_misuse", "mental_health", "domestic_abuse_perpetrator"})
LEAVING_TYPES = ("elective_home_education", "missing_education")
NON_MOBILE_LOOKBACK_DAYS = 3650


class DomesticAbuseRepeatParams(Params):
    count: Count = 2
    window_days: Days = 365


class DomesticAbuseRepeat(Rule[DomesticAbuseRepeatParams]):
    id, version = "domestic-abuse-repeat", "1"
    title = "Repeated domestic abuse in the child's household"
    description = (
        "Two or more domestic abuse incidents involving the child or the adults they live with "
        "within a year, or one high-risk incident with the children present."
    )

    Parameters = DomesticAbuseRepeatParams

    def reach(self) -> Reach:
        return Reach({"domestic_abuse_incident": self.params.window_days})

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        incidents = of_type(timeline.within(as_of, p.window_days), "domestic_abuse_incident")
        severe = [f for f in incidents if f.attribute("children_present")
                  and f.attribute("risk_level") == "high"]  # fmt: skip
        if len(incidents) >= p.count:
            urgency = RED if severe else AMBER
            text = f"{counted(len(incidents), 'domestic abuse incident')} in {p.window_days} days"
            return self.found(timeline, as_of, incidents, urgency, text)
        if severe:
            text = "A high-risk domestic abuse incident with the children present"
            return self.found(timeline, as_of, severe, RED, text)
        return None


class InjuryNonMobileParams(Params):
    months: Months = 6


class InjuryNonMobile(Rule[InjuryNonMobileParams]):
    id, version = "injury-non-mobile", "1"
    title = "An injury to a baby who is not yet mobile"
    description = (
        "Any injury to a child under six months, or to a child a practitioner recorded as not "
        "mobile: bruising in a baby who cannot move on their own is rarely accidental."
    )

    Parameters = InjuryNonMobileParams

    def reach(self) -> Reach:
        return Reach({"injury": NON_MOBILE_LOOKBACK_DAYS})

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        found = []
        for f in of_type(timeline.within(as_of, NON_MOBILE_LOOKBACK_DAYS), "injury"):
            if not f.about_child:
                continue
            age = timeline.age_in_days(f.occurred)
            young = age is not None and 0 <= age < p.months * 30.44
            if f.attribute("child_mobile") == "no" or young:
                found.append(f)
        if not found:
            return None
        return self.found(timeline, as_of, found, RED, "An injury to a non-mobile baby")


class InjuryPatternParams(Params):
    count: Count = 2
    window_days: Days = 182


class InjuryPattern(Rule[InjuryPatternParams]):
    id, version = "injury-pattern", "1"
    title = "Injuries with an inconsistent explanation, or repeated injuries"
    description = (
        "An injury whose explanation a practitioner found inconsistent, or two or more injuries "
        "to the child within six months."
    )

    Parameters = InjuryPatternParams

    def reach(self) -> Reach:
        return Reach({"injury": self.params.window_days})

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        injuries = [f for f in of_type(timeline.within(as_of, p.window_days), "injury")
                    if f.about_child]  # fmt: skip
        doubtful = [f for f in injuries if f.attribute("explanation_consistent") == "no"]
        if len(injuries) >= p.count:
            text = f"{describe(injuries)}: {len(injuries)} injuries in {p.window_days} days"
            return self.found(timeline, as_of, injuries, RED if doubtful else AMBER, text)
        if doubtful:
            return self.found(timeline, as_of, doubtful, AMBER,
                              "An injury with an explanation recorded as inconsistent")  # fmt: skip
        return None


class HungerNeglectParams(Params):
    agencies: Count = 2
    window_days: Days = 182


class HungerNeglect(Rule[HungerNeglectParams]):
    id, version = "hunger-neglect", "1"
    title = "Signs of neglect seen by more than one agency"
    description = (
        "Faltering growth, or concerns of hunger, hygiene, supervision or neglect recorded by two "
        "or more agencies within six months."
    )

    Parameters = HungerNeglectParams

    def reach(self) -> Reach:
        return _reach(("weight_faltering", "concern"), self.params.window_days)

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        recent = [f for f in timeline.within(as_of, p.window_days) if f.about_child]
        signs = [f for f in recent if _neglect(f)]
        if len(agencies(signs)) >= p.agencies:
            return self.found(timeline, as_of, signs, AMBER, describe(signs) + " of neglect")
        return None


def _serious(offence: Fact) -> bool:
    return offence.attribute("category") in SERIOUS_OFFENCES or bool(
        offence.attribute("against_child")
    )


def _reach(types: tuple[str, ...], days: int) -> Reach:
    return Reach(dict.fromkeys(types, days))


def counted(n: int, noun: str) -> str:
    """`1 contact`, `3 contacts`; `1 change`, `2 changes`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _neglect(f: Fact) -> bool:
    return f.type == "weight_faltering" or (
        f.type == "concern" and f.attribute("category") in NEGLECT_CATEGORIES
    )


class WasNotBroughtParams(Params):
    count: Count = 3
    count_under_five: Count = 2
    window_days: Days = 365


class WasNotBrought(Rule[WasNotBroughtParams]):
    id, version = "was-not-brought", "1"
    title = "Repeatedly not brought to health appointments"
    description = (
        "Three or more appointments the child was not brought to within a year (two for a child "
        "under five, who cannot take themselves)."
    )

    Parameters = WasNotBroughtParams

    def reach(self) -> Reach:
        return Reach({"was_not_brought": self.params.window_days})

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        missed = [f for f in of_type(timeline.within(as_of, p.window_days), "was_not_brought")
                  if f.about_child]  # fmt: skip
        age = timeline.age_in_days(as_of)
        needed = p.count_under_five if age is not None and age < 5 * 365 else p.count
        if len(missed) >= needed:
            text = f"Not brought to {len(missed)} health appointments in {p.window_days} days"
            return self.found(timeline, as_of, missed, GREEN, text)
        return None


class EducationWithdrawalParams(Params):
    window_days: Days = 182


class EducationWithdrawal(Rule[EducationWithdrawalParams]):
    id, version = "education-withdrawal", "1"
    title = "Out of sight of school while there are concerns"
    description = (
        "Withdrawal to elective home education, missing education or persistent absence, when "
        "any agency has raised a concern about the child in the previous six months."
    )

    Parameters = EducationWithdrawalParams

    def reach(self) -> Reach:
        return _reach((*LEAVING_TYPES, "school_absence", *CONCERN_TYPES), self.params.window_days)

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        recent = [f for f in timeline.within(as_of, p.window_days) if f.about_child]
        gone = [f for f in recent if f.type in LEAVING_TYPES
                or (f.type == "school_absence" and f.attribute("persistent"))]  # fmt: skip
        worries = [f for f in recent if f.type in CONCERN_TYPES]
        if gone and worries:
            text = f"{describe(gone)} while {describe(worries).lower()} raised concerns"
            return self.found(timeline, as_of, [*gone, *worries], AMBER, text)
        return None


class NewAdultWithViolenceParams(Params):
    joined_within_days: Days = 365


class NewAdultWithViolence(Rule[NewAdultWithViolenceParams]):
    id, version = "new-adult-violence", "1"
    title = "A new adult in the household with a history of violence"
    description = (
        "An adult first recorded with the child in the last year who has a recorded offence of "
        "violence, a sexual offence, a weapons offence or an offence against a child."
    )

    Parameters = NewAdultWithViolenceParams

    def reach(self) -> Reach:
        return Reach({"adult_offence": None}, sightings=self.params.joined_within_days)

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        if "adult_offence" not in timeline.kinds:
            return None
        seen = timeline.upto(as_of)
        offences = [f for f in of_type(seen, "adult_offence") if f.adults and _serious(f)]
        if not offences:
            return None
        first: dict[int, Fact] = {}
        for f in seen:
            if f.about_child:
                for who in f.adults:
                    first.setdefault(who.person_id, f)
        evidence: list[Fact] = []
        child_harm = False
        for f in offences:
            for who in f.adults:
                joined = first.get(who.person_id)
                if joined is None:
                    continue
                if (as_of - joined.occurred).days <= p.joined_within_days:
                    evidence += [joined, f]
                    child_harm |= bool(f.attribute("against_child")) or (
                        f.attribute("category") == "sexual"
                    )
        if not evidence:
            return None
        text = "An adult new to the child's life has a recorded offence of violence or harm"
        return self.found(timeline, as_of, evidence, RED if child_harm else AMBER, text)


class AdultRiskParams(Params):
    window_days: Days = 182


class AdultRisk(Rule[AdultRiskParams]):
    id, version = "adult-risk", "1"
    title = "An adult's crisis alongside a concern about the child"
    description = (
        "Substance misuse, a mental health crisis or domestic abuse perpetration by an adult in "
        "the child's life, and a concern about the child, within six months."
    )

    Parameters = AdultRiskParams

    def reach(self) -> Reach:
        return _reach(("adult_risk", *CONCERN_TYPES), self.params.window_days)

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        recent = timeline.within(as_of, p.window_days)
        risks = [f for f in of_type(recent, "adult_risk") if f.attribute("category") in ADULT_RISKS]
        worries = [f for f in recent if f.about_child and f.type in CONCERN_TYPES]
        if risks and worries:
            text = f"An adult's {risks[-1].attribute('category').replace('_', ' ')} and " + (
                describe(worries).lower() + " about the child"
            )
            return self.found(timeline, as_of, [*risks, *worries], AMBER, text)
        return None


class FrequentMovesParams(Params):
    count: Count = 3
    window_days: Days = 365
    concern_days: Days = 182


class FrequentMoves(Rule[FrequentMovesParams]):
    id, version = "frequent-moves", "1"
    title = "Frequent moves of address or between authorities"
    description = (
        "Three or more changes of address within a year, or a move to another local authority "
        "within six months of a concern: families on the move fall between services."
    )

    Parameters = FrequentMovesParams

    def reach(self) -> Reach:
        p = self.params
        return Reach({**_reach(CONCERN_TYPES, p.concern_days).days,
                      "change_of_address": p.window_days})  # fmt: skip

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        moves = of_type(timeline.within(as_of, p.window_days), "change_of_address")
        if len(moves) >= p.count:
            text = f"{counted(len(moves), 'change')} of address in {p.window_days} days"
            return self.found(timeline, as_of, moves, GREEN, text)
        away = [m for m in moves if m.attribute("to_local_authority")]
        worries = [f for f in timeline.within(as_of, p.concern_days)
                   if f.about_child and f.type in CONCERN_TYPES]  # fmt: skip
        if away and worries:
            text = "A move to another local authority after " + describe(worries).lower()
            return self.found(timeline, as_of, [*away, *worries], AMBER, text)
        return None


class ManyAgenciesLowLevelParams(Params):
    agencies: Count = 3
    window_days: Days = 182


class ManyAgenciesLowLevel(Rule[ManyAgenciesLowLevelParams]):
    id, version = "many-agencies", "1"
    title = "Several agencies each holding a concern"
    description = (
        "Concerns about the child from three or more different agencies within six months: each "
        "below its own threshold, together a pattern."
    )

    Parameters = ManyAgenciesLowLevelParams

    def reach(self) -> Reach:
        return _reach(CONCERN_TYPES, self.params.window_days)

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        worries = [f for f in timeline.within(as_of, p.window_days)
                   if f.about_child and f.type in CONCERN_TYPES]  # fmt: skip
        if len(agencies(worries)) >= p.agencies:
            return self.found(timeline, as_of, worries, AMBER, describe(worries))
        return None


class StartAgainParams(Params):
    count: Count = 3
    window_days: Days = 365


class StartAgain(Rule[StartAgainParams]):
    id, version = "start-again", "1"
    title = "Repeated contacts closed with no further action"
    description = (
        "Three or more contacts about the child closed with no further action, or information "
        "and advice, within a year: 'start-again syndrome'."
    )

    Parameters = StartAgainParams

    def reach(self) -> Reach:
        return Reach({"contact_outcome": self.params.window_days})

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        closed = [f for f in of_type(timeline.within(as_of, p.window_days), "contact_outcome")
                  if f.about_child and f.attribute("outcome") in {
                      "no_further_action", "information_and_advice"}]  # fmt: skip
        if len(closed) >= p.count:
            text = (
                f"{counted(len(closed), 'contact')} closed without action in {p.window_days} days"
            )
            return self.found(timeline, as_of, closed, AMBER, text)
        return None


DEFAULT_RULES: tuple[type[Rule[Any]], ...] = (
    DomesticAbuseRepeat, InjuryNonMobile, InjuryPattern, HungerNeglect, WasNotBrought,
    EducationWithdrawal, NewAdultWithViolence, AdultRisk, FrequentMoves, ManyAgenciesLowLevel,
    StartAgain,
)  # fmt: skip
