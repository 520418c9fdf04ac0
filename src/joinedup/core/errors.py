"""The one tree of domain errors, mapped to HTTP in one place for pages and one for the API."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: `field` is a dotted path (``subjects.0.date_of_birth``)."""

    field: str
    message: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "message": self.message}


def text_errors(
    name: str, value: str, *, required: bool = False, limit: int = 10_000
) -> list[FieldError]:
    """A free-text answer's problems: missing when required, or longer than `limit`."""
    if required and not value.strip():
        return [FieldError(name, "enter this", "required")]
    if len(value) > limit:
        return [FieldError(name, f"must be {limit:,} characters or fewer")]
    return []


@dataclass
class JoinedUpError(Exception):
    """Base of every error the domains raise on purpose."""

    message: str
    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


class NotFound(JoinedUpError):
    """The thing asked for does not exist (or the actor may not know that it does)."""


class NotPermitted(JoinedUpError):
    """The access policy refused the action; the refusal is audited."""


class InvalidTransition(JoinedUpError):
    """A status change that the transition table does not allow."""


class ValidationFailed(JoinedUpError):
    """Input that breaks a rule of the format or the domain; `errors` names each field."""


class Conflict(JoinedUpError):
    """The action clashes with the current state (a stale version, a duplicate key)."""
