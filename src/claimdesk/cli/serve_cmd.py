"""``claimdesk serve``: the billing desk in the browser and the JSON API, with uvicorn."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer
import uvicorn

from claimdesk.bootstrap import composed
from claimdesk.cli.app import app, console, fail, home_settings_of, ready
from claimdesk.config import DEFAULT_PRACTICE
from claimdesk.http.app import create_app
from claimdesk.services.practices import PracticeError, practice_settings, resolved

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web desk and the API (put TLS in front of it for anything but this machine)."""
    # One server for every practice: each session works in the practice it chose, else the
    # server's, else its person's first. With several and none named, the server's is the first
    # client practice (a billing company keeps its clients out of the home's own).
    # The server is no person: who may work which practice is checked per session.
    home = home_settings_of(ctx)
    ready(home)
    if not home.practice:
        clients = [s.practice_id for s in practice_settings(home)]
        home = replace(home, practice=clients[0] if clients else DEFAULT_PRACTICE)
    try:
        settings = resolved(home)
    except PracticeError as exc:
        raise fail(str(exc)) from exc
    ready(settings)
    with composed(settings) as parts:
        # Cookies are marked Secure unless the desk listens on this machine only over plain HTTP.
        config = parts.desk_config(secure_cookies=host not in LOOPBACK)
        console.print(f"claimdesk desk on http://{host}:{port}/ (API under /api/v1)")
        uvicorn.run(create_app(config), host=host, port=port, log_level="warning")
