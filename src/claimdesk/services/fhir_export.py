"""Use case: write what claimdesk billed and what payers paid as one FHIR collection Bundle:
a Claim per claim, and a ClaimResponse and an ExplanationOfBenefit per posted 835 claim
payment (docs/fhir.md). Read only: one read transaction, claims a page at a time, each entry
written as it is made.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from claimdesk.config import Settings
from claimdesk.domain.money import Money
from claimdesk.fhir.billing import Payment, claim_entries
from claimdesk.fhir.jsontext import dumps
from claimdesk.fhir.writer import validated
from claimdesk.services.database import units_of_work
from claimdesk.store.queries.fhir_export import claim_pages, payments_of
from claimdesk.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class FhirExport:
    claims: int
    responses: int  # ClaimResponses, and as many ExplanationOfBenefits

    def as_dict(self) -> dict[str, int]:
        return {
            "claims": self.claims,
            "claim_responses": self.responses,
            "explanations_of_benefit": self.responses,
        }


def export_fhir(settings: Settings, out: TextIO, *, now: datetime) -> FhirExport:
    """Write the practice's claims and payments to ``out``."""
    with units_of_work(settings) as uow_factory:
        return write_export(uow_factory, out, now=now)


def write_export(
    uow_factory: Callable[[], UnitOfWork], out: TextIO, *, now: datetime
) -> FhirExport:
    head = validated({"resourceType": "Bundle", "type": "collection", "timestamp": now.isoformat()})
    out.write(dumps(head)[:-1])
    entries = claims = responses = 0
    with uow_factory() as uow:
        for page in claim_pages(uow.read):
            paid = payments_of(uow.read, [c.claim_id for c in page])
            for claim in page:
                payments = [_payment(row) for row in paid.get(claim.claim_id, ())]
                claims += 1
                responses += len(payments)
                for entry in claim_entries(claim, payments):
                    # FHIR has no empty arrays: the entry list opens with its first entry.
                    out.write(',\n"entry":[\n' if not entries else ",\n")
                    out.write(dumps(entry))
                    entries += 1
    out.write("\n]}\n" if entries else "}\n")
    return FhirExport(claims=claims, responses=responses)


def _payment(row: Mapping[str, Any]) -> Payment:
    paid_on = row["payment_date"] or row["posted_at"].date()
    return Payment(
        remittance_id=row["remittance_id"],
        position=row["position_index"],
        status=row["status"],
        clp_status=row["clp_status"],
        trace_number=row["trace_number"],
        paid_on=paid_on,
        charge=Money(row["charge"]),
        paid=Money(row["paid"]),
        patient_share=Money(row["patient_share"]),
        payer_claim_number=row["payer_claim_number"],
        adjudication=row["adjudication"] or {},
    )
