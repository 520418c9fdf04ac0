"""The SSDA903 return (children looked after) for a collection year, from the live casework.

`export_ssda903` checks the policy and writes one audit entry (counts only), reads the periods
of care and their steps in bulk (`ssda903_read`), splits each period into episodes
(`ssda903_episodes`) and builds every table of RETURNS.md §5.1 as rows of strings, dates as
dd/mm/yyyy. The child's identifiers and characteristics come from `reports.children`; CHILD is
the same LAchildID as the CIN census's.

What casework does not record is not invented: a value the DfE rules fix is filled (PR0 for a
placement with parents, PN0 for a review of an under-4), anything else not recorded is left
blank and counted in `Ssda903Export.gaps`, so the performance officer sees what is missing.
docs/returns-ssda903.md gives the mapping and the decisions.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, require
from joinedup.casework.clocks import add_months
from joinedup.core import dfe_codes
from joinedup.reports import ssda903_care_leavers as care_leavers
from joinedup.reports import ssda903_read as read
from joinedup.reports import ssda903_rows as rows
from joinedup.reports import ssda903_social_workers as social_workers
from joinedup.reports.children import ChildFacts, child_facts
from joinedup.reports.ssda903_episodes import Episode, in_year, split
from joinedup.reports.ssda903_rows import day, dob
from joinedup.reports.years import CollectionYear, collection_year

Row = dict[str, str]
# Rule 210's message: a child looked after for more than a week at 31 March should not have UN4.
# Where no record carries their UPN the export still says UN4 and counts them here: only the
# authority (its virtual school) knows the UPN, or whether UN2 or UN3 is true.
UPN_GAP = "Header.UPN not known for a child looked after more than a week at 31 March (UN4 given)"
SHORT_BREAKS = frozenset({"V3", "V4"})  # a series of short-term placements: not CLA on 31 March
COLUMNS: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
            "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
            "LS_ADOPTR"),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                       "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "DoLo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}  # fmt: skip
FILES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "sw_episodes.csv",
    "DoLo": "dolo.csv",
}
DOLO_FROM = 2027  # deprivation of liberty orders are collected from 2026-27


@dataclass
class Ssda903Export:
    """Each table's rows (column → value), what was not recorded (`gaps`), and what the DfE's
    query-level rules would ask about (`queries`: true to the record, but worth a second look)."""

    year: CollectionYear
    tables: dict[str, list[Row]]
    gaps: Counter[str] = field(default_factory=Counter)
    queries: Counter[str] = field(default_factory=Counter)

    def csv(self, table: str) -> str:
        """The table as the DfE's CSV: its columns in order, then one line per row."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS[table])
        for row in self.tables[table]:
            writer.writerow([row.get(c, "") for c in COLUMNS[table]])
        return out.getvalue()

    def counts(self) -> dict[str, int]:
        return {name: len(found) for name, found in self.tables.items()}


def export_ssda903(*, session: Session, actor: Actor, year: int, now: datetime) -> Ssda903Export:
    """The SSDA903 tables for the collection year ending 31 March `year`."""
    authorise(session=session, actor=actor, action=Action.RETURNS_EXPORT, resource_type="ssda903")
    window = collection_year(year)
    periods = read.periods(session, until=window.end)
    changes = _by_case(read.steps(session, {p.case_id for p in periods},
                                  ("placement", "legal_status")))  # fmt: skip
    episodes: dict[int, list[tuple[read.Period, Episode]]] = defaultdict(list)
    for period in periods:
        found = in_year(split(period, changes.get(period.case_id, [])), window.start, window.end)
        episodes[period.person_id].extend((period, e) for e in found)
    children = sorted(pid for pid, found in episodes.items() if found)
    export = Ssda903Export(window, {name: [] for name in _tables(year)})
    facts = child_facts(session, children)
    mine = [p for p in periods if p.person_id in facts]
    for pid in children:
        for period, e in sorted(episodes[pid], key=lambda pe: pe[1].start):
            export.tables["Episodes"].append(_episode_row(export, facts[pid], period, e))
    week = window.end - timedelta(days=7)
    long_in_care = {p.person_id for p in periods
                    if p.start < week and (p.end is None or p.end > window.end)}  # fmt: skip
    _header(export, children, facts, long_in_care)
    recorded = read.steps(session, {p.case_id for p in mine}, rows.KINDS)
    rows.reviews_and_missing(export, recorded, mine, facts)
    rows.placed_for_adoption(export, recorded, mine, facts)
    rows.uasc(export, mine, facts)
    rows.oc2(export, recorded, mine, episodes, facts)
    rows.previous_permanence(export, mine, facts)
    rows.adopted(export, mine, facts)
    at_end = looked_after_at_end({pid: [e for _, e in episodes[pid]] for pid in children})
    export.tables["SWEpisodes"] = social_workers.rows(
        session, at_end, window, {pid: dob(facts[pid]) for pid in at_end}, export.gaps
    )
    _oc3(session, export, periods, children, facts)
    require(
        session=session,
        actor=actor,
        action=Action.RETURNS_EXPORT,
        resource_type="ssda903",
        detail={"year": year, **export.counts()},
        now=now,
    )
    return export


