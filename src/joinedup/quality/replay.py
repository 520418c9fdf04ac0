"""Would we have prompted, and when? One child's records through today's rules.

The rules' backtest machinery (`rules.backtest.dry_run`) evaluated over this one child's time
line as it stands now (every record at any age), day by day, exactly as the backtest and live
intake decide: nothing is written. Each prompt is shown with the day it would have opened
(its as-of date) and how long that was before the incident.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from joinedup.rules import engine, facts_sql
from joinedup.rules.backtest import dry_run
from joinedup.rules.circles import read_scopes, without_jit
from joinedup.rules.engine import Rule


@dataclass(frozen=True, slots=True)
class Replayed:
    rule_id: str
    title: str
    as_of: date
    days_before: int  # before the incident (negative: after it)

    @property
    def before_incident(self) -> bool:
        return self.days_before > 0


def replay_child(
    session: Session, person_id: int, rules: Sequence[Rule[Any]], incident_on: date
) -> list[Replayed]:
    """The prompts the rules would have opened for the child, oldest first."""
    without_jit(session)
    scope = read_scopes(session, [person_id]).get(person_id)
    if scope is None:
        return []
    timelines = facts_sql.read_timelines(session, [scope], engine.reach_of(rules), since=None)
    timeline = timelines.get(scope.child)
    if timeline is None:
        return []
    titles = {rule.id: rule.title for rule in rules}
    reads = [(rule, rule.reach()) for rule in rules]
    return [
        Replayed(o.rule_id, titles[o.rule_id], o.as_of, (incident_on - o.as_of).days)
        for o in dry_run(reads, timeline)
    ]
