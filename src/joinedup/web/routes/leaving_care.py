"""A young person's leaving care support: the record, what is due, a form per action, history.

`/children/{person_id}/leaving-care` shows the young person's latest leaving-care record (or,
without one, the category the law gives them today and a form to open one); each action posts
to `/children/{person_id}/leaving-care/{action}`. Every read and write goes through
`casework.leaving_care`, which checks the access policy (and the reader's relationship with the
young person) and writes the audit entries; a refused field comes back named, the input kept.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from joinedup.casework import clocks, eligibility, leaving_care
from joinedup.casework import leaving_care_steps as lcs
from joinedup.core import dfe_codes
from joinedup.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.web import csrf
from joinedup.web.casework_forms import (
    ActionForm,
    Field,
    Posted,
    authority,
    date_values,
    day_from,
    errors_of,
    text,
)
from joinedup.web.deps import CurrentViewer, Viewer, now
from joinedup.web.forms import identifier
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

_YESNO = "yesno"
FIELDS: dict[str, list[Field]] = {
    "open": [Field("notes", "Notes", "textarea", False)],
    "allocate_adviser": [
        Field("label", "Personal adviser (their account name)", "text", True),
        Field("team", "Team", "text", True),
        Field("sw_reason", "Why the worker changes (SSDA903)", "select", False,
              tuple((c, c) for c in sorted(dfe_codes.SW_REASON))),
    ],
    "pathway_plan": [Field("notes", "The plan: what it sets out", "textarea", True)],
    "pathway_review": [Field("notes", "What the review found", "textarea", True)],
    "keeping_in_touch": [
        Field("in_touch", "In touch", "select", True, tuple(lcs.IN_TOUCH.items())),
        Field("activity", "Activity", "select", False, tuple(lcs.ACTIVITIES.items())),
        Field("accommodation", "Accommodation", "select", False,
              tuple(lcs.ACCOMMODATIONS.items())),
        Field("suitable", "Is the accommodation suitable?", _YESNO, False),
        Field("notes", "Notes", "textarea", False),
    ],
    "extend": [Field("notes", "The young person's request", "textarea", True)],
    "close": [
        Field("reason", "Why support ends", "select", True, tuple(lcs.CLOSURE_REASONS.items())),
        Field("notes", "Notes", "textarea", False),
    ],
}  # fmt: skip


@router.get("/children/{person_id}/leaving-care")
def page(request: Request, viewer: CurrentViewer, person_id: str, done: str = "") -> Response:
    return _page(request, viewer, identifier(person_id, "child"), done=done)


@router.post("/children/{person_id}/leaving-care/{action}")
def act(
    request: Request, viewer: CurrentViewer, person_id: str, action: str, form: Posted
) -> Response:
    csrf.check(text(form, "csrf_token"), viewer.csrf_token)
    number = identifier(person_id, "child")
    if action not in FIELDS:
        raise NotFound("There is no such action on leaving care support.")
    prefix = f"{action}-"
    fields, shown = _parse(form, action, prefix)
    on, problem = day_from(form, f"{prefix}on")
    shown.update(on={p: text(form, f"{prefix}on-{p}") for p in ("day", "month", "year")},
                 late_reason=text(form, f"{prefix}late_reason"))  # fmt: skip
    posted = (action, shown)
    if on is None:
        errors = {f"{prefix}on-day": f"Date: {problem or 'enter the date it happened'}"}
        return _page(request, viewer, number, status_code=422, errors=errors, posted=posted)
    try:
        with unit_of_work(request.app.state.engine) as session:
            if action == "open":
                leaving_care.open_record(session=session, actor=viewer.actor,
                                         authority=authority(request), person_id=number, on=on,
                                         fields=fields, now=now(request))  # fmt: skip
            else:
                record = _record_id(text(form, "record_id"))
                view = leaving_care.get_record(session=session, actor=viewer.actor,
                                               record_id=record, now=now(request))  # fmt: skip
                if view.person_id != number:
                    raise NotFound("That leaving care record is not this young person's.")
                version = text(form, "version")
                leaving_care.act(session=session, actor=viewer.actor,
                                 authority=authority(request), record_id=record, action=action,
                                 on=on, fields=fields,
                                 expected_version=int(version) if version.isdigit() else -1,
                                 late_reason=text(form, f"{prefix}late_reason"),
                                 now=now(request))  # fmt: skip
    except (ValidationFailed, InvalidTransition, Conflict) as exc:
        errors = errors_of(exc, prefix=prefix, default=f"{prefix}details")
        if f"{prefix}on" in errors:
            errors[f"{prefix}on-day"] = errors.pop(f"{prefix}on")
        status = 422 if isinstance(exc, ValidationFailed) else 409
        return _page(request, viewer, number, status_code=status, errors=errors, posted=posted)
    return RedirectResponse(f"/children/{number}/leaving-care?done={action}", status_code=303)


def _record_id(value: str) -> int:
    if not value.isdigit() or len(value) > 12:
        raise NotFound("There is no such leaving care record.")
    return int(value)


def _parse(form: FormData, action: str, prefix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    fields: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    for f in FIELDS[action]:
        shown[f.name] = value = text(form, f"{prefix}{f.name}")
        if f.kind == _YESNO:
            if value in ("yes", "no"):
                fields[f.name] = value == "yes"
        elif value.strip() or f.kind != "select":
            fields[f.name] = value
    return fields, shown


def _page(
    request: Request,
    viewer: Viewer,
    person_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    posted: tuple[str, dict[str, Any]] | None = None,
    done: str = "",
) -> Response:
    with unit_of_work(request.app.state.engine) as session:
        found = leaving_care.of_person(session=session, actor=viewer.actor, person_id=person_id,
                                       now=now(request))  # fmt: skip
    today = clocks.london_day(now(request))
    record = found.record
    actions = record.actions if record is not None and record.closed_on is None else ["open"]
    forms = []
    for action in actions:
        blank = {"on": date_values(today), "late_reason": ""}
        shown = posted[1] if posted and posted[0] == action else blank
        forms.append(ActionForm(action, lcs.ACTION_TITLES[action], [], FIELDS[action], shown,
                                bool(posted and posted[0] == action)))  # fmt: skip
    return render(
        request,
        "leaving_care/record.html",
        title="Leaving care support",
        status_code=status_code,
        young=found,
        record=record,
        category=eligibility.CATEGORIES.get(found.category or "", "Not owed leaving care support"),
        forms=forms,
        errors=errors or {},
        done=lcs.ACTION_TITLES.get(done, ""),
        words=_words,
        agencies={},
        attendee_rows=0,
    )


_LABELS = {**lcs.IN_TOUCH, **lcs.ACTIVITIES, **lcs.CLOSURE_REASONS}


def _words(details: dict[str, Any]) -> list[tuple[str, str]]:
    """A done step's details in words (codes with their meanings)."""
    rows = []
    for key, value in details.items():
        if value in (None, "", []) or key == "user_id":
            continue
        if key == "accommodation":
            shown = f"{value}: {lcs.ACCOMMODATIONS.get(str(value), value)}"
        elif isinstance(value, bool):
            shown = "Yes" if value else "No"
        else:
            shown = f"{value}: {_LABELS[value]}" if str(value) in _LABELS else str(value)
        rows.append((key.replace("_", " ").capitalize(), shown))
    return rows
