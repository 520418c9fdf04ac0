"""access: an e-mail address on an account, so notifications reach staff by e-mail as well

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-24 09:55:00.000000

A lead worker told of an unscheduled-care attendance (CP-IS) or of a partner's look-up gets the
notification in the inbox and, when the account has an address, by e-mail through the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email")
