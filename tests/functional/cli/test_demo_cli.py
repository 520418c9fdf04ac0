"""`joinedup demo build` and `joinedup demo accounts`, as `make demo` runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import orjson
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from joinedup.access.models import User
from joinedup.app import create_app
from joinedup.casework.models import Case
from joinedup.config import Settings
from joinedup.intake.models import Mention, Organisation, SourceRecord
from joinedup.workforce.models import Team
from tests.factories.records import record

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))


def run(url: str, *args: str, demo: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOINEDUP_DATABASE_URL": url, "COLUMNS": "200",
           "JOINEDUP_DEMO_ACCOUNTS": "true" if demo else "false"}  # fmt: skip
    return subprocess.run([JOINEDUP, "demo", *args], env=env, capture_output=True, text=True,
                          timeout=600, check=False)  # fmt: skip


def test_build_ingests_every_generated_record_and_a_rebuild_changes_nothing(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    out = tmp_path / "authority"
    args = ("build", "--children", "150", "--years", "2", "--seed", "11", "--out", str(out))
    first = run(database_url, *args)
    assert first.returncode == 0, first.stderr
    lines = (out / "records.jsonl").read_bytes().count(b"\n")
    assert f"accepted {lines}, unchanged 0, new versions 0, rejected 0" in first.stdout
    steps = (out / "casework.jsonl").read_bytes().count(b"\n")
    assert re.search(rf"Casework replayed: {steps:,} steps, .* refused 0, children not found 0",
                     " ".join(first.stdout.split()))  # fmt: skip
    partners = ~SourceRecord.record_id.like("case:%") & ~SourceRecord.record_id.like("contact:%")
    with clean_engine.connect() as connection:
        count = select(func.count()).select_from(SourceRecord)
        assert connection.scalar(count.where(partners)) == lines
        made = connection.scalar(count.where(~partners))
        assert connection.scalar(select(func.count()).select_from(Case)) > 0
        assert connection.scalar(select(func.count()).select_from(Team)) == 3
    assert "Workforce: 3 teams and 15 posts added (4 vacant, 3 agency)." in first.stdout
    placed = re.search(r"Partner: dsl.school works for organisation (\S+)\.", first.stdout)
    assert placed and "Partner: pc.police works for organisation" in first.stdout
    with clean_engine.connect() as connection:  # the school with pupils in the store
        pupils = select(func.count()).select_from(Mention).where(
            Mention.school_urn == placed.group(1))  # fmt: skip
        assert connection.scalar(pupils) > 0
        dsl = select(Organisation.code).join(User, User.organisation_id == Organisation.id)
        assert connection.scalar(dsl.where(User.username == "dsl.school")) == placed.group(1)
    again = run(database_url, *args)
    assert "Using the authority already generated" in again.stdout
    assert f"accepted 0, unchanged {lines}, new versions 0, rejected 0" in again.stdout
    assert "The casework history is in the database already" in again.stdout
    assert "Workforce: 0 teams and 0 posts added" in again.stdout
    assert "Partner:" not in again.stdout  # already placed: left where they are
    with clean_engine.connect() as connection:
        assert connection.scalar(count.where(~partners)) == made


def test_accounts_print_sign_ins_and_a_working_feed_token(
    database_url: str, clean_engine: Engine, settings: Settings
) -> None:
    done = run(database_url, "accounts")
    assert done.returncode == 0, done.stderr
    for username in ("mash", "social.worker", "ig.officer", "dsl.school"):
        assert username in done.stdout
    token = re.search(r"(ju_\S+)", done.stdout)
    assert token is not None
    with TestClient(create_app(settings)) as client:
        answer = client.post("/api/v1/records", json=record(),
                             headers={"Authorization": f"Bearer {token.group(1)}"})  # fmt: skip
    assert answer.status_code == 200
    refused = run(database_url, "accounts", demo=False)
    assert refused.returncode == 2 and "only in demo mode" in refused.stderr


def test_files_from_another_version_of_the_generator_are_not_reused(tmp_path: Path) -> None:
    from joinedup.cli.demo import _STAMP, _already_generated, _generator_fingerprint

    (tmp_path / "records.jsonl").write_bytes(b"")
    stamp = {"children": 5, "years": 1, "seed": 2, "generator": _generator_fingerprint()}
    (tmp_path / _STAMP).write_bytes(orjson.dumps(stamp))
    assert _already_generated(tmp_path, 5, 1, 2)
    assert not _already_generated(tmp_path, 5, 1, 3)
    (tmp_path / _STAMP).write_bytes(orjson.dumps({**stamp, "generator": "an older generator"}))
    assert not _already_generated(tmp_path, 5, 1, 2)


def test_a_refused_step_is_named_when_it_happens_and_fails_the_build(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    out, settings = tmp_path / "demo", ("--children", "150", "--years", "3", "--seed", "11")
    made = run(database_url, "generate", *settings, "--out", str(out))
    assert made.returncode == 0, made.stderr
    plan = out / "casework.jsonl"
    lines = [orjson.loads(raw) for raw in plan.read_bytes().splitlines()]
    at = next(i for i, line in enumerate(lines) if line["action"] == "contact")
    bad = lines[at]["id"]
    lines[at]["fields"]["referral_source"] = "ZZ"  # not a CIN census code
    plan.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))

    built = run(database_url, "build", *settings, "--out", str(out))

    assert built.returncode == 1, built.stderr
    told = f"refused at plan line {bad}: contact: ValidationFailed (referral_source)"
    assert told in built.stderr
    # Told before the replay's summary, that is, while it ran; the build then fails.
    assert built.stderr.index(told) < built.stderr.index("refused: contact: ValidationFailed")
    with clean_engine.connect() as connection:  # the workforce is not seeded after a refusal
        assert connection.scalar(select(func.count()).select_from(Team)) == 0
