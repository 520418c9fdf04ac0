"""The audit log's hash chain: sealed on commit, append-only at the database, verified end to
end, and every tampering an attacker with database access might try caught (issue 9)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import DBAPIError

from joinedup.access import audit, chain
from joinedup.access.models import AuditChainHead, AuditEntry
from joinedup.access.policy import Action
from joinedup.access.roles import Actor, Role
from joinedup.access.service import require
from joinedup.core.errors import NotPermitted
from joinedup.db import migrate
from joinedup.db.session import make_engine, unit_of_work
from joinedup.testing.database import append_only_lifted, empty_audit_log

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ACTOR = Actor(role=Role.SYSTEM, label="chain-test")


def entry(n: int) -> dict[str, object]:
    return audit.entry_row(
        actor=ACTOR,
        action="records:read",
        outcome="permitted",
        resource_type="record_version",
        resource_ids=[n, n + 1],
        reason=None,
        detail={"n": n, "nested": {"b": 1.5, "a": "x"}},
        now=T0 + timedelta(seconds=n, microseconds=n),
    )


def appended(engine: Engine, count: int, per_transaction: int = 1) -> None:
    for start in range(0, count, per_transaction):
        with unit_of_work(engine) as session:
            for n in range(start, min(start + per_transaction, count)):
                audit.append(session, entry(n))


def verified(engine: Engine, chunk: int = 3, anchor: chain.Anchor | None = None) -> chain.Verdict:
    """Walked in small chunks, so that the walk crosses chunk boundaries."""
    with unit_of_work(engine, write=False) as session:
        return chain.verify(session=session, chunk=chunk, anchor=anchor)


@pytest.fixture
def chained(clean_engine: Engine) -> Engine:
    appended(clean_engine, 7, per_transaction=3)
    assert verified(clean_engine).broken is None
    return clean_engine


@contextmanager
def attacker(engine: Engine) -> Iterator[Connection]:
    """Raw SQL with the append-only triggers lifted, as someone with the owner's rights would."""
    with engine.begin() as connection, append_only_lifted(connection):
        yield connection


def rows(connection: Connection) -> list[dict[str, object]]:
    found = connection.execute(select(AuditEntry.__table__).order_by(AuditEntry.seq))
    return [dict(r._mapping) for r in found]


def edit_a_field(engine: Engine) -> None:
    with attacker(engine) as sql:
        sql.execute(text("UPDATE audit_entries SET actor_label = 'someone-else' WHERE seq = 3"))


def delete_a_row(engine: Engine) -> None:
    with attacker(engine) as sql:
        sql.execute(text("DELETE FROM audit_entries WHERE seq = 4"))


def swap_two_rows(engine: Engine) -> None:
    """Two entries exchange everything but their keys, seals included: the order is rewritten."""
    with attacker(engine) as sql:
        second, third = rows(sql)[1:3]
        table = AuditEntry.__table__
        for target, source in ((second, third), (third, second)):
            values = {k: v for k, v in source.items() if k not in ("id", "seq")}
            sql.execute(table.update().where(table.c.id == target["id"]).values(**values))
        sql.execute(
            table.update().where(table.c.id == second["id"]).values(seq=-1)
        )  # free the unique position while the two trade places
        sql.execute(table.update().where(table.c.id == third["id"]).values(seq=second["seq"]))
        sql.execute(table.update().where(table.c.id == second["id"]).values(seq=third["seq"]))


def insert_a_forged_row(engine: Engine) -> None:
    """A plausible forgery: the next position, its hash computed exactly as the sealer would."""
    with attacker(engine) as sql:
        last = rows(sql)[-1]
        forged = {**entry(99), "id": int(last["id"]) + 1, "seq": int(last["seq"]) + 1}
        forged["hash"] = chain.digest(str(last["hash"]), forged)
        sql.execute(AuditEntry.__table__.insert().values(**forged))


TAMPERING: dict[str, tuple[Callable[[Engine], None], str]] = {
    "edit a field": (edit_a_field, "hash"),
    "delete a row": (delete_a_row, "gap"),
    "swap two rows": (swap_two_rows, "hash"),
    "insert a forged row": (insert_a_forged_row, "head"),
}


