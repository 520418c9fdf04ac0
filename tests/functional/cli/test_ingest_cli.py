"""`joinedup ingest` as a person runs it: a real process, a real file, a real database."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from sqlalchemy import Engine, func, select

from joinedup.intake.models import RecordVersion, SourceRecord
from tests.factories.records import jsonl, numbered, record

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))


def run(database_url: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOINEDUP_DATABASE_URL": database_url, "COLUMNS": "200"}
    return subprocess.run(
        [JOINEDUP, "ingest", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        sources = connection.scalar(select(func.count()).select_from(SourceRecord)) or 0
        versions = connection.scalar(select(func.count()).select_from(RecordVersion)) or 0
    return sources, versions


def test_good_and_bad_lines(tmp_path: Path, database_url: str, clean_engine: Engine) -> None:
    bad_type = numbered(3, type="burglary")
    file = tmp_path / "feed.jsonl"
    file.write_bytes(jsonl([numbered(1), numbered(2)]) + b"{oops\n" + jsonl([bad_type]))
    done = run(database_url, file)
    assert done.returncode == 1, done.stderr
    assert "accepted 2, unchanged 0, new versions 0, rejected 2" in done.stdout
    assert f"{file}:3: record: malformed JSON" in done.stderr
    assert f"{file}:4: type: 'burglary' is not an event type of joinedup/1" in done.stderr
    rejects = [orjson.loads(x) for x in (tmp_path / "feed.rejects.jsonl").read_bytes().splitlines()]
    assert [r["line"] for r in rejects] == [3, 4]
    assert rejects[0]["raw"] == "{oops"
    assert orjson.loads(rejects[1]["raw"]) == bad_type
    assert counts(clean_engine) == (2, 2)


def test_all_good_exits_zero_and_leaves_no_rejects_file(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    file = tmp_path / "feed.jsonl"
    file.write_bytes(jsonl([numbered(n) for n in range(5)]))
    done = run(database_url, file)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "feed.rejects.jsonl").exists()


def test_the_same_file_twice_stores_nothing_new(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    file = tmp_path / "feed.jsonl"
    file.write_bytes(jsonl([numbered(n) for n in range(10)]))
    run(database_url, file)
    again = run(database_url, file)
    assert again.returncode == 0
    assert "accepted 0, unchanged 10, new versions 0, rejected 0" in again.stdout
    assert counts(clean_engine) == (10, 10)


def test_changed_content_is_a_new_version(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    file = tmp_path / "feed.jsonl"
    file.write_bytes(jsonl([record()]))
    run(database_url, file)
    file.write_bytes(jsonl([record(summary="Amended by the officer.")]))
    done = run(database_url, file)
    assert "accepted 0, unchanged 0, new versions 1, rejected 0" in done.stdout
    assert counts(clean_engine) == (1, 2)


def test_a_20_mb_line_is_rejected_whole_and_the_rest_kept(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    huge = orjson.dumps(numbered(2, summary="x" * (20 << 20)))
    file = tmp_path / "feed.jsonl"
    file.write_bytes(jsonl([numbered(1)]) + huge + b"\n" + jsonl([numbered(3)]))
    done = run(database_url, file)
    assert done.returncode == 1
    assert (
        f"{file}:2: record: line is {len(huge) + 1:,} bytes; the limit is 1,048,576" in done.stderr
    )
    reject = orjson.loads((tmp_path / "feed.rejects.jsonl").read_bytes())
    assert len(reject["raw"].encode()) == len(huge)  # nothing lost
    assert counts(clean_engine) == (2, 2)


def test_non_utf8_bytes_are_rejected_and_kept_exactly(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    raw = orjson.dumps(numbered(1)).replace(b"Testa", b"T\xe9sta")
    file = tmp_path / "feed.jsonl"
    file.write_bytes(raw + b"\n")
    done = run(database_url, file)
    assert done.returncode == 1
    assert f"{file}:1: record: not valid UTF-8 (byte 0xe9" in done.stderr
    reject = orjson.loads((tmp_path / "feed.rejects.jsonl").read_bytes())
    assert base64.b64decode(reject["raw_base64"]) == raw


def test_unreadable_input_exits_two(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    done = run(database_url, empty)
    assert done.returncode == 2
    assert "holds no records (the file is empty)" in done.stderr
    missing = run(database_url, tmp_path / "missing.jsonl")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert run(database_url, tmp_path).returncode == 2


def test_killed_half_way_then_run_again_ends_with_one_copy_of_each(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    total = 6000  # large enough that a loaded machine's poll still catches the run mid-way
    file = tmp_path / "feed.jsonl"
    file.write_bytes(jsonl([numbered(n) for n in range(total)]))
    env = {**os.environ, "JOINEDUP_DATABASE_URL": database_url, "JOINEDUP_INTAKE_BATCH_SIZE": "25"}
    process = subprocess.Popen(
        [JOINEDUP, "ingest", str(file)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while counts(clean_engine)[0] < 25 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    stored_when_killed = counts(clean_engine)[0]
    if stored_when_killed >= total:
        pytest.fail("the run finished before it could be killed: make the file larger")
    assert stored_when_killed % 25 == 0, "a batch was half-written"
    again = run(database_url, file)
    assert again.returncode == 0
    assert f"unchanged {stored_when_killed}," in again.stdout
    assert counts(clean_engine) == (total, total)


def test_warnings_are_counted_and_only_the_first_are_printed(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    values = []
    for n in range(25):
        value = numbered(n)
        value["subjects"][0]["nhs_number"] = "9990000019"
        values.append(value)
    file = tmp_path / "feed.jsonl"
    file.write_bytes(jsonl(values))
    done = run(database_url, file)
    assert done.returncode == 0
    assert done.stderr.count("warning: subjects.0.nhs_number") == 20
    assert "25 records were stored with warnings (5 not shown)" in done.stderr
