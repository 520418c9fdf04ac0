"""`joinedup link FILE.csv --out CLUSTERS.csv`: a real process on generated children."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from joinedup.people.linkage.csvfile import HEADER
from tests.factories.linkage import LinkSet, child_mentions, pairwise

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [JOINEDUP, "link", *map(str, args)],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> LinkSet:
    return child_mentions(400, 11, tmp_path_factory.mktemp("authority"))


def clusters(path: Path) -> dict[str, str]:
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == ["record_id", "person_id"]
        rows = list(reader)
    found = dict((r[0], r[1]) for r in rows)
    assert len(found) == len(rows), "a record appears twice"
    return found


def test_links_a_generated_authority_and_keeps_twins_apart(
    tmp_path: Path, authority: LinkSet
) -> None:
    file = authority.write(tmp_path / "children.csv")
    out = tmp_path / "clusters.csv"
    model = tmp_path / "model.json"
    done = run(file, "--out", out, "--save-model", model)
    assert done.returncode == 0, done.stderr
    found = clusters(out)
    assert set(found) == set(authority.truth)
    precision, recall = pairwise(authority.truth, found)
    assert precision >= 0.99
    assert recall >= 0.95
    assert authority.twins, "the generated authority has twins"
    person_records: dict[str, set[str]] = {}
    for record_id, person in authority.truth.items():
        person_records.setdefault(person, set()).add(found[record_id])
    for a, b in authority.twins:
        if a in person_records and b in person_records:
            assert not person_records[a] & person_records[b], f"twins {a} and {b} merged"
    # Scoring with the saved model reproduces the clusters exactly.
    again = tmp_path / "again.csv"
    done = run(file, "--out", again, "--model", model)
    assert done.returncode == 0, done.stderr
    assert clusters(again) == found


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "r1,Ann,Lee,,15-01-02,F,,,,,,health",
            "date_of_birth: expected YYYY-MM-DD, YYYY-MM or YYYY",
        ),
        ("r1,Ann,Lee,,2015-02-30,F,,,,,,health", "date_of_birth: '2015-02-30' is not a date"),
        ("r1,Ann,Lee,,2015-01-02,X,,,,,,health", "sex: expected F, M, U or I"),
        ("r1,Ann,Lee,,2015-01-02,F,12345,,,,,health", "nhs_number: expected 10 digits"),
        ("r1,Ann,Lee,,2015-01-02,F,,,,,health", "expected 12 values, found 11"),
        (",Ann,Lee,,2015-01-02,F,,,,,,health", "record_id: required"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_written(
    tmp_path: Path, line: str, message: str
) -> None:
    file = tmp_path / "in.csv"
    file.write_text(",".join(HEADER) + "\nr0,Bo,Lee,,2014,M,,,,,,police\n" + line + "\n")
    out = tmp_path / "clusters.csv"
    done = run(file, "--out", out)
    assert done.returncode == 2
    assert f"{file}:3: {message}" in done.stderr
    assert not out.exists()


def test_a_duplicate_record_id_names_both_lines(tmp_path: Path) -> None:
    file = tmp_path / "in.csv"
    file.write_text(
        ",".join(HEADER) + "\nr1,Bo,Lee,,2014,M,,,,,,police\nr1,Bo,Lee,,,M,,,,,,police\n"
    )
    done = run(file, "--out", tmp_path / "out.csv")
    assert done.returncode == 2
    assert f"{file}:3: record_id: 'r1' already on line 2" in done.stderr


def test_a_wrong_header_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "in.csv"
    file.write_text("id,name\n1,Bo\n")
    done = run(file, "--out", tmp_path / "out.csv")
    assert done.returncode == 2
    assert f"{file}:1: the header must be exactly" in done.stderr


def test_an_unreadable_model_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "in.csv"
    file.write_text(",".join(HEADER) + "\nr1,Bo,Lee,,2014,M,,,,,,police\n")
    model = tmp_path / "model.json"
    model.write_text('{"format": "something else"}')
    done = run(file, "--out", tmp_path / "out.csv", "--model", model)
    assert done.returncode == 2
    assert "not a Joined Up linkage model" in done.stderr
