"""A small practice with submitted claims, and 835 files about them, for posting tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from store_practice import (
    ACME,
    CHILD,
    CHILD_ACME,
    CLINIC,
    DOCTOR,
    GROUP,
    MEDICARE,
    OFFICE,
    PARENT,
    line,
)

from claimdesk.codes.reference import load_config, shipped_reference
from claimdesk.denials.table import shipped_table
from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.coverage import Priority
from claimdesk.domain.encounters import Encounter
from claimdesk.domain.ledger import Responsibility
from claimdesk.domain.money import Money
from claimdesk.domain.payers import ContractRate
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
from claimdesk.edi.x835.model import (
    ClaimPayment,
    Party,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
)
from claimdesk.edi.x835.write import remittance_of, write_835
from claimdesk.edi.x837.segments import line_control_number
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.charges import charge_entry
from claimdesk.services.claim_editor import EditOutcome, claim_form, edit_claim
from claimdesk.services.post_remittance import post_bytes
from claimdesk.services.users import add_user
from claimdesk.store.uow import UnitOfWork

M = Money
CO = AdjustmentGroup.CONTRACTUAL_OBLIGATION
PR = AdjustmentGroup.PATIENT_RESPONSIBILITY
OA = AdjustmentGroup.OTHER_ADJUSTMENT
SUBMITTED_AT = datetime(2024, 2, 12, 9, 0, tzinfo=UTC)
NOW = datetime(2024, 3, 20, 10, 0, tzinfo=UTC)
VISIT_DAY = date(2024, 2, 10)
BILLING_ADDRESS = dataclasses.replace(CLINIC, postal_code="627011234")
RATES = (
    ContractRate("ACME", "99213", M("92.50"), date(2024, 1, 1)),
    ContractRate("ACME", "90686", M("20.00"), date(2024, 1, 1)),
)
SECONDARY_MCR = dataclasses.replace(
    CHILD_ACME,
    coverage_id="COV9",
    payer_id="MCR",
    member_id="M999",
    priority=Priority.SECONDARY,
)
PAYER = Party(
    "PR",
    "ACME HEALTH",
    address_lines=("1 PAYER WAY",),
    city="SPRINGFIELD",
    state="IL",
    postal_code="62701",
    references=(Reference("2U", "ACME"),),
)
PAYEE = Party("PE", "RIVERBEND", "XX", GROUP.npi)
PATIENT = EntityName("QC", "1", "DOE", "JANE", id_qualifier="MI", id="A12345678")


def encounter(number: int, day: date = VISIT_DAY) -> Encounter:
    """Visit ``E<n>``: line 1 99213 at 150.00, line 2 90686 at 40.00 (190.00 in all)."""
    return Encounter(
        encounter_id=f"E{number}",
        patient_account="P1",
        rendering_npi=DOCTOR.npi,
        billing_npi=GROUP.npi,
        facility_id="F1",
        date_of_service=day,
        diagnoses=("J02.9", "Z23"),
        lines=tuple(
            dataclasses.replace(ln, date_of_service=day)
            for ln in (line(1, "99213", "150.00", (1,)), line(2, "90686", "40.00", (2,)))
        ),
    )


def seed(
    uow_factory: Callable[[], UnitOfWork],
    count: int = 3,
    *,
    secondary: bool = False,
    a_day_apart: bool = False,
) -> list[str]:
    """Store the practice and ``count`` submitted claims C1..Cn with their charges; the visits
    are all on ``VISIT_DAY``, or with ``a_day_apart`` on consecutive days from it (so that the
    scrubber does not see the same service twice)."""
    encounters = [
        encounter(n, VISIT_DAY + timedelta(days=n - 1) if a_day_apart else VISIT_DAY)
        for n in range(1, count + 1)
    ]
    claims = []
    for enc in encounters:
        claim = Claim(
            claim_id=f"C{enc.encounter_id[1:]}",
            encounter=enc,
            coverage_id="COV1",
            payer_id="ACME",
            created_at=SUBMITTED_AT,
            created_by="tester",
        )
        claim.move_to(ClaimStatus.READY, by="tester", at=SUBMITTED_AT)
        claim.move_to(ClaimStatus.SUBMITTED, by="tester", at=SUBMITTED_AT)
        claims.append(claim)
    with uow_factory() as uow:
        for payer in (ACME, MEDICARE):
            uow.payers.add(payer)
        uow.providers.add(DOCTOR)
        # The 837 needs the billing provider's ZIP+4 (2010AA N403).
        uow.providers.add(dataclasses.replace(GROUP, address=BILLING_ADDRESS))
        uow.facilities.add(dataclasses.replace(OFFICE, address=BILLING_ADDRESS))
        uow.guarantors.add(PARENT)
        uow.patients.add(CHILD)
        uow.coverages.add(CHILD_ACME)
        if secondary:
            uow.coverages.add(SECONDARY_MCR)
        # Letters name and sign for the practice (its profile).
        uow.practice.put("name", GROUP.name, at=SUBMITTED_AT, by="tester")
        uow.practice.put("signature", "Billing Office", at=SUBMITTED_AT, by="tester")
        for rate in RATES:
            uow.contracts.add(rate)
        uow.encounters.add_many(encounters)
        uow.claims.add_many(claims)
        uow.ledger.append_many(
            [
                charge_entry(
                    claim_id=c.claim_id,
                    patient_account="P1",
                    payer_id="ACME",
                    responsibility=Responsibility.INSURANCE,
                    line=ln,
                    revision=1,
                    recorded_at=SUBMITTED_AT,
                    recorded_by="tester",
                    source="test",
                )
                for c in claims
                for ln in c.lines
            ]
        )
        uow.commit()
    return [c.claim_id for c in claims]


def svc(
    claim_id: str,
    number: int,
    code: str,
    charge: str,
    paid: str,
    *adjustments: tuple[AdjustmentGroup, str, str],
) -> ServicePayment:
    return ServicePayment(
        Procedure("HC", code),
        M(charge),
        M(paid),
        units=Decimal(1),
        dates=(QualifiedDate("472", date(2024, 2, 10)),),
        adjustments=tuple(Adjustment(g, r, M(a)) for g, r, a in adjustments),
        references=(Reference("6R", line_control_number(claim_id, number)),),
    )


def paid_claim(claim_id: str, *, pcn: str | None = None) -> ClaimPayment:
    """190.00 charged: line 1 pays 72.50 (CO-45 57.50, PR-2 20.00); line 2 pays 20.00
    (CO-45 20.00). Paid 92.50, patient 20.00, contractual 77.50."""
    return claim_payment(
        claim_id,
        svc(claim_id, 1, "99213", "150.00", "72.50", (CO, "45", "57.50"), (PR, "2", "20.00")),
        svc(claim_id, 2, "90686", "40.00", "20.00", (CO, "45", "20.00")),
        pcn=pcn,
    )


def claim_payment(
    claim_id: str,
    *lines: ServicePayment,
    status: Clp = Clp.PRIMARY,
    pcn: str | None = None,
    adjustments: Sequence[tuple[AdjustmentGroup, str, str]] = (),
) -> ClaimPayment:
    claim_adjustments = tuple(Adjustment(g, r, M(a)) for g, r, a in adjustments)
    paid = sum((ln.paid for ln in lines), M(0)) - sum((a.amount for a in claim_adjustments), M(0))
    share = sum((a.amount for ln in lines for a in ln.adjustments if a.group is PR), M(0)) + sum(
        (a.amount for a in claim_adjustments if a.group is PR), M(0)
    )
    return ClaimPayment(
        patient_control_number=pcn if pcn is not None else claim_id,
        status=status,
        charge=sum((ln.charge for ln in lines), M(0)),
        paid=paid,
        filing_indicator=ClaimFilingIndicator.PPO,
        payer_claim_control_number=f"PCN-{claim_id}",
        names=(PATIENT,),
        patient_responsibility=share,
        facility_code="11",
        frequency="1",
        adjustments=claim_adjustments,
        dates=(QualifiedDate("232", date(2024, 2, 10)),),
        service_lines=lines,
    )


def remittance(
    trace: str,
    *claims: ClaimPayment,
    plb: Sequence[ProviderAdjustment] = (),
    paid_on: date = date(2024, 3, 15),
) -> Remittance:
    return remittance_of(
        claims,
        payer=PAYER,
        payee=PAYEE,
        payer_tax_id="123456789",
        technical_contact_phone="8005551212",
        trace_number=trace,
        method=PaymentMethod.CHECK,
        payment_date=paid_on,
        production_date=paid_on,
        provider_adjustments=tuple(plb),
    )


def file_of(*remittances: Remittance, control: int = 1) -> bytes:
    envelope = Envelope("ACMEPAYER", "RIVERBEND", control, control, datetime(2024, 3, 15, 8, 0))
    return write_835(list(remittances), envelope).encode()


def ensure_person(
    uow_factory: Callable[[], UnitOfWork], user_id: str, role: Role = Role.TIER2
) -> str:
    """``user_id`` as a known person with ``role`` (and the admin "root" who added them): use
    cases that weigh who acts (write-off limits, approvals) refuse unknown names."""
    with uow_factory() as uow:
        known = {u.user_id for u in uow.users.list()}
    if "root" not in known:
        add_user(uow_factory, user_id="root", name="Root", role=Role.ADMIN, by="root", now=NOW)
    if user_id not in known and user_id != "root":
        add_user(uow_factory, user_id=user_id, name=user_id.title(), role=role, by="root", now=NOW)
    return user_id


def save_correction(
    uow_factory: Callable[[], UnitOfWork],
    claim_id: str,
    line_one: Mapping[str, str] | None = None,
    *,
    why: str = "",
) -> EditOutcome:
    """The biller saves the corrected claim ``claim_id`` in the editor: line 1's fields
    changed to ``line_one``, or unchanged for the reason ``why``."""
    form = claim_form(uow_factory, claim_id)
    lines = tuple(
        {**line, **(line_one or {})} if line["line_number"] == "1" else line for line in form.lines
    )
    return edit_claim(
        uow_factory,
        claim_id,
        dataclasses.replace(form, lines=lines),
        reference=shipped_reference(),
        config=load_config(None),
        now=NOW,
        by="tom",
        unchanged_because=why,
    )


def deny(
    uow_factory: Callable[[], UnitOfWork],
    claim_id: str,
    carc: str = "50",
    trace: str = "T1",
) -> None:
    """The payer's 835 denies both lines of ``claim_id`` (CO-``carc``), posted."""
    denied = claim_payment(
        claim_id,
        svc(claim_id, 1, "99213", "150.00", "0.00", (CO, carc, "150.00")),
        svc(claim_id, 2, "90686", "40.00", "0.00", (CO, carc, "40.00")),
        status=Clp.DENIED,
    )
    post_bytes(
        uow_factory,
        file_of(remittance(trace, denied)),
        name="d",
        now=NOW,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )
