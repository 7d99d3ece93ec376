"""``claimdesk serve``: the billing desk in the browser and the JSON API, with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from claimdesk.bootstrap import composed
from claimdesk.cli.app import app, console, ready, settings_of
from claimdesk.http.app import create_app

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web desk and the API (put TLS in front of it for anything but this machine)."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        # Cookies are marked Secure unless the desk listens on this machine only over plain HTTP.
        config = parts.desk_config(secure_cookies=host not in LOOPBACK)
        console.print(f"claimdesk desk on http://{host}:{port}/ (API under /api/v1)")
        uvicorn.run(create_app(config), host=host, port=port, log_level="warning")
