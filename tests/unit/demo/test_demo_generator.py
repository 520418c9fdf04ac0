"""The synthetic local authority: determinism, the exchange format, truth, calibration, noise."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from joinedup.casework import clocks, leaving_care, pathway
from joinedup.core.identifiers import nhs_number_valid, upn_valid
from joinedup.demo.generator import GenerationSummary, generate
from joinedup.demo.names import FORBIDDEN_NAMES

AS_OF_END = "2026-11-20T23:59:59+00:00"
FILES = ("casework.jsonl", "records.jsonl", "truth.json")
AGENCIES = {
    "police",
    "health",
    "education",
    "early_years",
    "housing",
    "childrens_social_care",
    "probation",
    "youth_justice",
    "voluntary",
    "public",
    "other",
}
RELATIONSHIPS = {
    "mother",
    "father",
    "step_parent",
    "parents_partner",
    "sibling",
    "grandparent",
    "other_relative",
    "foster_carer",
    "lodger",
    "household_member",
    "unrelated",
    "self",
}
CONCERN = {
    "neglect",
    "hunger",
    "hygiene",
    "physical",
    "emotional",
    "sexual",
    "behaviour",
    "supervision",
    "development",
    "exploitation",
    "online",
    "radicalisation",
    "other",
}
YNU = {"yes", "no", "unknown"}
STATUTORY_KEYS = {"outcome", "category_of_abuse", "legal_status", "reason"}
REFERRAL_SOURCES = {
    "1A",
    "1B",
    "1C",
    "1D",
    "2A",
    "2B",
    "3A",
    "3B",
    "3C",
    "3D",
    "3E",
    "3F",
    "4",
    "5A",
    "5B",
    "5C",
    "5D",
    "6",
    "7",
    "8",
    "9",
    "10",
}
# EXCHANGE.md "Event types (v1) and their attributes": key -> allowed values (a set) or a type.
ATTRIBUTES: dict[str, dict[str, Any]] = {
    "domestic_abuse_incident": {
        "children_present": bool,
        "risk_level": {"standard", "medium", "high"},
        "physical_violence": bool,
        "arrest": bool,
    },
    "injury": {
        "body_site": str,
        "explanation_consistent": YNU,
        "child_mobile": YNU,
        "medical_attention": bool,
    },
    "concern": {"category": CONCERN},
    "disclosure": {"category": CONCERN, "to_whom": str},
    "was_not_brought": {
        "service": {
            "gp",
            "health_visitor",
            "paediatrics",
            "dental",
            "immunisation",
            "antenatal",
            "other",
        }
    },
    "weight_faltering": {"centile_drop": (int, float)},
    "unscheduled_care": {
        "setting": {
            "emergency_department",
            "urgent_care",
            "out_of_hours",
            "ambulance",
            "maternity",
        },
        "reason": str,
    },
    "antenatal_concern": {"category": str},
    "school_absence": {
        "sessions_missed": int,
        "period_start": "date",
        "period_end": "date",
        "persistent": bool,
    },
    "missing_education": {},
    "elective_home_education": {},
    "exclusion": {"kind": {"suspension", "permanent"}},
    "change_of_school": {"from_urn": str, "to_urn": str},
    "missing_episode": {"duration_hours": (int, float), "returned": bool},
    "adult_offence": {
        "category": {"violence", "sexual", "drugs", "weapons", "other"},
        "against_child": bool,
    },
    "adult_risk": {
        "category": {
            "substance_misuse",
            "mental_health",
            "learning_disability",
            "domestic_abuse_perpetrator",
        }
    },
    "housing": {"category": {"homelessness", "eviction", "overcrowding", "poor_conditions"}},
    "change_of_address": {"from_postcode": str, "to_postcode": str, "to_local_authority": str},
    "change_of_household": {"change": {"adult_joined", "adult_left"}},
    "anonymous_report": {"category": CONCERN},
    "referral": {"referral_source": REFERRAL_SOURCES},
    "note": {},
}
STATUTORY_TYPES = (
    "contact_outcome",
    "assessment",
    "strategy_discussion",
    "section47",
    "cp_conference",
    "cp_plan_start",
    "cp_plan_end",
    "cla_start",
    "cla_end",
    "case_closed",
)
STATUTORY_VALUES = {
    "category_of_abuse": {"NEG", "PHY", "EMO", "SAB", "MUL"},
    "legal_status": {"C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"},
    "reason": {f"RC{n}" for n in range(1, 10)},
    "outcome": str,
}
for _type in STATUTORY_TYPES:
    ATTRIBUTES[_type] = STATUTORY_VALUES
# SSDA903: the reason a period of care ceased (REC), not a CIN closure reason.
ATTRIBUTES["cla_end"] = {
    **STATUTORY_VALUES,
    "reason": {
        "X1",
        "E11",
        "E12",
        "E2",
        "E3",
        "E4A",
        "E4B",
        "E13",
        "E41",
        "E45",
        "E46",
        "E47",
        "E48",
        "E5",
        "E6",
        "E7",
        "E9",
        "E14",
        "E15",
        "E16",
        "E17",
        "E8",
    },
}
ADULT_ONLY = {"adult_offence", "adult_risk"}
TOP_LEVEL = {
    "format",
    "record_id",
    "source",
    "author",
    "type",
    "occurred_at",
    "date_precision",
    "recorded_at",
    "summary",
    "attributes",
    "sensitivity",
    "subjects",
}
SUBJECT_KEYS = {
    "ref",
    "role",
    "relationship",
    "given_names",
    "family_name",
    "other_names",
    "date_of_birth",
    "expected_date_of_delivery",
    "sex",
    "nhs_number",
    "upn",
    "local_ids",
    "address",
    "school_urn",
    "gp_practice_code",
    "language",
    "ethnicity",
    "victim",
    "perpetrator",
}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PARTIAL = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\+00:00|Z)")
POSTCODE = re.compile(r"[A-Z]{2}\d{1,2} ?\d[A-Z]{2}")


class Run:
    def __init__(self, out: Path, summary: GenerationSummary) -> None:
        self.out = out
        self.summary = summary
        self.lines = (out / "records.jsonl").read_bytes().splitlines()
        self.records = [orjson.loads(line) for line in self.lines]
        self.truth = orjson.loads((out / "truth.json").read_bytes())
        self.plan = [
            orjson.loads(line) for line in (out / "casework.jsonl").read_bytes().splitlines()
        ]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("small")
    return Run(out, generate(children=300, years=3, seed=5, out_dir=out))


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("medium")
    return Run(out, generate(children=2000, years=3, seed=21, out_dir=out))


def test_same_arguments_give_byte_identical_files(small: Run, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(children=300, years=3, seed=5, out_dir=again)
    for name in FILES:
        assert (again / name).read_bytes() == (small.out / name).read_bytes()
    assert sorted(p.name for p in again.iterdir()) == sorted(FILES)


def test_output_does_not_depend_on_hash_seed(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from joinedup.demo.generator import generate; "
        "generate(children=150, years=2, seed=9, out_dir=Path(sys.argv[1]))"
    )
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env)
        outputs.append([(out / n).read_bytes() for n in FILES])
    assert outputs[0] == outputs[1]


def test_progress_counts_children_up_to_the_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    generate(
        children=120, years=1, seed=2, out_dir=tmp_path, progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (120, 120)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_another_seed_gives_other_files(small: Run, tmp_path: Path) -> None:
    generate(children=300, years=3, seed=6, out_dir=tmp_path)
    assert (tmp_path / "records.jsonl").read_bytes() != (small.out / "records.jsonl").read_bytes()


def test_summary_counts_what_was_written(small: Run) -> None:
    s = small.summary
    assert s.children == 300
    assert s.records == len(small.records)
    assert s.people == len(small.truth["people"])
    assert s.trajectories == len(small.truth["trajectories"]) >= 1
    assert 3.0 <= s.records / (s.children * 3) <= 5.5


def _check_attributes(rtype: str, attributes: dict[str, Any]) -> None:
    allowed = ATTRIBUTES[rtype]
    for key, value in attributes.items():
        assert key in allowed, f"{rtype}: unexpected attribute {key}"
        rule = allowed[key]
        if rule == "date":
            assert isinstance(value, str) and DATE.fullmatch(value)
        elif isinstance(rule, set):
            assert value in rule, f"{rtype}.{key}: {value!r}"
        elif rule is int:
            assert isinstance(value, int) and not isinstance(value, bool) and value >= 0
        else:
            assert isinstance(value, rule) and not (rule is not bool and isinstance(value, bool))


def _check_subject(subject: dict[str, Any], rtype: str) -> None:
    assert set(subject) <= SUBJECT_KEYS
    assert subject["role"] in {"child", "adult", "unborn"}
    if "relationship" in subject:
        assert subject["relationship"] in RELATIONSHIPS
    assert subject.get("sex", "U") in {"F", "M", "U", "I"}
    if "date_of_birth" in subject:
        assert PARTIAL.fullmatch(subject["date_of_birth"])
    if subject["role"] == "unborn":
        assert DATE.fullmatch(subject["expected_date_of_delivery"])
    if "nhs_number" in subject:
        assert re.fullmatch(r"\d{10}", subject["nhs_number"])
    if "upn" in subject:
        assert re.fullmatch(r"[A-Z]\d{12}", subject["upn"])
    if "address" in subject:
        assert POSTCODE.fullmatch(subject["address"]["postcode"]), subject["address"]
    for name in ("given_names", "family_name"):
        assert subject.get(name) not in FORBIDDEN_NAMES


def _check_record(r: dict[str, Any]) -> None:
    assert set(r) <= TOP_LEVEL
    assert r["format"] == "joinedup/1"
    assert r["source"]["agency"] in AGENCIES and r["source"]["organisation"]
    assert r["type"] in ATTRIBUTES
    occurred, recorded = r["occurred_at"], r["recorded_at"]
    assert PARTIAL.fullmatch(occurred) or MOMENT.fullmatch(occurred)
    assert MOMENT.fullmatch(recorded) and recorded <= AS_OF_END
    if MOMENT.fullmatch(occurred):
        assert occurred <= recorded
    else:
        assert occurred <= recorded[: len(occurred)]
    if "date_precision" in r:
        assert r["date_precision"] in {"year", "month", "day", "minute"}
    assert 0 < len(r["summary"]) <= 10_000
    assert r.get("sensitivity", "normal") in {"normal", "sensitive", "restricted"}
    _check_attributes(r["type"], r.get("attributes", {}))
    refs = [s["ref"] for s in r["subjects"]]
    assert refs and len(refs) == len(set(refs))
    if r["type"] not in ADULT_ONLY:
        assert r["subjects"][0]["role"] in {"child", "unborn"}
    for subject in r["subjects"]:
        _check_subject(subject, r["type"])


def test_every_record_is_a_strict_exchange_record(medium: Run) -> None:
    for record in medium.records:
        _check_record(record)


def test_every_record_passes_the_intake_validator(medium: Run) -> None:
    from joinedup.intake.validation import parse_line

    deliberate = {"check_digit", "check_letter"}
    for line in medium.lines:
        parsed = parse_line(line)
        assert {w.code for w in parsed.warnings} <= deliberate, [w.message for w in parsed.warnings]


def test_every_event_type_is_emitted(medium: Run) -> None:
    assert set(ATTRIBUTES) <= {r["type"] for r in medium.records}


def test_record_ids_are_unique_per_organisation(medium: Run) -> None:
    keys = Counter((r["source"]["organisation"], r["record_id"]) for r in medium.records)
    assert keys.most_common(1)[0][1] == 1


def test_lines_are_in_recorded_at_order(medium: Run) -> None:
    stamps = [r["recorded_at"] for r in medium.records]
    assert stamps == sorted(stamps)


def test_truth_names_every_subject_of_every_record(medium: Run) -> None:
    mentions = {
        (m["organisation"], m["record_id"], m["ref"]): m["person_id"]
        for m in medium.truth["mentions"]
    }
    people = {p["person_id"] for p in medium.truth["people"]}
    subjects = {
        (r["source"]["organisation"], r["record_id"], s["ref"])
        for r in medium.records
        for s in r["subjects"]
    }
    assert set(mentions) == subjects
    assert set(mentions.values()) <= people


def test_truth_identifiers_are_synthetic_and_valid(medium: Run) -> None:
    people = medium.truth["people"]
    numbers = [p["nhs_number"] for p in people]
    assert len(set(numbers)) == len(numbers)
    assert all(n.startswith("999") and nhs_number_valid(n) for n in numbers)
    upns = [p["upn"] for p in people if p["upn"]]
    assert upns and len(set(upns)) == len(upns) and all(upn_valid(u) for u in upns)


def test_twins_share_birth_surname_and_home(medium: Run) -> None:
    by_id = {p["person_id"]: p for p in medium.truth["people"]}
    twins = [p for p in by_id.values() if p["twin_of"]]
    assert len(twins) >= 4
    for twin in twins:
        for other_id in twin["twin_of"]:
            other = by_id[other_id]
            assert other["date_of_birth"] == twin["date_of_birth"]
            assert other["given_names"] != twin["given_names"]
    assert any(by_id[t["twin_of"][0]]["family_name"] == t["family_name"] for t in twins)


def _agencies_of(run: Run, ids: list[str]) -> set[str]:
    wanted = set(ids)
    return {r["source"]["agency"] for r in run.records if r["record_id"] in wanted}


def test_a_trajectory_joins_three_agencies_and_ends_in_crisis(medium: Run) -> None:
    by_id = {r["record_id"]: r for r in medium.records}
    steps = {line["id"]: line for line in medium.plan}
    best = max(medium.truth["trajectories"], key=lambda t: len(_agencies_of(medium, t["signals"])))
    assert len(_agencies_of(medium, best["signals"])) >= 3
    crisis = by_id[best["crisis"]]
    assert crisis["occurred_at"][:10] == best["crisis_date"]
    for signal in best["signals"]:  # a partner's record, or a contact at the home front door
        day = by_id[signal]["occurred_at"] if signal in by_id else steps[signal]["at"]
        assert day[:10] <= best["crisis_date"]
    statutory = {by_id[s]["type"] for s in best["statutory"] if s in by_id}
    statutory |= {steps[s]["action"] for s in best["statutory"] if s in steps}
    assert {"strategy_discussion"} <= statutory
    assert {"section47", "complete_section47"} & statutory


def _plan_children(run: Run) -> dict[str, str]:
    """Each planned episode's child, as a true person id (from the record the plan names)."""
    mentions = {(m["record_id"], m["ref"]): m["person_id"] for m in run.truth["mentions"]}
    return {
        line["episode"]: mentions[(line["child"]["record_id"], line["child"]["ref"])]
        for line in run.plan
        if "child" in line
    }


