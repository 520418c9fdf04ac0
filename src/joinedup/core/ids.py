"""Identifiers that are made here: opaque tokens and content hashes."""

from __future__ import annotations

import hashlib
import secrets


def new_token(nbytes: int = 32) -> str:
    """An unguessable URL-safe token (sessions, idempotency, CSRF)."""
    return secrets.token_urlsafe(nbytes)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
