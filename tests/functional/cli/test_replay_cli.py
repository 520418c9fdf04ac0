"""`joinedup replay` as a real process: a family's time line, shuffled, gives the same prompts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson

from tests.factories.records import jsonl
from tests.unit.people.support import adult, child, nhs, rec

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))
POLICE = {"agency": "police", "organisation": "Testshire Police"}
SCHOOL = {"agency": "education", "organisation": "Sample Primary School"}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOINEDUP_DATABASE_URL": f"sqlite:///{cwd / 'unused.sqlite3'}"}
    return subprocess.run([JOINEDUP, *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False, cwd=cwd)  # fmt: skip


def time_line() -> list[dict[str, Any]]:
    boy = child(nhs_number=nhs(8100), given_names="Oliver", family_name="Samplewood")
    partner = adult("a2", "parents_partner", given_names="Mark", family_name="Newman",
                    date_of_birth="1985-06-06", sex="M")  # fmt: skip
    return [
        rec(
            boy,
            adult(),
            partner,
            type="domestic_abuse_incident",
            source=POLICE,
            record_id="pol:1",
            attributes={"children_present": True},
            occurred_at="2025-02-01T22:00:00+00:00",
        ),
        rec(
            boy,
            source=SCHOOL,
            record_id="sch:1",
            attributes={"category": "hunger"},
            occurred_at="2025-03",
            date_precision=None,
        ),
        rec(
            boy,
            adult(),
            type="domestic_abuse_incident",
            source=POLICE,
            record_id="pol:2",
            attributes={"children_present": False},
            occurred_at="2025-06-10T21:00:00+00:00",
        ),
    ]


def test_replay_writes_the_prompts_a_shuffled_time_line_would_have_raised(tmp_path: Path) -> None:
    records = time_line()
    source = tmp_path / "family.jsonl"
    source.write_bytes(jsonl([records[2], records[0], records[1]]))  # not in time order
    out = tmp_path / "prompts.jsonl"
    done = run("replay", str(source), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    prompts = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    # the school's concern, known only to the month, is the police incidents' other half
    assert prompts == [
        {"as_of": "2025-06-10", "rule_id": "domestic-abuse-repeat", "rule_version": "3",
         "person_ref": prompts[0]["person_ref"], "child_names": ["Oliver Samplewood"],
         "urgency": "amber", "evidence": ["pol:1", "sch:1", "pol:2"]},
    ]  # fmt: skip
    assert "3 records replayed; 1 prompts written" in done.stdout


def test_a_rules_file_changes_what_fires(tmp_path: Path) -> None:
    source = tmp_path / "family.jsonl"
    source.write_bytes(jsonl(time_line()))
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  domestic-abuse-repeat: {count: 3}\n", encoding="utf-8")
    out = tmp_path / "prompts.jsonl"
    done = run("replay", str(source), "--rules", str(rules), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == b""


def test_a_bad_line_is_named_and_nothing_is_replayed(tmp_path: Path) -> None:
    records = time_line()
    records[1]["occurred_at"] = "2025-13"
    source = tmp_path / "family.jsonl"
    source.write_bytes(jsonl(records))
    out = tmp_path / "prompts.jsonl"
    done = run("replay", str(source), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 1
    assert f"{source}:2: occurred_at:" in done.stderr
    assert not out.exists()
