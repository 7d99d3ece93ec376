"""Synthetic people: the practice's providers, its patients, their guarantors and coverages."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from claimdesk.domain.providers import npi_check_digit
from claimdesk.synth import catalog, names
from claimdesk.synth.records import AddressRec, CoverageRec, GuarantorRec, PatientRec

DAYS_PER_YEAR = 365.25
ADULT_AGE = 18
MEDICARE_AGE = 65


def make_npi(rng: random.Random, entity: str = "1") -> str:
    """A valid NPI: NPIs begin with 1 or 2, and the tenth digit is the Luhn check digit."""
    first_nine = entity + "".join(rng.choices("0123456789", k=8))
    return first_nine + npi_check_digit(first_nine)


def make_phone(rng: random.Random) -> str:
    return f"{rng.choice(names.AREA_CODES)}55501{rng.randrange(100):02d}"


def make_address(rng: random.Random, *, zip_plus_four: bool = False) -> AddressRec:
    """A plausible address; ``zip_plus_four`` for providers and facilities, whose 837 loops
    (2010AA billing provider, 2310C service facility) require the nine-digit ZIP code."""
    city, state, zip3 = rng.choice(names.TOWNS)
    postal = f"{zip3}{rng.randrange(100):02d}"
    if zip_plus_four or rng.random() < 0.3:
        postal += f"{rng.randrange(10000):04d}"
    street = f"{rng.randrange(1, 9900)} {rng.choice(names.STREET_NAMES)} "
    street += rng.choice(names.STREET_SUFFIXES)
    line2 = f"Apt {rng.randrange(1, 40)}" if rng.random() < 0.15 else ""
    return AddressRec(street, line2, city, state, postal)


def first_name(rng: random.Random, sex: str) -> str:
    return rng.choice(names.FEMALE_FIRST_NAMES if sex == "F" else names.MALE_FIRST_NAMES)


def years_before(day: date, years: float) -> date:
    return day - timedelta(days=round(years * DAYS_PER_YEAR))


def member_id(rng: random.Random, payer: catalog.PayerSpec) -> str:
    if payer.member_id_shape == "M":
        alpha = catalog.MBI_LETTERS
        alnum = alpha + "0123456789"
        digit = "0123456789"
        return "".join(
            (
                rng.choice("123456789"),
                rng.choice(alpha),
                rng.choice(alnum),
                rng.choice(digit),
                rng.choice(alpha),
                rng.choice(alnum),
                rng.choice(digit),
                rng.choice(alpha),
                rng.choice(alpha),
                rng.choice(digit),
                rng.choice(digit),
            )
        )
    shape = payer.member_id_shape
    return "".join(
        rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
        if c == "L"
        else rng.choice("0123456789")
        if c == "9"
        else c
        for c in shape
    )


@dataclass(frozen=True, slots=True)
class Clinician:
    npi: str
    last_name: str
    first_name: str
    taxonomy: str

    @property
    def pediatric(self) -> bool:
        return self.taxonomy == "208000000X"


def make_clinicians(rng: random.Random) -> tuple[Clinician, ...]:
    return tuple(
        Clinician(make_npi(rng), spec.last_name, spec.first_name, spec.taxonomy)
        for spec in catalog.INDIVIDUALS
    )


class PeopleFactory:
    """Makes patients (with guarantors and coverages) alive and insured through the period."""

    def __init__(self, rng: random.Random, period_start: date) -> None:
        self._rng = rng
        self._start = period_start
        self._coverage_count = 0
        self._guarantor_count = 0
        self.guarantors: list[GuarantorRec] = []
        self._chronic = catalog.diagnosis_catalog().chronic

    def patient(self, number: int) -> PatientRec:
        rng = self._rng
        band = rng.random()
        if band < 0.22:
            age = rng.uniform(0.1, 17.9)
        elif band < 0.77:
            age = rng.uniform(18, 64.9)
        else:
            age = rng.uniform(65, 94)
        sex = "F" if rng.random() < 0.52 else "M"
        patient = PatientRec(
            account=f"P{number:07d}",
            last_name=rng.choice(names.LAST_NAMES),
            first_name=first_name(rng, sex),
            middle_name=rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.3 else "",
            birth_date=years_before(self._start, age),
            sex=sex,
            address=make_address(rng),
            phone=make_phone(rng),
            guarantor=None,
        )
        age_years = patient.age_on(self._start)
        if age_years < ADULT_AGE:
            patient.guarantor = self._parent_of(patient)
        patient.chronic = self._chronic_conditions(age_years)
        self._insure(patient, age_years)
        return patient

    def _parent_of(self, child: PatientRec) -> GuarantorRec:
        rng = self._rng
        self._guarantor_count += 1
        sex = "F" if rng.random() < 0.6 else "M"
        guarantor = GuarantorRec(
            account=f"G{self._guarantor_count:07d}",
            last_name=child.last_name,
            first_name=first_name(rng, sex),
            address=child.address,
            phone=child.phone,
            birth_date=years_before(child.birth_date, rng.uniform(20, 42)),
            sex=sex,
        )
        self.guarantors.append(guarantor)
        return guarantor

    def _chronic_conditions(self, age: int) -> list[tuple[str, str]]:
        rng = self._rng
        pool: tuple[str, ...] = ()
        if age < ADULT_AGE:
            if rng.random() < 0.12:
                pool = ("asthma",)
        else:
            # Older patients carry more chronic conditions.
            count = min(len(self._chronic), rng.choices((0, 1, 2, 3), (4, 3, 2, 1 + age // 30))[0])
            adult = tuple(name for name in self._chronic if name != "asthma" or age < 50)
            pool = tuple(rng.sample(adult, count))
            for pair in catalog.EXCLUSIVE_CONDITIONS:
                if pair <= set(pool):
                    pool = tuple(name for name in pool if name != min(pair))
        return [(name, rng.choice(self._chronic[name])) for name in pool]

    def _coverage(
        self,
        patient: PatientRec,
        payer: catalog.PayerSpec,
        priority: int,
        relationship: str = "self",
        effective: date | None = None,
    ) -> CoverageRec:
        rng = self._rng
        self._coverage_count += 1
        if effective is None:
            start = years_before(self._start, rng.uniform(0.1, 8))
            effective = max(start.replace(day=1), patient.birth_date.replace(day=1))
        commercial = payer.kind.value == "commercial"
        coverage = CoverageRec(
            coverage_id=f"C{self._coverage_count:07d}",
            patient_account=patient.account,
            payer=payer,
            plan_name=rng.choice(payer.plans),
            member_id=member_id(rng, payer),
            group_number=f"{rng.randrange(10**5, 10**6)}" if commercial else "",
            priority=priority,
            relationship=relationship,
            effective=effective,
            termination=None,
            # Network tiers exist on commercial plans; government and comp plans pay one way.
            network_tier=rng.choices((1, 2, 3, 9), (65, 25, 7, 3))[0] if commercial else 1,
        )
        patient.coverages.append(coverage)
        return coverage

    def _dependent(self, coverage: CoverageRec, subscriber: GuarantorRec | PatientRec) -> None:
        coverage.subscriber_last_name = subscriber.last_name
        coverage.subscriber_first_name = subscriber.first_name
        coverage.subscriber_birth_date = subscriber.birth_date
        coverage.subscriber_sex = subscriber.sex

    def _spouse_of(self, patient: PatientRec) -> PatientRec:
        rng = self._rng
        sex = "M" if patient.sex == "F" else "F"
        return PatientRec(
            account="",
            last_name=patient.last_name,
            first_name=first_name(rng, sex),
            middle_name="",
            birth_date=patient.birth_date + timedelta(days=rng.randrange(-2000, 2000)),
            sex=sex,
            address=patient.address,
            phone=patient.phone,
            guarantor=None,
        )

    def _insure(self, patient: PatientRec, age: int) -> None:
        rng = self._rng
        roll = rng.random()
        if age >= MEDICARE_AGE:
            medicare_from = years_before(patient.birth_date, -MEDICARE_AGE).replace(day=1)
            self._coverage(patient, catalog.MEDICARE, 1, effective=medicare_from)
            second = rng.random()
            if second < 0.12:
                self._coverage(patient, catalog.MEDICAID, 2)
            elif second < 0.47:
                self._coverage(patient, rng.choice(catalog.COMMERCIAL), 2)
        elif age < ADULT_AGE:
            if roll < 0.40:
                # Children on Medicaid are subscribers in their own right.
                self._coverage(patient, catalog.MEDICAID, 1)
            elif roll < 0.95 and patient.guarantor is not None:
                coverage = self._coverage(patient, rng.choice(catalog.COMMERCIAL), 1, "child")
                self._dependent(coverage, patient.guarantor)
        elif roll < 0.05:
            self._coverage(patient, catalog.WORKERS_COMP, 1)
            if rng.random() < 0.5:
                self._coverage(patient, rng.choice(catalog.COMMERCIAL), 2)
        elif roll < 0.08:
            # Under 65 on Medicare: entitlement through disability.
            self._coverage(patient, catalog.MEDICARE, 1)
        elif roll < 0.23:
            self._coverage(patient, catalog.MEDICAID, 1)
        elif roll < 0.93:
            spouse_plan = rng.random() < 0.2
            coverage = self._coverage(
                patient, rng.choice(catalog.COMMERCIAL), 1, "spouse" if spouse_plan else "self"
            )
            if spouse_plan:
                self._dependent(coverage, self._spouse_of(patient))
            elif rng.random() < 0.08:
                secondary = self._coverage(patient, rng.choice(catalog.COMMERCIAL), 2, "spouse")
                self._dependent(secondary, self._spouse_of(patient))
        # Otherwise self-pay: no coverage at all.