def test_the_tamper_suite_is_caught_4_of_4_times(clean_engine: Engine) -> None:
    caught = []
    for name, (tamper, problem) in TAMPERING.items():
        empty_audit_log(clean_engine)
        appended(clean_engine, 7, per_transaction=3)
        assert verified(clean_engine).broken is None
        tamper(clean_engine)
        broken = verified(clean_engine).broken
        found = f"{broken.problem}: {broken.message}" if broken else "MISSED"
        print(f"tamper {name}: {found}")  # noqa: T201 - the battery prints what it measured
        if broken is not None and broken.problem == problem:
            caught.append(name)
    print(f"tamper suite: caught {len(caught)} of {len(TAMPERING)} (target: 4 of 4)")  # noqa: T201
    assert len(caught) == len(TAMPERING)


def test_an_edit_is_reported_at_its_entry(chained: Engine) -> None:
    edit_a_field(chained)
    broken = verified(chained).broken
    assert broken is not None
    assert (broken.seq, broken.problem) == (3, "hash")
    with unit_of_work(chained, write=False) as session:
        assert broken.entry_id == session.scalar(select(AuditEntry.id).where(AuditEntry.seq == 3))


def test_a_deleted_tail_shows_against_the_head(chained: Engine) -> None:
    with attacker(chained) as sql:
        sql.execute(text("DELETE FROM audit_entries WHERE seq >= 6"))
    broken = verified(chained).broken
    assert broken is not None
    assert broken.problem == "head"
    assert "ends at position 5 but its head records 7" in broken.message


def test_an_unsealed_row_is_a_forgery(chained: Engine) -> None:
    with attacker(chained) as sql:
        sql.execute(AuditEntry.__table__.insert().values(**entry(50)))
    broken = verified(chained).broken
    assert broken is not None
    assert broken.problem == "unsealed"


def test_a_chain_rewritten_whole_is_caught_by_an_anchor_kept_outside(chained: Engine) -> None:
    before = verified(chained)
    with attacker(chained) as sql:
        sql.execute(text("UPDATE audit_entries SET actor_label = 'someone-else' WHERE seq = 2"))
        last = chain.GENESIS
        for row in rows(sql):
            last = chain.digest(last, row)
            sql.execute(text("UPDATE audit_entries SET hash = :h WHERE id = :i"),
                        {"h": last, "i": row["id"]})  # fmt: skip
        sql.execute(text("UPDATE audit_chain_head SET last_hash = :h"), {"h": last})
    assert verified(chained).broken is None  # consistent with itself: only an anchor can tell
    anchor = chain.Anchor(seq=before.last_seq, hash=before.last_hash)
    broken = verified(chained, anchor=anchor).broken
    assert broken is not None
    assert broken.problem == "anchor"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entries SET reason = 'tidied' WHERE seq = 1",
        "UPDATE audit_entries SET hash = NULL, seq = NULL WHERE seq = 7",
        "DELETE FROM audit_entries WHERE seq = 1",
        "UPDATE audit_chain_head SET last_seq = 0",
        "DELETE FROM audit_chain_head",
    ],
)
def test_the_database_refuses_changes_through_ordinary_sql(chained: Engine, statement: str) -> None:
    with pytest.raises(DBAPIError), chained.begin() as connection:
        connection.execute(text(statement))
    assert verified(chained).broken is None


def test_postgresql_refuses_truncate(chained: Engine) -> None:
    if chained.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    for table in ("audit_entries", "audit_chain_head"):
        with pytest.raises(DBAPIError), chained.begin() as connection:
            connection.execute(text(f"TRUNCATE {table}"))
    assert verified(chained).checked == 7


