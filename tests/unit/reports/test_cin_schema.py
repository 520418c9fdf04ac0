"""Our CIN schema checks what the DfE validator does not: element order, required elements,
code lists and the 2024-25 <Sex> element. A document it refuses is never written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from lxml import etree  # type: ignore[import-untyped]

from joinedup.casework.clocks import UK
from joinedup.reports.cin_episodes import (
    Assessment,
    Episode,
    PlanDates,
    ProtectionPlan,
    Section47,
)
from joinedup.reports.cin_xml import Child, Header, SchemaViolation, check, render

HEADER = Header(2026, date(2026, 3, 31), "990", "0.1.0", datetime(2026, 4, 15, 9, 30, tzinfo=UK))


def _episode() -> Episode:
    return Episode(
        case_id=1,
        referral_on=date(2025, 5, 6),
        referral_source="2A",
        primary_need="N1",
        closed_on=date(2026, 3, 2),
        closure_reason="RC7",
        nfa=False,
        assessments=[Assessment(date(2025, 5, 6), date(2025, 6, 10), ("16A", "3A"))],
        plans=[PlanDates(date(2026, 2, 18), date(2026, 3, 2))],
        enquiries=[Section47(date(2025, 5, 7), date(2025, 5, 29), date(2025, 5, 23), False)],
        protection=[
            ProtectionPlan(
                date(2025, 5, 23),
                date(2026, 2, 18),
                "MUL",
                "NEG",
                0,
                (date(2025, 8, 20), date(2026, 2, 18)),
            )
        ],
    )


def document(year: int = 2026) -> bytes:
    child = Child("1234", "A938200000011", None, date(2016, 4, 7), None, "F", "WBRI",
                  ("MOB", "VIS"), (_episode(),))  # fmt: skip
    header = Header(year, date(year, 3, 31), "990", "0.1.0", HEADER.created_at)
    return render(header, [child])


def broken(change: Callable[[etree._Element], None]) -> bytes:
    root = etree.fromstring(document())
    change(root)
    return bytes(etree.tostring(root))


def test_a_full_episode_matches_the_schema_in_the_specified_order() -> None:
    check(document())
    root = etree.fromstring(document())
    (e,) = root.xpath("//CINdetails")
    assert [c.tag for c in e] == [
        "CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate",
        "ReasonForClosure", "Assessments", "CINPlanDates", "Section47", "ReferralNFA",
        "ChildProtectionPlans",
    ]  # fmt: skip
    assert [c.tag for c in root.xpath("//ChildIdentifiers")[0]] == [
        "LAchildID", "UPN", "PersonBirthDate", "Sex"]  # fmt: skip
    assert root.xpath("//ChildProtectionPlans/Reviews/CPPreviewDate/text()") == [
        "2025-08-20", "2026-02-18"]  # fmt: skip


def _set(path: str, value: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        root.xpath(path)[0].text = value

    return change


def _drop(path: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        node = root.xpath(path)[0]
        node.getparent().remove(node)

    return change


def _swap(first: str, second: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        a, b = root.xpath(first)[0], root.xpath(second)[0]
        b.addnext(a)

    return change


def _gender(root: etree._Element) -> None:
    sex = root.xpath("//Sex")[0]
    sex.tag, sex.text = "GenderCurrent", "2"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (_set("//ReasonForClosure", "RC10"), "ReasonForClosure"),
        (_set("//ReferralSource", "11"), "ReferralSource"),
        (_set("//PrimaryNeedCode", "N10"), "PrimaryNeedCode"),
        (_set("//InitialCategoryOfAbuse", "NEGLECT"), "InitialCategoryOfAbuse"),
        (_set("//AssessmentFactors", "25A"), "AssessmentFactors"),
        (_set("//Disability", "BLIND"), "Disability"),
        (_set("//Ethnicity", "WHITE"), "Ethnicity"),
        (_set("//Sex", "1"), "Sex"),  # GenderCurrent's code, not a sex
        (_gender, "GenderCurrent"),  # the element replaced in 2024-25
        (_set("//UPN", "A93820000001"), "UPN"),
        (_set("//LAchildID", "12-34"), "LAchildID"),
        (_set("//ICPCnotRequired", "yes"), "ICPCnotRequired"),
        (_set("//CINreferralDate", "06/05/2025"), "CINreferralDate"),
        (_set("//LEA", "99"), "LEA"),
        (_drop("//Sex"), "Sex"),
        (_drop("//ReferralNFA"), "ReferralNFA"),
        (_drop("//ChildProtectionPlans/LatestCategoryOfAbuse"), "LatestCategoryOfAbuse"),
        (_drop("//Section47/ICPCnotRequired"), "ICPCnotRequired"),
        (_swap("//ReferralNFA", "//ChildProtectionPlans"), "ReferralNFA"),
        (_swap("//CINreferralDate", "//ReferralSource"), "CINreferralDate"),
        (_swap("//Assessments", "//Section47"), "Assessments"),
    ],
)
def test_a_broken_document_is_refused_naming_what_is_wrong(
    change: Callable[[etree._Element], None], says: str
) -> None:
    with pytest.raises(SchemaViolation, match=says):
        check(broken(change))


def test_before_2024_25_the_child_has_gender_current_and_not_sex() -> None:
    earlier = document(2024)
    check(earlier)
    root = etree.fromstring(earlier)
    assert root.xpath("//ChildIdentifiers/GenderCurrent/text()") == ["2"]
    assert root.xpath("//Sex") == []
    gender = root.xpath("//GenderCurrent")[0]
    gender.tag, gender.text = "Sex", "F"
    with pytest.raises(SchemaViolation, match="<Sex> is not used in the 2024 collection"):
        check(bytes(etree.tostring(root)))
