"""Themes across case audits: where practice falls short, per standard, per team, per round.

Counts only, no child named: the leaders' dashboard shows them (`reports.dashboard_quality`).
A *weak* grade is requires improvement or inadequate; a case's grade is the moderated one once
moderated, else the auditor's. Only graded audits (submitted or moderated) count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.quality.audits import GRADES, MODERATED, STANDARDS, SUBMITTED, WEAK
from joinedup.quality.models import AuditRound, CaseAudit


@dataclass(frozen=True)
class Graded:
    """One graded audit, as the themes read it."""

    round_title: str
    team: str
    grades: dict[str, str]  # standard → grade
    overall: str


@dataclass(frozen=True)
class Share:
    label: str
    graded: int
    weak: int

    @property
    def share(self) -> float | None:
        return self.weak / self.graded if self.graded else None


@dataclass(frozen=True)
class Themes:
    graded: int
    moderated: int
    changed: int  # moderations that changed the grade
    overall: dict[str, int] = field(default_factory=dict)  # grade → cases, in GRADES order
    by_standard: list[Share] = field(default_factory=list)
    by_team: list[Share] = field(default_factory=list)
    by_round: list[Share] = field(default_factory=list)


def themes(audits: Iterable[Graded], *, moderated: int = 0, changed: int = 0) -> Themes:
    found = list(audits)
    overall = Counter(a.overall for a in found)
    standards = [
        Share(title, sum(key in a.grades for a in found),
              sum(a.grades.get(key) in WEAK for a in found))
        for key, title in STANDARDS.items()
    ]  # fmt: skip
    return Themes(
        graded=len(found),
        moderated=moderated,
        changed=changed,
        overall={grade: overall[grade] for grade in GRADES},
        by_standard=standards,
        by_team=_shares(found, lambda a: a.team),
        by_round=_shares(found, lambda a: a.round_title),
    )


def _shares(found: list[Graded], key: Callable[[Graded], str]) -> list[Share]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a in found:
        label = key(a)
        totals[label][0] += 1
        totals[label][1] += a.overall in WEAK
    return [Share(label, n, weak) for label, (n, weak) in sorted(totals.items())]


def read(session: Session, team: str | None = None) -> Themes:
    """The themes of every graded audit (of one team's cases, if given)."""
    statement = (
        select(AuditRound.title, CaseAudit.team, CaseAudit.grades, CaseAudit.overall,
               CaseAudit.moderated_overall, CaseAudit.moderation)
        .join(AuditRound, AuditRound.id == CaseAudit.round_id)
        .where(CaseAudit.status.in_([SUBMITTED, MODERATED]))
        .order_by(CaseAudit.id)
    )  # fmt: skip
    if team is not None:
        statement = statement.where(CaseAudit.team == team)
    graded, moderated, changed = [], 0, 0
    for title, held_by, grades, overall, final, moderation in session.execute(statement):
        moderated += moderation is not None
        changed += moderation == "changed"
        marks = {k: v["grade"] for k, v in (grades or {}).items() if isinstance(v, dict)}
        graded.append(Graded(title, held_by or "No team", marks, final or overall))
    return themes(graded, moderated=moderated, changed=changed)
