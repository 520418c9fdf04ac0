"""The identity review queue and persons: read, decide, reopen, merge and undo, over JSON.

Each call is one unit of work through the people service, which checks the access policy and
writes the audit entry; errors come back in the API's one shape (`api/errors.py`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials

from joinedup.access.roles import Actor
from joinedup.api.deps import api_actor, bearer
from joinedup.api.v1.people_schemas import (
    DecisionIn,
    ErrorsOut,
    MergeIn,
    MergeOut,
    PersonOut,
    ReasonIn,
    ReviewTaskDetailOut,
    ReviewTaskList,
    ReviewTaskOut,
)
from joinedup.db.session import unit_of_work
from joinedup.people import service as people

router = APIRouter(tags=["identity review"])

_ERROR = {
    "model": ErrorsOut,
    "content": {
        "application/json": {
            "example": {"errors": [{"code": "NotFound", "message": "…", "field": None}]}
        }
    },
}
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body could not be read as JSON.", **_ERROR},
    401: {"description": "No valid API token.", **_ERROR},
    403: {"description": "This account's role may not do this (the refusal is audited).", **_ERROR},
    404: {"description": "No such review task, person or merge.", **_ERROR},
    409: {"description": "The current state does not allow it.", **_ERROR},
    422: {"description": "The request is not valid; each error names its field.", **_ERROR},
}
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


def caller(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Actor:
    return api_actor(request, credentials)


Caller = Annotated[Actor, Depends(caller)]


@router.get(
    "/review-tasks",
    summary="The identity review queue, oldest first",
    responses=ERRORS,
)
def list_review_tasks(
    request: Request,
    actor: Caller,
    status: Literal["open", "confirmed", "rejected", "all"] = "open",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 25,
) -> ReviewTaskList:
    with unit_of_work(request.app.state.engine) as session:
        found = people.list_review_tasks(
            session=session,
            actor=actor,
            status=None if status == "all" else status,
            page=page,
            per_page=per_page,
        )
    return ReviewTaskList.of(found)


@router.get(
    "/review-tasks/{task_id}",
    summary="One review task: both records and each comparison's contribution, in words",
    responses=ERRORS,
)
def get_review_task(request: Request, actor: Caller, task_id: Id) -> ReviewTaskDetailOut:
    model = people.linkage_model(request.app.state.settings)
    with unit_of_work(request.app.state.engine) as session:
        detail = people.get_review_task(session=session, actor=actor, task_id=task_id, model=model)
    return ReviewTaskDetailOut.of(detail)


@router.post(
    "/review-tasks/{task_id}/decision",
    summary="Decide an open task: confirm (same person, merged) or reject (different people)",
    responses=ERRORS,
)
def decide_review_task(
    request: Request, actor: Caller, task_id: Id, body: DecisionIn
) -> ReviewTaskOut:
    with unit_of_work(request.app.state.engine) as session:
        task = people.decide_review_task(
            session=session,
            actor=actor,
            task_id=task_id,
            decision=body.decision,
            rationale=body.rationale,
            now=request.app.state.clock.now(),
        )
        return ReviewTaskOut.of(task)


@router.post(
    "/review-tasks/{task_id}/reopen",
    summary="Undo a decision: a confirmation's merge is undone, a rejection's constraint revoked",
    responses=ERRORS,
)
def reopen_review_task(
    request: Request, actor: Caller, task_id: Id, body: ReasonIn
) -> ReviewTaskOut:
    with unit_of_work(request.app.state.engine) as session:
        task = people.reopen_review_task(
            session=session,
            actor=actor,
            task_id=task_id,
            reason=body.reason,
            now=request.app.state.clock.now(),
        )
        return ReviewTaskOut.of(task)


@router.get(
    "/persons/{person_id}",
    summary="A person: identities over time, links with provenance, merges and households",
    description=(
        "The person's identity as the matching holds it. A child's joined-up record is at "
        "`/api/v1/persons/{person_id}/child` and their multi-agency chronology at "
        "`/api/v1/persons/{person_id}/chronology`."
    ),
    responses=ERRORS,
)
def get_person(request: Request, actor: Caller, person_id: Id) -> PersonOut:
    with unit_of_work(request.app.state.engine) as session:
        person = people.get_person(session=session, actor=actor, person_id=person_id)
    return PersonOut.of(person)


@router.post(
    "/persons/{person_id}/merge",
    summary="Merge this person into another; every record moves, and the merge can be undone",
    status_code=201,
    responses=ERRORS,
)
def merge_persons(request: Request, actor: Caller, person_id: Id, body: MergeIn) -> MergeOut:
    with unit_of_work(request.app.state.engine) as session:
        merge = people.merge_persons(
            session=session,
            actor=actor,
            from_id=person_id,
            into_id=body.into_person_id,
            reason=body.reason,
            now=request.app.state.clock.now(),
        )
        return MergeOut.model_validate(merge)


@router.post(
    "/merges/{merge_id}/undo",
    summary="Undo a merge exactly; a review task it confirmed is open again",
    responses=ERRORS,
)
def undo_merge(request: Request, actor: Caller, merge_id: Id, body: ReasonIn) -> MergeOut:
    with unit_of_work(request.app.state.engine) as session:
        merge = people.unmerge(
            session=session,
            actor=actor,
            merge_id=merge_id,
            reason=body.reason,
            now=request.app.state.clock.now(),
        )
        return MergeOut.model_validate(merge)
