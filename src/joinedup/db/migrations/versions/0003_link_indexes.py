"""indexes for batch re-linking: person_keys and mention_links by identity

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 22:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_person_keys_identity", "person_keys", ["identity_id"], unique=False)
    op.create_index("ix_mention_links_identity", "mention_links", ["identity_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_mention_links_identity", table_name="mention_links")
    op.drop_index("ix_person_keys_identity", table_name="person_keys")
