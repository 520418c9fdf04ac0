"""The default rules: the joined-up signals that serious case reviews say were missed.

Each rule reads the child's time line as of a day and names the records that make its pattern.
Thresholds are parameters with defaults whose reasoning is in docs/rules.md; a partnership may
change them in its rules file. A prompt is a question to a human, never a verdict.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
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
from joinedup.rules.signals import (
    ADULT_RISKS,
    CONCERN_TYPES,
    LEAVING_TYPES,
    SOCIAL_CARE,
    WELFARE_TYPES,
    absence_percent,
    authority_of,
    counted,
    moved_to,
    moves,
    near,
    neglect_sign,
    reach_for,
    serious_offence,
    welfare,
    with_child,
)

Days = Annotated[int, Field(gt=0, le=3650)]
Count = Annotated[int, Field(ge=1, le=100)]
Months = Annotated[int, Field(ge=1, le=36)]
Percent = Annotated[int, Field(ge=1, le=100)]

NON_MOBILE_LOOKBACK_DAYS = 3650


class DomesticAbuseRepeatParams(Params):
    count: Count = 2
    window_days: Days = 365
    concern_days: Days = 91


class DomesticAbuseRepeat(Rule[DomesticAbuseRepeatParams]):
    id, version = "domestic-abuse-repeat", "3"
    title = "Domestic abuse in the child's household, and a concern from another agency"
    description = (
        "Two or more domestic abuse incidents involving the child or the adults they live with "
        "within a year, or one high-risk incident with the children present, and a concern "
        "about the child's welfare recorded by another agency within three months of one of "
        "those incidents: the police see the incidents, the school or the health visitor the "
        "child, at the time of the abuse."
    )

    Parameters = DomesticAbuseRepeatParams

    def reach(self) -> Reach:
        days = self.params.window_days
        return reach_for(("domestic_abuse_incident", *WELFARE_TYPES, "injury"), days)

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        recent = timeline.within(as_of, p.window_days)
        incidents = of_type(recent, "domestic_abuse_incident")
        severe = [f for f in incidents if f.attribute("children_present")
                  and f.attribute("risk_level") == "high"]  # fmt: skip
        if len(incidents) < p.count and not severe:
            return None
        shown = incidents if len(incidents) >= p.count else severe
        recorders = agencies(incidents)  # the police, as a rule
        others = [f for f in recent if f.about_child and f.agency not in recorders
                  and welfare(f) and near(f, shown, p.concern_days)]  # fmt: skip
        if not others:
            return None
        what = (f"{counted(len(shown), 'domestic abuse incident')} in {p.window_days} days"
                if len(incidents) >= p.count
                else "A high-risk domestic abuse incident with the children present")  # fmt: skip
        text = f"{what}, and {describe(others).lower()} about the child"
        return self.found(timeline, as_of, [*shown, *others], RED if severe else AMBER, text)


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
    agencies: Count = 2
    window_days: Days = 182


class InjuryPattern(Rule[InjuryPatternParams]):
    id, version = "injury-pattern", "2"
    title = "Injuries with an inconsistent explanation, or repeated injuries across agencies"
    description = (
        "An injury whose explanation a practitioner found inconsistent, or two or more injuries "
        "to the child within six months recorded by two or more agencies."
    )

    Parameters = InjuryPatternParams

    def reach(self) -> Reach:
        return Reach({"injury": self.params.window_days})

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        injuries = [f for f in of_type(timeline.within(as_of, p.window_days), "injury")
                    if f.about_child]  # fmt: skip
        doubtful = [f for f in injuries if f.attribute("explanation_consistent") == "no"]
        if len(injuries) >= p.count and len(agencies(injuries)) >= p.agencies:
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
    id, version = "hunger-neglect", "2"
    title = "Signs of neglect seen by more than one agency"
    description = (
        "Faltering growth, or concerns of hunger, hygiene, supervision or neglect recorded by two "
        "or more agencies within six months."
    )

    Parameters = HungerNeglectParams

    def reach(self) -> Reach:
        return reach_for(("weight_faltering", "concern"), self.params.window_days)

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        recent = [f for f in timeline.within(as_of, p.window_days) if f.about_child]
        signs = [f for f in recent if neglect_sign(f)]
        if len(agencies(signs)) >= p.agencies:
            return self.found(timeline, as_of, signs, AMBER, describe(signs) + " of neglect")
        return None


class WasNotBroughtParams(Params):
    count: Count = 3
    count_under_five: Count = 3
    services: Count = 2
    window_days: Days = 365


class WasNotBrought(Rule[WasNotBroughtParams]):
    id, version = "was-not-brought", "2"
    title = "Not brought to appointments across health services"
    description = (
        "Three or more appointments the child was not brought to within a year, at two or more "
        "health services: each service follows up its own missed appointments (an under-five's "
        "after the second), none sees the others'."
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
        services = {f.attribute("service") or "unknown" for f in missed}
        if len(missed) >= needed and len(services) >= p.services:
            text = (f"Not brought to {len(missed)} appointments at {len(services)} health "
                    f"services in {p.window_days} days")  # fmt: skip
            return self.found(timeline, as_of, missed, GREEN, text)
        return None


class EducationWithdrawalParams(Params):
    window_days: Days = 182
    severe_absence_percent: Percent = 50


class EducationWithdrawal(Rule[EducationWithdrawalParams]):
    id, version = "education-withdrawal", "3"
    title = "Out of sight of school while there are concerns"
    description = (
        "Withdrawal to elective home education, missing education, or severe absence (half of "
        "the sessions of a period or more), within six months of a concern about the child's "
        "welfare: for severe absence, a concern from an agency other than the school."
    )

    Parameters = EducationWithdrawalParams

    def reach(self) -> Reach:
        return reach_for((*LEAVING_TYPES, "school_absence", *WELFARE_TYPES, "injury"),
                      self.params.window_days)  # fmt: skip

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        recent = [f for f in timeline.within(as_of, p.window_days) if f.about_child]
        worries = [f for f in recent if welfare(f)]
        if not worries:
            return None
        gone = [f for f in recent if f.type in LEAVING_TYPES]
        severe = [f for f in recent if f.type == "school_absence"
                  and absence_percent(f) >= p.severe_absence_percent]  # fmt: skip
        elsewhere = [f for f in worries if f.agency != "education"]  # the school knows its own
        if severe and elsewhere:
            worries = worries if gone else elsewhere
            gone = [*gone, *severe]
        if not gone:
            return None
        text = f"{describe(gone)} while {describe(worries).lower()} raised concerns"
        return self.found(timeline, as_of, [*gone, *worries], AMBER, text)


class NewAdultWithViolenceParams(Params):
    joined_within_days: Days = 365


class NewAdultWithViolence(Rule[NewAdultWithViolenceParams]):
    id, version = "new-adult-violence", "2"
    title = "A new adult in the household with a history of violence"
    description = (
        "An adult first recorded with the child in the last year who has a recorded offence of "
        "violence, a sexual offence, a weapons offence or an offence against a child, and whom "
        "an agency other than the one that holds the offence has recorded with the child."
    )

    Parameters = NewAdultWithViolenceParams

    def reach(self) -> Reach:
        return Reach({"adult_offence": None}, sightings=self.params.joined_within_days)

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        if "adult_offence" not in timeline.kinds:
            return None
        seen = timeline.upto(as_of)
        offences = [f for f in of_type(seen, "adult_offence") if f.adults and serious_offence(f)]
        if not offences:
            return None
        first: dict[int, Fact] = {}
        sightings: dict[int, list[Fact]] = {}
        for f in seen:
            if f.about_child:
                for who in f.adults:
                    first.setdefault(who.person_id, f)
                    sightings.setdefault(who.person_id, []).append(f)
        evidence: list[Fact] = []
        child_harm = False
        for f in offences:
            for who in f.adults:
                joined = first.get(who.person_id)
                if joined is None or (as_of - joined.occurred).days > p.joined_within_days:
                    continue
                elsewhere = [s for s in sightings[who.person_id] if s.agency != f.agency
                             and (as_of - s.occurred).days <= p.joined_within_days]  # fmt: skip
                if elsewhere:
                    evidence += [joined, elsewhere[0], f]
                    child_harm |= bool(f.attribute("against_child")) or (
                        f.attribute("category") == "sexual"
                    )
        if not evidence:
            return None
        text = "An adult new to the child's life has a recorded offence of violence or harm"
        return self.found(timeline, as_of, evidence, RED if child_harm else AMBER, text)


class AdultRiskParams(Params):
    window_days: Days = 182
    present_days: Days = 365


class AdultRisk(Rule[AdultRiskParams]):
    id, version = "adult-risk", "3"
    title = "An adult's crisis alongside a concern about the child from another agency"
    description = (
        "Substance misuse, a mental health crisis or domestic abuse perpetration by an adult "
        "recorded with the child in the last year, and within six months a concern about the "
        "child's welfare recorded by another agency than the one that recorded the adult's."
    )

    Parameters = AdultRiskParams

    def reach(self) -> Reach:
        p = self.params
        return Reach(reach_for(("adult_risk", *WELFARE_TYPES, "injury"), p.window_days).days,
                     sightings=p.present_days)  # fmt: skip

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        recent = timeline.within(as_of, p.window_days)
        around = with_child(timeline.within(as_of, p.present_days))
        risks = [f for f in of_type(recent, "adult_risk") if f.attribute("category") in ADULT_RISKS
                 and any(who.person_id in around for who in f.adults)]  # fmt: skip
        worries = [f for f in recent if f.about_child and welfare(f)]
        risks = [r for r in risks if any(w.agency != r.agency for w in worries)]
        if not risks:
            return None
        worries = [w for w in worries if any(w.agency != r.agency for r in risks)]
        text = f"An adult's {risks[-1].attribute('category').replace('_', ' ')} and " + (
            describe(worries).lower() + " about the child"
        )
        return self.found(timeline, as_of, [*risks, *worries], AMBER, text)


class FrequentMovesParams(Params):
    count: Count = 3
    window_days: Days = 365
    concern_days: Days = 182
    same_move_days: Days = 31
    home_authority: str | None = Field(default=None, min_length=1, max_length=100)


class FrequentMoves(Rule[FrequentMovesParams]):
    id, version = "frequent-moves", "3"
    title = "Frequent moves of address or between authorities"
    description = (
        "Three or more moves of the child within a year (the same move told by several "
        "agencies counted once), or a move of the child to another local authority within six "
        "months of a concern about their welfare: families on the move fall between services."
    )

    Parameters = FrequentMovesParams

    def reach(self) -> Reach:
        p = self.params
        return Reach({**reach_for((*WELFARE_TYPES, "injury"), p.concern_days).days,
                      "change_of_address": max(p.window_days, p.concern_days)})  # fmt: skip

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        records = [f for f in of_type(timeline.within(as_of, p.window_days), "change_of_address")
                   if f.about_child]  # fmt: skip
        found = moves(records, p.same_move_days)
        if len(found) >= p.count:
            text = f"{counted(len(found), 'move')} of the child in {p.window_days} days"
            return self.found(timeline, as_of, records, GREEN, text)
        if p.home_authority is None:
            return None  # which authority is another is not known
        home = p.home_authority.casefold()
        away = [m for m in of_type(timeline.within(as_of, p.concern_days), "change_of_address")
                if m.about_child and moved_to(m, home) != home]  # fmt: skip
        worries = [f for f in timeline.within(as_of, p.concern_days)
                   if f.about_child and welfare(f)]  # fmt: skip
        if away and worries:
            text = "A move to another local authority after " + describe(worries).lower()
            return self.found(timeline, as_of, [*away, *worries], AMBER, text)
        return None


class MovedWithHistoryParams(Params):
    history_days: Days = 730
    concern_days: Days = 365
    same_move_days: Days = 31


class MovedWithHistory(Rule[MovedWithHistoryParams]):
    id, version = "moved-with-history", "2"
    title = "A move between authorities, a history of contact before it, and a new concern"
    description = (
        "A child who moved between local authorities (two moves whose authorities differ), "
        "about whom children's social care had a contact within two years before the move, "
        "and about whom an agency other than children's social care is worried within a year "
        "after it: the family's history stays in the records they left behind unless someone "
        "joins it to the new concern."
    )

    Parameters = MovedWithHistoryParams

    def reach(self) -> Reach:
        p = self.params
        back = p.concern_days + p.history_days
        return Reach({**reach_for((*WELFARE_TYPES, "injury"), p.concern_days).days,
                      "change_of_address": back, "contact_outcome": back})  # fmt: skip

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        back = p.concern_days + p.history_days
        recent = [f for f in timeline.within(as_of, back) if f.about_child]
        worries = [f for f in recent if welfare(f) and f.agency != SOCIAL_CARE
                   and (as_of - f.occurred).days <= p.concern_days]  # fmt: skip
        if not worries:
            return None
        contacts = of_type(recent, "contact_outcome")
        found = moves(of_type(recent, "change_of_address"), p.same_move_days)
        for before, move in pairwise(found):
            there, here = authority_of(before), authority_of(move)
            if there is None or here is None or there == here:
                continue
            day = move[0].occurred
            history = [c for c in contacts if 0 < (day - c.occurred).days <= p.history_days]
            after = [w for w in worries if 0 <= (w.occurred - day).days <= p.concern_days]
            if history and after:
                text = (f"A move between authorities after {counted(len(history), 'contact')} "
                        f"with children's social care, then {describe(after).lower()}")  # fmt: skip
                return self.found(timeline, as_of, [before[0], move[0], *history, *after],
                                  AMBER, text)  # fmt: skip
        return None


class MissingRepeatParams(Params):
    count: Count = 2
    window_days: Days = 182


class MissingRepeat(Rule[MissingRepeatParams]):
    id, version = "missing-repeat", "2"
    title = "Missing from home again and again, and another agency's concern"
    description = (
        "Two or more missing episodes of the child within six months, and within the same six "
        "months a concern about the child's welfare from an agency other than the one that "
        "recorded the episodes: going missing repeatedly is the commonest sign of exploitation, "
        "and the police who find the child are seldom those who hear the school's or the youth "
        "worker's concern."
    )

    Parameters = MissingRepeatParams

    def reach(self) -> Reach:
        return reach_for((*WELFARE_TYPES, "injury"), self.params.window_days)

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        recent = [f for f in timeline.within(as_of, p.window_days) if f.about_child]
        missing = of_type(recent, "missing_episode")
        if len(missing) < p.count:
            return None
        recorders = agencies(missing)
        others = [f for f in recent if f.type != "missing_episode" and welfare(f)
                  and f.agency not in recorders]  # fmt: skip
        if not others:
            return None
        text = (f"{counted(len(missing), 'missing episode')} in {p.window_days} days, and "
                f"{describe(others).lower()} about the child")  # fmt: skip
        return self.found(timeline, as_of, [*missing, *others], AMBER, text)


class ManyAgenciesLowLevelParams(Params):
    agencies: Count = 3
    window_days: Days = 182


class ManyAgenciesLowLevel(Rule[ManyAgenciesLowLevelParams]):
    id, version = "many-agencies", "3"
    title = "Several agencies each holding a concern"
    description = (
        "Concerns about the child's welfare, or domestic abuse incidents involving them, from "
        "three or more different agencies within six months: each below its own threshold, "
        "together a pattern."
    )

    Parameters = ManyAgenciesLowLevelParams

    def reach(self) -> Reach:
        return reach_for(CONCERN_TYPES, self.params.window_days)

    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        p = self.params
        worries = [f for f in timeline.within(as_of, p.window_days) if f.about_child
                   and (welfare(f) or f.type == "domestic_abuse_incident")]  # fmt: skip
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
    EducationWithdrawal, NewAdultWithViolence, AdultRisk, FrequentMoves, MovedWithHistory,
    MissingRepeat, ManyAgenciesLowLevel, StartAgain,
)  # fmt: skip
