"""What the claim editor accepts (issue 17): every field a scrub rule can flag, as typed.

Two kinds of trouble are kept apart:

- an **input error** (a date that is no date, an NPI whose check digit fails, a code in no
  code set, a pointer to a diagnosis that is not there) is refused, naming the field, and
  nothing of the edit is saved;
- a **scrub finding** (no referring provider where the payer wants one, a modifier the code
  needs) is saved with the edit and shown beside the field it names; the claim stays held
  until no finding blocks it.

A form is text, field by field, keyed by the names the scrub rules locate their findings with
(``patient.birth_date``, ``coverage.member_id``, ``referring_npi``; on a line ``units``,
``modifiers``), so a finding lands beside its field. :func:`parsed` turns a form into the
patient, coverage and encounter it describes, or into its input errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from claimdesk.domain.coverage import Coverage, Relationship, Subscriber
from claimdesk.domain.encounters import (
    MAX_DIAGNOSES,
    MAX_MODIFIERS,
    MAX_POINTERS,
    NDC_DIGITS,
    DrugDetail,
    DrugUnit,
    Encounter,
    EncounterError,
    ServiceLine,
)
from claimdesk.domain.money import MoneyError, parse_dollars
from claimdesk.domain.parties import Address, Patient, Sex
from claimdesk.domain.providers import npi_is_valid
from claimdesk.scrub.findings import Finding
from claimdesk.scrub.reference import DiagnosisStatus, ReferenceData, dotted
from claimdesk.scrub.rules.registration import STATES, ZIP

# The claim's own fields: (name, label). The names are the scrub findings' field names.
PATIENT_FIELDS = (
    ("patient.last_name", "Last name"),
    ("patient.first_name", "First name"),
    ("patient.birth_date", "Date of birth"),
    ("patient.sex", "Sex (F, M, U)"),
    ("patient.address.line1", "Street"),
    ("patient.address.line2", "Street, second line"),
    ("patient.address.city", "City"),
    ("patient.address.state", "State"),
    ("patient.address.postal_code", "ZIP code"),
    ("patient.phone", "Phone"),
    ("patient.uninsured_since", "Uninsured since (the patient confirmed no coverage applies)"),
)
COVERAGE_FIELDS = (
    ("coverage.member_id", "Member id"),
    ("coverage.group_number", "Group number"),
    ("coverage.relationship", "Patient is the subscriber's (18 self, 01 spouse, 19 child, G8)"),
    ("coverage.subscriber.last_name", "Subscriber last name"),
    ("coverage.subscriber.first_name", "Subscriber first name"),
    ("coverage.subscriber.birth_date", "Subscriber date of birth"),
    ("coverage.effective", "Coverage effective"),
    ("coverage.termination", "Coverage ends"),
)
ENCOUNTER_FIELDS = (
    ("date_of_service", "Date of service"),
    ("rendering_npi", "Rendering provider NPI"),
    ("referring_npi", "Referring provider NPI"),
    ("facility_id", "Facility"),
    ("prior_authorization", "Prior authorization number (the billed payer's)"),
    ("diagnoses", "Diagnoses (ICD-10-CM, in order)"),
)
LINE_FIELDS = (
    ("procedure_code", "procedure (CPT/HCPCS)"),
    ("modifiers", "modifiers"),
    ("units", "units"),
    ("charge", "charge"),
    ("place_of_service", "place of service"),
    ("diagnosis_pointers", "diagnosis pointers"),
    ("ndc", "NDC (11 digits)"),
    ("ndc_quantity", "NDC quantity"),
    ("ndc_unit", "NDC unit (UN, ML, GR, F2, ME)"),
)
HEADER_NAMES = tuple(
    name for name, _label in (*PATIENT_FIELDS, *COVERAGE_FIELDS, *ENCOUNTER_FIELDS)
)
LINE_NAMES = tuple(name for name, _label in LINE_FIELDS)
# Fields kept on the claim itself, not its visit: each payer authorizes under its own number.
CLAIM_NAMES = frozenset({"prior_authorization"})
# The visit's fields: a change to any of them changes what every claim of the visit bills.
BILLED_NAMES = (frozenset(name for name, _label in ENCOUNTER_FIELDS) - CLAIM_NAMES) | frozenset(
    LINE_NAMES
)

_PROCEDURE = re.compile(r"^(?:[0-9]{4}[0-9FTU]|[A-V][0-9]{4})$")  # CPT (incl. F, T, U) or HCPCS II
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z '.,-]{0,59}$")
_REFERENCE = re.compile(r"^[0-9A-Za-z-]{1,50}$")  # REF02 of a prior authorization
_PHONE = re.compile(r"^[0-9]{10}$")
MAX_UNITS = Decimal("9999")


@dataclass(frozen=True, slots=True)
class ClaimForm:
    """A claim's editable data as text: the header fields by name, and each line's fields
    (its ``line_number`` with them)."""

    fields: Mapping[str, str]
    lines: tuple[Mapping[str, str], ...]

    def value(self, name: str) -> str:
        return self.fields.get(name, "").strip()

    def flat(self) -> dict[tuple[str, int | None], str]:
        found: dict[tuple[str, int | None], str] = {(n, None): self.value(n) for n in HEADER_NAMES}
        for line in self.lines:
            number = int(line["line_number"])
            found.update({(n, number): line.get(n, "").strip() for n in LINE_NAMES})
        return found


@dataclass(frozen=True, slots=True)
class InputError:
    """A value that can never be saved: where (field, and line) and why."""

    field: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.field if self.line is None else f"line {self.line} {self.field}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    line: int | None
    old: str
    new: str

    def __str__(self) -> str:
        where = self.field if self.line is None else f"line {self.line} {self.field}"
        return f"{where}: {self.old or '(none)'} -> {self.new or '(none)'}"


@dataclass(frozen=True, slots=True)
class EditedClaim:
    patient: Patient
    coverage: Coverage | None
    encounter: Encounter
    authorization: str  # the prior authorization the claim carries (its own, else the visit's)


def form_of(claim: EditedClaim) -> ClaimForm:
    """The form as the claim stands."""
    patient, coverage, encounter = claim.patient, claim.coverage, claim.encounter
    a = patient.address
    fields = {
        "patient.last_name": patient.last_name,
        "patient.first_name": patient.first_name,
        "patient.birth_date": patient.birth_date.isoformat(),
        "patient.sex": patient.sex.value,
        "patient.address.line1": a.line1,
        "patient.address.line2": a.line2,
        "patient.address.city": a.city,
        "patient.address.state": a.state,
        "patient.address.postal_code": a.postal_code,
        "patient.phone": patient.phone,
        "patient.uninsured_since": (
            patient.uninsured_since.isoformat() if patient.uninsured_since else ""
        ),
        "date_of_service": encounter.date_of_service.isoformat(),
        "rendering_npi": encounter.rendering_npi,
        "referring_npi": encounter.referring_npi,
        "facility_id": encounter.facility_id,
        "prior_authorization": claim.authorization,
        "diagnoses": " ".join(encounter.diagnoses),
    }
    if coverage is not None:
        s = coverage.subscriber
        fields |= {
            "coverage.member_id": coverage.member_id,
            "coverage.group_number": coverage.group_number,
            "coverage.relationship": coverage.relationship.value,
            "coverage.subscriber.last_name": "" if s is None else s.last_name,
            "coverage.subscriber.first_name": "" if s is None else s.first_name,
            "coverage.subscriber.birth_date": (
                "" if s is None or s.birth_date is None else s.birth_date.isoformat()
            ),
            "coverage.effective": coverage.effective.isoformat(),
            "coverage.termination": (
                "" if coverage.termination is None else coverage.termination.isoformat()
            ),
        }
    lines = tuple(
        {
            "line_number": str(line.line_number),
            "procedure_code": line.procedure_code,
            "modifiers": " ".join(line.modifiers),
            "units": _number(line.units),
            "charge": str(line.charge),
            "place_of_service": line.place_of_service,
            "diagnosis_pointers": " ".join(str(p) for p in line.diagnosis_pointers),
            "ndc": "" if line.drug is None else line.drug.ndc,
            "ndc_quantity": "" if line.drug is None else str(line.drug.quantity),
            "ndc_unit": "" if line.drug is None else line.drug.unit.value,
        }
        for line in encounter.lines
    )
    return ClaimForm(fields, lines)


def _number(value: Decimal) -> str:
    """Units as a person writes them: 2, not 2.000."""
    return format(value.normalize(), "f")


def changes(old: ClaimForm, new: ClaimForm) -> list[FieldChange]:
    """What the edit changes, field by field (as text, for the audit row and the page)."""
    before, after = old.flat(), new.flat()
    return [
        FieldChange(name, line, before.get((name, line), ""), value)
        for (name, line), value in after.items()
        if before.get((name, line), "") != value
    ]


def _split(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


class _Reader:
    """Reads one form, collecting every input error instead of stopping at the first."""

    def __init__(self, form: ClaimForm, reference: ReferenceData, today: date) -> None:
        self.form, self.reference, self.today = form, reference, today
        self.errors: list[InputError] = []

    def fail(self, name: str, message: str, line: int | None = None) -> None:
        self.errors.append(InputError(name, line, message))

    def text(self, name: str, *, required: bool = False, limit: int = 60) -> str:
        value = self.form.value(name)
        if required and not value:
            self.fail(name, "is required")
        elif len(value) > limit:
            self.fail(name, f"is longer than {limit} characters")
        return value

    def name(self, name: str, *, required: bool = True) -> str:
        value = self.form.value(name)
        if not value:
            if required:
                self.fail(name, "is required")
        elif not _NAME.match(value):
            self.fail(name, f"{value!r} is not a name (letters, spaces, ' . , -; up to 60)")
        return value

    def day(self, name: str, *, required: bool = True) -> date | None:
        value = self.form.value(name)
        if not value:
            if required:
                self.fail(name, "is required (YYYY-MM-DD)")
            return None
        try:
            found = date.fromisoformat(value)
        except ValueError:
            self.fail(name, f"{value!r} is not a date (YYYY-MM-DD)")
            return None
        if found.year < 1900:
            self.fail(name, f"{value} is before 1900")
        return found

    def npi(self, name: str, *, required: bool) -> str:
        value = self.form.value(name)
        if not value:
            if required:
                self.fail(name, "is required")
        elif not npi_is_valid(value):
            self.fail(name, f"{value!r} is not an NPI (10 digits with a valid check digit)")
        return value


def parsed(
    form: ClaimForm,
    current: EditedClaim,
    reference: ReferenceData,
    today: date,
) -> EditedClaim | list[InputError]:
    """The patient, coverage and encounter ``form`` describes (``current`` gives what the form
    does not hold: ids, payer, plan, priority), or every input error in it."""
    read = _Reader(form, reference, today)
    patient = _patient(read, current.patient)
    coverage = None if current.coverage is None else _coverage(read, current.coverage)
    encounter = _encounter(read, current.encounter)
    authorization = read.form.value("prior_authorization")
    if authorization and not _REFERENCE.match(authorization):
        read.fail("prior_authorization", f"{authorization!r} is not a reference number")
    if read.errors:
        return read.errors
    # A part is None only when it recorded an input error, so here none is.
    assert patient is not None
    assert encounter is not None
    assert coverage is not None or current.coverage is None
    return EditedClaim(patient, coverage, encounter, authorization)


def _patient(read: _Reader, current: Patient) -> Patient | None:
    last, first = read.name("patient.last_name"), read.name("patient.first_name")
    born = read.day("patient.birth_date")
    if born is not None and born > read.today:
        read.fail("patient.birth_date", f"{born} is in the future")
    sex_text = read.form.value("patient.sex").upper()
    if sex_text not in {s.value for s in Sex}:
        read.fail("patient.sex", f"{sex_text!r} is not F, M or U")
    state = read.form.value("patient.address.state").upper()
    if state and state not in STATES:
        read.fail("patient.address.state", f"{state!r} is not a USPS state code")
    postal = read.form.value("patient.address.postal_code").replace("-", "")
    if postal and not ZIP.match(postal):
        read.fail("patient.address.postal_code", f"{postal!r} is not 5 or 9 digits")
    phone = re.sub(r"[ ()+.-]", "", read.form.value("patient.phone"))
    if phone and not _PHONE.match(phone):
        read.fail("patient.phone", f"{phone!r} is not a 10-digit phone number")
    uninsured = read.day("patient.uninsured_since", required=False)
    if uninsured is not None and uninsured > read.today:
        read.fail("patient.uninsured_since", f"{uninsured} is in the future")
    address = Address(
        line1=read.text("patient.address.line1", limit=55),
        line2=read.text("patient.address.line2", limit=55),
        city=read.text("patient.address.city", limit=30),
        state=state,
        postal_code=postal,
    )
    if born is None or sex_text not in {s.value for s in Sex}:
        return None
    return replace(
        current,
        last_name=last,
        first_name=first,
        birth_date=born,
        sex=Sex(sex_text),
        address=address,
        phone=phone,
        uninsured_since=uninsured,
    )


def _coverage(read: _Reader, current: Coverage) -> Coverage | None:
    member = read.text("coverage.member_id", required=True, limit=80)
    group = read.text("coverage.group_number", limit=50)
    code = read.form.value("coverage.relationship")
    relationship = next((r for r in Relationship if r.value == code), None)
    if relationship is None:
        read.fail("coverage.relationship", f"{code!r} is not 18, 01, 19 or G8")
    dependent = relationship is not None and relationship is not Relationship.SELF
    last = read.name("coverage.subscriber.last_name", required=dependent)
    first = read.name("coverage.subscriber.first_name", required=dependent)
    born = read.day("coverage.subscriber.birth_date", required=False)
    effective = read.day("coverage.effective")
    termination = read.day("coverage.termination", required=False)
    if effective is not None and termination is not None and termination < effective:
        read.fail("coverage.termination", f"{termination} is before the coverage starts")
    if relationship is None or effective is None:
        return None
    subscriber = Subscriber(last, first, born) if dependent or last else None
    return replace(
        current,
        member_id=member,
        group_number=group,
        relationship=relationship,
        subscriber=subscriber if dependent else None,
        effective=effective,
        termination=termination,
    )


def _undotted(code: str) -> str:
    return code.upper().replace(".", "")


def _diagnoses(read: _Reader, day: date | None) -> tuple[str, ...]:
    # Typed codes are kept dotted, as the pages show them; the code set is asked undotted.
    codes = [dotted(c.upper().replace(".", "")) for c in _split(read.form.value("diagnoses"))]
    if not 1 <= len(codes) <= MAX_DIAGNOSES:
        read.fail("diagnoses", f"a claim has 1 to {MAX_DIAGNOSES} diagnoses, not {len(codes)}")
    if len(set(codes)) != len(codes):
        read.fail("diagnoses", "a diagnosis is listed twice")
    for code in codes:
        known = day is not None and (
            read.reference.diagnoses.facts(code.replace(".", ""), day).status
            is not DiagnosisStatus.UNKNOWN
        )
        if day is not None and not known:
            read.fail("diagnoses", f"{code.replace('.', '')!r} is not an ICD-10-CM code")
    return tuple(codes)


def _encounter(read: _Reader, current: Encounter) -> Encounter | None:
    day = read.day("date_of_service")
    if day is not None and day > read.today:
        read.fail("date_of_service", f"{day} is in the future")
    rendering = read.npi("rendering_npi", required=True)
    referring = read.npi("referring_npi", required=False)
    facility = read.text("facility_id", required=True, limit=80)
    diagnoses = _diagnoses(read, day)
    if [_undotted(c) for c in diagnoses] == [_undotted(c) for c in current.diagnoses]:
        # The same codes: kept as the visit stores them (a bundle may write them undotted).
        diagnoses = current.diagnoses
    known_lines = {line.line_number: line for line in current.lines}
    lines = []
    for form_line in read.form.lines:
        number = int(form_line["line_number"])
        if number not in known_lines:
            read.fail("line_number", f"the claim has no line {number}", number)
            continue
        line = _line(
            read, form_line, known_lines[number], (current.date_of_service, day), diagnoses
        )
        if line is not None:
            lines.append(line)
    if read.errors or day is None:
        return None
    try:
        return replace(
            current,
            date_of_service=day,
            rendering_npi=rendering,
            referring_npi=referring,
            facility_id=facility,
            diagnoses=diagnoses,
            lines=tuple(lines),
        )
    except EncounterError as exc:
        read.fail("claim", str(exc))
        return None


def _line(
    read: _Reader,
    form: Mapping[str, str],
    current: ServiceLine,
    days: tuple[date, date | None],
    diagnoses: tuple[str, ...],
) -> ServiceLine | None:
    """One line of the form; ``days``: the encounter's date of service before and after."""
    number = current.line_number
    was, day = days
    before = len(read.errors)

    def value(name: str) -> str:
        return form.get(name, "").strip()

    def fail(name: str, message: str) -> None:
        read.fail(name, message, number)

    code = value("procedure_code").upper()
    if not _PROCEDURE.match(code):
        fail("procedure_code", f"{code!r} is not a CPT or HCPCS code (5 characters)")
    modifiers = [m.upper() for m in _split(value("modifiers"))]
    if len(modifiers) > MAX_MODIFIERS:
        fail("modifiers", f"at most {MAX_MODIFIERS} modifiers")
    for modifier in modifiers:
        if not _MODIFIER.match(modifier) or modifier not in read.reference.modifiers:
            fail("modifiers", f"{modifier!r} is not a modifier of the code set")
    units = _decimal(value("units"))
    if units is None or not Decimal(0) < units <= MAX_UNITS:
        fail("units", f"{value('units')!r} is not a number of units above 0 (up to 9999)")
    try:
        charge = parse_dollars(value("charge"))
    except MoneyError as exc:
        fail("charge", str(exc))
        charge = None
    if charge is not None and charge.is_negative():
        fail("charge", "a charge cannot be negative")
    place = value("place_of_service")
    if place not in read.reference.places_of_service:
        fail("place_of_service", f"{place!r} is not a CMS place of service code")
    pointer_text = _split(value("diagnosis_pointers"))
    pointers = tuple(int(p) for p in pointer_text if p.isdigit())
    if len(pointers) != len(pointer_text) or not 1 <= len(pointers) <= MAX_POINTERS:
        fail("diagnosis_pointers", f"1 to {MAX_POINTERS} numbers, each naming a diagnosis")
    elif any(not 1 <= p <= len(diagnoses) for p in pointers):
        fail(
            "diagnosis_pointers",
            f"the claim has {len(diagnoses)} diagnoses; point to 1 to {len(diagnoses)}",
        )
    drug = _drug(read, form, number)
    if len(read.errors) > before or units is None or charge is None or day is None:
        return None
    # A line dated the encounter's day moves with it; a line of a day of its own keeps it.
    dated = day if current.date_of_service == was else current.date_of_service
    return replace(
        current,
        procedure_code=code,
        modifiers=tuple(modifiers),
        units=units,
        charge=charge,
        place_of_service=place,
        diagnosis_pointers=pointers,
        drug=drug,
        date_of_service=dated,
    )


