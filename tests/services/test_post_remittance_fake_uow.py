"""Posting an 835 against an in-memory unit of work: the entries, the claim, the records kept."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from fake_uow import FakeUnitOfWork

from claimdesk.denials.table import shipped_table
from claimdesk.domain.claims import Claim, ClaimStatus, FrequencyCode
from claimdesk.domain.encounters import Encounter, ServiceLine
from claimdesk.domain.ledger import Account, BalanceQuery, Entry, EntryKind, Responsibility
from claimdesk.domain.money import Money
from claimdesk.edi.x12.codes import AdjustmentGroup, ClaimFilingIndicator, PaymentMethod
from claimdesk.edi.x12.codes import ClaimStatus as Clp
from claimdesk.edi.x12.composites import (
    Adjustment,
    EntityName,
    Procedure,
    QualifiedDate,
    Reference,
)
from claimdesk.edi.x12.writer import Envelope
from claimdesk.edi.x835.model import ClaimPayment, Party, ServicePayment
from claimdesk.edi.x835.write import remittance_of, write_835
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.charges import charge_entry
from claimdesk.services.post_remittance import RemitOutcome, post_bytes

NOW = datetime(2024, 3, 20, 10, 0, tzinfo=UTC)
DOS = date(2024, 2, 10)
PAID_ON = date(2024, 3, 15)
CO = AdjustmentGroup.CONTRACTUAL_OBLIGATION
CLAIM = BalanceQuery(claim_id="C-200")


def line(number: int, code: str, charge: str) -> ServiceLine:
    return ServiceLine(
        line_number=number,
        procedure_code=code,
        charge=Money(charge),
        units=Decimal(1),
        date_of_service=DOS,
        place_of_service="11",
        diagnosis_pointers=(1,),
        modifiers=(),
    )


def submitted_claim() -> Claim:
    encounter = Encounter(
        encounter_id="E2",
        patient_account="P1",
        rendering_npi="1234567893",
        billing_npi="1234567893",
        facility_id="F1",
        date_of_service=DOS,
        diagnoses=("J06.9",),
        lines=(line(1, "99213", "150.00"), line(2, "90686", "40.00")),
    )
    return Claim(
        claim_id="C-200",
        encounter=encounter,
        coverage_id="COV1",
        payer_id="ACME",
        created_at=NOW,
        created_by="biller1",
        frequency=FrequencyCode.ORIGINAL,
        replaces_payer_claim_number="",
        status=ClaimStatus.SUBMITTED,
    )


def charges(claim: Claim) -> list[Entry]:
    return [
        charge_entry(
            claim_id=claim.claim_id,
            patient_account="P1",
            payer_id="ACME",
            responsibility=Responsibility.INSURANCE,
            line=ln,
            revision=1,
            recorded_at=NOW,
            recorded_by="biller1",
            source="test",
        )
        for ln in claim.lines
    ]


def service(code: str, charge: str, paid: str, contractual: str) -> ServicePayment:
    return ServicePayment(
        Procedure("HC", code),
        Money(charge),
        Money(paid),
        units=Decimal(1),
        dates=(QualifiedDate("472", DOS),),
        adjustments=(Adjustment(CO, "45", Money(contractual)),),
    )


def paid_in_full_835() -> bytes:
    """190.00 charged: line 1 pays 92.50 (CO-45 57.50), line 2 pays 20.00 (CO-45 20.00)."""
    payment = ClaimPayment(
        patient_control_number="C-200",
        status=Clp.PRIMARY,
        charge=Money("190.00"),
        paid=Money("112.50"),
        filing_indicator=ClaimFilingIndicator.PPO,
        payer_claim_control_number="PCN-200",
        names=(EntityName("QC", "1", "DOE", "JANE", id_qualifier="MI", id="A12345678"),),
        patient_responsibility=Money("0.00"),
        facility_code="11",
        frequency="1",
        dates=(QualifiedDate("232", DOS),),
        service_lines=(
            service("99213", "150.00", "92.50", "57.50"),
            service("90686", "40.00", "20.00", "20.00"),
        ),
    )
    remittance = remittance_of(
        (payment,),
        payer=Party(
            "PR",
            "ACME HEALTH",
            address_lines=("1 PAYER WAY",),
            city="SPRINGFIELD",
            state="IL",
            postal_code="62701",
            references=(Reference("2U", "ACME"),),
        ),
        payee=Party("PE", "RIVERBEND", "XX", "1234567893"),
        payer_tax_id="123456789",
        technical_contact_phone="8005551212",
        trace_number="CHK-77",
        method=PaymentMethod.CHECK,
        payment_date=PAID_ON,
        production_date=date(2024, 3, 15),
    )
    envelope = Envelope("ACMEPAYER", "RIVERBEND", 1, 1, datetime(2024, 3, 15, 8, 0))
    return write_835([remittance], envelope).encode()


def test_a_paid_claim_posts_its_payment_and_contractual_adjustment_and_is_paid() -> None:
    claim = submitted_claim()
    uow = FakeUnitOfWork(claims=[claim], entries=charges(claim))
    assert uow.ledger.balance(CLAIM) == Money("190.00")

    result = post_bytes(
        lambda: uow,
        paid_in_full_835(),
        name="acme.835",
        now=NOW,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )

    assert result.ok
    (posted,) = result.remittances
    assert (posted.outcome, posted.claims_posted, posted.claims_held) == (
        RemitOutcome.POSTED,
        1,
        0,
    )
    kinds = [e.kind for e in uow.ledger.appended]
    # One payment and one contractual adjustment per service line.
    assert (
        sorted(kinds) == [EntryKind.CONTRACTUAL_ADJUSTMENT] * 2 + [EntryKind.INSURANCE_PAYMENT] * 2
    )
    assert all(e.effective == PAID_ON for e in uow.ledger.appended)
    # 92.50 + 20.00 paid; 57.50 + 20.00 adjusted by contract; 190.00 - 112.50 - 77.50 = 0 owed.
    cash = uow.ledger.balance(BalanceQuery(accounts=frozenset({Account.CASH}), claim_id="C-200"))
    contractual = uow.ledger.balance(
        BalanceQuery(accounts=frozenset({Account.CONTRACTUAL}), claim_id="C-200")
    )
    assert abs(cash) == Money("112.50")
    assert abs(contractual) == Money("77.50")
    assert uow.ledger.balance(CLAIM) == Money("0.00")
    line_1 = BalanceQuery(accounts=frozenset({Account.CASH}), claim_id="C-200", line_number=1)
    assert abs(uow.ledger.balance(line_1)) == Money("92.50")
    stored = uow.claims.get("C-200")
    assert stored is not None
    assert stored.status is ClaimStatus.PAID
    assert stored.payer_claim_number == "PCN-200"
    (row,) = uow.remittances.payments
    assert (row["status"], row["claim_id"], row["paid"]) == ("posted", "C-200", Decimal("112.50"))
    assert row["entry_ids"] == [e.entry_id for e in uow.ledger.appended]
    assert uow.remittances.file_outcome(result.sha256) == RemitOutcome.POSTED.value
    assert uow.commits == 2  # the remittance, then the file's record


def test_the_same_file_again_posts_nothing() -> None:
    claim = submitted_claim()
    uow = FakeUnitOfWork(claims=[claim], entries=charges(claim))
    data = paid_in_full_835()
    post_bytes(
        lambda: uow,
        data,
        name="acme.835",
        now=NOW,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )
    posted = list(uow.ledger.appended)

    again = post_bytes(
        lambda: uow,
        data,
        name="acme.835",
        now=NOW,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )

    assert again.already_ingested
    assert uow.ledger.appended == posted
