"""The facts query reads what the rules reach, and agrees with the chronology on the same store.

`facts_sql.read_timelines` must give each child the facts `timeline.from_chronology` gives from
their household chronology (latest versions only, household members' and related adults'
records, partial dates at the start of their period), limited to what the configured rules
can read as of the day given: and the rules must find the same, day by day.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from joinedup.access.roles import Actor
from joinedup.chronology import service as chronology
from joinedup.intake.models import Event
from joinedup.rules import engine, facts_sql
from joinedup.rules.config import default_rules
from joinedup.rules.engine import ANY_TYPE, Reach
from joinedup.rules.facts import Fact, Timeline
from joinedup.rules.library import DEFAULT_RULES, InjuryPattern
from joinedup.rules.timeline import from_chronology
from tests.unit.chronology.test_chronology import HEALTH, POLICE, SCHOOL, at, boy, partner, sister
from tests.unit.people.support import Store, adult, people, rec

__all__ = ["people"]  # the fixture

RULES = default_rules().rules
SYSTEM = Actor.system("test")


def records() -> list[dict[str, Any]]:
    """A boy, his sister, their mother and her partner, over five years and five agencies."""
    offence = rec(partner(relationship=None), type="adult_offence", source=POLICE,
                  attributes={"category": "violence"}, **at("2019-02-01"))  # fmt: skip
    offence["subjects"][0]["ref"] = "a1"
    later = rec(partner(relationship=None), type="adult_offence", source=POLICE,
                attributes={"category": "sexual"}, **at("2024-04-02"))  # fmt: skip
    later["subjects"][0]["ref"] = "a1"
    social = {"agency": "childrens_social_care", "organisation": "Testshire Council"}
    return [
        offence,
        rec(boy(), partner(), type="note", source=SCHOOL, attributes={}, **at("2020-05-01")),
        rec(
            boy(),
            adult(),
            source=HEALTH,
            occurred_at="2023",
            date_precision="year",
            attributes={"category": "development"},
        ),
        rec(boy(), adult(), source=SCHOOL, attributes={"category": "hunger"}, **at("2024-01-10")),
        rec(
            boy(),
            adult(victim=True),
            partner(perpetrator=True),
            type="domestic_abuse_incident",
            source=POLICE,
            attributes={"children_present": True, "risk_level": "high"},
            **at("2024-03-01"),
        ),
        later,
        rec(
            sister(), adult(), source=SCHOOL, attributes={"category": "hygiene"}, **at("2024-05-05")
        ),
        rec(
            boy(),
            source=HEALTH,
            type="was_not_brought",
            attributes={"service": "dental"},
            occurred_at="2024-06",
            date_precision="month",
        ),
        rec(
            boy(),
            source=HEALTH,
            type="injury",
            record_id="t:injury",
            attributes={"explanation_consistent": "no"},
            **at("2024-07-01"),
        ),
        rec(
            boy(),
            adult(),
            type="change_of_address",
            source=social,
            attributes={},
            **at("2024-08-01"),
        ),
        rec(
            adult(),
            type="adult_risk",
            source=HEALTH,
            attributes={"category": "substance_misuse"},
            **at("2024-09-01"),
        ),
        rec(
            boy(),
            type="school_absence",
            source=SCHOOL,
            attributes={
                "persistent": True,
                "sessions_missed": 12,
                "period_start": "2024-09-02",
                "period_end": "2024-09-13",
            },
            **at("2024-09-15"),
        ),
        rec(
            sister(),
            adult(),
            type="contact_outcome",
            source=social,
            attributes={"outcome": "no_further_action"},
            **at("2024-10-01"),
        ),
    ]


@pytest.fixture
def family(people: Store) -> Store:
    for r in records():
        people.submit(r)
    amended = next(r for r in records() if r["record_id"] == "t:injury")
    amended["attributes"] = {"explanation_consistent": "yes"}  # a second version: the current
    people.submit(amended)
    return people


def both(family: Store, since: date | None) -> tuple[dict[int, Timeline], dict[int, Timeline]]:
    """Each child's time line through the facts query and through the chronology."""
    events = list(family.session.scalars(select(Event.id)))
    circles = facts_sql.touched(family.session, events)
    reach = engine.reach_of(RULES)
    scopes = list(circles.values())
    lean = facts_sql.read_timelines(family.session, scopes, reach, since=since)
    found = chronology.get_timelines(
        session=family.session, actor=SYSTEM, person_ids=sorted(circles), now=family.clock.now()
    )
    return lean, {t.person_id: from_chronology(t) for t in found}


