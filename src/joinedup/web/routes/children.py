"""The joined-up child: the child page, the chronology, and marks of significant events.

Every read and write goes through the chronology service, which checks the access policy and
writes the audit entry; this module turns query strings and forms into calls and answers into
pages. The export of a chronology is `exports.py`'s; links to it carry the same filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import QueryParams

from joinedup.access.policy import Action, permits
from joinedup.access.service import NoRelationship
from joinedup.casework import service as casework
from joinedup.chronology import service as chronology
from joinedup.chronology.classify import SEVERITIES
from joinedup.chronology.views import ChildRecord, Chronology, Entry
from joinedup.core.dates import UK, occurred
from joinedup.core.errors import InvalidTransition, NotFound, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.rules import service as rules
from joinedup.rules.config import BY_ID
from joinedup.web import csrf
from joinedup.web.chronology_filters import date_parts, parse_filters, query_string
from joinedup.web.deps import CurrentViewer, Viewer, now
from joinedup.web.formatting import humanise
from joinedup.web.forms import FormText, identifier
from joinedup.web.paging import page_number, pagination
from joinedup.web.routes import break_glass
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

PER_PAGE = 100
RULE_TITLES = {rule_id: cls.title for rule_id, cls in BY_ID.items()}
URGENCY_TAGS = {"red": "govuk-tag--red", "amber": "govuk-tag--orange", "green": "govuk-tag--green"}
DONE = {
    "marked": "You marked the entry as significant. The record itself is unchanged.",
    "unmarked": "You removed the significant mark. The mark and its removal stay in the history.",
}
RELATIONSHIPS = {"parents_partner": "parent's partner", "related_child": "related child"}
LABELS = {
    "childrens_social_care": "Children's social care",
    "cp_plan_start": "Child protection plan started",
    "cp_plan_end": "Child protection plan ended",
    "cp_conference": "Child protection conference",
    "cla_start": "Became looked after",
    "cla_end": "Stopped being looked after",
    "section47": "Section 47 enquiry",
}
# DfE categories of abuse (CIN census), in words.
CATEGORIES = {"NEG": "neglect", "PHY": "physical abuse", "EMO": "emotional abuse",
              "SAB": "sexual abuse", "MUL": "multiple categories"}  # fmt: skip
SEVERITY_TAGS = {"high": "govuk-tag--red", "medium": "govuk-tag--orange", "low": "govuk-tag--grey"}


# -- the child page ----------------------------------------------------------------------------


@router.get("/children/{person_id}")
def child(request: Request, viewer: CurrentViewer, person_id: str) -> Response:
    try:
        return _child_page(request, viewer, person_id)
    except NoRelationship as exc:  # offer break-glass (ADR 0012)
        return break_glass.refused(request, exc)


def _child_page(request: Request, viewer: Viewer, person_id: str) -> Response:
    number = identifier(person_id, "child")
    moment = now(request)
    with unit_of_work(request.app.state.engine) as session:
        record = chronology.get_child(
            session=session, actor=viewer.actor, person_id=number, now=moment
        )
        prompts = (
            rules.list_prompts(session=session, actor=viewer.actor, person_id=record.person_id)
            if permits(viewer.role, Action.PROMPTS_READ)
            else []
        )
        cases = (
            casework.cases_of(session=session, actor=viewer.actor,
                              person_ids=[record.person_id], now=moment)
            if permits(viewer.role, Action.CASES_READ)
            else []
        )  # fmt: skip
    _children_only(record.kind)
    seen = record.visibility
    return render(
        request,
        "children/child.html",
        title=f"Child {record.person_id}",  # names stay out of titles and history
        child=record,
        asked=number,
        missing=_missing(record),
        ago={
            key: ago(e.occurred_at, e.date_precision, moment) if e else ""
            for key, e in (
                ("seen", seen.last_seen),
                ("alone", seen.last_seen_alone),
                ("voice", seen.last_voice),
            )
        },
        status_tags=status_tags(record),
        prompts=prompts,
        cases=cases,
        rule_titles=RULE_TITLES,
        urgency_tags=URGENCY_TAGS,
        relationship=relationship,
        label=label,
    )


def _children_only(kind: str) -> None:
    if kind == "adult":
        raise NotFound("There is no child with that number.")


def _missing(record: ChildRecord) -> list[str]:
    """What nobody has recorded, in words for the warning at the top of the panel."""
    seen = record.visibility
    return [
        words
        for entry, words in (
            (seen.last_seen, "no professional has recorded seeing this child"),
            (seen.last_seen_alone, "no one has recorded seeing this child alone"),
            (seen.last_voice, "the child's own words have not been recorded"),
        )
        if entry is None
    ]


def status_tags(record: ChildRecord) -> list[dict[str, str]]:
    """Where the child is on the statutory pathway: each tag says it in words, not colour."""
    s = record.status
    category = f": {CATEGORIES.get(s.cp_category, s.cp_category)}" if s.cp_category else ""
    legal = f" ({s.legal_status})" if s.legal_status else ""
    found = (
        ("cp_plan_since", s.cp_plan_since, f"Child protection plan{category}", "red"),
        ("looked_after_since", s.looked_after_since, f"Looked after{legal}", "purple"),
        ("child_in_need_since", s.child_in_need_since, "Child in need", "orange"),
        ("open_case_since", s.open_case_since, "Open case", "blue"),
    )
    tags = [
        {"text": text, "classes": f"govuk-tag--{colour}",
         "since": occurred(since, s.precisions.get(key, "day"))}
        for key, since, text, colour in found
        if since is not None
    ]  # fmt: skip
    return tags or [{"text": "No open case", "classes": "govuk-tag--grey", "since": ""}]


def ago(moment: datetime, precision: str, today: datetime) -> str:
    """How long ago, no more precisely than the date is known: days, months or years."""
    if precision == "minute":
        then, current = moment.astimezone(UK).date(), today.astimezone(UK).date()
    else:
        then, current = moment.astimezone(UTC).date(), today.astimezone(UK).date()
    if precision in ("year", "month"):
        unit = "year" if precision == "year" else "month"
        count = current.year - then.year
        if unit == "month":
            count = count * 12 + current.month - then.month
        if count <= 0:
            return f"this {unit}"
        return f"last {unit}" if count == 1 else f"{count} {unit}s ago"
    days = (current - then).days
    if days <= 0:
        return "today" if days == 0 else "in the future"
    return "yesterday" if days == 1 else f"{days:,} days ago"


def label(code: str | None) -> str:
    """An agency or a type of record in words."""
    return LABELS.get(code or "", humanise(code))


def relationship(code: str | None) -> str:
    if not code:
        return ""
    return RELATIONSHIPS.get(code, code.replace("_", " "))


# -- the chronology ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One page of the chronology, with the words and links around it."""

    entries: list[Entry]
    counted: str
    pagination: dict[str, object] | None
    query: str  # the filters (and page) as a query string, for forms and links


