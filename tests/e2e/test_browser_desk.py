"""Browser tests: each role signs in to a real server in headless Debian chromium and works.

The server runs uvicorn in a background thread on a free port against a temporary SQLite
database. Screenshots of every screen go to ``tests/e2e/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import dataclasses
import os
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from claimdesk.http.app import create_app
from claimdesk.routing.access import Role
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import upgrade_to_head
from claimdesk.store.uow import unit_of_work_factory

sys.path.append(str(Path(__file__).resolve().parents[1] / "web"))
sys.path.append(str(Path(__file__).resolve().parents[1] / "integration"))
from desk_practice import PASSWORD, USERS, Desk, build_desk

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

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclasses.dataclass
class Server:
    url: str
    desk: Desk


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    upgrade_to_head(engine)
    desk = build_desk(unit_of_work_factory(engine))
    # Plain HTTP on the loopback interface: the cookie cannot be marked Secure here.
    config = dataclasses.replace(desk.config, secure_cookies=False)
    port = _free_port()
    uv = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    while not uv.started:
        thread.join(0.05)
    yield Server(f"http://127.0.0.1:{port}", desk)
    uv.should_exit = True
    thread.join()
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_in(browser: Browser, server: Server, role: Role) -> Page:
    page = browser.new_page()
    page.goto(f"{server.url}/login")
    page.get_by_label("User name").fill(USERS[role])
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    code = server.desk.code(USERS[role])
    if code:
        page.get_by_label("One-time code").fill(code)
    page.keyboard.press("Enter")  # the form works from the keyboard alone
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def test_tier1_takes_the_next_item_notes_it_and_closes_it(browser: Browser, server: Server) -> None:
    page = _sign_in(browser, server, Role.TIER1)
    _shot(page, "tier1-queue")
    expect(page.get_by_role("cell", name="190.00")).to_be_visible()
    page.get_by_role("button", name="Take the next item").click()
    expect(page).to_have_url(f"{server.url}/items/{server.desk.tier1_item}")
    expect(page.locator("#item-status")).to_have_text("in_progress")
    _shot(page, "tier1-item")
    page.get_by_label("Follow-up note").fill("Birth date taken from the insurance card")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Birth date taken from the insurance card")).to_be_visible()
    page.get_by_label("Outcome", exact=True).select_option("no_action_needed")
    page.get_by_label("What you did").select_option("fix_and_resubmit")
    page.get_by_role("button", name="Close item").click()
    expect(page).to_have_url(f"{server.url}/queue")
    _shot(page, "tier1-queue-after")
    page.goto(f"{server.url}/items/{server.desk.tier1_item}")
    expect(page.locator("#item-status")).to_have_text("done")
    page.goto(f"{server.url}/search?q=Doe")
    _shot(page, "tier1-search")
    page.get_by_role("link", name="Doe, Jane").click()
    _shot(page, "tier1-patient")


def test_tier2_takes_a_denial_and_escalates_it(browser: Browser, server: Server) -> None:
    page = _sign_in(browser, server, Role.TIER2)
    _shot(page, "tier2-queue")
    page.get_by_role("button", name="Take the next item").click()
    expect(page).to_have_url(f"{server.url}/items/{server.desk.tier2_item}")
    expect(
        page.get_by_role("heading", name=f"Item {server.desk.tier2_item}: denial")
    ).to_be_visible()
    _shot(page, "tier2-item")
    page.get_by_label("Escalate to tier 3: reason").fill("Payer keeps denying after correction")
    page.get_by_role("button", name="Escalate").click()
    expect(page).to_have_url(f"{server.url}/queue")
    page.goto(f"{server.url}/items/{server.desk.tier2_item}")
    expect(page.locator("#item-status")).to_have_text("escalated")
    page.goto(f"{server.url}/items/{server.desk.tier1_item}")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    _shot(page, "tier2-refused-tier1-item")


def test_manager_grants_a_queue_and_opens_the_dashboard(browser: Browser, server: Server) -> None:
    page = _sign_in(browser, server, Role.MANAGER)
    page.get_by_role("link", name="People").click()
    _shot(page, "manager-people")
    page.get_by_label("Queue for ann").select_option("t2-coding")
    page.locator("#grant-ann").click()
    expect(page.get_by_role("row", name="ann").get_by_text("t2-coding")).to_be_visible()
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="The practice at a glance")).to_be_visible()
    expect(page.get_by_text("balanced", exact=True)).to_be_visible()
    _shot(page, "manager-dashboard")


def test_auditor_reads_and_sees_masked_member_ids(browser: Browser, server: Server) -> None:
    page = _sign_in(browser, server, Role.AUDITOR)
    expect(page).to_have_url(f"{server.url}/dashboard")
    page.goto(f"{server.url}/patients/P1")
    expect(page.get_by_role("cell", name="•••••5678")).to_be_visible()
    _shot(page, "auditor-patient")
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("cell", name="view_patient").first).to_be_visible()
    _shot(page, "auditor-audit-log")
    expect(page.get_by_role("button", name="Take the next item")).to_have_count(0)


def test_admin_opens_people_and_signs_out(browser: Browser, server: Server) -> None:
    page = _sign_in(browser, server, Role.ADMIN)
    expect(page).to_have_url(f"{server.url}/admin/users")
    _shot(page, "admin-people")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{server.url}/login")
    page.goto(f"{server.url}/admin/users")
    expect(page).to_have_url(f"{server.url}/login")
