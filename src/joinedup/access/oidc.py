"""Single sign-on with the council's OpenID Connect provider: the authorisation code flow with
PKCE (S256), state and nonce, and the ID token checked before anyone is matched to an account.

authlib supplies the protocol pieces (PKCE challenge, tokens, the ID token's claim rules) and
joserfc the signature check; the three HTTP calls (discovery, JWKS, token endpoint) are made
here with the standard library, so no HTTP client library is needed at run time.

The ID token must be signed with an asymmetric algorithm by a key in the provider's JWKS, name
the configured issuer and this client as its audience, carry the nonce this request sent, and
be within its lifetime (60 seconds' leeway). A person is matched to an existing account by the
subject remembered at an earlier sign-on, or else by a verified e-mail address in the council's
domain that is the account's e-mail address (or its username); the subject is then
remembered. No account is ever made here: an unknown person is refused.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]
from authlib.oidc.core import CodeIDToken  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from joinedup.access.auth_models import ExternalIdentity, SsoRequest
from joinedup.access.models import User
from joinedup.core.ids import new_token, sha256_hex

ALGORITHMS = ("RS256", "PS256", "ES256")  # asymmetric only: never `none`, never a shared secret
LEEWAY_SECONDS = 60
REQUEST_LIFETIME_SECONDS = 600
_TIMEOUT_SECONDS = 10
_METADATA_TTL_SECONDS = 3600
_cache: dict[str, tuple[float, dict[str, Any]]] = {}


class SsoRefused(Exception):
    """Single sign-on did not identify an account. `reason` is a fixed phrase (for the audit
    log and the page), never the provider's own words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Client:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    email_domain: str | None


@dataclass(frozen=True)
class Started:
    url: str
    state: str


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    email: str | None
    email_verified: bool


def start(*, session: Session, client: Client, next_path: str, now: datetime) -> Started:
    """Record a new authorisation request and give the provider's URL to send the browser to."""
    metadata = provider_metadata(client.issuer)
    state, nonce, verifier = new_token(), new_token(), new_token(48)
    session.add(
        SsoRequest(
            state_hash=sha256_hex(state.encode()),
            nonce=nonce,
            code_verifier=verifier,
            next_path=next_path[:500],
            created_at=now,
        )
    )
    session.flush()
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": client.redirect_uri,
            "scope": "openid email profile",
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    endpoint = str(metadata["authorization_endpoint"])
    return Started(url=f"{endpoint}{'&' if '?' in endpoint else '?'}{query}", state=state)