def test_controls_do_not_escalate(medium: Run) -> None:
    assert medium.truth["controls"]
    escalation = {"section47", "cp_plan_start", "cla_start"}
    controls = {c["child_person_id"] for c in medium.truth["controls"]}
    by_id = {r["record_id"]: r for r in medium.records}
    for m in medium.truth["mentions"]:
        if m["person_id"] in controls:
            assert by_id[m["record_id"]]["type"] not in escalation
    children = _plan_children(medium)
    for line in medium.plan:
        if children[line["episode"]] in controls:
            assert line["action"] in ("contact", "allocate", "oversight")
            assert line["fields"].get("decision", "") not in pathway.OPENS_CASE


def test_the_casework_plan_follows_the_pathway_in_time_order(medium: Run) -> None:
    """Each episode opens with a contact naming a record of the child, then takes only the
    actions the transition table allows, in order; a step is late only with its reason."""
    stages: dict[str, str] = {}
    leaving: dict[str, list[str]] = {}
    children = _plan_children(medium)
    kinds = {p["person_id"]: p["kind"] for p in medium.truth["people"]}
    assert [line["at"] for line in medium.plan] == sorted(line["at"] for line in medium.plan)
    for line in medium.plan:
        assert kinds[children[line["episode"]]] == "child"
        if line["action"] == "contact":
            assert line["episode"] not in stages
            decision = line["fields"]["decision"]
            stages[line["episode"]] = pathway.ASSESSMENT if decision in pathway.OPENS_CASE else ""
            continue
        assert line["on"] == line["at"][:10]  # taken in the working day it is dated
        assert line.get("late_reason", "x")
        if line["action"].startswith("leaving_care:"):  # the young person's, not the case's
            leaving.setdefault(line["episode"], []).append(line["action"].split(":")[1])
            continue
        stage = stages[line["episode"]]
        stages[line["episode"]] = pathway.next_stage(stage, line["action"], line.get("outcome", ""))
    # Leaving care support opens, then its adviser, before anything else is recorded in it.
    assert leaving and all(a[:2] == ["open", "allocate_adviser"] for a in leaving.values())
    # A pathway review with no late reason is on time by casework's own clock.
    planned: dict[str, date] = {}
    for line in medium.plan:
        if line["action"] in ("leaving_care:pathway_plan", "leaving_care:pathway_review"):
            on = date.fromisoformat(line["on"])
            if line["action"].endswith("review") and "late_reason" not in line:
                assert on <= clocks.pathway_review_due(planned[line["episode"]]), line
            planned[line["episode"]] = on
    assert {a for found in leaving.values() for a in found} <= {"open", *leaving_care.ACTIONS}
    actions = Counter(line["action"] for line in medium.plan
                      if not line["action"].startswith("leaving_care:"))  # fmt: skip
    assert set(actions) == {"contact", *pathway.ACTION_TITLES} - {"save_assessment",
        "book_conference", "cin_plan", "cin_review"}  # fmt: skip
    assert sum("late_reason" in line for line in medium.plan) > 50
    open_cases = [s for s in stages.values() if s not in ("", pathway.CLOSED)]
    assert open_cases and len(open_cases) < len(stages) / 4


