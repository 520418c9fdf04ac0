"""Deadline lists: what is due or overdue, for a worker, a team, or everyone; partners'
overdue replies by agency; and cases with no recent management oversight.

Every list comes from `casework.service`, which checks the access policy and audits the read.
"""

from __future__ import annotations

from itertools import groupby

from fastapi import APIRouter, Request
from fastapi.responses import Response

from joinedup.access.policy import Action, permits
from joinedup.casework import lists
from joinedup.db.session import unit_of_work
from joinedup.web.casework_forms import AGENCY_TITLES
from joinedup.web.deps import CurrentViewer, now
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_TEAM = 120


@router.get("/deadlines")
def mine(request: Request, viewer: CurrentViewer, team: str = "", everyone: str = "") -> Response:
    """Mine by default; a team's with `?team=`; everyone's for managers (`?everyone=1`)."""
    chosen = team.strip()[:MAX_TEAM]
    manager = permits(viewer.role, Action.CASES_OVERSEE)
    whose = "team" if chosen else ("everyone" if manager and everyone != "0" else "mine")
    with unit_of_work(request.app.state.engine) as session:
        items = lists.deadlines(
            session=session,
            actor=viewer.actor,
            now=now(request),
            user_id=viewer.actor.user_id if whose == "mine" else None,
            team=chosen or None,
            # The front door's own work is its contacts' decisions, allocated to nobody.
            front_door=whose == "mine" and permits(viewer.role, Action.CONTACTS_TRIAGE),
        )
    heading = {"mine": "Your deadlines", "team": f"Deadlines of the team {chosen}",
               "everyone": "Everyone's deadlines"}[whose]  # fmt: skip
    return render(
        request,
        "deadlines/list.html",
        title=heading if whose != "team" else "Team deadlines",
        heading=heading,
        items=items,
        whose=whose,
        team=chosen,
        manager=manager,
    )


@router.get("/deadlines/partners")
def partners(request: Request, viewer: CurrentViewer) -> Response:
    with unit_of_work(request.app.state.engine) as session:
        items = lists.overdue_requests(session=session, actor=viewer.actor, now=now(request))
    ordered = sorted(items, key=lambda i: (i.agency or "", i.due_on))
    groups = [(AGENCY_TITLES.get(k or "", k or ""), list(g))
              for k, g in groupby(ordered, key=lambda i: i.agency)]  # fmt: skip
    return render(request, "deadlines/partners.html", title="Partners' overdue replies",
                  groups=groups)  # fmt: skip


@router.get("/deadlines/oversight")
def oversight(request: Request, viewer: CurrentViewer) -> Response:
    with unit_of_work(request.app.state.engine) as session:
        items = lists.no_oversight(session=session, actor=viewer.actor, now=now(request))
    return render(request, "deadlines/oversight.html", title="Cases without recent oversight",
                  items=items)  # fmt: skip