def test_a_refusal_written_after_the_rollback_is_in_the_chain(clean_engine: Engine) -> None:
    appended(clean_engine, 2)
    refused = Actor(role=Role.PARTNER_SYSTEM, label="refused-feed")
    with pytest.raises(NotPermitted), unit_of_work(clean_engine) as session:
        audit.append(session, entry(3))  # rolled back with the request
        require(session=session, actor=refused, action=Action.AUDIT_READ, resource_type="audit_log")
    appended(clean_engine, 1)
    verdict = verified(clean_engine)
    assert verdict.broken is None
    assert verdict.checked == 4
    with unit_of_work(clean_engine, write=False) as session:
        outcomes = session.execute(select(AuditEntry.seq, AuditEntry.outcome).order_by("seq"))
        assert [o for _, o in outcomes] == ["permitted", "permitted", "refused", "permitted"]


def test_a_failed_seal_fails_the_unit_of_work(
    clean_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_digest(previous: str, entry: object) -> str:
        raise RuntimeError("sealing failed")

    monkeypatch.setattr(chain, "digest", broken_digest)
    with pytest.raises(RuntimeError), unit_of_work(clean_engine) as session:
        audit.append(session, entry(1))
    with unit_of_work(clean_engine, write=False) as session:
        assert session.scalar(select(AuditEntry.id)) is None


def test_concurrent_writers_make_one_unbroken_chain(clean_engine: Engine) -> None:
    writers, each = 6, 10
    failures: list[BaseException] = []

    def write(w: int) -> None:
        try:
            for n in range(each):
                with unit_of_work(clean_engine) as session:
                    audit.append(session, entry(w * 100 + n))
                    time.sleep(0.002)  # work between the audit entry and the commit
                    audit.append(session, entry(w * 100 + n + 50))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    verdict = verified(clean_engine, chunk=7)
    found = f"{writers} writers, {verdict.checked} entries, {verdict.broken or 'unbroken'}"
    print(f"{clean_engine.dialect.name}: {found}")  # noqa: T201
    assert verdict.broken is None
    assert verdict.checked == writers * each * 2
    with unit_of_work(clean_engine, write=False) as session:
        head = session.execute(select(AuditChainHead.last_seq, AuditChainHead.last_hash)).one()
    assert (head.last_seq, head.last_hash) == (verdict.last_seq, verdict.last_hash)


def test_sealing_is_the_same_bytes_on_either_engine() -> None:
    """The canonical form: a known answer, so SQLite and PostgreSQL must both reproduce it."""
    sealed = chain.digest(chain.GENESIS, {**entry(1), "id": 1, "seq": 1})
    assert chain.canonical({**entry(1), "id": 1, "seq": 1}).startswith(
        b'{"action":"records:read","actor_label":"chain-test","actor_role":"system",'
        b'"actor_user_id":null,"detail":{"n":1,"nested":{"a":"x","b":1.5}},"id":1,'
        b'"occurred_at":"2026-11-24T09:00:01.000001+00:00"'
    )
    assert len(sealed) == 64


def test_upgrading_a_store_seals_its_existing_entries_in_id_order(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrate.upgrade(engine, "0014")
    old = {k: v for k, v in entry(1).items()}
    with engine.begin() as connection:
        for n in range(5):
            connection.execute(AuditEntry.__table__.insert().values(**{**old, "reason": str(n)}))
    migrate.upgrade(engine)
    verdict = verified(engine)
    assert verdict.broken is None
    assert verdict.checked == 5
    appended(engine, 2)
    assert verified(engine).checked == 7
    engine.dispose()


def test_entries_in_savepoints_are_sealed_by_the_whole_commit(clean_engine: Engine) -> None:
    with unit_of_work(clean_engine) as session:
        audit.append(session, entry(1))
        with session.begin_nested():
            audit.append(session, entry(2))
        nested = session.begin_nested()
        audit.append(session, entry(3))
        nested.rollback()
        with session.begin_nested(), session.begin_nested():
            audit.append(session, entry(4))
        unsealed = session.scalar(select(AuditEntry.id).where(AuditEntry.seq.is_not(None)))
        assert unsealed is None  # nothing sealed (nor the head locked) before the commit
    verdict = verified(clean_engine)
    assert (verdict.broken, verdict.checked) == (None, 3)
