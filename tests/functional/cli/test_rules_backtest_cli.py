"""`joinedup rules backtest` as a real process over a store that `joinedup ingest` filled: the
prompts per 1,000 children a year by rule, the seeded trajectory found before its crisis, and
the chart; nothing written to the prompts."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, func, select

from joinedup.rules.backtest import SPAN_FROM, SPAN_TO
from joinedup.rules.models import Prompt
from tests.factories.records import jsonl
from tests.unit.people.support import adult, child, nhs, rec

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))
POLICE = {"agency": "police", "organisation": "Testshire Police"}
HOSPITAL = {"agency": "health", "organisation": "Testshire NHS Trust"}
SCHOOL = {"agency": "education", "organisation": "Sample Primary School"}
# The period: the first record a rule reads (1 January 2025) to the last (1 September 2025),
# widened as the backtest widens the middle 95 % of those days (`Backtest.years`). The note of
# 1 January 2024, a type no rule reads, is in the store but not in the period.
YEARS = (date(2025, 9, 1) - date(2025, 1, 1)).days / 365.25 / (SPAN_TO - SPAN_FROM)


def run(database_url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOINEDUP_DATABASE_URL": database_url}
    return subprocess.run([JOINEDUP, *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False, cwd=cwd)  # fmt: skip


def records() -> list[dict[str, Any]]:
    boy = child(nhs_number=nhs(9100), given_names="Oliver", family_name="Samplewood")
    girl = child(ref="c2", nhs_number=nhs(9200), given_names="Ada", family_name="Quiet",
                 date_of_birth="2015-02-02", sex="F")  # fmt: skip
    found = [rec(boy, adult(), type="domestic_abuse_incident", source=POLICE,
                 record_id=f"pol:{n}", attributes={"children_present": False},
                 occurred_at=f"2025-0{n}-01T22:00:00+00:00") for n in (1, 4)]  # fmt: skip
    # the school's concern: the police incidents' other half
    found.append(rec(boy, source=SCHOOL, record_id="sch:1", attributes={"category": "emotional"},
                     occurred_at="2025-01-15T10:00:00+00:00"))  # fmt: skip
    found.append(rec(boy, type="injury", source=HOSPITAL, record_id="ed:1",
                     attributes={"explanation_consistent": "yes"},
                     occurred_at="2025-09-01T10:00:00+00:00"))  # fmt: skip
    found.append(rec(girl, type="note", source=HOSPITAL, record_id="nte:1", attributes={},
                     occurred_at="2024-01-01T10:00:00+00:00"))  # fmt: skip
    return found


def truth() -> bytes:
    """A generator's truth file, as `joinedup demo build` writes it (one item a line)."""
    mentions = [{"record_id": "pol:1", "organisation": "Testshire Police", "ref": "c1",
                 "person_id": "P1"},
                {"record_id": "nte:1", "organisation": "Testshire NHS Trust", "ref": "c2",
                 "person_id": "P2"}]  # fmt: skip
    story = {"child_person_id": "P1", "household_id": "H1", "kind": "domestic_abuse",
             "signals": ["pol:1", "pol:4"], "crisis": "ed:1",
             "crisis_date": "2025-09-01"}  # fmt: skip
    control = {"child_person_id": "P2", "household_id": "H2", "kind": "neglect",
               "signals": ["nte:1"]}  # fmt: skip
    lines = [b'{"generator":{"version":"1.0","children":40},', b'"people":[', b"],",
             b'"mentions":[',
             b",\n".join(orjson.dumps(m) for m in mentions), b"],", b'"households":[', b"],",
             b'"trajectories":' + orjson.dumps([story]) + b",",
             b'"controls":' + orjson.dumps([control]) + b",", b'"counts_by_year":{}}']  # fmt: skip
    return b"\n".join(lines) + b"\n"


