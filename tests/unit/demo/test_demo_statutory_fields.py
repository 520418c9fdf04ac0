"""What the demo's casework plan records for the statutory returns: meetings on working days,
closure reasons that fit the episode (CIN rule 2990), the children's disabilities, and support
after a child returns home from care."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import pairwise
from typing import Any

import orjson
import pytest

from joinedup.core import dfe_codes
from joinedup.core.workdays import add_working_days, is_working_day
from joinedup.demo import casecare
from joinedup.demo.casetext import NOT_BEFORE_3
from joinedup.demo.generator import generate
from joinedup.demo.timeutil import working_days_after

Line = dict[str, Any]


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> list[Line]:
    out = tmp_path_factory.mktemp("statutory")
    generate(children=1500, years=4, seed=8, out_dir=out)
    return [orjson.loads(line) for line in (out / "casework.jsonl").read_bytes().splitlines()]


def _episodes(plan: list[Line]) -> dict[str, list[Line]]:
    found: dict[str, list[Line]] = defaultdict(list)
    for line in plan:
        found[line["episode"]].append(line)
    return found


def test_working_days_after_counts_real_working_days() -> None:
    start = date(2025, 12, 19).toordinal()  # a Friday, before Christmas and Boxing Day
    assert date.fromordinal(working_days_after(start, 4)) == date(2025, 12, 29)
    for day in range(date(2024, 1, 1).toordinal(), date(2024, 3, 1).toordinal()):
        for n in (1, 10, 15, 45):
            after = date.fromordinal(working_days_after(day, n))
            assert is_working_day(after)
            assert after == add_working_days(date.fromordinal(day), n)


def test_conferences_are_held_on_working_days(plan: list[Line]) -> None:
    held = [date.fromisoformat(line["on"]) for line in plan
            if line["action"] in ("initial_conference", "review_conference")]  # fmt: skip
    initial = [line for line in plan if line["action"] == "initial_conference"]
    assert len(initial) > 20
    assert all(day.weekday() < 5 for day in held)


def test_no_case_closes_as_after_assessment_once_it_went_further(plan: list[Line]) -> None:
    further = {"complete_section47", "initial_conference", "start_looked_after"}
    closed_after_assessment = 0
    for lines in _episodes(plan).values():
        for line in lines:
            if line["action"] != "close" or line["fields"]["closure_reason"] not in ("RC8", "RC9"):
                continue
            closed_after_assessment += 1
            assert not any(other["action"] in further for other in lines)
            assert not any(other.get("outcome") == "section47" for other in lines)
            found_in_need = [o for o in lines if o.get("outcome") == "child_in_need"]
            assert not found_in_need
    assert closed_after_assessment > 20


def test_assessments_record_each_childs_disabilities_consistently(plan: list[Line]) -> None:
    by_child: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    codes: set[str] = set()
    child = {line["episode"]: line["child"]["record_id"] for line in plan if "child" in line}
    assessed = [line for line in plan if line["action"] == "complete_assessment"]
    for line in assessed:
        found = line["fields"]["disabilities"]
        assert found and set(found) <= dfe_codes.DISABILITY
        assert found == ["NONE"] or "NONE" not in found
        assert len(set(found)) == len(found)
        by_child[child[line["episode"]]].add(tuple(found))
        codes.update(found)
    disabled = [line for line in assessed if line["fields"]["disabilities"] != ["NONE"]]
    assert 0.01 < len(disabled) / len(assessed) < 0.2
    assert len(codes) >= 6
    # The same codes each time, less those seldom identified in infancy while the child is young.
    for seen in by_child.values():
        assert len({c for found in seen for c in found} - {"NONE"}) <= 2
        later = [found for found in seen if set(found) & NOT_BEFORE_3]
        assert len(set(later)) <= 1


def test_a_child_who_returns_home_stays_a_child_in_need_for_a_while(plan: list[Line]) -> None:
    supported = 0
    for lines in _episodes(plan).values():
        ends = [line for line in lines if line["action"] == "end_looked_after"]
        if not ends or ends[-1]["fields"]["reason_ceased"] not in casecare.RETURNED_HOME:
            continue
        home = date.fromisoformat(ends[-1]["on"])
        closes = [line for line in lines if line["action"] == "close"]
        if closes and closes[-1]["fields"]["closure_reason"] == "RC7":
            closed = date.fromisoformat(closes[-1]["on"])
            assert (closed - home).days >= casecare.SUPPORT_DAYS[2]
            supported += 1
        visits = [line for line in lines if line["action"] == "visit"
                  and date.fromisoformat(line["on"]) > home]  # fmt: skip
        assert visits or not closes or (date.fromisoformat(closes[-1]["on"]) - home).days < 15
    assert supported > 0


def test_a_care_leaver_at_18_is_closed_as_before(plan: list[Line]) -> None:
    for lines in _episodes(plan).values():
        ends = [line for line in lines if line["action"] == "end_looked_after"]
        if ends and ends[-1]["fields"]["reason_ceased"] in ("E5", "E17"):
            closes = [line for line in lines if line["action"] == "close"]
            if closes:
                gap = date.fromisoformat(closes[-1]["on"]) - date.fromisoformat(ends[-1]["on"])
                assert gap.days <= 5


def test_an_enquiry_that_found_nothing_still_names_its_concern(plan: list[Line]) -> None:
    """CIN query 8873Q: "21 no factors identified" goes with RC8/RC9, which an enquiry rules out."""
    checked = 0
    for lines in _episodes(plan).values():
        if not any(line.get("outcome") == "not_substantiated" for line in lines):
            continue
        for line in lines:
            if line["action"] == "complete_assessment":
                checked += 1
                assert line["fields"]["factors"] != ["21"]
    assert checked > 0


def test_the_demos_adopters_always_tell_one_story() -> None:
    """Every draw of adopters is one casework accepts: number, sexes and legal status agree."""
    import random

    from joinedup.casework import steps

    base = {"reason_ceased": "E12", "adoption_decided_on": "2025-01-10",
            "adoption_matched_on": "2025-02-03", "adopted_by_foster_carers": False}  # fmt: skip
    seen = set()
    for seed in range(400):
        r = random.Random(seed)
        count = r.choice((1, 2))
        drawn = casecare._adopters(r, count)
        steps.validate("end_looked_after", {**base, "adopters": count, **drawn})
        seen.add((drawn["adopters_sex"], drawn["adopters_legal_status"]))
    assert {("MF", "L11"), ("F1", "L0")} <= seen and any(s == "L12" for _, s in seen)


@pytest.mark.parametrize(("reason", "why"), [("E3", "RD4"), ("E8", "RD1")])
def test_care_ending_without_adoption_after_a_decision_reverses_it(reason: str, why: str) -> None:
    """SSDA903 rule 557: a child with a decision to place for adoption who leaves care other
    than by adoption has the decision's end recorded that day, with a reason casework takes."""
    import random
    from types import SimpleNamespace

    from joinedup.casework import pathway, steps
    from joinedup.demo import caseepisode
    from joinedup.demo.caseplan import Track
    from joinedup.demo.model import Person

    child = Person(pid="c1", given="Test", sex="F", dob=date(2015, 1, 1).toordinal(),
                   culture="en", surnames=[(0, "Child")], nhs="", ethnicity="WBRI",
                   language="en")  # fmt: skip
    decided, ended = date(2023, 3, 1), date(2024, 6, 3)
    track = Track(episode="E1", child=child, worker="sw.cic.01", stage=pathway.LOOKED_AFTER,
                  cla=(date(2022, 9, 1), False),
                  adoption={"decided": decided.toordinal()})  # fmt: skip
    ctx: Any = SimpleNamespace(plan_rng=random.Random(1))
    assert caseepisode._adoption_reversed(ctx, track, ended.toordinal(), reason)
    line = track.lines[-1][1]
    assert (line["action"], line["on"]) == ("adoption_decision", ended.isoformat())
    assert line["fields"] == {"decided_on": decided.isoformat(), "ceased_on": ended.isoformat(),
                              "reason_placed_ceased": why}  # fmt: skip
    assert steps.validate("adoption_decision", line["fields"])
    assert "decided" not in track.adoption  # reversed once


