"""Care leavers in the returns, from records made through the services (no demo authority):
SSDA903 OC3 around the 17th to 21st birthdays, social worker episodes only while looked after
on 31 March, Annex A List 9, no CIN census episode for leaving care support;
and the DfE validator, run for real on the export, catching a broken OC3 row and an adviser's
episode closed before 31 March."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor, Role
from joinedup.config import Settings
from joinedup.reports import ssda903_read as read
from joinedup.reports import validation
from joinedup.reports.annex_a import annex_a
from joinedup.reports.cin import export_cin
from joinedup.reports.ssda903 import FILES, Ssda903Export, export_ssda903
from joinedup.reports.ssda903_care_leavers import cohort
from joinedup.reports.ssda903_social_workers import Worker, after_cases
from joinedup.reports.years import collection_year
from tests.unit.casework.leaving_care_support import Leavers, build

OFFICER = Actor(role=Role.PERFORMANCE_OFFICER, label="perf.one", user_id=21)
POSTCODES = Path(__file__).resolve().parents[2] / "fixtures" / "returns" / "ssda903_postcodes.csv"


@pytest.fixture
def leavers(session: Session, feed_actor: Actor, settings: Settings) -> Leavers:
    return build(session, feed_actor, settings)


def _export(leavers: Leavers, year: int) -> Ssda903Export:
    return export_ssda903(session=leavers.session, actor=OFFICER, year=year,
                          now=leavers.clock.now())  # fmt: skip


def test_oc3_social_workers_after_care_list9_and_no_cin_episode(leavers: Leavers) -> None:
    export = _export(leavers, 2026)
    leaver, relevant = str(leavers.leaver), str(leavers.relevant)
    # The girl who went home at 16 is 18 on 1 March 2026: her contact of 20 February counts.
    assert export.tables["OC3"] == [{"CHILD": relevant, "DOB": "01/03/2008", "IN_TOUCH": "YES",
                                     "ACTIV": "F5", "ACCOM": "U1"}]  # fmt: skip
    # The boy left care on his 18th birthday: not asked about this year (rule 1016).
    header = {row["CHILD"]: row for row in export.tables["Header"]}
    assert set(header) == {leaver, relevant} and header[relevant]["MOTHER"] == ""
    assert [r["CHILD"] for r in export.tables["Episodes"]] == [leaver]
    # SWEpisodes is for the children looked after on 31 March: the boy was on 31 March 2025,
    # with his social worker since care began; by 31 March 2026 he had left care at 18.
    assert export.tables["SWEpisodes"] == []
    assert _export(leavers, 2025).tables["SWEpisodes"] == [
        {"CHILD": leaver, "DOB": "10/09/2007", "SW_ID": "XX000013", "SW_DECOM": "03/06/2024",
         "SW_DEC": "", "SW_REASON": "FCONTA"},
    ]  # fmt: skip
    # Her 17th birthday (1 March 2025), three months after she went home: no contact was
    # recorded from December to April, so the authority was not in touch (counted).
    earlier = _export(leavers, 2025)
    assert [(r["CHILD"], r["IN_TOUCH"], r["ACTIV"], r["ACCOM"]) for r in earlier.tables["OC3"]
            ] == [(relevant, "NO", "0", "0")]  # fmt: skip
    assert earlier.gaps["OC3 no contact around the birthday (NO)"] == 1
    # The census counts the boy's case (open in the year), never leaving care support.
    cin = export_cin(session=leavers.session, actor=OFFICER, year=2026,
                     now=leavers.clock.now(), authority_code="990")  # fmt: skip
    assert cin.children == 1 and f"<LAchildID>{leaver}<" in cin.xml.decode()
    book = annex_a(session=leavers.session, actor=OFFICER, as_of=date(2026, 4, 10),
                   now=leavers.clock.now())  # fmt: skip
    assert book.rows["List 9 Care leavers"] == 2
    sheet = load_workbook(_xlsx(book.workbook), read_only=True)["List 9 Care leavers"]
    rows = {str(r[0]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[leaver][5:] == (
        "b) No",
        "c) Unknown",
        "Leaving care team",
        "pa.one",
        "pa.one",
        "c) Former relevant",
        _day(date(2025, 9, 15)),
        "YES",
        _day(date(2025, 12, 1)),
        "U",
        "a) Suitable",
        "G5",
    )
    assert rows[relevant][10:13] == ("c) Former relevant", None, "YES")


def test_the_validator_passes_the_export_and_catches_what_is_broken(
    leavers: Leavers, tmp_path: Path
) -> None:
    export = _export(leavers, 2026)
    leaver, relevant = str(leavers.leaver), str(leavers.relevant)
    export.tables["OC3"][0]["ACTIV"] = "0"  # in touch with no activity: rule 345
    this = _written(export, tmp_path / "2026")
    report = validation.validate(year=2026, ssda903=this, la_code="990", patch_la_lookup=["990"],
                                 patch_postcodes=POSTCODES)  # fmt: skip
    assert _counted(report) == {("345", relevant)}
    # The boy, looked after on 31 March 2025: his worker's episode given an end date days
    # before it, with none after, fails SW11bSTG2.
    earlier = _export(leavers, 2025)
    earlier.tables["SWEpisodes"][-1]["SW_DEC"] = "28/03/2025"
    broken = validation.validate(year=2025, ssda903=_written(earlier, tmp_path / "2025"),
                                 la_code="990", patch_la_lookup=["990"],
                                 patch_postcodes=POSTCODES)  # fmt: skip
    assert ("SW11bSTG2", leaver) in _counted(broken)
    # 2026-27 with 2025-26 before it: the girl's care (June to December 2024) is in neither
    # year the validator sees, so its two-year rule 1002 fails her. Nothing given proves her
    # earlier care, so the failure counts; the boy's care is in last year's episodes and passes.
    after = _written(_export(leavers, 2027), tmp_path / "2027")
    before = _written(_export(leavers, 2026), tmp_path / "before")
    two_years = validation.validate(year=2027, ssda903=after, ssda903_previous=before,
                                    la_code="990", patch_la_lookup=["990"],
                                    patch_postcodes=POSTCODES)  # fmt: skip
    assert ("1002", relevant) in _counted(two_years)
    assert any("--ssda903-earlier" in note for note in two_years.returns[0].notes)
    # An earlier year without her care (2023-24) proves nothing: still counted.
    none_of_hers = _written(_export(leavers, 2024), tmp_path / "2024")
    still = validation.validate(year=2027, ssda903=after, ssda903_previous=before,
                                ssda903_earlier=[none_of_hers], la_code="990",
                                patch_la_lookup=["990"], patch_postcodes=POSTCODES)  # fmt: skip
    assert ("1002", relevant) in _counted(still)
    # 2024-25's episodes hold her care: the rule, run again reading them, passes her, so the
    # failure is listed with why and not counted.
    hers = _written(_export(leavers, 2025), tmp_path / "2025-earlier")
    later = validation.validate(year=2027, ssda903=after, ssda903_previous=before,
                                ssda903_earlier=[none_of_hers, hers], la_code="990",
                                patch_la_lookup=["990"], patch_postcodes=POSTCODES)  # fmt: skip
    assert _counted(later) == set()
    [limit] = [f for f in later.failures if f.rule == "1002"]
    assert limit.child == relevant and "earlier years' episodes" in (limit.upstream_bug or "")


def _written(export: Ssda903Export, folder: Path) -> Path:
    folder.mkdir()
    for table, name in FILES.items():
        if table in export.tables:
            (folder / name).write_text(export.csv(table), encoding="utf-8")
    return folder


def _counted(report: validation.ValidationReport) -> set[tuple[str, str | None]]:
    return {(f.rule, f.child) for f in report.failures
            if f.level == "error" and not f.upstream_bug and not f.synthetic_la}  # fmt: skip


def _xlsx(data: bytes) -> object:
    import io

    return io.BytesIO(data)


def _day(day: date) -> object:
    from datetime import datetime

    return datetime.combine(day, datetime.min.time())


def test_the_adviser_holds_the_young_person_whenever_no_case_worker_does() -> None:
    def w(start: date, stop: date | None, who: str = "XXPA") -> Worker:
        return Worker(start, stop, who, "TSPROC")

    case = w(date(2024, 1, 1), date(2025, 3, 1), "XXSW")
    again = w(date(2025, 9, 1), date(2025, 12, 1), "XXSW2")  # a case opened again at 18
    adviser = w(date(2025, 2, 20), None)
    assert after_cases([adviser], [case, again]) == [
        w(date(2025, 3, 1), date(2025, 9, 1)), w(date(2025, 12, 1), None)]  # fmt: skip
    assert after_cases([w(date(2024, 2, 1), date(2024, 6, 1))], [case]) == []


def _period(pid: int, start: date, end: date | None, reason: str | None) -> read.Period:
    return read.Period(pid, pid, start, end, reason, {"legal_status": "C2"}, "N1")


def test_who_is_in_oc3_known_answers() -> None:
    """Born 1 June 2007 (17 on 1 June 2024, 18 on 1 June 2025), looked after from 2022."""
    born = date(2007, 6, 1)
    periods = [
        _period(1, date(2022, 1, 1), date(2024, 3, 1), "E13"),  # home at 16: in at 17 and 18
        _period(2, date(2022, 1, 1), date(2025, 6, 1), "E5"),  # left on the 18th birthday
        _period(3, date(2022, 1, 1), date(2024, 3, 1), "E3"),  # another authority's care leaver
        _period(4, date(2024, 1, 1), date(2024, 3, 1), "E13"),  # 8 weeks: not relevant
        _period(5, date(2022, 1, 1), date(2023, 3, 1), "E13"),  # left before 16: not relevant
    ]
    ages = {pid: born for pid in range(1, 6)}
    assert cohort(periods, ages, collection_year(2025)) == {1: date(2024, 6, 1)}
    assert cohort(periods, ages, collection_year(2026)) == {1: date(2025, 6, 1)}
    assert cohort(periods, ages, collection_year(2027)) == {1: date(2026, 6, 1),
                                                            2: date(2026, 6, 1)}  # fmt: skip
    assert cohort(periods, ages, collection_year(2029)) == {
        1: date(2028, 6, 1),
        2: date(2028, 6, 1),
    }  # 21st
    assert cohort(periods, ages, collection_year(2030)) == {}  # 22 and over: not asked
