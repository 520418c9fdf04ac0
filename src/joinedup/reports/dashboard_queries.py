"""The leaders' dashboard's SQL: every figure aggregated in the database, by month.

A month is a London calendar month. Each query sorts its rows into months with `bucket`, a
balanced CASE over the months' first instants (or days), so the same statement gives exact
London months on SQLite and PostgreSQL and costs about six comparisons a row. Rows come back
already counted: (month, counts), never a child, a name or a word anybody wrote.

Reports read casework's and rules' tables directly and only for reading (ADR 0009). The
conditions follow casework's own (`casework.lists`: a step is overdue when it is open and
its due day has passed; a contact's decision when it is undecided past its instant; an
information request when it is open past its instant); casework's lists return named items for
practitioners, these count them for leaders.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    exists,
    func,
    literal_column,
    null,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from joinedup.casework import pathway
from joinedup.casework.models import Case, CaseStep, Contact, InformationRequest
from joinedup.casework.work import CANCELLED, DONE, OPEN
from joinedup.rules.models import Prompt

BEFORE, NONE = -1, -2  # bucket values for a date before the first month, and for no date
# The steps the monthly figures read: assessments, s47 enquiries and their initial conferences,
# CP plans, periods of care.
TREND_STEPS = ("assessment", "section47", "initial_conference", "cp_plan", "cla_episode")


def without_jit(session: Session) -> None:
    """On PostgreSQL, no JIT compilation for the rest of the transaction. Once the tables have
    statistics the steps statement's estimate (its subqueries times every step) passes the JIT
    threshold, and compiling it took 1.5-3 s against its 0.1-0.2 s of work (bench/dashboard.py);
    the rules' circles turn it off for the same reason."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def bucket(column: Any, edges: Sequence[Any]) -> ColumnElement[int]:
    """The month index of `column` for `edges` (the first instant of each month, then the end):
    0 for the first month, len(edges) - 1 after the last, BEFORE before it, NONE for null."""

    def node(lo: int, hi: int) -> ColumnElement[int]:
        # The number of edges at or below the value, known to lie in [lo, hi]: minus one.
        if lo == hi:
            return literal_column(str(lo - 1))
        mid = (lo + hi + 1) // 2
        return case((column < edges[mid - 1], node(lo, mid - 1)), else_=node(mid, hi))

    return case((column.is_(None), literal_column(str(NONE))), else_=node(0, len(edges)))


def _team(query: Any, team: str | None) -> Any:
    return query if team is None else query.where(Case.team == team)


def contacts(session: Session, edges: Sequence[datetime], now: datetime) -> list[Any]:
    """(month, received, due or decided, decided by the deadline) by month received."""
    decided_in_time = and_(Contact.decided_at.is_not(None),
                           Contact.decided_at <= Contact.decision_due_at)  # fmt: skip
    counted = or_(Contact.decided_at.is_not(None), Contact.decision_due_at < now)
    inner = (
        select(
            bucket(Contact.received_at, edges).label("m"),
            case((counted, 1), else_=0).label("counted"),
            case((decided_in_time, 1), else_=0).label("in_time"),
        )
        .where(Contact.received_at >= edges[0], Contact.received_at < edges[-1])
        .subquery()
    )
    return list(session.execute(
        select(inner.c.m, func.count(), func.sum(inner.c.counted), func.sum(inner.c.in_time))
        .group_by(inner.c.m)
    ))  # fmt: skip


