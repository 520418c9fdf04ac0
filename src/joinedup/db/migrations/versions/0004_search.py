"""search: person identities by normalised family name, date of birth and postcode

Expression indexes over the identity features that resolution already stores, so that a
search reads them without any table of its own to keep in step.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 00:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from joinedup.db.types import JSONDoc

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FEATURES = sa.column("features", JSONDoc)


def upgrade() -> None:
    op.create_index(
        "ix_person_identities_family", "person_identities", [_FEATURES["family"].as_string()]
    )
    op.create_index(
        "ix_person_identities_dob", "person_identities", [_FEATURES["dob_o"].as_integer()]
    )
    op.create_index(
        "ix_person_identities_postcode", "person_identities", [_FEATURES["pc"].as_string()]
    )


def downgrade() -> None:
    op.drop_index("ix_person_identities_postcode", table_name="person_identities")
    op.drop_index("ix_person_identities_dob", table_name="person_identities")
    op.drop_index("ix_person_identities_family", table_name="person_identities")
