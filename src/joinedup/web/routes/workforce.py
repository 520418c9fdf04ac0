"""The workforce dashboard: caseloads, vacancies, agency use and spend (workforce:read)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from joinedup.casework.clocks import london_day
from joinedup.db.session import unit_of_work
from joinedup.web.deps import CurrentViewer, now, settings_of
from joinedup.web.routes import workforce_teams
from joinedup.web.templating import render
from joinedup.workforce.dashboard import dashboard
from joinedup.workforce.demand import demand
from joinedup.workforce.service import Rules

router = APIRouter(include_in_schema=False)
router.include_router(workforce_teams.router)  # keeping teams, posts and absences


@router.get("/workforce")
def index(request: Request, viewer: CurrentViewer) -> Response:
    rules = Rules.of(settings_of(request))
    with unit_of_work(request.app.state.engine) as session:
        found = dashboard(session=session, actor=viewer.actor, rules=rules,
                          today=london_day(now(request)), now=now(request))  # fmt: skip
    return render(request, "workforce/index.html", title="Workforce and caseloads", d=found,
                  rules=rules)  # fmt: skip


@router.get("/workforce/demand")
def demand_page(request: Request, viewer: CurrentViewer) -> Response:
    with unit_of_work(request.app.state.engine) as session:
        found = demand(session=session, actor=viewer.actor, today=london_day(now(request)),
                       now=now(request))  # fmt: skip
    return render(request, "workforce/demand.html", title="Demand ahead", series=found)
