"""What practice services return: plain frozen records for pages, the CLI and tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Raiser:
    """The practitioner who challenges a decision: their name, organisation and agency."""

    name: str
    organisation: str
    agency: str


@dataclass(frozen=True)
class EscalationStepView:
    kind: str
    stage: str
    started_on: date
    due_on: date | None
    note: str | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class EscalationView:
    id: int
    person_id: int
    child_name: str
    subject: str
    contact_id: int | None
    case_id: int | None
    consultation_id: int | None
    raised_by: str
    raiser: Raiser
    reasons: str
    status: str
    stage: str
    stage_started_on: date
    stage_due_on: date
    overdue: bool
    opened_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None
    reopened_case_id: int | None
    new_contact_id: int | None
    version: int
    steps: list[EscalationStepView] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return f"ES-{self.id:06d}"


@dataclass(frozen=True)
class ConsultationView:
    id: int
    person_id: int
    advice: str
    contact_id: int | None
    event_id: int

    @property
    def reference(self) -> str:
        return f"CN-{self.id:06d}"


@dataclass(frozen=True)
class Lead:
    """The lead professional of an early help episode: from any agency."""

    name: str
    agency: str
    organisation: str
    user_id: int | None = None


@dataclass(frozen=True)
class Member:
    name: str
    role: str
    agency: str
    organisation: str


@dataclass(frozen=True)
class PlanAction:
    what: str
    owner: str
    agency: str
    due_on: date
    id: int | None = None
    done_on: date | None = None


@dataclass(frozen=True)
class ReviewView:
    held_on: date
    summary: str
    next_due_on: date
    recorded_by: str


@dataclass(frozen=True)
class EpisodeView:
    id: int
    person_id: int
    child_name: str
    status: str
    origin: str
    contact_id: int | None
    from_case_id: int | None
    lead: Lead
    started_on: date
    plan_outcomes: str | None
    plan_agreed_on: date | None
    review_due_on: date | None
    review_overdue: bool
    history: list[str]
    stepped_up_contact_id: int | None
    ended_on: date | None
    end_reason: str | None
    version: int
    members: list[Member] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)
    reviews: list[ReviewView] = field(default_factory=list)


@dataclass(frozen=True)
class Offer:
    """A front-door decision of early help that no episode has taken up yet."""

    contact_id: int
    person_id: int
    child_name: str
    decided_at: datetime | None
    rationale: str | None
