"""The JSON API, version 1: `/api/v1`, documented at `/api/v1/openapi.json`."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi

from joinedup.api.errors import install_error_handlers
from joinedup.api.v1 import chronology, health, people, records, search
from joinedup.api.v1.nul import refuse_nul


def mount(app: FastAPI) -> None:
    install_error_handlers(app)
    app.include_router(health.router)
    guards = [Depends(refuse_nul)]  # a NUL anywhere: 422 naming the field (api/v1/nul.py)
    app.include_router(records.router, prefix="/api/v1", dependencies=guards)
    # Search's `/persons` list and the chronology come before a person's own path.
    app.include_router(search.router, prefix="/api/v1", dependencies=guards)
    app.include_router(chronology.router, prefix="/api/v1", dependencies=guards)
    app.include_router(people.router, prefix="/api/v1", dependencies=guards)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                routes=app.routes,
                description="Joined Up's API for partner agencies.",
            )
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(records.request_definitions())
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
