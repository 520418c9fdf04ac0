"""What casework services return: plain frozen records for pages, the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from joinedup.core.errors import Conflict


@dataclass(frozen=True)
class Referrer:
    """Who raised a contact and how to reach them (to close the loop)."""

    name: str
    organisation: str
    agency: str
    contact: str


@dataclass(frozen=True)
class InformationRequestView:
    id: int
    agency: str
    organisation: str
    question: str
    urgency: str
    requested_at: datetime
    due_at: datetime
    requested_by: str
    status: str
    reply: str | None
    replied_by: str | None
    replied_at: datetime | None
    overdue: bool
    version: int


@dataclass(frozen=True)
class ContactView:
    id: int
    person_id: int
    child_name: str
    received_at: datetime
    source_kind: str
    referral_source: str
    referrer: Referrer
    summary: str
    prompt_id: int | None
    status: str
    urgency: str | None
    decision_due_at: datetime
    overdue: bool
    decision: str | None
    rationale: str | None
    late_reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    signed_off_by: str | None
    signed_off_at: datetime | None
    signoff_note: str | None
    outcome_sent_at: datetime | None
    outcome_message: str | None
    case_id: int | None
    requests: list[InformationRequestView]
    version: int


@dataclass(frozen=True)
class StepView:
    id: int
    kind: str
    title: str
    status: str
    due_on: date | None
    started_on: date
    completed_on: date | None
    outcome: str | None
    late_reason: str | None
    details: dict[str, Any]
    recorded_by: str | None
    overdue: bool
    version: int


@dataclass(frozen=True)
class CaseView:
    id: int
    person_id: int
    child_name: str
    stage: str
    stage_title: str
    referral_on: date
    referral_source: str
    primary_need: str | None
    team: str | None
    allocated_label: str | None
    manager_label: str | None
    closed_on: date | None
    closure_reason: str | None
    version: int
    due: list[StepView]  # open steps, soonest first
    done: list[StepView]  # the history, newest first
    actions: list[str]  # what the stage allows (pathway.TRANSITIONS)


@dataclass(frozen=True)
class DueItem:
    """One deadline in a due or overdue list."""

    kind: str
    title: str
    due_on: date
    overdue: bool
    case_id: int | None
    contact_id: int | None
    person_id: int
    child_name: str
    allocated_label: str | None
    team: str | None
    agency: str | None  # for information requests: the partner agency asked


@dataclass(frozen=True)
class History:
    """The repeat-contact guard: every earlier contact, referral and closure for the child and
    their household, here and in other authorities."""

    contacts: list[ContactView]
    cases: list[CaseView]
    elsewhere: list[Any]  # chronology entries: statutory steps from children's social care


@dataclass
class StaleVersion(Conflict):
    """Someone else saved since this version was read: nothing of theirs or yours is lost.

    `theirs` holds the saved values that differ from what was submitted, by field.
    """

    saved_by: str | None = None
    saved_at: datetime | None = None
    theirs: dict[str, Any] = field(default_factory=dict)
