"""A person: identities over time, links with provenance, merges (and undoing them), households.

Merging asks twice: the form names the other person and the reason, a confirmation page shows
both persons, and only the confirmed form merges. The people service checks the policy and
audits every read and write.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.access.policy import Action, permits
from joinedup.core.errors import Conflict, InvalidTransition, NotFound
from joinedup.db.session import unit_of_work
from joinedup.people import service as people
from joinedup.people.views import PersonDetail
from joinedup.web import csrf, matching
from joinedup.web.deps import CurrentViewer, Viewer, now
from joinedup.web.forms import FormText, identifier, required_text
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

DONE = {
    "merged": "The two persons were merged. Their records are now together on this page.",
    "unmerged": "The merge was undone. Each person has their own records again.",
}


def read_person(request: Request, viewer: Viewer, person_id: int) -> PersonDetail:
    with unit_of_work(request.app.state.engine) as session:
        return people.get_person(session=session, actor=viewer.actor, person_id=person_id)


def person_page(
    request: Request,
    viewer: Viewer,
    person_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    person = read_person(request, viewer, person_id)
    return render(
        request,
        "people/person.html",
        title=f"Person {person.id}",
        status_code=status_code,
        person=person,
        name=display_name(person),
        may_merge=permits(viewer.role, Action.PEOPLE_MERGE),
        errors=errors or {},
        values=values or {},
        done=DONE.get(done, ""),
        matching=matching,
    )


def display_name(person: PersonDetail) -> str:
    """The name of the person's latest identity, as compared (names may be missing)."""
    for identity in reversed(person.identities):
        held = matching.identity_fields(identity.features)
        name = " ".join(part for part in (held["given"], held["family"]) if part)
        if name:
            return name
    return "Name not known"


@router.get("/people/{person_id}")
def person(request: Request, viewer: CurrentViewer, person_id: str, done: str = "") -> Response:
    return person_page(request, viewer, identifier(person_id, "person"), done=done)


@router.post("/people/{person_id}/merge")
def merge(
    request: Request,
    viewer: CurrentViewer,
    person_id: str,
    csrf_token: FormText = "",
    into_person_id: FormText = "",
    reason: FormText = "",
    confirmed: FormText = "",
) -> Response:
    csrf.check(csrf_token, viewer.csrf_token)
    number = identifier(person_id, "person")
    values = {"into_person_id": into_person_id, "reason": reason}
    into, errors = _other_person(into_person_id.strip(), number)
    text, problems = required_text(reason, "reason", "Enter why these are the same person",
                                   "Your reason")  # fmt: skip
    errors |= problems
    if not errors and confirmed != "yes":
        try:
            other = read_person(request, viewer, into)
        except NotFound:
            errors["into_person_id"] = "There is no person with that number"
        else:
            this = read_person(request, viewer, number)
            return render(
                request,
                "people/merge_confirm.html",
                title=f"Merge person {number} into person {into}",
                this=this,
                other=other,
                names={this.id: display_name(this), other.id: display_name(other)},
                values=values,
            )
    if errors:
        return person_page(request, viewer, number, status_code=422, errors=errors, values=values)
    try:
        with unit_of_work(request.app.state.engine) as session:
            people.merge_persons(session=session, actor=viewer.actor, from_id=number,
                                 into_id=into, reason=text, now=now(request))  # fmt: skip
    except (Conflict, InvalidTransition, NotFound) as exc:
        status = 422 if isinstance(exc, NotFound) else 409  # this person missing: 404 below
        return person_page(request, viewer, number, status_code=status,
                           errors={"into_person_id": exc.message}, values=values)  # fmt: skip
    return RedirectResponse(f"/people/{into}?done=merged", status_code=303)


def _other_person(text: str, number: int) -> tuple[int, dict[str, str]]:
    if not text:
        return 0, {"into_person_id": "Enter the number of the person to merge with"}
    if not text.isdigit() or len(text) > 18:
        return 0, {"into_person_id": "Person number must be a number, like 1042"}
    if int(text) == number:
        return 0, {"into_person_id": "Enter the number of another person, not this one"}
    return int(text), {}


@router.post("/people/merges/{merge_id}/undo")
def undo_merge(
    request: Request,
    viewer: CurrentViewer,
    merge_id: str,
    csrf_token: FormText = "",
    person_id: FormText = "",
    reason: FormText = "",
) -> Response:
    csrf.check(csrf_token, viewer.csrf_token)
    number = identifier(merge_id, "merge")
    back = identifier(person_id, "person")
    field = f"undo-reason-{number}"
    text, errors = required_text(reason, field, "Enter why this merge should be undone",
                                 "Your reason")  # fmt: skip
    if errors:
        return person_page(request, viewer, back, status_code=422, errors=errors,
                           values={field: reason})  # fmt: skip
    try:
        with unit_of_work(request.app.state.engine) as session:
            people.unmerge(
                session=session, actor=viewer.actor, merge_id=number, reason=text, now=now(request)
            )
    except (Conflict, InvalidTransition) as exc:
        return person_page(request, viewer, back, status_code=409, errors={field: exc.message},
                           values={field: reason})  # fmt: skip
    return RedirectResponse(f"/people/{back}?done=unmerged", status_code=303)
