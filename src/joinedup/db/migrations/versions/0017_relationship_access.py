"""access: restricted children, relationships and break-glass (reserved)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24 09:15:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
