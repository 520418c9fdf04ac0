"""Prompts as pages: the queues (front door, mine, escalated) and one prompt with its answer.

Reading and answering go through the rules service and the prompt flow, which check the access
policy and write the audit entry; this module only turns forms into calls and answers into pages.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.casework.chronicle import Authority
from joinedup.core.errors import InvalidTransition, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.flows.prompts import decide_prompt
from joinedup.rules import service as rules
from joinedup.rules.prompt_view import get_prompt
from joinedup.web import csrf
from joinedup.web.deps import CurrentViewer, Viewer, now, settings_of
from joinedup.web.forms import FormText, identifier
from joinedup.web.routes.children import RULE_TITLES, URGENCY_TAGS
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

QUEUES = {
    "front_door": "Front door",
    "mine": "Assigned to me",
    "escalated": "Escalated to a manager",
}
OUTCOMES = {
    "contact_created": "Create a contact at the front door",
    "added_to_case": "Add it to the child's open case",
    "no_further_action": "No further action",
}
DONE = {"decided": "You answered this prompt. Your answer and reason are kept with it."}


@router.get("/prompts")
def queue(request: Request, viewer: CurrentViewer, queue: str = "") -> Response:
    chosen = queue if queue in QUEUES else "front_door"
    with unit_of_work(request.app.state.engine) as session:
        found = rules.list_prompts(
            session=session,
            actor=viewer.actor,
            queue=None if chosen == "mine" else chosen,
            assigned_user_id=viewer.actor.user_id if chosen == "mine" else None,
        )
    return render(
        request,
        "prompts/queue.html",
        title="Prompts",
        prompts=found,
        chosen=chosen,
        queues=QUEUES,
        rule_titles=RULE_TITLES,
        urgency_tags=URGENCY_TAGS,
    )


@router.get("/prompts/{prompt_id}")
def prompt(request: Request, viewer: CurrentViewer, prompt_id: str, done: str = "") -> Response:
    return prompt_page(request, viewer, identifier(prompt_id, "prompt"), done=done)


def prompt_page(
    request: Request,
    viewer: Viewer,
    prompt_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    with unit_of_work(request.app.state.engine) as session:
        detail = get_prompt(session=session, actor=viewer.actor, prompt_id=prompt_id,
                            now=now(request))  # fmt: skip
    return render(
        request,
        "prompts/prompt.html",
        title=f"Prompt {prompt_id}",
        status_code=status_code,
        detail=detail,
        p=detail.prompt,
        outcomes=OUTCOMES,
        outcome_items=[
            {"value": key, "text": text, "checked": key == (values or {}).get("outcome")}
            for key, text in OUTCOMES.items()
        ],
        errors=errors or {},
        values=values or {},
        done=DONE.get(done, ""),
        rule_titles=RULE_TITLES,
        urgency_tags=URGENCY_TAGS,
    )


@router.post("/prompts/{prompt_id}/decision")
def decide(
    request: Request,
    viewer: CurrentViewer,
    prompt_id: str,
    csrf_token: FormText = "",
    outcome: FormText = "",
    rationale: FormText = "",
) -> Response:
    csrf.check(csrf_token, viewer.csrf_token)
    number = identifier(prompt_id, "prompt")
    settings = settings_of(request)
    values = {"outcome": outcome, "rationale": rationale}
    try:
        with unit_of_work(request.app.state.engine) as session:
            decided = decide_prompt(
                session=session,
                actor=viewer.actor,
                authority=Authority(settings.authority_name, settings.authority_code),
                prompt_id=number,
                outcome=outcome,
                rationale=rationale,
                now=now(request),
            )
            contact_id = decided.contact_id
    except ValidationFailed as exc:
        errors = {e.field: e.message for e in exc.errors}
        return prompt_page(request, viewer, number, status_code=422, errors=errors, values=values)
    except InvalidTransition as exc:
        return prompt_page(
            request, viewer, number, status_code=409, errors={"outcome": exc.message}
        )
    if contact_id is not None:
        return RedirectResponse(f"/contacts/{contact_id}", status_code=303)
    return RedirectResponse(f"/prompts/{number}?done=decided", status_code=303)
