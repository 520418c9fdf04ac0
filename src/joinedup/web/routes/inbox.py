"""The in-app inbox: notifications addressed to the reader or their organisation."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.db.session import unit_of_work
from joinedup.sharing import inbox
from joinedup.web import csrf
from joinedup.web.casework_forms import Posted, text
from joinedup.web.deps import CurrentViewer, now
from joinedup.web.routes import sharing_register
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)
router.include_router(sharing_register.router)  # the register's pages, sharing's other face


@router.get("/inbox")
def index(request: Request, viewer: CurrentViewer) -> Response:
    with unit_of_work(request.app.state.engine) as session:
        items = inbox.list_inbox(session=session, actor=viewer.actor, now=now(request))
    return render(request, "inbox/index.html", title="Inbox", items=items)


@router.post("/inbox/{notification_id}/read")
def read(request: Request, viewer: CurrentViewer, posted: Posted, notification_id: int) -> Response:
    csrf.check(text(posted, "csrf_token"), viewer.csrf_token)
    with unit_of_work(request.app.state.engine) as session:
        inbox.mark_read(session=session, actor=viewer.actor, notification_id=notification_id,
                        now=now(request))  # fmt: skip
    return RedirectResponse("/inbox", status_code=303)
