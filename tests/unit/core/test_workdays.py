"""Working days in England: weekends and England and Wales bank holidays do not count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.core.workdays import (
    add_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
)

PROPERTIES = settings(max_examples=200, deadline=None)
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
# Up to about six years of working days: whole-week jumps across many year ends.
COUNTS = st.integers(min_value=0, max_value=1600)


def naive_add_working_days(start: date, days: int) -> date:
    """The reference: count forward one calendar day at a time."""
    current = start
    while days:
        current += timedelta(days=1)
        if is_working_day(current):
            days -= 1
    return current


def naive_working_days_between(start: date, end: date) -> int:
    return sum(is_working_day(start + timedelta(days=k)) for k in range(1, (end - start).days + 1))


def test_bank_holidays_and_weekends_are_not_working_days() -> None:
    assert not is_working_day(date(2025, 12, 25))  # Christmas Day
    assert not is_working_day(date(2025, 8, 25))  # summer bank holiday (England)
    assert not is_working_day(date(2025, 11, 22))  # a Saturday
    assert is_working_day(date(2025, 11, 24))


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2021, 12, 27), "Christmas Day 2021 fell on a Saturday: substitute Monday"),
        (date(2021, 12, 28), "Boxing Day 2021 fell on a Sunday: substitute Tuesday"),
        (date(2022, 12, 27), "Christmas Day 2022 fell on a Sunday: substitute Tuesday"),
        (date(2023, 1, 2), "New Year's Day 2023 fell on a Sunday: substitute Monday"),
        (date(2024, 3, 29), "Good Friday 2024"),
        (date(2024, 4, 1), "Easter Monday 2024"),
        (date(2022, 9, 19), "the State Funeral of Queen Elizabeth II"),
        (date(2023, 5, 8), "the Coronation of King Charles III"),
        (date(2022, 6, 3), "the Platinum Jubilee"),
    ],
)
def test_one_off_and_substitute_bank_holidays_are_not_working_days(day: date, why: str) -> None:
    assert day.weekday() < 5
    assert not is_working_day(day), why


def test_29_february_2024_is_a_working_day() -> None:
    assert is_working_day(date(2024, 2, 29))
    assert add_working_days(date(2024, 2, 28), 1) == date(2024, 2, 29)
    assert add_working_days(date(2024, 2, 29), 1) == date(2024, 3, 1)


def test_one_working_day_after_christmas_eve_2025_is_29_december() -> None:
    # 25 and 26 December are bank holidays, 27 and 28 a weekend.
    assert add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)


def test_45_working_days_from_a_referral_on_1_september_2025() -> None:
    # Nine weeks of weekdays, no bank holiday between September and early November.
    assert add_working_days(date(2025, 9, 1), 45) == date(2025, 11, 3)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Christmas 2021: Sat 25, Sun 26, substitutes Mon 27 and Tue 28.
        (date(2021, 12, 24), 1, date(2021, 12, 29)),
        # Christmas 2022: Sun 25, Boxing Day Mon 26, substitute Tue 27.
        (date(2022, 12, 23), 1, date(2022, 12, 28)),
        # Across the year end: New Year's Day 2023 on a Sunday, substitute Mon 2 January.
        (date(2022, 12, 30), 1, date(2023, 1, 3)),
        # Easter 2024: Good Friday 29 March, Easter Monday 1 April.
        (date(2024, 3, 28), 1, date(2024, 4, 2)),
        # The Queen's funeral, Monday 19 September 2022.
        (date(2022, 9, 16), 1, date(2022, 9, 20)),
        # The coronation, Monday 8 May 2023, a week after the early May bank holiday.
        (date(2023, 4, 28), 5, date(2023, 5, 9)),
        # 1 December 2021 + 45: Christmas substitutes and 3 January 2022 skipped.
        (date(2021, 12, 1), 45, date(2022, 2, 7)),
        # Starting on a Saturday: Monday is the first working day.
        (date(2024, 11, 23), 1, date(2024, 11, 25)),
        # Zero days is the start itself, even on a bank holiday.
        (date(2022, 9, 19), 0, date(2022, 9, 19)),
    ],
)
def test_known_answers(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected
    assert working_days_between(start, expected) == days


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2024, 1, 1), -1)


def test_next_working_day_known_answers() -> None:
    assert next_working_day(date(2024, 11, 25)) == date(2024, 11, 25)  # a Monday: itself
    assert next_working_day(date(2022, 12, 24)) == date(2022, 12, 28)  # Sat to after the subs
    assert next_working_day(date(2022, 9, 19)) == date(2022, 9, 20)  # the funeral
    assert next_working_day(date(2023, 12, 30)) == date(2024, 1, 2)  # across the year end


def test_working_days_between_known_answers() -> None:
    assert working_days_between(date(2024, 3, 28), date(2024, 4, 2)) == 1  # Easter
    assert working_days_between(date(2024, 3, 28), date(2024, 3, 28)) == 0
    assert working_days_between(date(2024, 4, 2), date(2024, 3, 28)) == 0  # backwards
    assert working_days_between(date(2024, 11, 22), date(2024, 11, 24)) == 0  # a weekend
    # The whole of 2024: 262 weekdays less 8 bank holidays, all on weekdays.
    assert working_days_between(date(2023, 12, 31), date(2024, 12, 31)) == 254


def test_working_days_between_over_the_whole_range_matches_a_day_by_day_count() -> None:
    start, end = date(2000, 1, 1), date(2040, 12, 31)
    assert working_days_between(start, end) == naive_working_days_between(start, end)


@PROPERTIES
@given(DAYS, COUNTS)
def test_add_working_days_equals_a_day_by_day_count(start: date, days: int) -> None:
    assert add_working_days(start, days) == naive_add_working_days(start, days)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 60))
def test_the_result_is_a_working_day_with_exactly_n_working_days_counted(
    start: date, n: int
) -> None:
    end = add_working_days(start, n)
    counted = sum(
        is_working_day(start + timedelta(days=k)) for k in range(1, (end - start).days + 1)
    )
    assert counted == n
    assert n == 0 or is_working_day(end)


@PROPERTIES
@given(DAYS, COUNTS)
def test_working_days_between_inverts_add_working_days(start: date, days: int) -> None:
    assert working_days_between(start, add_working_days(start, days)) == days


@PROPERTIES
@given(DAYS, st.integers(min_value=-30, max_value=1200))
def test_working_days_between_equals_a_day_by_day_count(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    assert working_days_between(start, end) == max(0, naive_working_days_between(start, end))


@PROPERTIES
@given(DAYS, COUNTS, COUNTS)
def test_adding_in_two_steps_equals_adding_at_once(start: date, a: int, b: int) -> None:
    assert add_working_days(add_working_days(start, a), b) == add_working_days(start, a + b)


@PROPERTIES
@given(DAYS, DAYS, COUNTS)
def test_later_starts_never_give_earlier_results(one: date, two: date, days: int) -> None:
    early, late = sorted((one, two))
    assert add_working_days(early, days) <= add_working_days(late, days)


@PROPERTIES
@given(DAYS, COUNTS, st.integers(min_value=1, max_value=50))
def test_more_days_give_a_strictly_later_working_day(start: date, days: int, more: int) -> None:
    later = add_working_days(start, days + more)
    assert add_working_days(start, days) < later
    assert is_working_day(later)


@PROPERTIES
@given(DAYS, DAYS, DAYS)
def test_working_days_between_adds_up_and_never_decreases(a: date, b: date, c: date) -> None:
    first, middle, last = sorted((a, b, c))
    assert working_days_between(first, middle) <= working_days_between(first, last)
    assert working_days_between(first, middle) + working_days_between(
        middle, last
    ) == working_days_between(first, last)


@PROPERTIES
@given(DAYS)
def test_next_working_day_is_the_first_working_day_from_the_day(day: date) -> None:
    found = next_working_day(day)
    assert is_working_day(found)
    assert found >= day
    assert found == day or working_days_between(day, found) == 1
    assert not any(is_working_day(day + timedelta(days=k)) for k in range((found - day).days))
