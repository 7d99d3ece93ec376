"""The patient account page in a real browser (headless Debian chromium): the front desk reads
the ledger by visit, takes a payment with the form, and opens its printable receipt; the page
then shows the payment and the balance it left. Screenshots go to ``tests/e2e/screenshots/``
(git-ignored)."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimdesk.config import Settings
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
    desk = build_desk(unit_of_work_factory(engine), items=False)
    config = dataclasses.replace(
        desk.config, secure_cookies=False, settings=Settings(home=tmp_path / "home")
    )
    with served(config) as url:
        yield Server(url, desk)
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def test_the_front_desk_takes_a_payment_and_prints_the_receipt(
    browser: Browser, server: Server
) -> None:
    page = sign_in(browser, server.url, server.desk, Role.TIER1)
    page.goto(f"{server.url}/patients/P2")
    # P2's self-pay visit: 150.00 charged, all of it the patient's.
    expect(page.locator("#visits")).to_contain_text("150.00")
    expect(page.locator("#patient-balance")).to_have_text("150.00")
    shot(page, "patient-account")

    page.get_by_label("Amount").fill("60.00")
    page.get_by_label("Method").select_option("card")
    page.get_by_label("Reference", exact=False).fill("ch_terminal_42")
    page.get_by_role("button", name="Post the payment").click()

    expect(page.locator("#paid")).to_contain_text("print receipt 1")
    expect(page.locator("#patient-balance")).to_have_text("90.00")
    expect(page.locator("#payments")).to_contain_text("ch_terminal_42")
    shot(page, "patient-payment-taken")
    receipt = page.request.get(f"{server.url}/payments/1/receipt.pdf")
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")
