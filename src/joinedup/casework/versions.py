"""Optimistic locking: a save names the version it was read at; a stale save is refused.

Two guards, so nothing is lost whichever way two people collide. The service compares the
version the form was read at with the row's (a clear conflict, with what the other person
saved); and SQLAlchemy's version counter makes the UPDATE itself say `WHERE version = :read`,
so two transactions racing from the same version cannot both write (the loser's UPDATE matches
no row and becomes the same conflict).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from joinedup.casework.views import StaleVersion


def check_version(
    row: Any,
    expected: int,
    submitted: Mapping[str, Any],
    saved_by: str | None,
    saved_at: datetime | None,
) -> None:
    """Refuse a save read at another version, naming who saved since and what differs."""
    if row.version == expected:
        return
    theirs = {}
    current = _current(row)
    for name, value in submitted.items():
        if name in current and current[name] != value:
            theirs[name] = current[name]
    raise StaleVersion(
        f"This was changed by {saved_by or 'someone else'} since you opened it "
        f"(version {expected}, now {row.version}). Your changes have not been saved: "
        "check theirs below and save again.",
        saved_by=saved_by,
        saved_at=saved_at,
        theirs=theirs,
    )


def flush_versioned(session: Session) -> None:
    """Flush, turning a lost race (the UPDATE matched no row) into the same conflict."""
    try:
        session.flush()
    except StaleDataError:
        raise StaleVersion(
            "This was changed by someone else at the same moment. Your changes have not been "
            "saved: open it again to see theirs, then save again.",
            theirs={},
        ) from None


def _current(row: Any) -> dict[str, Any]:
    found = {c.key: getattr(row, c.key) for c in row.__table__.columns}
    details = found.get("details")
    if isinstance(details, dict):
        found.update(details)
    return found
