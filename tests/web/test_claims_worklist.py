"""The claims worklist page: filters, sorts and pages the claims, says how many matched,
exports them as CSV, and is audited with the patients it showed; refused to an admin."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

from desk_practice import build_desk

from claimdesk.config import Settings
from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork


def _claims(html: str) -> list[str]:
    return re.findall(r'<tr><td><a href="/claims/([^"]+)">', html)


def test_the_claims_worklist_filters_sorts_pages_and_exports(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    desk = build_desk(uow_factory)
    desk.config = dataclasses.replace(desk.config, settings=Settings(home=tmp_path / "home"))
    client = desk.signed_in(Role.TIER2)
    page = client.get("/claims")
    assert page.status_code == 200, page.text
    shown = _claims(page.text)
    assert len(shown) >= 2
    assert f"{len(shown)} claim(s) match" in page.text

    # Each link's query is escaped once: the browser reads "sort=...&order=...".
    assert 'href="/claims?sort=claim_id&amp;order=desc"' in page.text
    by_id = client.get("/claims?sort=claim_id&order=asc")
    assert _claims(by_id.text) == sorted(shown)
    backwards = client.get("/claims?sort=claim_id&order=desc")
    assert _claims(backwards.text) == sorted(shown, reverse=True)

    acme = client.get("/claims?payer=ACME&sort=claim_id&order=asc")
    assert 0 < len(_claims(acme.text)) < len(shown)
    assert "Acme Health" in acme.text
    nothing = client.get("/claims?balance_from=1000000")
    assert "0 claim(s) match" in nothing.text
    assert "No claim matches." in nothing.text

    csv_text = client.get("/claims.csv?payer=ACME&sort=claim_id&order=asc").text
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("claim_id,status,payer_id,patient_account")
    assert [line.split(",")[0] for line in lines[1:]] == _claims(acme.text)

    refused = desk.signed_in(Role.ADMIN).get("/claims")
    assert refused.status_code == 403
    with uow_factory() as uow:
        records = uow.audit.records(limit=100, newest_first=True)
    listed = [r.record for r in records if r.record.action == "list_claims"]
    assert [r.detail for r in listed][:2] == ["nothing found", "patients shown: P1"]
    assert any(r.record.action == "export_claim_list" for r in records)