def test_referral_rate_matches_dfe_within_a_quarter(medium: Run) -> None:
    """DfE CIN 2024: about 540 referrals per 10,000 children a year; contacts about 3x."""
    years = medium.truth["counts_by_year"].values()
    child_years = sum(c["children"] * c["days_covered"] / 365 for c in years)
    rate = sum(c.get("referrals", 0) for c in years) / child_years * 10_000
    assert 540 * 0.75 <= rate <= 540 * 1.25
    contacts = sum(c.get("contacts", 0) for c in years) / sum(c.get("referrals", 0) for c in years)
    assert 2.0 <= contacts <= 4.0


def _subjects_of(run: Run, agency: str) -> list[dict[str, Any]]:
    return [
        s
        for r in run.records
        if r["source"]["agency"] == agency
        for s in r["subjects"]
        if s["role"] != "unborn"
    ]


def test_health_holds_nhs_numbers_and_some_are_deliberately_wrong(medium: Run) -> None:
    health = _subjects_of(medium, "health")
    held = [s["nhs_number"] for s in health if "nhs_number" in s]
    assert len(held) / len(health) > 0.8
    bad = [n for n in held if not nhs_number_valid(n)]
    assert bad and len(bad) / len(held) < 0.03


def test_police_and_schools_mostly_lack_nhs_numbers(medium: Run) -> None:
    for agency in ("police", "education"):
        subjects = _subjects_of(medium, agency)
        assert sum("nhs_number" in s for s in subjects) / len(subjects) < 0.1
    pupils = [s for s in _subjects_of(medium, "education") if s["role"] == "child"]
    assert sum("upn" in s for s in pupils) / len(pupils) > 0.9


def test_identity_noise_appears(medium: Run) -> None:
    people = {p["person_id"]: p for p in medium.truth["people"]}
    subjects = {(r["record_id"], s["ref"]): s for r in medium.records for s in r["subjects"]}
    differing = partial = 0
    for m in medium.truth["mentions"]:
        s, p = subjects[(m["record_id"], m["ref"])], people[m["person_id"]]
        if s.get("given_names") not in (None, p["given_names"]):
            differing += 1
        if len(s.get("date_of_birth", "0000-00-00")) < 10:
            partial += 1
    assert differing > 100 and partial > 10


def test_date_of_birth_noise_never_makes_an_impossible_date() -> None:
    """A year typo on 29 February must not give 29 February of a common year."""
    from dataclasses import replace

    from joinedup.demo import noise
    from joinedup.demo.profiles import PROFILES

    profile = replace(next(iter(PROFILES.values())), dob_missing=0.0, dob_partial=0.0,
                      dob_swap=0.0, dob_typo=1.0)  # fmt: skip
    leap_day = date(2016, 2, 29).toordinal()
    rng = random.Random(5)
    for _ in range(400):
        text = noise._dob(rng, profile, leap_day)
        assert text is not None
        date.fromisoformat(text)
