"""The "Month end" page in a real browser (headless Debian chromium): a manager's close is
refused with its findings and fix hints, then done, and the closed month shows its pack, its
downloads and its invoice; an admin reopens it with a reason. Screenshots go to
``tests/e2e/screenshots/`` (git-ignored)."""

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

FEB = "2024-02"  # the small practice's charges are dated 2024-02-10


@dataclasses.dataclass
class Server:
    url: str
    desk: Desk
    inbox: Path


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    upgrade_to_head(engine)
    desk = build_desk(unit_of_work_factory(engine))
    home = tmp_path / "home"
    config = dataclasses.replace(desk.config, secure_cookies=False, settings=Settings(home=home))
    with served(config) as url:
        yield Server(url, desk, home / "inbox")
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def test_a_manager_closes_february_after_a_refusal_and_an_admin_reopens_it(
    browser: Browser, server: Server
) -> None:
    server.inbox.mkdir(parents=True)
    (server.inbox / "waiting.835").write_bytes(b"ISA*00*waiting~")
    page = sign_in(browser, server.url, server.desk, Role.MANAGER)
    page.get_by_role("link", name="Month end").click()
    page.get_by_label("Month (YYYY-MM)").fill(FEB)
    page.get_by_role("button", name="Show the month").click()
    expect(page.locator("#roll-forward")).to_be_visible()
    page.get_by_role("button", name=f"Close {FEB}").click()
    findings = page.locator("#findings")
    expect(findings).to_contain_text("CLOSE001")
    expect(findings).to_contain_text("835 file waiting.835 has not been posted")
    expect(findings).to_contain_text("run claimdesk ingest")
    shot(page, "month-end-refused")

    (server.inbox / "waiting.835").unlink()
    page.get_by_role("button", name=f"Close {FEB}").click()
    expect(page.get_by_role("heading", name=f"{FEB}: closed")).to_be_visible()
    expect(page.locator("#periods")).to_contain_text("close 2026-03-02")
    expect(page.locator("#invoice")).to_contain_text("Invoice to")
    expect(page.get_by_role("link", name=f"pack-{FEB}.pdf")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"pack-{FEB}.pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    shot(page, "month-end-closed")

    admin = sign_in(browser, server.url, server.desk, Role.ADMIN)
    admin.goto(f"{server.url}/month-end?month={FEB}")
    admin.get_by_label("Reason").fill("a late EOB")
    admin.get_by_role("button", name=f"Reopen {FEB}").click()
    expect(admin.locator("#periods")).to_contain_text("(a late EOB)")
    expect(admin.get_by_role("heading", name=f"{FEB}: open")).to_be_visible()
    shot(admin, "month-end-reopened")
