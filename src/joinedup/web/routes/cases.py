"""A case on the statutory pathway: its stage, deadlines and history, and a form per action.

The page offers exactly the actions `pathway.actions(stage)` allows the case's stage, each with
the outcomes the table gives it and the fields `steps.MODELS` validates. Every form carries the
case's version: a save from an older version is refused with who saved since and what they
saved, and the form comes back with the person's input kept. Every read and write goes through
`casework.service`, which checks the access policy and writes the audit entries.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from joinedup.access.policy import Action, permits
from joinedup.access.roles import Role
from joinedup.casework import clocks, pathway, service, steps
from joinedup.casework.views import CaseView, StaleVersion, StepView
from joinedup.core.dates import partial_date
from joinedup.core.errors import (
    Conflict,
    InvalidTransition,
    JoinedUpError,
    NotFound,
    ValidationFailed,
)
from joinedup.db.session import unit_of_work
from joinedup.flows import allocation
from joinedup.flows.allocation import OverCap
from joinedup.web import csrf, formatting
from joinedup.web.casework_forms import (
    AGENCY_TITLES,
    ATTENDEE_ROWS,
    CATEGORY_TITLES,
    LABELS,
    ActionForm,
    Posted,
    authority,
    date_values,
    day_from,
    errors_of,
    fields_of,
    parse_fields,
    shown_from,
    text,
)
from joinedup.web.deps import CurrentViewer, Viewer, now, settings_of
from joinedup.web.formatting import humanise
from joinedup.web.forms import date_errors, identifier
from joinedup.web.templating import render
from joinedup.workforce import service as workforce
from joinedup.workforce.caseload import Load, Suggestion

router = APIRouter(include_in_schema=False)

OUTCOME_TITLES = {
    "section47": "Start a section 47 enquiry",
    "no_section47": "No section 47 enquiry",
    "conference": "Hold an initial child protection conference",
    "child_in_need": "Child in need",
    "not_substantiated": "Not substantiated",
    "no_further_action": "No further action",
    "early_help": "Early help",
    "plan": "Child protection plan",
    "continue": "Continue",
    "end_plan": "End the plan",
    "end": "End",
}
# Who may take each action (the service's gate decides; the page offers what it would allow).
NEEDS = {
    "initial_conference": Action.CASES_CHAIR,
    "review_conference": Action.CASES_CHAIR,
    "cla_review": Action.CASES_CHAIR,
    "oversight": Action.CASES_OVERSEE,
    "allocate": Action.CASES_OVERSEE,
}
ASSESSMENT_ACTIONS = ("save_assessment", "complete_assessment")
# Allocation goes through flows.allocation, which does not yet carry the SSDA903 reason for a
# new social worker: the page does not ask for what it would drop (the export says it is
# not recorded).
NOT_ON_THE_PAGE = frozenset({("allocate", "sw_reason")})
ASSESSMENT = "assessment-"


@router.get("/cases/{case_id}")
def case(request: Request, viewer: CurrentViewer, case_id: str, done: str = "") -> Response:
    return case_page(request, viewer, identifier(case_id, "case"), done=done)


def case_page(
    request: Request,
    viewer: Viewer,
    number: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    posted: tuple[str, dict[str, Any]] | None = None,
    theirs: dict[str, Any] | None = None,
    done: str = "",
    over_cap: Load | None = None,
) -> Response:
    with unit_of_work(request.app.state.engine) as session:
        found = service.get_case(session=session, actor=viewer.actor, case_id=number,
                                 now=now(request))  # fmt: skip
        suggestions = _suggestions(request, viewer, found, session)
    today = clocks.london_day(now(request))
    assessment = next((s for s in found.due if s.kind == "assessment"), None)
    return render(
        request,
        "cases/case.html",
        title=f"Case {found.id}",
        status_code=status_code,
        case=found,
        today=today,
        forms=_forms(viewer.role, found, today, posted),
        assessment=_assessment_form(viewer.role, found, assessment, today, posted),
        errors=errors or {},
        theirs=theirs or {},
        done=pathway.ACTION_TITLES.get(done, "") if done != "draft" else "Draft saved.",
        agencies=AGENCY_TITLES,
        attendee_rows=ATTENDEE_ROWS,
        outcome_titles=OUTCOME_TITLES,
        detail_rows=detail_rows,
        suggestions=suggestions,
        over_cap=over_cap,
        may_challenge=permits(viewer.role, Action.ESCALATIONS_RAISE),
        may_early_help=permits(viewer.role, Action.EARLY_HELP_WRITE),
    )


def _suggestions(
    request: Request, viewer: Viewer, found: CaseView, session: Session
) -> list[Suggestion]:
    """Who could take the case, for a manager allocating it (workforce ranks them)."""
    if "allocate" not in found.actions or not _may(viewer.role, "allocate"):
        return []
    if not permits(viewer.role, Action.WORKFORCE_READ):
        return []
    rules = workforce.Rules.of(settings_of(request))
    return workforce.suggest(session=session, actor=viewer.actor, rules=rules, case_id=found.id,
                             today=clocks.london_day(now(request)), now=now(request))  # fmt: skip


def detail_rows(details: dict[str, Any]) -> list[tuple[str, str]]:
    """A done step's details in words: attendees by agency, categories and dates spelt out."""
    rows = []
    for key, value in details.items():
        if value in (None, "", []):
            continue
        label = LABELS.get(key, humanise(key))
        if key == "attendees":
            text_ = "; ".join(f"{a.get('name')} ({a.get('role')}, "
                              f"{AGENCY_TITLES.get(a.get('agency', ''), a.get('agency'))})"
                              for a in value)  # fmt: skip
        elif key == "categories":
            text_ = ", ".join(CATEGORY_TITLES.get(c, c) for c in value)
        elif isinstance(value, str) and _is_day(value):
            text_ = partial_date(value) or value
        else:
            text_ = formatting.value(value)
        rows.append((label, text_))
    return rows


