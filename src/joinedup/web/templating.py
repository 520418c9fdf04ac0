"""Rendering pages: one Jinja2 environment with the GOV.UK Frontend macros and our templates."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from joinedup.web import formatting
from joinedup.web.navigation import navigation_for

ASSET_PATH = "/static/govuk/assets"
SERVICE_NAME = "Joined Up"


# The GOV.UK page template's one inline script (it marks the body `js-enabled`); the content
# security policy allows no inline script, so it is left out and /static/app.js does the same.
_INLINE_SCRIPT = re.compile(r"\n[ \t]*<script\b[^>]*>[^<]*</script>")
_GOVUK_PAGE = "template.html"


class GovukLoader(PackageLoader):
    """The GOV.UK Frontend templates, with the page template's inline script taken out."""

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool] | None]:
        source, filename, uptodate = super().get_source(environment, template)
        if template == _GOVUK_PAGE:
            source, count = _INLINE_SCRIPT.subn("", source)
            if count != 1:  # a new GOV.UK release changed its template: look again
                raise RuntimeError(f"expected one inline script in {template}, found {count}")
        return source, filename, uptodate


def make_environment() -> Environment:
    """Our templates first, then `govuk_frontend_jinja/...` from the package; autoescape on."""
    loader = ChoiceLoader(
        [
            PackageLoader("joinedup.web", "templates"),
            PrefixLoader({"govuk_frontend_jinja": GovukLoader("govuk_frontend_jinja")}),
        ]
    )
    env = Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(formatting.FILTERS)
    return env


_ENVIRONMENT = make_environment()


def page_context(request: Request, title: str, **values: Any) -> dict[str, Any]:
    """What every page needs: who is signed in, their navigation, the phase banner."""
    viewer = getattr(request.state, "viewer", None)
    settings = request.app.state.settings
    return {
        "request": request,
        "title": title,
        "viewer": viewer,
        "navigation": navigation_for(viewer.role if viewer else None, request.url.path),
        "demo": settings.demo_accounts,
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
