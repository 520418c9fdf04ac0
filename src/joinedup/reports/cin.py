"""The children in need census for a collection year, from the live store (docs/returns-cin.md).

`export_cin` checks the policy once (`returns:export`, audited with counts only), reads the
year's cases in bulk (`cin_read`), makes each case a census episode as it stood on 31 March
(`cin_episodes`), adds each child's identifiers (`children.child_facts`), renders the XML and
checks it against our own schema (`cin_xml`). What the records cannot give the DfE, the export
does not invent: it says so in `warnings`, naming the case and the DfE rule, for someone to put
right in the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata

from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, require
from joinedup.casework.clocks import UK
from joinedup.core.errors import NotFound
from joinedup.reports.children import ChildFacts, child_facts
from joinedup.reports.cin_checks import CinWarning, check_child, shared_upns
from joinedup.reports.cin_episodes import Episode, episode
from joinedup.reports.cin_read import Casework, read_casework, upns_recorded
from joinedup.reports.cin_xml import Child, Header, check, render
from joinedup.reports.years import CollectionYear, collection_year

SCHOOL_AGE_YEARS = 6  # the DfE validator's reading of "school age" (rule 8770Q)


@dataclass(frozen=True)
class CinExport:
    year: int
    xml: bytes
    children: int
    episodes: int
    assessments: int
    section47s: int
    cp_plans: int
    cin_plans: int
    warnings: tuple[CinWarning, ...]

    def counts(self) -> dict[str, int]:
        return {
            "children": self.children,
            "episodes": self.episodes,
            "assessments": self.assessments,
            "section47s": self.section47s,
            "cp_plans": self.cp_plans,
            "cin_plans": self.cin_plans,
            "warnings": len(self.warnings),
        }


def export_cin(
    *, session: Session, actor: Actor, year: int, now: datetime, authority_code: str
) -> CinExport:
    """The census for the year ending 31 March `year` for the authority whose DfE code is
    `authority_code` (Settings.authority_code), checked against our schema."""
    period = collection_year(year)
    authorise(session=session, actor=actor, action=Action.RETURNS_EXPORT,
              resource_type="cin_census")  # fmt: skip
    work = read_casework(session, period)
    facts = child_facts(session, {c.person_id for c in work.cases})
    unreliable = upns_recorded(session, {p for p, f in facts.items() if f.upn is None})
    children, warnings = _children(work, facts, unreliable, period)
    if not children:
        raise NotFound(
            f"No child had a case open in the {period.label} collection year "
            f"({period.start:%-d %B %Y} to {period.end:%-d %B %Y}): there is no census to return"
        )
    header = Header(year, period.end, authority_code, _release(), now.astimezone(UK))
    document = render(header, children)
    check(document)
    episodes = [e for c in children for e in c.episodes]
    found = CinExport(
        year=year,
        xml=document,
        children=len(children),
        episodes=len(episodes),
        assessments=sum(len(e.assessments) for e in episodes),
        section47s=sum(len(e.enquiries) for e in episodes),
        cp_plans=sum(len(e.protection) for e in episodes),
        cin_plans=sum(len(e.plans) for e in episodes),
        warnings=tuple(warnings),
    )
    require(session=session, actor=actor, action=Action.RETURNS_EXPORT,
            resource_type="cin_census", detail={"year": year, **found.counts()},
            now=now)  # fmt: skip
    return found


def _children(
    work: Casework, facts: dict[int, ChildFacts], unreliable: set[int], year: CollectionYear
) -> tuple[list[Child], list[CinWarning]]:
    by_child: dict[int, list[Episode]] = {}
    for case in work.cases:
        by_child.setdefault(case.person_id, []).append(
            episode(case, year, work.plan_starts.get(case.person_id, []))
        )
    children, warnings = [], []
    for person_id, episodes in by_child.items():
        known = Known(work.disabilities.get(person_id, []), person_id in unreliable,
                      work.first_referral.get(person_id))  # fmt: skip
        child = _child(facts[person_id], episodes, known, year)
        children.append(child)
        warnings.extend(check_child(child, year))
    return children, warnings + shared_upns(children)


@dataclass(frozen=True)
class Known:
    """What else the records say about a child: disabilities assessed, whether any record
    carries a UPN (valid or not), and the child's first referral here."""

    disabilities: list[tuple[date, list[str]]]
    some_upn: bool
    first_referral: date | None


def _child(facts: ChildFacts, episodes: list[Episode], known: Known, year: CollectionYear) -> Child:
    born, expected = facts.birth_date, facts.expected_birth_date
    if born is not None and born > year.end:
        born, expected = None, born  # unborn on the reference date
    unborn = born is None and expected is not None
    return Child(
        la_child_id=facts.la_child_id,
        upn=facts.upn,
        upn_unknown=None if facts.upn else _upn_unknown(born, unborn, episodes, known, year),
        birth_date=born,
        expected_birth_date=expected if born is None else None,
        sex="U" if unborn else facts.sex,
        ethnicity=facts.ethnicity,
        disabilities=_disabilities(known.disabilities, year),
        episodes=tuple(episodes),
    )


def _upn_unknown(
    born: date | None, unborn: bool, episodes: list[Episode], known: Known, year: CollectionYear
) -> str | None:
    """UN6 unborn; UN7 when every episode is a referral with no further action; UN1 under
    school age; UN5 when records carry UPNs but none valid that they agree on; UN4 when the
    child is new here this year; otherwise none: only the authority knows (UN2 or UN3)."""
    if unborn:
        return "UN6"
    if all(e.nfa for e in episodes):
        return "UN7"
    if born is not None and born > _years_before(year.end, SCHOOL_AGE_YEARS):
        return "UN1"
    if known.some_upn:
        return "UN5"
    if known.first_referral is not None and known.first_referral >= year.start:
        return "UN4"
    return None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _disabilities(recorded: list[tuple[date, list[str]]], year: CollectionYear) -> tuple[str, ...]:
    """The latest assessment by the reference date that recorded them, else the first after;
    none when no assessment ever did (never a guessed NONE)."""
    before = [codes for day, codes in recorded if day <= year.end]
    after = [codes for day, codes in recorded if day > year.end]
    chosen = before[-1] if before else after[0] if after else []
    return tuple(dict.fromkeys(chosen))


def _release() -> str:
    try:
        return metadata.version("joinedup")
    except metadata.PackageNotFoundError:
        return "unknown"
