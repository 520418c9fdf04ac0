"""The subject access export: everything about the child, third parties and protected
identities withheld, counted in the manifest, recorded in the register and the audit log."""

from __future__ import annotations

import hashlib

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.core.errors import NotFound, NotPermitted
from joinedup.governance import protection, sar
from joinedup.governance.sar_html import render
from joinedup.sharing.models import Disclosure
from joinedup.testing import FrozenClock
from tests.unit.casework.support import WORKER
from tests.unit.governance.support import IG, Family, family


@pytest.fixture
def known(session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings) -> Family:
    return family(session, feed_actor, clock, settings)


def test_the_export_holds_the_child_and_the_requester_and_withholds_everyone_else(
    session: Session, clock: FrozenClock, known: Family
) -> None:
    now = clock.now()
    protection.protect_referrer(session=session, actor=IG, contact_id=known.school_contact,
                                reason="The school fears reprisal.", now=now)  # fmt: skip
    protection.protect_informant(session=session, actor=IG, event_id=known.incident_event,
                                 subject_ref=None, reason="Officer's safety.", now=now)  # fmt: skip
    done = sar.export(session=session, actor=IG, person_id=known.child,
                      requester_person_id=known.mother, now=clock.now())  # fmt: skip
    text = done.json_bytes.decode()
    for held in ("Alexander", "Testperson", "Mara", "2016-04-07"):
        assert held in text
    for withheld in ("Mariusz", "Otherman", "Bella", "2019-05-05", "Nora Nosey", "Nosey",
                     "07000 000000", "Dana Testdsl", "Testdsl", "PC T Example"):  # fmt: skip
        assert withheld not in text, withheld
    notes = [r["summary"] for r in done.document["records"] if r["type"] == "note"]
    assert all("Testshire Primary School" not in note for note in notes)  # the protected school
    manifest = done.manifest
    sent = [r["record_id"] for r in done.document["records"]]
    assert sent[:2] == ["police:1", "school:1"]  # and the front door's note of each contact
    assert len(sent) == 4 and all(r.startswith("contact:") for r in sent[2:])
    assert manifest["sections"]["contacts"] == 2
    assert manifest["sections"]["identities"] >= 1
    assert manifest["sections"]["access_log"] > 0  # the feed's submission named the child
    # Mariusz and Bella in the records, the neighbour who rang; the school and the officer.
    assert manifest["withheld"]["third_party"] >= 3
    assert manifest["withheld"]["protected_identity"] == 2
    assert manifest["withheld"]["names_in_free_text"] >= 4
    incident = next(r for r in done.document["records"] if r["event_id"] == known.incident_event)
    assert incident["summary"] == "Mara said [withheld] shouted; Alexander hid upstairs."
    assert incident["author"] == {"withheld": "protected_identity"}
    assert {"ref": "a2", "role": "adult", "relationship": "parents_partner",
            "withheld": "third_party"} in incident["subjects"]  # fmt: skip


def test_the_export_is_a_disclosure_in_the_register_and_an_audited_export(
    session: Session, clock: FrozenClock, known: Family
) -> None:
    done = sar.export(session=session, actor=IG, person_id=known.child, now=clock.now())
    row = session.get(Disclosure, done.disclosure_id)
    assert row is not None
    assert row.what == "subject_access_export"
    assert row.person_ids == [known.child]
    assert row.lawful_basis == "legal_obligation"
    assert row.sha256 == hashlib.sha256(done.json_bytes).hexdigest()
    assert row.details["withheld"] == done.manifest["withheld"]
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "governance:subject_access")
    ).one()
    assert entry.resource_ids == [known.child]
    assert entry.detail["disclosure"] == done.disclosure_id
    assert "Alexander" not in orjson.dumps(entry.detail).decode()


def test_without_a_requester_the_mother_is_a_third_party_too(
    session: Session, clock: FrozenClock, known: Family
) -> None:
    done = sar.export(session=session, actor=IG, person_id=known.child, now=clock.now())
    text = done.json_bytes.decode()
    assert "Mara" not in text and "1988-02-01" not in text
    assert "Alexander" in text  # her family name is the child's too: never withheld in text


def test_the_html_is_escaped_and_names_the_withheld_counts(
    session: Session, clock: FrozenClock, known: Family
) -> None:
    done = sar.export(session=session, actor=IG, person_id=known.child, now=clock.now())
    page = render(done.document)
    assert "<h1" in page and "Subject access export" in page
    assert "Mariusz" not in page
    assert "third_party" in page


def test_only_information_governance_may_export(
    session: Session, clock: FrozenClock, known: Family
) -> None:
    with pytest.raises(NotPermitted):
        sar.export(session=session, actor=WORKER, person_id=known.child, now=clock.now())
    with pytest.raises(NotFound):
        sar.export(session=session, actor=IG, person_id=987654321, now=clock.now())
