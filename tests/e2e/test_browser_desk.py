"""Browser tests: each role signs in to a real server in headless Debian chromium and works.

The server runs uvicorn in a background thread on a free port against a temporary SQLite
database. Screenshots of every screen go to ``tests/e2e/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimdesk.routing.access import Role
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import upgrade_to_head
from claimdesk.store.uow import unit_of_work_factory

sys.path.append(str(Path(__file__).resolve().parents[1] / "web"))
sys.path.append(str(Path(__file__).resolve().parents[1] / "integration"))
from desk_browser import chromium, served, shot, sign_in
from desk_practice import Desk, build_desk
from playwright.sync_api import Browser, expect


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
    with served(dataclasses.replace(desk.config, secure_cookies=False)) as url:
        yield Server(url, desk)
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def test_tier1_takes_the_next_item_notes_it_and_closes_it(browser: Browser, server: Server) -> None:
    page = sign_in(browser, server.url, server.desk, Role.TIER1)
    shot(page, "tier1-queue")
    expect(page.get_by_role("cell", name="190.00")).to_be_visible()
    page.get_by_role("button", name="Take the next item").click()
    expect(page).to_have_url(f"{server.url}/items/{server.desk.tier1_item}")
    expect(page.locator("#item-status")).to_have_text("in_progress")
    shot(page, "tier1-item")
    page.get_by_label("Follow-up note").fill("Birth date taken from the insurance card")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Birth date taken from the insurance card")).to_be_visible()
    page.get_by_label("Outcome", exact=True).select_option("no_action_needed")
    page.get_by_label("What you did").select_option("fix_and_resubmit")
    page.get_by_role("button", name="Close item").click()
    expect(page).to_have_url(f"{server.url}/queue")
    shot(page, "tier1-queue-after")
    page.goto(f"{server.url}/items/{server.desk.tier1_item}")
    expect(page.locator("#item-status")).to_have_text("done")
    page.goto(f"{server.url}/search?q=Doe")
    shot(page, "tier1-search")
    page.get_by_role("link", name="Doe, Jane").click()
    shot(page, "tier1-patient")


def test_tier2_takes_a_denial_and_escalates_it(browser: Browser, server: Server) -> None:
    page = sign_in(browser, server.url, server.desk, Role.TIER2)
    shot(page, "tier2-queue")
    page.get_by_role("button", name="Take the next item").click()
    expect(page).to_have_url(f"{server.url}/items/{server.desk.tier2_item}")
    expect(
        page.get_by_role("heading", name=f"Item {server.desk.tier2_item}: denial")
    ).to_be_visible()
    shot(page, "tier2-item")
    page.get_by_label("Escalate to tier 3: reason").fill("Payer keeps denying after correction")
    page.get_by_role("button", name="Escalate").click()
    expect(page).to_have_url(f"{server.url}/queue")
    page.goto(f"{server.url}/items/{server.desk.tier2_item}")
    expect(page.locator("#item-status")).to_have_text("escalated")
    page.goto(f"{server.url}/items/{server.desk.tier1_item}")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    shot(page, "tier2-refused-tier1-item")


def test_manager_grants_a_queue_and_opens_the_dashboard(browser: Browser, server: Server) -> None:
    page = sign_in(browser, server.url, server.desk, Role.MANAGER)
    page.get_by_role("link", name="People").click()
    shot(page, "manager-people")
    page.get_by_label("Queue for ann").select_option("t2-coding")
    page.locator("#grant-ann").click()
    expect(page.get_by_role("row", name="ann").get_by_text("t2-coding")).to_be_visible()
    page.get_by_role("button", name="Take back t2-coding from ann").click()
    expect(page.get_by_role("button", name="Take back t2-coding from ann")).to_have_count(0)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="The practice at a glance")).to_be_visible()
    expect(page.get_by_text("balanced", exact=True)).to_be_visible()
    shot(page, "manager-dashboard")


def test_auditor_reads_and_sees_masked_member_ids(browser: Browser, server: Server) -> None:
    page = sign_in(browser, server.url, server.desk, Role.AUDITOR)
    expect(page).to_have_url(f"{server.url}/dashboard")
    page.goto(f"{server.url}/patients/P1")
    expect(page.get_by_role("cell", name="•••••5678")).to_be_visible()
    shot(page, "auditor-patient")
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("cell", name="view_patient").first).to_be_visible()
    shot(page, "auditor-audit-log")
    expect(page.get_by_role("button", name="Take the next item")).to_have_count(0)


def test_admin_opens_people_and_signs_out(browser: Browser, server: Server) -> None:
    page = sign_in(browser, server.url, server.desk, Role.ADMIN)
    expect(page).to_have_url(f"{server.url}/admin/users")
    shot(page, "admin-people")
    # Disabling asks to confirm: the button does nothing until the box is ticked.
    page.locator("#disable-ann").click()
    expect(page.locator("#enable-ann")).to_have_count(0)
    page.get_by_label("Disable ann: their sessions end now").check()
    page.locator("#disable-ann").click()
    page.locator("#enable-ann").click()
    expect(page.locator("#disable-ann")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{server.url}/login")
    page.goto(f"{server.url}/admin/users")
    expect(page).to_have_url(f"{server.url}/login")


def test_tier2_picks_work_from_the_queue_and_reads_remittances_and_batches(
    browser: Browser, server: Server
) -> None:
    page = sign_in(browser, server.url, server.desk, Role.TIER2)
    page.get_by_label("Kind").select_option("denial")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#matched")).to_contain_text("1 item(s) match")
    page.get_by_role("link", name="At stake").click()
    expect(page).to_have_url(re.compile(r"sort=amount&order=desc"))
    page.get_by_role("link", name=str(server.desk.tier2_item), exact=True).click()
    expect(page).to_have_url(f"{server.url}/items/{server.desk.tier2_item}")
    page.get_by_role("link", name="Remittances").click()
    expect(page.get_by_role("heading", name="Remittances received (835)")).to_be_visible()
    shot(page, "tier2-remittances")
    page.get_by_role("link", name="Batches").click()
    expect(page.get_by_role("heading", name="837 batches sent")).to_be_visible()
    shot(page, "tier2-batches")
