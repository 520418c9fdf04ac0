"""The audit log for information governance: newest first, filtered and paged; reads audited."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from joinedup.access import reports
from joinedup.db.session import unit_of_work
from joinedup.web.deps import CurrentViewer, now
from joinedup.web.formatting import humanise
from joinedup.web.paging import PAGE_SIZE, offset, page_number, pagination, showing
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

_MAX_LABEL = 120


@router.get("/audit")
def audit_log(
    request: Request,
    viewer: CurrentViewer,
    account: str = "",
    action: str = "",
    outcome: str = "",
    page: str = "",
) -> Response:
    account = account.strip()[:_MAX_LABEL]
    outcome = outcome if outcome in reports.OUTCOMES else ""
    number = page_number(page)
    with unit_of_work(request.app.state.engine, write=True) as session:
        found = reports.list_entries(
            session=session,
            actor=viewer.actor,
            limit=PAGE_SIZE,
            offset=offset(number),
            actor_label=account or None,
            action=action or None,
            outcome=outcome or None,
            now=now(request),
        )
    filters = {"account": account, "action": action, "outcome": outcome}
    return render(
        request,
        "audit/list.html",
        title="Audit log",
        entries=found.items,
        filters=filters,
        showing=showing(number, len(found.items), found.total),
        pagination=pagination("/audit", filters, number, found.total),
        action_items=_choices("All actions", found.actions, action),
        outcome_items=_choices("All outcomes", list(reports.OUTCOMES), outcome),
    )


def _choices(everything: str, values: list[str], chosen: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = [{"value": "", "text": everything}]
    items += [{"value": v, "text": humanise(v), "selected": v == chosen} for v in values]
    return items
