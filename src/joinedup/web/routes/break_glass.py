"""Break-glass pages: the refusal that offers it, and the form that asks why (ADR 0012).

A practitioner refused a child's record for want of a relationship sees why, and, when their
role may, a form asking for their reason; sending it grants a time-limited read, audited with
the outcome "break_glass", and tells information governance and the allocated worker.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.access import break_glass as grants
from joinedup.access.service import NoRelationship
from joinedup.core.errors import NotFound, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.flows import break_glass
from joinedup.web import csrf
from joinedup.web.casework_forms import Posted, text
from joinedup.web.deps import CurrentViewer, now, settings_of
from joinedup.web.forms import identifier
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)


def refused(request: Request, exc: NoRelationship) -> Response:
    """The 403 page for a child the reader has no relationship with (offering break-glass)."""
    return _page(request, exc.person_id, offer=exc.break_glass, status=403)


@router.get("/children/{person_id}/break-glass")
def form(request: Request, viewer: CurrentViewer, person_id: str) -> Response:
    return _page(request, identifier(person_id, "child"), offer=True, status=200)


@router.post("/children/{person_id}/break-glass")
def open_record(request: Request, viewer: CurrentViewer, form: Posted, person_id: str) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(person_id, "child")
    reason = text(form, "reason")
    try:
        with unit_of_work(request.app.state.engine) as session:
            break_glass.open_record(session=session, actor=viewer.actor, person_id=number,
                                    reason=reason, now=now(request),
                                    minutes=settings_of(request).break_glass_minutes)  # fmt: skip
    except ValidationFailed as exc:
        errors = {"reason": exc.errors[0].message if exc.errors else exc.message}
        return _page(request, number, offer=True, status=400, reason=reason, errors=errors)
    except NotFound:
        raise NotFound("There is no child with that number.") from None
    return RedirectResponse(f"/children/{number}", status_code=303)


def _page(
    request: Request,
    person_id: int,
    *,
    offer: bool,
    status: int,
    reason: str = "",
    errors: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "access/break_glass.html",
        title="You have no relationship with this child",
        status_code=status,
        person_id=person_id,
        offer=offer,
        reason=reason,
        errors=errors or {},
        minutes=settings_of(request).break_glass_minutes,
        reason_min=grants.REASON_MIN,
    )
