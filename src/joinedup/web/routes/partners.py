"""The partner look-up page: is a child known to children's social care, and who to call.

The flow (`flows.notify.look_up_child`) decides and audits; without a legitimate relationship
the partner gets the refusal page, whether or not the child exists.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from joinedup.access.policy import Action
from joinedup.access.service import authorise
from joinedup.core.errors import ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.flows import notify
from joinedup.web import csrf
from joinedup.web.casework_forms import Posted, errors_of, text
from joinedup.web.deps import CurrentViewer, Viewer, now, settings_of
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/partners/lookup")
def form(request: Request, viewer: CurrentViewer) -> Response:
    _may_look_up(request, viewer)
    return _form(request, {})


@router.post("/partners/lookup")
def look_up(request: Request, viewer: CurrentViewer, posted: Posted) -> Response:
    csrf.check(text(posted, "csrf_token"), viewer.csrf_token)
    values = {"identifier": text(posted, "identifier"), "reason": text(posted, "reason")}
    try:
        with unit_of_work(request.app.state.engine) as session:
            flag = notify.look_up_child(
                session=session,
                actor=viewer.actor,
                identifier=values["identifier"],
                declared_reason=values["reason"],
                settings=settings_of(request),
                now=now(request),
            )
    except ValidationFailed as exc:
        return _form(request, values, errors_of(exc, default="identifier", labelled=False))
    return render(request, "partners/flag.html", title="Look-up result", flag=flag)


def _may_look_up(request: Request, viewer: Viewer) -> None:
    with unit_of_work(request.app.state.engine) as session:
        authorise(session=session, actor=viewer.actor, action=Action.CHILDREN_LOOKUP,
                  resource_type="person")  # fmt: skip


def _form(
    request: Request, values: dict[str, str], errors: dict[str, str] | None = None
) -> Response:
    return render(
        request,
        "partners/lookup.html",
        title="Look up a child",
        status_code=422 if errors else 200,
        values=values,
        errors=errors or {},
    )
