"""Write-offs against an in-memory unit of work: what is posted, what waits, what closes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from fake_uow import FakeUnitOfWork

from claimdesk.domain.claims import Claim, ClaimStatus, FrequencyCode
from claimdesk.domain.encounters import Encounter, ServiceLine
from claimdesk.domain.ledger import Account, BalanceQuery, Responsibility
from claimdesk.domain.money import Money
from claimdesk.domain.recovery import POSTED, WriteOffRequest
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.charges import charge_entry
from claimdesk.services.tier2 import decide_write_off, request_write_off
from claimdesk.store.repositories.users import User

NOW = datetime(2024, 4, 2, 15, 0, tzinfo=UTC)
MANAGER = User("mgr", "Manager", Role.MANAGER, True, NOW, "admin")
BILLER = User("b1", "Tier 2 Biller", Role.TIER2, True, NOW, "admin")
INSURANCE = frozenset({Account.INSURANCE_AR})
DOS = date(2024, 3, 14)


def line(number: int, charge: str) -> ServiceLine:
    return ServiceLine(
        line_number=number,
        procedure_code="99213",
        charge=Money(charge),
        units=Decimal(1),
        date_of_service=DOS,
        place_of_service="11",
        diagnosis_pointers=(1,),
        modifiers=(),
    )


def denied_claim() -> Claim:
    encounter = Encounter(
        encounter_id="E1",
        patient_account="P1",
        rendering_npi="1234567893",
        billing_npi="1234567893",
        facility_id="F1",
        date_of_service=DOS,
        diagnoses=("J06.9",),
        lines=(line(1, "100.00"), line(2, "25.50")),
    )
    return Claim(
        claim_id="C-100",
        encounter=encounter,
        coverage_id="COV1",
        payer_id="PAYA",
        created_at=NOW,
        created_by="biller1",
        frequency=FrequencyCode.ORIGINAL,
        replaces_payer_claim_number="",
        status=ClaimStatus.DENIED,
    )


def practice_with_denied_claim() -> FakeUnitOfWork:
    """Claim C-100 denied, with its two lines ($100.00 and $25.50) owed by the insurer."""
    denied = denied_claim()
    charges = [
        charge_entry(
            claim_id=denied.claim_id,
            patient_account=denied.encounter.patient_account,
            payer_id=denied.payer_id,
            responsibility=Responsibility.INSURANCE,
            line=line,
            revision=1,
            recorded_at=NOW,
            recorded_by="biller1",
            source="test",
        )
        for line in denied.encounter.lines
    ]
    return FakeUnitOfWork(claims=[denied], entries=charges, users=[MANAGER, BILLER])


def owed(uow: FakeUnitOfWork) -> Decimal:
    return uow.ledger.balance(BalanceQuery(accounts=INSURANCE, claim_id="C-100")).amount


def test_a_small_write_off_posts_at_once_and_leaves_the_rest_owed() -> None:
    uow = practice_with_denied_claim()

    request_id = request_write_off(
        lambda: uow,
        "C-100",
        amount=Money("25.50"),
        reason_code="small-balance",
        note="",
        by="b1",
        now=NOW,
        policy=shipped_policy(),
    )

    request = uow.write_offs.get(request_id)
    assert request is not None
    assert request.status == POSTED
    assert request.entry_id == f"write-off:{request_id}"
    (entry,) = uow.ledger.appended
    assert {p.account: p.amount.amount for p in entry.postings}[
        Account.WRITE_OFF_SMALL_BALANCE
    ] == Decimal("25.50")
    assert owed(uow) == Decimal("100.00")
    assert uow.claims.by_id["C-100"].status is ClaimStatus.DENIED


def test_a_manager_approving_the_whole_balance_closes_the_claim() -> None:
    uow = practice_with_denied_claim()
    pending = uow.write_offs.add(
        WriteOffRequest(
            claim_id="C-100",
            amount=Money("125.50"),
            reason_code="bad-debt",
            note="",
            requested_by="b1",
            requested_at=NOW,
        )
    )
    assert pending.request_id is not None

    outcome = decide_write_off(lambda: uow, pending.request_id, approve=True, by="mgr", now=NOW)

    assert outcome == POSTED
    decided = uow.write_offs.get(pending.request_id)
    assert decided is not None
    assert (decided.status, decided.decided_by) == (POSTED, "mgr")
    assert owed(uow) == Decimal("0.00")
    assert uow.claims.by_id["C-100"].status is ClaimStatus.CLOSED
    assert uow.commits == 1
