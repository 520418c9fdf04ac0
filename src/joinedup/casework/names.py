"""The names a case page shows for its child, from the people domain's read interface."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from joinedup.people.circle import display_names


def child_names(session: Session, persons: Iterable[int]) -> dict[int, str]:
    """Each person's commonest recorded name (casework's own records carry none)."""
    return display_names(session, list(persons))
