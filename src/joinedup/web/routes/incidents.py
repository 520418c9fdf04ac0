"""Serious incidents: notification and its clocks, the rapid review, the local practice review,
learning actions, and a replay of the child's records through today's rules.

A problem with a form shows the page again with the GOV.UK error summary (400).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from joinedup.core.errors import ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.quality import actions, incidents
from joinedup.quality.review_pdf import render_review
from joinedup.rules.config import rules_for
from joinedup.web import csrf
from joinedup.web.casework_forms import Posted, date_values, day_from, errors_of, text
from joinedup.web.deps import CurrentViewer, Viewer, now, settings_of
from joinedup.web.forms import date_errors
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)
DATES = ("incident_on", "aware_on", "notified_on", "published_on", "review_from", "review_to",
         "due_on")  # fmt: skip


def _errors(exc: ValidationFailed) -> dict[str, str]:
    return date_errors(errors_of(exc, labelled=False), DATES)


def _dates(form: FormData, *names: str) -> tuple[dict[str, date | None], dict[str, str]]:
    """The posted GOV.UK date inputs; a date that is not real is an error on its day box."""
    found: dict[str, date | None] = {}
    errors: dict[str, str] = {}
    for name in names:
        found[name], problem = day_from(form, name)
        if problem:
            errors[f"{name}-day"] = f"The date {problem}"
    return found, errors


def _values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {k: text(form, k) for k in form if "-" not in k}
    for name in DATES:
        values[name] = {p: text(form, f"{name}-{p}") for p in ("day", "month", "year")}
    return values


def _months(request: Request) -> int:
    return settings_of(request).lcspr_publication_months


@router.get("/incidents")
def index(request: Request, viewer: CurrentViewer) -> Response:
    with unit_of_work(request.app.state.engine) as session:
        found = incidents.list_incidents(session=session, actor=viewer.actor, now=now(request),
                                         publication_months=_months(request))  # fmt: skip
    return render(request, "incidents/index.html", title="Serious incidents", incidents=found,
                  kinds=incidents.KINDS)  # fmt: skip


@router.get("/incidents/new")
def new(request: Request, viewer: CurrentViewer) -> Response:
    person = request.query_params.get("person_id", "")
    return _new_page(request, {"person_id": person if person.isdigit() else ""}, {})


@router.post("/incidents")
def create(request: Request, viewer: CurrentViewer, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    values = _values(form)
    days, errors = _dates(form, "incident_on", "aware_on")
    person = text(form, "person_id").strip()
    if not person.isdigit():
        errors["person_id"] = "Enter the Joined Up number of a child"
    if errors:
        return _new_page(request, values, errors)
    try:
        with unit_of_work(request.app.state.engine) as session:
            row = incidents.notify(session=session, actor=viewer.actor, person_id=int(person),
                                   kind=text(form, "kind"), incident_on=days["incident_on"],
                                   aware_on=days["aware_on"], summary=text(form, "summary"),
                                   now=now(request))  # fmt: skip
    except ValidationFailed as exc:
        return _new_page(request, values, _errors(exc))
    return RedirectResponse(f"/incidents/{row.id}", status_code=303)


def _new_page(request: Request, values: dict[str, Any], errors: dict[str, str]) -> Response:
    return render(request, "incidents/new.html", title="Record a serious incident",
                  values=values, errors=errors, kinds=incidents.KINDS,
                  status_code=400 if errors else 200)  # fmt: skip


@router.get("/incidents/{incident_id}")
def show(request: Request, viewer: CurrentViewer, incident_id: int) -> Response:
    return _page(request, viewer, incident_id, {}, {})


def _page(request: Request, viewer: Viewer, incident_id: int, values: dict[str, Any],
          errors: dict[str, str]) -> Response:  # fmt: skip
    with unit_of_work(request.app.state.engine) as session:
        found = incidents.get(session=session, actor=viewer.actor, incident_id=incident_id,
                              now=now(request), publication_months=_months(request))  # fmt: skip
        listed = actions.list_for(session=session, actor=viewer.actor, incident_id=incident_id,
                                  now=now(request))  # fmt: skip
    return render(request, "incidents/show.html", title=f"Serious incident {incident_id}",
                  i=found, actions=listed, values=values, errors=errors, kinds=incidents.KINDS,
                  decisions=incidents.DECISIONS, months=_months(request),
                  status_code=400 if errors else 200)  # fmt: skip


@router.post("/incidents/{incident_id}/notification")
def notified(request: Request, viewer: CurrentViewer, incident_id: int, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    days, errors = _dates(form, "notified_on")
    if errors:
        return _page(request, viewer, incident_id, _values(form), errors)
    return _act(request, viewer, incident_id, form, incidents.record_notification,
                notified_on=days["notified_on"], reference=text(form, "reference"))  # fmt: skip


@router.post("/incidents/{incident_id}/decision")
def decide(request: Request, viewer: CurrentViewer, incident_id: int, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    return _act(request, viewer, incident_id, form, incidents.decide_review,
                decision=text(form, "decision"))  # fmt: skip


@router.post("/incidents/{incident_id}/publication")
def published(request: Request, viewer: CurrentViewer, incident_id: int, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    days, errors = _dates(form, "published_on")
    if errors:
        return _page(request, viewer, incident_id, _values(form), errors)
    return _act(request, viewer, incident_id, form, incidents.record_publication,
                published_on=days["published_on"])  # fmt: skip


def _act(request: Request, viewer: Viewer, incident_id: int, form: FormData, service: Any,
         **fields: Any) -> Response:  # fmt: skip
    version = text(form, "version")
    try:
        with unit_of_work(request.app.state.engine) as session:
            service(session=session, actor=viewer.actor, incident_id=incident_id,
                    expected_version=int(version) if version.isdigit() else 0, now=now(request),
                    **fields)  # fmt: skip
    except ValidationFailed as exc:
        return _page(request, viewer, incident_id, _values(form), _errors(exc))
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)


@router.post("/incidents/{incident_id}/actions")
def add_action(request: Request, viewer: CurrentViewer, incident_id: int,
               form: Posted) -> Response:  # fmt: skip
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    days, errors = _dates(form, "due_on")
    if errors:
        return _page(request, viewer, incident_id, _values(form), errors)
    try:
        with unit_of_work(request.app.state.engine) as session:
            actions.add(session=session, actor=viewer.actor, incident_id=incident_id,
                        description=text(form, "description"), owner=text(form, "owner"),
                        due_on=days["due_on"], now=now(request))  # fmt: skip
    except ValidationFailed as exc:
        return _page(request, viewer, incident_id, _values(form), _errors(exc))
    return RedirectResponse(f"/incidents/{incident_id}#actions", status_code=303)


@router.post("/incidents/{incident_id}/actions/{action_id}/complete")
def complete(request: Request, viewer: CurrentViewer, incident_id: int, action_id: int,
             form: Posted) -> Response:  # fmt: skip
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    version = text(form, "version")
    try:
        with unit_of_work(request.app.state.engine) as session:
            actions.complete(session=session, actor=viewer.actor, action_id=action_id,
                             note=text(form, "note"),
                             expected_version=int(version) if version.isdigit() else 0,
                             now=now(request))  # fmt: skip
    except ValidationFailed:
        errors = {f"note-{action_id}": "Enter what was done"}
        return _page(request, viewer, incident_id, {}, errors)
    return RedirectResponse(f"/incidents/{incident_id}#actions", status_code=303)


@router.get("/incidents/{incident_id}/rapid-review")
def review(request: Request, viewer: CurrentViewer, incident_id: int) -> Response:
    return _review_page(request, viewer, incident_id, {}, {})


@router.post("/incidents/{incident_id}/rapid-review")
def save_review(request: Request, viewer: CurrentViewer, incident_id: int,
                form: Posted) -> Response:  # fmt: skip
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    days, errors = _dates(form, "review_from", "review_to")
    if errors:
        return _review_page(request, viewer, incident_id, _values(form), errors)
    version = text(form, "version")
    try:
        with unit_of_work(request.app.state.engine) as session:
            incidents.save_rapid_review(
                session=session, actor=viewer.actor, incident_id=incident_id,
                review_from=days["review_from"], review_to=days["review_to"],
                analysis=text(form, "analysis"), complete=text(form, "complete") == "yes",
                expected_version=int(version) if version.isdigit() else 0,
                now=now(request))  # fmt: skip
    except ValidationFailed as exc:
        return _review_page(request, viewer, incident_id, _values(form), _errors(exc))
    return RedirectResponse(f"/incidents/{incident_id}/rapid-review", status_code=303)


def _review_page(request: Request, viewer: Viewer, incident_id: int, values: dict[str, Any],
                 errors: dict[str, str]) -> Response:  # fmt: skip
    with unit_of_work(request.app.state.engine) as session:
        found = incidents.rapid_review(session=session, actor=viewer.actor,
                                       incident_id=incident_id, now=now(request))  # fmt: skip
    i = found.incident
    values = {"review_from": date_values(i.review_from), "review_to": date_values(i.review_to),
              "analysis": i.analysis or "", **values}  # fmt: skip
    return render(request, "incidents/rapid_review.html", title="Rapid review", r=found,
                  values=values, errors=errors, kinds=incidents.KINDS,
                  status_code=400 if errors else 200)  # fmt: skip


@router.get("/incidents/{incident_id}/rapid-review.pdf")
def review_pdf(request: Request, viewer: CurrentViewer, incident_id: int) -> Response:
    with unit_of_work(request.app.state.engine) as session:
        found = incidents.rapid_review(session=session, actor=viewer.actor,
                                       incident_id=incident_id, now=now(request))  # fmt: skip
    body = render_review(found, settings_of(request).authority_name, created=now(request))
    name = f'attachment; filename="rapid-review-{incident_id}.pdf"'
    return Response(body, media_type="application/pdf", headers={"Content-Disposition": name})


@router.get("/incidents/{incident_id}/replay")
def replay(request: Request, viewer: CurrentViewer, incident_id: int) -> Response:
    rules = rules_for(settings_of(request).rules_path)
    with unit_of_work(request.app.state.engine) as session:
        row, found = incidents.replay(session=session, actor=viewer.actor,
                                      incident_id=incident_id, rules=rules.rules,
                                      now=now(request))  # fmt: skip
    return render(request, "incidents/replay.html", title="Would we have prompted?", i=row,
                  prompts=found, source=rules.source)  # fmt: skip