@router.get("/children/{person_id}/chronology")
def chronology_page(
    request: Request, viewer: CurrentViewer, person_id: str, done: str = ""
) -> Response:
    number = identifier(person_id, "child")
    try:
        return chronology_view(request, viewer, number, request.query_params, done=done)
    except NoRelationship as exc:  # offer break-glass (ADR 0012)
        return break_glass.refused(request, exc)


def chronology_view(
    request: Request,
    viewer: Viewer,
    number: int,
    params: QueryParams,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    filters, problems = parse_filters(params)
    with unit_of_work(request.app.state.engine) as session:
        found = chronology.get_chronology(
            session=session, actor=viewer.actor, person_id=number, filters=filters,
            now=now(request), page=page_number(params.get("page")), per_page=PER_PAGE,
        )  # fmt: skip
    shown = _page(found)
    page_errors = {_anchor(k): v for k, v in problems.items()} | (errors or {})
    return render(
        request,
        "children/chronology.html",
        title=f"Chronology of child {found.person_id}",
        status_code=422 if problems and status_code == 200 else status_code,
        found=found,
        shown=shown,
        filters=filters,
        filter_query=query_string(filters),
        agency_items=_items(found.agencies, filters.agencies),
        type_items=_items(found.types, filters.types),
        severity_items=_items(list(SEVERITIES), filters.severities),
        severity_tags=SEVERITY_TAGS,
        dates={
            name: date_parts(params, name, getattr(filters, name)) for name in ("since", "until")
        },
        errors=page_errors,
        values=values or {},
        done=DONE.get(done, ""),
        may_mark=permits(viewer.role, Action.CHRONOLOGY_MARK),
        may_export=permits(viewer.role, Action.CHRONOLOGY_EXPORT),
        relationship=relationship,
        label=label,
    )


def _items(present: list[str], chosen: frozenset[str]) -> list[dict[str, object]]:
    """Checkboxes for what is on the chronology, and for anything chosen that is not."""
    return [
        {"value": code, "text": label(code), "checked": code in chosen}
        for code in [*present, *sorted(chosen - set(present))]
    ]


def _anchor(field: str) -> str:
    """A date's error links to its first box, as the GOV.UK date input asks."""
    return f"{field}-day" if field in ("since", "until") else field


def _page(found: Chronology) -> Shown:
    """The page the service read (a page beyond the last reads as the last), with its links."""
    count, page = found.matching, found.page
    first = (page - 1) * PER_PAGE
    query = query_string(found.filters)
    nav = pagination(f"/children/{found.person_id}/chronology", {}, page, count, PER_PAGE)
    return Shown(found.entries, counted(first, len(found.entries), count, found.total),
                 _keep(nav, query),
                 query_string(found.filters, page=str(page) if page > 1 else ""))  # fmt: skip


def counted(first: int, on_page: int, matching: int, total: int) -> str:
    """`Showing 12 of 340 entries`, or `Showing 101 to 200 of 250 entries (340 in all)`."""
    noun = "entry" if total == 1 else "entries"
    if matching == on_page:
        return f"Showing {matching:,} of {total:,} {noun}"
    shown = f"Showing {first + 1:,} to {first + on_page:,} of {matching:,} {noun}"
    return shown if matching == total else f"{shown} ({total:,} in all)"


def _keep(nav: dict[str, Any] | None, query: str) -> dict[str, Any] | None:
    """The pagination's links, with the filters kept."""
    if nav is None or not query:
        return nav

    def carry(link: dict[str, Any]) -> dict[str, Any]:
        return (
            {**link, "href": link["href"].replace("?", f"?{query}&", 1)} if "href" in link else link
        )

    kept = {**nav, "items": [carry(item) for item in nav["items"]]}
    for side in ("previous", "next"):
        if side in nav:
            kept[side] = carry(nav[side])
    return kept


# -- marking significant events ----------------------------------------------------------------


@router.post("/children/{person_id}/chronology/marks")
def mark(
    request: Request,
    viewer: CurrentViewer,
    person_id: str,
    csrf_token: FormText = "",
    event_id: FormText = "",
    action: FormText = "",
    note: FormText = "",
    back: FormText = "",
) -> Response:
    csrf.check(csrf_token, viewer.csrf_token)
    number = identifier(person_id, "child")
    event = identifier(event_id, "chronology entry")
    params = QueryParams(back)
    filters, _ = parse_filters(params)
    chosen = "unmark" if action == "unmark" else "mark"
    curate = chronology.unmark_significant if chosen == "unmark" else chronology.mark_significant
    field = f"note-{event}"
    try:
        with unit_of_work(request.app.state.engine) as session:
            curate(session=session, actor=viewer.actor, person_id=number, event_id=event,
                   note=note, now=now(request))  # fmt: skip
    except (ValidationFailed, InvalidTransition) as exc:
        status = 422 if isinstance(exc, ValidationFailed) else 409
        message = exc.errors[0].message if exc.errors else _already(chosen)
        return chronology_view(request, viewer, number, params, status_code=status,
                               errors={field: message}, values={field: note})  # fmt: skip
    page = page_number(params.get("page"))
    query = query_string(filters, page=str(page) if page > 1 else "", done=f"{chosen}ed")
    return RedirectResponse(f"/children/{number}/chronology?{query}", status_code=303)


def _already(action: str) -> str:
    if action == "mark":
        return "This entry is already marked as significant"
    return "This entry is not marked as significant"
