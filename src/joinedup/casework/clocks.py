"""The statutory pathway's clocks (DOMAIN.md, "Levels of need and the statutory pathway").

Every deadline is a pure function of the dates it is given: nothing here reads the system time,
so callers pass `now` and the dates from the record. Working days are London dates (England's
calendar, `core.workdays`); instants are timezone-aware and returned in UTC.

Working-day clocks count the start day as day 0 and return a working day. Calendar clocks
(weeks and months) may fall on a weekend or a bank holiday: the law does not move them.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from joinedup.core.errors import FieldError, ValidationFailed
from joinedup.core.workdays import add_working_days, working_days_between

UK = ZoneInfo("Europe/London")

ASSESSMENT_WORKING_DAYS = 45  # Working Together 2023
ICPC_WORKING_DAYS = 15  # Working Together 2023
FIRST_CORE_GROUP_WORKING_DAYS = 10  # Working Together 2023
FIRST_REVIEW_CONFERENCE_MONTHS = 3  # Working Together 2023
LATER_REVIEW_CONFERENCE_MONTHS = 6  # Working Together 2023
FIRST_CLA_REVIEW_WORKING_DAYS = 20  # Regs 2010 r.33(2)(a)
SECOND_CLA_REVIEW_MONTHS = 3  # Regs 2010 r.33(2)(b)
LATER_CLA_REVIEW_MONTHS = 6  # Regs 2010 r.33(2)(c)
CLA_FIRST_VISIT = timedelta(weeks=1)  # Regs 2010 r.28(2)(a)
CLA_VISIT_INTERVAL = timedelta(weeks=6)  # Regs 2010 r.28(2)(b), (c)(ii)
CLA_LONG_TERM_VISIT_MONTHS = 3  # Regs 2010 r.28(2)(c)(i)


@dataclass(frozen=True)
class ClockSettings:
    """The local clocks, defaulting to DOMAIN.md's local defaults."""

    strategy_discussion_working_days: int = 1
    core_group_interval_days: int = 28
    cp_visit_working_days: int = 10
    information_request_hours_red: int = 4
    information_request_working_days_amber: int = 1
    information_request_working_days_green: int = 3
    oversight_working_days: int = 20

    def __post_init__(self) -> None:
        for field in fields(self):
            if getattr(self, field.name) < 0:
                raise ValueError(f"{field.name} must not be negative")


DEFAULT = ClockSettings()


def london_day(instant: datetime) -> date:
    """The London calendar date of a timezone-aware instant."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(UK).date()


def refuse_future(on: date, now: datetime) -> None:
    """A step's date (the form's `on`) cannot be after today in London."""
    if on > london_day(now):
        raise ValidationFailed(
            "Dates cannot be in the future", [FieldError("on", "not after today")]
        )


def end_of_day(day: date) -> datetime:
    """The last instant of the London day `day` (23:59:59.999999 London), in UTC."""
    return datetime.combine(day, time.max, tzinfo=UK).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months on, clamped to that month's last day."""
    if months < 0:
        raise ValueError("months must not be negative")
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def contact_decision_due(received_at: datetime) -> datetime:
    """A decision on next steps by the end of the next working day (the day received is day 0)."""
    return end_of_day(add_working_days(london_day(received_at), 1))


def information_request_due(
    requested_at: datetime, urgency: str, settings: ClockSettings = DEFAULT
) -> datetime:
    """Red: clock hours from the request; amber and green: end of a working day after it."""
    day = london_day(requested_at)
    if urgency == "red":
        hours = timedelta(hours=settings.information_request_hours_red)
        return requested_at.astimezone(UTC) + hours
    working_days = {
        "amber": settings.information_request_working_days_amber,
        "green": settings.information_request_working_days_green,
    }
    if urgency not in working_days:
        raise ValueError(f"unknown urgency {urgency!r}: expected red, amber or green")
    return end_of_day(add_working_days(day, working_days[urgency]))


def assessment_due(referral_on: date) -> date:
    """A child and family assessment: within 45 working days of the referral."""
    return add_working_days(referral_on, ASSESSMENT_WORKING_DAYS)


def strategy_discussion_due(decided_on: date, settings: ClockSettings = DEFAULT) -> date:
    """A strategy discussion: the local clock from the decision to hold one (default 1 WD)."""
    return add_working_days(decided_on, settings.strategy_discussion_working_days)


