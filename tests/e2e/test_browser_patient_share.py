"""The patient's-share pages in a real browser (headless Debian chromium), on the practice of
tests/web/share_desk.py: Tier 1 runs the statements from the Statements page (dry run first)
and opens the batch; a manager proposes the accounts due for collections and may not approve
their own proposal; another manager approves, exports and downloads the agency file; the front
desk makes a self-pay visit's good-faith estimate, which the bill then exceeds by $400; a
payment on the referred account shows as a recovery. Screenshots go to
``tests/e2e/screenshots/`` (git-ignored)."""

from __future__ import annotations

import dataclasses
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
from desk_practice import Desk
from playwright.sync_api import Browser, expect
from share_desk import SECOND_MANAGER, bill_more, build_share_desk


@dataclasses.dataclass
class Server:
    url: str
    desk: Desk


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    upgrade_to_head(engine)
    desk = build_share_desk(unit_of_work_factory(engine), tmp_path / "home")
    with served(dataclasses.replace(desk.config, secure_cookies=False)) as url:
        yield Server(url, desk)
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def test_statements_collections_and_a_good_faith_estimate_at_the_desk(
    browser: Browser, server: Server
) -> None:
    url, desk = server.url, server.desk
    ann = sign_in(browser, url, desk, Role.TIER1)
    ann.get_by_role("link", name="Statements").click()
    ann.get_by_role("button", name="Dry run").click()
    expect(ann.locator("#result-h")).to_contain_text("Dry run for 2024-07-15: nothing was kept")
    expect(ann.locator("#would-send")).to_contain_text("G1-20240715")
    expect(ann.locator("#would-send")).to_contain_text("P2-20240715")
    shot(ann, "statements-dry-run")
    ann.get_by_role("button", name="Run statements for 2024-07-15").click()
    expect(ann.locator("#result-h")).to_contain_text("Statements of 2024-07-15: run")
    expect(ann.locator("#runs")).to_contain_text("batch-2024-07-15.pdf")
    shot(ann, "statements-run")
    batch = ann.request.get(f"{url}/statements/runs/2024-07-15/batch.pdf")
    assert batch.headers["content-type"] == "application/pdf"
    assert batch.body().startswith(b"%PDF")

    meg = sign_in(browser, url, desk, Role.MANAGER)
    meg.get_by_role("link", name="Collections").click()
    expect(meg.locator("#candidates")).to_contain_text("G1")
    shot(meg, "collections-due")
    meg.get_by_role("button", name="Propose them for approval").click()
    expect(meg.locator("#pending")).to_contain_text("G1")
    meg.get_by_role("button", name="Approve referral 1").click()
    expect(meg.locator("#refused")).to_contain_text(
        "you proposed it; another manager must decide it"
    )
    shot(meg, "collections-own-proposal-refused")

    other = sign_in(browser, url, desk, Role.MANAGER, SECOND_MANAGER)
    other.goto(f"{url}/collections")
    other.get_by_role("button", name="Approve referral 1").click()
    other.get_by_role("button", name="Refuse referral 2").click()
    expect(other.locator("#approved")).to_contain_text("G1")
    other.get_by_role("button", name="Export the agency file").click()
    expect(other.locator("#exported")).to_contain_text("download collections-")
    expect(other.locator("#referred")).to_contain_text("35.00")
    shot(other, "collections-exported")
    link = other.locator("#export-link").get_attribute("href")
    assert link is not None
    agency = other.request.get(f"{url}{link}")
    assert agency.text().splitlines()[0] == (
        "referral,account,name,address,balance,dates_of_service,last_statement_date,"
        "last_payment_date,referred_on"
    )

    ann.goto(f"{url}/patients/P2")
    ann.get_by_label("Self-pay visit without an estimate").select_option("E3")
    ann.get_by_role("button", name="Make the good-faith estimate").click()
    expect(ann.locator("#gfe-total")).to_have_text("150.00")
    expect(ann.locator("#no-dispute")).to_be_visible()
    shot(ann, "good-faith-estimate")
    pdf = ann.request.get(f"{url}/gfe/GFE-E3/estimate.pdf")
    assert pdf.body().startswith(b"%PDF")
    bill_more(desk.uow_factory, "400.00")
    ann.reload()
    expect(ann.locator("#dispute-flag")).to_contain_text("dispute eligible")
    ann.get_by_role("button", name="Check the open estimates against the bill").click()
    expect(ann.locator("#gfe-status")).to_have_text("dispute")
    expect(ann.locator("#dispute-flag")).to_contain_text("are held (dispute)")
    shot(ann, "good-faith-estimate-dispute")
    ann.goto(f"{url}/patients/P2")
    expect(ann.locator("#gfes")).to_contain_text("dispute eligible")
    expect(ann.locator("#visits")).to_contain_text("150.00 (GFE)")
    shot(ann, "patient-estimates")

    ann.goto(f"{url}/patients/P1")
    ann.get_by_label("Amount").fill("20.00")
    ann.get_by_label("Method").select_option("check")
    ann.get_by_label("Reference", exact=False).fill("1042")
    ann.get_by_role("button", name="Post the payment").click()
    expect(ann.locator("#paid")).to_contain_text("print receipt")
    ann.goto(f"{url}/collections")
    expect(ann.locator("#referred")).to_contain_text("20.00")
    expect(ann.locator("#referred")).to_contain_text("15.00")
    shot(ann, "collections-recovered")
