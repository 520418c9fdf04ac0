"""Demand ahead: 12 months of contacts, referrals and open cases forecast from the authority's
own monthly history, with 80% prediction bands, and back-tested on the last 12 months.

The model is statsmodels' ETS (exponential smoothing state space: additive error, damped
additive trend, additive yearly seasonality once there are two full years), whose prediction
intervals come from the fitted state space model rather than a rule of thumb. The back-test
fits the same model to the history without its last 12 months and compares the forecast with
what happened: the mean absolute percentage error and how many months fell inside the band.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy.orm import Session
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from threadpoolctl import threadpool_limits

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import require
from joinedup.casework import service as casework

HORIZON = 12
BAND = 0.8  # the prediction band's coverage
HISTORY_MONTHS = 60


@dataclass(frozen=True)
class Forecast:
    months: list[date]
    mean: list[float]
    lower: list[float]
    upper: list[float]


@dataclass(frozen=True)
class Backtest:
    forecast: Forecast
    actual: list[float]

    @property
    def mape(self) -> float | None:
        """Mean absolute percentage error over the months with something to compare with."""
        pairs = [(a, m) for a, m in zip(self.actual, self.forecast.mean, strict=True) if a]
        return sum(abs(m - a) / a for a, m in pairs) / len(pairs) if pairs else None

    @property
    def inside(self) -> int:
        f = self.forecast
        return sum(lo <= a <= hi for a, lo, hi in zip(self.actual, f.lower, f.upper, strict=True))


@dataclass(frozen=True)
class Series:
    name: str
    months: list[date]
    values: list[float]
    ahead: Forecast | None
    backtest: Backtest | None


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s to `last`'s, both included."""
    months, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _next(month: date, n: int = 1) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def monthly_counts(days: Iterable[date], months: Sequence[date]) -> list[float]:
    counts = Counter(date(d.year, d.month, 1) for d in days)
    return [float(counts.get(m, 0)) for m in months]


def open_at_month_end(
    spans: Iterable[tuple[date, date | None]], months: Sequence[date]
) -> list[float]:
    """Cases open at the end of each month: referred by then and not closed by then (a case
    closed during a month is not open at its end). One pass, then a running sum."""
    if not months:
        return []
    origin = _index(months[0])
    steps = [0] * (len(months) + 1)
    for referred, closed in spans:
        begin = max(_index(referred) - origin, 0)
        stop = len(months) if closed is None else min(_index(closed) - origin, len(months))
        if begin < stop:
            steps[begin] += 1
            steps[stop] -= 1
    running, counts = 0, []
    for step in steps[:-1]:
        running += step
        counts.append(float(running))
    return counts


def _index(day: date) -> int:
    return day.year * 12 + day.month - 1


def forecast(
    months: Sequence[date], values: Sequence[float], horizon: int = HORIZON
) -> Forecast | None:
    """The ETS forecast of the next `horizon` months, or None with under a year of history."""
    if len(values) < 12:
        return None
    ahead = [_next(months[-1], k) for k in range(1, horizon + 1)]
    index = pd.period_range(months[0].isoformat()[:7], periods=len(values), freq="M")
    y = pd.Series([float(v) for v in values], index=index)
    if y.nunique() == 1:  # nothing to fit: the level, with no band
        flat = [float(values[-1])] * horizon
        return Forecast(ahead, flat, flat, flat)
    seasonal = "add" if len(values) >= 36 else None
    # One BLAS thread: these fits are tiny, and a thread pool per fit on a busy machine made
    # each one 10 times slower (bench/workforce.py).
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore")
        model = ETSModel(y, error="add", trend="add", damped_trend=True, seasonal=seasonal,
                         seasonal_periods=12 if seasonal else None)  # fmt: skip
        fitted = model.fit(disp=False)
        frame = fitted.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(
            alpha=1 - BAND
        )
    return Forecast(ahead, [max(float(v), 0.0) for v in frame["mean"]],
                    [max(float(v), 0.0) for v in frame["pi_lower"]],
                    [max(float(v), 0.0) for v in frame["pi_upper"]])  # fmt: skip


def backtest(months: Sequence[date], values: Sequence[float]) -> Backtest | None:
    """The forecast the history without its last 12 months would have made, against them."""
    if len(values) < 12 + HORIZON:
        return None
    made = forecast(months[:-HORIZON], values[:-HORIZON])
    return Backtest(made, list(values[-HORIZON:])) if made else None


def series(name: str, months: list[date], values: list[float]) -> Series:
    """A series and its forecast; none for a series with nothing recorded in it."""
    if not any(values):
        return Series(name, months, values, None, None)
    return Series(name, months, values, forecast(months, values), backtest(months, values))


def records_begin(values: Sequence[float], share: float = 0.5) -> int:
    """The index of the first month with at least `share` of the last year's median: the months
    before it are a system's go-live or a partial back-load, not demand, and a model reading
    them would take the ramp for growth."""
    recent = sorted(values[-12:])
    if not recent:
        return 0
    median = recent[len(recent) // 2]
    return next((i for i, v in enumerate(values) if v >= share * median), 0)


def demand(*, session: Session, actor: Actor, today: date, now: datetime) -> list[Series]:
    """Contacts, referrals and open cases by month over the last five complete years, from the
    month the records begin in earnest (`records_begin` on the contacts, or the referrals when
    there are no contacts), each with its forecast and back-test. Counts only; audited."""
    require(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="demand",
            detail={"list": "demand"}, now=now)  # fmt: skip
    last = _next(date(today.year, today.month, 1), -1)
    first = _next(last, -(HISTORY_MONTHS - 1))
    found = casework.demand_dates(session, since=first)
    months = month_starts(first, last)
    contacts = monthly_counts(found.contacts, months)
    referrals = monthly_counts(found.referrals, months)
    begin = records_begin(contacts if any(contacts) else referrals)
    months = months[begin:]
    return [
        series("Contacts", months, contacts[begin:]),
        series("Referrals", months, referrals[begin:]),
        series("Open cases at month end", months, open_at_month_end(found.spans, months)),
    ]
