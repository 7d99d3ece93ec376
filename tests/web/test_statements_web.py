"""Patient statements through the JSON API and the page: the list, one statement, its PDF;
each read checked and audited (issue 16)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from desk_practice import CLAIM_T1, START, USERS, build_desk

from claimdesk.config import Settings
from claimdesk.desk.statements import StatementDesk
from claimdesk.domain.ledger import Account, BalanceQuery, Dimensions, EntryKind, standard_entry
from claimdesk.domain.money import Money
from claimdesk.domain.statements import shipped_dunning
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.store.uow import UnitOfWork


def _copay_left(uow_factory: Callable[[], UnitOfWork]) -> tuple[str, str]:
    """The payer pays CLAIM_T1 but 30.00, the patient's copay (PR-3); returns the account
    billed (the guarantor's, if any) and the patient's."""
    with uow_factory() as uow:
        claim = uow.claims.get(CLAIM_T1)
        assert claim is not None
        owed = uow.ledger.balance(
            BalanceQuery(accounts=frozenset({Account.INSURANCE_AR}), claim_id=CLAIM_T1)
        )
        patient = claim.encounter.patient_account
        dims = Dimensions(patient, CLAIM_T1, None, claim.payer_id)
        day = START.date()
        for entry_id, kind, amount, memo in (
            ("web-paid", EntryKind.INSURANCE_PAYMENT, owed - Money("30.00"), "CLP04 paid"),
            ("web-copay", EntryKind.TRANSFER_TO_PATIENT, Money("30.00"), "PR-3 patient_share"),
        ):
            uow.ledger.append(
                standard_entry(
                    entry_id=entry_id,
                    kind=kind,
                    amount=amount,
                    dims=dims,
                    effective=day,
                    recorded_at=START,
                    recorded_by="t",
                    memo=memo,
                )
            )
        party = uow.patients.get(patient)
        assert party is not None
        uow.commit()
    return party.guarantor_account or patient, patient


def test_statements_through_the_api_and_the_page(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    desk = build_desk(uow_factory)
    settings = Settings(home=tmp_path / "home")
    desk.config = dataclasses.replace(desk.config, settings=settings)
    account, patient_account = _copay_left(uow_factory)
    runner = StatementDesk(
        uow_factory,
        shipped_policy(),
        desk.clock,
        dunning=shipped_dunning(),
        archive=settings.archive,
    )
    done = runner.run_statements(runner.actor_named(USERS[Role.TIER1]))
    # The small practice's self-pay visit gets its statement too.
    sent = next(s for s in done.sent if s["account"] == account)
    assert sent["balance"] == "30.00"

    client = desk.client()
    headers = {"Authorization": f"Bearer {desk.api_token(client, Role.TIER1)}"}
    listed = client.get("/api/v1/statements", headers=headers)
    assert listed.status_code == 200, listed.text
    rows = {r["statement_id"]: r for r in listed.json()["statements"]}
    assert len(rows) == len(done.sent)
    row = rows[sent["statement_id"]]
    one = client.get(f"/api/v1/statements/{row['statement_id']}", headers=headers)
    assert one.status_code == 200, one.text
    assert one.json()["balance"] == "30.00"
    assert one.json()["visits"][0]["patient_owes"] == {"copay": "30.00"}
    pdf = client.get(row["pdf"], headers=headers)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    missing = client.get("/api/v1/statements/NOPE", headers=headers)
    assert missing.status_code == 404

    dashboard = desk.signed_in(Role.MANAGER).get("/dashboard")
    assert "Patient A/R aging by guarantor" in dashboard.text
    assert f"<td>{account}</td>" in dashboard.text

    page = desk.signed_in(Role.TIER1).get("/statements")
    assert page.status_code == 200
    assert f'href="/statements/{row["statement_id"]}.pdf"' in page.text
    # The patient's page lists the statement their account was sent, with its PDF.
    patient = desk.signed_in(Role.TIER1).get(f"/patients/{patient_account}")
    assert patient.status_code == 200, patient.text
    assert f'href="/statements/{row["statement_id"]}.pdf"' in patient.text
    assert "No statement sent to this account." not in patient.text
    with uow_factory() as uow:
        actions = [(r.record.action, r.record.outcome) for r in uow.audit.records()]
    assert ("view_statements", "ok") in actions
    assert ("view_statement", "not_found") in actions
    assert ("view_statement_pdf", "ok") in actions
