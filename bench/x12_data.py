"""Synthetic X12 for the X12 benchmark: N professional claims as an 837P and the 835 paying them.

Both files come from claimdesk's own writers (``write_837p`` and ``write_835``), so they are valid
005010X222A1 / 005010X221A1 interchanges; the 835 balances by construction (the writer refuses
anything else) and carries the PER*BL technical contact the 835 guide requires. The claims are
seeded and varied: one to four lines, several procedure codes, contractual and patient
responsibility adjustments, denials, a few provider-level adjustments.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from claimdesk.domain.claims import Claim
from claimdesk.domain.coverage import Coverage, NetworkTier, Priority, Relationship
from claimdesk.domain.encounters import Encounter, ServiceLine
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address, Patient, Sex
from claimdesk.domain.payers import Payer, PayerKind
from claimdesk.domain.providers import Facility, Provider, ProviderKind, npi_check_digit
from claimdesk.edi.x12.codes import (
    AdjustmentGroup,
    ClaimFilingIndicator,
    ClaimStatus,
    PaymentMethod,
)
from claimdesk.edi.x12.composites import (
    Adjustment,
    EntityName,
    Procedure,
    QualifiedAmount,
    QualifiedDate,
    Reference,
)
from claimdesk.edi.x12.writer import Envelope
from claimdesk.edi.x835.model import (
    BankAccount,
    ClaimPayment,
    Party,
    ProviderAdjustment,
    ProviderAdjustmentItem,
    Remark,
    Remittance,
    ServicePayment,
)
from claimdesk.edi.x835.write import remittance_of, write_835
from claimdesk.edi.x837.claim_input import ClaimInput, Receiver, Submitter
from claimdesk.edi.x837.write import write_837p

CREATED = datetime(2024, 5, 2, 14, 30, tzinfo=UTC)
FIRST_SERVICE_DAY = date(2024, 1, 2)
# Procedure code and charge; the payer allows a fixed share of each charge.
FEE_SCHEDULE = (
    ("99213", "125.00"),
    ("99214", "185.00"),
    ("36415", "15.50"),
    ("85025", "32.00"),
    ("80053", "48.75"),
    ("93000", "64.00"),
    ("97110", "90.00"),
    ("G0439", "210.00"),
)
DIAGNOSES = ("J06.9", "R05.9", "E11.9", "I10", "M54.50", "Z00.00", "K21.9", "F41.1")
LAST_NAMES = ("Garcia", "Smith", "Nguyen", "Okafor", "Muller", "Van Der Berg", "Kowalski")
FIRST_NAMES = ("Ana", "Jose", "Mary", "Li", "Robert", "Ngozi", "Priya", "Tomas")


def _npi(seed: int) -> str:
    first_nine = f"1{seed % 100_000_000:08d}"
    return first_nine + npi_check_digit(first_nine)


ADDRESS = Address("100 Main Street", "Springfield", "IL", "627011234", "Suite 200")
BILLING = Provider(
    npi=_npi(1),
    kind=ProviderKind.ORGANIZATION,
    name="Riverbend Family Practice LLC",
    taxonomy="207Q00000X",
    tax_id="12-3456789",
    address=ADDRESS,
)
RENDERING = Provider(
    npi=_npi(2),
    kind=ProviderKind.INDIVIDUAL,
    name="Nguyen",
    first_name="Linh",
    taxonomy="207Q00000X",
    tax_id="",
)
CLINIC = Facility("F1", "Riverbend Clinic", "11", ADDRESS, npi=_npi(4))
PAYER = Payer("BCBS01", "Blue Cross Blue Shield", PayerKind.COMMERCIAL, 180, 180)
SUBMITTER = Submitter("Riverbend Family Practice", "RBFP001", "Dana Ortiz", phone="5551234567")
RECEIVER = Receiver("Acme Clearinghouse", "ACMECH")


RENDERING_NAME = EntityName(
    "82", "1", RENDERING.name, RENDERING.first_name, id_qualifier="XX", id=RENDERING.npi
)


RENDERING_NAME = EntityName(
    "82", "1", RENDERING.name, RENDERING.first_name, id_qualifier="XX", id=RENDERING.npi
)


def envelope(control_number: int = 1) -> Envelope:
    return Envelope(
        sender_id="CLAIMDESK",
        receiver_id="CLEARINGHOUSE",
        interchange_control_number=control_number,
        group_control_number=control_number,
        created=CREATED,
    )


def claim_inputs(count: int, seed: int = 1) -> list[ClaimInput]:
    """``count`` primary professional claims, one patient each, one to four lines."""
    rng = random.Random(seed)
    claims: list[ClaimInput] = []
    for number in range(1, count + 1):
        account = f"P{number:07d}"
        day = FIRST_SERVICE_DAY + timedelta(days=number % 120)
        patient = Patient(
            account=account,
            last_name=rng.choice(LAST_NAMES),
            first_name=rng.choice(FIRST_NAMES),
            birth_date=date(1940 + number % 60, 1 + number % 12, 1 + number % 28),
            sex=Sex.FEMALE if number % 2 else Sex.MALE,
            address=Address("12 Elm St", "Springfield", "IL", "62704"),
        )
        coverage = Coverage(
            coverage_id=f"COV{number}",
            patient_account=account,
            payer_id=PAYER.payer_id,
            plan_name="PPO Gold",
            member_id=f"XYZ{number:09d}",
            group_number="GRP7788",
            priority=Priority.PRIMARY,
            relationship=Relationship.SELF,
            effective=date(2024, 1, 1),
            termination=None,
            network_tier=NetworkTier.TIER_1,
            subscriber=None,
        )
        lines = tuple(
            ServiceLine(
                line_number=i,
                procedure_code=code,
                charge=Money(charge),
                units=Decimal(1),
                date_of_service=day,
                place_of_service="11",
                diagnosis_pointers=(1,),
            )
            for i, (code, charge) in enumerate(rng.sample(FEE_SCHEDULE, rng.randint(1, 4)), 1)
        )
        encounter = Encounter(
            encounter_id=f"E{number:07d}",
            patient_account=account,
            rendering_npi=RENDERING.npi,
            billing_npi=BILLING.npi,
            facility_id=CLINIC.facility_id,
            date_of_service=day,
            diagnoses=tuple(rng.sample(DIAGNOSES, rng.randint(1, 3))),
            lines=lines,
        )
        claim = Claim(
            claim_id=f"C{number:07d}",
            encounter=encounter,
            coverage_id=coverage.coverage_id,
            payer_id=PAYER.payer_id,
            created_at=CREATED,
            created_by="bench",
        )
        claims.append(
            ClaimInput(
                claim=claim,
                patient=patient,
                coverage=coverage,
                payer=PAYER,
                billing_provider=BILLING,
                submitter=SUBMITTER,
                receiver=RECEIVER,
                rendering=RENDERING,
                facility=CLINIC,
            )
        )
    return claims


def write_claims(claims: list[ClaimInput]) -> str:
    return write_837p(claims, envelope())


def _line_payment(rng: random.Random, line: ServiceLine, denied: bool) -> ServicePayment:
    charge = line.charge
    procedure = Procedure("HC", line.procedure_code)
    if denied:
        adjustments = (Adjustment(AdjustmentGroup.CONTRACTUAL_OBLIGATION, "96", charge),)
        return ServicePayment(
            procedure=procedure,
            charge=charge,
            paid=Money.zero(),
            units=line.units,
            dates=(QualifiedDate("472", line.date_of_service),),
            adjustments=adjustments,
            references=(Reference("6R", f"L{line.line_number}"),),
            remarks=(Remark("HE", "N130"),),
        )
    allowed = Money.rounded(charge.amount * Decimal(rng.choice(("0.80", "0.72", "0.65", "1"))))
    coinsurance = Money.rounded(allowed.amount * Decimal("0.20")) if rng.random() < 0.5 else None
    adjustments_list = []
    if charge != allowed:
        adjustments_list.append(
            Adjustment(AdjustmentGroup.CONTRACTUAL_OBLIGATION, "45", charge - allowed)
        )
    paid = allowed
    if coinsurance:
        adjustments_list.append(
            Adjustment(AdjustmentGroup.PATIENT_RESPONSIBILITY, "2", coinsurance)
        )
        paid = allowed - coinsurance
    return ServicePayment(
        procedure=procedure,
        charge=charge,
        paid=paid,
        units=line.units,
        dates=(QualifiedDate("472", line.date_of_service),),
        adjustments=tuple(adjustments_list),
        references=(Reference("6R", f"L{line.line_number}"),),
        amounts=(QualifiedAmount("B6", allowed),),
    )


def remittance(claims: list[ClaimInput], seed: int = 2) -> Remittance:
    """The payer's answer to ``claims``: one check-less ACH payment, balanced to the cent."""
    rng = random.Random(seed)
    payments: list[ClaimPayment] = []
    for item in claims:
        claim = item.claim
        denied = rng.random() < 0.08
        lines = tuple(
            _line_payment(rng, line, denied)
            for line in sorted(claim.lines, key=lambda ln: ln.line_number)
        )
        paid = sum((line.paid for line in lines), Money.zero())
        charge = sum((line.charge for line in lines), Money.zero())
        responsibility = sum(
            (
                a.amount
                for line in lines
                for a in line.adjustments
                if a.group is AdjustmentGroup.PATIENT_RESPONSIBILITY
            ),
            Money.zero(),
        )
        payments.append(
            ClaimPayment(
                patient_control_number=claim.claim_id,
                status=ClaimStatus.DENIED if denied else ClaimStatus.PRIMARY,
                charge=charge,
                paid=paid,
                filing_indicator=ClaimFilingIndicator.PPO,
                payer_claim_control_number=f"PCN{claim.claim_id}",
                names=(
                    EntityName(
                        "QC",
                        "1",
                        item.patient.last_name,
                        item.patient.first_name,
                        id_qualifier="MI",
                        id=item.coverage.member_id,
                    ),
                    RENDERING_NAME,
                ),
                patient_responsibility=responsibility,
                facility_code="11",
                frequency="1",
                dates=(
                    QualifiedDate("232", claim.encounter.date_of_service),
                    QualifiedDate("233", claim.encounter.date_of_service),
                    QualifiedDate("050", claim.encounter.date_of_service + timedelta(days=3)),
                ),
                service_lines=lines,
            )
        )
    # L6: interest the payer owes for paying late; a negative PLB amount adds to the payment.
    adjustments = (
        ProviderAdjustment(
            provider_id=BILLING.npi,
            fiscal_period_date=date(2024, 12, 31),
            items=tuple(
                ProviderAdjustmentItem("L6", f"INT{n}", Money(f"-{n}.25")) for n in range(1, 4)
            ),
        ),
    )
    payer = Party(
        "PR",
        PAYER.name,
        "XV",
        "BCBS01",
        address_lines=("PO Box 1000",),
        city="Chicago",
        state="IL",
        postal_code="60601",
    )
    payee = Party("PE", BILLING.name, "XX", BILLING.npi, references=(Reference("TJ", "123456789"),))
    return remittance_of(
        tuple(payments),
        payer=payer,
        payee=payee,
        payer_tax_id="36-1234567",
        technical_contact_phone="8005551234",
        trace_number="EFT20240502",
        method=PaymentMethod.ACH,
        payment_date=date(2024, 5, 2),
        provider_adjustments=adjustments,
        payer_account=BankAccount("071000013", "8877665544"),
        payee_account=BankAccount("021000021", "1234567890"),
        production_date=date(2024, 5, 1),
        technical_contact_name="EDI Support",
    )