def _is_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _may(role: Role, action: str) -> bool:
    return permits(role, NEEDS.get(action, Action.CASES_WRITE))


def _forms(
    role: Role, found: CaseView, today: date, posted: tuple[str, dict[str, Any]] | None
) -> list[ActionForm]:
    forms = []
    for action in found.actions:
        if action in ASSESSMENT_ACTIONS or not _may(role, action):
            continue
        shown = posted[1] if posted and posted[0] == action else _blank(action, today)
        fields = [f for f in fields_of(action) if (action, f.name) not in NOT_ON_THE_PAGE]
        forms.append(ActionForm(action, pathway.ACTION_TITLES[action],
                                [(o, OUTCOME_TITLES.get(o, o)) for o in
                                 pathway.outcomes(found.stage, action) if o],
                                fields, shown, bool(posted and posted[0] == action)))  # fmt: skip
    return forms


def _assessment_form(
    role: Role,
    found: CaseView,
    step: StepView | None,
    today: date,
    posted: tuple[str, dict[str, Any]] | None,
) -> ActionForm | None:
    if step is None or "complete_assessment" not in found.actions:
        return None
    if not _may(role, "save_assessment"):
        return None
    shown = posted[1] if posted and posted[0] == "assessment" else {
        **shown_from("complete_assessment", step.details), **_blank("", today)}  # fmt: skip
    return ActionForm("assessment", pathway.ACTION_TITLES["complete_assessment"],
                      [(o, OUTCOME_TITLES.get(o, o)) for o in
                       pathway.outcomes(found.stage, "complete_assessment")],
                      fields_of("complete_assessment"), shown, True)  # fmt: skip


def _blank(action: str, today: date) -> dict[str, Any]:
    return {"on": date_values(today), "outcome": "", "late_reason": ""}


