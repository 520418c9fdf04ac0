"""The information-sharing register as pages: every disclosure and every decision not to share.

Information governance reads the register (sharing:read), whole or about one child. Whoever
answers partners' requests records a decision not to share about a child (sharing:withhold),
with who asked, what for, the ground and the reason; the decision is append-only.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from joinedup.access.policy import Action
from joinedup.access.service import authorise
from joinedup.core.errors import ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.sharing import withholding
from joinedup.sharing.service import list_disclosures
from joinedup.sharing.views import WITHHOLDING_GROUNDS, DisclosureView, NonDisclosureView
from joinedup.web import csrf
from joinedup.web.casework_forms import Posted, errors_of, text
from joinedup.web.deps import CurrentViewer, Viewer, now
from joinedup.web.forms import identifier
from joinedup.web.paging import PAGE_SIZE, offset, page_number, pagination, showing
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

# What a partner asked for, as the register records it (a code; the reason says the rest).
ASKED_FOR = {
    "case_records": "Case records or the chronology",
    "information_request": "An answer to an information request",
    "contact_outcome": "The outcome of a contact or referral",
    "referrer_identity": "Who made a referral",
    "whereabouts": "Where the child or a family member lives",
    "other": "Something else (say what in the reason)",
}
VIEWS = {"disclosures": "Disclosures", "decisions": "Decisions not to share"}


@router.get("/sharing-register")
def register(request: Request, viewer: CurrentViewer) -> Response:
    view = request.query_params.get("view", "disclosures")
    view = view if view in VIEWS else "disclosures"
    person_text = request.query_params.get("person", "").strip()
    person = int(person_text) if person_text.isdigit() and len(person_text) < 18 else None
    page = page_number(request.query_params.get("page"))
    errors = {"person": "Child number: enter digits only"} if person_text and person is None else {}
    items: list[DisclosureView] | list[NonDisclosureView]
    with unit_of_work(request.app.state.engine) as session:
        start, moment = offset(page), now(request)
        if view == "disclosures":
            found = list_disclosures(session=session, actor=viewer.actor, limit=PAGE_SIZE,
                                     offset=start, person_id=person, now=moment)  # fmt: skip
            items, total = found.items, found.total
        else:
            decided = withholding.decisions_not_to_share(
                session=session, actor=viewer.actor, limit=PAGE_SIZE, offset=start,
                person_id=person, now=moment,
            )  # fmt: skip
            items, total = decided.items, decided.total
    filters = {"view": view, "person": str(person) if person is not None else ""}
    return render(request, "sharing/register.html", title="Information-sharing register",
                  view=view, views=VIEWS, items=items, person=person_text, errors=errors,
                  asked_for=ASKED_FOR, showing=showing(page, len(items), total),
                  pagination=pagination("/sharing-register", filters, page, total),
                  status_code=400 if errors else 200)  # fmt: skip


@router.get("/sharing-register/decisions/new")
def new_decision(request: Request, viewer: CurrentViewer) -> Response:
    _may_withhold(request, viewer)
    person = request.query_params.get("person", "")
    identifier(person, "child")
    values = {"person": person, "what": "", "requester": "", "ground": "", "reason": ""}
    return _form(request, values, {})


@router.post("/sharing-register/decisions")
def record_decision(request: Request, viewer: CurrentViewer, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    values = {k: text(form, k) for k in ("person", "what", "requester", "ground", "reason")}
    person = identifier(values["person"], "child")
    errors = {} if values["what"] in ASKED_FOR else {"what": "Select what was asked for"}
    checked = withholding.check_decision(requester=values["requester"], ground=values["ground"],
                                         reason=values["reason"])  # fmt: skip
    errors.update({e.field: e.message for e in checked})
    if errors:
        return _form(request, values, errors)
    try:
        with unit_of_work(request.app.state.engine) as session:
            made = withholding.record_decision_not_to_share(
                session=session, actor=viewer.actor, action=Action.SHARING_WITHHOLD,
                person_ids=[person], what=values["what"], requester=values["requester"],
                ground=values["ground"], reason=values["reason"], now=now(request),
            )  # fmt: skip
    except ValidationFailed as exc:
        return _form(request, values, errors_of(exc, labelled=False))
    return render(request, "sharing/decision_recorded.html", title="Decision recorded",
                  decision=made, person=person)  # fmt: skip


def _may_withhold(request: Request, viewer: Viewer) -> None:
    with unit_of_work(request.app.state.engine) as session:
        authorise(session=session, actor=viewer.actor, action=Action.SHARING_WITHHOLD,
                  resource_type="person")  # fmt: skip


def _form(request: Request, values: dict[str, str], errors: dict[str, str]) -> Response:
    return render(request, "sharing/decision_new.html", title="Record a decision not to share",
                  values=values, errors=errors, asked_for=ASKED_FOR, grounds=WITHHOLDING_GROUNDS,
                  status_code=422 if errors else 200)  # fmt: skip
