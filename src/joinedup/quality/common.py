"""What the quality services share: text checks, versions, the London day and the rows an
actor may see."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from joinedup.access.relationships import hidden_from
from joinedup.access.roles import Actor
from joinedup.casework.clocks import london_day
from joinedup.core.errors import Conflict, FieldError

TEXT_LIMIT = 4000
SHORT_LIMIT = 120
T = TypeVar("T")


def today(now: datetime) -> date:
    return london_day(now)


def text(value: str | None, name: str, label: str, errors: list[FieldError], *,
         required: bool = True, limit: int = TEXT_LIMIT) -> str | None:  # fmt: skip
    """`value` stripped; a missing or over-long value adds its error to `errors`."""
    found = (value or "").strip()
    if not found:
        if required:
            errors.append(FieldError(name, f"Enter {label}", "required"))
        return None
    if len(found) > limit:
        errors.append(FieldError(name, f"{label[0].upper()}{label[1:]} must be {limit:,} "
                                       "characters or fewer", "too_long"))  # fmt: skip
        return None
    return found


def check_version(row: Any, expected: int, what: str) -> None:
    if row.version != expected:
        raise Conflict(f"The {what} was saved by someone else since you opened it: reload the "
                       "page and try again")  # fmt: skip


def same_person(actor: Actor, user_id: int | None, label: str | None) -> bool:
    """Whether `actor` is the person recorded by account number or account name."""
    if actor.user_id is not None and user_id is not None:
        return actor.user_id == user_id
    return label is not None and actor.label == label


def visible(session: Session, actor: Actor, rows: Sequence[T],
            person_of: Callable[[T], int]) -> list[T]:  # fmt: skip
    """The rows without the restricted children the actor may not see (ADR 0012): a restricted
    child is in no list of anyone it does not name, not even by a number, as in casework's."""
    hidden = hidden_from(session, actor, [person_of(r) for r in rows])
    return [r for r in rows if person_of(r) not in hidden] if hidden else list(rows)
