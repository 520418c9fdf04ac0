"""`joinedup db` and the start-up guard of `joinedup serve`, as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOINEDUP_DATABASE_URL": url}
    return subprocess.run([JOINEDUP, *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip


def test_serve_refuses_an_unmigrated_database_then_upgrade_and_check_pass(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    refused = run(url, "serve", "--port", "1")
    assert refused.returncode == 2
    assert "run `joinedup db upgrade` first" in refused.stderr
    assert run(url, "db", "upgrade").returncode == 0
    checked = run(url, "db", "check")
    assert checked.returncode == 0, checked.stderr
    assert "Models and migrations agree." in checked.stdout


def test_serve_refuses_a_bad_rules_file_naming_its_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ready.sqlite3'}"
    assert run(url, "db", "upgrade").returncode == 0
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  start-again:\n    count: -1\n", encoding="utf-8")
    env = {**os.environ, "JOINEDUP_DATABASE_URL": url, "JOINEDUP_RULES_PATH": str(rules)}
    refused = subprocess.run([JOINEDUP, "serve", "--port", "1"], env=env, capture_output=True,
                             text=True, timeout=120, check=False)  # fmt: skip
    assert refused.returncode == 2
    assert f"{rules}:3: rules.start-again.count: Input should be greater than" in refused.stderr
