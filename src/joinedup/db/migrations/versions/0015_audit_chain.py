"""access: the audit log hash-chained and append-only; existing entries sealed in id order

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24 06:20:00.000000

The triggers refuse UPDATE and DELETE on audit_entries (except sealing an unsealed entry:
setting its seq and hash, nothing else), DELETE on the chain head and any move of the head
but forward to a sealed entry; on PostgreSQL also TRUNCATE. On SQLite the update guard names
every column of audit_entries, and a batch migration that rebuilds the table drops its
triggers: a later migration touching audit_entries must recreate them (see ADR 0010).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import joinedup.db.types
from joinedup.access.chain import GENESIS, digest

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
ENTRIES = sa.table(
    "audit_entries",
    sa.column("id", ID),
    sa.column("seq", ID),
    sa.column("hash", sa.String(64)),
    sa.column("occurred_at", joinedup.db.types.UTCDateTime(timezone=True)),
    sa.column("actor_user_id", ID),
    sa.column("actor_label", sa.String()),
    sa.column("actor_role", sa.String()),
    sa.column("action", sa.String()),
    sa.column("outcome", sa.String()),
    sa.column("resource_type", sa.String()),
    sa.column("resource_ids", JSON),
    sa.column("reason", sa.Text()),
    sa.column("detail", JSON),
)
HEAD = sa.table(
    "audit_chain_head", sa.column("id", ID), sa.column("last_seq", ID), sa.column("last_hash")
)

REFUSE = "SELECT RAISE(ABORT, 'audit_entries is append-only')"
SQLITE_COLUMNS = [
    "id",
    "occurred_at",
    "actor_user_id",
    "actor_label",
    "actor_role",
    "action",
    "outcome",
    "resource_type",
    "resource_ids",
    "reason",
    "detail",
]
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries BEGIN {REFUSE}; END",
    "CREATE TRIGGER audit_entries_seal_only BEFORE UPDATE ON audit_entries WHEN "
    "OLD.seq IS NOT NULL OR OLD.hash IS NOT NULL OR NEW.seq IS NULL OR NEW.hash IS NULL OR "
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in SQLITE_COLUMNS)
    + f" BEGIN {REFUSE}; END",
    "CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head "
    "BEGIN SELECT RAISE(ABORT, 'the audit chain head is never deleted'); END",
    "CREATE TRIGGER audit_chain_head_forward_only BEFORE UPDATE ON audit_chain_head WHEN "
    "NEW.id IS NOT OLD.id OR NEW.last_seq <= OLD.last_seq OR NOT EXISTS (SELECT 1 FROM "
    "audit_entries WHERE seq = NEW.last_seq AND hash = NEW.last_hash) "
    "BEGIN SELECT RAISE(ABORT, 'the audit chain head moves only forward to a sealed entry'); END",
]
PG_FUNCTIONS = [
    """CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash IS NULL
            AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
            AND to_jsonb(NEW) - 'seq' - 'hash' = to_jsonb(OLD) - 'seq' - 'hash' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_entries is append-only (% refused)', TG_OP;
END $$""",
    """CREATE FUNCTION audit_chain_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.last_seq > OLD.last_seq
            AND EXISTS (SELECT 1 FROM audit_entries
                        WHERE seq = NEW.last_seq AND hash = NEW.last_hash) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit chain head moves only forward to a sealed entry (% refused)',
        TG_OP;
END $$""",
]
PG_TRIGGERS = [
    "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
    "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()",
    "CREATE TRIGGER audit_chain_head_forward_only BEFORE UPDATE OR DELETE ON audit_chain_head "
    "FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward_only()",
    "CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_forward_only()",
]


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", ID, nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_entries_seq"), ["seq"], unique=True)
    op.create_table(
        "audit_chain_head",
        sa.Column("id", ID, nullable=False),
        sa.Column("last_seq", ID, nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_head_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    last_seq, last_hash = _seal_existing(op.get_bind())
    op.execute(HEAD.insert().values(id=1, last_seq=last_seq, last_hash=last_hash))
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_FUNCTIONS + PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def _seal_existing(connection: sa.Connection, chunk: int = 5000) -> tuple[int, str]:
    """Seal the entries already written, in id order, so that an upgraded store verifies."""
    seq, last, after = 0, GENESIS, 0
    while True:
        rows = connection.execute(
            sa.select(ENTRIES).where(ENTRIES.c.id > after).order_by(ENTRIES.c.id).limit(chunk)
        ).all()
        seals = []
        for row in rows:
            seq += 1
            last = digest(last, {**row._mapping, "seq": seq})
            seals.append({"entry_id": row.id, "entry_seq": seq, "entry_hash": last})
        if seals:
            connection.execute(
                ENTRIES.update()
                .where(ENTRIES.c.id == sa.bindparam("entry_id"))
                .values(seq=sa.bindparam("entry_seq"), hash=sa.bindparam("entry_hash")),
                seals,
            )
        if len(rows) < chunk:
            return seq, last
        after = rows[-1].id


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table in (
            ("audit_entries_append_only", "audit_entries"),
            ("audit_entries_no_truncate", "audit_entries"),
            ("audit_chain_head_forward_only", "audit_chain_head"),
            ("audit_chain_head_no_truncate", "audit_chain_head"),
        ):
            op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute("DROP FUNCTION audit_entries_append_only()")
        op.execute("DROP FUNCTION audit_chain_head_forward_only()")
    else:
        for name in (
            "audit_entries_no_delete",
            "audit_entries_seal_only",
            "audit_chain_head_no_delete",
            "audit_chain_head_forward_only",
        ):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_seq"))
        batch_op.drop_column("hash")
        batch_op.drop_column("seq")