def write_remittance(claims: list[ClaimInput], transactions: int = 1) -> str:
    """One interchange of ``transactions`` 835s that together pay ``claims``."""
    size = -(-len(claims) // transactions)
    parts = [claims[i : i + size] for i in range(0, len(claims), size)]
    return write_835([remittance(part, seed=n) for n, part in enumerate(parts, 2)], envelope(2))


def acknowledgment_999(size: int) -> str:
    """A 999 of at least ``size`` characters answering one batch of many transaction sets,
    every tenth rejected with a segment and an element error."""
    head = (
        "ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*RIVERBEND      "
        "*240320*1000*^*00501*000000001*0*P*:~\n"
        "GS*FA*CH*RB*20240320*1000*1*X*005010X231A1~\nST*999*0001*005010X231A1~\n"
        "AK1*HC*1*005010X222A1~\n"
    )
    accepted = "AK2*837*{:09d}*005010X222A1~\nIK5*A~\n"
    rejected = (
        "AK2*837*{:09d}*005010X222A1~\nIK3*NM1*5*2010*8~\nCTX*CLM01:C-{:09d}~\n"
        "IK4*9*67*1*ABC~\nIK5*R*5~\n"
    )
    parts = [head]
    length, count, segments = len(head), 0, 2  # ST and AK1
    while length < size:
        count += 1
        piece = rejected.format(count, count) if count % 10 == 0 else accepted.format(count)
        parts.append(piece)
        length += len(piece)
        segments += piece.count("~")
    parts.append(f"AK9*P*{count}*{count}*{count - count // 10}~\nSE*{segments + 2}*0001~\n")
    parts.append("GE*1*1~\nIEA*1*000000001~\n")
    return "".join(parts)


def acknowledgment_277ca(size: int) -> str:
    """A 277CA (005010X214) of at least ``size`` characters: one payer, one receiver and one
    billing provider level accepting the batch, then claim levels, every tenth rejected."""
    head = [
        "ST*277*0001*005010X214",
        "BHT*0085*08*ACK0001*20240503*0900*TH",
        "HL*1**20*1",
        "NM1*PR*2*ACME HEALTH PLAN*****PI*ACME01",
        "TRN*1*ACK0001",
        "DTP*050*D8*20240502",
        "DTP*009*D8*20240503",
        "HL*2*1*21*1",
        "NM1*41*2*RIVERBEND FAMILY PRACTICE*****46*RBFP001",
        "TRN*2*BATCH17",
        "STC*A1:19:PR*20240503*WQ*0",
        "HL*3*2*19*1",
        "NM1*85*2*RIVERBEND FAMILY PRACTICE*****XX*1234567893",
        "TRN*1*1234567893",
        "STC*A1:19:85**WQ*0",
    ]
    parts = [
        "ISA*00*          *00*          *ZZ*ACMEPAYER      *ZZ*RIVERBEND      "
        "*240503*0900*^*00501*000000301*0*P*:~\n"
        "GS*HN*ACMEPAYER*RIVERBEND*20240503*0900*301*X*005010X214~\n",
        *(s + "~\n" for s in head),
    ]
    length, level, segments = sum(len(p) for p in parts), 3, len(head)
    while length < size:
        level += 1
        status = "STC*A7:562:85*20240503*U*80.5" if level % 10 == 0 else "STC*A2:20*20240503*WQ*150"
        piece = (
            f"HL*{level}*3*PT~\nNM1*QC*1*GARCIA*ANA****MI*XYZ123456789~\n"
            f"TRN*2*C-{level:09d}~\n{status}~\nDTP*472*D8*20240422~\n"
        )
        parts.append(piece)
        length += len(piece)
        segments += 5
    parts.append(f"SE*{segments + 1}*0001~\nGE*1*301~\nIEA*1*000000301~\n")
    return "".join(parts)
