"""A small but real OpenID Connect provider for tests: discovery, JWKS, an authorisation endpoint
that signs the configured person straight in, and a token endpoint that checks the client's
secret, the redirect URI and the PKCE verifier, then returns an RS256 ID token.

`fault` makes the next ID token wrong in one way: "nonce", "signature", "audience", "expired"
or "issuer". Served by uvicorn on a free loopback port (`serve`).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "joinedup-kestrelford"
CLIENT_SECRET = "synthetic-client-secret"  # a test provider's own


class Provider:
    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.issuer = ""
        self.key = RSAKey.generate_key(2048, parameters={"kid": "signing-1", "use": "sig"})
        self.rogue = RSAKey.generate_key(2048, parameters={"kid": "signing-1", "use": "sig"})
        self.person: dict[str, Any] = {}
        self.fault: str | None = None
        self.codes: dict[str, dict[str, Any]] = {}
        self.token_requests = 0

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/jwks", self.jwks),
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
            ]
        )

    async def discovery(self, request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    async def jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def authorize(self, request: Request) -> Response:
        query = request.query_params
        if (
            query.get("client_id") != CLIENT_ID
            or query.get("response_type") != "code"
            or query.get("code_challenge_method") != "S256"
            or "openid" not in query.get("scope", "").split()
        ):
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "nonce": query.get("nonce"),
            "challenge": query["code_challenge"],
            "redirect_uri": query["redirect_uri"],
            "person": dict(self.person),
        }
        back = {"code": code, "state": query.get("state", "")}
        return RedirectResponse(f"{query['redirect_uri']}?{urlencode(back)}", status_code=302)

    async def token(self, request: Request) -> Response:
        self.token_requests += 1
        form = await request.form()
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.codes.pop(str(form.get("code")), None)
        verifier = str(form.get("code_verifier", ""))
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("redirect_uri") != grant["redirect_uri"]
            or challenge.decode().rstrip("=") != grant["challenge"]
        ):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token(grant),
            }
        )

    def id_token(self, grant: dict[str, Any]) -> str:
        issued = self.now() - (timedelta(hours=1) if self.fault == "expired" else timedelta())
        claims = {
            "iss": self.issuer + ("/other" if self.fault == "issuer" else ""),
            "sub": grant["person"]["sub"],
            "aud": "someone-else" if self.fault == "audience" else CLIENT_ID,
            "iat": int(issued.timestamp()),
            "exp": int((issued + timedelta(minutes=5)).timestamp()),
            "nonce": "a-nonce-never-sent" if self.fault == "nonce" else grant["nonce"],
            **{k: v for k, v in grant["person"].items() if k != "sub"},
        }
        key = self.rogue if self.fault == "signature" else self.key
        return jwt.encode({"alg": "RS256", "kid": "signing-1"}, claims, key)


@contextmanager
def serve(provider: Provider) -> Iterator[str]:
    """The provider on a free 127.0.0.1 port; yields its issuer URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    provider.issuer = f"http://127.0.0.1:{listener.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(provider.app(), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the provider did not start"
        time.sleep(0.05)
    try:
        yield provider.issuer
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()
