"""Browser tests of the billing screens over a practice built by the real services.

Tier 1 edits a held claim in the claim editor (a refused value, then the fix) and fixes one from
its item; the rest of a billing team's day is walked in ``test_browser_day.py``. Screenshots of
every screen go to ``tests/e2e/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import os
import re
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.work import WorkStatus
from claimdesk.http.app import create_app
from claimdesk.routing.access import Role

sys.path.append(str(Path(__file__).resolve().parent))
from billing_practice import PASSWORD, USERS, BillingPractice, audited, build_practice

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

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


@pytest.fixture
def practice(tmp_path: Path) -> Iterator[tuple[str, BillingPractice]]:
    built = build_practice(tmp_path)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(built.config), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
    yield f"http://127.0.0.1:{port}", built
    server.should_exit = True
    thread.join()
    built.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_in(browser: Browser, url: str, role: Role, code: str = "") -> Page:
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{url}/login")
    page.get_by_label("User name").fill(USERS[role])
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    if code:
        page.get_by_label("One-time code").fill(code)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def test_tier1_edits_a_held_claim_in_the_claim_editor(
    browser: Browser, practice: tuple[str, BillingPractice]
) -> None:
    """The editor shows COD014 beside line 1's modifiers; a modifier in no code set is refused
    with nothing saved; 25 releases the claim, and the page lists the change."""
    url, built = practice
    page = _sign_in(browser, url, Role.TIER1)
    page.goto(f"{url}/claims/{built.held_claim}")
    page.get_by_role("link", name="Edit the claim").click()
    expect(page).to_have_url(f"{url}/claims/{built.held_claim}/edit")
    modifiers = page.get_by_label("Line 1 modifiers")
    finding = page.locator("input#line-1-modifiers ~ p.finding")
    expect(finding).to_contain_text("COD014")
    _shot(page, "billing-tier1-claim-editor")
    modifiers.fill("2Q")
    page.get_by_role("button", name="Save and scrub again").click()
    expect(page.locator("#edit-refused")).to_contain_text("Nothing of the edit was kept")
    expect(page.locator("input#line-1-modifiers ~ p.error")).to_contain_text("'2Q'")
    expect(page.get_by_label("Line 1 modifiers")).to_have_value("2Q")
    _shot(page, "billing-tier1-claim-editor-refused")
    page.get_by_label("Line 1 modifiers").fill("25")
    page.get_by_role("button", name="Save and scrub again").click()
    expect(page.locator("#edit-result")).to_contain_text("Saved and released")
    expect(page.locator("#edit-result")).to_contain_text("modifiers: (none) -> 25")
    expect(page.locator("#claim-status")).to_have_text("ready")
    _shot(page, "billing-tier1-claim-editor-released")
    page.get_by_role("link", name="Claims", exact=True).click()
    expect(page.locator("#matched")).to_contain_text("claim(s) match")
    page.get_by_label("Status").select_option("ready")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/claims\?status=ready"))
    expect(page.locator("table.worklist tbody tr").first).to_contain_text("ready")
    _shot(page, "billing-tier1-claims-worklist")
    with built.config.uow_factory() as uow:
        claim = uow.claims.get(built.held_claim)
        assert claim is not None
        assert claim.status is ClaimStatus.READY
        assert claim.lines[0].modifiers == ("25",)
        item = uow.work_items.get(built.tier1_item)
        assert item is not None
        assert item.status is WorkStatus.DONE


def test_tier1_fixes_a_held_claim_and_resubmits_it(
    browser: Browser, practice: tuple[str, BillingPractice]
) -> None:
    url, built = practice
    page = _sign_in(browser, url, Role.TIER1)
    _shot(page, "billing-tier1-queue")
    page.get_by_role("button", name="Take the next item").click()
    expect(page).to_have_url(f"{url}/items/{built.tier1_item}")
    expect(page.get_by_role("heading", name="Findings and fix hints")).to_be_visible()
    expect(page.locator("ul.findings")).to_contain_text("COD014")
    _shot(page, "billing-tier1-held-claim")
    page.get_by_label("Line 1 modifiers").fill("25")
    page.get_by_role("button", name="Save, scrub and resubmit").click()
    expect(page.locator("#fix-result")).to_contain_text("released")
    expect(page.locator("#item-status")).to_have_text("done")
    _shot(page, "billing-tier1-fixed")
    with built.config.uow_factory() as uow:
        claim = uow.claims.get(built.held_claim)
        assert claim is not None
        assert claim.status is ClaimStatus.READY
        assert "25" in claim.lines[0].modifiers
    page.get_by_role("link", name="Eligibility and estimate").click()
    page.get_by_role("button", name="Estimate the patient's share").click()
    expect(page.locator(".patient-share").first).to_be_visible()
    _shot(page, "billing-tier1-eligibility-estimate")
    assert audited(built, "view_eligibility")[-1] is not None
