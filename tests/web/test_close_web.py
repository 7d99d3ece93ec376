"""Month-end close, the pack and the invoice through the JSON API and the "Month end" page:
the same desk use cases as the terminal, each checked against the role and audited
(docs/close.md, issue 15)."""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from desk_practice import USERS, Desk, build_desk
from fastapi.testclient import TestClient

from claimdesk.config import Settings
from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork

# The small practice's charges are dated 2024-02-10; the desk's today is 2026-03-02.
FEB = "2024-02"


def _desk(uow_factory: Callable[[], UnitOfWork], home: Path) -> Desk:
    desk = build_desk(uow_factory)
    desk.config = dataclasses.replace(desk.config, settings=Settings(home=home))
    return desk


def _bearer(desk: Desk, client: TestClient, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {desk.api_token(client, role)}"}


def _audit(uow_factory: Callable[[], UnitOfWork], action: str) -> list[tuple[str, str, str]]:
    with uow_factory() as uow:
        return [
            (r.record.user_id, r.record.outcome, r.record.detail)
            for r in uow.audit.records()
            if r.record.action == action
        ]


def _csrf(client: TestClient) -> str:
    return client.get("/month-end").text.split('name="csrf_token" value="')[1].split('"')[0]


def test_a_close_refused_answers_its_findings_and_then_closes(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    desk = _desk(uow_factory, home)
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "waiting.835").write_bytes(b"ISA*00*waiting~")
    client = desk.client()
    manager = _bearer(desk, client, Role.MANAGER)

    refused = client.post(f"/api/v1/periods/{FEB}/close", headers=manager)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert body["status"] == 409
    assert [(f["code"], f["location"]) for f in body["findings"]] == [
        ("CLOSE001", str(inbox / "waiting.835"))
    ]
    assert body["findings"][0]["fix_hint"].startswith("run claimdesk ingest")
    assert client.get("/api/v1/periods", headers=manager).json() == []

    (inbox / "waiting.835").unlink()
    done = client.post(f"/api/v1/periods/{FEB}/close", headers=manager)
    assert done.status_code == 200, done.text
    assert done.json()["closed"] is True
    assert done.json()["roll_forward"][-1]["payer_class"] == "all"
    listed = client.get("/api/v1/periods", headers=manager).json()
    assert [(p["period"], p["status"]) for p in listed] == [(FEB, "closed")]
    assert [e["by"] for e in listed[0]["events"]] == [USERS[Role.MANAGER]]
    again = client.post(f"/api/v1/periods/{FEB}/close", headers=manager)
    assert again.status_code == 409
    assert "already closed" in again.json()["detail"]
    # Refused by its pre-checks, closed, refused as already closed.
    assert [(u, o) for u, o, _ in _audit(uow_factory, "close_period")] == [
        ("meg", "failed"),
        ("meg", "ok"),
        ("meg", "failed"),
    ]
    assert _audit(uow_factory, "close_period")[0][2] == "refused: CLOSE001"


def test_reopening_needs_an_admin_and_a_reason_and_is_audited(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    desk = _desk(uow_factory, tmp_path / "home")
    client = desk.client()
    manager = _bearer(desk, client, Role.MANAGER)
    admin = _bearer(desk, client, Role.ADMIN)
    assert client.post(f"/api/v1/periods/{FEB}/close", headers=manager).status_code == 200
    url = f"/api/v1/periods/{FEB}/reopen"
    assert client.post(url, json={"reason": "late EOB"}, headers=manager).status_code == 403
    assert client.post(url, json={}, headers=admin).status_code == 422
    assert client.post(url, json={"reason": "   "}, headers=admin).status_code == 422
    reopened = client.post(url, json={"reason": "a late EOB"}, headers=admin)
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "open"
    assert [(e["action"], e["reason"]) for e in reopened.json()["events"]] == [
        ("close", ""),
        ("reopen", "a late EOB"),
    ]
    assert _audit(uow_factory, "reopen_period") == [
        ("meg", "denied", ""),
        ("root", "ok", "reopened: a late EOB"),
    ]
    # The page: the admin reopens with a reason from the form.
    assert client.post(f"/api/v1/periods/{FEB}/close", headers=manager).status_code == 200
    page = desk.signed_in(Role.ADMIN)
    csrf = _csrf(page)
    form = page.post(f"/month-end/{FEB}/reopen", data={"csrf_token": csrf, "reason": "recount"})
    assert form.status_code == 303
    assert _audit(uow_factory, "reopen_period")[-1] == ("root", "ok", "reopened: recount")


def test_billers_are_refused_and_the_refusal_is_audited(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    desk = _desk(uow_factory, tmp_path / "home")
    client = desk.client()
    for role in (Role.TIER1, Role.TIER2):
        headers = _bearer(desk, client, role)
        assert client.post(f"/api/v1/periods/{FEB}/close", headers=headers).status_code == 403
        assert client.get("/api/v1/periods", headers=headers).status_code == 403
        assert client.get(f"/api/v1/periods/{FEB}/pack", headers=headers).status_code == 403
        assert desk.signed_in(role).get("/month-end").status_code == 403
    assert _audit(uow_factory, "close_period") == [("ann", "denied", ""), ("bo", "denied", "")]
    assert [(u, o) for u, o, _ in _audit(uow_factory, "list_periods")] == [
        ("ann", "denied"),
        ("ann", "denied"),
        ("bo", "denied"),
        ("bo", "denied"),
    ]


def test_the_pack_and_the_invoice_download_as_pdf_csv_and_zip(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    desk = _desk(uow_factory, tmp_path / "home")
    client = desk.client()
    auditor = _bearer(desk, client, Role.AUDITOR)
    manager = _bearer(desk, client, Role.MANAGER)
    pack = client.get(f"/api/v1/periods/{FEB}/pack", headers=auditor)
    assert pack.status_code == 200, pack.text
    body = pack.json()
    assert (body["status"], body["reconciles"]) == ("open", True)
    assert body["roll_forward"][-1]["payer_class"] == "all"
    names = [f["name"] for f in body["files"]]
    assert names == [
        f"pack-{FEB}-roll-forward.csv",
        f"pack-{FEB}-day-sheets.csv",
        f"pack-{FEB}-by-account.csv",
        f"pack-{FEB}-by-reason.csv",
        f"pack-{FEB}.pdf",
        f"pack-{FEB}.zip",
    ]
    pdf = client.get(f"/api/v1/periods/{FEB}/pack", params={"format": "pdf"}, headers=auditor)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    roll = client.get(body["files"][0]["url"], headers=auditor)
    assert roll.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(roll.text)))
    assert rows[0][:2] == ["payer_class", "opening"]
    assert rows[1:] == [
        [r["payer_class"], *(r[k] for k in rows[0][1:])] for r in body["roll_forward"]
    ]
    packed = client.get(f"/api/v1/periods/{FEB}/pack", params={"format": "zip"}, headers=auditor)
    archive = zipfile.ZipFile(io.BytesIO(packed.content))
    assert sorted(archive.namelist()) == sorted(names[:-1])
    assert archive.read(f"pack-{FEB}.pdf").startswith(b"%PDF")  # the PDF carries its time
    assert archive.read(f"pack-{FEB}-roll-forward.csv") == roll.content

    # An open month has no invoice; once closed, it does.
    refused = client.get(f"/api/v1/periods/{FEB}/invoice", headers=auditor)
    assert refused.status_code == 409
    assert "is open" in refused.json()["detail"]
    assert client.post(f"/api/v1/periods/{FEB}/close", headers=manager).status_code == 200
    bill = client.get(f"/api/v1/periods/{FEB}/invoice", headers=auditor)
    assert bill.status_code == 200, bill.text
    assert bill.json()["total"] == "0.00"
    assert bill.json()["fee_model_set"] is False
    bill_pdf = client.get(
        f"/api/v1/periods/{FEB}/invoice", params={"format": "pdf"}, headers=auditor
    )
    assert bill_pdf.content.startswith(b"%PDF")
    fee = client.get(f"/api/v1/periods/{FEB}/files/invoice-{FEB}.csv", headers=auditor)
    assert fee.text.splitlines()[0] == "line,based_on,amount"
    missing = client.get(f"/api/v1/periods/{FEB}/files/pack-{FEB}.txt", headers=auditor)
    assert missing.status_code == 404
    assert ("aud", "ok") in [(u, o) for u, o, _ in _audit(uow_factory, "invoice")]

    # The page offers the same files and the closed month's invoice.
    page = desk.signed_in(Role.AUDITOR)
    month = page.get("/month-end", params={"month": FEB})
    assert month.status_code == 200
    assert f'href="/month-end/{FEB}/files/pack-{FEB}.pdf"' in month.text
    assert f'href="/month-end/{FEB}/files/invoice-{FEB}.pdf"' in month.text
    download = page.get(f"/month-end/{FEB}/files/pack-{FEB}-day-sheets.csv")
    assert download.status_code == 200
    assert download.text.splitlines()[0] == "day,charges,payments,adjustments,transfers"
    assert page.get(f"/month-end/{FEB}/files/pack-{FEB}.pdf").content.startswith(b"%PDF")


def test_the_page_lists_the_refusal_findings_with_their_fix_hints(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    desk = _desk(uow_factory, home)
    (home / "inbox").mkdir(parents=True)
    (home / "inbox" / "waiting.835").write_bytes(b"ISA*00*waiting~")
    page = desk.signed_in(Role.MANAGER)
    start = page.get("/month-end")
    assert start.status_code == 200
    assert 'href="/month-end"' in start.text  # the nav link
    refused = page.post(f"/month-end/{FEB}/close", data={"csrf_token": _csrf(page)})
    assert refused.status_code == 409
    assert 'id="findings"' in refused.text
    assert "835 file waiting.835 has not been posted" in refused.text
    assert "run claimdesk ingest" in refused.text
    (home / "inbox" / "waiting.835").unlink()
    closed = page.post(f"/month-end/{FEB}/close", data={"csrf_token": _csrf(page)})
    assert closed.status_code == 303
    assert closed.headers["location"] == f"/month-end?month={FEB}"
    after = page.get(closed.headers["location"])
    assert "closed" in after.text
    assert 'id="invoice"' in after.text