def _twelve_months_before(session: Session, day: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.date(day, "-12 months")
    return day - literal_column("interval '12 months'")


def referrals(session: Session, edges: Sequence[date], team: str | None) -> list[Any]:
    """(month, referrals, re-referrals): a referral is a re-referral when the same child had
    another referral in the 12 months up to it (DfE CIN census)."""
    earlier = aliased(Case)
    again = exists().where(
        earlier.person_id == Case.person_id,
        earlier.id != Case.id,
        earlier.referral_on <= Case.referral_on,
        earlier.referral_on >= _twelve_months_before(session, Case.referral_on),
        or_(earlier.referral_on < Case.referral_on, earlier.id < Case.id),
    )
    inner = _team(
        select(bucket(Case.referral_on, edges).label("m"),
               case((again, 1), else_=0).label("again"))
        .where(Case.referral_on >= edges[0], Case.referral_on < edges[-1]),
        team,
    ).subquery()  # fmt: skip
    return list(
        session.execute(
            select(inner.c.m, func.count(), func.sum(inner.c.again)).group_by(inner.c.m)
        )
    )


def steps(session: Session, edges: Sequence[date], team: str | None) -> list[Any]:
    """(kind, month started, month completed, steps, on time, second plans, held on, enquiry
    started on, due on) for the kinds the trends read, every start before the period's end (a
    plan's baseline needs its history), in one scan of the steps.

    The last three are an initial conference's own (null for other kinds): the day it was held,
    the start of its section 47 enquiry (the strategy discussion that started it: the enquiry's
    step starts on that day; the latest before the conference) and its due day on the case."""
    earlier, its_case, enquiry = aliased(CaseStep), aliased(Case), aliased(CaseStep)
    second = exists().where(
        earlier.case_id == its_case.id,
        its_case.person_id == Case.person_id,
        earlier.kind == "cp_plan",
        earlier.status != CANCELLED,
        or_(earlier.started_on < CaseStep.started_on,
            and_(earlier.started_on == CaseStep.started_on, earlier.id < CaseStep.id)),
    )  # fmt: skip
    began = (
        select(func.max(enquiry.started_on))
        .where(enquiry.case_id == CaseStep.case_id, enquiry.kind == "section47",
               enquiry.started_on <= CaseStep.completed_on)
        .scalar_subquery()
    )  # fmt: skip
    conference = and_(CaseStep.kind == "initial_conference", CaseStep.status == DONE,
                      CaseStep.completed_on >= edges[0])  # fmt: skip
    on_time = and_(CaseStep.status == DONE, CaseStep.due_on.is_not(None),
                   CaseStep.completed_on <= CaseStep.due_on)  # fmt: skip
    inner = _team(
        select(
            CaseStep.kind.label("kind"),
            bucket(CaseStep.started_on, edges).label("started"),
            bucket(CaseStep.completed_on, edges).label("done"),
            case((on_time, 1), else_=0).label("on_time"),
            case((and_(CaseStep.kind == "cp_plan", CaseStep.started_on >= edges[0], second), 1),
                 else_=0).label("second"),
            case((conference, CaseStep.completed_on), else_=null()).label("held"),
            case((conference, began), else_=null()).label("s47"),
            case((conference, CaseStep.due_on), else_=null()).label("due"),
        )
        .join(Case, Case.id == CaseStep.case_id)
        .where(CaseStep.kind.in_(TREND_STEPS), CaseStep.status != CANCELLED,
               CaseStep.started_on < edges[-1]),
        team,
    ).subquery()  # fmt: skip
    c = inner.c
    return list(session.execute(
        select(c.kind, c.started, c.done, func.count(), func.sum(c.on_time), func.sum(c.second),
               c.held, c.s47, c.due)
        .group_by(c.kind, c.started, c.done, c.held, c.s47, c.due)
    ))  # fmt: skip


def prompts(session: Session, edges: Sequence[datetime], team: str | None) -> list[Any]:
    """(month raised, rule, status, outcome, prompts); with a team, the prompts about its cases."""
    query = select(
        bucket(Prompt.created_at, edges).label("m"),
        Prompt.rule_id.label("rule"),
        Prompt.status.label("status"),
        Prompt.outcome.label("outcome"),
    ).where(Prompt.created_at >= edges[0], Prompt.created_at < edges[-1])
    if team is not None:
        query = query.join(Case, Case.id == Prompt.case_id).where(Case.team == team)
    c = query.subquery().c
    return list(session.execute(
        select(c.m, c.rule, c.status, c.outcome, func.count())
        .group_by(c.m, c.rule, c.status, c.outcome)
    ))  # fmt: skip


def overdue_steps(session: Session, today: date, team: str | None) -> list[Any]:
    """(team, overdue steps, earliest due day) of open cases' steps past their due day."""
    query = _team(
        select(Case.team, func.count(), func.min(CaseStep.due_on))
        .join(Case, Case.id == CaseStep.case_id)
        .where(CaseStep.status == OPEN, CaseStep.due_on < today, Case.stage != pathway.CLOSED),
        team,
    ).group_by(Case.team)  # fmt: skip
    return list(session.execute(query))


def overdue_decisions(session: Session, now: datetime) -> tuple[int, datetime | None]:
    """Contacts still undecided past their deadline, and the earliest deadline."""
    row = session.execute(
        select(func.count(), func.min(Contact.decision_due_at))
        .where(Contact.status != pathway.DECIDED, Contact.decision_due_at < now)
    ).one()  # fmt: skip
    return int(row[0]), row[1]


def overdue_requests(session: Session, now: datetime) -> list[Any]:
    """(agency, unanswered requests past their deadline, earliest deadline)."""
    return list(session.execute(
        select(InformationRequest.agency, func.count(), func.min(InformationRequest.due_at))
        .where(InformationRequest.status == "open", InformationRequest.due_at < now)
        .group_by(InformationRequest.agency)
        .order_by(InformationRequest.agency)
    ))  # fmt: skip


def teams(session: Session) -> list[str]:
    """The teams that hold or have held cases, by name."""
    found = session.scalars(select(Case.team).where(Case.team.is_not(None)).distinct())
    return sorted(t for t in found if t)