def _drug(read: _Reader, form: Mapping[str, str], number: int) -> DrugDetail | None:
    ndc = re.sub(r"[ -]", "", form.get("ndc", ""))
    quantity_text = form.get("ndc_quantity", "").strip()
    unit_text = form.get("ndc_unit", "").strip().upper()
    if not ndc:
        if quantity_text or unit_text:
            read.fail("ndc", "a quantity or unit needs the NDC it counts", number)
        return None
    if len(ndc) != NDC_DIGITS or not (ndc.isascii() and ndc.isdigit()):
        read.fail("ndc", f"{ndc!r} is not an NDC of {NDC_DIGITS} digits (5-4-2)", number)
        return None
    quantity = _decimal(quantity_text)
    if quantity is None or quantity <= 0:
        read.fail("ndc_quantity", f"{quantity_text!r} is not a quantity above 0", number)
        return None
    unit = next((u for u in DrugUnit if u.value == unit_text), None)
    if unit is None:
        read.fail("ndc_unit", f"{unit_text!r} is not UN, ML, GR, F2 or ME", number)
        return None
    return DrugDetail(ndc, quantity, unit)


def _decimal(text: str) -> Decimal | None:
    try:
        found = Decimal(text.strip())
    except InvalidOperation:
        return None
    return found if found.is_finite() else None


def findings_by_field(
    findings: Sequence[Finding],
) -> tuple[dict[tuple[str, int | None], list[Finding]], list[Finding]]:
    """Each finding beside the form field it names (a finding on ``patient.address`` beside
    the address's first field, one on ``diagnoses[2]`` beside the diagnoses), and those that
    name no field of the form."""
    names = [(n, None) for n in HEADER_NAMES]
    placed: dict[tuple[str, int | None], list[Finding]] = {}
    loose: list[Finding] = []
    for finding in findings:
        where, line = finding.location.field.split("[", 1)[0], finding.location.line
        # A finding on a line may name a field of the claim (its authorization, for one line).
        candidates = [*((n, line) for n in LINE_NAMES), *names] if line is not None else names
        spot = next(
            (key for key in candidates if key[0] == where or key[0].startswith(f"{where}.")),
            None,
        )
        if spot is None:
            loose.append(finding)
        else:
            placed.setdefault(spot, []).append(finding)
    return placed, loose
