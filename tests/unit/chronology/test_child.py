"""The child page's facts: identity as recorded, status from statutory records, visibility."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from joinedup.access.roles import Actor, Role
from joinedup.chronology import classify
from joinedup.chronology import service as chronology
from tests.unit.people.support import Store, adult, child, nhs, people, rec

__all__ = ["people"]  # the fixture

WORKER = Actor(role=Role.SOCIAL_WORKER, label="sw.one", user_id=101)
CSC = {"agency": "childrens_social_care", "organisation": "Testshire Council"}
SCHOOL = {"agency": "education", "organisation": "Sample Primary School"}
HEALTH = {"agency": "health", "organisation": "Testshire NHS Trust"}
NHS = nhs(5100)


def on(day: str) -> dict[str, Any]:
    return {"occurred_at": f"{day}T10:00:00+00:00", "date_precision": "minute"}


def girl(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "given_names": "Amelia",
        "family_name": "Sampleton",
        "date_of_birth": "2018-03-03",
        "sex": "F",
        "nhs_number": NHS,
    }
    return child(**{**base, **fields})


def step(kind: str, day: str, **attributes: Any) -> dict[str, Any]:
    return rec(girl(), type=kind, source=CSC, attributes=attributes, **on(day))


def test_identity_is_shown_as_recorded_with_aliases_and_addresses_over_time(
    people: Store,
) -> None:
    people.submit(rec(girl(), **on("2023-01-01")))
    people.submit(rec(girl(given_names="Millie", other_names=["Amelia Oldname"],
                           address={"lines": ["2 New Street"], "postcode": "ZZ2 2ZZ"}),
                      source=SCHOOL, **on("2024-06-01")))  # fmt: skip
    person = people.person(_record(people, 0))
    found = chronology.get_child(
        session=people.session, actor=WORKER, person_id=person, now=people.clock.now()
    )
    assert [n.value for n in found.names] == ["Amelia Sampleton", "Millie Sampleton"]
    assert [n.value for n in found.other_names] == ["Amelia Oldname"]
    assert [d.value for d in found.dates_of_birth] == ["2018-03-03"]
    assert [n.value for n in found.nhs_numbers] == [NHS]
    assert [(a.postcode, a.lines) for a in found.addresses] == [
        ("ZZ1 1ZZ", "1 Sample Road, Testtown"), ("ZZ2 2ZZ", "2 New Street")]  # fmt: skip


def test_status_follows_the_statutory_records_in_time_order(people: Store) -> None:
    people.submit(step("referral", "2024-01-02", referral_source="1B"))
    people.submit(step("cp_plan_start", "2024-03-01", category_of_abuse="NEG"))
    person = people.person(_record(people, 0))
    now = people.clock.now()
    status = chronology.get_child(session=people.session, actor=WORKER, person_id=person,
                                  now=now).status  # fmt: skip
    assert status.cp_plan_since is not None and status.cp_category == "NEG"
    assert status.open_case_since is not None and status.looked_after_since is None
    people.submit(step("cp_plan_end", "2024-09-01", outcome="plan_ended"))
    people.submit(step("cla_start", "2024-10-01", legal_status="C2"))
    status = chronology.get_child(session=people.session, actor=WORKER, person_id=person,
                                  now=now).status  # fmt: skip
    assert status.cp_plan_since is None and status.legal_status == "C2"
    people.submit(step("case_closed", "2025-01-01", reason="RC1"))
    status = chronology.get_child(session=people.session, actor=WORKER, person_id=person,
                                  now=now).status  # fmt: skip
    assert status.open_case_since is None and status.looked_after_since is None
    assert status.last_step == "case_closed"


def test_visibility_last_seen_seen_alone_voice_and_recent_agencies(people: Store) -> None:
    now = people.clock.now()
    recent = (now - timedelta(days=30)).date().isoformat()
    people.submit(rec(girl(), type="injury", source=HEALTH,
                      attributes={"body_site": "arm"}, **on("2026-01-05")))  # fmt: skip
    alone = {"child_seen": True, "seen_alone": True}
    people.submit(rec(girl(), type="note", source=CSC, attributes=alone, **on("2026-02-01")))
    people.submit(rec(girl(), type="disclosure", source=SCHOOL,
                      attributes={"category": "emotional"}, **on("2026-03-01")))  # fmt: skip
    people.submit(rec(girl(), type="was_not_brought", source=HEALTH,
                      attributes={"service": "dental"}, **on(recent)))  # fmt: skip
    person = people.person(_record(people, 0))
    seen = chronology.get_child(session=people.session, actor=WORKER, person_id=person,
                                now=now).visibility  # fmt: skip
    assert seen.last_seen is not None and seen.last_seen.type == "disclosure"
    assert seen.last_seen_alone is not None and seen.last_seen_alone.type == "note"
    assert seen.last_voice is not None and seen.last_voice.type == "disclosure"
    assert seen.agencies_90_days == ["health"]
    assert dict(seen.counts_by_type) == {"injury": 1, "note": 1, "disclosure": 1,
                                         "was_not_brought": 1}  # fmt: skip


def test_the_household_and_relationships_are_named(people: Store) -> None:
    people.submit(rec(girl(), adult(), **on("2024-01-01")))
    person = people.person(_record(people, 0))
    found = chronology.get_child(session=people.session, actor=WORKER, person_id=person,
                                 now=people.clock.now())  # fmt: skip
    (mother,) = found.relatives
    assert (mother.name, mother.relationships, mother.lives_with) == (
        "Mara Testperson", ("mother",), True)  # fmt: skip


def test_classification_rules() -> None:
    assert classify.severity("injury", {"child_mobile": "no"}) == "high"
    assert classify.severity("injury", {"explanation_consistent": "yes"}) == "medium"
    assert classify.severity("school_absence", {"persistent": False}) == "low"
    assert classify.seen("concern", "education", {})
    assert not classify.seen("concern", "police", {})
    assert not classify.seen("was_not_brought", "health", {"child_seen": "yes"})
    assert not classify.seen("injury", "health", {"child_seen": False})
    assert not classify.seen_alone({"seen_alone": "true"})  # only a real boolean says so


def _record(people: Store, index: int) -> str:
    from sqlalchemy import select

    from joinedup.intake.models import SourceRecord

    ids = people.session.scalars(select(SourceRecord.record_id).order_by(SourceRecord.id)).all()
    return ids[index]
