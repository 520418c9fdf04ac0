"""`joinedup workforce seed-demo` and `joinedup workforce demand`, as real processes."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from joinedup.db.session import unit_of_work
from joinedup.workforce.models import Worker
from tests.functional.cli.test_db_cli import run


def test_seed_demo_is_idempotent_and_demand_says_what_it_lacks(
    database_url: str, clean_engine: Engine
) -> None:
    first = run(database_url, "workforce", "seed-demo")
    assert first.returncode == 0, first.stderr
    assert "Teams 3, posts 15 (4 vacant, 3 agency)." in first.stdout
    again = run(database_url, "workforce", "seed-demo")
    assert "Teams 0, posts 0" in again.stdout
    with unit_of_work(clean_engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Worker)) == 15
    ahead = run(database_url, "workforce", "demand")
    assert ahead.returncode == 0, ahead.stderr
    assert "Contacts: " in ahead.stdout and "back-test" not in ahead.stdout
