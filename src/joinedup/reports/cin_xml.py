"""The CIN census as XML (RETURNS.md §4.1), checked against our own schema before anyone sees it.

Element order is the schema's. Dates are ISO; yes/no flags are "1"/"0" (the DfE validator
reads `ICPCnotRequired` as "1"/"0" in some rules and "true"/"1" in others: "1"/"0" satisfies
both). An export that breaks `schemas/cin_2026.xsd` is a bug in the export: `SchemaViolation`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no hints

from joinedup.reports.cin_episodes import Episode

SCHEMA = "cin_2026.xsd"
FIRST_SEX_YEAR = 2025  # <Sex> (M/F/U) from 2024-25; <GenderCurrent> (1/2/0) before it
GENDER_CURRENT = {"M": "1", "F": "2", "U": "0"}


class SchemaViolation(Exception):
    """The export does not match its own schema: a fault in Joined Up, not in the records."""


@dataclass(frozen=True)
class Child:
    la_child_id: str
    upn: str | None
    upn_unknown: str | None
    birth_date: date | None
    expected_birth_date: date | None
    sex: str
    ethnicity: str
    disabilities: tuple[str, ...]
    episodes: tuple[Episode, ...]


@dataclass(frozen=True)
class Header:
    year: int
    reference_date: date
    lea: str
    release: str
    created_at: datetime  # London time, no offset (xs:dateTime as the DfE's files have it)


def _add(parent: etree._Element, tag: str, value: object | None = None) -> etree._Element:
    node = etree.SubElement(parent, tag)
    if value is not None:
        node.text = value.isoformat() if isinstance(value, date) else str(value)
    return node


def _opt(parent: etree._Element, tag: str, value: object | None) -> None:
    if value is not None:
        _add(parent, tag, value)


def _flag(value: bool) -> str:
    return "1" if value else "0"


def render(header: Header, children: Iterable[Child]) -> bytes:
    root = etree.Element("Message")
    head = _add(root, "Header")
    details = _add(head, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", header.year)
    _add(details, "ReferenceDate", header.reference_date)
    source = _add(head, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", header.lea)
    _add(source, "SoftwareCode", "Joined Up")
    _add(source, "Release", header.release)
    _add(source, "SerialNo", "001")
    _add(source, "DateTime", header.created_at.replace(microsecond=0, tzinfo=None).isoformat())
    listed = _add(root, "Children")
    for child in children:
        _child(_add(listed, "Child"), child, header.year)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))


def _child(node: etree._Element, child: Child, year: int) -> None:
    ids = _add(node, "ChildIdentifiers")
    _add(ids, "LAchildID", child.la_child_id)
    _opt(ids, "UPN", child.upn)
    _opt(ids, "UPNunknown", child.upn_unknown)
    _opt(ids, "PersonBirthDate", child.birth_date)
    _opt(ids, "ExpectedPersonBirthDate", child.expected_birth_date)
    if year >= FIRST_SEX_YEAR:
        _add(ids, "Sex", child.sex)
    else:
        _add(ids, "GenderCurrent", GENDER_CURRENT[child.sex])
    traits = _add(node, "ChildCharacteristics")
    _add(traits, "Ethnicity", child.ethnicity)
    if child.disabilities:
        listed = _add(traits, "Disabilities")
        for code in child.disabilities:
            _add(listed, "Disability", code)
    for episode in child.episodes:
        _episode(_add(node, "CINdetails"), episode)


def _episode(node: etree._Element, e: Episode) -> None:
    _add(node, "CINreferralDate", e.referral_on)
    _add(node, "ReferralSource", e.referral_source)
    _opt(node, "PrimaryNeedCode", e.primary_need)
    _opt(node, "CINclosureDate", e.closed_on)
    _opt(node, "ReasonForClosure", e.closure_reason)
    for a in e.assessments:
        block = _add(node, "Assessments")
        _add(block, "AssessmentActualStartDate", a.start)
        _opt(block, "AssessmentAuthorisationDate", a.authorised)
        if a.factors:
            factors = _add(block, "FactorsIdentifiedAtAssessment")
            for code in a.factors:
                _add(factors, "AssessmentFactors", code)
    for p in e.plans:
        block = _add(node, "CINPlanDates")
        _add(block, "CINPlanStartDate", p.start)
        _opt(block, "CINPlanEndDate", p.end)
    for s in e.enquiries:
        block = _add(node, "Section47")
        _add(block, "S47ActualStartDate", s.start)
        _add(block, "InitialCPCtarget", s.target)
        _opt(block, "DateOfInitialCPC", s.conference)
        _add(block, "ICPCnotRequired", _flag(s.not_required))
    _add(node, "ReferralNFA", _flag(e.nfa))
    for c in e.protection:
        block = _add(node, "ChildProtectionPlans")
        _add(block, "CPPstartDate", c.start)
        _opt(block, "CPPendDate", c.end)
        _add(block, "InitialCategoryOfAbuse", c.initial_category)
        _add(block, "LatestCategoryOfAbuse", c.latest_category)
        _add(block, "NumberOfPreviousCPP", c.previous)
        if c.reviews:
            reviews = _add(block, "Reviews")
            for day in c.reviews:
                _add(reviews, "CPPreviewDate", day)


@cache
def schema() -> etree.XMLSchema:
    text = resources.files("joinedup.reports").joinpath("schemas", SCHEMA).read_bytes()
    return etree.XMLSchema(etree.fromstring(text))


def check(document: bytes) -> None:
    """SchemaViolation naming the first problems, unless `document` matches the schema (and
    names the child's sex as its year does: <Sex> from 2024-25, <GenderCurrent> before)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.fromstring(document, parser)
    found = schema()
    problems = []
    if not found.validate(tree):
        problems = [f"line {e.line}: {e.message}" for e in list(found.error_log)[:5]]
    else:
        year = int(tree.findtext("Header/CollectionDetails/Year"))
        wrong = "GenderCurrent" if year >= FIRST_SEX_YEAR else "Sex"
        found_wrong = tree.iterfind(f"Children/Child/ChildIdentifiers/{wrong}")
        problems = [f"line {e.sourceline}: <{wrong}> is not used in the {year} collection"
                    for e in found_wrong][:5]  # fmt: skip
    if problems:
        raise SchemaViolation(
            "The CIN census export does not match its schema (a fault in Joined Up, not in the "
            "records; nothing was written): " + "; ".join(problems)
        )
