"""The clocks of practice: an escalation's stages, and early help's family plan reviews.

Pure functions of dates and settings, like casework's (`casework/clocks.py`): nothing here
reads the system time. Working days are England's (`core.workdays`).

An escalation moves through the partnership's stages — practitioner, manager, senior manager,
partnership — each with a set number of working days. A stage starts on day 0 and is due by the
end of its last working day; the day after that, if it is still open, it moves to the next stage
by itself, whose clock starts that day. The partnership is the last stage: overdue there, it
stays, flagged. Working Together 2023 requires every safeguarding partnership to have an
escalation policy but sets no timescales: they are local settings (docs/practice.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from joinedup.core.workdays import add_working_days

PRACTITIONER, MANAGER, SENIOR_MANAGER, PARTNERSHIP = (
    "practitioner",
    "manager",
    "senior_manager",
    "partnership",
)
STAGES = (PRACTITIONER, MANAGER, SENIOR_MANAGER, PARTNERSHIP)
STAGE_TITLES = {
    PRACTITIONER: "Practitioner to practitioner",
    MANAGER: "Managers",
    SENIOR_MANAGER: "Senior managers",
    PARTNERSHIP: "The safeguarding partnership",
}
DEFAULT_WORKING_DAYS = (2, 5, 10, 15)


@dataclass(frozen=True)
class EscalationClock:
    """Working days for each stage, in the order of `STAGES`: each at least 1, none shorter
    than the stage before it (a later stage has more people to bring together)."""

    working_days: tuple[int, ...] = DEFAULT_WORKING_DAYS

    def __post_init__(self) -> None:
        days = self.working_days
        if len(days) != len(STAGES):
            raise ValueError(f"give {len(STAGES)} stage timescales, one per stage")
        if any(d < 1 for d in days):
            raise ValueError("each stage needs at least 1 working day")
        if any(later < earlier for earlier, later in pairwise(days)):
            raise ValueError("a later stage's timescale must not be shorter than an earlier one's")

    def days(self, stage: str) -> int:
        return self.working_days[STAGES.index(stage)]


DEFAULT = EscalationClock()


@dataclass(frozen=True)
class Position:
    """Where an open escalation is: its stage, the day that stage began and its due date."""

    stage: str
    started_on: date
    due_on: date


def stage_due(started_on: date, stage: str, clock: EscalationClock = DEFAULT) -> date:
    """The stage's due date: its working days after the day it started (day 0)."""
    return add_working_days(started_on, clock.days(stage))


def first_position(raised_on: date, clock: EscalationClock = DEFAULT) -> Position:
    return Position(PRACTITIONER, raised_on, stage_due(raised_on, PRACTITIONER, clock))


def next_stage(stage: str) -> str | None:
    index = STAGES.index(stage)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def moved_on(position: Position, on: date, clock: EscalationClock = DEFAULT) -> Position:
    """The next stage, started on `on` (a person escalating it, or its clock running out)."""
    stage = next_stage(position.stage)
    if stage is None:
        raise ValueError("the partnership is the last stage")
    return Position(stage, on, stage_due(on, stage, clock))


def overdue_moves(
    position: Position, as_of: date, clock: EscalationClock = DEFAULT
) -> list[Position]:
    """The stages an open escalation moves through by itself up to `as_of`, in order.

    Each stage still open after its due date moves on the next day; the result does not
    depend on how often the sweep runs (a daily run and a single late run agree).
    """
    moves: list[Position] = []
    while as_of > position.due_on and next_stage(position.stage) is not None:
        position = moved_on(position, position.due_on + timedelta(days=1), clock)
        moves.append(position)
    return moves


def is_overdue(due_on: date, today: date) -> bool:
    return today > due_on


# -- early help ------------------------------------------------------------------------------

DEFAULT_REVIEW_WEEKS = 6


def review_due(last_on: date, weeks: int = DEFAULT_REVIEW_WEEKS) -> date:
    """A family plan review: `weeks` calendar weeks after the plan began or the last review
    (a local setting, default 6 weeks; like core groups, a calendar period)."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    return last_on + timedelta(weeks=weeks)
