"""Realistic defects planted in a synthetic practice, with the answer key (defects.csv).

Each defect is one that front-end checks (eligibility, scrubbing) are meant to catch. All of them
keep the bundle readable: the bundle reader checks structure, and these are content problems.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import timedelta
from enum import StrEnum
from typing import TypeVar

from claimdesk.domain.coverage import Relationship
from claimdesk.domain.encounters import DrugUnit
from claimdesk.domain.payers import PayerKind
from claimdesk.synth import catalog
from claimdesk.synth.records import DefectRec, EncounterRec, PatientRec, day_text

T = TypeVar("T")

# How long before the first visit an expired coverage ended.
_EXPIRY_MARGIN = timedelta(days=45)


class DefectKind(StrEnum):
    # Registration defects (one patient, or one of their coverages).
    MISSING_MEMBER_ID = "missing_member_id"
    MISSING_ADDRESS_LINE = "missing_address_line"
    DEPENDENT_AS_SELF = "dependent_as_self"
    EXPIRED_COVERAGE = "expired_coverage"
    # Charge-entry defects (one encounter).
    INVALID_DIAGNOSIS = "invalid_diagnosis"
    NON_BILLABLE_DIAGNOSIS = "non_billable_diagnosis"
    BAD_REFERRING_NPI = "bad_referring_npi"
    WEAK_POINTER = "weak_pointer"
    MISSING_MODIFIER_25 = "missing_modifier_25"
    MISSING_NDC = "missing_ndc"


PATIENT_KINDS = (
    DefectKind.MISSING_MEMBER_ID,
    DefectKind.MISSING_ADDRESS_LINE,
    DefectKind.DEPENDENT_AS_SELF,
    DefectKind.EXPIRED_COVERAGE,
)
ENCOUNTER_KINDS = (
    DefectKind.INVALID_DIAGNOSIS,
    DefectKind.NON_BILLABLE_DIAGNOSIS,
    DefectKind.BAD_REFERRING_NPI,
    DefectKind.WEAK_POINTER,
    DefectKind.MISSING_MODIFIER_25,
    DefectKind.MISSING_NDC,
)


def _spread(
    rng: random.Random,
    kinds: Sequence[DefectKind],
    count: int,
    candidates: dict[DefectKind, list[T]],
    apply: Callable[[DefectKind, T], None],
) -> None:
    """Plant ``count`` defects, the kinds taking turns so that each appears at a similar rate.

    A record gets at most one defect, so every entry of the answer key has one cause.
    """
    queues = {kind: rng.sample(candidates[kind], len(candidates[kind])) for kind in kinds}
    used: set[int] = set()
    planted = 0
    turn = 0
    while planted < count and any(queues.values()):
        kind = kinds[turn % len(kinds)]
        turn += 1
        queue = queues[kind]
        while queue and id(queue[-1]) in used:
            queue.pop()
        if not queue:
            continue
        record = queue.pop()
        used.add(id(record))
        apply(kind, record)
        planted += 1


class DefectPlanter:
    def __init__(self, rng: random.Random, referring: Sequence[str]) -> None:
        self._rng = rng
        self._referring = referring
        self._parents = catalog.diagnosis_catalog().parents
        self.defects: list[DefectRec] = []

    def plant(
        self,
        patients: list[PatientRec],
        encounters: list[EncounterRec],
        rate: float,
    ) -> None:
        visits: dict[str, list[EncounterRec]] = {}
        for encounter in encounters:
            visits.setdefault(encounter.patient.account, []).append(encounter)
        patient_candidates = {
            DefectKind.MISSING_MEMBER_ID: [p for p in patients if p.coverages],
            DefectKind.MISSING_ADDRESS_LINE: list(patients),
            DefectKind.DEPENDENT_AS_SELF: [
                p for p in patients if p.coverages and p.coverages[0].relationship == "child"
            ],
            DefectKind.EXPIRED_COVERAGE: [
                p
                for p in patients
                if len(p.coverages) == 1
                and p.account in visits
                and p.coverages[0].effective + _EXPIRY_MARGIN
                < min(e.date_of_service for e in visits[p.account])
            ],
        }
        _spread(
            self._rng,
            PATIENT_KINDS,
            round(len(patients) * rate),
            patient_candidates,
            lambda kind, patient: self._patient_defect(kind, patient, visits),
        )
        encounter_candidates = {
            DefectKind.INVALID_DIAGNOSIS: list(encounters),
            DefectKind.NON_BILLABLE_DIAGNOSIS: [
                e for e in encounters if any(code in self._parents for code in e.diagnoses)
            ],
            DefectKind.BAD_REFERRING_NPI: list(encounters),
            DefectKind.WEAK_POINTER: [
                e for e in encounters if e.lines[0].procedure_code in catalog.EM_CODES
            ],
            DefectKind.MISSING_MODIFIER_25: [e for e in encounters if "25" in e.lines[0].modifiers],
            # Only a payer that requires the NDC (Medicaid) holds a drug line without one.
            DefectKind.MISSING_NDC: [
                e
                for e in encounters
                if any(line.ndc for line in e.lines)
                and e.patient.primary is not None
                and e.patient.primary.payer.kind is PayerKind.MEDICAID
            ],
        }
        _spread(
            self._rng,
            ENCOUNTER_KINDS,
            round(len(encounters) * rate),
            encounter_candidates,
            self._encounter_defect,
        )

    def _record(
        self,
        kind: DefectKind,
        patient: PatientRec,
        detail: str,
        encounter: EncounterRec | None = None,
        coverage_id: str = "",
        correction: dict[str, str] | None = None,
    ) -> None:
        self.defects.append(
            DefectRec(
                kind.value,
                patient.account,
                encounter.encounter_id if encounter else "",
                coverage_id,
                detail,
                "; ".join(f"{name}={value}" for name, value in (correction or {}).items()),
            )
        )

    def _patient_defect(
        self, kind: DefectKind, patient: PatientRec, visits: dict[str, list[EncounterRec]]
    ) -> None:
        rng = self._rng
        if kind is DefectKind.MISSING_ADDRESS_LINE:
            line1, patient.address.line1 = patient.address.line1, ""
            self._record(
                kind,
                patient,
                "patient address has no street line",
                correction={"patient.address.line1": line1},
            )
            return
        coverage = patient.coverages[0]
        if kind is DefectKind.MISSING_MEMBER_ID:
            member_id, coverage.member_id = coverage.member_id, ""
            self._record(
                kind,
                patient,
                "coverage has no member id",
                coverage_id=coverage.coverage_id,
                correction={"coverage.member_id": member_id},
            )
        elif kind is DefectKind.DEPENDENT_AS_SELF:
            # The child is registered as the subscriber on the parent's plan.
            coverage.relationship = "self"
            self._record(
                kind,
                patient,
                "minor on a parent's plan registered with relationship self",
                coverage_id=coverage.coverage_id,
                correction={
                    "coverage.relationship": Relationship.CHILD.value,
                    "coverage.subscriber.last_name": coverage.subscriber_last_name,
                    "coverage.subscriber.first_name": coverage.subscriber_first_name,
                    "coverage.subscriber.birth_date": day_text(coverage.subscriber_birth_date),
                },
            )
        else:
            seen = visits[patient.account]
            first = min(e.date_of_service for e in seen)
            coverage.termination = first - timedelta(days=rng.randint(1, _EXPIRY_MARGIN.days))
            # Asked, the patient has had no insurance since: the visits are theirs to pay.
            uninsured = (coverage.termination + timedelta(days=1)).isoformat()
            for encounter in seen:
                self._record(
                    kind,
                    patient,
                    f"coverage terminated {coverage.termination.isoformat()}, before the visit",
                    encounter,
                    coverage.coverage_id,
                    correction={"patient.uninsured_since": uninsured},
                )

    def _encounter_defect(self, kind: DefectKind, encounter: EncounterRec) -> None:
        rng = self._rng
        patient = encounter.patient
        # The diagnoses as the provider documented them, before either diagnosis defect.
        charted = {"diagnoses": " ".join(encounter.diagnoses)}
        if kind is DefectKind.INVALID_DIAGNOSIS:
            position = rng.randrange(len(encounter.diagnoses))
            code = self._invalid_variant(encounter.diagnoses[position])
            encounter.diagnoses[position] = code
            self._record(
                kind,
                patient,
                f"diagnosis {position + 1} is {code}",
                encounter,
                correction=charted,
            )
        elif kind is DefectKind.NON_BILLABLE_DIAGNOSIS:
            position = next(
                i for i, code in enumerate(encounter.diagnoses) if code in self._parents
            )
            parent = self._parents[encounter.diagnoses[position]]
            encounter.diagnoses[position] = parent
            self._record(
                kind,
                patient,
                f"diagnosis {position + 1} is category {parent}",
                encounter,
                correction=charted,
            )
        elif kind is DefectKind.BAD_REFERRING_NPI:
            valid = encounter.referring_npi or rng.choice(self._referring)
            wrong = (int(valid[9]) + rng.randint(1, 9)) % 10
            encounter.referring_npi = valid[:9] + str(wrong)
            self._record(
                kind,
                patient,
                "referring NPI check digit is wrong",
                encounter,
                correction={"referring_npi": valid},
            )
        elif kind is DefectKind.WEAK_POINTER:
            status = rng.choice(catalog.STATUS_CODES)
            if status not in encounter.diagnoses:
                encounter.diagnoses.append(status)
            em = encounter.lines[0]
            pointers = " ".join(str(p) for p in em.pointers)
            em.pointers = [encounter.diagnoses.index(status) + 1]
            self._record(
                kind,
                patient,
                f"line 1 points only to history/status code {status}",
                encounter,
                correction={"line 1 diagnosis_pointers": pointers},
            )
        elif kind is DefectKind.MISSING_NDC:
            drug = next(line for line in encounter.lines if line.ndc)
            line = f"line {drug.line_number}"
            given = {
                f"{line} ndc": drug.ndc,
                f"{line} ndc_quantity": str(drug.ndc_quantity),
                f"{line} ndc_unit": DrugUnit.MILLILITER.value,
            }
            drug.ndc, drug.ndc_quantity = "", None
            self._record(
                kind,
                patient,
                f"line {drug.line_number} ({drug.procedure_code}) has no NDC",
                encounter,
                correction=given,
            )
        else:
            em = encounter.lines[0]
            modifiers = " ".join(em.modifiers)
            em.modifiers.remove("25")
            self._record(
                kind,
                patient,
                "E/M billed with a same-day procedure lacks modifier 25",
                encounter,
                correction={"line 1 modifiers": modifiers},
            )

    def _invalid_variant(self, code: str) -> str:
        """A code shaped like ICD-10-CM that the code set does not have."""
        rng = self._rng
        stem = code.split(".")[0]
        while True:
            candidate = f"{stem}.{rng.choice('ZYXW')}{rng.randrange(10)}"
            if not catalog.is_known_diagnosis(candidate):
                return candidate
