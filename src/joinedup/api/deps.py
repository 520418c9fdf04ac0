"""Who is calling the API: a partner system's bearer token, resolved to an Actor."""

from __future__ import annotations

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from joinedup.access import accounts
from joinedup.access.roles import Actor
from joinedup.core.errors import JoinedUpError
from joinedup.db.session import unit_of_work

bearer = HTTPBearer(auto_error=False, description="A partner system's API token.")


class Unauthenticated(JoinedUpError):
    """No credentials, or credentials that do not belong to an active account."""


def api_actor(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("Send an API token: Authorization: Bearer <token>.")
    with unit_of_work(request.app.state.engine, write=False) as session:
        actor = accounts.actor_for_token(session=session, token=credentials.credentials)
    if actor is None:
        raise Unauthenticated("That API token is not valid.")
    return actor
