"""The leaders' dashboard (reports:read): monthly figures with a table beside every chart, and
every figure as CSV with the same filters. A bad filter shows the form with its error (400)."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Request
from fastapi.responses import Response

from joinedup.core.spreadsheet import neutralise
from joinedup.db.session import unit_of_work
from joinedup.reports.dashboard import Dashboard, dashboard
from joinedup.reports.dashboard_csv import csv_rows
from joinedup.web.deps import CurrentViewer, now, settings_of
from joinedup.web.templating import render
from joinedup.workforce.service import Rules

router = APIRouter(include_in_schema=False)


def _figures(request: Request, viewer: CurrentViewer, purpose: str) -> Dashboard:
    settings = settings_of(request)
    params = request.query_params
    with unit_of_work(request.app.state.engine) as session:
        return dashboard(session=session, actor=viewer.actor, start=params.get("from"),
                         end=params.get("to"), team=params.get("team"),
                         rules=Rules.of(settings), population=settings.child_population,
                         now=now(request), purpose=purpose)  # fmt: skip


def _page(request: Request, found: Dashboard) -> Response:
    return render(request, "dashboard/index.html", title="Performance dashboard", d=found,
                  errors={e.field: e.message for e in found.errors},
                  status_code=400 if found.errors else 200)  # fmt: skip


@router.get("/dashboard")
def index(request: Request, viewer: CurrentViewer) -> Response:
    return _page(request, _figures(request, viewer, "page"))


@router.get("/dashboard.csv")
def download(request: Request, viewer: CurrentViewer) -> Response:
    found = _figures(request, viewer, "csv")
    if found.errors:
        return _page(request, found)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("figure", "month or label", "measure", "value"))
    writer.writerows(tuple(neutralise(v) for v in row) for row in csv_rows(found))
    team = f"-{found.filters.team}" if found.filters.team else ""
    name = f"dashboard-{found.filters.start}-to-{found.filters.end}{team}.csv"
    safe = "".join(ch if ch.isalnum() or ch in "-._" else "_" for ch in name)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{safe}"'})  # fmt: skip
