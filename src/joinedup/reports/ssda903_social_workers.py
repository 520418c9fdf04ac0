"""SSDA903 SWEpisodes: each child's social workers through the year, from casework allocations.

Every `allocate` on a case is a done `allocation` step (the worker from that day); a worker's
episode runs to the next allocation of the case or to the case's closure. A case with no
allocation steps (recorded before they were kept) has one episode, its current worker's, from
the referral. Allocations on the same day keep the last; a worker allocated again follows on.

SW_ID: Joined Up does not hold Social Work England registration numbers, so no SW_ID begins
"SW"; each worker is "XX" and their account number (or, for a worker named without an account,
a stable digest of the name), the same in every return. SW_REASON is the reason recorded at
allocation; when none was, the case's first worker is "FCONTA" and a later one "OTHERS", each
counted in `gaps`.

The table is for the children looked after on 31 March only (`ssda903.looked_after_at_end`):
the DfE asks for their social workers through the whole year, before care too (SW01STG1,
SW12STG2, SW17STG2; docs/returns-ssda903.md). A child whose care ended in the year is not in it.
A child referred again after a case closed keeps both cases' workers, and the gap between them:
no one held the child then; the new case's first worker is FCONTA, as the DfE's rules from
2024-25 expect (SW10STG2, SW10bSTG2; ADR 0018).

The personal adviser of a young person's leaving-care record holds them whenever no case worker
does (`after_cases`): each adviser allocated is an episode, until the next or the record's
closure. In the return that matters only for a care leaver looked after again by 31 March.
SW_REASON as recorded with the adviser, else "OTHERS" (counted).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from joinedup.reports import leaving_care_read as lc
from joinedup.reports import ssda903_read as read
from joinedup.reports.years import CollectionYear

FIRST, OTHER = "FCONTA", "OTHERS"


@dataclass(frozen=True)
class Worker:
    start: date
    stop: date | None
    sw_id: str
    reason: str  # "" when none was recorded


def sw_id(user_id: int | None, label: str | None) -> str:
    """ "XX" and the account number, or a digest of the name when there is no account."""
    if user_id is not None:
        return f"XX{user_id:06d}"
    digest = hashlib.sha256((label or "").encode()).hexdigest()[:8].upper()
    return f"XX{digest}"


def periods(case: read.CaseRow, allocations: Sequence[read.Step]) -> list[Worker]:
    """The case's workers in order, each until the next or the case's closure."""
    held: list[tuple[date, str, str]] = []
    for step in sorted(allocations, key=lambda s: (s.started_on, s.id)):
        who = sw_id(step.details.get("user_id"), step.details.get("label"))
        reason = str(step.details.get("sw_reason") or "")
        if held and held[-1][0] == step.started_on:
            held[-1] = (step.started_on, who, reason or held[-1][2])
        elif not held or held[-1][1] != who:
            held.append((step.started_on, who, reason))
    if not held and (case.allocated_user_id is not None or case.allocated_label):
        held.append((case.referral_on, sw_id(case.allocated_user_id, case.allocated_label), ""))
    workers = []
    for i, (start, who, reason) in enumerate(held):
        stop = held[i + 1][0] if i + 1 < len(held) else case.closed_on
        workers.append(Worker(start, stop, who, reason))
    return [w for w in workers if w.stop is None or w.stop > w.start]


def rows(
    session: Session,
    children: Sequence[int],
    year: CollectionYear,
    dobs: dict[int, str],
    gaps: Counter[str],
) -> list[dict[str, str]]:
    cases = read.cases_of(session, children)
    allocations: dict[int, list[read.Step]] = defaultdict(list)
    for step in read.steps(session, [c.id for c in cases], ("allocation",)):
        allocations[step.case_id].append(step)
    found: list[tuple[int, date, dict[str, str]]] = []
    held: dict[int, list[tuple[int, Worker]]] = defaultdict(list)
    for case in cases:
        held[case.person_id].extend(enumerate(periods(case, allocations.get(case.id, []))))
    for pid, workers in advisers(session, children).items():
        spans = [w for _, w in held.get(pid, [])]
        held[pid].extend((len(spans) + i, w) for i, w in enumerate(after_cases(workers, spans)))
    for pid, numbered in held.items():
        for i, w in numbered:
            if w.start > year.end or (w.stop is not None and w.stop < year.start):
                continue
            reason = w.reason or (FIRST if i == 0 else OTHER)
            if not w.reason:
                gaps["SWEpisodes.SW_REASON not recorded"] += 1
            found.append((pid, w.start, {
                "CHILD": str(pid), "DOB": dobs.get(pid, ""),
                "SW_ID": w.sw_id, "SW_DECOM": _day(w.start),
                "SW_DEC": _day(w.stop) if w.stop is not None and w.stop <= year.end else "",
                "SW_REASON": reason,
            }))  # fmt: skip
    found.sort(key=lambda f: (f[0], f[1]))
    return [row for _, _, row in found]


def advisers(session: Session, children: Sequence[int]) -> dict[int, list[Worker]]:
    """Each young person's personal advisers, from their leaving-care records."""
    records = lc.records(session, children)
    by_id = {r.id: r for r in records}
    allocated: dict[int, list[lc.Step]] = defaultdict(list)
    for step in lc.steps(session, by_id, ("adviser",)):
        allocated[step.record_id].append(step)
    found: dict[int, list[Worker]] = defaultdict(list)
    for record in records:
        mine = allocated.get(record.id, [])
        for i, step in enumerate(mine):
            stop = mine[i + 1].started_on if i + 1 < len(mine) else record.closed_on
            who = sw_id(step.details.get("user_id"), step.details.get("label"))
            reason = str(step.details.get("sw_reason") or "")
            if stop is None or stop > step.started_on:
                found[record.person_id].append(Worker(step.started_on, stop, who, reason))
    return found


def after_cases(advisers: Sequence[Worker], cases: Sequence[Worker]) -> list[Worker]:
    """The advisers' episodes where no case worker holds the young person: each adviser's time
    less every case worker's (a case open again later has its worker, and the adviser after)."""
    out: list[Worker] = []
    for w in advisers:
        pieces: list[tuple[date, date | None]] = [(w.start, w.stop)]
        for c in cases:
            pieces = [part for p in pieces for part in _less(p, (c.start, c.stop))]
        out.extend(Worker(start, stop, w.sw_id, w.reason) for start, stop in pieces)
    return sorted(out, key=lambda w: w.start)


def _less(
    span: tuple[date, date | None], cut: tuple[date, date | None]
) -> list[tuple[date, date | None]]:
    """`span` without `cut` (each from its first day up to, not including, its stop)."""
    (start, stop), (c_start, c_stop) = span, cut
    if (c_stop is not None and c_stop <= start) or (stop is not None and c_start >= stop):
        return [span]
    kept: list[tuple[date, date | None]] = []
    if c_start > start:
        kept.append((start, c_start))
    if c_stop is not None and (stop is None or c_stop < stop):
        kept.append((c_stop, stop))
    return kept


def _day(value: date) -> str:
    return f"{value:%d/%m/%Y}"
