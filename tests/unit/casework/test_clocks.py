"""The statutory pathway's clocks: known answers from DOMAIN.md and properties over 2000–2040."""

from __future__ import annotations

import ast
import calendar
import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.casework import clocks
from joinedup.casework.clocks import (
    DEFAULT,
    UK,
    ClockSettings,
    add_months,
    assessment_due,
    cla_review_due,
    cla_visit_due,
    contact_decision_due,
    cp_visit_due,
    days_late,
    end_of_day,
    first_core_group_due,
    icpc_due,
    information_request_due,
    is_overdue,
    london_day,
    next_core_group_due,
    oversight_due,
    review_conference_due,
    strategy_discussion_due,
)
from joinedup.core.workdays import add_working_days, is_working_day, working_days_between

PROPERTIES = settings(max_examples=200, deadline=None)
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
INSTANTS = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=datetime(2040, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, UK]),
)
MICROSECOND = timedelta(microseconds=1)

WORKING_DAY_CLOCKS: list[tuple[str, Callable[[date], date], int]] = [
    ("assessment", assessment_due, 45),
    ("strategy discussion", strategy_discussion_due, 1),
    ("ICPC", icpc_due, 15),
    ("first core group", first_core_group_due, 10),
    ("CP visit", cp_visit_due, 10),
    ("first looked-after review", lambda day: cla_review_due(day, []), 20),
    ("oversight", oversight_due, 20),
]


def _utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


# London days and the end of a London day


def test_london_day_follows_british_summer_time() -> None:
    assert london_day(_utc(2024, 7, 1, 23, 30)) == date(2024, 7, 2)  # 00:30 BST
    assert london_day(_utc(2024, 1, 31, 23, 30)) == date(2024, 1, 31)  # GMT


def test_london_day_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        london_day(datetime(2024, 1, 1, 12))  # noqa: DTZ001 - the point of the test


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 1, 15), _utc(2024, 1, 15, 23, 59, 59, 999999)),  # GMT
        (date(2024, 7, 1), _utc(2024, 7, 1, 22, 59, 59, 999999)),  # BST
        (date(2024, 3, 30), _utc(2024, 3, 30, 23, 59, 59, 999999)),  # the day before BST
        (date(2024, 3, 31), _utc(2024, 3, 31, 22, 59, 59, 999999)),  # clocks go forward
        (date(2024, 10, 26), _utc(2024, 10, 26, 22, 59, 59, 999999)),  # last day of BST
        (date(2024, 10, 27), _utc(2024, 10, 27, 23, 59, 59, 999999)),  # clocks go back
        (date(2024, 2, 29), _utc(2024, 2, 29, 23, 59, 59, 999999)),  # leap day
    ],
)
def test_end_of_day_is_the_last_london_instant_in_utc(day: date, expected: datetime) -> None:
    found = end_of_day(day)
    assert found == expected
    assert found.utcoffset() == timedelta(0)


@PROPERTIES
@given(DAYS)
def test_end_of_day_is_the_last_instant_of_that_london_day(day: date) -> None:
    last = end_of_day(day)
    assert london_day(last) == day
    assert london_day(last + MICROSECOND) == day + timedelta(days=1)


# Calendar months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # a leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),  # across the year end, clamped
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 5, 17), 0, date(2024, 5, 17)),
    ],
)
def test_add_months_known_answers(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_add_months_refuses_negative_months() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_months(date(2024, 1, 1), -1)


@PROPERTIES
@given(DAYS, st.integers(min_value=0, max_value=240))
def test_add_months_keeps_the_day_unless_the_month_is_shorter(day: date, months: int) -> None:
    found = add_months(day, months)
    assert (found.year * 12 + found.month) - (day.year * 12 + day.month) == months
    assert found.day == min(day.day, calendar.monthrange(found.year, found.month)[1])


@PROPERTIES
@given(DAYS, st.integers(min_value=0, max_value=120), st.integers(min_value=0, max_value=120))
def test_add_months_in_two_steps(day: date, a: int, b: int) -> None:
    at_once = add_months(day, a + b)
    in_steps = add_months(add_months(day, a), b)
    # Clamping can only pull a day back, and a day every month has is never clamped.
    assert in_steps <= at_once
    if day.day <= 28:
        assert in_steps == at_once


@PROPERTIES
@given(DAYS, st.integers(min_value=0, max_value=240))
def test_add_months_is_strictly_increasing(day: date, months: int) -> None:
    assert day <= add_months(day, months) < add_months(day, months + 1)


# Settings


def test_default_settings_are_domain_md_local_defaults() -> None:
    expected = ClockSettings(
        strategy_discussion_working_days=1,
        core_group_interval_days=28,
        cp_visit_working_days=10,
        information_request_hours_red=4,
        information_request_working_days_amber=1,
        information_request_working_days_green=3,
        oversight_working_days=20,
    )
    assert expected == DEFAULT == ClockSettings()


def test_negative_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="cp_visit_working_days"):
        ClockSettings(cp_visit_working_days=-1)


