"""Post one 20,000-claim 835 into SQLite and into PostgreSQL (target: under 20 s on either).

The practice is stored first (claims submitted, charges on the books); then one remittance pays
most claims (CO-45 and PR-2 per line), denies one in ten (CO-50, a work item each) and underpays
one in twenty against the contract (a work item each). Timed: read, match, post, move claims,
record, open work; one transaction.
"""

from __future__ import annotations

import os
import socket
import tempfile
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from bench.timing import timed
from claimdesk.denials.table import shipped_table
from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.coverage import Coverage, NetworkTier, Priority, Relationship
from claimdesk.domain.encounters import Encounter, ServiceLine
from claimdesk.domain.ledger import Account, BalanceQuery, Responsibility
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address, Patient, Sex
from claimdesk.domain.payers import ContractRate, Payer, PayerKind
from claimdesk.domain.providers import Facility, Provider, ProviderKind
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
from claimdesk.edi.x837.segments import line_control_number
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.charges import charge_entry
from claimdesk.services.post_remittance import post_bytes
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import upgrade_to_head
from claimdesk.store.uow import UnitOfWork, unit_of_work_factory

CLAIMS = int(os.environ.get("BENCH_POSTING_CLAIMS", "20000"))
DAY = date(2024, 2, 10)
AT = datetime(2024, 2, 12, tzinfo=UTC)
NOW = datetime(2024, 3, 20, tzinfo=UTC)
M = Money
CO, PR = AdjustmentGroup.CONTRACTUAL_OBLIGATION, AdjustmentGroup.PATIENT_RESPONSIBILITY
BILLING = Provider("1234567893", ProviderKind.ORGANIZATION, "RIVERBEND", "207Q00000X", "371234567")
HOME = Address("1 Main St", "Springfield", "IL", "62701")


def seed(uow: UnitOfWork, count: int = CLAIMS) -> None:
    """Store the practice and ``count`` submitted claims C0.. of 150.00 each, charges booked."""
    uow.payers.add(Payer("ACME", "Acme Health", PayerKind.COMMERCIAL, 90, 180))
    uow.providers.add(BILLING)
    uow.facilities.add(Facility("F1", "Office", "11", HOME, BILLING.npi))
    uow.contracts.add(ContractRate("ACME", "99213", M("92.50"), date(2024, 1, 1)))
    patients, coverages, encounters, claims = [], [], [], []
    for n in range(count):
        account = f"P{n}"
        patients.append(Patient(account, "DOE", "PAT", date(1980, 1, 1), Sex.FEMALE, HOME))
        coverages.append(
            Coverage(
                f"COV{n}",
                account,
                "ACME",
                "PPO",
                f"M{n:08d}",
                "G1",
                Priority.PRIMARY,
                Relationship.SELF,
                date(2024, 1, 1),
                None,
                NetworkTier.TIER_1,
            )
        )
        encounter = Encounter(
            f"E{n}",
            account,
            BILLING.npi,
            BILLING.npi,
            "F1",
            DAY,
            ("J02.9",),
            (ServiceLine(1, "99213", M("150.00"), Decimal(1), DAY, "11", (1,)),),
        )
        encounters.append(encounter)
        claim = Claim(f"C{n}", encounter, f"COV{n}", "ACME", AT, "bench")
        claim.move_to(ClaimStatus.READY, by="bench", at=AT)
        claim.move_to(ClaimStatus.SUBMITTED, by="bench", at=AT)
        claims.append(claim)
    for patient in patients:
        uow.patients.add(patient)
    for coverage in coverages:
        uow.coverages.add(coverage)
    uow.encounters.add_many(encounters)
    uow.claims.add_many(claims)
    uow.ledger.append_many(
        [
            charge_entry(
                claim_id=c.claim_id,
                patient_account=c.encounter.patient_account,
                payer_id="ACME",
                responsibility=Responsibility.INSURANCE,
                line=c.lines[0],
                revision=1,
                recorded_at=AT,
                recorded_by="bench",
                source="bench",
            )
            for c in claims
        ]
    )


