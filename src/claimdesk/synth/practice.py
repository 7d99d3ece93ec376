"""Write a synthetic practice bundle: deterministic for a seed, realistic, with planted defects.

Everything random comes from one ``random.Random(seed)`` and every date from the reference date,
so the same parameters always give byte-identical files.
"""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from claimdesk.bundle import layout as files
from claimdesk.bundle.reader import bundle_sha256
from claimdesk.domain.practice import PRACTICE_FILE
from claimdesk.synth import catalog
from claimdesk.synth.defects import DefectKind, DefectPlanter
from claimdesk.synth.people import PeopleFactory, make_address, make_clinicians, make_npi
from claimdesk.synth.plans import PLAN_COLUMNS, PLANS_FILE, plan_rows
from claimdesk.synth.records import AddressRec, DefectRec, EncounterRec, PatientRec, day_text
from claimdesk.synth.visits import VisitFactory

MAX_DAY_REDRAWS = 50
# A month of visits not yet billed: well inside every payer's filing limit.
DEFAULT_DAYS = 30
# Each patient defect reaches all of the patient's visits: 6% of patients and 6% of visits
# make about 12% of claims, the share of claims the field sees rejected or denied at first.
DEFAULT_DEFECT_RATE = 0.06
DEFECTS_FILE = "defects.csv"
DEFECT_COLUMNS = (
    "kind",
    "patient_account",
    "encounter_id",
    "coverage_id",
    "detail",
    "correction",
)
SATURDAY = 5


@dataclass(frozen=True, slots=True)
class SynthSummary:
    out_dir: Path
    seed: int
    as_of: date
    sha256: str
    counts: dict[str, int]
    defects: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "out_dir": str(self.out_dir),
            "seed": self.seed,
            "as_of": self.as_of.isoformat(),
            "sha256": self.sha256,
            "counts": dict(self.counts),
            "defects": dict(self.defects),
        }


def write_practice(
    out_dir: Path,
    *,
    patients: int,
    encounters: int,
    seed: int,
    defect_rate: float = DEFAULT_DEFECT_RATE,
    as_of: date,
    days: int = DEFAULT_DAYS,
    name: str = catalog.GROUP_NAME,
) -> SynthSummary:
    """Write a practice of ``patients`` patients and ``encounters`` visits to ``out_dir``,
    billing as the group ``name`` (its profile, statements and letters carry it).

    Every visit falls in the ``days`` days ending at ``as_of`` (the practice's today), so a
    bundle written today imports today; the same seed and ``as_of`` give the same files.

    About ``defect_rate`` of the patients get one registration defect and about ``defect_rate``
    of the encounters one charge-entry defect; ``defects.csv`` lists each with its kind.
    ``plans.csv`` is the payers' plan/tier directory (:mod:`claimdesk.synth.plans`).
    """
    if patients < 1 or encounters < 0:
        raise ValueError("a practice needs at least one patient and no negative encounter count")
    if days < 1:
        raise ValueError(f"a practice needs at least one day of visits, not {days}")
    if not 0 <= defect_rate <= 1:
        raise ValueError(f"defect rate {defect_rate} is not between 0 and 1")
    practice = _Practice(random.Random(seed), as_of, days, name)
    practice.generate(patients, encounters, defect_rate)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = practice.write(out_dir)
    kinds = Counter(defect.kind for defect in practice.defects)
    return SynthSummary(
        out_dir=out_dir,
        seed=seed,
        as_of=as_of,
        sha256=bundle_sha256(out_dir),
        counts=counts,
        defects={kind.value: kinds[kind.value] for kind in DefectKind},
    )


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _address_cells(address: AddressRec) -> dict[str, str]:
    return {
        "address_line1": address.line1,
        "address_line2": address.line2,
        "city": address.city,
        "state": address.state,
        "postal_code": address.postal_code,
    }


