"""Deposits through the JSON API and the page: the same desk use cases as the terminal, each
checked and audited (issue 15)."""

from __future__ import annotations

from collections.abc import Callable

from desk_practice import START, build_desk

from claimdesk.domain.money import Money
from claimdesk.posting.bank_files import BankDeposit, bai2_text
from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork

DAY = START.date()
BANK = [BankDeposit("", "000111", DAY, Money("40.00"), "T9", "1123456789", "ACME")]


def test_a_bank_file_through_the_api_and_the_page(uow_factory: Callable[[], UnitOfWork]) -> None:
    desk = build_desk(uow_factory)
    client = desk.client()
    headers = {"Authorization": f"Bearer {desk.api_token(client, Role.TIER2)}"}
    text = bai2_text(BANK, sender="BANK1", receiver="CLINIC", created=DAY, file_id="1")
    bad = client.post(
        "/api/v1/deposits/files",
        json={"name": "bank.bai", "text": text.replace("49,4000,", "49,4001,")},
        headers=headers,
    )
    assert bad.status_code == 422
    assert (
        "bank.bai: line 5 (49 account trailer), field account control total"
        in (bad.json()["detail"])
    )
    done = client.post(
        "/api/v1/deposits/files", json={"name": "bank.bai", "text": text}, headers=headers
    )
    assert done.status_code == 200, done.text
    assert (done.json()["added"], done.json()["total"]) == (1, "40.00")
    again = client.post(
        "/api/v1/deposits/files", json={"name": "bank.bai", "text": text}, headers=headers
    )
    assert again.json()["already_imported"] is True

    report = client.get(
        "/api/v1/deposits/reconciliation", params={"as_of": DAY.isoformat()}, headers=headers
    ).json()
    assert report["unmatched_deposit_total"] == "40.00"
    assert report["exceptions"] == []  # inside the wait: awaiting its ERA
    assert report["work_changed"] is False

    page = desk.signed_in(Role.TIER2).get("/deposits")
    assert page.status_code == 200
    assert "deposits unmatched 40.00" in page.text
    with uow_factory() as uow:
        actions = [(r.record.action, r.record.outcome) for r in uow.audit.records()]
    assert ("import_deposits", "failed") in actions
    assert actions.count(("import_deposits", "ok")) == 2
    assert ("view_deposits", "ok") in actions
