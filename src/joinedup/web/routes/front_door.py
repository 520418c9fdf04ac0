"""The front door: the queue of contacts, and a contact from triage to the referrer told.

Every read and write goes through `casework.contacts` (and `casework.history` for the
repeat-contact guard), which check the access policy and write the audit entries; this module
turns forms into calls and answers into pages.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from joinedup.access.policy import Action, permits
from joinedup.casework import contacts, history, pathway
from joinedup.core.errors import Conflict, InvalidTransition, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.flows import notify
from joinedup.governance import protection
from joinedup.web import csrf
from joinedup.web.casework_forms import AGENCY_TITLES, Posted, authority, errors_of, text
from joinedup.web.deps import CurrentViewer, Viewer, now
from joinedup.web.forms import identifier
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

DONE = {
    "triaged": "You recorded the urgency.",
    "requested": "You sent the information request.",
    "replied": "You recorded the reply. It is on the child's chronology.",
    "decided": "You recorded the decision. It now needs a manager's sign-off.",
    "approved": "You signed the decision off.",
    "returned": "You returned the decision with your note.",
    "told": "You told the referrer the outcome. It is in the information-sharing register.",
    "protected": "The referrer's identity is protected: partners and subject access exports "
    "will not show it.",
}
STATUS_TITLES = {
    pathway.RECEIVED: "Awaiting a decision",
    pathway.AWAITING_SIGNOFF: "Awaiting sign-off",
    pathway.DECIDED: "Decided",
}


@router.get("/front-door")
def queue(request: Request, viewer: CurrentViewer) -> Response:
    with unit_of_work(request.app.state.engine) as session:
        found = contacts.front_door_queue(session=session, actor=viewer.actor, now=now(request))
    return render(
        request,
        "front_door/queue.html",
        title="Front door",
        contacts=found,
        status_titles=STATUS_TITLES,
    )


@router.get("/contacts/{contact_id}")
def contact(request: Request, viewer: CurrentViewer, contact_id: str, done: str = "") -> Response:
    return contact_page(request, viewer, identifier(contact_id, "contact"), done=done)


def contact_page(
    request: Request,
    viewer: Viewer,
    number: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    moment = now(request)
    with unit_of_work(request.app.state.engine) as session:
        found = contacts.get_contact(session=session, actor=viewer.actor, contact_id=number,
                                     now=moment)  # fmt: skip
        shielded = number in protection.protected_referrers(session, [number])
        known = history.contact_history(
            session=session, actor=viewer.actor, authority=authority(request),
            person_id=found.person_id, now=moment, exclude_contact=number,
        )  # fmt: skip
    may_triage = permits(viewer.role, Action.CONTACTS_TRIAGE)
    return render(
        request,
        "front_door/contact.html",
        title=f"Contact {found.id}",
        status_code=status_code,
        contact=found,
        history=known,
        errors=errors or {},
        values=values or {},
        done=DONE.get(done, ""),
        may_triage=may_triage,
        may_sign_off=permits(viewer.role, Action.CONTACTS_SIGN_OFF),
        may_challenge=permits(viewer.role, Action.ESCALATIONS_RAISE),
        may_protect=permits(viewer.role, Action.IDENTITIES_PROTECT),
        referrer_protected=shielded,
        may_early_help=permits(viewer.role, Action.EARLY_HELP_WRITE),
        status_titles=STATUS_TITLES,
        decisions=pathway.CONTACT_DECISIONS,
        agencies=AGENCY_TITLES,
        stages=pathway.STAGES,
    )


Work = Callable[[Session], object]


def _save(
    request: Request,
    viewer: Viewer,
    number: int,
    work: Work,
    *,
    done: str,
    prefix: str,
    default: str,
    values: dict[str, str],
) -> Response:
    """Run one write in its unit of work; a refusal re-renders the page with the input kept."""
    try:
        with unit_of_work(request.app.state.engine) as session:
            work(session)
    except (ValidationFailed, InvalidTransition, Conflict) as exc:
        errors = errors_of(exc, prefix=prefix, default=default)
        if prefix != "triage-" and f"{prefix}urgency" in errors:  # triage first: its field
            errors["triage-urgency"] = errors.pop(f"{prefix}urgency")
        status = 422 if isinstance(exc, ValidationFailed) else 409
        return contact_page(request, viewer, number, status_code=status, errors=errors,
                            values=values)  # fmt: skip
    return RedirectResponse(f"/contacts/{number}?done={done}", status_code=303)


def _version(form_value: str) -> int:
    return int(form_value) if form_value.isdigit() and len(form_value) < 10 else -1


@router.post("/contacts/{contact_id}/protect-referrer")
def protect_referrer(
    request: Request, viewer: CurrentViewer, contact_id: str, form: Posted
) -> Response:
    """Protect the referrer's identity: withheld from partners and subject access exports."""
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(contact_id, "contact")
    reason = text(form, "reason")

    def work(session: Session) -> object:
        return protection.protect_referrer(session=session, actor=viewer.actor,
                                           contact_id=number, reason=reason,
                                           now=now(request))  # fmt: skip

    return _save(request, viewer, number, work, done="protected", prefix="protect-",
                 default="protect-reason", values={"protect-reason": reason})  # fmt: skip


