"""Health: is the service up, and can it reach its database?"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from joinedup import __version__
from joinedup.db.session import reader

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness and database reachability")
def health(request: Request) -> JSONResponse:
    try:
        with reader(request.app.state.engine).connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "version": __version__})