def test_the_children_in_care_team_takes_over_days_after_care_begins(plan: list[Line]) -> None:
    """The case moves to the children in care team at a transfer planned 5 to 20 days after care
    begins, never the day care begins: so no social worker holds a child for a day or two
    (SSDA903 SW09STG2), however soon after the referral care began."""
    moves = 0
    for lines in _episodes(plan).values():
        began = [date.fromisoformat(x["on"]) for x in lines if x["action"] == "start_looked_after"]
        held = [(date.fromisoformat(x["on"]), x["fields"]) for x in lines
                if x["action"] == "allocate"]  # fmt: skip
        for (on, _), (then, _) in pairwise(held):
            assert (then - on).days >= 3
        for on, fields in held:
            if fields.get("team") == "Children in care team":
                moves += 1
                since = max(b for b in began if b <= on)
                assert 5 <= (on - since).days <= 20
    assert moves > 0


def test_a_case_closed_while_its_conference_is_due_holds_the_conference_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The history closed a case 13 days after its enquiry convened an initial conference, with
    no conference (10,000-child demo): casework refuses that close, so the case waited for ever
    and the 2025-26 census carried the enquiry with no conference (CIN rule 8740). The demo now
    holds the conference first, on a working day, deciding no plan, then closes (RC7, not RC8:
    CIN rule 2990)."""
    import random
    from types import SimpleNamespace

    from joinedup.casework import pathway
    from joinedup.demo import caseepisode, casetext
    from joinedup.demo.caseplan import Track
    from joinedup.demo.model import Person
    from joinedup.demo.statutory import Step

    monkeypatch.setattr(casetext, "chair", lambda d, rng: "Chair One")
    monkeypatch.setattr(casetext, "attendees", lambda d, rng: [])
    child = Person(pid="c1", given="Test", sex="F", dob=date(2015, 1, 1).toordinal(),
                   culture="en", surnames=[(0, "Child")], nhs="", ethnicity="WBRI",
                   language="en")  # fmt: skip
    track = Track(episode="E1", child=child, worker="sw.assess.01",
                  stage=pathway.AWAITING_CONFERENCE,
                  due={"initial_conference": date(2024, 5, 21)})  # fmt: skip
    world = SimpleNamespace(end=date(2026, 11, 24).toordinal())
    ctx: Any = SimpleNamespace(plan_rng=random.Random(1), d=None, world=world)
    saturday = date(2024, 5, 25)
    closed = Step(saturday.toordinal(), child, "", "case_closed", {"reason": "RC8"}, "Closed.", "")
    assert caseepisode._close(ctx, track, closed, saturday.toordinal())
    done = [(x["action"], x.get("outcome", ""), x["on"]) for _, x in track.lines]
    # Saturday 25 May 2024; Monday 27 May was the spring bank holiday.
    assert done == [("initial_conference", "no_further_action", "2024-05-28"),
                    ("close", "", "2024-05-28")]  # fmt: skip
    assert track.lines[-1][1]["fields"]["closure_reason"] == "RC7"
    assert track.stage == pathway.CLOSED


def test_a_family_moving_away_mid_enquiry_or_before_the_conference_closes_the_case_rc5(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A history that closes a case on a transfer (RC5) during a section 47 enquiry or while
    its initial conference is due: casework now closes it there, so the demo closes it as it
    stands, inventing neither an enquiry outcome nor a conference; another reason at either
    stage is still not planned (casework would refuse it)."""
    import random
    from types import SimpleNamespace

    from joinedup.casework import pathway
    from joinedup.demo import caseepisode, casetext
    from joinedup.demo.caseplan import Track
    from joinedup.demo.model import Person
    from joinedup.demo.statutory import Step

    monkeypatch.setattr(casetext, "chair", lambda d, rng: "Chair One")
    monkeypatch.setattr(casetext, "attendees", lambda d, rng: [])
    child = Person(pid="c1", given="Test", sex="F", dob=date(2015, 1, 1).toordinal(),
                   culture="en", surnames=[(0, "Child")], nhs="", ethnicity="WBRI",
                   language="en")  # fmt: skip
    world = SimpleNamespace(end=date(2026, 11, 24).toordinal())
    ctx: Any = SimpleNamespace(plan_rng=random.Random(1), d=None, world=world)
    day = date(2024, 5, 22).toordinal()
    conference_due = {"initial_conference": date(2024, 5, 21)}
    for stage, due in ((pathway.SECTION47, {}), (pathway.AWAITING_CONFERENCE, conference_due)):
        track = Track(episode="E1", child=child, worker="sw.assess.01", stage=stage,
                      due=dict(due), section47_open=stage == pathway.SECTION47)  # fmt: skip
        moved = Step(day, child, "", "case_closed", {"reason": "RC5"}, "Moved away.", "")
        assert caseepisode._close(ctx, track, moved, day)
        done = [(x["action"], x.get("outcome", ""), x["on"]) for _, x in track.lines]
        assert done == [("close", "", "2024-05-22")], stage
        assert track.lines[-1][1]["fields"]["closure_reason"] == "RC5"
        assert track.stage == pathway.CLOSED and not track.section47_open
    track = Track(episode="E2", child=child, worker="sw.assess.01", stage=pathway.SECTION47,
                  due={}, section47_open=True)  # fmt: skip
    other = Step(day, child, "", "case_closed", {"reason": "RC7"}, "Closed.", "")
    assert not caseepisode._close(ctx, track, other, day)
    assert track.lines == [] and track.stage == pathway.SECTION47


