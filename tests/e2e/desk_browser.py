"""The web desk served on loopback and driven by Debian's chromium, for the browser tests: the
server thread, the browser, signing in as a role, and screenshots.

Importing this module skips the importing test module when chromium is missing (and fails it
under ``CI=true``, where the browser tests must run)."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from claimdesk.desk.config import DeskConfig
from claimdesk.http.app import create_app
from claimdesk.routing.access import Role

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing, and CI=true requires the browser tests")
    pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium", allow_module_level=True)

from desk_practice import PASSWORD, USERS, Desk  # noqa: E402
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(config: DeskConfig) -> Iterator[str]:
    """The desk of ``config`` served on a free loopback port until the block ends; its URL."""
    port = _free_port()
    uv = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    while not uv.started:
        thread.join(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join()


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(browser: Browser, url: str, desk: Desk, role: Role, user_id: str = "") -> Page:
    """A new page signed in as the role's person (or ``user_id``), with a one-time code where
    the role needs one; the form is worked from the keyboard alone."""
    user_id = user_id or USERS[role]
    page = browser.new_page()
    page.goto(f"{url}/login")
    page.get_by_label("User name").fill(user_id)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    code = desk.code(user_id)
    if code:
        page.get_by_label("One-time code").fill(code)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page
