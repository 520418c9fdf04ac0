"""The dashboard's practice-quality section: audit grades and themes, serious incidents' clocks
and open actions. Counts and shares only, no child named (the dashboard's `reports:read`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from joinedup.quality import clocks
from joinedup.quality.audits import GRADES
from joinedup.quality.models import QualityAction, SeriousIncident
from joinedup.quality.themes import Themes, read


@dataclass(frozen=True)
class Quality:
    themes: Themes
    grades: list[tuple[str, int]]  # (title, cases) in GRADES order
    incidents_open: int  # no local review decided yet, or one commissioned and not published
    notifications_overdue: int
    rapid_reviews_overdue: int
    actions_open: int
    actions_overdue: int


def quality(session: Session, team: str | None, today: date) -> Quality:
    """Grades and themes of graded audits (of the team's cases, if one is chosen), and the
    whole authority's serious incidents and open actions."""
    found = read(session, team)
    rows = session.execute(
        select(SeriousIncident.aware_on, SeriousIncident.notified_on,
               SeriousIncident.rapid_review_on, SeriousIncident.lcspr_decision,
               SeriousIncident.lcspr_published_on)
    ).all()  # fmt: skip
    open_ = notify_late = review_late = 0
    for aware, notified, reviewed, decision, published in rows:
        open_ += decision is None or (decision == "commission" and published is None)
        notify_late += notified is None and today > clocks.notification_due(aware)
        due = clocks.rapid_review_due(notified or aware)
        review_late += reviewed is None and today > due
    actions_open, actions_overdue = session.execute(
        select(func.count(), func.count().filter(QualityAction.due_on < today)).where(
            QualityAction.status == "open"
        )
    ).one()
    return Quality(
        themes=found,
        grades=[(title, found.overall.get(key, 0)) for key, title in GRADES.items()],
        incidents_open=open_,
        notifications_overdue=notify_late,
        rapid_reviews_overdue=review_late,
        actions_open=int(actions_open),
        actions_overdue=int(actions_overdue),
    )