def test_the_backtest_reports_rates_recall_lead_time_and_a_chart(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    (tmp_path / "records.jsonl").write_bytes(jsonl(records()))
    (tmp_path / "truth.json").write_bytes(truth())
    ingested = run(database_url, "ingest", "records.jsonl", cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    with clean_engine.connect() as connection:
        live = connection.scalar(select(func.count()).select_from(Prompt))
    assert live == 1  # live intake opened the domestic abuse prompt
    done = run(database_url, "rules", "backtest", "--truth", "truth.json", "--chart", "c.svg",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())
    assert (
        "2 children in the store, 5 records; the rules read records over 0.7 years (the "
        "middle 95 %: 1 January 2025 to 1 September 2025, widened)"
    ) in out
    # per 1,000 of the authority's 40 children (the truth file's), not of the store's 2
    assert "rates per 1,000 of the 40 children living in the area a year" in out
    assert f"domestic-abuse-repeat │ 1 │ {1000 / 40 / YEARS:.2f} │" in out
    assert f"children with a prompt │ 1 │ {1000 / 40 / YEARS:.2f} │" in out
    # no case is open here, so the prompt was the front door's
    assert f"to the front door │ 1 │ {1000 / 40 / YEARS:.2f} │" in out
    assert "to an open case's worker │ 0 │ 0.00 │" in out
    assert "no --population given" not in done.stderr
    assert "found before the crisis │ 1 (100.0%)" in out
    assert "median lead time, first prompt to crisis │ 153 days" in out  # 1 April to 1 September
    assert "controls (signals, no crisis) with a prompt │ 0 of 1" in out
    chart = ET.fromstring((tmp_path / "c.svg").read_text(encoding="utf-8"))  # noqa: S314
    assert chart.tag.endswith("svg") and "domestic-abuse-repeat" in ET.tostring(chart, "unicode")
    lines = [" ".join(t.text.split()) for t in chart.iter() if t.tag.endswith("text") and t.text]
    # the chart says whose each figure is: the period the rules' (the note a year earlier, a
    # type no rule reads, is outside it), the count of records the store's
    assert (
        "The rules read records over 0.7 years (the middle 95 %: 1 January 2025 to 1 September "
        "2025, widened); 5 records in the store."
    ) in lines
    front_door = lines.index("to the front door")
    assert lines[front_door + 1] == f"{1000 / 40 / YEARS:.2f}"  # its bar's figure: the one prompt
    with clean_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Prompt)) == live  # a dry run


def test_a_bad_rules_file_or_a_missing_truth_file_stops_it(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    (tmp_path / "rules.yaml").write_text("rules:\n  no-such-rule: {}\n", encoding="utf-8")
    bad = run(database_url, "rules", "backtest", "--rules", "rules.yaml", cwd=tmp_path)
    assert bad.returncode == 2 and "no such rule" in bad.stderr
    missing = run(database_url, "rules", "backtest", "--truth", "nope.json", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.json" in missing.stderr


def test_a_file_that_is_not_a_truth_file_is_refused_naming_it(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    (tmp_path / "other.json").write_text('{"records": []}\n', encoding="utf-8")
    other = run(database_url, "rules", "backtest", "--truth", "other.json", cwd=tmp_path)
    assert other.returncode == 2 and "other.json: not a truth file" in other.stderr
    (tmp_path / "broken.json").write_text('{\n"trajectories": [oops,\n', encoding="utf-8")
    broken = run(database_url, "rules", "backtest", "--truth", "broken.json", cwd=tmp_path)
    assert broken.returncode == 2 and "broken.json:2:" in broken.stderr


def test_rates_are_per_1000_of_the_population_given_and_marked_without_one(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    (tmp_path / "records.jsonl").write_bytes(jsonl(records()))
    (tmp_path / "truth.json").write_bytes(truth())
    assert run(database_url, "ingest", "records.jsonl", cwd=tmp_path).returncode == 0
    given = run(database_url, "rules", "backtest", "--truth", "truth.json", "--population",
                "500", cwd=tmp_path)  # fmt: skip
    assert given.returncode == 0, given.stderr
    out = " ".join(given.stdout.split())
    assert "rates per 1,000 of the 500 children living in the area a year" in out  # not 40
    bare = run(database_url, "rules", "backtest", cwd=tmp_path)
    assert bare.returncode == 0, bare.stderr
    out = " ".join(bare.stdout.split())
    assert "rates per 1,000 of the 2 children in the store a year" in out
    assert f"domestic-abuse-repeat │ 1 │ {1000 / 2 / YEARS:.2f} │" in out
    assert "note: no --population given" in " ".join(bare.stderr.split())
    nought = run(database_url, "rules", "backtest", "--population", "0", cwd=tmp_path)
    assert nought.returncode == 2 and "--population" in nought.stderr


def test_a_truth_file_whose_generator_line_is_broken_is_refused_naming_it(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    (tmp_path / "t.json").write_bytes(truth().replace(b'"children":40', b'"children":"many"'))
    done = run(database_url, "rules", "backtest", "--truth", "t.json", cwd=tmp_path)
    assert done.returncode == 2
    assert "t.json:1: generator.children: expected a whole number above 0" in done.stderr
