"""Patient payments through the JSON API and the page: the front desk takes a payment and
prints its receipt, Tier 2 reverses one and asks for a refund, a manager decides it; each use
case checked and audited (issue 16)."""

from __future__ import annotations

from collections.abc import Callable

from desk_practice import build_desk

from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork

# P2's self-pay visit (CE3) leaves 150.00 to the patient.


def test_a_payment_through_the_api_is_posted_once_and_its_receipt_printed(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory, items=False)
    client = desk.client()
    front = {"Authorization": f"Bearer {desk.api_token(client, Role.TIER1)}"}
    body = {"amount": "100.00", "method": "check", "reference": "1001", "idempotency_key": "k1"}

    done = client.post("/api/v1/patients/P2/payments", json=body, headers=front)
    again = client.post("/api/v1/patients/P2/payments", json=body, headers=front)

    assert done.status_code == 200, done.text
    paid = done.json()
    assert (paid["applied"], paid["unapplied"], paid["created"]) == ("100.00", "0.00", True)
    assert again.json()["created"] is False
    assert again.json()["receipt"] == paid["receipt"]
    card = client.post(
        "/api/v1/patients/P2/payments",
        json={"amount": "5.00", "method": "card", "reference": "4111111111111111"},
        headers=front,
    )
    assert card.status_code == 422
    assert "card number" in card.json()["detail"]
    receipt = client.get(f"/api/v1/payments/{paid['receipt']}/receipt", headers=front)
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    account = client.get("/api/v1/patients/P2/account", headers=front).json()
    assert (account["patient_balance"], account["credit"]) == ("50.00", "0.00")
    [visit] = account["visits"]
    assert (visit["charge"], visit["patient_paid"], visit["patient_balance"]) == (
        "150.00",
        "100.00",
        "50.00",
    )
    auditor = {"Authorization": f"Bearer {desk.api_token(client, Role.AUDITOR)}"}
    refused = client.post("/api/v1/patients/P2/payments", json=body, headers=auditor)
    assert refused.status_code == 403
    with uow_factory() as uow:
        actions = [(r.record.action, r.record.outcome) for r in uow.audit.records()]
    assert actions.count(("take_payment", "ok")) == 2
    assert ("take_payment", "failed") in actions
    assert ("take_payment", "denied") in actions
    assert ("print_receipt", "ok") in actions


def test_reversal_and_a_refund_another_person_approves(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory, items=False)
    client = desk.client()
    front = {"Authorization": f"Bearer {desk.api_token(client, Role.TIER1)}"}
    tier2 = {"Authorization": f"Bearer {desk.api_token(client, Role.TIER2)}"}
    manager = {"Authorization": f"Bearer {desk.api_token(client, Role.MANAGER)}"}
    first = client.post(
        "/api/v1/patients/P2/payments", json={"amount": "90.00", "method": "cash"}, headers=front
    ).json()
    # 150.00 owed: 90.00 then 80.00 pay it all and leave 20.00 of credit.
    client.post(
        "/api/v1/patients/P2/payments",
        json={"amount": "80.00", "method": "card", "reference": "ch_1"},
        headers=front,
    )
    assert client.get("/api/v1/patients/P2/account", headers=front).json()["credit"] == "20.00"
    not_front = client.post(
        f"/api/v1/payments/{first['receipt']}/reversal",
        json={"reason": "returned-check"},
        headers=front,
    )
    assert not_front.status_code == 403

    reversed_ = client.post(
        f"/api/v1/payments/{first['receipt']}/reversal",
        json={"reason": "returned-check", "note": "NSF"},
        headers=tier2,
    )

    assert reversed_.status_code == 200, reversed_.text
    assert reversed_.json()["reversal_reason"] == "returned-check"
    account = client.get("/api/v1/patients/P2/account", headers=front).json()
    # 90.00 is owed again; the 20.00 of credit the second payment left pays part of it.
    assert (account["patient_balance"], account["credit"]) == ("70.00", "0.00")

    # 95.00 pays the 70.00 owed and leaves 25.00 of credit, refunded below.
    client.post(
        "/api/v1/patients/P2/payments",
        json={"amount": "95.00", "method": "cash", "reference": "r2"},
        headers=front,
    )
    asked = client.post(
        "/api/v1/refunds", json={"patient_account": "P2", "amount": "25.00"}, headers=tier2
    )
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["request_id"]
    assert (
        client.post(
            f"/api/v1/refunds/{request_id}/decision", json={"approve": True}, headers=tier2
        ).status_code
        == 403
    )
    decided = client.post(
        f"/api/v1/refunds/{request_id}/decision", json={"approve": True}, headers=manager
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "posted"
    letter = client.get(f"/api/v1/refunds/{request_id}/letter", headers=tier2)
    assert letter.content.startswith(b"%PDF")
    assert client.get("/api/v1/patients/P2/account", headers=front).json()["credit"] == "0.00"


def test_the_front_desk_takes_a_payment_on_the_patient_page(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory, items=False)
    front = desk.signed_in(Role.TIER1)
    page = front.get("/patients/P2")
    assert page.status_code == 200
    assert 'id="pay-form"' in page.text
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    posted = front.post(
        "/patients/P2/payments",
        data={"csrf_token": csrf, "amount": "40.00", "method": "cash", "claim_id": ""},
    )

    assert posted.status_code == 303
    assert posted.headers["location"] == "/patients/P2?receipt=1"
    shown = front.get("/patients/P2?receipt=1")
    assert 'id="receipt-link"' in shown.text
    assert '<dd id="patient-balance">110.00</dd>' in shown.text
    # What insurance still owes is on the account too, and the page says so beside it.
    assert "<dt>Open A/R (insurance and patient)</dt>" in shown.text
    pdf = front.get("/payments/1/receipt.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    auditor_page = desk.signed_in(Role.AUDITOR).get("/patients/P2")
    assert 'id="pay-form"' not in auditor_page.text
