"""A step's fields are refused with the field named when a DfE code is wrong."""

from __future__ import annotations

import pytest

from joinedup.casework import steps
from joinedup.core.errors import ValidationFailed


def _refusal(fields: dict[str, object]) -> str:
    with pytest.raises(ValidationFailed) as caught:
        steps.validate("save_assessment", fields)
    return "; ".join(f"{e.field}: {e.message}" for e in caught.value.errors)


def test_disabilities_are_dfe_codes_with_none_alone() -> None:
    assert steps.validate("save_assessment", {"disabilities": ["AUT", "COMM"]})
    assert "not DfE disability codes: ADHD" in _refusal({"disabilities": ["ADHD"]})
    assert "NONE (no disability) must stand alone" in _refusal({"disabilities": ["NONE", "VIS"]})
    assert "listed twice" in _refusal({"disabilities": ["VIS", "VIS"]})


def test_factor_21_stands_alone() -> None:
    assert "factor 21" in _refusal({"factors": ["21", "16A"]})


def _named(action: str, fields: dict[str, object]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        steps.validate(action, fields)
    return {e.field: e.message for e in caught.value.errors}


LOOKED_AFTER = {"legal_status": "C2", "placement_type": "U4", "placement_provider": "PR1",
                "urn": "SC123456"}  # fmt: skip
MOVE = {"placement_type": "U6", "placement_provider": "PR4", "urn": "1234567",
        "reason_for_change": "Carer unwell.", "reason_code": "CREQO"}  # fmt: skip


def test_a_placement_names_each_bad_ssda903_field() -> None:
    assert steps.validate("start_looked_after", LOOKED_AFTER)
    assert "placement provider" in _named("start_looked_after",
                                          {**LOOKED_AFTER, "placement_provider": "PR9"})[
        "placement_provider"]  # fmt: skip
    only_p1 = _named("start_looked_after", {**LOOKED_AFTER, "placement_provider": "PR0"})
    assert "only for placement type P1" in only_p1["placement_provider"]
    assert steps.validate(
        "start_looked_after",
        {**LOOKED_AFTER, "placement_type": "P1", "placement_provider": "PR0", "urn": ""},
    )
    assert (
        "needs its Ofsted URN" in _named("start_looked_after", {**LOOKED_AFTER, "urn": ""})["urn"]
    )
    assert "Ofsted URN is" in _named("start_looked_after", {**LOOKED_AFTER, "urn": "12"})["urn"]
    assert (
        "legal status"
        in _named("start_looked_after", {**LOOKED_AFTER, "legal_status": "C9"})["legal_status"]
    )
    assert (
        "postcode"
        in _named("start_looked_after", {**LOOKED_AFTER, "home_postcode": "nowhere"})[
            "home_postcode"
        ]
    )
    assert (
        "N1–N8"
        in _named("start_looked_after", {**LOOKED_AFTER, "category_of_need": "N9"})[
            "category_of_need"
        ]
    )


def test_a_move_needs_its_reason_code_unless_temporary() -> None:
    assert steps.validate("placement", MOVE)
    assert "choose the reason" in _named("placement", {**MOVE, "reason_code": ""})["reason_code"]
    assert "reason for placement change" in _named("placement", {**MOVE, "reason_code": "BORED"})[
        "reason_code"]  # fmt: skip
    assert steps.validate("placement", {**MOVE, "placement_type": "T1", "reason_code": "",
                                        "urn": ""})  # fmt: skip
    assert "legal status" in _named("placement", {**MOVE, "legal_status": "Q1"})["legal_status"]


def test_reviews_missing_legal_status_allocation_and_ending_name_their_codes() -> None:
    assert "PN0–PN7" in _named("cla_review", {"notes": "Held.", "participation": "PN8"})[
        "participation"]  # fmt: skip
    assert "participation" in _named("cla_review", {"notes": "Held."})
    assert "M (missing)" in _named("missing", {"missing": "X", "started_on": "2026-01-02"})[
        "missing"]  # fmt: skip
    backwards = {"missing": "A", "started_on": "2026-01-02", "ended_on": "2026-01-01"}
    assert "before the start" in _named("missing", backwards)["ended_on"]
    assert "legal status" in _named("legal_status", {"legal_status": "Z9"})["legal_status"]
    assert "social worker" in _named("allocate", {"label": "a", "team": "b",
                                                  "sw_reason": "BORED"})["sw_reason"]  # fmt: skip
    assert "record the change" in _named("end_looked_after", {"reason_ceased": "X1"})[
        "reason_ceased"]  # fmt: skip


def test_the_new_actions_are_in_the_pathway_and_have_handlers() -> None:
    from joinedup.casework import pathway, work

    for action in ("legal_status", "missing", "cla_outcomes", "adoption_decision"):
        assert pathway.outcomes(pathway.LOOKED_AFTER, action) == [""]
        assert action in work.HANDLERS and action in steps.MODELS
        assert action in pathway.ACTION_TITLES and action in work.STEP_TITLES
    assert {a for (_, a, _) in pathway.TRANSITIONS} == set(work.HANDLERS) == set(steps.MODELS)


def test_outcomes_and_adoption_decisions_name_their_bad_fields() -> None:
    base = {"health_assessment": True, "immunisations": True, "teeth_check": True,
            "substance_misuse": False}  # fmt: skip
    assert steps.validate("cla_outcomes", {**base, "sdq_score": 40})
    assert "sdq_score" in _named("cla_outcomes", {**base, "sdq_score": 41})
    assert (
        "not given with a score"
        in _named("cla_outcomes", {**base, "sdq_score": 3, "sdq_reason": "SDQ1"})["sdq_reason"]
    )
    assert "SDQ1–SDQ5" in _named("cla_outcomes", {**base, "sdq_reason": "SDQ9"})["sdq_reason"]
    assert "was offered" in _named("cla_outcomes", {**base, "intervention_received": False})[
        "intervention_offered"]  # fmt: skip
    assert "only when" in _named("cla_outcomes", {**base, "intervention_received": True,
                                                  "intervention_offered": False})[
        "intervention_offered"]  # fmt: skip
    assert "choose why" in _named("adoption_decision", {"decided_on": "2026-01-02",
                                                        "ceased_on": "2026-03-01"})[
        "reason_placed_ceased"]  # fmt: skip
    assert "not before" in _named("adoption_decision", {"decided_on": "2026-01-02",
                                                        "ceased_on": "2025-03-01",
                                                        "reason_placed_ceased": "RD1"})[
        "ceased_on"]  # fmt: skip


def test_the_case_page_offers_each_new_field_with_its_code_list() -> None:
    from joinedup.web.casework_forms import fields_of

    kinds = {f.name: f for action in steps.MODELS for f in fields_of(action)}
    for name in ("placement_provider", "reason_code", "participation", "missing", "sw_reason",
                 "sdq_reason", "previous_permanence", "reason_placed_ceased"):  # fmt: skip
        assert kinds[name].kind == "select" and kinds[name].choices, name
    assert kinds["same_carer"].kind == "yesno" and kinds["started_on"].kind == "date"
    assert kinds["sdq_score"].kind == "number" and kinds["disabilities"].kind == "codes"
    assert {f.name for f in fields_of("legal_status")} == {"legal_status", "notes"}


def test_an_adoption_ending_needs_its_ad1_details_named() -> None:
    refused = _named("end_looked_after", {"reason_ceased": "E12"})
    assert {"adoption_decided_on", "adoption_matched_on", "adopted_by_foster_carers", "adopters",
            "adopters_sex", "adopters_legal_status"} <= set(refused)  # fmt: skip
    assert "MF" in _named("end_looked_after", {"reason_ceased": "E13", "adopters_sex": "XY"})[
        "adopters_sex"]  # fmt: skip
    assert steps.validate("end_looked_after", {"reason_ceased": "E13"})


ADOPTION = {"reason_ceased": "E12", "adoption_decided_on": "2025-01-10",
            "adoption_matched_on": "2025-02-03", "adopted_by_foster_carers": False}  # fmt: skip


@pytest.mark.parametrize(("count", "sexes", "status", "field"), [
    (2, "FF", "L11", "adopters_legal_status"),  # a married couple of different sexes is MF (520)
    (2, "MF", "L12", "adopters_legal_status"),  # of the same sex, MM or FF (522)
    (2, "M1", "L2", "adopters_sex"),  # M1 is one adopter, and a civil partnership two (519)
    (1, "MF", "L0", "adopters_sex"),
])  # fmt: skip
def test_the_adopters_number_sexes_and_legal_status_must_agree(
    count: int, sexes: str, status: str, field: str
) -> None:
    fields = {**ADOPTION, "adopters": count, "adopters_sex": sexes, "adopters_legal_status": status}
    assert set(_named("end_looked_after", fields)) == {field}


@pytest.mark.parametrize(("count", "sexes", "status"), [
    (2, "MF", "L11"), (2, "FF", "L12"), (2, "MM", "L2"), (2, "FF", "L3"), (1, "F1", "L0"),
])  # fmt: skip
def test_adopters_that_agree_are_kept(count: int, sexes: str, status: str) -> None:
    fields = {**ADOPTION, "adopters": count, "adopters_sex": sexes, "adopters_legal_status": status}
    assert steps.validate("end_looked_after", fields)


def test_a_reason_for_a_new_worker_or_adviser_must_be_an_ssda903_one() -> None:
    from joinedup.casework import leaving_care_steps

    for module, action in ((steps, "allocate"), (leaving_care_steps, "allocate_adviser")):
        fields = {"label": "sw.one", "team": "Team A", "sw_reason": "NOPE"}
        with pytest.raises(ValidationFailed) as refused:
            module.validate(action, fields)
        assert [(e.field, e.message) for e in refused.value.errors] == [
            ("sw_reason", "'NOPE' is not an SSDA903 reason for a new social worker")
        ]
        assert module.validate(action, {**fields, "sw_reason": "FCONTA"}).sw_reason == "FCONTA"
        assert module.validate(action, {**fields, "sw_reason": ""}).sw_reason == ""
