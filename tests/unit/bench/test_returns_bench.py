"""bench/returns.py's copier: a tiny store with one child's case, built through the real
services, copied three times, holds three children whose census the real export returns; so a
change of schema cannot silently break the bench."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor, Role
from joinedup.casework.models import Case, CaseStep
from joinedup.config import Settings
from joinedup.reports.cin import export_cin
from joinedup.testing import FrozenClock
from joinedup.testing.database import fresh_database
from tests.unit.casework.support import Desk
from tests.unit.people.support import Store, child, nhs, rec

sys.path.insert(0, str(Path(__file__).parents[3] / "bench"))

import returns as bench


def test_copies_keep_every_child_and_case_apart(tmp_path: Path) -> None:
    source = tmp_path / "one.sqlite3"
    engine = fresh_database(f"sqlite:///{source}")
    clock = FrozenClock()
    settings = Settings(database_url=f"sqlite:///{source}", environment="test")
    feed = Actor(role=Role.PARTNER_SYSTEM, label="police-feed")
    with Session(engine) as session:
        store = Store(session, feed, clock, settings)
        store.submit(rec(child(nhs_number=nhs(4200)), record_id="school:1",
                         occurred_at="2026-11-02T10:00:00+00:00"))  # fmt: skip
        Desk(session, clock, store.person("school:1")).referred()
        session.commit()
    engine.dispose()

    sizes = bench.build(source, tmp_path / "three.sqlite3", copies=3)

    copied = fresh_database(f"sqlite:///{tmp_path / 'three.sqlite3'}")  # at head: no-op upgrade
    with Session(copied) as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 3
        assert session.scalar(select(func.count(func.distinct(Case.person_id)))) == 3
        steps = session.scalar(select(func.count()).select_from(CaseStep))
        census = export_cin(session=session, actor=Actor.system("test"), year=2027,
                            now=clock.now(), authority_code="999")  # fmt: skip
    assert sizes["cases"] == 3 and sizes["case_steps"] == steps and sizes["children"] == 3
    assert census.children == 3 and census.episodes == 3
    copied.dispose()
