"""Domain errors → HTTP for the API, in one place: `{"errors": [{"code", "message", "field"}]}`."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from joinedup.api.deps import Unauthenticated
from joinedup.core.errors import (
    Conflict,
    InvalidTransition,
    JoinedUpError,
    NotFound,
    NotPermitted,
    ValidationFailed,
)

STATUS: dict[type[JoinedUpError], int] = {
    NotFound: 404,
    Unauthenticated: 401,
    NotPermitted: 403,
    InvalidTransition: 409,
    Conflict: 409,
    ValidationFailed: 422,
}


def error_body(code: str, message: str, field: str | None = None) -> dict[str, object]:
    return {"errors": [{"code": code, "message": message, "field": field}]}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def api_error(exc: JoinedUpError) -> JSONResponse:
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    if exc.errors:
        body: dict[str, object] = {"errors": [e.as_dict() for e in exc.errors]}
    else:
        body = error_body(type(exc).__name__, exc.message)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"code": e["type"], "message": e["msg"], "field": ".".join(map(str, e["loc"]))}
            for e in exc.errors()
        ]
        return JSONResponse({"errors": errors}, status_code=422)
