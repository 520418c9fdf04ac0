"""Fakes for tests and demos (never ad-hoc mocks): a frozen clock, and test database helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FrozenClock:
    """A clock that stands still until told to move."""

    def __init__(self, moment: datetime | None = None) -> None:
        self._now = moment or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta
