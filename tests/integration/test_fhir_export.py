"""FHIR out: the exported Claims parse with the library and bill what the ledger charged, line
by line; a claim an 835 paid has an ExplanationOfBenefit (and a ClaimResponse) whose payment,
adjustments and patient share reconcile to the ledger for that claim."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.claim import Claim
from fhir.resources.R4B.claimresponse import ClaimResponse
from fhir.resources.R4B.explanationofbenefit import ExplanationOfBenefit
from remit_practice import NOW, file_of, paid_claim, remittance, seed
from sqlalchemy import func, select
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.denials.table import shipped_table
from claimdesk.domain.ledger import Account, BalanceQuery
from claimdesk.domain.money import Money
from claimdesk.fhir import systems
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.fhir_export import write_export
from claimdesk.services.post_remittance import RemitOutcome, post_bytes
from claimdesk.store.engine import make_engine
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.ledger import LedgerPostingRow
from claimdesk.store.uow import UnitOfWork
from claimdesk.synth import write_practice

AS_OF = date(2026, 9, 30)


def _parsed(text: str) -> Bundle:
    """The export as the library reads it: every resource through its model."""
    bundle = Bundle.model_validate(json.loads(text, parse_float=Decimal))
    assert bundle.type == "collection"
    return bundle


def _of_type(bundle: Bundle, kind: type[Any]) -> list[Any]:
    return [e.resource for e in bundle.entry or () if isinstance(e.resource, kind)]


def _identifier(resource: Any, system: str) -> str:
    return next(str(i.value) for i in resource.identifier if i.system == system)


def _charged(url: str) -> dict[tuple[str, int], Decimal]:
    """What the ledger charged each claim line: its gross charges, net of reversals."""
    postings = table_of(LedgerPostingRow)
    engine = make_engine(url)
    try:
        with engine.connect() as db:
            found = db.execute(
                select(postings.c.claim_id, postings.c.line_number, func.sum(postings.c.amount))
                .where(postings.c.account == Account.GROSS_CHARGES.value)
                .group_by(postings.c.claim_id, postings.c.line_number)
            )
            return {(claim, line): -Decimal(amount) for claim, line, amount in found}
    finally:
        engine.dispose()


def test_the_exported_claims_bill_what_the_ledger_charged(
    database_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    home, folder = tmp_path / "home", tmp_path / "bundle"
    env = {"CLAIMDESK_DATABASE_URL": database_url, "CLAIMDESK_USER": "clerk"}

    def run(*args: str, user: str = "clerk") -> str:
        result = runner.invoke(app, ["--home", str(home), "--as", user, *args], env=env)
        assert result.exit_code == 0, result.output
        return result.stdout

    run("init")
    run("users", "add", "bo", "--role", "tier2")
    write_practice(folder, patients=8, encounters=16, seed=11, as_of=AS_OF, days=60)
    run("import", str(folder))
    out = tmp_path / "claims.fhir.json"

    said = json.loads(run("fhir", "export", "--out", str(out), "--json", user="bo"))

    bundle = _parsed(out.read_text())
    claims = _of_type(bundle, Claim)
    assert said == {
        "out": str(out),
        "claims": 16,
        "claim_responses": 0,
        "explanations_of_benefit": 0,
    }
    charged = _charged(database_url)
    assert len(claims) == 16
    assert {_identifier(c, systems.CLAIM_ID) for c in claims} == {c for c, _ in charged}
    for claim in claims:
        claim_id = _identifier(claim, systems.CLAIM_ID)
        lines = {item.sequence: item.net.value for item in claim.item}
        assert lines == {n: v for (c, n), v in charged.items() if c == claim_id}
        assert claim.total.value == sum(lines.values())
        assert claim.total.currency == "USD"


def _balance(uow_factory: Callable[[], UnitOfWork], account: Account, claim_id: str) -> Money:
    with uow_factory() as uow:
        return uow.ledger.balance(BalanceQuery(accounts=frozenset({account}), claim_id=claim_id))


def _adjusted(adjudications: Any, group: str) -> Decimal:
    return sum(
        (
            a.amount.value
            for a in adjudications or ()
            if any(c.system == systems.CAS_GROUP and c.code == group for c in a.category.coding)
        ),
        Decimal(0),
    )


def _total(resource: Any, system: str, code: str) -> Decimal:
    return next(
        t.amount.value
        for t in resource.total
        if any(c.system == system and c.code == code for c in t.category.coding)
    )


def test_a_paid_claim_s_explanation_of_benefit_reconciles_to_the_ledger(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    seed(uow_factory, 2)
    # C1: 190.00 charged; paid 92.50, CO-45 57.50 + 20.00, PR-2 20.00 (remit_practice).
    posted = post_bytes(
        uow_factory,
        file_of(remittance("T1", paid_claim("C1"))),
        name="era.835",
        now=NOW,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )
    assert [r.outcome for r in posted.remittances] == [RemitOutcome.POSTED], posted
    out = io.StringIO()

    done = write_export(uow_factory, out, now=NOW)

    bundle = _parsed(out.getvalue())
    assert (done.claims, done.responses) == (2, 1)
    (eob,) = _of_type(bundle, ExplanationOfBenefit)
    (response,) = _of_type(bundle, ClaimResponse)
    claim_entry = next(
        e for e in bundle.entry if isinstance(e.resource, Claim) and e.resource.id == "C1"
    )
    assert eob.claim.reference == claim_entry.fullUrl
    assert response.request.reference == claim_entry.fullUrl
    # Hand-computed from the 835, and as the ledger holds it for C1.
    cash = _balance(uow_factory, Account.CASH, "C1")
    contractual = _balance(uow_factory, Account.CONTRACTUAL, "C1")
    patient = _balance(uow_factory, Account.PATIENT_AR, "C1")
    insurance = _balance(uow_factory, Account.INSURANCE_AR, "C1")
    assert (cash, contractual, patient, insurance) == (
        Money("92.50"),
        Money("77.50"),
        Money("20.00"),
        Money("0.00"),
    )
    for answer in (eob, response):
        adjudications = [a for item in answer.item for a in item.adjudication]
        assert answer.payment.amount.value == cash.amount
        assert _total(answer, systems.ADJUDICATION, "benefit") == cash.amount
        assert _adjusted(adjudications, "CO") == contractual.amount
        assert _adjusted(adjudications, "PR") == patient.amount
        assert _total(answer, systems.CAS_GROUP, "PR") == patient.amount
        submitted = _total(answer, systems.ADJUDICATION, "submitted")
        assert submitted == Decimal("190.00")
        assert submitted - cash.amount - contractual.amount - patient.amount == insurance.amount
        assert answer.payment.identifier.value == "T1"
    # Line by line: line 1 paid 72.50 after CO-45 57.50 and PR-2 20.00; line 2 paid 20.00.
    line_one, line_two = eob.item
    assert (line_one.sequence, line_two.sequence) == (1, 2)
    assert [
        (a.category.coding[0].code, a.reason.coding[0].code if a.reason else "", a.amount.value)
        for a in line_one.adjudication
    ] == [
        ("submitted", "", Decimal("150.00")),
        ("benefit", "", Decimal("72.50")),
        ("CO", "45", Decimal("57.50")),
        ("PR", "2", Decimal("20.00")),
    ]
    assert line_two.productOrService.coding[0].code == "90686"
