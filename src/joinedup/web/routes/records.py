"""Records received from partner agencies: the list, and one record in full."""

from __future__ import annotations

from typing import get_args

from fastapi import APIRouter, Request
from fastapi.responses import Response

from joinedup.core.errors import NotFound
from joinedup.db.session import unit_of_work
from joinedup.intake import service as intake
from joinedup.intake.schemas import Agency
from joinedup.web.deps import CurrentViewer
from joinedup.web.formatting import humanise
from joinedup.web.paging import PAGE_SIZE, offset, page_number, pagination, showing
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

AGENCIES: tuple[str, ...] = get_args(Agency)


@router.get("/records")
def records(request: Request, viewer: CurrentViewer, agency: str = "", page: str = "") -> Response:
    chosen = agency if agency in AGENCIES else ""
    number = page_number(page)
    with unit_of_work(request.app.state.engine, write=True) as session:
        found = intake.list_records(
            session=session,
            actor=viewer.actor,
            now=request.app.state.clock.now(),
            limit=PAGE_SIZE,
            offset=offset(number),
            agency=chosen or None,
        )
    return render(
        request,
        "records/list.html",
        title="Records received",
        records=found.items,
        total=found.total,
        showing=showing(number, len(found.items), found.total),
        pagination=pagination("/records", {"agency": chosen}, number, found.total),
        agency_items=_agency_items(chosen),
        agency=chosen,
    )


@router.get("/records/{source_record_id}")
def record(request: Request, viewer: CurrentViewer, source_record_id: str) -> Response:
    if not source_record_id.isdigit() or len(source_record_id) > 18:
        raise NotFound("There is no record with that number.")
    with unit_of_work(request.app.state.engine, write=True) as session:
        detail = intake.get_record(
            session=session,
            actor=viewer.actor,
            source_record_id=int(source_record_id),
            now=request.app.state.clock.now(),
        )
    return render(
        request,
        "records/detail.html",
        title=f"Record {detail.summary.record_id}",
        record=detail,
    )


def _agency_items(chosen: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = [{"value": "", "text": "All agencies"}]
    items += [{"value": a, "text": humanise(a), "selected": a == chosen} for a in AGENCIES]
    return items
