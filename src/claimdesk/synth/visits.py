"""What happens at a synthetic visit: diagnoses, service lines, modifiers and pointers.

Clean visits follow common coding practice: the E/M points to the visit's clinical diagnoses, a
test or procedure points to the diagnosis that justifies it, an E/M billed with a procedure that
carries its own evaluation gets modifier 25, a procedure distinct from another same-day procedure
gets 59, a joint procedure names its side (RT/LT), and a telehealth E/M carries 95.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from claimdesk.synth import catalog
from claimdesk.synth.records import LineRec, PatientRec

MAX_VISIT_DIAGNOSES = 4
MAX_VISIT_LINES = 4


@dataclass(slots=True)
class VisitPlan:
    """One visit being put together; ``telehealth`` visits go to the virtual-care facility."""

    diagnoses: list[str] = field(default_factory=list)
    lines: list[LineRec] = field(default_factory=list)
    telehealth: bool = False
    prior_authorization: str = ""

    def diagnosis(self, code: str) -> int:
        """The pointer to ``code``, adding it to the visit when it is new."""
        if code in self.diagnoses:
            return self.diagnoses.index(code) + 1
        self.diagnoses.append(code)
        return len(self.diagnoses)

    def line(
        self, code: str, pointers: list[int], modifiers: tuple[str, ...] = (), units: int = 1
    ) -> LineRec:
        line = LineRec(
            line_number=len(self.lines) + 1,
            procedure_code=code,
            modifiers=list(modifiers),
            units=units,
            charge=Decimal(catalog.FEES[code] * units),
            pointers=pointers,
        )
        drug = catalog.DRUGS.get(code)
        if drug is not None:
            line.ndc, line.ndc_quantity = drug.ndc, drug.milliliters(units)
        self.lines.append(line)
        return line


def _preventive_code(age: int, new: bool) -> str:
    band = sum(1 for limit in catalog.PREVENTIVE_AGE_BANDS if age >= limit)
    return (catalog.PREVENTIVE_NEW if new else catalog.PREVENTIVE_ESTABLISHED)[band]


class VisitFactory:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        codes = catalog.diagnosis_catalog()
        self._acute = codes.acute
        self._injury = codes.injury
        self._acute_names = tuple(codes.acute)
        self._injury_names = tuple(codes.injury)

    def visit(self, patient: PatientRec, day: date) -> VisitPlan:
        rng = self._rng
        age = patient.age_on(day)
        primary = patient.primary
        if primary is not None and primary.payer is catalog.WORKERS_COMP:
            return self._injury_visit()
        roll = rng.random()
        if roll < 0.15:
            return self._preventive(patient, age)
        if roll < 0.55 and patient.chronic:
            return self._chronic(patient, telehealth=age >= 18 and rng.random() < 0.12)
        if roll < 0.60 and age >= 40:
            return self._knee_injection(patient)
        return self._acute_visit(patient, telehealth=age >= 18 and rng.random() < 0.08)

    def _established_em(self, weights: tuple[int, int, int, int]) -> str:
        rng = self._rng
        codes = catalog.NEW_PATIENT_EM if rng.random() < 0.08 else catalog.ESTABLISHED_EM
        return rng.choices(codes, weights)[0]

    def _preventive(self, patient: PatientRec, age: int) -> VisitPlan:
        rng = self._rng
        plan = VisitPlan()
        primary = patient.primary
        if primary is not None and primary.payer is catalog.MEDICARE:
            exam = plan.diagnosis(rng.choices(catalog.ADULT_EXAM, (8, 2))[0])
            plan.line("G0438" if rng.random() < 0.1 else "G0439", [exam])
        elif age < 18:
            exam = plan.diagnosis(rng.choices(catalog.CHILD_EXAM, (85, 15))[0])
            plan.line(_preventive_code(age, rng.random() < 0.15), [exam])
        else:
            exam = plan.diagnosis(rng.choices(catalog.ADULT_EXAM, (8, 2))[0])
            plan.line(_preventive_code(age, rng.random() < 0.15), [exam])
        if age >= 3 and rng.random() < 0.35:
            shot = plan.diagnosis(catalog.IMMUNIZATION)
            plan.line("90471", [shot])
            plan.line("90715" if age >= 7 and rng.random() < 0.2 else "90686", [shot])
        elif age >= 18 and rng.random() < 0.3:
            plan.line("36415", [exam])
            plan.line("80053", [exam])
            plan.line("85025", [exam])
        return plan

    def _chronic(self, patient: PatientRec, *, telehealth: bool) -> VisitPlan:
        rng = self._rng
        plan = VisitPlan(telehealth=telehealth)
        seen = rng.sample(patient.chronic, min(len(patient.chronic), rng.randint(1, 3)))
        pointers = [plan.diagnosis(code) for _, code in seen]
        groups = {name: plan.diagnosis(code) for name, code in seen}
        if "diabetes" in groups and len(plan.diagnoses) < MAX_VISIT_DIAGNOSES:
            if rng.random() < 0.3:
                plan.diagnosis(catalog.INSULIN_STATUS)
        elif len(plan.diagnoses) < MAX_VISIT_DIAGNOSES and rng.random() < 0.15:
            plan.diagnosis(rng.choice(catalog.STATUS_CODES))
        em = self._established_em((10, 45, 38, 7))
        plan.line(em, pointers, ("95",) if telehealth else ())
        if telehealth:
            return plan
        labs: list[tuple[str, int]] = []
        if "diabetes" in groups and rng.random() < 0.6:
            labs.append(("83036", groups["diabetes"]))
        if "lipids" in groups and rng.random() < 0.5:
            labs.append(("80061", groups["lipids"]))
        if labs:
            plan.line("36415", sorted({pointer for _, pointer in labs}))
            for code, pointer in labs:
                plan.line(code, [pointer])
        elif "hypertension" in groups and rng.random() < 0.3:
            plan.line("93000", [groups["hypertension"]])
        return plan

    def _acute_visit(self, patient: PatientRec, *, telehealth: bool) -> VisitPlan:
        rng = self._rng
        plan = VisitPlan(telehealth=telehealth)
        asthma = next((code for name, code in patient.chronic if name == "asthma"), None)
        if asthma is not None and not telehealth and rng.random() < 0.25:
            wheeze = plan.diagnosis(asthma)
            plan.line(self._established_em((20, 50, 30, 0)), [wheeze], ("25",))
            plan.line("94640", [wheeze])
            return plan
        group = rng.choice(self._acute_names)
        reason = plan.diagnosis(rng.choice(self._acute[group]))
        pointers = [reason]
        if patient.chronic and rng.random() < 0.3:
            name, code = rng.choice(patient.chronic)
            # J30 allergic rhinitis excludes (Excludes1) rhinitis with asthma, coded in J45.
            if not (group == "rhinitis" and name == "asthma"):
                pointers.append(plan.diagnosis(code))
        em = plan.line(
            self._established_em((20, 55, 25, 0)), pointers, ("95",) if telehealth else ()
        )
        if telehealth:
            return plan
        if group == "pharyngitis" and rng.random() < 0.7:
            plan.line("87880", [reason])
        elif group == "influenza" and rng.random() < 0.7:
            plan.line("87804", [reason])
        elif group in ("bronchitis", "cough", "chest") and rng.random() < 0.3:
            plan.line("71046" if group != "chest" else "93000", [reason])
        elif group == "uti":
            plan.line("81002", [reason])
        elif group in ("urticaria", "back") and rng.random() < 0.4:
            em.modifiers.append("25")
            plan.line("96372", [reason])
            plan.line("J1100", [reason], units=rng.randint(4, 10))
        return plan

    def _knee_injection(self, patient: PatientRec) -> VisitPlan:
        rng = self._rng
        plan = VisitPlan()
        side = rng.choice(("RT", "LT"))
        knee = plan.diagnosis(catalog.KNEE_OSTEOARTHRITIS[side])
        plan.line(self._established_em((0, 60, 40, 0)), [knee], ("25",))
        plan.line("20610", [knee], (side,))
        if rng.random() < 0.2:
            # A separate injection for another problem the same day: distinct service (59).
            hives = plan.diagnosis(rng.choice(self._acute["urticaria"]))
            plan.line("96372", [hives], ("59",))
            plan.line("J1100", [hives], units=rng.randint(4, 10))
        else:
            plan.line("J3301", [knee], units=4)
        return plan

    def _injury_visit(self) -> VisitPlan:
        rng = self._rng
        plan = VisitPlan()
        group = rng.choice(self._injury_names)
        injury = plan.diagnosis(rng.choice(self._injury[group]))
        plan.line(self._established_em((10, 50, 35, 5)), [injury])
        if group == "ankle_sprain" and rng.random() < 0.6:
            plan.line("73610", [injury])
        elif group == "back_strain" and rng.random() < 0.6:
            plan.line("72100", [injury])
        if rng.random() < 0.4:
            plan.line("97110", [injury], units=rng.randint(2, 4))
        if rng.random() < 0.5:
            # Workers' comp carriers authorize treatment under the claim.
            plan.prior_authorization = f"WA{rng.randrange(10**6, 10**7)}"
        return plan
