"""Finding a child over JSON: GET /api/v1/persons?…

One unit of work through the people service, which checks the access policy, runs the search
and writes the audit entry (the children returned, the parameters searched on, never their
values). A search that cannot run is a 422 whose errors each name their parameter.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from joinedup.api.v1.people import ERRORS, Caller
from joinedup.api.v1.search_schemas import ChildSearchOut
from joinedup.db.session import unit_of_work
from joinedup.people import service as people
from joinedup.people.search_terms import SearchQuery

router = APIRouter(tags=["children"])

Text = Annotated[str, Query(max_length=200)]
_SEARCH_ERRORS: dict[int | str, dict[str, Any]] = {c: ERRORS[c] for c in (401, 403, 422)}


@router.get(
    "/persons",
    summary="Find a child by name, date of birth, postcode, NHS number or UPN",
    description=(
        "Any one of `nhs_number`, `upn`, `postcode` or `family_name` is enough; "
        "`date_of_birth` (DD/MM/YYYY or YYYY-MM-DD) and `given_names` need another parameter "
        "beside them. Names match fuzzily and with nicknames (Bill finds William). Only "
        "children and unborn children are returned, each as the person they are now."
    ),
    responses=_SEARCH_ERRORS,
)
def search_children(
    request: Request,
    actor: Caller,
    given_names: Text = "",
    family_name: Text = "",
    date_of_birth: Text = "",
    postcode: Text = "",
    nhs_number: Text = "",
    upn: Text = "",
    limit: Annotated[int, Query(ge=1, le=50)] = people.SEARCH_LIMIT,
) -> ChildSearchOut:
    query = SearchQuery(given_names, family_name, date_of_birth, postcode, nhs_number, upn)
    with unit_of_work(request.app.state.engine) as session:
        found = people.search_children(
            session=session,
            actor=actor,
            query=query,
            now=request.app.state.clock.now(),
            model=people.linkage_model(request.app.state.settings),
            limit=limit,
        )
    return ChildSearchOut.of(found)
