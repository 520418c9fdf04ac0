"""Annex A Lists 1 to 7: the front door, assessments, section 47 enquiries, children in need
and child protection. Each function gives one list's rows as (child, the values after the
common columns); `annex_a` adds the common columns and writes the sheet.

The period is the six months to the inspection day (`as_of`), both ends included; "in the last
12 months" counts from 12 months before it. A step done after `as_of` counts as still open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from joinedup.casework import pathway
from joinedup.reports import annex_a_labels as L
from joinedup.reports.annex_a_read import CaseRow, Casework, StepRow

Row = tuple[int, tuple[Any, ...]]  # the child's person id; the list's own values


@dataclass
class Context:
    as_of: date
    since6: date  # the first day of the last six months
    since12: date  # the first day of the last twelve months
    work: Casework
    cases_of: dict[int, list[CaseRow]]
    disability: dict[int, str]

    def in6(self, day: date | None) -> bool:
        return day is not None and self.since6 <= day <= self.as_of

    def in12(self, day: date | None) -> bool:
        return day is not None and self.since12 <= day <= self.as_of

    def active6(self, start: date, end: date | None) -> bool:
        """Running at any time in the last six months."""
        return start <= self.as_of and (end is None or end >= self.since6)

    def child_steps(self, person_id: int, kind: str) -> list[StepRow]:
        return [s for c in self.cases_of.get(person_id, []) for s in self.work.of(c.id, kind)]

    def allocated(self, case_id: int) -> tuple[str | None, str | None]:
        case = self.work.cases[case_id]
        return case.team, case.worker

    def disabled(self, person_id: int) -> str:
        return self.disability.get(person_id, L.UNKNOWN)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to that month's last day."""
    year, index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = index + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
    return date(year, month, min(day.day, last))


def disabilities(work: Casework) -> dict[int, str]:
    """Each child's disability as their latest completed assessment recorded it."""
    latest: dict[int, tuple[date, int, list[str]]] = {}
    for case in work.cases.values():
        for step in work.of(case.id, "assessment"):
            codes = step.details.get("disabilities") or []
            if step.done and step.completed_on is not None and codes:
                key = (step.completed_on, step.id, list(codes))
                if case.person_id not in latest or latest[case.person_id][:2] < key[:2]:
                    latest[case.person_id] = key
    return {pid: L.NO if codes == ["NONE"] else L.YES for pid, (_, _, codes) in latest.items()}


# -- List 1 contacts, List 2 early help, List 3 referrals ------------------------------------


def list1(ctx: Context) -> list[Row]:
    return [(c.person_id, (c.received_on, L.label(L.SOURCE, c.source)))
            for c in ctx.work.contacts if ctx.in6(c.received_on)]  # fmt: skip


def list2(ctx: Context) -> list[Row]:
    """Children the front door or an assessment stepped down to early help in the period.
    Joined Up holds no early help assessment: its dates and organisation stay blank."""
    found: list[tuple[date, int]] = [
        (c.decided_on, c.person_id)
        for c in ctx.work.contacts
        if c.decision == pathway.EARLY_HELP and c.status == pathway.DECIDED
        and c.decided_on is not None and ctx.in6(c.decided_on)
    ]  # fmt: skip
    for case in ctx.work.cases.values():
        for step in ctx.work.of(case.id, "assessment"):
            if step.done and step.outcome == pathway.EARLY_HELP and ctx.in6(step.completed_on):
                assert step.completed_on is not None  # noqa: S101 - in6 checked it
                found.append((step.completed_on, case.person_id))
    return [(pid, (None, None, None)) for _, pid in sorted(found)]


_ACTIVITY = ("assessment", "section47", "cp_plan", "cin_plan", "cla_episode")


def referral_only(ctx: Context, case_id: int) -> bool:
    """As the CIN census says it: nothing (assessment, enquiry, plan, care) followed the
    referral. Every referral here opens an assessment, so in practice never."""
    return not any(ctx.work.of(case_id, kind) for kind in _ACTIVITY)


def primary_need(ctx: Context, case_id: int) -> str:
    """As the CIN census states it: the latest assessment completed by `as_of`, else N0."""
    stated = [
        (s.completed_on, s.id, s.details.get("primary_need"))
        for s in ctx.work.of(case_id, "assessment")
        if s.done
    ]
    found = [(day, sid, need) for day, sid, need in stated if need and day is not None]
    return str(max(found)[2]) if found else "N0"


def list3(ctx: Context) -> list[Row]:
    rows: list[Row] = []
    for case in ctx.work.cases.values():
        if not ctx.in6(case.referral_on):
            continue
        in_year = sum(ctx.in12(c.referral_on) for c in ctx.cases_of[case.person_id])
        nfa = referral_only(ctx, case.id)
        source = L.label(L.SOURCE, case.referral_source)
        values = (case.referral_on, source, L.yes_no(nfa), in_year, *ctx.allocated(case.id))
        rows.append((case.person_id, values))
    return rows


# -- List 4 assessments, List 5 section 47 enquiries ----------------------------------------

_NEEDS_SERVICES = {"child_in_need": L.YES, "no_further_action": L.NO, "early_help": L.NO}


def list4(ctx: Context) -> list[Row]:
    rows: list[Row] = []
    for case in ctx.work.cases.values():
        for s in ctx.work.of(case.id, "assessment"):
            if not ctx.active6(s.started_on, s.completed_on):
                continue
            seen = s.details.get("child_seen")
            rows.append((case.person_id, (
                ctx.disabled(case.person_id), s.started_on,
                L.yes_no(seen if isinstance(seen, bool) else None), s.completed_on,
                _NEEDS_SERVICES.get(s.outcome or "") if s.done else None,
                *ctx.allocated(case.id))))  # fmt: skip
    return rows


