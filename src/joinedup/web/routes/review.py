"""The identity review queue: records the model was unsure of, decided by a person, reversibly.

Every read and write goes through the people service, which checks the access policy and
writes the audit entry; this module only turns forms into calls and answers into pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.core.errors import Conflict, InvalidTransition
from joinedup.db.session import unit_of_work
from joinedup.people import service as people
from joinedup.people.views import PersonDetail, ReviewTaskDetail, ReviewTaskSummary
from joinedup.web import csrf, matching
from joinedup.web.deps import CurrentViewer, Viewer, now, settings_of
from joinedup.web.forms import FormText, identifier, required_text
from joinedup.web.paging import page_number, pagination, showing
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

PER_PAGE = 25
STATUSES = {"open": "Open", "confirmed": "Confirmed", "rejected": "Rejected", "all": "All"}
DONE = {
    "confirmed": "You confirmed that these records are the same person.",
    "rejected": "You recorded that these are different people.",
    "reopened": "You reopened this task. Its earlier decision has been undone.",
}


@dataclass(frozen=True)
class QueueRow:
    task: ReviewTaskSummary
    agency: str
    event_type: str


@router.get("/people/review")
def queue(request: Request, viewer: CurrentViewer, status: str = "", page: str = "") -> Response:
    chosen = status if status in STATUSES else "open"
    number = page_number(page)
    with unit_of_work(request.app.state.engine) as session:
        found = people.list_review_tasks(
            session=session,
            actor=viewer.actor,
            status=None if chosen == "all" else chosen,
            page=number,
            per_page=PER_PAGE,
        )
        rows = [QueueRow(task, task.agency, task.event_type) for task in found.items]
    return render(
        request,
        "people/review_list.html",
        title="Identity review",
        rows=rows,
        status=chosen,
        status_items=[
            {"value": key, "text": text, "selected": key == chosen}
            for key, text in STATUSES.items()
        ],
        showing=showing(number, len(rows), found.total, PER_PAGE),
        pagination=pagination("/people/review", {"status": chosen}, number, found.total, PER_PAGE),
        matching=matching,
    )


@router.get("/people/review/{task_id}")
def task(request: Request, viewer: CurrentViewer, task_id: str, done: str = "") -> Response:
    return task_page(request, viewer, identifier(task_id, "review task"), done=done)


def task_page(
    request: Request,
    viewer: Viewer,
    task_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    detail, candidate = read_task(request, viewer, task_id)
    return render(
        request,
        "people/review_task.html",
        title=f"Review task {task_id}",
        status_code=status_code,
        detail=detail,
        candidate=candidate,
        rows=matching.side_by_side(detail, candidate),
        others=[i for i in detail.candidate if i != detail.compared_with],
        errors=errors or {},
        values=values or {},
        done=DONE.get(done, ""),
        matching=matching,
    )


def read_task(
    request: Request, viewer: Viewer, task_id: int
) -> tuple[ReviewTaskDetail, PersonDetail]:
    """The task and its candidate person (for the agencies that know them), both audited."""
    model = people.linkage_model(settings_of(request))
    with unit_of_work(request.app.state.engine) as session:
        detail = people.get_review_task(
            session=session, actor=viewer.actor, task_id=task_id, model=model
        )
        person = people.get_person(
            session=session, actor=viewer.actor, person_id=detail.task.candidate_person_id
        )
        if person.merged_into_id is not None:
            person = people.get_person(
                session=session, actor=viewer.actor, person_id=person.merged_into_id
            )
    return detail, person


@router.post("/people/review/{task_id}/decision")
def decide(
    request: Request,
    viewer: CurrentViewer,
    task_id: str,
    csrf_token: FormText = "",
    decision: FormText = "",
    rationale: FormText = "",
) -> Response:
    csrf.check(csrf_token, viewer.csrf_token)
    number = identifier(task_id, "review task")
    text, errors = required_text(
        rationale, "rationale", "Enter why you decided this", "Your reasons"
    )
    if decision not in ("confirm", "reject"):
        errors["decision"] = "Choose whether these records are the same person or not"
    if errors:
        return task_page(
            request, viewer, number, status_code=422, errors=errors, values={"rationale": rationale}
        )
    chosen: Literal["confirm", "reject"] = "confirm" if decision == "confirm" else "reject"
    try:
        with unit_of_work(request.app.state.engine) as session:
            people.decide_review_task(
                session=session,
                actor=viewer.actor,
                task_id=number,
                decision=chosen,
                rationale=text,
                now=now(request),
            )
    except (InvalidTransition, Conflict) as exc:
        return task_page(request, viewer, number, status_code=409, errors={"outcome": exc.message})
    done = "confirmed" if chosen == "confirm" else "rejected"
    return RedirectResponse(f"/people/review/{number}?done={done}", status_code=303)


@router.post("/people/review/{task_id}/reopen")
def reopen(
    request: Request,
    viewer: CurrentViewer,
    task_id: str,
    csrf_token: FormText = "",
    reason: FormText = "",
) -> Response:
    csrf.check(csrf_token, viewer.csrf_token)
    number = identifier(task_id, "review task")
    text, errors = required_text(
        reason, "reason", "Enter why this decision should be reopened", "Your reason"
    )
    if errors:
        return task_page(
            request, viewer, number, status_code=422, errors=errors, values={"reason": reason}
        )
    try:
        with unit_of_work(request.app.state.engine) as session:
            people.reopen_review_task(
                session=session, actor=viewer.actor, task_id=number, reason=text, now=now(request)
            )
    except (InvalidTransition, Conflict) as exc:
        return task_page(request, viewer, number, status_code=409, errors={"outcome": exc.message})
    return RedirectResponse(f"/people/review/{number}?done=reopened", status_code=303)
