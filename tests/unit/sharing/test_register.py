"""The information-sharing register: every disclosure recorded, append-only, read by IG."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.policy import Action
from joinedup.access.roles import Actor, Role
from joinedup.core.errors import NotPermitted, ValidationFailed
from joinedup.sharing import service as sharing
from joinedup.sharing.models import AppendOnly, Disclosure
from joinedup.testing import FrozenClock

WORKER = Actor(role=Role.SOCIAL_WORKER, label="sw.one", user_id=101)
IG = Actor(role=Role.INFORMATION_GOVERNANCE, label="ig.one", user_id=109)


def disclose(session: Session, clock: FrozenClock, **changes: Any) -> int:
    fields: dict[str, Any] = {
        "actor": WORKER,
        "action": Action.CHRONOLOGY_EXPORT,
        "person_ids": [7, 8],
        "what": "chronology_export",
        "entry_count": 12,
        "details": {"format": "csv"},
        "sha256": "ab" * 32,
        "recipient": "  Sample Academy, designated safeguarding lead ",
        "purpose": "Child protection conference on 1 December",
        "lawful_basis": "safeguarding",
    }
    fields.update(changes)
    return sharing.record_disclosure(session=session, now=clock.now(), **fields)


def test_a_disclosure_is_recorded_with_its_audit_entry(
    session: Session, clock: FrozenClock
) -> None:
    made = disclose(session, clock)
    row = session.get(Disclosure, made)
    assert row is not None
    assert (row.by_label, row.by_user_id, row.by_role) == ("sw.one", 101, "social_worker")
    assert (row.person_ids, row.what, row.entry_count) == ([7, 8], "chronology_export", 12)
    assert row.recipient == "Sample Academy, designated safeguarding lead"  # trimmed
    assert (row.lawful_basis, row.sha256, row.disclosed_at) == ("safeguarding", "ab" * 32,
                                                                clock.now())  # fmt: skip
    (entry,) = session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.outcome, entry.resource_ids) == ("chronology:export",
                                                                 "permitted", [7, 8])  # fmt: skip
    assert entry.detail == {"disclosure": made, "what": "chronology_export", "entries": 12,
                            "lawful_basis": "safeguarding", "format": "csv"}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"recipient": " "}, ["recipient"]),
        ({"recipient": "x" * 301}, ["recipient"]),
        ({"purpose": ""}, ["purpose"]),
        ({"purpose": "y" * 2001}, ["purpose"]),
        ({"lawful_basis": "because"}, ["lawful_basis"]),
        ({"recipient": "", "purpose": "", "lawful_basis": ""}, ["recipient", "purpose",
                                                                 "lawful_basis"]),
    ],
)  # fmt: skip
def test_bad_input_names_each_field(
    session: Session, clock: FrozenClock, changes: dict[str, str], fields: list[str]
) -> None:
    with pytest.raises(ValidationFailed) as failed:
        disclose(session, clock, **changes)
    assert [e.field for e in failed.value.errors] == fields
    assert session.scalars(select(Disclosure)).all() == []


def test_a_role_that_may_not_disclose_is_refused(session: Session, clock: FrozenClock) -> None:
    mash = Actor(role=Role.MASH_PRACTITIONER, label="mash.one", user_id=102)
    with pytest.raises(NotPermitted):
        disclose(session, clock, actor=mash)
    assert session.scalars(select(Disclosure)).all() == []


def test_the_register_is_append_only(session: Session, clock: FrozenClock) -> None:
    row = session.get(Disclosure, disclose(session, clock))
    assert row is not None
    row.recipient = "Somebody else"
    with pytest.raises(AppendOnly):
        session.flush()
    session.rollback()
    row = session.get(Disclosure, disclose(session, clock))
    session.delete(row)
    with pytest.raises(AppendOnly):
        session.flush()


def test_information_governance_reads_the_register_newest_first(
    session: Session, clock: FrozenClock
) -> None:
    first = disclose(session, clock, person_ids=[7, 8])
    clock.advance(timedelta(hours=1))
    second = disclose(session, clock, person_ids=[9], lawful_basis="court_order")
    clock.advance(timedelta(hours=1))
    third = disclose(session, clock, person_ids=[70, 8])
    page = sharing.list_disclosures(session=session, actor=IG, limit=10, now=clock.now())
    assert [d.id for d in page.items] == [third, second, first] and page.total == 3
    assert page.items[1].lawful_basis_label.startswith("Court order: UK GDPR Article 6(1)(c)")
    about_8 = sharing.list_disclosures(session=session, actor=IG, limit=10, person_id=8,
                                       now=clock.now())  # fmt: skip
    assert [d.id for d in about_8.items] == [third, first] and about_8.total == 2
    about_7 = sharing.list_disclosures(session=session, actor=IG, limit=1, offset=0, person_id=7,
                                       now=clock.now())  # fmt: skip
    assert [d.id for d in about_7.items] == [first]
    reads = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "sharing:read").order_by(AuditEntry.id)
    ).all()
    assert [r.resource_ids for r in reads] == [[], [8], [7]]


def test_a_practitioner_may_not_read_the_register(session: Session, clock: FrozenClock) -> None:
    with pytest.raises(NotPermitted):
        sharing.list_disclosures(session=session, actor=WORKER, limit=10, now=clock.now())


def test_the_lawful_bases_put_safeguarding_first() -> None:
    codes = [b.code for b in sharing.LAWFUL_BASES]
    assert codes == ["safeguarding", "legal_obligation", "court_order", "consent"]
    assert "Schedule 1, paragraph 18" in sharing.LAWFUL_BASES[0].label
