"""Information governance's pages: the audit reports (who looked at a child, what an account
looked at), the retention review with legal holds, and subject access exports. Every read is
audited by the services; every form posts its CSRF token; bad input is a 400 naming the field.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.access.policy import Action
from joinedup.access.service import authorise
from joinedup.core.errors import NotFound, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.governance import reports, sar, stewardship
from joinedup.governance.retention import CLASSES, Rules
from joinedup.governance.sar_html import render as render_export
from joinedup.web import csrf
from joinedup.web.casework_forms import Posted, text
from joinedup.web.deps import CurrentViewer, Viewer, now, settings_of
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)
_MAX_LABEL = 120


@router.get("/governance")
def hub(request: Request, viewer: CurrentViewer) -> Response:
    _may(request, viewer, Action.GOVERNANCE_RETENTION)
    return _hub(request, {}, {})


def _hub(request: Request, values: dict[str, str], errors: dict[str, str]) -> Response:
    return render(request, "governance/hub.html", title="Information governance",
                  values=values, errors=errors, status_code=400 if errors else 200)  # fmt: skip


@router.get("/governance/who-looked")
def who_looked(request: Request, viewer: CurrentViewer) -> Response:
    _may(request, viewer, Action.AUDIT_READ)
    person_text = request.query_params.get("person", "").strip()
    person = _number(person_text)
    if person is None:
        return _hub(
            request, {"person": person_text}, {"person": "Enter the child number, in digits"}
        )
    try:
        with unit_of_work(request.app.state.engine) as session:
            rows = reports.who_looked(session=session, actor=viewer.actor, person_id=person,
                                      now=now(request))  # fmt: skip
    except NotFound:
        return _hub(
            request, {"person": person_text}, {"person": "There is no child with that number"}
        )
    return render(request, "audit/who_looked.html", title="Who looked at this child",
                  person=person, entries=rows)  # fmt: skip


@router.get("/governance/activity")
def activity(request: Request, viewer: CurrentViewer) -> Response:
    _may(request, viewer, Action.AUDIT_READ)
    q = request.query_params
    values = {k: q.get(k, "").strip() for k in ("account", "since", "until")}
    errors: dict[str, str] = {}
    if not values["account"] or len(values["account"]) > _MAX_LABEL:
        errors["account"] = "Enter the account name"
    since, until = _day(values["since"]), _day(values["until"])
    if since is None:
        errors["since"] = "Enter the first day as YYYY-MM-DD"
    if until is None:
        errors["until"] = "Enter the last day as YYYY-MM-DD"
    elif since is not None and until < since:
        errors["until"] = "The last day must be on or after the first day"
    if errors or since is None or until is None:
        return _hub(request, values, errors)
    with unit_of_work(request.app.state.engine) as session:
        seen = reports.user_activity(session=session, actor=viewer.actor,
                                     account=values["account"], since=since, until=until,
                                     now=now(request))  # fmt: skip
    return render(request, "audit/activity.html", title="What this account looked at",
                  seen=seen, since=since, until=until)  # fmt: skip


@router.get("/governance/retention")
def retention(request: Request, viewer: CurrentViewer) -> Response:
    _may(request, viewer, Action.GOVERNANCE_RETENTION)
    as_of_text = request.query_params.get("as_of", "").strip()
    as_of = _day(as_of_text) if as_of_text else now(request).date()
    if as_of is None:
        return _hub(request, {"as_of": as_of_text}, {"as_of": "Enter the date as YYYY-MM-DD"})
    with unit_of_work(request.app.state.engine) as session:
        items = stewardship.review_list(session=session, actor=viewer.actor, rules=_rules(request),
                                        as_of=as_of, now=now(request))  # fmt: skip
    return render(request, "governance/retention.html", title="Retention review", items=items,
                  as_of=as_of, classes=CLASSES, errors={}, values={})  # fmt: skip


@router.post("/governance/holds")
def place_hold(request: Request, viewer: CurrentViewer, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    _may(request, viewer, Action.GOVERNANCE_RETENTION)
    values = {"person": text(form, "person").strip(), "reason": text(form, "reason")}
    person = _number(values["person"])
    errors = {} if person is not None else {"person": "Enter the child number, in digits"}
    if not values["reason"].strip():
        errors["reason"] = "Enter why the records must be kept"
    if errors or person is None:
        return _hub(request, values, errors)
    try:
        with unit_of_work(request.app.state.engine) as session:
            stewardship.place_hold(session=session, actor=viewer.actor, person_id=person,
                                   reason=values["reason"], now=now(request))  # fmt: skip
    except NotFound:
        return _hub(request, values, {"person": "There is no child with that number"})
    except ValidationFailed as exc:
        return _hub(request, values, {e.field: e.message for e in exc.errors})
    return RedirectResponse(f"/governance/who-looked?person={person}", status_code=303)


@router.post("/governance/subject-access")
def subject_access(request: Request, viewer: CurrentViewer, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    _may(request, viewer, Action.GOVERNANCE_SUBJECT_ACCESS)
    values = {"sar_person": text(form, "sar_person").strip(),
              "requester": text(form, "requester").strip()}  # fmt: skip
    person = _number(values["sar_person"])
    requester = _number(values["requester"]) if values["requester"] else None
    errors = {} if person is not None else {"sar_person": "Enter the child number, in digits"}
    if values["requester"] and requester is None:
        errors["requester"] = "Enter the requester's person number, in digits, or leave it empty"
    if errors or person is None:
        return _hub(request, values, errors)
    try:
        with unit_of_work(request.app.state.engine) as session:
            done = sar.export(session=session, actor=viewer.actor, person_id=person,
                              requester_person_id=requester, now=now(request))  # fmt: skip
    except NotFound:
        return _hub(request, values, {"sar_person": "There is no person with that number"})
    page = render_export(done.document)
    disposition = f'attachment; filename="subject-access-{person}.html"'
    return Response(page, media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": disposition})  # fmt: skip


def _may(request: Request, viewer: Viewer, action: Action) -> None:
    """Refuse (audited, 403) before reading any input: a form's errors are for those it serves."""
    with unit_of_work(request.app.state.engine) as session:
        authorise(session=session, actor=viewer.actor, action=action, resource_type="governance")


def _rules(request: Request) -> Rules:
    return Rules.from_settings(settings_of(request))


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 18 else None


def _day(value: str) -> date | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if date(1900, 1, 1) <= day <= date(2300, 1, 1) else None
