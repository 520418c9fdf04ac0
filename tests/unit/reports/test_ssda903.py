"""The SSDA903 from casework recorded through the services: episodes split on every change of
legal status and/or placement, the year's window, OC2 at 12 months, reviews, missing episodes
and social workers through the year, one audit entry."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.casework.views import CaseView
from joinedup.config import Settings
from joinedup.core.errors import NotPermitted, ValidationFailed
from joinedup.people import service as people_service
from joinedup.reports import ssda903_read as read
from joinedup.reports import ssda903_rows
from joinedup.reports.ssda903 import COLUMNS, Ssda903Export, export_ssda903, looked_after_at_end
from joinedup.reports.ssda903_episodes import Episode, split
from joinedup.reports.ssda903_rows import QUERY_231
from tests.unit.casework.support import ASSESSED, CHAIR, MANAGER, Desk, desk
from tests.unit.people.support import Store, child, nhs, rec

__all__ = ["desk"]  # the fixture
OFFICER = Actor(role=Role.PERFORMANCE_OFFICER, label="perf.one", user_id=21)
START = {"legal_status": "C1", "placement_type": "U6", "placement_provider": "PR1",
         "urn": "SC123456", "placement_postcode": "ZZ1 1ZZ",
         "home_postcode": "ZZ2 2ZZ"}  # fmt: skip


def _move(place: str = "U4", reason: str = "CARPL", **more: Any) -> dict[str, Any]:
    return {"placement_type": place, "placement_provider": "PR4", "urn": "1234567",
            "reason_for_change": "Moved.", "reason_code": reason, **more}  # fmt: skip


def _looked_after(desk: Desk, on: date, **changes: Any) -> CaseView:
    case = desk.referred()  # on 23 November 2026
    desk.days(900)  # to 2029: every date below is in the past
    return desk.act(case, "start_looked_after", "", {**START, **changes}, on=on)


def _export(desk: Desk, year: int) -> Ssda903Export:
    return export_ssda903(session=desk.session, actor=OFFICER, year=year, now=desk.clock.now())


def _pairs(desk: Desk) -> dict[int, list[tuple[read.Period, Episode]]]:
    periods = read.periods(desk.session, until=date(2028, 3, 31))
    changes = read.steps(desk.session, [p.case_id for p in periods], ("placement", "legal_status"))
    return {p.person_id: [(p, e) for e in split(p, changes)] for p in periods}


def _column(export: Ssda903Export, table: str, name: str) -> list[str]:
    return [row[name] for row in export.tables[table]]


def test_a_new_episode_on_every_change_with_x1_and_the_reason_on_the_one_that_ends(
    desk: Desk,
) -> None:
    case = _looked_after(desk, date(2026, 11, 25))
    case = desk.act(case, "placement", "", _move("U4", "CARPL"), on=date(2027, 1, 10))
    case = desk.act(case, "legal_status", "", {"legal_status": "C2"}, on=date(2027, 2, 1))
    case = desk.act(case, "placement", "", _move("A5", "CREQO", legal_status="E1"),
                    on=date(2027, 2, 20))  # fmt: skip
    case = desk.act(case, "placement", "", _move("A6", "PLACE", same_carer=True),
                    on=date(2027, 3, 1))  # fmt: skip
    adopted = {"reason_ceased": "E11", "adoption_decided_on": "2027-02-15",
               "adoption_matched_on": "2027-02-25", "adopted_by_foster_carers": True,
               "adopters": 2, "adopters_sex": "MF", "adopters_legal_status": "L11"}  # fmt: skip
    desk.act(case, "end_looked_after", "", adopted, on=date(2027, 3, 10))
    export = _export(desk, 2027)
    assert export.tables["AD1"] == [{
        "CHILD": str(desk.person_id), "DOB": "07/04/2016", "DATE_INT": "15/02/2027",
        "DATE_MATCH": "25/02/2027", "FOSTER_CARE": "1", "NB_ADOPTR": "2", "SEX_ADOPTR": "MF",
        "LS_ADOPTR": "L11"}]  # fmt: skip
    assert _column(export, "Episodes", "RNE") == ["S", "P", "L", "B", "T"]
    assert _column(export, "Episodes", "LS") == ["C1", "C1", "C2", "E1", "E1"]
    assert _column(export, "Episodes", "PLACE") == ["U6", "U4", "U4", "A5", "A6"]
    assert _column(export, "Episodes", "DECOM") == [
        "25/11/2026", "10/01/2027", "01/02/2027", "20/02/2027", "01/03/2027"]  # fmt: skip
    assert _column(export, "Episodes", "DEC") == [
        "10/01/2027", "01/02/2027", "20/02/2027", "01/03/2027", "10/03/2027"]  # fmt: skip
    assert _column(export, "Episodes", "REC") == ["X1", "X1", "X1", "X1", "E11"]
    reasons = _column(export, "Episodes", "REASON_PLACE_CHANGE")
    assert reasons == ["CARPL", "", "CREQO", "PLACE", ""]
    first = export.tables["Episodes"][0]
    assert first["CHILD"] == str(desk.person_id) and first["PLACE_PROVIDER"] == "PR1"
    assert (first["HOME_POST"], first["PL_POST"], first["URN"]) == ("ZZ2 2ZZ", "ZZ1 1ZZ",
                                                                     "SC123456")  # fmt: skip
    assert list(export.tables) == list(COLUMNS)  # DoLo from 2026-27
    assert "DoLo" not in _export(desk, 2026).tables
    (header,) = export.tables["Header"]
    assert header["CHILD"] == str(desk.person_id) and header["DOB"].count("/") == 2
    assert export.csv("Episodes").splitlines()[0] == ",".join(COLUMNS["Episodes"])


def test_a_change_of_legal_status_and_placement_with_the_same_carers_is_u(desk: Desk) -> None:
    case = _looked_after(desk, date(2026, 11, 25), legal_status="V2")
    desk.act(case, "placement", "", _move("U5", "PLACE", legal_status="C1", same_carer=True),
             on=date(2026, 12, 5))  # fmt: skip
    export = _export(desk, 2027)
    assert _column(export, "Episodes", "RNE") == ["S", "U"]
    assert _column(export, "Episodes", "DEC") == ["05/12/2026", ""]  # the last is open


def test_only_episodes_open_in_the_year_and_one_ending_after_it_is_open(desk: Desk) -> None:
    case = _looked_after(desk, date(2026, 11, 25))
    case = desk.act(case, "placement", "", _move(), on=date(2027, 3, 20))
    desk.act(case, "end_looked_after", "", {"reason_ceased": "E4A"}, on=date(2027, 5, 1))
    assert _export(desk, 2026).tables["Episodes"] == []  # before the child was looked after
    this = _export(desk, 2027)
    assert _column(this, "Episodes", "DEC") == ["20/03/2027", ""]
    assert _column(this, "Episodes", "REC") == ["X1", ""]
    # What upstream rule 233 (it crashes) would check: an open episode has no reason for change.
    assert _column(this, "Episodes", "REASON_PLACE_CHANGE") == ["CARPL", ""]
    after = _export(desk, 2028)
    assert _column(after, "Episodes", "DECOM") == ["20/03/2027"]
    assert _column(after, "Episodes", "REC") == ["E4A"]
    assert _export(desk, 2029).tables["Header"] == []


@pytest.mark.parametrize(("start", "in_oc2"), [(date(2027, 3, 31), True),
                                               (date(2027, 4, 2), False)])  # fmt: skip
def test_oc2_is_for_children_looked_after_12_months_at_31_march(
    desk: Desk, start: date, in_oc2: bool
) -> None:
    _looked_after(desk, start)  # 366 days and 364 days before 31 March 2028
    export = _export(desk, 2028)
    assert set(ssda903_rows.eligible(read.periods(desk.session, until=date(2028, 3, 31)),
                                _pairs(desk), date(2028, 3, 31), date(2027, 3, 31))) == (
        {desk.person_id} if in_oc2 else set())  # fmt: skip
    # Casework records no OC2 outcomes: no row of blanks or guesses, the child counted instead.
    assert export.tables["OC2"] == []
    gap = "OC2 outcomes not recorded (children looked after 12 months)"
    assert export.gaps[gap] == (1 if in_oc2 else 0)


def test_reviews_in_the_year_with_how_the_child_took_part(desk: Desk) -> None:
    case = _looked_after(desk, date(2026, 11, 25))
    late = {"late_reason": "Chair unwell."}
    case = desk.act(case, "cla_review", "", {"notes": "First.", "participation": "PN1"},
                    actor=CHAIR, on=date(2026, 12, 20), **late)  # fmt: skip
    desk.act(case, "cla_review", "", {"notes": "Second.", "participation": "PN5"},
             actor=CHAIR, on=date(2027, 4, 20), **late)  # fmt: skip
    export = _export(desk, 2027)
    assert _column(export, "Reviews", "REVIEW") == ["20/12/2026"]
    assert _column(export, "Reviews", "REVIEW_CODE") == ["PN1"]
    assert _column(_export(desk, 2028), "Reviews", "REVIEW_CODE") == ["PN5"]


def test_missing_and_away_episodes(desk: Desk) -> None:
    case = _looked_after(desk, date(2026, 11, 25))
    case = desk.act(case, "missing", "", {"missing": "M", "started_on": "2027-01-02"},
                    on=date(2027, 1, 2))  # fmt: skip
    back = {"missing": "M", "started_on": "2027-01-02", "ended_on": "2027-01-04"}
    case = desk.act(case, "missing", "", back, on=date(2027, 1, 4))
    desk.act(case, "missing", "", {"missing": "A", "started_on": "2027-03-30"},
             on=date(2027, 3, 30))  # fmt: skip
    export = _export(desk, 2027)
    assert [(r["MISSING"], r["MIS_START"], r["MIS_END"]) for r in export.tables["Missing"]] == [
        ("M", "02/01/2027", "04/01/2027"), ("A", "30/03/2027", "")]  # fmt: skip


def test_social_workers_cover_the_year_and_the_last_is_open_at_31_march(desk: Desk) -> None:
    case = _looked_after(desk, date(2026, 11, 25))
    worker = {"team": "Children in care", "label": "worker.cic"}
    case = desk.act(case, "allocate", "", {**worker, "user_id": 31}, actor=MANAGER,
                    on=date(2026, 11, 25))  # fmt: skip
    desk.act(case, "allocate", "", {**worker, "user_id": 32, "sw_reason": "LEFTRL"},
             actor=MANAGER, on=date(2027, 1, 5))  # fmt: skip
    export = _export(desk, 2027)
    rows = export.tables["SWEpisodes"]
    assert [(r["SW_ID"], r["SW_DECOM"], r["SW_DEC"], r["SW_REASON"]) for r in rows] == [
        ("XX000031", "25/11/2026", "05/01/2027", "FCONTA"),
        ("XX000032", "05/01/2027", "", "LEFTRL"),
    ]  # fmt: skip
    assert export.gaps["SWEpisodes.SW_REASON not recorded"] == 1
    # What rules SW12STG2 and SW17STG2 mean (upstream, SW12 flags every open episode that is not
    # an S, and SW17 every child whose case closed): from the start of care to 31 March the
    # episodes follow on without a gap, and the last is open.
    starts, ends = (
        _column(export, "SWEpisodes", "SW_DECOM"),
        _column(export, "SWEpisodes", "SW_DEC"),
    )
    assert starts[0] == export.tables["Episodes"][0]["DECOM"] and starts[1:] == ends[:-1]
    assert ends[-1] == ""


def test_social_workers_only_for_children_looked_after_on_31_march(desk: Desk) -> None:
    # The DfE asks for the social workers of the children looked after on 31 March (SW01STG1,
    # SW12STG2, SW17STG2): a child whose care ended in the year is in Episodes, not SWEpisodes,
    # even while their case (and its worker) goes on after care.
    case = _looked_after(desk, date(2026, 11, 25))
    case = desk.act(case, "allocate", "", {"team": "Children in care", "label": "worker.cic",
                    "user_id": 31}, actor=MANAGER, on=date(2026, 11, 25))  # fmt: skip
    desk.act(case, "end_looked_after", "", {"reason_ceased": "E4A"}, actor=MANAGER,
             on=date(2027, 5, 1))  # fmt: skip
    before, after = _export(desk, 2027), _export(desk, 2028)
    assert _column(before, "SWEpisodes", "SW_DEC") == [""]  # looked after on 31 March 2027
    assert _column(after, "Episodes", "REC") == ["E4A"]
    assert after.tables["SWEpisodes"] == []  # went home in May 2027


def test_a_child_referred_again_keeps_both_cases_workers_and_the_gap_between(
    desk: Desk,
) -> None:
    # ADR 0018: the DfE asks for every social worker episode of the year (SW12STG2), and from
    # 2024-25 its rules expect a new referral's first worker as a first contact (FCONTA) after
    # the earlier involvement ended (SW10STG2, SW10bSTG2). No worker is invented for the gap.
    first = desk.referred()  # 23 November 2026
    desk.days(900)
    worker = {"team": "Assessment", "label": "worker.one", "user_id": 13}  # WORKER, who acts
    first = desk.act(first, "allocate", "", worker, actor=MANAGER,
                     on=date(2026, 11, 23))  # fmt: skip
    first = desk.act(first, "complete_assessment", "no_further_action",
                     {**ASSESSED, "disabilities": ["NONE"], "factors": ["21"],
                      "primary_need": "N9"}, on=date(2026, 12, 7))  # fmt: skip
    desk.act(first, "close", "", {"closure_reason": "RC8"}, actor=MANAGER, on=date(2026, 12, 8))
    desk.clock.advance(date(2027, 1, 20) - desk.today())  # referred again 20 January 2027
    second = desk.referred()
    desk.days(900)
    second = desk.act(second, "allocate", "", worker, actor=MANAGER,
                      on=date(2027, 1, 20))  # fmt: skip
    desk.act(second, "start_looked_after", "", START, on=date(2027, 2, 1))
    export = _export(desk, 2027)
    rows = export.tables["SWEpisodes"]
    assert [(r["SW_ID"], r["SW_DECOM"], r["SW_DEC"], r["SW_REASON"]) for r in rows] == [
        ("XX000013", "23/11/2026", "08/12/2026", "FCONTA"),
        ("XX000013", "20/01/2027", "", "FCONTA"),
    ]  # fmt: skip


def test_looked_after_at_end_leaves_out_ended_care_and_short_breaks() -> None:
    def e(pid: int, end: date | None, legal: str = "C2") -> Episode:
        return Episode(pid, date(2026, 4, 1), "S", legal, {}, end=end)

    found = {1: [e(1, date(2026, 6, 1)), e(1, None)], 2: [e(2, date(2026, 9, 1))],
             3: [e(3, None, "V4")], 4: [e(4, None, "V3"), e(4, None, "C1")]}  # fmt: skip
    assert looked_after_at_end(found) == [1, 4]


def test_one_audit_entry_with_counts_only_and_only_for_performance(desk: Desk) -> None:
    _looked_after(desk, date(2026, 11, 25))
    _export(desk, 2027)
    entries = list(desk.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "returns:export")))  # fmt: skip
    assert len(entries) == 1 and entries[0].resource_type == "ssda903"
    assert entries[0].detail["Episodes"] == 1 and entries[0].detail["year"] == 2027
    with pytest.raises(NotPermitted):
        export_ssda903(session=desk.session, actor=CHAIR, year=2027, now=desk.clock.now())


def test_a_bad_year_is_refused_naming_it(desk: Desk) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _export(desk, 1999)
    assert caught.value.errors[0].field == "year"


def test_previous_permanence_and_uasc_as_recorded_when_care_began(desk: Desk) -> None:
    _looked_after(desk, date(2026, 11, 25), previous_permanence="P2",
                  previous_permanence_la="991", previous_permanence_on="2020-05-01",
                  uasc=True)  # fmt: skip
    export = _export(desk, 2027)
    assert export.tables["PrevPerm"] == [{"CHILD": str(desk.person_id), "DOB": "07/04/2016",
                                          "PREV_PERM": "P2", "LA_PERM": "991",
                                          "DATE_PERM": "01/05/2020"}]  # fmt: skip
    assert [(r["CHILD"], r["DUC"]) for r in export.tables["UASC"]] == [(str(desk.person_id), "")]
    # Rule 231 (query): born 7 April 2016, 10 on 31 March 2027, 11 on 31 March 2028.
    assert export.queries == {QUERY_231: 1}
    later = _export(desk, 2028)
    assert later.tables["PrevPerm"] == []  # only the year care began
    assert len(later.tables["UASC"]) == 1 and later.queries == {}


def test_a_start_with_no_permanence_recorded_is_counted_not_guessed(desk: Desk) -> None:
    _looked_after(desk, date(2026, 11, 25))
    export = _export(desk, 2027)
    assert export.tables["PrevPerm"] == []
    assert export.gaps["PrevPerm not recorded (children starting care)"] == 1


def test_oc2_has_the_outcomes_recorded_in_the_year(desk: Desk) -> None:
    case = _looked_after(desk, date(2026, 12, 1))
    outcomes = {"health_assessment": True, "immunisations": True, "teeth_check": False,
                "substance_misuse": True, "intervention_received": False,
                "intervention_offered": True, "sdq_score": 14, "convicted": False}  # fmt: skip
    desk.act(case, "cla_outcomes", "", outcomes, on=date(2028, 3, 20))
    (row,) = _export(desk, 2028).tables["OC2"]
    assert row == {"CHILD": str(desk.person_id), "DOB": "07/04/2016", "SDQ_SCORE": "14",
                   "SDQ_REASON": "", "CONVICTED": "0", "HEALTH_CHECK": "", "IMMUNISATIONS": "1",
                   "TEETH_CHECK": "0", "HEALTH_ASSESSMENT": "1", "SUBSTANCE_MISUSE": "1",
                   "INTERVENTION_RECEIVED": "0", "INTERVENTION_OFFERED": "1"}  # fmt: skip


def test_placed_for_adoption_decisions_and_their_reversal(desk: Desk) -> None:
    case = _looked_after(desk, date(2026, 11, 25), legal_status="E1", placement_type="A6",
                         urn="XXXXXXX")  # fmt: skip
    case = desk.act(case, "adoption_decision", "", {"decided_on": "2026-11-25"},
                    on=date(2026, 11, 25))  # fmt: skip
    reversed_ = {"decided_on": "2026-11-25", "ceased_on": "2027-05-02",
                 "reason_placed_ceased": "RD3"}  # fmt: skip
    desk.act(case, "adoption_decision", "", reversed_, on=date(2027, 5, 2))
    this = _export(desk, 2027).tables["PlacedAdoption"]
    assert [(r["DATE_PLACED"], r["DATE_PLACED_CEASED"]) for r in this] == [("25/11/2026", "")]
    (after,) = _export(desk, 2028).tables["PlacedAdoption"]
    assert (after["DATE_PLACED_CEASED"], after["REASON_PLACED_CEASED"]) == ("02/05/2027", "RD3")


@pytest.mark.parametrize(("start", "counted"), [(date(2028, 3, 23), 1), (date(2028, 3, 24), 0)])
def test_un4_for_a_child_looked_after_more_than_a_week_is_counted_as_a_gap(
    desk: Desk, start: date, counted: int
) -> None:
    """No record carries this child's UPN: UN4 (not yet known) either way, but rule 210's
    message says a child looked after more than a week at 31 March should not have it, so the
    export counts those for the authority to complete (its virtual school knows the UPN)."""
    _looked_after(desk, start)
    export = _export(desk, 2028)
    assert _column(export, "Header", "UPN") == ["UN4"]
    assert export.gaps["Header.UPN not known for a child looked after more than a week at 31 "
                       "March (UN4 given)"] == counted  # fmt: skip


def test_care_begun_on_a_person_later_merged_is_the_survivors(
    desk: Desk, feed_actor: Actor, settings: Settings
) -> None:
    """The child came into care under a second person (an NHS number mistyped into another
    valid one); identity review then merged it into the child. The return has one child, the
    survivor, with the survivor's date of birth."""
    store = Store(desk.session, feed_actor, desk.clock, settings)
    store.submit(rec(child(nhs_number=nhs(4300), given_names="Alex"), record_id="gp:1",
                     occurred_at="2026-11-03T10:00:00+00:00"))  # fmt: skip
    other = store.person("gp:1")
    assert other != desk.person_id
    _looked_after(Desk(desk.session, desk.clock, other), date(2026, 11, 25))
    people_service.merge_persons(session=desk.session, actor=MANAGER, from_id=other,
                                 into_id=desk.person_id, reason="The same boy.",
                                 now=desk.clock.now())  # fmt: skip
    export = _export(desk, 2027)
    assert _column(export, "Header", "CHILD") == [str(desk.person_id)]
    assert _column(export, "Episodes", "CHILD") == [str(desk.person_id)]
    assert _column(export, "Header", "DOB") == ["07/04/2016"]