class _Practice:
    def __init__(self, rng: random.Random, as_of: date, days: int, name: str) -> None:
        self._rng = rng
        self._name = name
        self._as_of = as_of
        self._days = days
        self._start = as_of - timedelta(days=days - 1)
        self._clinicians = make_clinicians(rng)
        self._group_npi = make_npi(rng)
        self._group_tax_id = f"{rng.randrange(10, 99)}{rng.randrange(10**6, 10**7)}"
        self._referring = tuple(make_npi(rng) for _ in range(8))
        self._office = make_address(rng, zip_plus_four=True)
        self._hospital = make_address(rng, zip_plus_four=True)
        self._hospital_npi = make_npi(rng)
        self._people = PeopleFactory(rng, self._start)
        self._patients: list[PatientRec] = []
        self._encounters: list[EncounterRec] = []
        self.defects: list[DefectRec] = []

    def generate(self, patients: int, encounters: int, defect_rate: float) -> None:
        self._patients = [self._people.patient(n) for n in range(1, patients + 1)]
        self._encounters = self._visits(encounters)
        planter = DefectPlanter(self._rng, self._referring)
        planter.plant(self._patients, self._encounters, defect_rate)
        self.defects = planter.defects

    def _visit_day(self) -> date:
        day = self._start + timedelta(days=self._rng.randrange(self._days))
        if day.weekday() >= SATURDAY:
            # Clinics see patients on weekdays: the visit moves to the nearest weekday in range.
            forward = day + timedelta(days=7 - day.weekday())
            back = day - timedelta(days=day.weekday() - 4)
            if forward <= self._as_of:
                return forward
            if back >= self._start:
                return back
        return day

    def _visits(self, count: int) -> list[EncounterRec]:
        rng = self._rng
        factory = VisitFactory(rng)
        weights = [
            1
            + 2 * len(p.chronic)
            + (2 if p.primary and p.primary.payer is catalog.WORKERS_COMP else 0)
            for p in self._patients
        ]
        chosen = rng.choices(self._patients, weights=weights, k=count)
        adults = [c for c in self._clinicians if not c.pediatric]
        children = [c for c in self._clinicians if c.pediatric]
        drafts: list[EncounterRec] = []
        booked: set[tuple[str, date]] = set()
        for patient in chosen:
            day = self._visit_day()
            # One visit per patient per day: a second one would be a duplicate claim (DUP001).
            # Bounded, so that a tiny practice with many visits still finishes.
            for _ in range(MAX_DAY_REDRAWS):
                if (patient.account, day) not in booked:
                    break
                day = self._visit_day()
            booked.add((patient.account, day))
            plan = factory.visit(patient, day)
            pediatric = patient.age_on(day) < 18 and rng.random() < 0.7
            clinician = rng.choice(children if pediatric else adults)
            if plan.telehealth:
                facility_id, place = catalog.FACILITIES[2][0], catalog.FACILITIES[2][2]
            elif rng.random() < 0.12:
                facility_id, place = catalog.FACILITIES[1][0], catalog.FACILITIES[1][2]
            else:
                facility_id, place = catalog.FACILITIES[0][0], catalog.FACILITIES[0][2]
            drafts.append(
                EncounterRec(
                    encounter_id="",
                    patient=patient,
                    rendering_npi=clinician.npi,
                    billing_npi=self._group_npi,
                    facility_id=facility_id,
                    place_of_service=place,
                    date_of_service=day,
                    referring_npi=rng.choice(self._referring) if rng.random() < 0.15 else "",
                    prior_authorization=plan.prior_authorization,
                    diagnoses=plan.diagnoses,
                    lines=plan.lines,
                )
            )
        drafts.sort(key=lambda e: e.date_of_service)
        for number, encounter in enumerate(drafts, start=1):
            encounter.encounter_id = f"E{number:07d}"
        return drafts

    # Writing -----------------------------------------------------------------------------

    def write(self, out_dir: Path) -> dict[str, int]:
        counts: dict[str, int] = {}
        tables: Sequence[tuple[files.FileLayout, Iterable[dict[str, str]]]] = (
            (files.PAYERS, self._payer_rows()),
            (files.PROVIDERS, self._provider_rows()),
            (files.FACILITIES, self._facility_rows()),
            (files.GUARANTORS, self._guarantor_rows()),
            (files.PATIENTS, self._patient_rows()),
            (files.COVERAGES, self._coverage_rows()),
            (files.FEE_SCHEDULE, self._fee_rows()),
            (files.CONTRACTS, self._contract_rows()),
            (files.ENCOUNTERS, self._encounter_rows()),
            (files.SERVICE_LINES, self._line_rows()),
            (files.DIAGNOSES, self._diagnosis_rows()),
        )
        for layout, rows in tables:
            counts[layout.name.removesuffix(".csv")] = _write_csv(
                out_dir / layout.name, layout.columns, rows
            )
        defect_rows = (
            {
                "kind": d.kind,
                "patient_account": d.patient_account,
                "encounter_id": d.encounter_id,
                "coverage_id": d.coverage_id,
                "detail": d.detail,
                "correction": d.correction,
            }
            for d in self.defects
        )
        counts["defects"] = _write_csv(out_dir / DEFECTS_FILE, DEFECT_COLUMNS, defect_rows)
        # The plan/tier directory is not bundle data: ``claimdesk plans import`` reads it.
        counts["plans"] = _write_csv(out_dir / PLANS_FILE, PLAN_COLUMNS, plan_rows())
        (out_dir / PRACTICE_FILE).write_text(self._practice_toml(), encoding="utf-8")
        return counts

    def _practice_toml(self) -> str:
        """The practice profile: the group bills, enrolled with the simulated clearinghouse."""
        office = self._office
        tables: dict[str, dict[str, str]] = {
            "": {
                "name": self._name,
                "time_zone": catalog.TIME_ZONE,
                "signature": f"Billing Office, {self._name}",
            },
            "billing": {
                "npi": self._group_npi,
                "tax_id": self._group_tax_id,
                "taxonomy": catalog.GROUP_TAXONOMY,
                "address1": office.line1,
                "address2": office.line2,
                "city": office.city,
                "state": office.state,
                "zip": office.postal_code,
            },
            "submitter": dict(catalog.SUBMITTER),
            "receiver": dict(catalog.CLEARINGHOUSE),
        }
        lines: list[str] = []
        for table, values in tables.items():
            if table:
                lines.append(f"\n[{table}]")
            # JSON strings of printable ASCII are TOML basic strings.
            lines += [f"{key} = {json.dumps(value)}" for key, value in values.items() if value]
        return "\n".join(lines) + "\n"

    def _payer_rows(self) -> Iterable[dict[str, str]]:
        for payer in catalog.PAYERS:
            yield {
                "payer_id": payer.payer_id,
                "name": payer.name,
                "kind": payer.kind.value,
                "timely_filing": str(payer.timely_filing),
                "appeal_window_days": str(payer.appeal_window_days),
                "member_id_pattern": payer.member_id_pattern,
            }

    def _provider_rows(self) -> Iterable[dict[str, str]]:
        yield {
            "npi": self._group_npi,
            "kind": "organization",
            "name": self._name,
            "taxonomy": catalog.GROUP_TAXONOMY,
            "tax_id": self._group_tax_id,
            **_address_cells(self._office),
        }
        for clinician in self._clinicians:
            yield {
                "npi": clinician.npi,
                "kind": "individual",
                "name": clinician.last_name,
                "first_name": clinician.first_name,
                "taxonomy": clinician.taxonomy,
                # Clinicians in a group bill under the group's EIN.
                "tax_id": self._group_tax_id,
            }

    def _facility_rows(self) -> Iterable[dict[str, str]]:
        for facility_id, name, place in catalog.FACILITIES:
            hospital = place == "22"
            yield {
                "facility_id": facility_id,
                "name": name,
                "place_of_service": place,
                "npi": self._hospital_npi if hospital else "",
                **_address_cells(self._hospital if hospital else self._office),
            }

    def _guarantor_rows(self) -> Iterable[dict[str, str]]:
        for guarantor in self._people.guarantors:
            yield {
                "account": guarantor.account,
                "last_name": guarantor.last_name,
                "first_name": guarantor.first_name,
                "phone": guarantor.phone,
                **_address_cells(guarantor.address),
            }

    def _patient_rows(self) -> Iterable[dict[str, str]]:
        for patient in self._patients:
            yield {
                "account": patient.account,
                "last_name": patient.last_name,
                "first_name": patient.first_name,
                "middle_name": patient.middle_name,
                "birth_date": patient.birth_date.isoformat(),
                "sex": patient.sex,
                "phone": patient.phone,
                "guarantor_account": patient.guarantor.account if patient.guarantor else "",
                **_address_cells(patient.address),
            }

    def _coverage_rows(self) -> Iterable[dict[str, str]]:
        for patient in self._patients:
            for coverage in patient.coverages:
                yield {
                    "coverage_id": coverage.coverage_id,
                    "patient_account": coverage.patient_account,
                    "payer_id": coverage.payer.payer_id,
                    "plan_name": coverage.plan_name,
                    "member_id": coverage.member_id,
                    "group_number": coverage.group_number,
                    "priority": str(coverage.priority),
                    "relationship": coverage.relationship,
                    "effective": coverage.effective.isoformat(),
                    "termination": day_text(coverage.termination),
                    "network_tier": str(coverage.network_tier),
                    "subscriber_last_name": coverage.subscriber_last_name,
                    "subscriber_first_name": coverage.subscriber_first_name,
                    "subscriber_birth_date": day_text(coverage.subscriber_birth_date),
                    "subscriber_sex": coverage.subscriber_sex,
                }

    def _fee_effective(self) -> date:
        return date(self._start.year - 1, 1, 1)

    def _fee_rows(self) -> Iterable[dict[str, str]]:
        for code, fee in catalog.FEES.items():
            yield {
                "code": code,
                "charge": _money(Decimal(fee)),
                "effective": self._fee_effective().isoformat(),
            }

    def _contract_rows(self) -> Iterable[dict[str, str]]:
        rng = self._rng
        since = self._fee_effective()
        # Medicare's physician fee schedule changes every January 1; one commercial contract
        # was renegotiated for office visits at the middle of the period.
        january = date(self._as_of.year, 1, 1)
        midyear = self._start + timedelta(days=self._days // 2)
        renegotiated = catalog.COMMERCIAL[0]
        for payer in catalog.PAYERS:
            for code, fee in catalog.FEES.items():
                if code in catalog.MEDICARE_ONLY and payer is not catalog.MEDICARE:
                    continue
                if code in catalog.NOT_MEDICARE and payer is catalog.MEDICARE:
                    continue
                share = payer.allowed_share + Decimal(rng.randrange(-4, 5)) / 100
                allowed = (Decimal(fee) * share).quantize(Decimal("0.01"))
                change: tuple[date, Decimal] | None = None
                if payer is catalog.MEDICARE:
                    change = (january, Decimal("1.025"))
                elif payer is renegotiated and code in catalog.EM_CODES:
                    change = (midyear, Decimal("1.06"))
                row = {"payer_id": payer.payer_id, "code": code, "effective": since.isoformat()}
                if change is None:
                    yield {**row, "allowed": _money(allowed)}
                    continue
                changed_on, factor = change
                yield {
                    **row,
                    "allowed": _money(allowed),
                    "termination": (changed_on - timedelta(days=1)).isoformat(),
                }
                yield {
                    **row,
                    "allowed": _money((allowed * factor).quantize(Decimal("0.01"))),
                    "effective": changed_on.isoformat(),
                }

    def _encounter_rows(self) -> Iterable[dict[str, str]]:
        for encounter in self._encounters:
            yield {
                "encounter_id": encounter.encounter_id,
                "patient_account": encounter.patient.account,
                "rendering_npi": encounter.rendering_npi,
                "billing_npi": encounter.billing_npi,
                "facility_id": encounter.facility_id,
                "date_of_service": encounter.date_of_service.isoformat(),
                "referring_npi": encounter.referring_npi,
                "prior_authorization": encounter.prior_authorization,
            }

    def _line_rows(self) -> Iterable[dict[str, str]]:
        for encounter in self._encounters:
            day = encounter.date_of_service.isoformat()
            for line in encounter.lines:
                yield {
                    "encounter_id": encounter.encounter_id,
                    "line_number": str(line.line_number),
                    "procedure_code": line.procedure_code,
                    "modifiers": files.LIST_SEPARATOR.join(line.modifiers),
                    "units": str(line.units),
                    "charge": _money(line.charge),
                    "diagnosis_pointers": files.LIST_SEPARATOR.join(map(str, line.pointers)),
                    "date_of_service": day,
                    "place_of_service": encounter.place_of_service,
                    "ndc": line.ndc,
                    "ndc_quantity": "" if line.ndc_quantity is None else str(line.ndc_quantity),
                    "ndc_unit": "ML" if line.ndc else "",
                }

    def _diagnosis_rows(self) -> Iterable[dict[str, str]]:
        for encounter in self._encounters:
            for sequence, code in enumerate(encounter.diagnoses, start=1):
                yield {
                    "encounter_id": encounter.encounter_id,
                    "sequence": str(sequence),
                    "code": code,
                }


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, str]]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count
