"""Fixing a held or rejected claim: correct its data, scrub it again, release it when clean.

A claim the scrubber held (HELD) or the clearinghouse rejected (REJECTED) is corrected in place:
the coverage's member and group numbers, the encounter's diagnoses, and each line's modifiers
and diagnosis pointers. The corrected claim is scrubbed at once; when nothing blocks it any
more it moves to READY for the next 837 batch and its hold or rejection items close. When
something still blocks it, nothing is released and the findings say what is left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.encounters import Encounter, EncounterError, ServiceLine
from claimdesk.scrub.config import ScrubConfig
from claimdesk.scrub.engine import Scrubber
from claimdesk.scrub.findings import Finding
from claimdesk.scrub.reference import ReferenceData
from claimdesk.services.acknowledgments import release_rejected
from claimdesk.services.practice import practice_date
from claimdesk.services.scrub_store import store_contexts
from claimdesk.services.submit import HOLD_KEY
from claimdesk.services.work_queue import solve_problem
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
FIXABLE = (ClaimStatus.HELD, ClaimStatus.REJECTED)


class ClaimFixError(ValueError):
    """A fix the claim's state or data does not allow."""


@dataclass(frozen=True, slots=True)
class LineCoding:
    modifiers: tuple[str, ...]
    pointers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ClaimFix:
    member_id: str
    group_number: str
    diagnoses: tuple[str, ...]
    lines: Mapping[int, LineCoding] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FixResult:
    claim_id: str
    released: bool
    findings: tuple[Finding, ...]  # what the scrub found after the fix

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocks_submission)


def _corrected(encounter: Encounter, fix: ClaimFix) -> Encounter:
    lines = []
    for line in encounter.lines:
        coding = fix.lines.get(line.line_number)
        if coding is None:
            lines.append(line)
            continue
        lines.append(
            ServiceLine(
                line_number=line.line_number,
                procedure_code=line.procedure_code,
                charge=line.charge,
                units=line.units,
                date_of_service=line.date_of_service,
                place_of_service=line.place_of_service,
                diagnosis_pointers=coding.pointers,
                modifiers=coding.modifiers,
            )
        )
    unknown = sorted(set(fix.lines) - {line.line_number for line in encounter.lines})
    if unknown:
        raise ClaimFixError(f"encounter {encounter.encounter_id}: no service line {unknown[0]}")
    return Encounter(
        encounter_id=encounter.encounter_id,
        patient_account=encounter.patient_account,
        rendering_npi=encounter.rendering_npi,
        billing_npi=encounter.billing_npi,
        facility_id=encounter.facility_id,
        date_of_service=encounter.date_of_service,
        diagnoses=fix.diagnoses,
        lines=tuple(lines),
        referring_npi=encounter.referring_npi,
        prior_authorization=encounter.prior_authorization,
    )


def _fixable(uow: UnitOfWork, claim_id: str) -> Claim:
    claim = uow.claims.get(claim_id)
    if claim is None:
        raise ClaimFixError(f"claim {claim_id}: no such claim")
    if claim.status not in FIXABLE:
        raise ClaimFixError(
            f"claim {claim_id}: is {claim.status}; only held or rejected claims are fixed here"
        )
    return claim


def fix_claim(
    uow_factory: UowFactory,
    claim_id: str,
    fix: ClaimFix,
    *,
    reference: ReferenceData,
    config: ScrubConfig,
    now: datetime,
    by: str,
    scrubber: Scrubber | None = None,
) -> FixResult:
    """Store the corrections, scrub the claim again and release it when nothing blocks it."""
    with uow_factory() as uow:
        uow.work_items.begin_write()
        claim = _fixable(uow, claim_id)
        try:
            encounter = _corrected(claim.encounter, fix)
        except EncounterError as exc:
            raise ClaimFixError(f"claim {claim_id}: {exc}") from exc
        if claim.coverage_id:
            if not fix.member_id.strip():
                raise ClaimFixError(f"claim {claim_id}: member id (NM109) is required")
            uow.coverages.set_member(
                claim.coverage_id, fix.member_id.strip(), fix.group_number.strip()
            )
        uow.encounters.set_diagnoses(encounter.encounter_id, encounter.diagnoses)
        for line in encounter.lines:
            uow.encounters.set_line_coding(
                encounter.encounter_id,
                line.line_number,
                line.modifiers,
                line.diagnosis_pointers,
            )
        uow.commit()
    with uow_factory() as uow:
        claim = _fixable(uow, claim_id)
        today = practice_date(uow, now)
        context = store_contexts(
            uow,
            [claim],
            reference,
            config,
            today=today,
        )[0]
        result = (scrubber or Scrubber.default()).scrub(context)
        released = result.clean
        if released and claim.status is ClaimStatus.HELD:
            claim.move_to(ClaimStatus.READY, by=by, at=now, reason="scrub: clean after fix")
            uow.claims.save(claim)
        uow.commit()
        was_rejected = claim.status is ClaimStatus.REJECTED
    if released and was_rejected:
        release_rejected(uow_factory, claim_id, now=now, by=by)
    elif released:
        solve_problem(
            uow_factory,
            claim_id=claim_id,
            problem_key=HOLD_KEY,
            now=now,
            reason=f"fixed by {by}; scrub clean",
        )
    return FixResult(claim_id, released, tuple(result.findings))
