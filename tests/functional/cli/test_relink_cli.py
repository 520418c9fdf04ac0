"""`joinedup link --all`: re-link a whole store without undoing anything a person decided."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import orjson
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor
from joinedup.intake.models import Event, Mention, SourceRecord
from joinedup.people import merges, service
from joinedup.people.models import LinkHistory, MentionLink, Person, PersonIdentity
from tests.unit.people.support import child, rec

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def run(url: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOINEDUP_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run(
        [JOINEDUP, *map(str, args)], env=env, capture_output=True, text=True, timeout=600,
        check=False,
    )  # fmt: skip


def persons_of(session: Session, mention_ids: list[int]) -> dict[int, int]:
    query = select(MentionLink.mention_id, MentionLink.person_id).where(
        MentionLink.mention_id.in_(mention_ids)
    )
    return {m: p for m, p in session.execute(query)}


def children_with_identities(session: Session, count: int) -> list[tuple[int, list[int]]]:
    """Children holding at least two identities: (person, a mention of each of two identities)."""
    found: list[tuple[int, list[int]]] = []
    query = (
        select(PersonIdentity.person_id, func.min(MentionLink.mention_id))
        .join(MentionLink, MentionLink.identity_id == PersonIdentity.id)
        .join(Person, Person.id == PersonIdentity.person_id)
        .where(Person.kind == "child", Person.merged_into_id.is_(None))
        .group_by(PersonIdentity.person_id, PersonIdentity.id)
        .order_by(PersonIdentity.person_id)
    )
    by_person: dict[int, list[int]] = {}
    for person, mention in session.execute(query):
        by_person.setdefault(person, []).append(mention)
    for person, mentions in by_person.items():
        if len(mentions) >= 2:
            found.append((person, mentions[:2]))
        if len(found) == count:
            break
    return found


def test_relinks_the_store_and_keeps_every_decision(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    built = run(database_url, "demo", "build", "--children", "150", "--years", "3",
                "--seed", "5", "--out", tmp_path / "demo")  # fmt: skip
    assert built.returncode == 0, built.stderr
    actor = Actor.system("test")
    with Session(clean_engine) as session:
        (a, _), (b, _), (_c, (m1, m2)) = children_with_identities(session, 3)
        a_mentions = list(
            session.scalars(select(MentionLink.mention_id).where(MentionLink.person_id == a))
        )
        b_mentions = list(
            session.scalars(select(MentionLink.mention_id).where(MentionLink.person_id == b))
        )
        # A person says a and b are one child, and that two records of c are not the same child.
        service.merge_persons(session=session, actor=actor, from_id=a, into_id=b,
                              reason="same child: confirmed with the school", now=NOW)  # fmt: skip
        merges.add_constraint(session, actor, "cannot_link", m1, m2, "a cousin", NOW)
        session.commit()
        linked_before = session.scalar(select(func.count()).select_from(MentionLink))

    done = run(database_url, "link", "--all", "--save-model", tmp_path / "model.json")
    assert done.returncode == 0, done.stderr
    assert "decisions by people kept" in done.stdout
    assert (tmp_path / "model.json").exists()

    with Session(clean_engine) as session:
        assert session.scalar(select(func.count()).select_from(MentionLink)) == linked_before
        together = persons_of(session, a_mentions + b_mentions)
        assert len(set(together.values())) == 1, "the merge a person made was undone"
        apart = persons_of(session, [m1, m2])
        assert apart[m1] != apart[m2], "two records a person said differ were joined"
        # Every move is in the history; every born person's identities were rebuilt.
        moved = session.scalars(select(LinkHistory).where(LinkHistory.method == "batch")).all()
        assert any(h.mention_id in (m1, m2) for h in moved)
        unlinked_identity = session.scalar(
            select(func.count())
            .select_from(MentionLink)
            .join(Mention, Mention.id == MentionLink.mention_id)
            .where(MentionLink.identity_id.is_(None), Mention.role != "unborn")
        )
        assert unlinked_identity == 0
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "people:merge")
            .order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None
        assert entry.detail["relinked_mentions"] > 1000

    again = run(database_url, "link", "--all", "--model", tmp_path / "model.json")
    assert again.returncode == 0, again.stderr
    with Session(clean_engine) as session:
        assert len(set(persons_of(session, a_mentions + b_mentions).values())) == 1
        apart = persons_of(session, [m1, m2])
        assert apart[m1] != apart[m2]


def test_twins_named_in_one_record_stay_two_people_after_relinking(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    """The subjects of one record are different people (ADR 0005, 2026-11-25): twins whose
    names the model takes for one (John and Jon), known to health and to the school each by one
    record and named together by a third, are not clustered into one child by `link --all`."""
    built = run(database_url, "demo", "build", "--children", "150", "--years", "3",
                "--seed", "5", "--out", tmp_path / "demo")  # fmt: skip
    assert built.returncode == 0, built.stderr
    home = {"lines": ["4 Sallow Street"], "town": "Testtown", "postcode": "ZZ4 4ZZ"}
    twin = {"family_name": "Hallam", "date_of_birth": "2014-09-02", "address": home}
    records = [
        rec(child(given_names="John", **twin), record_id="ed:1",
            source={"agency": "health", "organisation": "Testshire Hospital"}),
        rec(child(given_names="Jon", **twin), record_id="sch:1",
            source={"agency": "education", "organisation": "Testshire School"}),
        rec(child(given_names="John", **twin),
            child(ref="c2", relationship="sibling", given_names="Jon", **twin),
            record_id="cs:1", source={"agency": "police", "organisation": "Testshire Police"}),
    ]  # fmt: skip
    (tmp_path / "twins.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    ingested = run(database_url, "ingest", tmp_path / "twins.jsonl")
    assert ingested.returncode == 0, ingested.stderr

    done = run(database_url, "link", "--all")
    assert done.returncode == 0, done.stderr
    with Session(clean_engine) as session:
        named = session.execute(
            select(Mention.ref, MentionLink.person_id)
            .join(MentionLink, MentionLink.mention_id == Mention.id)
            .join(Event, Event.id == Mention.event_id)
            .join(SourceRecord, SourceRecord.id == Event.source_record_id)
            .where(SourceRecord.record_id == "cs:1")
        ).all()
        assert len(named) == 2 and named[0].person_id != named[1].person_id


def test_link_needs_a_file_or_all(tmp_path: Path, database_url: str) -> None:
    done = run(database_url, "link")
    assert done.returncode == 2
    assert "give FILE with --out, or --all" in done.stderr