def shape(f: Fact) -> tuple[Any, ...]:
    return (f.event_id, f.record_id, f.occurred, f.precision, f.agency, f.type, f.attributes,
            f.about_child, f.subjects, f.seen)  # fmt: skip


def reached(f: Fact, reach: Reach, since: date) -> bool:
    """What the rules can read as of `since` or later: by type, and records naming an adult."""
    limits = [reach.days.get(f.type, 0), reach.days.get(ANY_TYPE, 0)]
    if f.adults and reach.sightings is not None:
        limits.append(reach.sightings)
    return any(b is None or (b and f.occurred >= since - timedelta(days=b)) for b in limits)


def findings(timeline: Timeline, on: date) -> list[tuple[str, str, list[int], str]]:
    return [(f.rule_id, f.urgency, f.evidence_ids, f.explanation)
            for f in engine.evaluate(RULES, timeline, on)]  # fmt: skip


def test_with_no_limit_the_facts_query_gives_exactly_the_chronologys_facts(family: Store) -> None:
    lean, full = both(family, None)
    assert set(lean) == set(full) and len(full) == 2  # the boy and his sister
    for child, timeline in full.items():
        mine = lean[child]
        assert [shape(f) for f in mine.facts] == [shape(f) for f in timeline.facts]
        assert (mine.birth, mine.birth_precision) == (timeline.birth, timeline.birth_precision)
        assert mine.household_adults == timeline.household_adults
    boy_line = next(t for t in full.values() if any(f.type == "injury" for f in t.facts))
    (injury,) = [f for f in boy_line.facts if f.type == "injury"]
    assert injury.attribute("explanation_consistent") == "yes"  # the latest version only
    year = next(f for f in boy_line.facts if f.precision == "year")
    assert year.occurred == date(2023, 1, 1)


@pytest.mark.parametrize("since", [date(2024, 6, 1), date(2024, 9, 1), date(2026, 1, 1)])
def test_limited_to_the_rules_reach_the_same_facts_and_the_same_findings_every_day(
    family: Store, since: date
) -> None:
    lean, full = both(family, since)
    reach = engine.reach_of(RULES)
    for child, timeline in full.items():
        mine = {f.event_id: shape(f) for f in lean[child].facts}
        wanted = {f.event_id: shape(f) for f in timeline.facts if reached(f, reach, since)}
        assert {e: mine[e] for e in wanted} == wanted  # everything in reach, as the chronology
        assert set(mine) <= {f.event_id for f in timeline.facts}  # nothing it does not show
        days = sorted({f.occurred for f in timeline.facts if f.occurred >= since} | {since})
        for day in days:
            assert findings(lean[child], day) == findings(timeline, day), (child, day)


def test_the_old_first_sighting_of_an_adult_keeps_him_from_being_new(family: Store) -> None:
    """The partner was first recorded with the boy in 2020: his 2024 offence is not a new
    adult's, although the window of `new-adult-violence` (365 days) starts long after."""
    lean, full = both(family, date(2024, 6, 1))
    for child, timeline in full.items():
        assert not [f for f in findings(lean[child], date(2024, 6, 1))
                    if f[0] == "new-adult-violence"]  # fmt: skip
        assert findings(lean[child], date(2024, 6, 1)) == findings(timeline, date(2024, 6, 1))


def test_the_reach_is_computed_from_the_rules_parameters() -> None:
    reach = engine.reach_of(RULES)
    assert reach.days["adult_offence"] is None and reach.sightings == 365
    assert ANY_TYPE not in reach.days and reach.days["injury"] == 3650
    wider = engine.reach_of([InjuryPattern(InjuryPattern.Parameters(window_days=400))])
    assert wider.days == {"injury": 400} and wider.sightings is None
    assert all(cls().reach().days for cls in DEFAULT_RULES)
