"""A child's joined-up record over JSON: `/persons/{id}/chronology` and `/persons/{id}/child`.

The same filters as the chronology page, as query parameters; each call is one unit of work
through the chronology service, which checks the policy and writes the audit entry.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from joinedup.api.v1.chronology_schemas import ChildOut, ChronologyOut
from joinedup.api.v1.people import ERRORS, Caller, Id
from joinedup.chronology import service as chronology
from joinedup.core.errors import FieldError, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.web.chronology_filters import MAX_CHOICES, checked_filters

router = APIRouter(tags=["children"])

PER_PAGE = 100
MAX_PER_PAGE = 500
MAX_PAGE = 1_000_000

Codes = Annotated[
    list[str] | None,
    Query(max_length=MAX_CHOICES, description="Repeat to choose several; codes as sent."),
]


@router.get(
    "/persons/{person_id}/chronology",
    summary="A child's chronology: every agency's records in time order, with provenance",
    description=(
        "The child's own records, the adults' records that bear on the child's safety and, in "
        "household mode, every household member's records; filtered like the chronology page "
        "and read a page at a time (`page`, `per_page`), with the whole chronology's counts. "
        "Each call is audited and counts as a look for `new`."
    ),
    responses=ERRORS,
)
def get_chronology(
    request: Request,
    actor: Caller,
    person_id: Id,
    agency: Codes = None,
    kind: Annotated[
        list[str] | None,
        Query(alias="type", max_length=MAX_CHOICES, description="Types of record, e.g. concern."),
    ] = None,
    severity: Annotated[list[Literal["high", "medium", "low"]] | None, Query()] = None,
    since: Annotated[date | None, Query(description="Occurred on or after (YYYY-MM-DD).")] = None,
    until: Annotated[date | None, Query(description="Occurred on or before (YYYY-MM-DD).")] = None,
    household: Annotated[bool, Query(description="Siblings' and adults' records too.")] = False,
    significant: Annotated[bool, Query(description="Only events marked significant.")] = False,
    page: Annotated[
        int, Query(ge=1, le=MAX_PAGE, description="Which page, from 1; beyond the last: the last.")
    ] = 1,
    per_page: Annotated[
        int, Query(ge=1, le=MAX_PER_PAGE, description="Entries a page holds, oldest first.")
    ] = PER_PAGE,
) -> ChronologyOut:
    filters, problems = checked_filters(
        agencies=agency or (),
        types=kind or (),
        severities=severity or (),
        since=since,
        until=until,
        household=household,
        significant_only=significant,
    )
    if problems:
        errors = [FieldError(f"query.{name}", message) for name, message in problems.items()]
        raise ValidationFailed(errors[0].message, errors)
    with unit_of_work(request.app.state.engine) as session:
        found = chronology.get_chronology(
            session=session,
            actor=actor,
            person_id=person_id,
            filters=filters,
            now=request.app.state.clock.now(),
            page=page,
            per_page=per_page,
        )
        return ChronologyOut.of(found)


@router.get(
    "/persons/{person_id}/child",
    summary="The child's joined-up record: identity as recorded, household, status, visibility",
    description=(
        "Who the child is (names, dates of birth and identifiers as sources sent them, with how "
        "often), addresses over time, household and relationships, statutory status, "
        "practitioners involved by agency, and when the child was last seen, seen alone and "
        "heard. Audited."
    ),
    responses=ERRORS,
)
def get_child(request: Request, actor: Caller, person_id: Id) -> ChildOut:
    with unit_of_work(request.app.state.engine) as session:
        record = chronology.get_child(
            session=session, actor=actor, person_id=person_id, now=request.app.state.clock.now()
        )
        return ChildOut.of(record)
