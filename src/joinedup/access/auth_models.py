"""Authentication's tables: second factors, sign-in throttling, the step between password and
code, and single sign-on (docs/security.md, ADR 0011).

Nothing here holds a secret in the clear: a two-factor secret is encrypted (`access.mfa`),
recovery codes, cookie tokens and account names are stored only as hashes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.db.base import Base, BigId
from joinedup.db.types import UTCDateTime


class MfaCredential(Base):
    """A person's TOTP secret (RFC 6238), encrypted; live once confirmed with a code."""

    __tablename__ = "mfa_credentials"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), unique=True)
    secret_sealed: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The 30-second step of the last code accepted: a code for it or an earlier step is refused.
    last_step: Mapped[int] = mapped_column(BigId, default=0)


class RecoveryCode(Base):
    """A single-use code for when the authenticator is lost; only its SHA-256 is stored."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SignInAttempt(Base):
    """One attempt at a password or a code, counted by account name and by client address.

    Both are keyed hashes (HMAC), so that a password typed into the username box is not kept.
    An attempt is written `pending` before the password is checked (so that parallel guesses
    count against each other), then settled as `failed`, `succeeded` or `locked`.
    """

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_account", "account_key", "occurred_at"),
        Index("ix_sign_in_attempts_client", "client_key", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    account_key: Mapped[str] = mapped_column(String(64))
    client_key: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12))


class SignInChallenge(Base):
    """The step after the password (or single sign-on): a code to give, or one to set up.

    Its cookie token is random and only its hash is kept; it lives a few minutes, is used once,
    and is never a session: no page but the second step accepts it.
    """

    __tablename__ = "sign_in_challenges"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(12))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SsoRequest(Base):
    """An authorisation request sent to the council's provider: its state (hashed), nonce and
    PKCE verifier, used once when the browser comes back."""

    __tablename__ = "sso_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(String(128))
    next_path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ExternalIdentity(Base):
    """An account's subject at the council's provider, remembered at its first single sign-on."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
