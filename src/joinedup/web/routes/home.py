"""The home page: what the signed-in role can do here today, and nothing it cannot."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from joinedup.access.roles import Role
from joinedup.web.deps import CurrentViewer
from joinedup.web.navigation import links_for
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

# What each role will do in Joined Up (DOMAIN.md), for roles whose pages are still to come.
COMING: dict[Role, str] = {
    Role.PARTNER_PRACTITIONER: "",
    Role.MASH_PRACTITIONER: "early help offers and professional challenge",
    Role.SOCIAL_WORKER: "your caseload and its weighting",
    Role.TEAM_MANAGER: "allocating work by capacity and caseload caps",
    Role.REVIEWING_OFFICER: "",
    Role.SENIOR_LEADER: "",
    Role.PERFORMANCE_OFFICER: "statutory returns: the CIN census, SSDA903 and Ofsted Annex A",
    Role.INFORMATION_GOVERNANCE: "break-glass review, subject access requests and retention",
    Role.PARTNER_SYSTEM: "",
    Role.SYSTEM: "",
}


@router.get("/")
def home(request: Request, viewer: CurrentViewer) -> Response:
    tasks = [link for link in links_for(viewer.role) if link.href != "/"]
    return render(
        request,
        "home.html",
        title="Home",
        tasks=tasks,
        coming=COMING.get(viewer.role, ""),
    )
