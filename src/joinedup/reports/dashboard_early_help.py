"""Early help on the leaders' dashboard: episodes started (and of those, stepped down from
social care), stepped up, closed, and open at each month's end. Counts only, no child named;
read straight from practice's table (ADR 0009). Episodes belong to no team, so the section is
for the whole authority and is left out when the dashboard is filtered to a team."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from joinedup.practice.models import EarlyHelpEpisode
from joinedup.reports.months import shift

KEY, TITLE = "early_help", "Early help"
COLUMNS = (
    "Started",
    "Of which stepped down from social care",
    "Stepped up to social care",
    "Closed",
    "Open at the month's end",
)


def rows(session: Session, months: list[date]) -> list[tuple[date, list[float | None]]]:
    """One row a month (`months` are first days, in order): the five figures of `COLUMNS`."""
    if not months:
        return []
    first, end = months[0], shift(months[-1], 1)
    found = session.execute(
        select(EarlyHelpEpisode.started_on, EarlyHelpEpisode.ended_on, EarlyHelpEpisode.status,
               EarlyHelpEpisode.origin)
        .where(EarlyHelpEpisode.started_on < end,
               or_(EarlyHelpEpisode.ended_on.is_(None), EarlyHelpEpisode.ended_on >= first))
    ).all()  # fmt: skip
    table: list[tuple[date, list[float | None]]] = []
    for month in months:
        after = shift(month, 1)
        began = [r for r in found if month <= r.started_on < after]
        ended = [r for r in found if r.ended_on is not None and month <= r.ended_on < after]
        table.append((month, [
            len(began),
            sum(r.origin == "step_down" for r in began),
            sum(r.status == "stepped_up" for r in ended),
            sum(r.status == "closed" for r in ended),
            sum(r.started_on < after and (r.ended_on is None or r.ended_on >= after)
                for r in found),
        ]))  # fmt: skip
    return table


def headline(table: list[tuple[date, list[float | None]]]) -> list[tuple[str, float | None, str]]:
    """Open at the end of the period, and the period's starts and step-ups."""
    if not table:
        return []
    total = [sum(cells[i] or 0 for _, cells in table) for i in range(len(COLUMNS))]
    return [("Open at the end of the period", table[-1][1][4], "count"),
            ("Started in the period", total[0], "count"),
            ("Stepped up to social care in the period", total[2], "count")]  # fmt: skip
