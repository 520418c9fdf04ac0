"""The escalation clocks on England's working days: known answers, and properties over
2000–2040 with weekends, bank holidays and year ends (a strategy leans on late December)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.core.workdays import is_working_day, working_days_between
from joinedup.practice import clocks
from joinedup.practice.clocks import (
    STAGES,
    EscalationClock,
    Position,
    first_position,
    moved_on,
    overdue_moves,
    review_due,
    stage_due,
)

PROPERTIES = settings(max_examples=200, deadline=None)
any_day = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
year_end = st.builds(
    lambda year, offset: date(year, 12, 15) + timedelta(days=offset),
    st.integers(2000, 2039),
    st.integers(0, 25),
)
days = st.one_of(any_day, year_end)
timescales = (
    st.lists(st.integers(1, 30), min_size=4, max_size=4)
    .map(sorted)
    .map(lambda found: EscalationClock(tuple(found)))
)
stages = st.sampled_from(STAGES)


def test_the_default_stages_on_known_dates() -> None:
    # Raised Wednesday 23 December 2026: 24 Dec is 1 WD; 25, 28 (Boxing Day substitute) off.
    first = first_position(date(2026, 12, 23))
    assert first == Position("practitioner", date(2026, 12, 23), date(2026, 12, 29))
    moves = overdue_moves(first, date(2027, 1, 4))
    assert [m.stage for m in moves] == ["manager"]
    assert moves[0].started_on == date(2026, 12, 30)
    # 5 WD from Wednesday 30 December: 31, 4, 5, 6, 7 January (1 January is a bank holiday).
    assert moves[0].due_on == date(2027, 1, 7)
    # Good Friday 26 March 2027 + 10 WD: Easter Monday off; 30, 31 Mar, 1, 2, 5-9, 12 Apr.
    assert stage_due(date(2027, 3, 26), "senior_manager") == date(2027, 4, 12)


@PROPERTIES
@given(days, stages, timescales)
def test_a_stage_is_due_on_a_working_day_strictly_after_it_starts(
    start: date, stage: str, clock: EscalationClock
) -> None:
    due = stage_due(start, stage, clock)
    assert due > start
    assert is_working_day(due)
    assert working_days_between(start, due) == clock.days(stage)


@PROPERTIES
@given(days, timescales)
def test_later_stages_never_have_less_time(start: date, clock: EscalationClock) -> None:
    dues = [stage_due(start, stage, clock) for stage in STAGES]
    assert dues == sorted(dues)
    for (a, b), (da, db) in zip(pairwise(STAGES), pairwise(dues), strict=True):
        if clock.days(a) < clock.days(b):
            assert da < db


@PROPERTIES
@given(days, days, stages, timescales)
def test_a_later_start_is_never_due_earlier(
    a: date, b: date, stage: str, clock: EscalationClock
) -> None:
    first, second = sorted((a, b))
    assert stage_due(first, stage, clock) <= stage_due(second, stage, clock)


@PROPERTIES
@given(days, st.integers(0, 120), timescales)
def test_the_sweep_gives_the_same_answer_run_daily_or_once(
    raised: date, span: int, clock: EscalationClock
) -> None:
    as_of = raised + timedelta(days=span)
    start = first_position(raised, clock)
    once = [start, *overdue_moves(start, as_of, clock)][-1]
    daily = first_position(raised, clock)
    for offset in range(span + 1):
        moves = overdue_moves(daily, raised + timedelta(days=offset), clock)
        daily = moves[-1] if moves else daily
    assert daily == once


@PROPERTIES
@given(days, st.integers(0, 200), timescales)
def test_moves_chain_stage_after_stage_and_stop_at_the_partnership(
    raised: date, span: int, clock: EscalationClock
) -> None:
    as_of = raised + timedelta(days=span)
    previous = first_position(raised, clock)
    moves = overdue_moves(previous, as_of, clock)
    for move in moves:
        assert STAGES.index(move.stage) == STAGES.index(previous.stage) + 1
        assert move.started_on == previous.due_on + timedelta(days=1) <= as_of
        assert move.due_on > move.started_on and is_working_day(move.due_on)
        previous = move
    # Where it stands is not overdue, unless it is at the last stage.
    assert previous.stage == "partnership" or as_of <= previous.due_on
    assert len(moves) <= len(STAGES) - 1


@PROPERTIES
@given(days, timescales)
def test_moving_on_by_hand_starts_the_next_clock_that_day(on: date, clock: EscalationClock) -> None:
    position = first_position(on, clock)
    for stage in STAGES[1:]:
        position = moved_on(position, on, clock)
        assert position == Position(stage, on, stage_due(on, stage, clock))
    with pytest.raises(ValueError, match="last stage"):
        moved_on(position, on, clock)


@pytest.mark.parametrize(
    "bad", [(2, 5, 10), (0, 5, 10, 15), (2, 5, 4, 15), (2, 5, 10, 15, 20), (-1, 1, 1, 1)]
)
def test_timescales_are_one_per_stage_positive_and_never_shorter(bad: tuple[int, ...]) -> None:
    with pytest.raises(ValueError):
        EscalationClock(bad)


@PROPERTIES
@given(days, st.integers(1, 26))
def test_family_plan_reviews_are_the_set_weeks_apart(last: date, weeks: int) -> None:
    assert review_due(last, weeks) - last == timedelta(weeks=weeks)
    assert clocks.review_due(last) == last + timedelta(weeks=6)


def test_a_review_needs_a_positive_interval() -> None:
    with pytest.raises(ValueError):
        review_due(date(2026, 1, 1), 0)
