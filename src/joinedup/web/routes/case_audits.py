"""Case audits: rounds and their samples, the auditor's form, moderation, and actions.

(The audit LOG of who did what is `routes/audit.py`; this is the audit of practice.)
A problem with a form shows the page again with the GOV.UK error summary (400).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.access.policy import Action, permits
from joinedup.core.errors import ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.quality import actions, audits, sampling
from joinedup.web import csrf
from joinedup.web.casework_forms import Posted, day_from, errors_of, text
from joinedup.web.deps import CurrentViewer, Viewer, now
from joinedup.web.forms import date_errors
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)
CHOICES: dict[str, Any] = {"standards": audits.STANDARDS, "grades": audits.GRADES,
           "moderations": audits.MODERATIONS, "methods": sampling.METHODS,
           "strata": sampling.STRATUM_TITLES, "statuses": audits.STATUSES}  # fmt: skip


def _number(value: str) -> int | None:
    value = value.strip().replace(",", "")
    return int(value) if value.isdigit() else None


def _errors(exc: ValidationFailed) -> dict[str, str]:
    return date_errors(errors_of(exc, labelled=False), ("due_on",))


@router.get("/case-audits")
def rounds(request: Request, viewer: CurrentViewer) -> Response:
    return _rounds_page(request, viewer, {"method": "random", "size": "20"}, {})


@router.post("/case-audits")
def draw(request: Request, viewer: CurrentViewer, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    values = {name: text(form, name) for name in ("title", "method", "size", "seed")}
    errors: dict[str, str] = {}
    size, seed = _number(values["size"]), _number(values["seed"])
    if values["seed"].strip() and seed is None:
        errors["seed"] = "The seed must be a whole number, or left blank"
    if not errors:
        try:
            with unit_of_work(request.app.state.engine) as session:
                row = audits.draw_round(session=session, actor=viewer.actor,
                                        title=values["title"], method=values["method"],
                                        size=size, seed=seed, now=now(request))  # fmt: skip
            return RedirectResponse(f"/case-audits/{row.id}", status_code=303)
        except ValidationFailed as exc:
            errors = _errors(exc)
    return _rounds_page(request, viewer, values, errors)


def _rounds_page(request: Request, viewer: Viewer, values: dict[str, str],
                 errors: dict[str, str]) -> Response:  # fmt: skip
    with unit_of_work(request.app.state.engine) as session:
        found = audits.list_rounds(session=session, actor=viewer.actor)
    may_draw = permits(viewer.role, Action.CASE_AUDITS_MANAGE)
    return render(request, "case_audits/rounds.html", title="Case audits", rounds=found,
                  values=values, errors=errors, status_code=400 if errors else 200,
                  may_draw=may_draw, **CHOICES)  # fmt: skip


@router.get("/case-audits/actions")
def all_actions(request: Request, viewer: CurrentViewer) -> Response:
    return _actions_page(request, viewer, {})


@router.post("/case-audits/actions/{action_id}/complete")
def complete(request: Request, viewer: CurrentViewer, action_id: int, form: Posted) -> Response:
    """Record an action done; from an audit's page (`audit` posted) the page is shown again."""
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    audit_id = _number(text(form, "audit"))
    try:
        with unit_of_work(request.app.state.engine) as session:
            actions.complete(session=session, actor=viewer.actor, action_id=action_id,
                             note=text(form, "note"), expected_version=_number(
                                 text(form, "version")) or 0, now=now(request))  # fmt: skip
    except ValidationFailed:
        errors = {f"note-{action_id}": "Enter what was done"}
        if audit_id is not None:
            return _audit_page(request, viewer, audit_id, {}, errors)
        return _actions_page(request, viewer, errors)
    back = f"/case-audits/cases/{audit_id}#actions" if audit_id else "/case-audits/actions"
    return RedirectResponse(back, status_code=303)


def _actions_page(request: Request, viewer: Viewer, errors: dict[str, str]) -> Response:
    with unit_of_work(request.app.state.engine) as session:
        found = actions.list_for(session=session, actor=viewer.actor, now=now(request))
    return render(request, "case_audits/actions.html", title="Actions from case audits",
                  actions=found, errors=errors, status_code=400 if errors else 200)  # fmt: skip


