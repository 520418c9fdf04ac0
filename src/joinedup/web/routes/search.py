"""Finding a child: the search form and its results (GET /children).

The search is in the address (GET), so a result list can be gone back to. The people service
checks the policy, runs the search and writes the audit entry; a search that cannot run comes
back as the form with a GOV.UK error summary naming each field.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from joinedup.core.errors import ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.people import service as people
from joinedup.people.search_terms import FIELDS, SearchQuery
from joinedup.web.deps import CurrentViewer, now, settings_of
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

TITLE = "Find a child"


@router.get("/children")
def find_a_child(
    request: Request,
    viewer: CurrentViewer,
    given_names: str = "",
    family_name: str = "",
    date_of_birth: str = "",
    postcode: str = "",
    nhs_number: str = "",
    upn: str = "",
) -> Response:
    values = {
        "given_names": given_names,
        "family_name": family_name,
        "date_of_birth": date_of_birth,
        "postcode": postcode,
        "nhs_number": nhs_number,
        "upn": upn,
    }
    if not any(name in request.query_params for name in FIELDS):
        return render(request, "search/children.html", title=TITLE, values=values, results=None)
    try:
        with unit_of_work(request.app.state.engine) as session:
            results = people.search_children(
                session=session,
                actor=viewer.actor,
                query=SearchQuery(**values),
                now=now(request),
                model=people.linkage_model(settings_of(request)),
            )
    except ValidationFailed as exc:
        errors = {e.field: e.message for e in exc.errors}
        return render(
            request,
            "search/children.html",
            title=TITLE,
            status_code=422,
            values=values,
            errors=errors,
            results=None,
        )
    return render(request, "search/children.html", title=TITLE, values=values, results=results)
