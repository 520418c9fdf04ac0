"""Restricted children: the list of restrictions in force, marking a child, lifting it.

Managers and information governance mark a child restricted (adoption, a member of staff's own
family, a public figure) with a category, a reason and the accounts that may still see them;
`access.restriction` audits every marking and hides the child from everyone else (ADR 0012).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.access import restriction
from joinedup.core.errors import ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.web import csrf
from joinedup.web.casework_forms import Posted, text
from joinedup.web.deps import CurrentViewer, Viewer, now
from joinedup.web.forms import identifier
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)
DONE = {
    "restricted": "The child is restricted. Only the accounts named can see them.",
    "lifted": "The restriction is lifted. The child's record is open as usual again.",
}


@router.get("/restricted")
def restrictions(request: Request, viewer: CurrentViewer, done: str = "") -> Response:
    with unit_of_work(request.app.state.engine) as session:
        found = restriction.list_restrictions(session=session, actor=viewer.actor,
                                              now=now(request))  # fmt: skip
    return render(request, "access/restricted.html", title="Restricted children",
                  restrictions=found, categories=restriction.CATEGORIES,
                  done=DONE.get(done, ""))  # fmt: skip


@router.get("/children/{person_id}/restrict")
def restrict_form(request: Request, viewer: CurrentViewer, person_id: str) -> Response:
    number = identifier(person_id, "child")
    with unit_of_work(request.app.state.engine) as session:  # a refusal is audited
        restriction.may_restrict(session=session, actor=viewer.actor)
    return _form(request, viewer, number, {"named": ""}, {}, 200)


@router.post("/children/{person_id}/restrict")
def restrict(request: Request, viewer: CurrentViewer, form: Posted, person_id: str) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(person_id, "child")
    values = {name: text(form, name) for name in ("category", "reason", "named")}
    try:
        with unit_of_work(request.app.state.engine) as session:
            restriction.restrict(
                session=session, actor=viewer.actor, person_id=number,
                category=values["category"], reason=values["reason"],
                named_usernames=values["named"].replace(",", " ").split(), now=now(request),
            )  # fmt: skip
    except ValidationFailed as exc:
        errors = {e.field: e.message for e in exc.errors}
        return _form(request, viewer, number, values, errors, 400)
    return RedirectResponse("/restricted?done=restricted", status_code=303)


@router.post("/children/{person_id}/restrict/lift")
def lift(request: Request, viewer: CurrentViewer, form: Posted, person_id: str) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(person_id, "child")
    with unit_of_work(request.app.state.engine) as session:
        restriction.lift(session=session, actor=viewer.actor, person_id=number, now=now(request))
    return RedirectResponse("/restricted?done=lifted", status_code=303)


def _form(
    request: Request,
    viewer: Viewer,
    person_id: int,
    values: dict[str, str],
    errors: dict[str, str],
    status: int,
) -> Response:
    del viewer
    return render(request, "access/restrict.html", title=f"Restrict child {person_id}",
                  status_code=status, person_id=person_id, values=values, errors=errors,
                  categories=restriction.CATEGORIES)  # fmt: skip
