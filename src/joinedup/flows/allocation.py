"""Allocating a child's case to a worker: the cap checked first, then casework, then history.

The cap (children per FTE, `workforce.service.Rules`) is checked before casework is asked to
allocate; breaking it needs the manager's explicit confirmation, which the audit entry records.
A post known to workforce supplies the account name, team and manager; an account with no post
(workforce not yet set up) is allocated with what the form gave, as before. Every allocation
closes the case's previous period in workforce's history and opens the new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.casework import clocks
from joinedup.casework import service as casework
from joinedup.casework.chronicle import Authority
from joinedup.casework.views import CaseView
from joinedup.core.errors import Conflict
from joinedup.workforce import service as workforce
from joinedup.workforce.caseload import Load


@dataclass
class OverCap(Conflict):
    """One more child would take the worker over their cap: confirm to go ahead."""

    load: Load | None = None


@dataclass(frozen=True)
class Request:
    case_id: int
    user_id: int
    on: date
    expected_version: int
    label: str = ""
    team: str = ""
    manager_label: str = ""
    confirm_over_cap: bool = False


def allocate(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    rules: workforce.Rules,
    request: Request,
    now: datetime,
) -> CaseView:
    today = clocks.london_day(now)
    over = workforce.check_cap(session=session, actor=actor, rules=rules,
                               case_id=request.case_id, user_id=request.user_id, today=today,
                               now=now)  # fmt: skip
    if over is not None and not request.confirm_over_cap:
        raise OverCap(
            f"{over.post.label} holds {over.children} children against a cap of "
            f"{over.cap:g}: confirm to allocate over the cap",
            load=over,
        )
    holder = workforce.holder_of(session, request.user_id, today)
    fields = (
        {"user_id": holder.user_id, "label": holder.label, "team": holder.team,
         "manager_label": holder.manager_label or ""}
        if holder else
        {"user_id": request.user_id, "label": request.label, "team": request.team,
         "manager_label": request.manager_label}
    )  # fmt: skip
    view = casework.act(session=session, actor=actor, authority=authority,
                        case_id=request.case_id, action="allocate", on=request.on,
                        fields=fields, expected_version=request.expected_version,
                        now=now)  # fmt: skip
    workforce.record_allocation(session=session, actor=actor, case_id=view.id,
                                person_id=view.person_id, user_id=request.user_id,
                                label=str(fields["label"]), team=str(fields["team"]),
                                on=request.on, over_cap=over is not None, now=now)  # fmt: skip
    return view