def test_the_module_never_reads_the_system_time() -> None:
    tree = ast.parse(inspect.getsource(clocks))
    called = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    called |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} - {"now"}
    assert not called & {"now", "today", "utcnow", "time_ns", "monotonic", "SystemClock"}


# Contact and information requests


@pytest.mark.parametrize(
    ("received_at", "expected"),
    [
        # A Saturday in November: due by the end of Monday (GMT).
        (_utc(2024, 11, 23, 10), _utc(2024, 11, 25, 23, 59, 59, 999999)),
        # A Saturday before the early May bank holiday: due by the end of Tuesday (BST).
        (_utc(2024, 5, 4, 10), _utc(2024, 5, 7, 22, 59, 59, 999999)),
        # 23:30 UTC on Monday 1 July is 00:30 on Tuesday in London: due the end of Wednesday.
        (_utc(2024, 7, 1, 23, 30), _utc(2024, 7, 3, 22, 59, 59, 999999)),
        # Christmas Eve 2021, a Friday: substitutes on 27 and 28, due the end of 29 December.
        (_utc(2021, 12, 24, 15), _utc(2021, 12, 29, 23, 59, 59, 999999)),
        # Friday before BST ends: due the end of Monday 28 October (GMT again).
        (_utc(2024, 10, 25, 9), _utc(2024, 10, 28, 23, 59, 59, 999999)),
    ],
)
def test_contact_decision_known_answers(received_at: datetime, expected: datetime) -> None:
    assert contact_decision_due(received_at) == expected


@PROPERTIES
@given(INSTANTS)
def test_a_contact_decision_is_due_at_the_end_of_the_next_working_day(received: datetime) -> None:
    due = contact_decision_due(received)
    assert due > received
    assert due == end_of_day(london_day(due))
    assert is_working_day(london_day(due))
    assert working_days_between(london_day(received), london_day(due)) == 1


def test_a_red_information_request_is_due_in_four_clock_hours() -> None:
    # Across the start of BST: clock hours, not wall-clock hours.
    assert information_request_due(_utc(2024, 3, 31, 0, 30), "red") == _utc(2024, 3, 31, 4, 30)
    # On a bank holiday too: red does not wait for a working day.
    assert information_request_due(_utc(2022, 9, 19, 22), "red") == _utc(2022, 9, 20, 2)


def test_amber_and_green_information_requests_known_answers() -> None:
    # Friday 16 September 2022: the Queen's funeral on Monday 19th; BST.
    friday = _utc(2022, 9, 16, 10)
    assert information_request_due(friday, "amber") == _utc(2022, 9, 20, 22, 59, 59, 999999)
    # Wednesday 3 May 2023 + 3 WD: Thursday, Friday, (coronation Monday), Tuesday 9 May.
    wednesday = _utc(2023, 5, 3, 10)
    assert information_request_due(wednesday, "green") == _utc(2023, 5, 9, 22, 59, 59, 999999)


def test_information_request_settings_are_honoured() -> None:
    local = ClockSettings(information_request_hours_red=2, information_request_working_days_green=5)
    start = _utc(2024, 1, 8, 9)  # a Monday
    assert information_request_due(start, "red", local) == _utc(2024, 1, 8, 11)
    assert information_request_due(start, "green", local) == end_of_day(date(2024, 1, 15))


@pytest.mark.parametrize("urgency", ["purple", "Red", ""])
def test_an_unknown_urgency_is_refused_by_name(urgency: str) -> None:
    with pytest.raises(ValueError, match=f"'{urgency}'"):
        information_request_due(_utc(2024, 1, 8, 9), urgency)


@PROPERTIES
@given(INSTANTS, st.sampled_from([("amber", 1), ("green", 3)]))
def test_amber_and_green_are_due_at_the_end_of_a_working_day(
    requested: datetime, urgency_days: tuple[str, int]
) -> None:
    urgency, days = urgency_days
    due = information_request_due(requested, urgency)
    assert due > requested
    assert due == end_of_day(london_day(due))
    assert is_working_day(london_day(due))
    assert working_days_between(london_day(requested), london_day(due)) == days


