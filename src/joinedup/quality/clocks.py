"""The serious-incident clocks (Working Together to Safeguard Children 2023, chapter 5).

Pure functions of dates, like `casework.clocks`: nothing here reads the system time.

- Notification: the local authority notifies the Child Safeguarding Practice Review Panel
  **within 5 working days** of becoming aware of a serious incident.
- Rapid review: the safeguarding partners complete a rapid review **within 15 working days** of
  the notification (of becoming aware if the notification is not yet recorded).
- Local child safeguarding practice review: published within **6 months** of the decision to
  commission it by default (a calendar period, a setting: `lcspr_publication_months`).

Working-day clocks count the start day as day 0 and always land on a working day after it.
A calendar clock may fall on a weekend or a bank holiday: the guidance does not move it.
"""

from __future__ import annotations

from datetime import date

from joinedup.casework.clocks import add_months
from joinedup.core.workdays import add_working_days

NOTIFICATION_WORKING_DAYS = 5  # WT 2023, ch. 5
RAPID_REVIEW_WORKING_DAYS = 15  # WT 2023, ch. 5
LCSPR_PUBLICATION_MONTHS = 6  # WT 2023, ch. 5 (the default; a setting)


def notification_due(aware_on: date) -> date:
    """Notify the national panel within 5 working days of becoming aware."""
    return add_working_days(aware_on, NOTIFICATION_WORKING_DAYS)


def rapid_review_due(notified_on: date) -> date:
    """Complete the rapid review within 15 working days of the notification."""
    return add_working_days(notified_on, RAPID_REVIEW_WORKING_DAYS)


def publication_due(commissioned_on: date, months: int = LCSPR_PUBLICATION_MONTHS) -> date:
    """Publish the local review within `months` calendar months of commissioning it."""
    if months < 1:
        raise ValueError("months must be at least 1")
    return add_months(commissioned_on, months)


def is_late(due_on: date, done_on: date | None, today: date) -> bool:
    """Done after its due date, or not done and today is past it (due on the day is on time)."""
    return (done_on or today) > due_on
