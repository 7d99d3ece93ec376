"""The remittance (ERA) screens: an 835 posted from the upload page links to its remittance;
the list filters, sorts, pages and exports the 835 payments and says how many matched; the
detail shows each claim payment with a link to its claim and the PLB adjustments, so that
the claims paid less the adjustments equal the payment; audited, refused to an admin."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from desk_practice import CLAIM_T1, CLAIM_T2, build_desk
from fastapi.testclient import TestClient
from remit_practice import file_of, paid_claim, remittance

from claimdesk.config import Settings
from claimdesk.domain.money import Money
from claimdesk.edi.x835.model import ProviderAdjustment, ProviderAdjustmentItem, Remittance
from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork


def _eras(html: str) -> list[str]:
    return re.findall(r'<tr><td><a href="/eras/([^"]+)">', html)


def _amount(era: Remittance) -> Decimal:
    assert era.payment is not None
    return era.payment.amount.amount


def _post_835(client: TestClient, name: str, data: bytes) -> str:
    csrf = client.get("/remittances").text.split('name="csrf_token" value="')[1].split('"')[0]
    page = client.post(
        "/remittances", data={"csrf_token": csrf}, files={"file": (name, data, "text/plain")}
    )
    assert page.status_code == 200, page.text
    return page.text


def test_posted_remittances_are_listed_and_read_claim_by_claim(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    desk = build_desk(uow_factory)
    desk.config = dataclasses.replace(desk.config, settings=Settings(home=tmp_path / "home"))
    client = desk.signed_in(Role.TIER2)
    first = remittance("TRN-1", paid_claim(CLAIM_T1))
    second = remittance("TRN-2", paid_claim(CLAIM_T2))
    for trace, era in (("TRN-1", first), ("TRN-2", second)):
        page = _post_835(client, f"{trace}.835", file_of(era))
        assert f'href="/eras?trace={trace}"' in page

    listed = client.get("/eras?sort=trace&order=asc")
    assert listed.status_code == 200, listed.text
    assert "2 remittance(s) match" in listed.text
    ids = _eras(listed.text)
    assert len(ids) == 2
    assert listed.text.index("TRN-1") < listed.text.index("TRN-2")
    backwards = client.get("/eras?sort=trace&order=desc")
    assert _eras(backwards.text) == list(reversed(ids))
    one = client.get("/eras?trace=TRN-2")
    assert "1 remittance(s) match" in one.text
    nothing = client.get("/eras?amount_from=1000000")
    assert "No remittance matches." in nothing.text
    bad = client.get("/eras?paid_from=yesterday")
    assert bad.status_code == 409
    assert "paid from: &#39;yesterday&#39; is not a date" in bad.text

    lines = client.get("/eras.csv?sort=trace&order=asc").text.strip().splitlines()
    assert lines[0] == (
        "remittance_id,payer,payer_name,trace_number,paid_on,amount,claims,status,file"
    )
    assert [line.split(",")[3] for line in lines[1:]] == ["TRN-1", "TRN-2"]

    detail = client.get(f"/eras/{ids[0]}")
    assert detail.status_code == 200, detail.text
    assert f'href="/claims/{CLAIM_T1}"' in detail.text
    paid = re.search(r'id="era-paid">([0-9.]+)<', detail.text)
    amount = re.search(r'id="era-amount">([0-9.]+)<', detail.text)
    assert paid is not None
    assert amount is not None
    assert Decimal(paid.group(1)) == Decimal(amount.group(1)) == _amount(first)
    assert "Provider-level adjustments (PLB)" in detail.text

    assert desk.signed_in(Role.ADMIN).get("/eras").status_code == 403
    with uow_factory() as uow:
        actions = [r.record.action for r in uow.audit.records(limit=100, newest_first=True)]
    assert "list_remittances" in actions
    assert "view_remittance" in actions
    assert "export_remittances" in actions


def test_a_provider_level_adjustment_is_shown_and_balances_the_payment(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    desk = build_desk(uow_factory)
    desk.config = dataclasses.replace(desk.config, settings=Settings(home=tmp_path / "home"))
    client = desk.signed_in(Role.TIER2)
    kept = ProviderAdjustmentItem("CS", "", Money("25.00"))
    plb = ProviderAdjustment("1234567893", date(2024, 12, 31), (kept,))
    era = remittance("TRN-PLB", paid_claim(CLAIM_T1), plb=[plb])
    _post_835(client, "plb.835", file_of(era))
    (era_id,) = _eras(client.get("/eras").text)
    detail = client.get(f"/eras/{era_id}").text
    assert "PLB CS (provider level)" in detail
    assert "none (provider level)" in detail
    assert f"less adjustments 25.00 is the payment, {_amount(era)}" in detail
