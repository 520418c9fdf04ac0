"""`joinedup demo build`: a step the casework services refuse is told as it happens, and the build
fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
from sqlalchemy import Engine

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))


def run(url: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOINEDUP_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run(
        [JOINEDUP, *map(str, args)], env=env, capture_output=True, text=True, timeout=600,
        check=False,
    )  # fmt: skip


def test_a_refused_step_is_named_when_it_happens_and_fails_the_build(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    del clean_engine  # the database migrated and empty
    out, settings = tmp_path / "demo", ("--children", "150", "--years", "3", "--seed", "11")
    made = run(database_url, "demo", "generate", *settings, "--out", out)
    assert made.returncode == 0, made.stderr
    plan = out / "casework.jsonl"
    lines = [orjson.loads(raw) for raw in plan.read_bytes().splitlines()]
    at = next(i for i, line in enumerate(lines) if line["action"] == "contact")
    bad = lines[at]["id"]
    lines[at]["fields"]["referral_source"] = "ZZ"  # not a CIN census code
    plan.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))

    built = run(database_url, "demo", "build", *settings, "--out", out)

    assert built.returncode == 1, built.stderr
    told = f"refused at plan line {bad}: contact: ValidationFailed (referral_source)"
    assert told in built.stderr
    assert "refused: contact: ValidationFailed (referral_source) (1 steps)" in built.stderr
    # Told before the replay's summary, that is, while it ran.
    assert built.stderr.index(told) < built.stderr.index("refused: contact")
