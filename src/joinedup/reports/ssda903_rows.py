"""The SSDA903's tables about each child's time in care beyond its episodes: reviews, missing
episodes, UASC, OC2, PrevPerm and PlacedAdoption, from the steps casework recorded (read once, in
bulk, by `ssda903.export_ssda903`). What casework did not record is never guessed: the child is
left out of the table and counted in the export's `gaps`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from joinedup.casework.clocks import add_months
from joinedup.reports import ssda903_read as read
from joinedup.reports.children import ChildFacts
from joinedup.reports.ssda903_episodes import Episode
from joinedup.reports.years import CollectionYear

if TYPE_CHECKING:
    from joinedup.reports.ssda903 import Ssda903Export

ADOPTED = frozenset({"E11", "E12"})
KINDS = ("cla_review", "missing", "cla_outcomes", "adoption_decision")
NOT_LOOKED_AFTER_LONG = frozenset({"V3", "V4"})  # short breaks: not in OC2
OC2_FLAGS = ("CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
             "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")  # fmt: skip
SEX = {"M": "1", "F": "2"}  # before 2024-25; from then M, F (and U)
SEX_AS_LETTERS = 2025


def dob(facts: ChildFacts) -> str:
    return day(facts.birth_date)


def day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value is not None else ""


def sex(child: ChildFacts, year: CollectionYear) -> str:
    """M, F or U from 2024-25 (rule 101); before, 1 or 2 (and blank when not known)."""
    if year.year >= SEX_AS_LETTERS:
        return child.sex
    return SEX.get(child.sex, "")


def reviews_and_missing(
    export: Ssda903Export,
    recorded: list[read.Step],
    periods: list[read.Period],
    facts: dict[int, ChildFacts],
) -> None:
    person = {p.case_id: p.person_id for p in periods}
    window = export.year
    for step in recorded:
        pid = person[step.case_id]
        child = facts[pid]
        held = step.completed_on
        if step.kind == "cla_review" and step.status == "done" and held is not None:
            if held not in window:
                continue
            code = str(step.details.get("participation") or "")
            if not code and _age(child, held) < 4:
                code = "PN0"  # the only code for an under-4 (rules 440/441)
            if not code:
                export.gaps["Reviews.REVIEW_CODE not recorded"] += 1
            export.tables["Reviews"].append({"CHILD": child.la_child_id, "DOB": dob(child),
                                             "REVIEW": day(held),
                                             "REVIEW_CODE": code})  # fmt: skip
        elif step.kind == "missing":
            began = _date(step.details.get("started_on")) or step.started_on
            ended = _date(step.details.get("ended_on"))
            if began > window.end or (ended is not None and ended < window.start):
                continue
            export.tables["Missing"].append({
                "CHILD": child.la_child_id, "DOB": dob(child),
                "MISSING": str(step.details.get("missing") or ""), "MIS_START": day(began),
                "MIS_END": day(ended) if ended is not None and ended <= window.end else "",
            })  # fmt: skip
    export.tables["Reviews"].sort(key=lambda r: (int(r["CHILD"]), _sortable(r["REVIEW"])))
    export.tables["Missing"].sort(key=lambda r: (int(r["CHILD"]), _sortable(r["MIS_START"])))


QUERY_231 = (
    "231: an unaccompanied asylum-seeking child under 11 on 31 March (check the date of birth)"
)


def uasc(export: Ssda903Export, periods: list[read.Period], facts: dict[int, ChildFacts]) -> None:
    """Children recorded as unaccompanied asylum seekers in a period of care in the year; the
    status ceases, at the latest, at 18 (rule 304): DUC is the 18th birthday once reached."""
    window, seen = export.year, set()
    for p in periods:
        if not p.details.get("uasc") or p.person_id in seen:
            continue
        if p.start > window.end or (p.end is not None and p.end < window.start):
            continue
        seen.add(p.person_id)
        child = facts[p.person_id]
        eighteen = add_months(child.birth_date, 18 * 12) if child.birth_date else None
        if child.birth_date and add_months(child.birth_date, 11 * 12) > window.end:
            # Rule 231 (a query; upstream it crashes and never runs): asylum-seeking children
            # are generally older, so a date of birth under 11 years before 31 March is asked
            # about. It may be right: the DfE then wants a bypass request, not a changed date.
            export.queries[QUERY_231] += 1
        export.tables["UASC"].append({
            "CHILD": child.la_child_id, "SEX": sex(child, window), "DOB": dob(child),
            "DUC": day(eighteen) if eighteen is not None and eighteen <= window.end else "",
        })  # fmt: skip


def oc2(
    export: Ssda903Export,
    recorded: list[read.Step],
    periods: list[read.Period],
    episodes: dict[int, list[tuple[read.Period, Episode]]],
    facts: dict[int, ChildFacts],
) -> None:
    """Children looked after for at least 12 months on 31 March (not on short breaks), each
    with the year's health and outcomes as last recorded in the year (`cla_outcomes`). A child
    with none recorded has no row (a row of blanks or guesses would be false) and is counted in
    `gaps`: the validator's rule 191 names them too."""
    window = export.year
    since = date(window.end.year - 1, window.end.month, window.end.day)
    person = {p.case_id: p.person_id for p in periods}
    latest: dict[int, read.Step] = {}
    for step in recorded:
        if step.kind == "cla_outcomes" and step.completed_on in window:
            latest[person[step.case_id]] = step  # in date order: the last wins
    for pid in sorted(eligible(periods, episodes, window.end, since)):
        found = latest.get(pid)
        if found is None:
            export.gaps["OC2 outcomes not recorded (children looked after 12 months)"] += 1
            continue
        child, d = facts[pid], found.details
        score = d.get("sdq_score")
        export.tables["OC2"].append({
            "CHILD": child.la_child_id, "DOB": dob(child),
            "SDQ_SCORE": "" if score is None else str(score),
            "SDQ_REASON": str(d.get("sdq_reason") or ""),
            **{column: _flag(d.get(column.lower())) for column in OC2_FLAGS},
        })  # fmt: skip


