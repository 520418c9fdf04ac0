"""Early help: the team's list (the front door's offers, open episodes by their next review),
starting an episode, and one episode with its family plan, reviews, step-up and closure.

Every read and write goes through `practice.early_help`, which checks the access policy (a
partner works only the episodes they lead) and writes the audit entries and the chronology.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from joinedup.access.policy import Action, permits
from joinedup.access.roles import Role
from joinedup.casework.clocks import london_day
from joinedup.core.errors import Conflict, InvalidTransition, NotPermitted, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.practice import early_help
from joinedup.practice.views import Lead, Member, PlanAction
from joinedup.web import csrf
from joinedup.web.casework_forms import AGENCY_TITLES, Posted, authority, day_from, errors_of, text
from joinedup.web.deps import CurrentViewer, Viewer, now, settings_of
from joinedup.web.forms import identifier
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

ROWS = 3
DONE = {
    "started": "You started early help. It is on the child's chronology.",
    "planned": "You recorded the family plan.",
    "reviewed": "You recorded the review. The next one is due as shown.",
    "action": "You marked the action done.",
    "stepped_up": "You stepped early help up: a contact with its history is at the front door.",
    "closed": "You closed early help.",
}


@router.get("/early-help")
def index(request: Request, viewer: CurrentViewer) -> Response:
    moment = now(request)
    with unit_of_work(request.app.state.engine) as session:
        episodes = early_help.list_episodes(session=session, actor=viewer.actor, now=moment)
        offers = (
            []
            if viewer.role is Role.PARTNER_PRACTITIONER
            else early_help.front_door_offers(session=session, actor=viewer.actor, now=moment)
        )
    return render(request, "early_help/list.html", title="Early help", episodes=episodes,
                  offers=offers, origins=early_help.ORIGINS)  # fmt: skip


@router.get("/early-help/new")
def new(
    request: Request, viewer: CurrentViewer, contact: str = "", case: str = "", child: str = ""
) -> Response:
    if not permits(viewer.role, Action.EARLY_HELP_WRITE):
        raise NotPermitted(f"{viewer.role.value} may not {Action.EARLY_HELP_WRITE.value}")
    values = {"contact_id": contact[:18], "case_id": case[:18], "person_id": child[:18],
              "lead_name": viewer.display_name}  # fmt: skip
    return form_page(request, values)


def form_page(
    request: Request, values: dict[str, str], errors: dict[str, str] | None = None
) -> Response:
    origin = ("front_door" if values.get("contact_id") else
              "step_down" if values.get("case_id") else "partner")  # fmt: skip
    return render(request, "early_help/new.html", title="Start early help",
                  status_code=422 if errors else 200, values=values, errors=errors or {},
                  origin=origin, origins=early_help.ORIGINS, agencies=AGENCY_TITLES)  # fmt: skip


@router.post("/early-help")
def create(request: Request, viewer: CurrentViewer, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    names = ("contact_id", "case_id", "person_id", "lead_name", "lead_agency", "lead_organisation")
    values = {n: text(form, n) for n in names}
    origin = ("front_door" if values["contact_id"] else
              "step_down" if values["case_id"] else "partner")  # fmt: skip
    moment = now(request)
    try:
        with unit_of_work(request.app.state.engine) as session:
            made = early_help.start_episode(
                session=session, actor=viewer.actor, authority=authority(request),
                person_id=_number(values["person_id"]), origin=origin,
                lead=Lead(values["lead_name"], values["lead_agency"], values["lead_organisation"]),
                started_on=london_day(moment), now=moment,
                contact_id=_number(values["contact_id"]) or None,
                case_id=_number(values["case_id"]) or None,
                review_weeks=settings_of(request).early_help_review_weeks,
            )  # fmt: skip
    except (ValidationFailed, Conflict) as exc:
        errors = errors_of(exc, default="lead_name", labelled=False)
        errors = {k.replace("lead-", "lead_"): v for k, v in errors.items()}
        return form_page(request, values, errors)
    return RedirectResponse(f"/early-help/{made.id}?done=started", status_code=303)


def _number(value: str) -> int:
    return int(value) if value.strip().isdigit() and len(value.strip()) < 18 else 0


@router.get("/early-help/{episode_id}")
def show(request: Request, viewer: CurrentViewer, episode_id: str, done: str = "") -> Response:
    return page(request, viewer, identifier(episode_id, "early help episode"), done=done)


def page(
    request: Request, viewer: Viewer, number: int, *, status_code: int = 200,
    errors: dict[str, str] | None = None, values: dict[str, str] | None = None, done: str = "",
) -> Response:  # fmt: skip
    with unit_of_work(request.app.state.engine) as session:
        found = early_help.get_episode(session=session, actor=viewer.actor, episode_id=number,
                                       now=now(request))  # fmt: skip
    return render(
        request, "early_help/episode.html", title=f"Early help EH-{found.id:06d}",
        status_code=status_code, e=found, errors=errors or {}, values=values or {},
        done=DONE.get(done, ""), origins=early_help.ORIGINS, statuses=early_help.STATUS_TITLES,
        agencies=AGENCY_TITLES, rows=range(ROWS),
        in_house=viewer.role is not Role.PARTNER_PRACTITIONER,
    )  # fmt: skip


Work = Callable[[Session], object]


def _save(
    request: Request, viewer: Viewer, number: int, work: Work, *, done: str, default: str,
    values: dict[str, str], extra: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    try:
        if extra:
            raise ValidationFailed("The form has problems", [])
        with unit_of_work(request.app.state.engine) as session:
            work(session)
    except (ValidationFailed, InvalidTransition, Conflict) as exc:
        status = 422 if isinstance(exc, ValidationFailed) else 409
        errors = {**(extra or {}), **({} if extra else errors_of(exc, default=default))}
        return page(request, viewer, number, status_code=status, errors=errors, values=values)
    return RedirectResponse(f"/early-help/{number}?done={done}", status_code=303)


def _version(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 10 else -1


def _plan_rows(form: FormData) -> tuple[list[Member], list[PlanAction], dict[str, str]]:
    members, actions, problems = [], [], {}
    for i in range(ROWS):
        m = [text(form, f"members-{i}-{f}") for f in ("name", "role", "agency", "organisation")]
        if any(v.strip() for v in m):
            members.append(Member(*m))
        what, owner, agency = (text(form, f"actions-{i}-{f}") for f in ("what", "owner", "agency"))
        due, problem = day_from(form, f"actions-{i}-due_on")
        if problem:
            problems[f"actions-{i}-due_on"] = f"Action {i + 1}: the date {problem}"
        if any(v.strip() for v in (what, owner, agency)) or due is not None:
            if due is None and not problem:
                problems[f"actions-{i}-due_on"] = f"Action {i + 1}: enter the date it is due by"
            actions.append(PlanAction(what, owner, agency, due or date.min))
    return members, actions, problems


@router.post("/early-help/{episode_id}/plan")
def plan(request: Request, viewer: CurrentViewer, episode_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(episode_id, "early help episode")
    members, actions, problems = _plan_rows(form)
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    moment = now(request)

    def work(session: Session) -> object:
        return early_help.agree_plan(
            session=session, actor=viewer.actor, authority=authority(request),
            episode_id=number, outcomes=text(form, "outcomes"), members=members,
            actions=actions, agreed_on=london_day(moment),
            expected_version=_version(text(form, "version")), now=moment,
        )  # fmt: skip

    return _save(request, viewer, number, work, done="planned", default="outcomes",
                 values=values, extra=problems)  # fmt: skip


@router.post("/early-help/{episode_id}/review")
def review(request: Request, viewer: CurrentViewer, episode_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(episode_id, "early help episode")
    moment = now(request)

    def work(session: Session) -> object:
        return early_help.record_review(
            session=session, actor=viewer.actor, authority=authority(request),
            episode_id=number, held_on=london_day(moment), summary=text(form, "summary"),
            expected_version=_version(text(form, "version")), now=moment,
            review_weeks=settings_of(request).early_help_review_weeks,
        )  # fmt: skip

    return _save(request, viewer, number, work, done="reviewed", default="summary",
                 values={"summary": text(form, "summary")})  # fmt: skip


@router.post("/early-help/{episode_id}/actions/{action_id}/done")
def action_done(
    request: Request, viewer: CurrentViewer, episode_id: str, action_id: str, form: Posted
) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(episode_id, "early help episode")
    action = identifier(action_id, "action")
    moment = now(request)

    def work(session: Session) -> object:
        return early_help.complete_action(
            session=session, actor=viewer.actor, episode_id=number, action_id=action,
            done_on=london_day(moment), expected_version=_version(text(form, "version")),
            now=moment,
        )  # fmt: skip

    return _save(request, viewer, number, work, done="action", default="actions", values={})


@router.post("/early-help/{episode_id}/step-up")
def step_up(request: Request, viewer: CurrentViewer, episode_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(episode_id, "early help episode")

    def work(session: Session) -> object:
        return early_help.step_up(
            session=session, actor=viewer.actor, authority=authority(request),
            episode_id=number, reasons=text(form, "reasons"),
            contact_route=text(form, "contact_route"),
            expected_version=_version(text(form, "version")), now=now(request),
        )  # fmt: skip

    values = {"step_up-" + n: text(form, n) for n in ("reasons", "contact_route")}
    return _save(request, viewer, number, work, done="stepped_up", default="reasons",
                 values=values)  # fmt: skip


@router.post("/early-help/{episode_id}/close")
def close(request: Request, viewer: CurrentViewer, episode_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(episode_id, "early help episode")

    def work(session: Session) -> object:
        return early_help.close_episode(
            session=session, actor=viewer.actor, authority=authority(request),
            episode_id=number, reason=text(form, "reason"),
            expected_version=_version(text(form, "version")), now=now(request),
        )  # fmt: skip

    return _save(request, viewer, number, work, done="closed", default="reason",
                 values={"close-reason": text(form, "reason")})  # fmt: skip
