"""Annex A List 9: everyone owed leaving care services on the inspection day.

Who: each young person whose category on the day (`casework.eligibility`, from their periods
of care and date of birth; to 25 where support was continued on request) is eligible,
relevant, former relevant or qualifying. The columns come from their leaving-care record:
the personal adviser, the latest pathway plan review (or the plan, before its first review),
and the latest contact up to the day (in touch as the SSDA903 codes it; the date of the latest
contact in which they were in touch; accommodation, its suitability and activity). A young
person owed the service with no record has those columns blank: nothing is guessed. A young
person whose care ended with a transfer to another authority (E3) is that authority's care
leaver, not this one's, and one whose care ended in their death (E2) is not listed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.casework import eligibility
from joinedup.casework.models import Case
from joinedup.people import merges
from joinedup.reports import annex_a_labels as L
from joinedup.reports import leaving_care_read as lc
from joinedup.reports import ssda903_read as read
from joinedup.reports.annex_a_lists import Context, Row
from joinedup.reports.children import child_facts
from joinedup.reports.ssda903_care_leavers import NOT_A_CARE_LEAVER, care

CATEGORY = {
    eligibility.ELIGIBLE: "a) Eligible",
    eligibility.RELEVANT: "b) Relevant",
    eligibility.FORMER_RELEVANT: "c) Former relevant",
    eligibility.QUALIFYING: "d) Qualifying",
}
SUITABLE = {True: "a) Suitable", False: "b) Unsuitable"}


def list9(session: Session, ctx: Context) -> list[Row]:
    day = ctx.as_of
    periods = [p for p in read.periods(session, until=day)]
    by_person: dict[int, list[read.Period]] = defaultdict(list)
    for p in periods:
        by_person[p.person_id].append(p)
    facts = child_facts(session, by_person)
    records = [r for r in lc.records(session, by_person) if r.opened_on <= day]
    latest = {r.person_id: r for r in records}  # the latest opened by the day
    found: list[Row] = []
    steps = _steps(session, [r.id for r in latest.values()], day)
    allocated = _open_cases(session, list(by_person), day)
    for pid, mine in sorted(by_person.items()):
        born = facts[pid].birth_date
        record = latest.get(pid)
        if born is None or (record is not None and _closed(record, day)):
            continue
        if (mine[-1].reason or "") in NOT_A_CARE_LEAVER:  # another authority's care leaver
            continue
        extended = record is not None and record.extended_on is not None
        category = eligibility.category(born=born, periods=care(mine), on=day, extended=extended)
        if category is None:
            continue
        uasc = L.YES if any(p.details.get("uasc") for p in mine) else L.NO
        team, worker = allocated.get(
            pid, (record.team, record.adviser_label) if record else (None, None)
        )
        found.append((pid, (uasc, ctx.disabled(pid), team, worker,
                            record.adviser_label if record else None, CATEGORY[category],
                            *_from_steps(steps.get(record.id, []) if record else []))))  # fmt: skip
    return found


def _closed(record: lc.Record, day: date) -> bool:
    return record.closed_on is not None and record.closed_on <= day


def _steps(session: Session, ids: list[int], day: date) -> dict[int, list[lc.Step]]:
    found: dict[int, list[lc.Step]] = defaultdict(list)
    kinds = ("pathway_plan", "pathway_review", "keeping_in_touch")
    for step in lc.steps(session, ids, kinds):
        if step.status == "done" and step.completed_on is not None and step.completed_on <= day:
            found[step.record_id].append(step)
    return found


def _from_steps(steps: list[lc.Step]) -> tuple[Any, ...]:
    """Latest review, in touch, latest contact in touch, accommodation, suitability, activity."""
    reviews = [s.completed_on for s in steps if s.kind in ("pathway_review", "pathway_plan")]
    contacts = [s for s in steps if s.kind == "keeping_in_touch"]
    touched = [s.completed_on for s in contacts if s.details.get("in_touch") == "YES"]
    last: dict[str, Any] = contacts[-1].details if contacts else {}
    where = last.get("accommodation") or None
    return (reviews[-1] if reviews else None, last.get("in_touch") or None,
            touched[-1] if touched else None, where,
            SUITABLE[bool(last.get("suitable"))] if where else None,
            last.get("activity") or None)  # fmt: skip


def _open_cases(session: Session, people: list[int], day: date) -> dict[int, tuple[Any, Any]]:
    """The team and worker of each young person's case open on the day (an eligible child
    still looked after), read in one statement."""
    found: dict[int, tuple[Any, Any]] = {}
    for start in range(0, len(people), lc.CHUNK):
        family = merges.family(session, people[start : start + lc.CHUNK])
        rows = session.execute(
            select(family.c.asked, Case.team, Case.allocated_label)
            .join(family, family.c.member == Case.person_id)
            .where(Case.referral_on <= day, (Case.closed_on.is_(None)) | (Case.closed_on > day))
        )  # fmt: skip
        found.update((pid, (team, worker)) for pid, team, worker in rows)
    return found
