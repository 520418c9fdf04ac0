"""Demand ahead: monthly counting (known answers and a property against the obvious count) and
the ETS forecast and back-test on synthetic seasonal history."""

from __future__ import annotations

import math
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.workforce.demand import (
    backtest,
    forecast,
    month_starts,
    monthly_counts,
    open_at_month_end,
    records_begin,
)

MONTHS = month_starts(date(2021, 1, 1), date(2025, 12, 1))


def test_months_counts_and_open_cases_at_month_end() -> None:
    months = month_starts(date(2025, 11, 20), date(2026, 2, 3))
    assert months == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert monthly_counts([date(2025, 12, 31), date(2025, 12, 1), date(2026, 2, 9)], months) == [
        0, 2, 0, 1]  # fmt: skip
    spans = [(date(2025, 1, 1), None), (date(2025, 12, 5), date(2026, 1, 31)),
             (date(2026, 1, 10), date(2026, 1, 20))]  # fmt: skip
    assert open_at_month_end(spans, months) == [1, 2, 1, 1]


days = st.dates(min_value=date(2020, 6, 1), max_value=date(2026, 6, 1))


@given(st.lists(st.tuples(days, st.one_of(st.none(), st.integers(0, 900))), max_size=40))
def test_open_at_month_end_agrees_with_counting_each_month(
    rows: list[tuple[date, int | None]],
) -> None:
    spans = [(r, None if n is None else r + timedelta(days=n)) for r, n in rows]
    months = month_starts(date(2021, 1, 1), date(2025, 12, 1))
    expected = []
    for m in months:
        after = date(m.year + m.month // 12, m.month % 12 + 1, 1)
        expected.append(float(sum(r < after and (c is None or c >= after) for r, c in spans)))
    assert open_at_month_end(spans, months) == expected


def seasonal(n: int, noise: list[float]) -> list[float]:
    return [300 + 2 * t + 40 * math.sin(2 * math.pi * t / 12) + noise[t % len(noise)]
            for t in range(n)]  # fmt: skip


def test_the_forecast_follows_trend_and_season_within_its_band() -> None:
    values = seasonal(60, [5, -3, 8, -6, 2, -1, 4, -7, 3, 0])
    made = forecast(MONTHS, values)
    assert made is not None and made.months[0] == date(2026, 1, 1) and len(made.mean) == 12
    assert all(lo <= m <= hi for lo, m, hi in zip(made.lower, made.mean, made.upper, strict=True))
    assert made.mean[3] > made.mean[9]  # spring's peak above autumn's trough, as in the history
    tested = backtest(MONTHS, values)
    assert tested is not None and tested.mape is not None and tested.mape < 0.05
    assert tested.inside >= 8


def test_short_or_flat_history() -> None:
    assert forecast(MONTHS[:6], [1.0] * 6) is None
    flat = forecast(MONTHS[:14], [4.0] * 14)
    assert flat is not None and flat.mean == flat.lower == [4.0] * 12
    assert backtest(MONTHS[:20], [4.0] * 20) is None


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=24, max_size=36))
def test_forecasts_are_never_negative_and_bands_are_ordered(values: list[int]) -> None:
    made = forecast(MONTHS[: len(values)], [float(v) for v in values])
    assert made is not None
    for lo, m, hi in zip(made.lower, made.mean, made.upper, strict=True):
        assert 0 <= lo <= m + 1e-6 and m <= hi + 1e-6


def test_the_months_before_the_records_begin_in_earnest_are_left_out() -> None:
    ramp = [1.0, 0, 7, 3, 10, 22, 32, 34] + [40.0] * 12
    assert records_begin(ramp) == 5  # the first month with half the last year's median
    assert records_begin([0.0] * 5) == 0 and records_begin([]) == 0