@router.post("/contacts/{contact_id}/triage")
def triage(request: Request, viewer: CurrentViewer, contact_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(contact_id, "contact")
    urgency = text(form, "urgency")

    def work(session: Session) -> object:
        return contacts.triage(session=session, actor=viewer.actor, contact_id=number,
                               urgency=urgency, expected_version=_version(text(form, "version")),
                               now=now(request))  # fmt: skip

    return _save(request, viewer, number, work, done="triaged", prefix="triage-",
                 default="triage-urgency", values={"triage-urgency": urgency})  # fmt: skip


@router.post("/contacts/{contact_id}/requests")
def request_information(
    request: Request, viewer: CurrentViewer, contact_id: str, form: Posted
) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(contact_id, "contact")
    values = {f"request-{n}": text(form, n) for n in ("agency", "organisation", "question")}

    def work(session: Session) -> object:
        return notify.request_information(
            session=session, actor=viewer.actor, contact_id=number, agency=text(form, "agency"),
            organisation=text(form, "organisation"), question=text(form, "question"),
            now=now(request),
        )  # fmt: skip

    return _save(request, viewer, number, work, done="requested", prefix="request-",
                 default="request-question", values=values)  # fmt: skip


@router.post("/contacts/{contact_id}/requests/{request_id}/reply")
def reply(
    request: Request, viewer: CurrentViewer, contact_id: str, request_id: str, form: Posted
) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(contact_id, "contact")
    asked = identifier(request_id, "information request")
    prefix = f"reply-{asked}-"
    values = {f"{prefix}{n}": text(form, n) for n in ("reply", "replied_by")}

    def work(session: Session) -> object:
        return contacts.record_reply(
            session=session, actor=viewer.actor, authority=authority(request), request_id=asked,
            reply=text(form, "reply"), replied_by=text(form, "replied_by"),
            expected_version=_version(text(form, "version")), now=now(request),
        )  # fmt: skip

    return _save(request, viewer, number, work, done="replied", prefix=prefix,
                 default=f"{prefix}reply", values=values)  # fmt: skip


@router.post("/contacts/{contact_id}/decision")
def decide(request: Request, viewer: CurrentViewer, contact_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(contact_id, "contact")
    values = {f"decide-{n}": text(form, n) for n in ("decision", "rationale", "late_reason")}

    def work(session: Session) -> object:
        return contacts.decide(
            session=session, actor=viewer.actor, contact_id=number,
            decision=text(form, "decision"), rationale=text(form, "rationale"),
            late_reason=text(form, "late_reason"),
            expected_version=_version(text(form, "version")), now=now(request),
        )  # fmt: skip

    return _save(request, viewer, number, work, done="decided", prefix="decide-",
                 default="decide-decision", values=values)  # fmt: skip


@router.post("/contacts/{contact_id}/sign-off")
def sign_off(request: Request, viewer: CurrentViewer, contact_id: str, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(contact_id, "contact")
    approve = text(form, "approve") == "yes"

    def work(session: Session) -> object:
        return contacts.sign_off(
            session=session, actor=viewer.actor, authority=authority(request), contact_id=number,
            approve=approve, note=text(form, "note"),
            expected_version=_version(text(form, "version")), now=now(request),
        )  # fmt: skip

    return _save(request, viewer, number, work, done="approved" if approve else "returned",
                 prefix="signoff-", default="signoff-note",
                 values={"signoff-note": text(form, "note")})  # fmt: skip


@router.post("/contacts/{contact_id}/outcome")
def send_outcome(
    request: Request, viewer: CurrentViewer, contact_id: str, form: Posted
) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(contact_id, "contact")

    def work(session: Session) -> object:
        return notify.send_outcome(
            session=session, actor=viewer.actor, contact_id=number,
            message=text(form, "message"), expected_version=_version(text(form, "version")),
            now=now(request),
        )  # fmt: skip

    values = {"outcome-message": text(form, "message")}
    return _save(request, viewer, number, work, done="told", prefix="outcome-",
                 default="outcome-message", values=values)  # fmt: skip
