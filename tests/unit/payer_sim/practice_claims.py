"""A synthetic practice's claims as an un-scrubbed practice would send them: 837P batches.

Each encounter is billed to the patient's primary coverage active on the date of service, else
to the most recent primary coverage on file (a front desk that checks nothing bills the card it
has), as ``claimdesk.scrub.practice`` builds claims. Claims the 837 writer refuses (no member
id, no street address) never leave the practice and are counted apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from pathlib import Path

from claimdesk.bundle.model import PracticeBundle
from claimdesk.bundle.reader import read_bundle
from claimdesk.domain.claims import Claim
from claimdesk.domain.coverage import Coverage, Priority
from claimdesk.domain.parties import Address
from claimdesk.domain.providers import Provider, ProviderKind
from claimdesk.edi.x12.writer import Envelope, X12WriteError
from claimdesk.edi.x837.claim_input import ClaimInput, Receiver, Submitter
from claimdesk.edi.x837.write import write_837p
from claimdesk.synth import write_practice

# The synthetic practice's today in this file's bundles, and the days of visits before it.
REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365

SUBMITTER = Submitter("Riverbend Family Medicine Group", "RBFMG01", "Billing Office", "5551230000")
RECEIVER = Receiver("Claimdesk Simulated Clearinghouse", "CDSIMCH")


@dataclass(frozen=True, slots=True)
class PracticeClaims:
    bundle: PracticeBundle
    claims: tuple[ClaimInput, ...]  # writable, billed to a payer
    unwritable: tuple[str, ...]  # claim ids the 837 writer refused
    self_pay: int  # encounters with no coverage at all


def synthetic_bundle(folder: Path, *, patients: int, encounters: int, seed: int) -> PracticeBundle:
    write_practice(
        folder,
        patients=patients,
        encounters=encounters,
        seed=seed,
        as_of=REFERENCE_DATE,
        days=PERIOD_DAYS,
    )
    result = read_bundle(folder)
    assert result.bundle is not None, result.errors[:5]
    return result.bundle


def _billed(coverages: Sequence[Coverage], day: date) -> Coverage | None:
    primaries = [c for c in coverages if c.priority is Priority.PRIMARY]
    active = [c for c in primaries if c.active_on(day)]
    return max(active or primaries, key=lambda c: (c.effective, c.coverage_id), default=None)


def _zip9(address: Address | None) -> Address | None:
    """The synthetic practice registers five-digit ZIP codes; the 837P wants ZIP+4 for the
    billing provider and the service facility, which a practice keeps on file."""
    if address is None or len(address.postal_code) != 5:
        return address
    return replace(address, postal_code=address.postal_code + "0001")


def practice_claims(bundle: PracticeBundle) -> PracticeClaims:
    patients = {p.account: p for p in bundle.patients}
    payers = {p.payer_id: p for p in bundle.payers}
    providers = {p.npi: replace(p, address=_zip9(p.address)) for p in bundle.providers}
    facilities = {
        f.facility_id: replace(f, address=_zip9(f.address) or f.address) for f in bundle.facilities
    }
    by_patient: dict[str, list[Coverage]] = {}
    for coverage in bundle.coverages:
        by_patient.setdefault(coverage.patient_account, []).append(coverage)
    claims: list[ClaimInput] = []
    unwritable: list[str] = []
    self_pay = 0
    for encounter in bundle.encounters:
        coverage = _billed(by_patient.get(encounter.patient_account, []), encounter.date_of_service)
        if coverage is None:
            self_pay += 1
            continue
        claim = Claim(
            claim_id=f"C{encounter.encounter_id}",
            encounter=encounter,
            coverage_id=coverage.coverage_id,
            payer_id=coverage.payer_id,
            created_at=datetime.combine(encounter.date_of_service, time(), UTC),
            created_by="test",
        )
        referring = (
            Provider(encounter.referring_npi, ProviderKind.INDIVIDUAL, "Referrer", "", "")
            if encounter.referring_npi
            else None
        )
        claim_input = ClaimInput(
            claim=claim,
            patient=patients[encounter.patient_account],
            coverage=coverage,
            payer=payers[coverage.payer_id],
            billing_provider=providers[encounter.billing_npi],
            submitter=SUBMITTER,
            receiver=RECEIVER,
            rendering=providers.get(encounter.rendering_npi),
            referring=referring,
            facility=facilities.get(encounter.facility_id),
        )
        try:
            write_837p([claim_input], envelope(1, encounter.date_of_service))
        except X12WriteError:
            unwritable.append(claim.claim_id)
            continue
        claims.append(claim_input)
    return PracticeClaims(bundle, tuple(claims), tuple(unwritable), self_pay)


def envelope(number: int, day: date) -> Envelope:
    return Envelope(
        sender_id=SUBMITTER.identifier,
        receiver_id=RECEIVER.identifier,
        interchange_control_number=number,
        group_control_number=number,
        created=datetime.combine(day, time(9, 0)),
    )
