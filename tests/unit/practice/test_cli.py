"""`joinedup practice escalations --as-of`, as a real process on a committed escalation."""

from __future__ import annotations

from sqlalchemy import Engine, select

from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.practice.models import Escalation
from joinedup.testing import FrozenClock
from tests.functional.cli.test_db_cli import run
from tests.unit.casework.support import Desk
from tests.unit.people.support import Store, child, nhs, rec
from tests.unit.practice.support import closed_contact, raised


def test_the_sweep_moves_overdue_escalations_once(
    database_url: str, clean_engine: Engine, feed_actor: Actor, clock: FrozenClock,
    settings: Settings,
) -> None:  # fmt: skip
    with unit_of_work(clean_engine) as session:
        store = Store(session, feed_actor, clock, settings)
        store.submit(rec(child(nhs_number=nhs(4300)), record_id="school:1",
                         occurred_at="2026-11-02T10:00:00+00:00"))  # fmt: skip
        desk = Desk(session, clock, store.person("school:1"))
        escalation = raised(desk, closed_contact(desk).id).id
    early = run(database_url, "practice", "escalations", "--as-of", "2026-11-25")
    assert early.returncode == 0, early.stderr
    assert "0 stage move(s) as at 25 November 2026." in early.stdout
    late = run(database_url, "practice", "escalations", "--as-of", "2026-11-26")
    assert late.returncode == 0, late.stderr
    assert f"ES-{escalation:06d} → Managers" in late.stdout
    again = run(database_url, "practice", "escalations", "--as-of", "2026-11-26")
    assert "0 stage move(s)" in again.stdout
    with unit_of_work(clean_engine, write=False) as session:
        assert session.scalar(select(Escalation.stage)) == "manager"
    wrong = run(database_url, "practice", "escalations", "--as-of", "26/11/2026")
    assert wrong.returncode != 0 and "YYYY-MM-DD" in wrong.stderr
