"""Posting 835 files into the books, on SQLite and PostgreSQL: balances per claim, patient and
payer against hand-computed figures, idempotency, reversals, holds and Tier 2 work."""

from __future__ import annotations

from collections.abc import Callable

from remit_practice import NOW, file_of, paid_claim, remittance, seed

from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.ledger import Account, BalanceQuery
from claimdesk.domain.money import Money
from claimdesk.services.post_remittance import RemitOutcome, post_bytes
from claimdesk.store.uow import UnitOfWork

M = Money
Factory = Callable[[], UnitOfWork]


def post(uow_factory: Factory, data: bytes, name: str = "era.835"):  # type: ignore[no-untyped-def]
    return post_bytes(uow_factory, data, name=name, now=NOW, by="poster")


def balance(uow_factory: Factory, **query: object) -> Money:
    with uow_factory() as uow:
        return uow.ledger.balance(BalanceQuery(**query))  # type: ignore[arg-type]


def test_a_paid_claim_posts_payment_contractual_and_patient_share(uow_factory: Factory) -> None:
    seed(uow_factory)
    result = post(uow_factory, file_of(remittance("T1", paid_claim("C1"))))
    assert [r.outcome for r in result.remittances] == [RemitOutcome.POSTED]
    ins = frozenset({Account.INSURANCE_AR})
    pat = frozenset({Account.PATIENT_AR})
    # 190.00 charged - 92.50 paid - 77.50 contractual - 20.00 to the patient = 0.00
    assert balance(uow_factory, accounts=ins, claim_id="C1") == M("0.00")
    assert balance(uow_factory, accounts=pat, claim_id="C1") == M("20.00")
    assert balance(uow_factory, accounts=pat, patient_account="P1") == M("20.00")
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("92.50")
    assert balance(uow_factory, accounts=frozenset({Account.CONTRACTUAL})) == M("77.50")
    # The other two claims still owe their full charges to Acme.
    assert balance(uow_factory, accounts=ins, payer_id="ACME") == M("380.00")
    with uow_factory() as uow:
        claim = uow.claims.get("C1")
        assert claim is not None
        assert claim.status is ClaimStatus.PAID
        assert claim.payer_claim_number == "PCN-C1"
        assert claim.history[-1].by == "poster"
        assert "TRN02 T1" in claim.history[-1].reason
        assert sum(uow.ledger.trial_balance().values(), M(0)) == M(0)
