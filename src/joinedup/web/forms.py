"""What the page forms share: keys from paths, and free-text answers checked the GOV.UK way."""

from __future__ import annotations

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