def icpc_due(last_strategy_discussion_on: date) -> date:
    """An initial child protection conference: within 15 WD of the last strategy discussion."""
    return add_working_days(last_strategy_discussion_on, ICPC_WORKING_DAYS)


def first_core_group_due(icpc_on: date) -> date:
    """The first core group: within 10 working days of the ICPC."""
    return add_working_days(icpc_on, FIRST_CORE_GROUP_WORKING_DAYS)


def next_core_group_due(last_core_group_on: date, settings: ClockSettings = DEFAULT) -> date:
    """Later core groups: at least every 4 weeks (local), counted in calendar days."""
    return last_core_group_on + timedelta(days=settings.core_group_interval_days)


def review_conference_due(icpc_on: date, last_review_on: date | None) -> date:
    """The first review within 3 months of the ICPC; later ones at most 6 months apart."""
    if last_review_on is None:
        return add_months(icpc_on, FIRST_REVIEW_CONFERENCE_MONTHS)
    return add_months(last_review_on, LATER_REVIEW_CONFERENCE_MONTHS)


def cp_visit_due(last_visit_or_plan_start: date, settings: ClockSettings = DEFAULT) -> date:
    """Visits to a child on a CP plan: no national rule; local default every 10 WD."""
    return add_working_days(last_visit_or_plan_start, settings.cp_visit_working_days)


def cla_review_due(became_looked_after_on: date, reviews_held: Sequence[date]) -> date:
    """The next looked-after review under Regs 2010 r.33.

    None held: within 20 working days of becoming looked after; one held: within 3 months of
    it; more: at most 6 months after the latest. Reviews dated before `became_looked_after_on`
    belong to an earlier period of care and are ignored.
    """
    held = sorted(d for d in reviews_held if d >= became_looked_after_on)
    if not held:
        return add_working_days(became_looked_after_on, FIRST_CLA_REVIEW_WORKING_DAYS)
    if len(held) == 1:
        return add_months(held[0], SECOND_CLA_REVIEW_MONTHS)
    return add_months(held[-1], LATER_CLA_REVIEW_MONTHS)


def cla_visit_due(
    became_looked_after_on: date,
    placement_start_on: date,
    last_visit_on: date | None,
    *,
    intended_to_18: bool,
) -> date:
    """The next visit to a looked-after child under Regs 2010 r.28(2).

    The reading implemented: a placement starts on `placement_start_on`, or on the day the
    child became looked after if later (a child already living there was not placed until
    then). (a) With no visit since the placement started (none, or the last one before the
    start), the visit is due 7 days after the start. (b) A last visit within the child's first
    year in the placement (before `add_months(start, 12)`) sets the next one at most 6 weeks
    later, even if that falls after the year ends: the interval is the one in force when it
    began. (c) After the first year: at most 3 calendar months after the last visit if the
    placement is intended to last until the child is 18, otherwise at most 6 weeks. All are
    calendar periods; a visit may fall due on a weekend or bank holiday.
    """
    start = max(placement_start_on, became_looked_after_on)
    if last_visit_on is None or last_visit_on < start:
        return start + CLA_FIRST_VISIT
    if last_visit_on < add_months(start, 12) or not intended_to_18:
        return last_visit_on + CLA_VISIT_INTERVAL
    return add_months(last_visit_on, CLA_LONG_TERM_VISIT_MONTHS)


def oversight_due(last_oversight_on: date, settings: ClockSettings = DEFAULT) -> date:
    """Management oversight of a case: the local clock (default every 20 WD)."""
    return add_working_days(last_oversight_on, settings.oversight_working_days)


def is_overdue(due_at: datetime, now: datetime) -> bool:
    """Whether `now` is past `due_at` (an instant due at `due_at` itself is on time)."""
    return now > due_at


def days_late(due_on: date, completed_on: date) -> int:
    """Working days after `due_on` up to and including `completed_on`; 0 if on time.

    Only working days count, so work completed on the weekend after a Friday deadline is
    0 working days late; compare the dates to know whether it was late at all.
    """
    return working_days_between(due_on, completed_on)


PATHWAY_REVIEW_MONTHS = 6  # Care Leavers (England) Regs 2010 r.7(1); Care Planning Regs r.43


def pathway_review_due(last_plan_or_review_on: date) -> date:
    """A pathway plan's review: at most 6 months after the plan or its last review."""
    return add_months(last_plan_or_review_on, PATHWAY_REVIEW_MONTHS)
