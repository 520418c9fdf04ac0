"""The pages: server-rendered with the GOV.UK Design System, working without JavaScript."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
logger = logging.getLogger("joinedup.web")


def mount(app: FastAPI) -> None:
    """Add the pages, their static files, the error pages and the security headers to `app`."""
    from joinedup.web import csrf, errors, headers
    from joinedup.web.routes import (
        account,
        audit,
        auth,
        break_glass,
        case_audits,
        cases,
        children,
        concerns,
        dashboard,
        deadlines,
        early_help,
        escalations,
        exports,
        front_door,
        governance,
        home,
        inbox,
        incidents,
        leaving_care,
        partners,
        people,
        prompts,
        records,
        restricted,
        review,
        search,
        workforce,
    )

    if not (STATIC / "govuk" / "govuk-frontend.min.css").is_file():
        logger.warning("GOV.UK Frontend assets are missing: run `make setup` (npm ci + assets)")
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=True), name="static")
    # The review queue's paths come before a person's, which would otherwise take `review`.
    routes = (auth, home, records, search, exports, children, review, people, audit, account,
              concerns, front_door, cases, deadlines, prompts, partners,
              inbox, workforce, dashboard, early_help, escalations,
              case_audits, incidents, break_glass, restricted, governance,
              leaving_care)  # fmt: skip
    for module in routes:
        app.include_router(module.router)
    app.add_middleware(csrf.CsrfGuard)  # every unsafe request: inside the catch-all and headers
    errors.install(app)  # adds the catch-all middleware first: it sits inside the headers
    app.add_middleware(headers.SecurityHeaders)