def payment(n: int) -> ClaimPayment:
    """Claim Cn answered: denied (one in ten), underpaid (one in twenty) or paid 72.50."""
    claim_id = f"C{n}"
    if n % 10 == 0:
        paid, adjustments, status = "0", [(CO, "50", "150")], Clp.DENIED
    elif n % 20 == 5:
        paid, adjustments, status = "60", [(CO, "45", "70"), (PR, "2", "20")], Clp.PRIMARY
    else:
        paid, adjustments, status = "72.50", [(CO, "45", "57.50"), (PR, "2", "20")], Clp.PRIMARY
    cas = tuple(Adjustment(g, r, M(a)) for g, r, a in adjustments)
    line = ServicePayment(
        Procedure("HC", "99213"),
        M("150"),
        M(paid),
        units=Decimal(1),
        dates=(QualifiedDate("472", DAY),),
        adjustments=cas,
        references=(Reference("6R", line_control_number(claim_id, 1)),),
    )
    return ClaimPayment(
        patient_control_number=claim_id,
        status=status,
        charge=M("150"),
        paid=M(paid),
        filing_indicator=ClaimFilingIndicator.PPO,
        payer_claim_control_number=f"PCN{n}",
        patient_responsibility=None,
        names=(EntityName("QC", "1", "DOE", "PAT"),),
        dates=(QualifiedDate("232", DAY),),
        service_lines=(line,),
    )


def remittance_file(numbers: range, trace: str = "BENCH1", control: int = 1) -> bytes:
    """One 835 answering claims C``n`` for each ``n`` of ``numbers``."""
    remittance = remittance_of(
        tuple(payment(n) for n in numbers),
        payer=Party(
            "PR",
            "ACME",
            address_lines=("1 WAY",),
            city="SPRINGFIELD",
            state="IL",
            postal_code="62701",
        ),
        payee=Party("PE", "RIVERBEND", "XX", BILLING.npi),
        payer_tax_id="123456789",
        technical_contact_phone="8005551212",
        trace_number=trace,
        method=PaymentMethod.CHECK,
        payment_date=date(2024, 3, 15),
        production_date=date(2024, 3, 15),
    )
    envelope = Envelope(
        "ACME", "RIVERBEND", control, control, datetime(2024, 3, 15, 8, 0, tzinfo=UTC)
    )
    return write_835([remittance], envelope).encode()


def _run_on(label: str, url: str, data: bytes) -> None:
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        factory = unit_of_work_factory(engine)
        with factory() as uow:
            seed(uow)
            uow.commit()
        timing, result = timed(
            f"post {CLAIMS:,}-claim 835 into {label}",
            lambda: post_bytes(
                factory,
                data,
                name="bench.835",
                now=NOW,
                by="bench",
                table=shipped_table(),
                policy=shipped_policy(),
            ),
        )
        outcome = result.remittances[0]
        with factory() as uow:
            cash = uow.ledger.balance(BalanceQuery(accounts=frozenset({Account.CASH})))
        print(timing.line())
        print(
            f"  {outcome.outcome.value}: {outcome.claims_posted:,} claims posted, "
            f"{outcome.work_items:,} work items, cash {cash} (BPR02 {outcome.payment}), "
            f"{CLAIMS / timing.wall:,.0f} claims/s"
        )
    finally:
        engine.dispose()


def _postgres_url() -> tuple[str, str] | None:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            pass
    except OSError:
        return None
    name = f"claimdesk_bench_{uuid.uuid4().hex[:12]}"
    return name, f"postgresql://postgres@127.0.0.1:5432/{name}"


def run() -> None:
    print(f"posting: one 835 with {CLAIMS:,} claims")
    timing, data = timed("write the 835", lambda: remittance_file(range(CLAIMS)))
    print(timing.line(), f"({len(data) / 1e6:.1f} MB)")
    with tempfile.TemporaryDirectory() as folder:
        _run_on("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", data)
    target = _postgres_url()
    if target is None:
        print("  PostgreSQL at 127.0.0.1:5432 is not reachable: skipped")
        return
    name, url = target
    admin = make_engine("postgresql://postgres@127.0.0.1:5432/postgres").execution_options(
        isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        _run_on("PostgreSQL", url, data)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