def test_a_guardianship_order_to_foster_carers_ends_care_from_foster_care() -> None:
    """E45/E46 is a special guardianship order to the child's foster carers: the demo never
    moves such a child to a children's home (903 rule 516; casework refuses it), and draws
    the same numbers either way, so no other placement changes."""
    import random

    for seed in range(300):
        age, months = 13 + seed % 5, seed % 12
        ended_sgo = casecare._place_for(random.Random(seed), age, months, foster_only=True)
        other = casecare._place_for(random.Random(seed), age, months, foster_only=False)
        assert ended_sgo in dfe_codes.FOSTER_PLACEMENTS
        assert other == "K2" or other == ended_sgo
    homes = [casecare._place_for(random.Random(s), 14, 3, foster_only=False) for s in range(50)]
    assert "K2" in homes


def test_a_child_placed_for_adoption_from_the_start_never_leaves_care_to_foster_carers() -> None:
    """A period that begins with a placement order (E1) is an adoptive placement from day one:
    it cannot end in an order to former foster carers (E45, E46; rule 516, which casework
    refuses). The same numbers are drawn, so nothing else about the period changes."""
    import random

    from joinedup.demo import care

    sgo = dfe_codes.SGO_TO_FOSTER_CARERS
    for seed in range(400):
        placed = care._course(random.Random(seed), "E1", 6.0)
        fostered = care._course(random.Random(seed), "C2", 6.0)
        assert placed[1] not in sgo
        assert placed[0] == fostered[0]
        assert placed[1] == fostered[1] or (fostered[1] in sgo and placed[1] == "E47")
    assert any(care._course(random.Random(s), "C2", 6.0)[1] in sgo for s in range(400))


def test_a_years_outcomes_are_recorded_only_in_the_weeks_before_its_31_march(
    plan: list[Line],
) -> None:
    """OC2's health and outcomes are for a year ending 31 March. The world's last stock day is
    its as-of day (a part-year): nothing is recorded for it as if a year had ended there."""
    outcomes = [date.fromisoformat(line["on"]) for line in plan if line["action"] == "cla_outcomes"]
    assert outcomes
    for day in outcomes:
        assert day.month == 3 and day.day <= 28, day
