"""`joinedup serve`: the web service and API."""

from __future__ import annotations

import typer
import uvicorn

from joinedup.app import create_app
from joinedup.cli import common


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Serve Joined Up until interrupted."""
    app = create_app(common.settings())
    common.console.print(f"Joined Up is serving on http://{host}:{port}")
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