def _flag(value: object) -> str:
    return "" if value is None else ("1" if value else "0")


def placed_for_adoption(
    export: Ssda903Export,
    recorded: list[read.Step],
    periods: list[read.Period],
    facts: dict[int, ChildFacts],
) -> None:
    """Each decision that a child should be placed for adoption (and its reversal) in force at
    some time in the year; a reversal after the year is not yet one."""
    person = {p.case_id: p.person_id for p in periods}
    window = export.year
    for step in recorded:
        if step.kind != "adoption_decision":
            continue
        decided = _date(step.details.get("decided_on"))
        ceased = _date(step.details.get("ceased_on"))
        if (
            decided is None
            or decided > window.end
            or (ceased is not None and ceased < window.start)
        ):
            continue
        ended = ceased is not None and ceased <= window.end
        child = facts[person[step.case_id]]
        export.tables["PlacedAdoption"].append({
            "CHILD": child.la_child_id, "DOB": dob(child), "DATE_PLACED": day(decided),
            "DATE_PLACED_CEASED": day(ceased) if ended else "",
            "REASON_PLACED_CEASED": str(step.details.get("reason_placed_ceased") or "")
            if ended else "",
        })  # fmt: skip


def adopted(
    export: Ssda903Export, periods: list[read.Period], facts: dict[int, ChildFacts]
) -> None:
    """AD1: each child adopted in the year (a period ending E11 or E12), with the details
    recorded at the end of the period."""
    for p in periods:
        if p.end is None or p.end not in export.year or p.reason not in ADOPTED:
            continue
        d, child = p.details, facts[p.person_id]
        fostered = d.get("adopted_by_foster_carers")
        export.tables["AD1"].append({
            "CHILD": child.la_child_id, "DOB": dob(child),
            "DATE_INT": day(_date(d.get("adoption_decided_on"))),
            "DATE_MATCH": day(_date(d.get("adoption_matched_on"))),
            "FOSTER_CARE": "" if fostered is None else ("1" if fostered else "0"),
            "NB_ADOPTR": str(d.get("adopters") or ""),
            "SEX_ADOPTR": str(d.get("adopters_sex") or ""),
            "LS_ADOPTR": str(d.get("adopters_legal_status") or ""),
        })  # fmt: skip
        if not d.get("adopters_sex"):
            export.gaps["AD1 details not recorded (adoptions)"] += 1


def previous_permanence(
    export: Ssda903Export, periods: list[read.Period], facts: dict[int, ChildFacts]
) -> None:
    """Each child who started to be looked after in the year, with the permanence recorded
    when they did; a start with none recorded is left out and counted (never guessed)."""
    for p in periods:
        if p.start not in export.year:
            continue
        code = str(p.details.get("previous_permanence") or "")
        if not code:
            export.gaps["PrevPerm not recorded (children starting care)"] += 1
            continue
        child = facts[p.person_id]
        export.tables["PrevPerm"].append({
            "CHILD": child.la_child_id, "DOB": dob(child), "PREV_PERM": code,
            "LA_PERM": str(p.details.get("previous_permanence_la") or ""),
            "DATE_PERM": day(_date(p.details.get("previous_permanence_on"))),
        })  # fmt: skip


def eligible(
    periods: list[read.Period],
    episodes: dict[int, list[tuple[read.Period, Episode]]],
    end: date,
    since: date,
) -> set[int]:
    """Who had been looked after continuously from `since` (or before) to `end` inclusive."""
    found = set()
    for p in periods:
        if p.start <= since and (p.end is None or p.end > end):
            mine = [e for _, e in episodes.get(p.person_id, [])]
            last = max(mine, key=lambda e: e.start, default=None)
            if last is not None and last.legal_status not in NOT_LOOKED_AFTER_LONG:
                found.add(p.person_id)
    return found


def _age(child: ChildFacts, on: date) -> int:
    born = child.birth_date
    if born is None:
        return 99
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _date(value: object) -> date | None:
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _sortable(value: str) -> str:
    return value[6:] + value[3:5] + value[:2]
