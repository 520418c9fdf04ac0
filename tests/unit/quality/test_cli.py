"""`joinedup quality draw` and `redraw` on a committed store."""

from __future__ import annotations

import re

from sqlalchemy import Engine, update
from typer.testing import CliRunner

from joinedup.casework.models import Case
from joinedup.cli.main import app
from joinedup.db.session import unit_of_work
from tests.unit.quality.support import case


def invoke(database_url: str, *args: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(app, list(args), env={"JOINEDUP_DATABASE_URL": database_url})
    return done.exit_code, done.stdout, done.stderr


def test_a_round_is_drawn_and_draws_again_until_the_cases_change(
    database_url: str, clean_engine: Engine
) -> None:
    with unit_of_work(clean_engine) as session:
        for stage in ("looked_after", "child_in_need", "child_in_need", "assessment"):
            for _ in range(5):
                case(session, stage)
    code, out, _ = invoke(
        database_url, "quality", "draw", "--title", "CLI round", "--size", "8", "--seed", "99"
    )
    assert code == 0, out
    assert re.match(r"Round (\d+) drawn with seed 99: 8 of 20 cases\.", out)
    assert "  child_in_need: 4 of 10" in out and "  looked_after: 2 of 5" in out
    round_id = re.match(r"Round (\d+)", out).group(1)  # type: ignore[union-attr]
    code, out, _ = invoke(database_url, "quality", "redraw", round_id)
    assert (code, out.strip()) == (0, f"Round {round_id}: the same 8 cases from seed 99.")
    with unit_of_work(clean_engine) as session:  # every looked-after case closed long ago
        session.execute(
            update(Case)
            .where(Case.stage == "looked_after")
            .values(stage="closed", closed_on=Case.referral_on)
        )
    code, out, _ = invoke(database_url, "quality", "redraw", round_id)
    assert code == 1 and "the cases have changed since the draw" in out


def test_bad_options_and_a_missing_round_exit_2(database_url: str, clean_engine: Engine) -> None:
    code, _, err = invoke(database_url, "quality", "draw", "--title", "x", "--method", "any")
    assert code == 2 and "--method" in err
    code, _, err = invoke(database_url, "quality", "redraw", "12345")
    assert code == 2 and "does not exist" in err
