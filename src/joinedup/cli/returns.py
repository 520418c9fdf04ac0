"""`joinedup returns ...`: the statutory returns from the live store, and the DfE validators.

Each return has its own module (`returns_cin`, `returns_ssda903`, `returns_annex_a`,
`returns_validate`), which adds its command to `app` when imported here.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Statutory returns: CIN census, SSDA903, Ofsted Annex A, and the DfE validators.",
    no_args_is_help=True,
)

from joinedup.cli import (  # noqa: E402 - each module adds its command to `app`
    returns_annex_a,
    returns_cin,
    returns_ssda903,
    returns_validate,
)

__all__ = ["app", "returns_annex_a", "returns_cin", "returns_ssda903", "returns_validate"]