@PROPERTIES
@given(INSTANTS)
def test_red_is_always_four_hours(requested: datetime) -> None:
    assert information_request_due(requested, "red") - requested == timedelta(hours=4)


# The child protection pathway


def test_working_day_clocks_known_answers() -> None:
    # 1 December 2021 + 45 WD: Christmas substitutes and 3 January 2022 not counted.
    assert assessment_due(date(2021, 12, 1)) == date(2022, 2, 7)
    assert assessment_due(date(2025, 9, 1)) == date(2025, 11, 3)
    # Decided Friday 16 September 2022; Monday was the Queen's funeral.
    assert strategy_discussion_due(date(2022, 9, 16)) == date(2022, 9, 20)
    assert strategy_discussion_due(
        date(2024, 1, 8), ClockSettings(strategy_discussion_working_days=0)
    ) == date(2024, 1, 8)
    # Strategy discussion Monday 18 March 2024 + 15 WD, over Easter.
    assert icpc_due(date(2024, 3, 18)) == date(2024, 4, 10)
    # ICPC Thursday 27 April 2023 + 10 WD: early May bank holiday and the coronation.
    assert first_core_group_due(date(2023, 4, 27)) == date(2023, 5, 15)
    # Visit Friday 16 December 2022 + 10 WD: 26, 27 December and 2 January not counted.
    assert cp_visit_due(date(2022, 12, 16)) == date(2023, 1, 4)
    assert cp_visit_due(date(2022, 12, 16), ClockSettings(cp_visit_working_days=5)) == date(
        2022, 12, 23
    )
    # Oversight Friday 1 December 2023 + 20 WD, across Christmas and New Year.
    assert oversight_due(date(2023, 12, 1)) == date(2024, 1, 3)


def test_core_groups_are_every_four_weeks_in_calendar_days() -> None:
    assert next_core_group_due(date(2024, 2, 1)) == date(2024, 2, 29)
    assert next_core_group_due(date(2024, 12, 20)) == date(2025, 1, 17)
    local = ClockSettings(core_group_interval_days=21)
    assert next_core_group_due(date(2024, 12, 20), local) == date(2025, 1, 10)


def test_review_conferences_known_answers() -> None:
    assert review_conference_due(date(2023, 11, 30), None) == date(2024, 2, 29)
    assert review_conference_due(date(2023, 11, 30), date(2024, 2, 29)) == date(2024, 8, 29)
    assert review_conference_due(date(2023, 11, 30), date(2024, 8, 31)) == date(2025, 2, 28)


@pytest.mark.parametrize(("name", "clock", "days"), WORKING_DAY_CLOCKS)
def test_each_working_day_clock_counts_its_days(
    name: str, clock: Callable[[date], date], days: int
) -> None:
    @PROPERTIES
    @given(DAYS)
    def check(start: date) -> None:
        due = clock(start)
        assert due == add_working_days(start, days), name
        assert is_working_day(due), name
        assert working_days_between(start, due) == days, name

    check()


@pytest.mark.parametrize(("name", "clock", "days"), WORKING_DAY_CLOCKS)
def test_each_working_day_clock_is_monotonic(
    name: str, clock: Callable[[date], date], days: int
) -> None:
    @PROPERTIES
    @given(DAYS, DAYS)
    def check(one: date, two: date) -> None:
        early, late = sorted((one, two))
        assert clock(early) <= clock(late), name

    check()


@PROPERTIES
@given(DAYS, st.one_of(st.none(), DAYS))
def test_review_conferences_are_three_then_six_months(icpc: date, last: date | None) -> None:
    due = review_conference_due(icpc, last)
    base = icpc if last is None else last
    months = 3 if last is None else 6
    assert due == add_months(base, months)
    assert base + timedelta(days=28 * months) <= due <= base + timedelta(days=31 * months)


# Looked-after children


def test_looked_after_reviews_known_answers() -> None:
    started = date(2024, 3, 18)  # 20 WD over Easter 2024
    assert cla_review_due(started, []) == date(2024, 4, 17)
    assert cla_review_due(started, [date(2024, 4, 15)]) == date(2024, 7, 15)
    held = [date(2024, 7, 10), date(2024, 4, 15)]  # in any order
    assert cla_review_due(started, held) == date(2025, 1, 10)
    # A first review on 30 November: the second is due on the last day of February.
    assert cla_review_due(date(2023, 11, 1), [date(2023, 11, 30)]) == date(2024, 2, 29)


