"""The ASGI application: one FastAPI app serving the pages and `/api/v1`.

No side effects at import.
"""

from __future__ import annotations

from fastapi import FastAPI

from joinedup import __version__
from joinedup.config import Settings
from joinedup.core.clock import Clock, SystemClock
from joinedup.db.session import make_engine


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    from joinedup.api.v1 import mount as mount_api
    from joinedup.rules.config import load_rules
    from joinedup.web import mount as mount_web

    settings = settings or Settings()
    # A bad rules file stops start-up with a message naming the file, line and field.
    rules = load_rules(settings.rules_path)
    app = FastAPI(
        title="Joined Up",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.clock = clock or SystemClock()
    app.state.rules = rules
    mount_api(app)
    mount_web(app)
    return app
