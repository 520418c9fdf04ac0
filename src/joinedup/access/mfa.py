"""Two-factor sign-in: TOTP codes (RFC 6238) from an authenticator app, and recovery codes.

The secret is encrypted at rest with AES-256-GCM under the `JOINEDUP_MFA_KEY`, bound to its
account (the user id is the associated data, so a sealed secret copied to another account
does not open). It is shown once, while it is set up, and never logged. A code is accepted for
the current 30-second step or one either side; a step once used is never accepted again (the
credential keeps the last step used, moved forward by a conditional UPDATE, so two processes
cannot both accept one code). Recovery codes are 80 random bits each: only their SHA-256 is
stored, and each is spent by a conditional UPDATE, so it works once.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from joinedup.access.auth_models import MfaCredential, RecoveryCode
from joinedup.core.ids import sha256_hex

ISSUER = "Joined Up"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# The published development key: used only outside production when no key is configured.
DEVELOPMENT_KEY = base64.urlsafe_b64encode(b"joinedup-development-only-key-00").decode()
_SEALED_PREFIX = "v1:"
_CODE = re.compile(r"^[0-9]{6}$")
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


class MfaKeyError(ValueError):
    """The configured key is not 32 bytes of URL-safe base64."""


@dataclass(frozen=True)
class Enrolment:
    """A secret being set up: shown once as a QR code (inline SVG) and as text."""

    secret: str
    uri: str
    qr_svg: str

    @property
    def grouped(self) -> str:
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))


def key_bytes(configured: str | None) -> bytes:
    text = configured or DEVELOPMENT_KEY
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:
        raise MfaKeyError("JOINEDUP_MFA_KEY is not URL-safe base64") from exc
    if len(key) != 32:
        raise MfaKeyError("JOINEDUP_MFA_KEY must decode to 32 bytes")
    return key


def seal(secret: str, *, key: bytes, user_id: int) -> str:
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, secret.encode(), str(user_id).encode())
    return _SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(sealed: str, *, key: bytes, user_id: int) -> str:
    raw = base64.urlsafe_b64decode(sealed.removeprefix(_SEALED_PREFIX))
    return AESGCM(key).decrypt(raw[:12], raw[12:], str(user_id).encode()).decode()


def credential(session: Session, user_id: int) -> MfaCredential | None:
    return session.scalar(select(MfaCredential).where(MfaCredential.user_id == user_id))


def is_enrolled(session: Session, user_id: int) -> bool:
    found = credential(session, user_id)
    return found is not None and found.confirmed_at is not None


def begin_enrolment(
    *, session: Session, user_id: int, username: str, key: bytes, now: datetime
) -> Enrolment:
    """A fresh secret, replacing any not yet confirmed (so each secret is shown only once)."""
    found = credential(session, user_id)
    if found is not None and found.confirmed_at is not None:
        raise ValueError("two-factor sign-in is already set up for this account")
    secret = pyotp.random_base32()
    sealed = seal(secret, key=key, user_id=user_id)
    if found is None:
        session.add(
            MfaCredential(user_id=user_id, secret_sealed=sealed, created_at=now, last_step=0)
        )
    else:
        found.secret_sealed, found.created_at, found.last_step = sealed, now, 0
    session.flush()
    return _enrolment(secret, username)


def pending_enrolment(
    *, session: Session, user_id: int, username: str, key: bytes
) -> Enrolment | None:
    """The secret set up but not yet confirmed (to show again after a mistyped code)."""
    found = credential(session, user_id)
    if found is None or found.confirmed_at is not None:
        return None
    return _enrolment(unseal(found.secret_sealed, key=key, user_id=user_id), username)


def _enrolment(secret: str, username: str) -> Enrolment:
    uri = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your authenticator")
    return Enrolment(secret=secret, uri=uri, qr_svg=svg)


def confirm_enrolment(
    *, session: Session, user_id: int, code: str, key: bytes, now: datetime
) -> list[str] | None:
    """Make the secret live if the code is right; returns the new recovery codes (or None)."""
    found = credential(session, user_id)
    if found is None or found.confirmed_at is not None:
        return None
    if not _accept_code(session, found, code, key, now):
        return None
    found.confirmed_at = now
    return new_recovery_codes(session=session, user_id=user_id, now=now)


def verify_code(*, session: Session, user_id: int, code: str, key: bytes, now: datetime) -> bool:
    found = credential(session, user_id)
    if found is None or found.confirmed_at is None:
        return False
    return _accept_code(session, found, code, key, now)


def _accept_code(
    session: Session, found: MfaCredential, code: str, key: bytes, now: datetime
) -> bool:
    code = code.replace(" ", "").replace("-", "")
    if not _CODE.match(code):
        return False
    totp = pyotp.TOTP(unseal(found.secret_sealed, key=key, user_id=found.user_id))
    current = int(now.timestamp()) // STEP_SECONDS
    matched = [
        step
        for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1)
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code)
    ]
    if not matched or matched[-1] <= found.last_step:
        return False
    moved = session.execute(
        update(MfaCredential)
        .where(MfaCredential.id == found.id, MfaCredential.last_step < matched[-1])
        .values(last_step=matched[-1])
        .execution_options(synchronize_session=False)
    )
    session.refresh(found)
    return bool(getattr(moved, "rowcount", 0) == 1)


def new_recovery_codes(*, session: Session, user_id: int, now: datetime) -> list[str]:
    """Ten fresh codes, replacing any earlier ones; shown once, only their hashes kept."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(
        RecoveryCode(user_id=user_id, code_hash=_recovery_hash(code), created_at=now)
        for code in codes
    )
    session.flush()
    return codes


def use_recovery_code(*, session: Session, user_id: int, code: str, now: datetime) -> bool:
    spent = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == _recovery_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(spent, "rowcount", 0) == 1)


def recovery_codes_left(session: Session, user_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def looks_like_recovery_code(text: str) -> bool:
    return len(_normalise_recovery(text)) == 16


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _normalise_recovery(text: str) -> str:
    return re.sub(r"[\s-]", "", text).lower()


def _recovery_hash(code: str) -> str:
    return sha256_hex(_normalise_recovery(code).encode())