def test_reviews_from_an_earlier_period_of_care_do_not_count() -> None:
    earlier = [date(2022, 5, 1), date(2022, 8, 1)]
    assert cla_review_due(date(2024, 3, 18), earlier) == date(2024, 4, 17)


@PROPERTIES
@given(DAYS, st.lists(st.integers(min_value=0, max_value=2000), max_size=5))
def test_looked_after_reviews_follow_regulation_33(started: date, offsets: list[int]) -> None:
    held = [started + timedelta(days=k) for k in offsets]
    due = cla_review_due(started, held)
    if not held:
        assert due == add_working_days(started, 20)
    elif len(held) == 1:
        assert due == add_months(held[0], 3)
    else:
        assert due == add_months(max(held), 6)
    assert due > max(held, default=started)


@pytest.mark.parametrize(
    ("placed", "last", "to_18", "expected"),
    [
        # No visit yet: within a week of the start (across a leap day).
        (date(2024, 2, 22), None, False, date(2024, 2, 29)),
        # The last visit was in an earlier placement: a week from this one's start.
        (date(2024, 2, 22), date(2024, 2, 20), True, date(2024, 2, 29)),
        # In the first year: six weeks.
        (date(2024, 2, 22), date(2024, 2, 29), True, date(2024, 4, 11)),
        # The last day of the first year is still in it, even if intended to 18.
        (date(2023, 3, 1), date(2024, 2, 29), True, date(2024, 4, 11)),
        # After the first year: three months if intended to last to 18, else six weeks.
        (date(2023, 3, 1), date(2024, 3, 1), True, date(2024, 6, 1)),
        (date(2023, 3, 1), date(2024, 3, 1), False, date(2024, 4, 12)),
        (date(2022, 11, 30), date(2024, 11, 30), True, date(2025, 2, 28)),
    ],
)
def test_looked_after_visits_known_answers(
    placed: date, last: date | None, to_18: bool, expected: date
) -> None:
    assert cla_visit_due(placed, placed, last, intended_to_18=to_18) == expected


def test_a_placement_starts_no_earlier_than_becoming_looked_after() -> None:
    # Living with the carers from 1 January, looked after from 10 January: visit by the 17th.
    due = cla_visit_due(date(2024, 1, 10), date(2024, 1, 1), None, intended_to_18=False)
    assert due == date(2024, 1, 17)


@PROPERTIES
@given(DAYS, st.integers(0, 60), st.one_of(st.none(), st.integers(-30, 2000)), st.booleans())
def test_looked_after_visits_follow_regulation_28(
    looked_after: date, placed_after: int, visited_after: int | None, to_18: bool
) -> None:
    placed = looked_after + timedelta(days=placed_after)
    last = None if visited_after is None else placed + timedelta(days=visited_after)
    due = cla_visit_due(looked_after, placed, last, intended_to_18=to_18)
    if last is None or last < placed:
        assert due == placed + timedelta(days=7)
    elif last < add_months(placed, 12) or not to_18:
        assert due == last + timedelta(days=42)
    else:
        assert due == add_months(last, 3)
        assert due - last > timedelta(days=42)
    assert due > (placed if last is None or last < placed else last)


# Lateness


def test_is_overdue_only_after_the_due_instant() -> None:
    due = end_of_day(date(2024, 7, 1))
    assert not is_overdue(due, due)
    assert is_overdue(due, due + MICROSECOND)
    assert not is_overdue(due, due.astimezone(UK) - MICROSECOND)  # any timezone compares


def test_days_late_counts_working_days() -> None:
    due = date(2024, 3, 28)  # Thursday before Easter
    assert days_late(due, date(2024, 3, 27)) == 0  # early
    assert days_late(due, due) == 0  # on the day
    assert days_late(due, date(2024, 4, 2)) == 1  # Good Friday and Easter Monday skipped
    assert days_late(date(2024, 11, 22), date(2024, 11, 23)) == 0  # Saturday after a Friday


@PROPERTIES
@given(DAYS, st.integers(min_value=0, max_value=400))
def test_days_late_inverts_the_deadline(due: date, late: int) -> None:
    due = add_working_days(due, 1)  # a working day, as every working-day clock returns
    assert days_late(due, add_working_days(due, late)) == late
    assert days_late(add_working_days(due, late), due) == 0
