"""The JSON API's billing routes go through the same desk checks as the pages."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from desk_practice import CLAIM_T1, CLAIM_T2, build_desk
from remit_practice import file_of, paid_claim, remittance

from claimdesk.analytics.report import KPI_NAMES
from claimdesk.config import Settings
from claimdesk.domain.ledger import Account, BalanceQuery
from claimdesk.domain.money import Money
from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork


def test_tier2_logs_a_payer_follow_up_on_the_denial_it_took(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory)
    client = desk.client()
    headers = {"Authorization": f"Bearer {desk.api_token(client, Role.TIER2)}"}
    taken = client.post("/api/v1/work/next", headers=headers).json()["item"]
    assert taken["id"] == desk.tier2_item
    answer = client.post(
        f"/api/v1/work/items/{desk.tier2_item}/follow-ups",
        json={"channel": "call", "notes": "payer reprocesses", "reference": "REF-9"},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["follow_up_id"] >= 1
    item = client.get(f"/api/v1/work/items/{desk.tier2_item}", headers=headers).json()
    assert any("payer follow-up by call logged" in e["detail"] for e in item["item"]["history"])
    with uow_factory() as uow:
        logged = uow.follow_ups.of_claim(CLAIM_T2)
    assert [f.reference for f in logged] == ["REF-9"]


def test_a_write_off_asks_for_a_positive_amount(uow_factory: Callable[[], UnitOfWork]) -> None:
    desk = build_desk(uow_factory)
    client = desk.client()
    headers = {"Authorization": f"Bearer {desk.api_token(client, Role.TIER2)}"}
    client.post("/api/v1/work/next", headers=headers)
    answer = client.post(
        f"/api/v1/work/items/{desk.tier2_item}/write-off",
        json={"amount": "-5.00", "reason_code": "small-balance"},
        headers=headers,
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert "amount" in answer.json()["detail"]


def test_an_upload_that_is_no_835_is_named_in_the_problem(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory)
    client = desk.client()
    headers = {"Authorization": f"Bearer {desk.api_token(client, Role.TIER2)}"}
    answer = client.post(
        "/api/v1/remittances", json={"name": "june.835", "x12": "ISA*nope~"}, headers=headers
    )
    assert answer.status_code == 409
    assert answer.json()["detail"].startswith("june.835: ")


def test_kpis_and_the_claims_behind_one(uow_factory: Callable[[], UnitOfWork]) -> None:
    desk = build_desk(uow_factory)
    client = desk.client()
    headers = {"Authorization": f"Bearer {desk.api_token(client, Role.MANAGER)}"}
    report = client.get("/api/v1/kpis?from=2026-01-01&to=2026-03-31", headers=headers).json()
    assert (report["from"], report["to"]) == ("2026-01-01", "2026-03-31")
    assert tuple(k["name"] for k in report["kpis"]) == KPI_NAMES
    found = client.get("/api/v1/kpis/ar_aging?from=2026-01-01&to=2026-03-31", headers=headers)
    assert found.status_code == 200
    assert found.json()["name"] == "ar_aging"
    assert found.json()["denominator"] is None
    backwards = client.get("/api/v1/kpis?from=2026-03-31&to=2026-01-01", headers=headers)
    assert backwards.status_code == 409
    assert "after" in backwards.json()["detail"]
    with uow_factory() as uow:
        actions = [s.record.action for s in uow.audit.records(limit=50, newest_first=True)]
    assert "view_claim_list" in actions


def test_an_uploaded_835_never_overwrites_an_archived_file_of_its_name(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    desk = build_desk(uow_factory)
    desk.config = dataclasses.replace(desk.config, settings=Settings(home=tmp_path))
    client = desk.client()
    headers = {"Authorization": f"Bearer {desk.api_token(client, Role.TIER2)}"}
    refused = client.post(
        "/api/v1/remittances", json={"name": "june.835", "x12": "ISA*nope~"}, headers=headers
    )
    assert refused.status_code == 409
    assert list(tmp_path.glob("archive/*")) == []  # a refused file leaves nothing behind
    files = [file_of(remittance(f"T-{c}", paid_claim(c))) for c in (CLAIM_T1, CLAIM_T2)]
    for data in files:
        posted = client.post(
            "/api/v1/remittances", json={"name": "june.835", "x12": data.decode()}, headers=headers
        )
        assert posted.status_code == 200, posted.text
    archived = {p.name: p.read_bytes() for p in (tmp_path / "archive").iterdir()}
    assert archived == {"june.835": files[0], "june.1.835": files[1]}


def test_a_write_off_reason_comes_from_the_code_list(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory)
    client = desk.client()
    headers = {"Authorization": f"Bearer {desk.api_token(client, Role.TIER2)}"}
    client.post("/api/v1/work/next", headers=headers)
    url = f"/api/v1/work/items/{desk.tier2_item}/write-off"
    free_text = client.post(
        url, json={"amount": "5.00", "reason_code": "CO-denial"}, headers=headers
    )
    assert free_text.status_code == 422
    assert "bad-debt" in free_text.text  # the refusal lists the codes
    coded = client.post(
        url,
        json={"amount": "5.00", "reason_code": "denial", "note": "payer will not budge"},
        headers=headers,
    )
    assert coded.status_code == 201, coded.text
    with uow_factory() as uow:
        [request] = [uow.write_offs.get(coded.json()["write_off_id"])]
        posted = uow.ledger.balance(
            BalanceQuery(accounts=frozenset({Account.WRITE_OFF_DENIAL}), claim_id=CLAIM_T2)
        )
    assert request is not None
    assert (request.reason_code, request.note) == ("denial", "payer will not budge")
    assert posted == Money("5.00")
