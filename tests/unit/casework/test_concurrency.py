"""Two workers save the same assessment from the same version: exactly one succeeds, the other
is told who saved and what they saved, and nothing either of them saved is lost."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select

from joinedup.access.roles import Actor, Role
from joinedup.casework import service, steps
from joinedup.casework.models import CaseStep
from joinedup.casework.views import StaleVersion
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock
from tests.unit.casework.support import Desk
from tests.unit.people.support import Store, child, nhs, rec

FIRST = Actor(role=Role.SOCIAL_WORKER, label="worker.first", user_id=21)
SECOND = Actor(role=Role.SOCIAL_WORKER, label="worker.second", user_id=22)


def _open_assessment(engine: Engine, settings: Settings, clock: FrozenClock) -> tuple[int, int]:
    feed = Actor(role=Role.PARTNER_SYSTEM, label="feed")
    with unit_of_work(engine) as session:
        store = Store(session, feed, clock, settings)
        store.submit(rec(child(nhs_number=nhs(5300)), record_id="school:race",
                         occurred_at="2026-11-20T10:00:00+00:00"))  # fmt: skip
        case = Desk(session, clock, store.person("school:race")).referred()
    (step,) = [s for s in case.due if s.kind == "assessment"]
    return step.id, step.version


def _race(engine: Engine, clock: FrozenClock, step_id: int, version: int) -> dict[str, Any]:
    drafts = {
        FIRST: {"analysis": "Parents engage well.", "child_views": "Likes school."},
        SECOND: {"analysis": "Home conditions poor.", "factors": ["16A"]},
    }
    start = threading.Barrier(2)
    outcome: dict[str, Any] = {}

    def save(actor: Actor) -> None:
        start.wait()
        try:
            with unit_of_work(engine) as session:
                service.save_assessment(session=session, actor=actor, step_id=step_id,
                                        fields=drafts[actor], expected_version=version,
                                        now=clock.now() + timedelta(minutes=5))  # fmt: skip
            outcome[actor.label] = "saved"
        except StaleVersion as conflict:
            outcome[actor.label] = conflict

    threads = [threading.Thread(target=save, args=(a,)) for a in (FIRST, SECOND)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return {"outcome": outcome, "drafts": drafts}


def test_two_saves_from_one_version_one_wins_and_the_other_sees_the_conflict(
    clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> None:
    step_id, version = _open_assessment(clean_engine, settings, clock)
    raced = _race(clean_engine, clock, step_id, version)
    outcome, drafts = raced["outcome"], raced["drafts"]
    assert sorted(v == "saved" for v in outcome.values()) == [False, True]
    winner = FIRST if outcome[FIRST.label] == "saved" else SECOND
    loser = SECOND if winner is FIRST else FIRST
    conflict = outcome[loser.label]
    assert isinstance(conflict, StaleVersion)
    with unit_of_work(clean_engine) as session:
        step = session.scalars(select(CaseStep).where(CaseStep.id == step_id)).one()
        saved = dict(step.details)
        assert (step.version, step.recorded_by) == (version + 1, winner.label)
    # The winner's draft is whole; the loser is shown it where it differs from theirs.
    assert {k: saved[k] for k in drafts[winner]} == drafts[winner]
    submitted = steps.validate("save_assessment", drafts[loser]).model_dump(mode="json")
    assert conflict.theirs == {k: v for k, v in saved.items() if submitted.get(k) != v}
    assert conflict.theirs  # they did differ
    # The loser's save waited for the winner's row lock, then saw the new version: named.
    assert conflict.saved_by == winner.label


def test_a_save_from_the_version_now_current_succeeds_after_a_conflict(
    clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> None:
    step_id, version = _open_assessment(clean_engine, settings, clock)
    _race(clean_engine, clock, step_id, version)
    with unit_of_work(clean_engine) as session:
        view = service.save_assessment(session=session, actor=FIRST, step_id=step_id,
                                       fields={"analysis": "Both views merged."},
                                       expected_version=version + 1, now=clock.now())  # fmt: skip
    assert view.version == version + 2 and view.details["analysis"] == "Both views merged."
