"""`joinedup returns validate` as a real process, with the real validators: exit 0 on the valid
hand-made returns, 1 when a return breaks a rule, 2 naming the file when an input cannot be
used, 3 when the validators are missing; never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "returns"
JOINEDUP = str(Path(sys.executable).with_name("joinedup"))
RETURNS = ["--cin", str(FIXTURES / "cin_2026_valid.xml"),
           "--ssda903", str(FIXTURES / "ssda903_2026"),
           "--patch-postcodes", str(FIXTURES / "ssda903_postcodes.csv")]  # fmt: skip


def validate(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "JOINEDUP_AUTHORITY_CODE": "990", "COLUMNS": "200", **(env or {})}
    return subprocess.run([JOINEDUP, "returns", "validate", *args], capture_output=True,
                          text=True, timeout=300, check=False, env=environment)  # fmt: skip


def test_valid_returns_pass_with_exit_0_and_queries_listed() -> None:
    done = validate("--year", "2026", *RETURNS,
                    "--ssda903-previous", str(FIXTURES / "ssda903_2025"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Queries (1)" in done.stdout and "CIN census 2887Q" in done.stdout
    assert "Errors" not in done.stdout
    assert "SSDA903 231: KeyError: 'UASC_STATUS' - crashed upstream" in done.stdout
    assert "0 errors, 1 queries: the return passes the DfE rules" in done.stdout


def test_a_broken_return_exits_1_and_the_json_names_rule_child_and_field(tmp_path: Path) -> None:
    ssda903 = shutil.copytree(FIXTURES / "ssda903_2026", tmp_path / "903")
    episodes = ssda903 / "episodes.csv"
    episodes.write_text(episodes.read_text().replace(",U6,PR1,", ",XX,PR1,"))
    done = validate("--year", "2026", "--ssda903", str(ssda903), "--json", "--patch-postcodes",
                    str(FIXTURES / "ssda903_postcodes.csv"))  # fmt: skip
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["errors"] == 1
    [failure] = report["failures"]
    keys = ("return_name", "rule", "level", "child", "table", "fields")
    assert {k: failure[k] for k in keys} == {
        "return_name": "ssda903", "rule": "146", "level": "error", "child": "LAC1",
        "table": "Episodes", "fields": ["PLACE"]}  # fmt: skip


def test_a_missing_file_exits_2_naming_it(tmp_path: Path) -> None:
    done = validate("--year", "2026", "--cin", str(tmp_path / "census.xml"))
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: {tmp_path / 'census.xml'}: no such file"


def test_a_file_that_is_not_xml_exits_2_naming_it(tmp_path: Path) -> None:
    census = tmp_path / "census.xml"
    census.write_text("not, xml\n", encoding="utf-8")
    done = validate("--year", "2026", "--cin", str(census))
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {census}: not well-formed XML")
    assert "Traceback" not in done.stderr + done.stdout


def test_a_year_without_rules_exits_2() -> None:
    done = validate("--year", "2019", *RETURNS)
    assert done.returncode == 2
    assert "--year 2019: the validators have rules for the collection years ending" in done.stderr


def test_missing_validators_exit_3_and_say_make_setup(tmp_path: Path) -> None:
    done = validate("--year", "2026", *RETURNS,
                    env={"JOINEDUP_VALIDATORS_PYTHON": str(tmp_path / "python")})  # fmt: skip
    assert done.returncode == 3
    assert "run `make setup`" in done.stderr
    assert "Traceback" not in done.stderr


def test_earlier_years_reach_the_runner_and_a_missing_one_exits_2(tmp_path: Path) -> None:
    previous = ["--ssda903-previous", str(FIXTURES / "ssda903_2025")]
    without = validate("--year", "2026", *RETURNS, *previous)
    assert "note: no earlier years' files (--ssda903-earlier)" in without.stdout
    done = validate("--year", "2026", *RETURNS, *previous,
                    "--ssda903-earlier", str(FIXTURES / "ssda903_2025"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "--ssda903-earlier" not in done.stdout
    missing = tmp_path / "903-2023"
    gone = validate("--year", "2026", *RETURNS, *previous, "--ssda903-earlier", str(missing))
    assert gone.returncode == 2
    assert gone.stderr.strip() == f"error: {missing}: no such directory"
