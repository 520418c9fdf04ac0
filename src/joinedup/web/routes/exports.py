"""Exporting a child's chronology as PDF or CSV: the form, and the download it records.

The chronology's filters come in the address (the chronology page's link carries them) and go
back in one hidden field, so the file holds exactly what the page showed. The chronology
service checks the policy, builds the file and records it in the sharing register and the
audit log; this module turns the form into that call and the answer into a download.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import QueryParams

from joinedup.chronology import exports
from joinedup.chronology.views import Filters
from joinedup.core.errors import ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.sharing.views import LAWFUL_BASES
from joinedup.web import csrf
from joinedup.web.chronology_filters import parse_filters, query_string
from joinedup.web.deps import CurrentViewer, Viewer, now
from joinedup.web.forms import FormText, identifier
from joinedup.web.templating import error_list, render

router = APIRouter(include_in_schema=False)

FORMATS = (
    ("pdf", "PDF document", "To read or print: every page marked OFFICIAL-SENSITIVE."),
    ("csv", "CSV spreadsheet", "To sort or analyse: one row per entry, opens in Excel."),
)
FIELDS = ("format", "recipient", "purpose", "lawful_basis")


@router.get("/children/{person_id}/chronology/export")
def export_form(request: Request, viewer: CurrentViewer, person_id: str) -> Response:
    number = identifier(person_id, "child")
    return form_page(request, viewer, number, request.query_params)


@router.post("/children/{person_id}/chronology/export")
def export_download(
    request: Request,
    viewer: CurrentViewer,
    person_id: str,
    csrf_token: FormText = "",
    filters: FormText = "",
    format: FormText = "",
    recipient: FormText = "",
    purpose: FormText = "",
    lawful_basis: FormText = "",
) -> Response:
    csrf.check(csrf_token, viewer.csrf_token)
    number = identifier(person_id, "child")
    params = QueryParams(filters)
    chosen, problems = parse_filters(params)
    values = {"format": format, "recipient": recipient, "purpose": purpose,
              "lawful_basis": lawful_basis}  # fmt: skip
    if problems:
        return form_page(request, viewer, number, params, values=values)
    try:
        with unit_of_work(request.app.state.engine) as session:
            made = exports.export_chronology(
                session=session, actor=viewer.actor, person_id=number, filters=chosen,
                fmt=format, recipient=recipient, purpose=purpose, lawful_basis=lawful_basis,
                now=now(request),
            )  # fmt: skip
    except ValidationFailed as exc:
        errors = {e.field: e.message for e in exc.errors if e.field in FIELDS}
        return form_page(request, viewer, number, params, errors=errors, values=values)
    return Response(
        made.content,
        media_type=made.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{made.filename}"',
            "Cache-Control": "no-store",
        },
    )


def form_page(
    request: Request,
    viewer: Viewer,
    number: int,
    params: QueryParams,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    """The form; a filter that cannot be read stops the export (it would hold too much)."""
    filters, problems = parse_filters(params)
    with unit_of_work(request.app.state.engine) as session:
        preview = exports.preview_export(
            session=session, actor=viewer.actor, person_id=number,
            filters=Filters() if problems else filters, now=now(request),
        )  # fmt: skip
    errors = errors or {}
    back = f"/children/{preview.person_id}/chronology"
    summary = error_list(errors) + [
        {"text": f"{message}. Change the filters on the chronology", "href": back}
        for message in problems.values()
    ]
    return render(
        request,
        "exports/form.html",
        title=f"Export the chronology of child {preview.person_id}",
        status_code=422 if errors or problems else 200,
        preview=preview,
        errors=errors,
        error_list=summary,
        filters_broken=bool(problems),
        back=back,
        values=values or {},
        filter_query=query_string(filters),
        formats=FORMATS,
        bases=LAWFUL_BASES,
    )
