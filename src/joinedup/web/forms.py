"""What the page forms share: keys from paths, free-text answers checked the GOV.UK way, and
date fields' errors linked to their first box."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Form

from joinedup.core.errors import NotFound

MAX_TEXT = 5000
FormText = Annotated[str, Form()]


def identifier(text: str, what: str) -> int:
    """A key from the path; anything that is not one (a typo, a probe) is simply not found."""
    if not text.isdigit() or len(text) > 18:
        raise NotFound(f"There is no {what} with that number.")
    return int(text)


def required_text(value: str, field: str, missing: str, label: str) -> tuple[str, dict[str, str]]:
    """A trimmed free-text answer, or the error for its field (GOV.UK wording)."""
    text = value.strip()
    if not text:
        return text, {field: missing}
    if len(text) > MAX_TEXT:
        return text, {field: f"{label} must be {MAX_TEXT:,} characters or fewer"}
    return text, {}


def date_errors(errors: dict[str, str], dates: Iterable[str]) -> dict[str, str]:
    """The errors with each of the `dates` fields' keyed by its first box (`<name>-day`), where
    the GOV.UK error summary's link must land; the others as they are, in the same order."""
    named = frozenset(dates)
    return {f"{k}-day" if k in named else k: v for k, v in errors.items()}
