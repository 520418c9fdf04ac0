"""The backtest's period: read from the days the rules were evaluated on, trimmed of the
earliest and latest 2.5 % so that a few old records do not stretch it."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from joinedup.rules.backtest import Backtest, period


def test_a_few_old_days_do_not_stretch_the_period() -> None:
    days = Counter({date(2021, 1, 1) + timedelta(days=n): 1 for n in range(0, 1826, 2)})
    days[date(2014, 6, 1)] += 5  # a child long in care: records from years before
    first, last = period(days)
    assert first is not None and last is not None
    assert date(2021, 1, 1) < first < date(2021, 3, 1)
    assert date(2025, 11, 1) < last < date(2025, 12, 31)


def test_a_day_weighs_as_often_as_it_was_evaluated() -> None:
    early, late = date(2022, 1, 1), date(2024, 1, 1)
    assert period(Counter({early: 50, late: 50})) == (early, late)
    # 3 % of the evaluations on the early day: inside the period; 2 %: trimmed
    assert period(Counter({early: 3, late: 97}))[0] == early
    assert period(Counter({early: 2, late: 98}))[0] == late


def test_no_days_no_period_and_no_rate() -> None:
    assert period(Counter()) == (None, None)
    empty = Backtest(children=10, records=0, rules=["r"])
    assert empty.years == 0.0 and empty.rate(5) == 0.0


def test_the_period_is_widened_from_its_middle_95_per_cent() -> None:
    result = Backtest(children=10, records=1, rules=["r"], first_day=date(2024, 1, 1),
                      last_day=date(2024, 12, 31))  # fmt: skip
    assert abs(result.years - 365 / 365.25 / 0.95) < 1e-9
