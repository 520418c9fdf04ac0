"""Working days in England: weekends and England and Wales bank holidays do not count."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from joinedup.core.workdays import add_working_days, is_working_day


def test_bank_holidays_and_weekends_are_not_working_days() -> None:
    assert not is_working_day(date(2025, 12, 25))  # Christmas Day
    assert not is_working_day(date(2025, 8, 25))  # summer bank holiday (England)
    assert not is_working_day(date(2025, 11, 22))  # a Saturday
    assert is_working_day(date(2025, 11, 24))


def test_one_working_day_after_christmas_eve_2025_is_29_december() -> None:
    # 25 and 26 December are bank holidays, 27 and 28 a weekend.
    assert add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)


def test_45_working_days_from_a_referral_on_1_september_2025() -> None:
    # Nine weeks of weekdays, no bank holiday between September and early November.
    assert add_working_days(date(2025, 9, 1), 45) == date(2025, 11, 3)


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
