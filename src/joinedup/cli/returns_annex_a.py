"""`joinedup returns annex-a`."""

from __future__ import annotations

from joinedup.cli.returns import app  # noqa: F401 - the command is added to this group
