"""The NUL character is refused in every API request, naming the field (422, never a 500).

No text column can hold it (PostgreSQL refuses it outright), nor has a person any use for it;
so a query parameter or a JSON body that carries one is answered 422 before anything runs.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

import orjson
from fastapi import Request

from joinedup.core.errors import FieldError, ValidationFailed

NUL = "\x00"
MESSAGE = "must not contain the NUL character"


def nul_fields(value: Any, path: str) -> list[str]:
    """The dotted paths of every string (or key) in a JSON value that holds a NUL."""
    if isinstance(value, str):
        return [path] if NUL in value else []
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in nul_fields(item, f"{path}.{i}")]
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            here = f"{path}.{key.replace(NUL, '?')}"
            found += [here] if NUL in key else []
            found += nul_fields(item, here)
        return found
    return []


async def refuse_nul(request: Request) -> None:
    """A router dependency: 422 naming each query parameter or body field that holds a NUL."""
    fields = [f"query.{name}" for name, value in request.query_params.multi_items()
              if NUL in name or NUL in value]  # fmt: skip
    body = await request.body()
    if b"\\u0000" in body:  # the only way JSON can carry a NUL
        with suppress(orjson.JSONDecodeError):  # not JSON: the operation itself says so
            fields += nul_fields(orjson.loads(body), "body")
    if fields:
        raise ValidationFailed(
            "The request holds a NUL character.",
            [FieldError(field.replace(NUL, "?"), MESSAGE, "nul") for field in fields],
        )
