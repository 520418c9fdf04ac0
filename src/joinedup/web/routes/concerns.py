"""Raise a concern: a partner practitioner tells the front door about a child.

The flow (`flows.concerns`) stores the concern as the partner's record, resolves the child and
raises the contact in one unit of work; the partner sees a reference and nothing of any case.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.access.policy import Action
from joinedup.access.service import authorise
from joinedup.core.errors import ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.flows import concerns
from joinedup.web import csrf
from joinedup.web.casework_forms import Posted, authority, day_from, errors_of, text
from joinedup.web.deps import CurrentViewer, Viewer, now, settings_of
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

TEXT_FIELDS = ("given_names", "family_name", "nhs_number", "address", "postcode", "what_seen",
               "category", "service", "organisation", "referrer_name", "referrer_role",
               "referrer_contact")  # fmt: skip


@router.get("/concerns/new")
def new(request: Request, viewer: CurrentViewer) -> Response:
    _may_raise(request, viewer)
    return form_page(request, viewer, {"referrer_name": viewer.display_name})


@router.post("/concerns")
def send(request: Request, viewer: CurrentViewer, form: Posted) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    values: dict[str, Any] = {name: text(form, name) for name in TEXT_FIELDS}
    values["date_of_birth"] = {p: text(form, f"date_of_birth-{p}") for p in ("day", "month",
                                                                            "year")}  # fmt: skip
    born, problem = day_from(form, "date_of_birth")
    if problem:
        return form_page(request, viewer, values, {"date_of_birth-day": f"Date of birth {problem}"})
    concern = concerns.Concern(date_of_birth=born, **{n: values[n] for n in TEXT_FIELDS})
    try:
        with unit_of_work(request.app.state.engine) as session:
            receipt = concerns.raise_concern(
                session=session,
                actor=viewer.actor,
                authority=authority(request),
                concern=concern,
                now=now(request),
                settings=settings_of(request),
            )
    except ValidationFailed as exc:
        errors = errors_of(exc, default="what_seen", labelled=False)
        if "date_of_birth" in errors:
            errors["date_of_birth-day"] = errors.pop("date_of_birth")
        return form_page(request, viewer, values, errors)
    return RedirectResponse(f"/concerns/sent?reference={receipt.reference}", status_code=303)


@router.get("/concerns/sent")
def sent(request: Request, viewer: CurrentViewer, reference: str = "") -> Response:
    shown = reference if reference.startswith("FD-") and reference[3:].isdigit() else ""
    return render(request, "concerns/sent.html", title="Concern sent", reference=shown)


def _may_raise(request: Request, viewer: Viewer) -> None:
    """A refusal here is audited like every other (the gate records it)."""
    with unit_of_work(request.app.state.engine) as session:
        authorise(session=session, actor=viewer.actor, action=Action.CONTACTS_RAISE,
                  resource_type="contact")  # fmt: skip


def form_page(
    request: Request,
    viewer: Viewer,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "concerns/new.html",
        title="Raise a concern about a child",
        status_code=422 if errors else 200,
        values=values,
        errors=errors or {},
        services=[(key, s.title) for key, s in concerns.SERVICES.items()],
        categories=concerns.CATEGORIES,
    )
