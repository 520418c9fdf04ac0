"""Professional challenge: raise an escalation, the managers' list of open ones, and one
escalation from its stages to its resolution; and consultations (advice calls to the front
door), whose concern is recorded whatever the advice.

Every read and write goes through `practice.escalations`, which checks the access policy (and
who may act at each stage) and writes the audit entries and the chronology.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from joinedup.access.policy import Action, permits
from joinedup.access.roles import Role
from joinedup.casework.views import Referrer
from joinedup.core.errors import Conflict, InvalidTransition, NotPermitted, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.flows.concerns import SERVICES
from joinedup.practice import clocks, consultations, escalations
from joinedup.practice.clocks import EscalationClock
from joinedup.practice.views import ConsultationView, Raiser
from joinedup.web import csrf
from joinedup.web.casework_forms import AGENCY_TITLES, Posted, authority, errors_of, text
from joinedup.web.deps import CurrentViewer, Viewer, now, settings_of
from joinedup.web.forms import identifier
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

DONE = {
    "raised": "You raised the escalation. It is on the child's chronology.",
    "upheld": "You upheld the escalation. The decision is reversed.",
    "not_upheld": "You recorded that the escalation is not upheld, with your reasons.",
    "escalated": "You moved the escalation to the next stage.",
    "withdrawn": "You withdrew the escalation.",
}
FIELDS = ("subject", "reference", "raiser_name", "raiser_organisation", "raiser_agency", "reasons")


def _clock(request: Request) -> EscalationClock:
    return EscalationClock(tuple(settings_of(request).escalation_working_days))


@router.get("/escalations")
def index(request: Request, viewer: CurrentViewer, done: str = "") -> Response:
    moment = now(request)
    manager = permits(viewer.role, Action.ESCALATIONS_READ)
    with unit_of_work(request.app.state.engine) as session:
        found = (escalations.list_open if manager else escalations.list_mine)(
            session=session, actor=viewer.actor, now=moment
        )
    return render(request, "escalations/list.html", title="Escalations", escalations=found,
                  manager=manager, stages=clocks.STAGE_TITLES,
                  statuses=escalations.STATUS_TITLES, done=DONE.get(done, ""),
                  may_consult=permits(viewer.role, Action.CONSULTATIONS_RECORD))  # fmt: skip


@router.get("/escalations/new")
def new(
    request: Request, viewer: CurrentViewer, reference: str = "", subject: str = ""
) -> Response:
    if not permits(viewer.role, Action.ESCALATIONS_RAISE):
        raise NotPermitted(f"{viewer.role.value} may not {Action.ESCALATIONS_RAISE.value}")
    chosen = subject if subject in escalations.SUBJECTS else escalations.CONTACT_DECISION
    values = {"reference": reference[:20], "raiser_name": viewer.display_name,
              "subject": chosen}  # fmt: skip
    return form_page(request, values)


@router.post("/escalations")
def create(request: Request, viewer: CurrentViewer, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    values = {name: text(form, name) for name in FIELDS}
    raiser = Raiser(values["raiser_name"], values["raiser_organisation"], values["raiser_agency"])
    try:
        with unit_of_work(request.app.state.engine) as session:
            made = escalations.raise_escalation(
                session=session, actor=viewer.actor, authority=authority(request),
                subject=values["subject"], reference=values["reference"], raiser=raiser,
                reasons=values["reasons"], now=now(request), clock=_clock(request),
            )  # fmt: skip
    except (ValidationFailed, Conflict) as exc:
        return form_page(request, values, errors_of(exc, default="reference", labelled=False))
    return RedirectResponse(f"/escalations/{made.id}?done=raised", status_code=303)


def form_page(
    request: Request, values: dict[str, str], errors: dict[str, str] | None = None
) -> Response:
    return render(request, "escalations/new.html", title="Challenge a decision",
                  status_code=422 if errors else 200, values=values, errors=errors or {},
                  subjects=escalations.SUBJECTS, agencies=AGENCY_TITLES)  # fmt: skip


@router.get("/escalations/{escalation_id}")
def show(request: Request, viewer: CurrentViewer, escalation_id: str, done: str = "") -> Response:
    return page(request, viewer, identifier(escalation_id, "escalation"), done=done)


def page(
    request: Request,
    viewer: Viewer,
    number: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    with unit_of_work(request.app.state.engine) as session:
        found = escalations.get_escalation(session=session, actor=viewer.actor,
                                           escalation_id=number, now=now(request))  # fmt: skip
    own = found.raised_by == viewer.actor.label
    resolver = (
        not own and found.status == "open"
        and permits(viewer.role, Action.ESCALATIONS_RESOLVE)
        and viewer.role in escalations.STAGE_ROLES[found.stage] | {Role.SYSTEM}
    )  # fmt: skip
    return render(
        request, "escalations/escalation.html", title=f"Escalation {found.reference}",
        status_code=status_code, e=found, own=own, resolver=resolver,
        manager=permits(viewer.role, Action.ESCALATIONS_READ),
        last_stage=clocks.next_stage(found.stage) is None, stages=clocks.STAGE_TITLES,
        statuses=escalations.STATUS_TITLES, subjects=escalations.SUBJECTS,
        agencies=AGENCY_TITLES, errors=errors or {}, values=values or {},
        done=DONE.get(done, ""),
    )  # fmt: skip


Work = Callable[[Session], object]


def _save(
    request: Request, viewer: Viewer, number: int, work: Work, *, done: str, prefix: str,
    default: str, values: dict[str, str],
) -> Response:  # fmt: skip
    try:
        with unit_of_work(request.app.state.engine) as session:
            work(session)
    except (ValidationFailed, InvalidTransition, Conflict) as exc:
        status = 422 if isinstance(exc, ValidationFailed) else 409
        return page(request, viewer, number, status_code=status, values=values,
                    errors=errors_of(exc, prefix=prefix, default=default))  # fmt: skip
    return RedirectResponse(f"/escalations/{number}?done={done}", status_code=303)


def _version(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 10 else -1


@router.post("/escalations/{escalation_id}/resolve")
def resolve(request: Request, viewer: CurrentViewer, escalation_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(escalation_id, "escalation")
    outcome = text(form, "outcome")

    def work(session: Session) -> object:
        return escalations.resolve(
            session=session, actor=viewer.actor, authority=authority(request),
            escalation_id=number, outcome=outcome, reasons=text(form, "reasons"),
            expected_version=_version(text(form, "version")), now=now(request),
        )  # fmt: skip

    values = {"resolve-outcome": outcome, "resolve-reasons": text(form, "reasons")}
    done = outcome if outcome in DONE else "upheld"
    return _save(request, viewer, number, work, done=done, prefix="resolve-",
                 default="resolve-outcome", values=values)  # fmt: skip


@router.post("/escalations/{escalation_id}/escalate")
def escalate(request: Request, viewer: CurrentViewer, escalation_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(escalation_id, "escalation")

    def work(session: Session) -> object:
        return escalations.escalate(
            session=session, actor=viewer.actor, authority=authority(request),
            escalation_id=number, note=text(form, "note"),
            expected_version=_version(text(form, "version")), now=now(request),
            clock=_clock(request),
        )  # fmt: skip

    return _save(request, viewer, number, work, done="escalated", prefix="escalate-",
                 default="escalate-note", values={"escalate-note": text(form, "note")})  # fmt: skip


@router.post("/escalations/{escalation_id}/withdraw")
def withdraw(request: Request, viewer: CurrentViewer, escalation_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(escalation_id, "escalation")

    def work(session: Session) -> object:
        return escalations.withdraw(
            session=session, actor=viewer.actor, authority=authority(request),
            escalation_id=number, reasons=text(form, "reasons"),
            expected_version=_version(text(form, "version")), now=now(request),
        )  # fmt: skip

    values = {"withdraw-reasons": text(form, "reasons")}
    return _save(request, viewer, number, work, done="withdrawn", prefix="withdraw-",
                 default="withdraw-reasons", values=values)  # fmt: skip


# -- consultations: an advice call to the front door; the concern is recorded whatever the advice

CONSULTATION_FIELDS = ("person_id", "caller_name", "caller_organisation", "service",
                       "caller_contact", "concern", "advice", "advice_reasons")  # fmt: skip


@router.get("/consultations/new")
def new_consultation(request: Request, viewer: CurrentViewer, child: str = "") -> Response:
    if not permits(viewer.role, Action.CONSULTATIONS_RECORD):
        raise NotPermitted(f"{viewer.role.value} may not {Action.CONSULTATIONS_RECORD.value}")
    return consultation_page(request, {"person_id": child[:18]})


def consultation_page(
    request: Request, values: dict[str, str], errors: dict[str, str] | None = None,
    done: ConsultationView | None = None,
) -> Response:  # fmt: skip
    return render(request, "escalations/consultation.html", title="Record a consultation",
                  status_code=422 if errors else 200, values=values, errors=errors or {},
                  services=[(k, s.title) for k, s in SERVICES.items()],
                  advice=consultations.ADVICE, done=done)  # fmt: skip


@router.post("/consultations")
def record_consultation(request: Request, viewer: CurrentViewer, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    values = {name: text(form, name) for name in CONSULTATION_FIELDS}
    service = SERVICES.get(values["service"])
    if service is None:
        return consultation_page(request, values, {"service": "Choose where the caller works"})
    person = values["person_id"].strip()
    try:
        with unit_of_work(request.app.state.engine) as session:
            done = consultations.record_consultation(
                session=session, actor=viewer.actor, authority=authority(request),
                person_id=int(person) if person.isdigit() and len(person) < 18 else 0,
                caller=Referrer(values["caller_name"], values["caller_organisation"],
                                service.agency, values["caller_contact"]),
                concern=values["concern"], advice=values["advice"],
                advice_reasons=values["advice_reasons"],
                referral_source=service.referral_source, now=now(request),
            )  # fmt: skip
    except ValidationFailed as exc:
        errors = errors_of(exc, default="concern", labelled=False)
        renamed = {"caller-name": "caller_name", "caller-organisation": "caller_organisation",
                   "caller-agency": "service"}  # fmt: skip
        return consultation_page(request, values, {renamed.get(k, k): v for k, v in errors.items()})
    return consultation_page(request, {}, done=done)