def _version(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 10 else -1


@router.post("/cases/{case_id}/actions/{action}")
def act(
    request: Request, viewer: CurrentViewer, case_id: str, action: str, form: Posted
) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(case_id, "case")
    if action not in steps.MODELS or action in ASSESSMENT_ACTIONS:
        raise NotFound("There is no such action on a case.")
    if action == "allocate":
        return _allocate(request, viewer, number, form)
    prefix = f"{action}-"
    fields, errors, shown = parse_fields(form, action, prefix)
    on, outcome, late, problems = _common(form, prefix)
    shown.update(on=_day_shown(form, f"{prefix}on"), outcome=outcome, late_reason=late)
    errors.update(problems | _outcome_missing(action, outcome, prefix))
    return _act(request, viewer, number, action, outcome, on, fields, form, errors,
                (action, shown), done=action)  # fmt: skip


@router.post("/cases/{case_id}/assessment")
def assessment(request: Request, viewer: CurrentViewer, case_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(case_id, "case")
    fields, errors, shown = parse_fields(form, "complete_assessment", ASSESSMENT)
    on, outcome, late, problems = _common(form, ASSESSMENT)
    shown.update(on=_day_shown(form, f"{ASSESSMENT}on"), outcome=outcome, late_reason=late)
    posted = ("assessment", shown)
    if text(form, "intent") != "save":
        errors.update(problems | _outcome_missing("complete_assessment", outcome, ASSESSMENT))
        return _act(request, viewer, number, "complete_assessment", outcome, on, fields, form,
                    errors, posted, done="complete_assessment", prefix=ASSESSMENT)  # fmt: skip
    step = identifier(text(form, "step_id"), "assessment")
    if errors:
        return case_page(request, viewer, number, status_code=422, errors=errors, posted=posted)
    try:
        with unit_of_work(request.app.state.engine) as session:
            service.save_assessment(
                session=session, actor=viewer.actor, step_id=step, fields=fields,
                expected_version=_version(text(form, "step_version")), now=now(request),
            )  # fmt: skip
    except (ValidationFailed, InvalidTransition, Conflict) as exc:
        return _refused(request, viewer, number, exc, ASSESSMENT, posted)
    return RedirectResponse(f"/cases/{number}?done=draft#assessment", status_code=303)


def _act(
    request: Request,
    viewer: Viewer,
    number: int,
    action: str,
    outcome: str,
    on: date | None,
    fields: dict[str, Any],
    form: FormData,
    errors: dict[str, str],
    posted: tuple[str, dict[str, Any]],
    *,
    done: str,
    prefix: str = "",
) -> Response:
    prefix = prefix or f"{action}-"
    if errors or on is None:
        if on is None and f"{prefix}on-day" not in errors:
            errors[f"{prefix}on-day"] = "Date: enter the date it happened"
        return case_page(request, viewer, number, status_code=422, errors=errors, posted=posted)
    try:
        with unit_of_work(request.app.state.engine) as session:
            service.act(
                session=session, actor=viewer.actor, authority=authority(request),
                case_id=number, action=action, outcome=outcome, on=on, fields=fields,
                expected_version=_version(text(form, "version")),
                late_reason=text(form, f"{prefix}late_reason"), now=now(request),
            )  # fmt: skip
    except (ValidationFailed, InvalidTransition, Conflict) as exc:
        return _refused(request, viewer, number, exc, prefix, posted)
    return RedirectResponse(f"/cases/{number}?done={done}", status_code=303)


def _refused(
    request: Request,
    viewer: Viewer,
    number: int,
    exc: JoinedUpError,
    prefix: str,
    posted: tuple[str, dict[str, Any]],
) -> Response:
    """The page again, the person's input kept; a stale save names who saved and what."""
    errors = date_errors(errors_of(exc, prefix=prefix, default=f"{prefix}details"),
                         (f"{prefix}on", f"{prefix}booked_for"))  # fmt: skip
    status = 422 if isinstance(exc, ValidationFailed) else 409
    theirs = exc.theirs if isinstance(exc, StaleVersion) else None
    return case_page(request, viewer, number, status_code=status, errors=errors, posted=posted,
                     theirs=theirs)  # fmt: skip


def _common(form: FormData, prefix: str) -> tuple[date | None, str, str, dict[str, str]]:
    """The date it happened, the outcome and a late reason: every action's form has them."""
    on, problem = day_from(form, f"{prefix}on")
    errors = {f"{prefix}on-day": f"Date: {problem}"} if problem else {}
    return on, text(form, f"{prefix}outcome"), text(form, f"{prefix}late_reason"), errors


def _day_shown(form: FormData, name: str) -> dict[str, str]:
    return {p: text(form, f"{name}-{p}") for p in ("day", "month", "year")}


def _outcome_missing(action: str, outcome: str, prefix: str) -> dict[str, str]:
    wanted = {o for (_, a, o) in pathway.TRANSITIONS if a == action} - {""}
    return {f"{prefix}outcome": "Outcome: choose one"} if wanted and not outcome else {}


def _allocate(request: Request, viewer: Viewer, number: int, form: FormData) -> Response:
    """Allocate through the flow: a suggested worker (their post gives the name and team) or an
    account typed in; over the cap, the page asks for an explicit confirmation."""
    prefix = "allocate-"
    suggested = text(form, f"{prefix}suggested")
    fields, errors, shown = parse_fields(form, "allocate", prefix)
    if suggested:
        errors = {}
        fields = {"user_id": _version(suggested)}
    elif not fields.get("user_id") and f"{prefix}user_id" not in errors:
        errors[f"{prefix}user_id"] = "Choose a suggested worker or enter an account number"
    on, _, late, problems = _common(form, prefix)
    confirm = text(form, f"{prefix}confirm_over_cap") == "yes"
    shown.update(on=_day_shown(form, f"{prefix}on"), outcome="", late_reason=late,
                 suggested=suggested)  # fmt: skip
    errors.update(problems)
    posted = ("allocate", shown)
    if errors or on is None:
        if on is None and f"{prefix}on-day" not in errors:
            errors[f"{prefix}on-day"] = "Date: enter the date it happened"
        return case_page(request, viewer, number, status_code=422, errors=errors, posted=posted)
    wanted = allocation.Request(
        case_id=number, user_id=int(fields["user_id"]), on=on,
        expected_version=_version(text(form, "version")), label=str(fields.get("label") or ""),
        team=str(fields.get("team") or ""), manager_label=str(fields.get("manager_label") or ""),
        confirm_over_cap=confirm,
    )  # fmt: skip
    try:
        with unit_of_work(request.app.state.engine) as session:
            allocation.allocate(session=session, actor=viewer.actor, authority=authority(request),
                                rules=workforce.Rules.of(settings_of(request)), request=wanted,
                                now=now(request))  # fmt: skip
    except OverCap as exc:
        errors = {f"{prefix}confirm_over_cap": exc.message}
        return case_page(request, viewer, number, status_code=409, errors=errors, posted=posted,
                         over_cap=exc.load)  # fmt: skip
    except (ValidationFailed, InvalidTransition, Conflict) as exc:
        return _refused(request, viewer, number, exc, prefix, posted)
    return RedirectResponse(f"/cases/{number}?done=allocate", status_code=303)