def list5(ctx: Context) -> list[Row]:
    rows: list[Row] = []
    for case in ctx.work.cases.values():
        conferences = ctx.work.of(case.id, "initial_conference")
        for s in ctx.work.of(case.id, "section47"):
            if not ctx.active6(s.started_on, s.completed_on):
                continue
            icpc = next((c for c in conferences if c.done and s.done
                         and s.outcome == "conference" and c.started_on == s.completed_on),
                        None)  # fmt: skip
            unnecessary = None if not s.done else (L.NO if s.outcome == "conference" else L.YES)
            pid = case.person_id
            enquiries = sum(ctx.in12(e.started_on) for e in ctx.child_steps(pid, "section47"))
            held = sum(c.done and ctx.in12(c.completed_on)
                       for c in ctx.child_steps(pid, "initial_conference"))  # fmt: skip
            rows.append((pid, (
                ctx.disabled(pid), s.started_on, unnecessary,
                icpc.completed_on if icpc else None,
                (L.YES if icpc.outcome == "plan" else L.NO) if icpc else None,
                enquiries, held, *ctx.allocated(case.id))))  # fmt: skip
    return rows


# -- List 6 children in need, List 7 child protection ----------------------------------------


def _status(ctx: Context, case: CaseRow) -> str:
    """The case as it stood at `as_of`: looked after, on a plan, in need, or being assessed."""
    if case.closed_on is not None:
        return L.CLOSED_EPISODE
    if any(not s.done for s in ctx.work.of(case.id, "cla_episode")):
        return L.LOOKED_AFTER
    if any(not s.done for s in ctx.work.of(case.id, "cp_plan")):
        return L.CP_PLAN
    if any(ctx.work.of(case.id, kind) for kind in ("cin_plan", "cp_plan", "cla_episode")):
        return L.CIN_PLAN
    return L.OPEN_ASSESSMENT


def _last_seen(ctx: Context, case: CaseRow) -> date | None:
    seen = [s.completed_on for kind in ("visit", "assessment") for s in ctx.work.of(case.id, kind)
            if s.done and s.details.get("child_seen") is True]  # fmt: skip
    return max((d for d in seen if d is not None), default=None)


def list6(ctx: Context) -> list[Row]:
    """Every case open at any time in the six months, but a referral that went no further."""
    return [
        (case.person_id, (
            ctx.disabled(case.person_id), case.referral_on,
            L.label(L.PRIMARY_NEED, primary_need(ctx, case.id)), _last_seen(ctx, case),
            case.closed_on,
            L.label(L.CLOSURE, case.closure_reason), _status(ctx, case),
            *ctx.allocated(case.id)))
        for case in ctx.work.cases.values()
        if ctx.active6(case.referral_on, case.closed_on) and not referral_only(ctx, case.id)
    ]  # fmt: skip


def _category(codes: object) -> str | None:
    if not isinstance(codes, list) or not codes:
        return None
    return str(codes[0]) if len(codes) == 1 else "MUL"


def _during(steps: list[StepRow], start: date, end: date | None) -> list[StepRow]:
    """Done steps completed from `start` to `end` (open-ended: to `as_of`), oldest first."""
    return sorted((s for s in steps if s.done and s.completed_on is not None
                   and start <= s.completed_on and (end is None or s.completed_on <= end)),
                  key=lambda s: (s.completed_on, s.id))  # fmt: skip


EMERGENCY = frozenset({"L1", "L2"})  # police protection; emergency protection order


def legal_statuses(ctx: Context, case_id: int) -> list[tuple[date, str]]:
    """Each legal status the case recorded and the day it began, oldest first."""
    found = [
        (s.started_on, s.details.get("legal_status"))
        for kind in ("cla_episode", "placement")
        for s in ctx.work.of(case_id, kind)
    ]
    found += [(s.completed_on or s.started_on, s.details.get("legal_status"))
              for s in ctx.work.of(case_id, "legal_status") if s.done]  # fmt: skip
    return sorted((day, str(code)) for day, code in found if code)


def list7(ctx: Context) -> list[Row]:
    rows: list[Row] = []
    for case in ctx.work.cases.values():
        for plan in ctx.work.of(case.id, "cp_plan"):
            if not ctx.active6(plan.started_on, plan.completed_on):
                continue
            end = plan.completed_on if plan.done else None
            reviews = _during(ctx.work.of(case.id, "review_conference"), plan.started_on, end)
            visits = _during(ctx.work.of(case.id, "visit"), plan.started_on, end)
            initial = _category(plan.details.get("categories"))
            latest = next((_category(r.details.get("categories")) for r in reversed(reviews)
                           if _category(r.details.get("categories"))), initial)  # fmt: skip
            pid = case.person_id
            emergency = any(
                ctx.in6(day) and code in EMERGENCY
                for c in ctx.cases_of[pid]
                for day, code in legal_statuses(ctx, c.id)
            )
            earlier = sum(p.started_on < plan.started_on for p in ctx.child_steps(pid, "cp_plan"))
            last = visits[-1] if visits else None
            rows.append((pid, (
                ctx.disabled(pid), plan.started_on, L.label(L.ABUSE, initial),
                L.label(L.ABUSE, latest), last.completed_on if last else None,
                L.yes_no(last.details.get("seen_alone")) if last else None,
                reviews[-1].completed_on if reviews else None, end,
                L.YES if emergency else L.NO, earlier, *ctx.allocated(case.id))))  # fmt: skip
    return rows
