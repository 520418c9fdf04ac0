"""Keeping teams, posts and absences: the pages a team manager uses to keep the workforce true.

Reading them needs workforce:read (managers and senior leaders); changing them needs
workforce:manage (managers). Each form keeps what was typed and names the field at fault.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from joinedup.access.accounts import get_user
from joinedup.access.policy import Action, permits
from joinedup.access.service import authorise
from joinedup.casework.clocks import london_day
from joinedup.core.errors import ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.web import csrf
from joinedup.web.casework_forms import Posted, date_values, day_from, errors_of, text
from joinedup.web.deps import CurrentViewer, Viewer, now
from joinedup.web.forms import date_errors, identifier
from joinedup.web.templating import render
from joinedup.workforce import service
from joinedup.workforce.caseload import ROLES

DATES = ("start_on", "end_on", "from_on", "to_on")  # a post's and an absence's
router = APIRouter(include_in_schema=False)

KINDS = {"leave": "Annual leave", "sickness": "Sickness", "training": "Training", "other": "Other"}
CONTRACTS = {"permanent": "Permanent", "agency": "Agency"}


@router.get("/workforce/teams")
def teams(request: Request, viewer: CurrentViewer) -> Response:
    today = london_day(now(request))
    with unit_of_work(request.app.state.engine) as session:
        found = service.teams(session=session, actor=viewer.actor, today=today, now=now(request))
    return render(request, "workforce/teams.html", title="Teams and posts", teams=found,
                  today=today, roles=ROLES, kinds=KINDS, contracts=CONTRACTS,
                  may_manage=permits(viewer.role, Action.WORKFORCE_MANAGE),
                  done=request.query_params.get("done", ""))  # fmt: skip


# -- a new team ---------------------------------------------------------------------------------


@router.get("/workforce/teams/new")
def new_team(request: Request, viewer: CurrentViewer) -> Response:
    _may_manage(request, viewer, "team")
    return _team_form(request, {"name": "", "manager": ""}, {})


@router.post("/workforce/teams/new")
def add_team(request: Request, viewer: CurrentViewer, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    values = {"name": text(form, "name").strip(), "manager": text(form, "manager").strip()}
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = "Team name: enter the team's name"
    with unit_of_work(request.app.state.engine) as session:
        manager_id = _account(session, values["manager"], errors, field="manager")
    if errors:
        return _team_form(request, values, errors)
    try:
        with unit_of_work(request.app.state.engine) as session:
            service.create_team(session=session, actor=viewer.actor, name=values["name"],
                                manager_user_id=manager_id,
                                manager_label=values["manager"] or None,
                                now=now(request))  # fmt: skip
    except ValidationFailed as exc:
        return _team_form(request, values, errors_of(exc, default="name"))
    return RedirectResponse("/workforce/teams?done=team", status_code=303)


def _team_form(request: Request, values: dict[str, str], errors: dict[str, str]) -> Response:
    return render(request, "workforce/team_new.html", title="Add a team", values=values,
                  errors=errors, status_code=422 if errors else 200)  # fmt: skip


# -- a new post ---------------------------------------------------------------------------------


@router.get("/workforce/teams/{team_id}/posts/new")
def new_post(request: Request, viewer: CurrentViewer, team_id: str) -> Response:
    number = identifier(team_id, "team")
    _may_manage(request, viewer, "worker")
    with unit_of_work(request.app.state.engine) as session:
        name = service.team_name(session=session, actor=viewer.actor, team_id=number)
    blank = {"account": "", "role": "social_worker", "fte": "1", "contract": "permanent",
             "annual_cost": "", "start_on": date_values(london_day(now(request)))}  # fmt: skip
    return _post_form(request, number, name, blank, {})


@router.post("/workforce/teams/{team_id}/posts/new")
def add_post(request: Request, viewer: CurrentViewer, team_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(team_id, "team")
    values: dict[str, Any] = {k: text(form, k).strip() for k in
                              ("account", "role", "fte", "contract", "annual_cost")}  # fmt: skip
    values["start_on"] = _shown(form, "start_on")
    errors: dict[str, str] = {}
    fte = _fte(values["fte"], errors)
    cost = _cost(values["annual_cost"], errors)
    start, problem = day_from(form, "start_on")
    if problem or start is None:
        errors["start_on-day"] = f"Start date: {problem or 'enter the date the post starts'}"
    with unit_of_work(request.app.state.engine) as session:
        name = service.team_name(session=session, actor=viewer.actor, team_id=number)
        user_id = _account(session, values["account"], errors)
    if errors:
        return _post_form(request, number, name, values, errors)
    try:
        with unit_of_work(request.app.state.engine) as session:
            service.add_worker(session=session, actor=viewer.actor, team_id=number,
                               label=values["account"] or f"vacancy.{number}.{values['role']}",
                               role=values["role"], fte=fte, contract=values["contract"],
                               annual_cost=cost, start_on=start, user_id=user_id,
                               vacant=not values["account"], now=now(request))  # fmt: skip
    except ValidationFailed as exc:
        return _post_form(request, number, name, values, date_errors(errors_of(exc), DATES))
    return RedirectResponse("/workforce/teams?done=post", status_code=303)


def _post_form(request: Request, team_id: int, team: str, values: dict[str, Any],
               errors: dict[str, str]) -> Response:  # fmt: skip
    return render(request, "workforce/post_new.html", title=f"Add a post to {team}",
                  team_id=team_id, team=team, values=values, errors=errors, roles=ROLES,
                  contracts=CONTRACTS, status_code=422 if errors else 200)  # fmt: skip


# -- changing a post ----------------------------------------------------------------------------


@router.get("/workforce/posts/{worker_id}")
def post(request: Request, viewer: CurrentViewer, worker_id: str) -> Response:
    number = identifier(worker_id, "post")
    _may_manage(request, viewer, "worker")
    return _change_form(request, viewer, number, None, {})


@router.post("/workforce/posts/{worker_id}")
def change_post(request: Request, viewer: CurrentViewer, worker_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(worker_id, "post")
    values: dict[str, Any] = {k: text(form, k).strip() for k in
                              ("account", "fte", "contract", "annual_cost")}  # fmt: skip
    values["end_on"] = _shown(form, "end_on")
    errors: dict[str, str] = {}
    fte = _fte(values["fte"], errors)
    cost = _cost(values["annual_cost"], errors)
    end, problem = day_from(form, "end_on")
    if problem:
        errors["end_on-day"] = f"End date: {problem}"
    with unit_of_work(request.app.state.engine) as session:
        user_id = _account(session, values["account"], errors)
    if errors:
        return _change_form(request, viewer, number, values, errors)
    try:
        with unit_of_work(request.app.state.engine) as session:
            service.change_post(session=session, actor=viewer.actor, worker_id=number, fte=fte,
                                contract=values["contract"], annual_cost=cost, end_on=end,
                                user_id=user_id, label=values["account"] or None,
                                now=now(request))  # fmt: skip
    except ValidationFailed as exc:
        return _change_form(request, viewer, number, values, date_errors(errors_of(exc), DATES))
    return RedirectResponse("/workforce/teams?done=changed", status_code=303)


def _change_form(request: Request, viewer: Viewer, number: int, values: dict[str, Any] | None,
                 errors: dict[str, str], absence: dict[str, Any] | None = None,
                 ) -> Response:  # fmt: skip
    today = london_day(now(request))
    with unit_of_work(request.app.state.engine) as session:
        team, found = service.get_post(session=session, actor=viewer.actor, worker_id=number,
                                       today=today, now=now(request))  # fmt: skip
    if values is None:
        values = {"account": "", "fte": f"{found.fte:g}", "contract": found.contract,
                  "annual_cost": str(found.annual_cost),
                  "end_on": date_values(found.end_on)}  # fmt: skip
    return render(request, "workforce/post.html", title=f"Change the post {found.label}",
                  team=team, post=found, values=values, errors=errors, roles=ROLES,
                  contracts=CONTRACTS, kinds=KINDS, today=today,
                  absence=absence or {"kind": "", "from_on": {}, "to_on": {}},
                  done=request.query_params.get("done", ""),
                  status_code=422 if errors else 200)  # fmt: skip


# -- an absence ---------------------------------------------------------------------------------


@router.post("/workforce/posts/{worker_id}/absences")
def add_absence(request: Request, viewer: CurrentViewer, worker_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(worker_id, "post")
    errors: dict[str, str] = {}
    first, problem = day_from(form, "from_on")
    if problem or first is None:
        errors["from_on-day"] = f"First day: {problem or 'enter the first day away'}"
    last, problem = day_from(form, "to_on")
    if problem or last is None:
        errors["to_on-day"] = f"Last day: {problem or 'enter the last day away'}"
    kind = text(form, "kind")
    if kind not in KINDS:
        errors["kind"] = "Kind of absence: choose one"
    if not errors and first is not None and last is not None:
        try:
            with unit_of_work(request.app.state.engine) as session:
                service.record_absence(session=session, actor=viewer.actor, worker_id=number,
                                       from_on=first, to_on=last, kind=kind,
                                       now=now(request))  # fmt: skip
        except ValidationFailed as exc:
            errors = date_errors(errors_of(exc, default="kind"), DATES)
    if errors:
        absence = {"kind": kind, "from_on": _shown(form, "from_on"), "to_on": _shown(form, "to_on")}
        return _change_form(request, viewer, number, None, errors, absence)
    return RedirectResponse(f"/workforce/posts/{number}?done=absence", status_code=303)


# -- helpers ------------------------------------------------------------------------------------


def _may_manage(request: Request, viewer: Viewer, what: str) -> None:
    with unit_of_work(request.app.state.engine) as session:
        authorise(session=session, actor=viewer.actor, action=Action.WORKFORCE_MANAGE,
                  resource_type=what)  # fmt: skip


def _account(
    session: Any, username: str, errors: dict[str, str], field: str = "account"
) -> int | None:
    if not username:
        return None
    user = get_user(session=session, username=username)
    if user is None or not user.active:
        label = "Manager" if field == "manager" else "Account"
        errors[field] = f"{label}: there is no active account with this name"
        return None
    return user.id


def _fte(value: str, errors: dict[str, str]) -> float:
    try:
        fte = float(value)
    except ValueError:
        errors["fte"] = "FTE: enter a number, for example 0.8"
        return 0.0
    if not 0 < fte <= 1:
        errors["fte"] = "FTE: must be more than 0 and at most 1"
    return fte


def _cost(value: str, errors: dict[str, str]) -> int:
    digits = value.replace(",", "").replace("£", "").strip()
    if not digits.isdigit() or len(digits) > 7:
        errors["annual_cost"] = "Annual cost: enter whole pounds, for example 48000"
        return 0
    return int(digits)


def _shown(form: FormData, name: str) -> dict[str, str]:
    return {p: text(form, f"{name}-{p}") for p in ("day", "month", "year")}