def looked_after_at_end(episodes: dict[int, list[Episode]]) -> list[int]:
    """The children looked after on 31 March, whom SWEpisodes is for: an episode still open at
    the year's end, not under a short-break legal status (V3, V4), as the DfE defines
    CLA_AT_31_MARCH (docs/returns-ssda903.md, "SWEpisodes: children looked after on 31
    March")."""
    return sorted(
        pid
        for pid, found in episodes.items()
        if any(e.end is None and e.legal_status not in SHORT_BREAKS for e in found)
    )


def _tables(year: int) -> list[str]:
    return [t for t in COLUMNS if t != "DoLo" or year >= DOLO_FROM]


def _by_case(steps: list[read.Step]) -> dict[int, list[read.Step]]:
    found: dict[int, list[read.Step]] = defaultdict(list)
    for step in steps:
        found[step.case_id].append(step)
    return found


def _episode_row(export: Ssda903Export, child: ChildFacts, period: read.Period, e: Episode) -> Row:
    place = str(e.place.get("placement_type") or "")
    provider = str(e.place.get("placement_provider") or "")
    if not provider and place == "P1":
        provider = "PR0"  # the only provider a placement with parents can have (rule 550)
    need = period.details.get("category_of_need") or period.primary_need
    need = need if need in dfe_codes.CATEGORY_OF_NEED else ""
    urn = str(e.place.get("urn") or "")
    needs_urn = place not in dfe_codes.URN_NOT_NEEDED
    for column, value in (("PLACE", place), ("PLACE_PROVIDER", provider), ("CIN", need),
                          ("URN", urn if needs_urn else "-")):  # fmt: skip
        if not value:
            export.gaps[f"Episodes.{column} not recorded"] += 1
    return {
        "CHILD": child.la_child_id,
        "DECOM": day(e.start),
        "RNE": e.rne,
        "LS": e.legal_status,
        "CIN": str(need or ""),
        "PLACE": place,
        "PLACE_PROVIDER": provider,
        "DEC": day(e.end),
        "REC": e.rec or "",
        "REASON_PLACE_CHANGE": e.reason_place_change,
        "HOME_POST": str(period.details.get("home_postcode") or ""),
        "PL_POST": str(e.place.get("placement_postcode") or ""),
        "URN": urn if needs_urn else "",
    }


def _header(
    export: Ssda903Export,
    children: list[int],
    facts: dict[int, ChildFacts],
    long_in_care: set[int],
) -> None:
    for pid in children:
        child = facts[pid]
        sex = rows.sex(child, export.year)
        if not sex:
            export.gaps["Header.SEX not known"] += 1
        upn = child.upn or _upn_unknown(child, export.year)
        if upn == "UN4" and pid in long_in_care:
            export.gaps[UPN_GAP] += 1
        export.tables["Header"].append({
            "CHILD": child.la_child_id, "SEX": sex, "DOB": dob(child),
            "ETHNIC": child.ethnicity, "UPN": upn,
            # Casework records no children of a looked-after girl: 0 (docs/returns-ssda903.md).
            "MOTHER": "0" if child.sex == "F" else "", "MC_DOB": "",
        })  # fmt: skip


def _oc3(
    session: Session,
    export: Ssda903Export,
    periods: list[read.Period],
    children: list[int],
    facts: dict[int, ChildFacts],
) -> None:
    """OC3 (`ssda903_care_leavers`); a care leaver with no episode this year joins the Header
    (MOTHER blank: not asked of care leavers not looked after in the year, rule 628)."""
    others = child_facts(session, {p.person_id for p in periods} - set(children))
    known = {**others, **facts}
    born = {pid: f.birth_date for pid, f in known.items() if f.birth_date is not None}
    members = care_leavers.cohort(periods, born, export.year)
    found = care_leavers.rows(session, members, export.gaps)
    for leaver in found:
        child = known[leaver.person_id]
        export.tables["OC3"].append({
            "CHILD": child.la_child_id, "DOB": dob(child), "IN_TOUCH": leaver.in_touch,
            "ACTIV": leaver.activity, "ACCOM": leaver.accommodation,
        })  # fmt: skip
        if leaver.person_id not in facts:
            before = len(export.tables["Header"])
            _header(export, [leaver.person_id], known, set())
            export.tables["Header"][before]["MOTHER"] = ""


def _upn_unknown(child: ChildFacts, year: CollectionYear) -> str:
    """UN1 for a child not yet of school age at the year's end, else UN4 (UPN not yet known),
    which the export's gaps count for a child looked after more than a week at 31 March (rule
    210's message). Not UN5 as in the CIN census: rule 208 fails a change of unknown code from
    one year to the next, and a UPN arriving with a wrong check letter would make one."""
    born = child.birth_date
    if born is not None and add_months(born, 5 * 12) > year.end:
        return "UN1"
    return "UN4"
