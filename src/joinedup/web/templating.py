"""Rendering pages: one Jinja2 environment with the GOV.UK Frontend macros and our templates."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from joinedup.web import formatting
from joinedup.web.navigation import navigation_for

ASSET_PATH = "/static/govuk/assets"
SERVICE_NAME = "Joined Up"


def make_environment() -> Environment:
    """Our templates first, then `govuk_frontend_jinja/...` from the package; autoescape on."""
    loader = ChoiceLoader(
        [
            PackageLoader("joinedup.web", "templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    env = Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(formatting.FILTERS)
    return env


_ENVIRONMENT = make_environment()


def page_context(request: Request, title: str, **values: Any) -> dict[str, Any]:
    """What every page needs: who is signed in, their navigation, the nonce, the phase banner."""
    viewer = getattr(request.state, "viewer", None)
    settings = request.app.state.settings
    return {
        "request": request,
        "title": title,
        "viewer": viewer,
        "navigation": navigation_for(viewer.role if viewer else None, request.url.path),
        "demo": settings.demo_accounts,
        "cspNonce": getattr(request.state, "csp_nonce", ""),
        "assetPath": ASSET_PATH,
        "serviceName": SERVICE_NAME,
        "error_list": error_list(values.get("errors") or {}),
        **values,
    }


def error_list(errors: dict[str, str]) -> list[dict[str, str]]:
    """Items for the GOV.UK error summary, each linking to its field."""
    return [{"text": message, "href": f"#{field}"} for field, message in errors.items() if message]


def render(
    request: Request,
    template: str,
    *,
    title: str,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    html = _ENVIRONMENT.get_template(template).render(page_context(request, title, **values))
    return HTMLResponse(html, status_code=status_code)
