"""A period of care as SSDA903 episodes: a new episode on every change of legal status and/or
placement (RETURNS.md §5.1, "Implications" 5).

Pure functions of the period and its steps. The period begins an `S` episode with the legal
status and placement recorded when the child became looked after (changes recorded on that same
day amend it rather than begin another). On each later day with a change: a new placement and a
new legal status begin a `B` episode (`U` with the same carers); a placement alone `P` (`T` with
the same carers); a legal status alone `L`. The episode that ends then ends `X1` with the new
placement's reason for the change. The last episode ends with the period's reason (REC).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from itertools import groupby
from typing import Any

from joinedup.reports.ssda903_read import Period, Step

X1 = "X1"


@dataclass(frozen=True)
class Episode:
    person_id: int
    start: date
    rne: str
    legal_status: str
    place: dict[str, Any]  # the placement step's details
    end: date | None = None
    rec: str | None = None
    reason_place_change: str = ""


def split(period: Period, changes: list[Step]) -> list[Episode]:
    """The period's episodes, oldest first. `changes` are its placement and legal-status steps
    (any order); those outside the period are ignored."""
    inside = [s for s in changes if _day(s) == period.start or (_day(s) > period.start and
              (period.end is None or _day(s) < period.end))]  # fmt: skip
    inside.sort(key=lambda s: (_day(s), s.id))
    legal = str(period.details.get("legal_status") or "")
    place: dict[str, Any] = {}
    episodes: list[Episode] = []
    for day, group in groupby(inside, key=_day):
        moved, status = _changes(list(group))
        if not episodes or day == period.start:
            place = moved if moved is not None else place
            legal = status or legal
            episodes[-1:] = [Episode(period.person_id, period.start, "S", legal, place)]
            continue
        if moved is None and (status is None or status == legal):
            continue
        rne = _rne(moved, status is not None and status != legal)
        reason = str(moved.get("reason_code") or "") if moved is not None else ""
        episodes[-1] = replace(episodes[-1], end=day, rec=X1, reason_place_change=reason)
        legal, place = status or legal, moved if moved is not None else place
        episodes.append(Episode(period.person_id, day, rne, legal, place))
    if not episodes:  # no placement recorded at all (older data)
        episodes.append(Episode(period.person_id, period.start, "S", legal, {}))
    if period.end is not None:
        episodes[-1] = replace(episodes[-1], end=period.end, rec=period.reason)
    return episodes


def _day(step: Step) -> date:
    return step.completed_on if step.kind == "legal_status" and step.completed_on else (
        step.started_on)  # fmt: skip


def _changes(group: list[Step]) -> tuple[dict[str, Any] | None, str | None]:
    """The day's new placement (the last recorded) and new legal status, if any."""
    moved: dict[str, Any] | None = None
    status: str | None = None
    for step in group:
        if step.kind == "placement":
            moved = step.details
            status = str(step.details.get("legal_status") or "") or status
        elif step.kind == "legal_status":
            status = str(step.details.get("legal_status") or "") or status
    return moved, status


def _rne(moved: dict[str, Any] | None, new_status: bool) -> str:
    same = bool(moved and moved.get("same_carer"))
    if moved is None:
        return "L"
    if new_status:
        return "U" if same else "B"
    return "T" if same else "P"


def in_year(episodes: list[Episode], start: date, end: date) -> list[Episode]:
    """Those open at any time from `start` to `end`; one that ended after `end` is returned open
    (at the year's end it had not ended)."""
    found = []
    for e in episodes:
        if e.start > end or (e.end is not None and e.end < start):
            continue
        if e.end is not None and e.end > end:
            e = replace(e, end=None, rec=None, reason_place_change="")
        found.append(e)
    return found