def take_request(*, session: Session, state: str, now: datetime) -> SsoRequest:
    """The unused, recent request this state belongs to, marked used (a state works once)."""
    found = session.scalar(
        select(SsoRequest).where(SsoRequest.state_hash == sha256_hex(state.encode()))
    )
    if found is None or found.used_at is not None:
        raise SsoRefused("unknown or reused state")
    if (now - found.created_at).total_seconds() > REQUEST_LIFETIME_SECONDS:
        raise SsoRefused("sign-in took too long")
    taken = session.execute(
        update(SsoRequest)
        .where(SsoRequest.id == found.id, SsoRequest.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(taken, "rowcount", 0) != 1:
        raise SsoRefused("unknown or reused state")
    return found


def finish(*, client: Client, request: SsoRequest, code: str, now: datetime) -> Identity:
    """Exchange the code (with the PKCE verifier) and check the ID token."""
    metadata = provider_metadata(client.issuer)
    tokens = _token_request(client, metadata, code, request.code_verifier)
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise SsoRefused("no ID token")
    claims = validate_id_token(
        client=client,
        metadata=metadata,
        id_token=id_token,
        nonce=request.nonce,
        access_token=tokens.get("access_token"),
        now=now,
    )
    return Identity(
        issuer=client.issuer,
        subject=str(claims["sub"]),
        email=claims.get("email") if isinstance(claims.get("email"), str) else None,
        email_verified=claims.get("email_verified") is True,
    )


def validate_id_token(
    *,
    client: Client,
    metadata: dict[str, Any],
    id_token: str,
    nonce: str,
    access_token: object,
    now: datetime,
) -> dict[str, Any]:
    try:
        token = _decode(client, metadata, id_token)
    except BadSignatureError:
        raise SsoRefused("bad signature") from None
    except JoseError:
        raise SsoRefused("unreadable ID token") from None
    params: dict[str, Any] = {"nonce": nonce, "client_id": client.client_id}
    if isinstance(access_token, str):
        params["access_token"] = access_token
    options = {
        "iss": {"essential": True, "value": client.issuer},
        "aud": {"essential": True, "value": client.client_id},
        "sub": {"essential": True},
    }
    claims = CodeIDToken(token.claims, token.header, options, params)
    try:
        claims.validate(now=int(now.timestamp()), leeway=LEEWAY_SECONDS)
    except ExpiredTokenError:
        raise SsoRefused("expired ID token") from None
    except ClaimError as exc:
        raise SsoRefused(_CLAIM_REASONS.get(exc.claim, "invalid ID token")) from None
    return dict(claims)


_CLAIM_REASONS = {
    "iss": "wrong issuer",
    "aud": "wrong audience",
    "azp": "wrong audience",
    "nonce": "wrong nonce",
    "exp": "expired ID token",
    "iat": "ID token not yet valid",
    "nbf": "ID token not yet valid",
    "sub": "no subject",
}


def _decode(client: Client, metadata: dict[str, Any], id_token: str) -> jwt.Token:
    allowed = [
        a
        for a in ALGORITHMS
        if a in metadata.get("id_token_signing_alg_values_supported", ALGORITHMS)
    ]
    keys = KeySet.import_key_set(_jwks(metadata))  # type: ignore[arg-type]
    try:
        return jwt.decode(id_token, keys, algorithms=allowed)
    except JoseError as first:
        if isinstance(first, BadSignatureError):
            raise
        # An unknown key id: the provider may have rotated its keys; fetch them once more.
        keys = KeySet.import_key_set(_jwks(metadata, refresh=True))  # type: ignore[arg-type]
        return jwt.decode(id_token, keys, algorithms=allowed)


def match_account(
    *, session: Session, identity: Identity, email_domain: str | None, now: datetime
) -> User:
    """The existing, active account this person is: by remembered subject, else by verified
    e-mail in the council's domain (the account's e-mail address, or its username); never a
    new account."""
    known = session.scalar(
        select(User)
        .join(ExternalIdentity, ExternalIdentity.user_id == User.id)
        .where(
            ExternalIdentity.issuer == identity.issuer,
            ExternalIdentity.subject == identity.subject,
        )
    )
    if known is not None:
        if not known.active:
            raise SsoRefused("account not active")
        return known
    email = (identity.email or "").strip().lower()
    if not email or not identity.email_verified:
        raise SsoRefused("unknown subject and no verified e-mail")
    if email_domain and not email.endswith("@" + email_domain.strip().lower()):
        raise SsoRefused("e-mail outside the council's domain")
    found = list(
        session.scalars(
            select(User).where(
                or_(func.lower(User.email) == email, func.lower(User.username) == email)
            )
        )
    )
    if len(found) > 1:
        raise SsoRefused("e-mail matches more than one account")
    if not found or not found[0].active:
        raise SsoRefused("no matching account")
    user = found[0]
    session.add(
        ExternalIdentity(
            user_id=user.id, issuer=identity.issuer, subject=identity.subject, created_at=now
        )
    )
    session.flush()
    return user


def provider_metadata(issuer: str) -> dict[str, Any]:
    """The provider's discovery document (cached for an hour); its issuer must be ours."""
    cached = _cache.get(issuer)
    if cached and time.monotonic() - cached[0] < _METADATA_TTL_SECONDS:
        return cached[1]
    metadata = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if metadata.get("issuer") != issuer:
        raise SsoRefused("provider names another issuer")
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(name), str):
            raise SsoRefused("provider metadata incomplete")
    _cache[issuer] = (time.monotonic(), metadata)
    return metadata


def _jwks(metadata: dict[str, Any], *, refresh: bool = False) -> dict[str, Any]:
    if refresh or "_jwks" not in metadata:
        metadata["_jwks"] = _get_json(str(metadata["jwks_uri"]))
    jwks: dict[str, Any] = metadata["_jwks"]
    return jwks


def _token_request(
    client: Client, metadata: dict[str, Any], code: str, verifier: str
) -> dict[str, Any]:
    body = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": client.redirect_uri,
            "code_verifier": verifier,
        }
    ).encode()
    pair = f"{urllib.parse.quote(client.client_id)}:{urllib.parse.quote(client.client_secret)}"
    headers = {
        "Authorization": "Basic " + base64.b64encode(pair.encode()).decode(),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return _get_json(str(metadata["token_endpoint"]), data=body, headers=headers)


def _get_json(
    url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    _check_url(url)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked just above
        url, data=data, headers={"Accept": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:  # noqa: S310
            parsed = json.loads(response.read(1_000_000))
    except urllib.error.HTTPError:
        raise SsoRefused("provider refused the request") from None
    except (urllib.error.URLError, OSError, ValueError):
        raise SsoRefused("provider unreachable") from None
    if not isinstance(parsed, dict):
        raise SsoRefused("provider answered with something unexpected")
    return parsed


def _check_url(url: str) -> None:
    """HTTPS only, except to this machine's loopback address (a provider under test)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and parts.hostname:
        try:
            if ipaddress.ip_address(parts.hostname).is_loopback:
                return
        except ValueError:
            if parts.hostname == "localhost":
                return
    raise SsoRefused("provider address is not HTTPS")
