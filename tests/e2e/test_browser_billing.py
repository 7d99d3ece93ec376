"""Browser tests of the billing screens over a practice built by the real services.

Tier 1 fixes a held claim and resubmits it; Tier 2 works a denial into an appeal letter (PDF
downloaded and read) and a corrected claim, and posts an ERA; Tier 3 approves a write-off and
opens the dashboard. Screenshots of every screen go to ``tests/e2e/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import os
import re
import socket
import sys
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.work import WorkStatus
from claimdesk.http.app import create_app
from claimdesk.routing.access import Role
from claimdesk.services import tier2

sys.path.append(str(Path(__file__).resolve().parent))
from billing_practice import PASSWORD, USERS, BillingPractice, build_practice

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


def _pdf_text(data: bytes) -> str:
    """The PDF's content streams, inflated where compressed (FlateDecode)."""
    texts = [data.decode("latin-1")]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            texts.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(texts)


def _audited(built: BillingPractice, action: str) -> list[str | None]:
    with built.config.uow_factory() as uow:
        records = uow.audit.records(limit=10_000, newest_first=False)
    return [s.record.patient_account for s in records if s.record.action == action]


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
    assert _audited(built, "view_eligibility")[-1] is not None


def test_tier2_works_a_denial_into_an_appeal_letter_and_a_corrected_claim(
    browser: Browser, practice: tuple[str, BillingPractice]
) -> None:
    url, built = practice
    claim_id = built.denial_claim
    page = _sign_in(browser, url, Role.TIER2)
    page.get_by_role("button", name="Take the next item").click()
    expect(page).to_have_url(f"{url}/items/{built.tier2_item}")
    expect(page.locator("#denial-carc")).to_contain_text("-")
    expect(page.locator("#denial-action")).not_to_be_empty()
    _shot(page, "billing-tier2-denial")

    page.get_by_label("Appeal argument").fill("The service was billed as documented.")
    page.get_by_role("button", name="Write the appeal letter").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="appeal letter (PDF)").click()
    letter = download.value
    assert claim_id in letter.suggested_filename
    data = Path(letter.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    assert claim_id in _pdf_text(data)

    page.get_by_label("What the payer said").fill("Rep confirmed the appeal address")
    page.get_by_role("button", name="Log the follow-up").click()
    expect(page.get_by_text("Rep confirmed the appeal address").first).to_be_visible()
    page.get_by_role("button", name="Make a corrected claim (frequency 7)").click()
    # The corrected claim opens in the editor; nothing is sent until the biller saves it.
    expect(page).to_have_url(re.compile(rf"/claims/{claim_id}-7\d+/edit$"))
    expect(page.locator("#correction-draft")).to_contain_text(f"claim {claim_id}")
    _shot(page, "billing-tier2-corrected-claim-draft")
    page.get_by_role("button", name="Save and scrub again").click()
    expect(page.locator("#edit-not-saved")).to_contain_text("sent only with a correction")
    page.get_by_label("Line 1 Modifiers").fill("25")
    page.get_by_role("button", name="Save and scrub again").click()
    expect(page.locator("#edit-result")).to_contain_text("modifiers")
    _shot(page, "billing-tier2-appealed-and-corrected")
    with built.config.uow_factory() as uow:
        original = uow.claims.get(claim_id)
        assert original is not None
        assert original.status is ClaimStatus.CLOSED
        replacement = uow.claims.for_encounter(original.encounter.encounter_id)[-1]
        assert replacement.status in (ClaimStatus.READY, ClaimStatus.HELD)
        assert replacement.replaces_payer_claim_number == original.payer_claim_number
        assert replacement.lines[0].modifiers[:1] == ("25",)

    # The 837 has left the outbox for the clearinghouse: it is read where it is archived.
    built.settings.sent.mkdir(parents=True, exist_ok=True)
    for sent in built.settings.outbox.glob("837P-*.x12"):
        sent.rename(built.settings.sent / sent.name)
    page.goto(f"{url}/claims/{claim_id}/segments")
    expect(page.locator("#sent-837")).to_contain_text(f"CLM*{claim_id}*")
    expect(page.get_by_text(f"CLP*{claim_id}*")).to_be_visible()
    _shot(page, "billing-tier2-segments")

    page.get_by_role("link", name="Post an ERA").click()
    era = next(built.settings.archive.glob("*.835"))
    page.get_by_label("835 file").set_input_files(str(era))
    page.get_by_role("button", name="Post it").click()
    expect(page.get_by_text("This file was posted before; nothing changed.")).to_be_visible()
    _shot(page, "billing-tier2-era-summary")

    for action in ("view_item", "export_appeal_letter", "view_segments"):
        assert _audited(built, action), action
        assert all(patient is not None for patient in _audited(built, action)), action


def test_tier3_approves_a_write_off_and_opens_the_dashboard(
    browser: Browser, practice: tuple[str, BillingPractice]
) -> None:
    url, built = practice
    page = _sign_in(browser, url, Role.MANAGER, built.code(Role.MANAGER))
    page.get_by_role("link", name="My queue").click()
    page.get_by_role("button", name="Take the next item").click()
    expect(page).to_have_url(f"{url}/items/{built.approval_item}")
    expect(page.locator("#write-off-status")).to_have_text("pending")
    _shot(page, "billing-tier3-write-off")
    page.get_by_role("button", name="Approve the write-off").click()
    expect(page.locator("#write-off-status")).to_have_text("posted")
    expect(page.locator("#item-status")).to_have_text(WorkStatus.DONE.value)
    with built.config.uow_factory() as uow:
        claim = uow.claims.get(built.write_off_claim)
        assert claim is not None
        assert not tier2.insurance_balance(uow, built.write_off_claim).is_positive()

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Denial trend by month")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Denied dollars by category"))).to_be_visible()
    expect(page.get_by_role("heading", name="Insurance billed A/R aging by payer")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Insurance unbilled A/R aging by payer")
    ).to_be_visible()
    _shot(page, "billing-tier3-dashboard")
    page.locator("#ar-total a").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^A\/R as of \d{4}-\d\d-\d\d"))
    ).to_be_visible()
    expect(page.locator("tbody tr").first).to_be_visible()
    _shot(page, "billing-tier3-aging-claims")