@router.get("/case-audits/{round_id}")
def one_round(request: Request, viewer: CurrentViewer, round_id: int) -> Response:
    with unit_of_work(request.app.state.engine) as session:
        found = audits.get_round(session=session, actor=viewer.actor, round_id=round_id)
    return render(request, "case_audits/round.html", title=found.round.title, r=found,
                  **CHOICES)  # fmt: skip


@router.get("/case-audits/cases/{audit_id}")
def audit_page(request: Request, viewer: CurrentViewer, audit_id: int) -> Response:
    return _audit_page(request, viewer, audit_id, {}, {})


@router.post("/case-audits/cases/{audit_id}/grades")
def grade(request: Request, viewer: CurrentViewer, audit_id: int, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    values = {name: text(form, name) for name in form}
    try:
        with unit_of_work(request.app.state.engine) as session:
            audits.submit(session=session, actor=viewer.actor, audit_id=audit_id,
                          grades={k: text(form, f"{k}-grade") for k in audits.STANDARDS},
                          comments={k: text(form, f"{k}-comment") for k in audits.STANDARDS},
                          overall=text(form, "overall"),
                          overall_comment=text(form, "overall_comment"),
                          expected_version=_number(text(form, "version")) or 0,
                          now=now(request))  # fmt: skip
    except ValidationFailed as exc:
        return _audit_page(request, viewer, audit_id, values, _errors(exc))
    return RedirectResponse(f"/case-audits/cases/{audit_id}", status_code=303)


@router.post("/case-audits/cases/{audit_id}/moderation")
def moderate(request: Request, viewer: CurrentViewer, audit_id: int, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    values = {name: text(form, name) for name in ("outcome", "grade", "reasons")}
    try:
        with unit_of_work(request.app.state.engine) as session:
            audits.moderate(session=session, actor=viewer.actor, audit_id=audit_id,
                            outcome=values["outcome"], grade=values["grade"],
                            reasons=values["reasons"],
                            expected_version=_number(text(form, "version")) or 0,
                            now=now(request))  # fmt: skip
    except ValidationFailed as exc:
        return _audit_page(request, viewer, audit_id, values, _errors(exc))
    return RedirectResponse(f"/case-audits/cases/{audit_id}", status_code=303)


@router.post("/case-audits/cases/{audit_id}/actions")
def add_action(request: Request, viewer: CurrentViewer, audit_id: int, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    values: dict[str, Any] = {name: text(form, name) for name in ("description", "owner")}
    values["due_on"] = {p: text(form, f"due_on-{p}") for p in ("day", "month", "year")}
    due, problem = day_from(form, "due_on")
    if problem:
        return _audit_page(request, viewer, audit_id, values, {"due_on-day": f"Due date {problem}"})
    try:
        with unit_of_work(request.app.state.engine) as session:
            actions.add(session=session, actor=viewer.actor, audit_id=audit_id,
                        description=values["description"], owner=values["owner"], due_on=due,
                        now=now(request))  # fmt: skip
    except ValidationFailed as exc:
        return _audit_page(request, viewer, audit_id, values, _errors(exc))
    return RedirectResponse(f"/case-audits/cases/{audit_id}#actions", status_code=303)


def _audit_page(request: Request, viewer: Viewer, audit_id: int, values: dict[str, Any],
                errors: dict[str, str]) -> Response:  # fmt: skip
    with unit_of_work(request.app.state.engine) as session:
        found = audits.get_audit(session=session, actor=viewer.actor, audit_id=audit_id,
                                 now=now(request))  # fmt: skip
        listed = actions.list_for(session=session, actor=viewer.actor, audit_ids=[audit_id],
                                  now=now(request))  # fmt: skip
    return render(request, "case_audits/audit.html", title=f"Case audit {audit_id}", a=found,
                  actions=listed, values=values, errors=errors,
                  status_code=400 if errors else 200, **CHOICES)  # fmt: skip
