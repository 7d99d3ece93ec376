"""Fill the CMS-1500 (02/12) from the claim's 837P input, so paper and 837 cannot disagree.

:func:`cms1500` takes the :class:`~claimdesk.edi.x837.claim_input.ClaimInput` the 837 writer
takes and returns the claim's pages: six service lines a page; every page repeats the claim's
boxes, is labelled PAGE n OF m in its top right corner when there are several, and only the
last carries the totals (28 and 29; the others say CONTINUED in 28). What each box holds follows
the NUCC 1500 Claim Form Reference Instruction Manual; where the 837 carries a fact the paper
claim prints the same fact (CLM01 in 26, REF*G1 in 23, CLM05-3 and REF*F8 in 22).

Free text (names, addresses, plan names) is cut to its box, as a typist would; an identifier,
code or amount that does not fit is refused with :class:`FormError`, naming the claim, the box
and the reason, since a cut one would name another member, code or amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from claimdesk.domain.coverage import Coverage, Relationship
from claimdesk.domain.encounters import ServiceLine
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address, Sex
from claimdesk.domain.payers import PayerKind
from claimdesk.domain.providers import Provider, ProviderKind
from claimdesk.edi.x12.writer import X12WriteError, decimal
from claimdesk.edi.x837.claim_input import ClaimInput
from claimdesk.edi.x837.segments import diagnosis_code, sorted_lines
from claimdesk.edi.x837.write_professional import MAX_LINES
from claimdesk.forms import text
from claimdesk.forms.cms1500_layout import SERVICE_LINES, SLOTS, Slot, line_slots

ICD_10 = "0"  # item 21's ICD indicator for ICD-10-CM
REFERRING = "DN"  # item 17's qualifier for a referring provider
SIGNATURE_ON_FILE = "SIGNATURE ON FILE"
CONTINUED = "CONTINUED"  # item 28 on every page of a claim but its last
POINTERS = "ABCDEFGHIJKL"  # item 21's letters, which 24E points to
RELATIONSHIP_SLOT = {
    Relationship.SELF: "6.self",
    Relationship.SPOUSE: "6.spouse",
    Relationship.CHILD: "6.child",
    Relationship.OTHER: "6.other",
}


class FormError(ValueError):
    """A claim the form cannot carry: ``record`` names the claim, ``box`` the item number."""

    def __init__(self, record: str, box: str, reason: str) -> None:
        super().__init__(f"{record}: box {box}: {reason}")
        self.record = record
        self.box = box
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Entry:
    """One datum typed on the form: the slot's name (``1a``, ``24.2.dollars``) and its text."""

    name: str
    slot: Slot
    text: str

    @property
    def column(self) -> int:
        """The column of the text's first character (right-justified text ends the slot)."""
        if self.slot.right:
            return self.slot.column + self.slot.width - len(self.text)
        return self.slot.column


@dataclass(frozen=True, slots=True)
class FormPage:
    """One sheet of a claim: page ``number`` of ``pages``."""

    claim_id: str
    number: int
    pages: int
    entries: tuple[Entry, ...]

    def get(self, name: str) -> str:
        """The text typed in slot ``name``; empty when nothing is."""
        return next((e.text for e in self.entries if e.name == name), "")


class _Sheet:
    """The entries of one page, each checked against its slot."""

    def __init__(self, record: str) -> None:
        self.record = record
        self.entries: list[Entry] = []

    def put(self, name: str, value: str, *, slot: Slot | None = None, cut: bool = False) -> None:
        """Type ``value`` in slot ``name``: free text (``cut``) is cut to the slot, anything
        else that does not fit is refused."""
        where = slot or SLOTS[name]
        if not value:
            return
        if len(value) > where.width:
            if not cut:
                raise FormError(
                    self.record,
                    _item(where.box),
                    f"{value!r} is longer than the box's {where.width} characters",
                )
            value = value[: where.width].rstrip()
        self.entries.append(Entry(name, where, value))

    def check(self, name: str, *, slot: Slot | None = None) -> None:
        self.put(name, "X", slot=slot)


def _item(box: str) -> str:
    """The item number of a box key: ``24F.3`` is item 24F (line 3)."""
    item, _, line = box.partition(".")
    return f"{item} line {line}" if line.isdigit() else item


def cms1500(
    claim: ClaimInput, *, signed_on: date, carrier_address: Address | None = None
) -> tuple[FormPage, ...]:
    """The claim's pages; ``signed_on`` is the date of item 31 (the day it is printed),
    ``carrier_address`` where the payer takes paper claims (the top right carrier block)."""
    record = claim.record
    if claim.payer.kind is PayerKind.SELF_PAY:
        raise FormError(record, "1", "a self-pay claim is billed to the patient, not to a payer")
    diagnoses = claim.claim.encounter.diagnoses
    if len(diagnoses) > len(POINTERS):
        raise FormError(record, "21", f"{len(diagnoses)} diagnoses; at most {len(POINTERS)} (A-L)")
    try:
        # The codes as the 837's HI segment carries them: no decimal point, capitals.
        codes = [diagnosis_code(code, record, "21") for code in diagnoses]
    except X12WriteError as exc:
        raise FormError(record, "21", exc.reason) from exc
    try:
        lines = sorted_lines(claim, MAX_LINES)
    except X12WriteError as exc:
        raise FormError(record, "24", exc.reason) from exc
    chunks = [lines[i : i + SERVICE_LINES] for i in range(0, len(lines), SERVICE_LINES)]
    pages: list[FormPage] = []
    for number, chunk in enumerate(chunks, 1):
        sheet = _Sheet(record)
        if len(chunks) > 1:
            sheet.put("page", f"PAGE {number} OF {len(chunks)}")
        _carrier(sheet, claim, carrier_address)
        _patient_and_insured(sheet, claim)
        _claim_facts(sheet, claim, codes)
        for position, line in enumerate(chunk, 1):
            _service_line(sheet, claim, position, line)
        _totals(sheet, claim, last=number == len(chunks))
        _provider(sheet, claim, signed_on)
        pages.append(FormPage(claim.claim.claim_id, number, len(chunks), tuple(sheet.entries)))
    return tuple(pages)


def _carrier(sheet: _Sheet, claim: ClaimInput, where: Address | None) -> None:
    """The payer's name and, when it is set, the address its paper claims go to."""
    lines = [text.address(claim.payer.name)]
    if where is not None:
        lines += [text.address(where.line1), text.address(where.line2)]
        lines.append(text.city_state_zip(where.city, where.state, where.postal_code))
    for number, line in enumerate((line for line in lines if line), 1):
        sheet.put(f"carrier.{number}", line, cut=True)


def _program(claim: ClaimInput) -> str:
    """Item 1: the payer's program. A commercial plan through a group is a group health plan;
    individual commercial plans and workers' compensation are OTHER (NUCC item 1)."""
    kind = claim.payer.kind
    if kind is PayerKind.MEDICARE:
        return "MEDICARE"
    if kind is PayerKind.MEDICAID:
        return "MEDICAID"
    if kind is PayerKind.COMMERCIAL and claim.coverage.group_number.strip():
        return "GROUP HEALTH PLAN"
    return "OTHER"


def _insured(claim: ClaimInput, coverage: Coverage) -> tuple[str, date | None, str]:
    """The name (LAST, FIRST, M), birth date and sex of ``coverage``'s insured person."""
    patient = claim.patient
    subscriber = coverage.subscriber
    if coverage.relationship is Relationship.SELF or subscriber is None:
        name = text.last_first_middle(patient.last_name, patient.first_name, patient.middle_name)
        return name, patient.birth_date, patient.sex.value
    name = text.last_first_middle(subscriber.last_name, subscriber.first_name)
    return name, subscriber.birth_date, subscriber.sex


def _sex(sheet: _Sheet, box: str, sex: str) -> None:
    if sex == Sex.MALE.value:
        sheet.check(f"{box}.male")
    elif sex == Sex.FEMALE.value:
        sheet.check(f"{box}.female")


def _date(sheet: _Sheet, prefix: str, day: date, *, century: bool) -> None:
    month, day_of_month, year = text.date_parts(day, century=century)
    sheet.put(f"{prefix}.month", month)
    sheet.put(f"{prefix}.day", day_of_month)
    sheet.put(f"{prefix}.year", year)


def _address(sheet: _Sheet, box: str, where: Address, phone: str) -> None:
    """Items 5 and 7: street, city, state, ZIP and phone, each in its own space."""
    sheet.put(box, text.address(f"{where.line1} {where.line2}"), cut=True)
    sheet.put(f"{box}.city", text.address(where.city), cut=True)
    sheet.put(f"{box}.state", text.address(where.state))
    sheet.put(f"{box}.zip", text.zip_code(where.postal_code))
    area, number = text.phone_parts(phone)
    sheet.put(f"{box}.area", area)
    sheet.put(f"{box}.number", number)


def _patient_and_insured(sheet: _Sheet, claim: ClaimInput) -> None:
    patient, coverage = claim.patient, claim.coverage
    sheet.check(f"1.{_program(claim)}")
    sheet.put("1a", text.capitals(coverage.member_id.strip()))
    sheet.put(
        "2",
        text.last_first_middle(patient.last_name, patient.first_name, patient.middle_name),
        cut=True,
    )
    _date(sheet, "3", patient.birth_date, century=True)
    _sex(sheet, "3", patient.sex.value)
    insured, born, sex = _insured(claim, coverage)
    sheet.put("4", insured, cut=True)
    _address(sheet, "5", patient.address, patient.phone)
    sheet.check(RELATIONSHIP_SLOT[coverage.relationship])
    if claim.patient_is_subscriber:
        # The 837 names the insured's address only when the patient is the insured (2010BA).
        _address(sheet, "7", patient.address, patient.phone)
    group = text.capitals(coverage.group_number.strip())
    if not group and claim.payer.kind is PayerKind.MEDICARE and claim.primary is None:
        # Medicare requires item 11: "NONE" when no insurance is primary to Medicare (CMS
        # Claims Processing Manual, chapter 26, item 11).
        group = "NONE"
    sheet.put("11", group)
    if born is not None:
        _date(sheet, "11a", born, century=True)
    _sex(sheet, "11a", sex)
    sheet.put("11c", text.address(coverage.plan_name), cut=True)
    # Items 9, 9a and 9d name the other (prior) payer's insured, as the 837's 2320/2330 loops.
    primary = claim.primary
    sheet.check("11d.yes" if primary is not None else "11d.no")
    if primary is not None:
        sheet.put("9", _insured(claim, primary.coverage)[0], cut=True)
        sheet.put("9a", text.capitals(primary.coverage.member_id.strip()))
        sheet.put("9d", text.address(primary.coverage.plan_name or primary.payer.name), cut=True)
    # Items 10a-c answer what the 837 says in CLM11 (EM employment, AA auto, OA other accident).
    for item, cause in (("10a", "EM"), ("10b", "AA"), ("10c", "OA")):
        sheet.check(f"{item}.yes" if cause in claim.related_causes else f"{item}.no")
    if claim.release_of_information == "Y":
        sheet.put("12", SIGNATURE_ON_FILE)
    if claim.benefits_assigned:
        sheet.put("13", SIGNATURE_ON_FILE)


def _person(provider: Provider) -> str:
    if provider.kind is ProviderKind.INDIVIDUAL:
        return text.first_middle_last(provider.first_name, provider.name)
    return text.address(provider.name)


def _claim_facts(sheet: _Sheet, claim: ClaimInput, codes: Sequence[str]) -> None:
    referring = claim.referring
    if referring is not None:
        sheet.put("17.qualifier", REFERRING)
        sheet.put("17", _person(referring), cut=True)
        sheet.put("17b", referring.npi)
    sheet.put("21.indicator", ICD_10)
    for letter, code in zip(POINTERS, codes, strict=False):
        sheet.put(f"21.{letter}", code)
    frequency = claim.claim.frequency.value
    if frequency in ("7", "8"):
        sheet.put("22.code", frequency)
        sheet.put("22.reference", claim.claim.replaces_payer_claim_number.strip())
    # NUCC item 23: no hyphens or spaces within the number.
    sheet.put("23", text.capitals(claim.authorization.replace("-", "").replace(" ", "")))


def _money(sheet: _Sheet, prefix: str, amount: Money, slots: dict[str, Slot] | None = None) -> None:
    dollars, cents = text.money_parts(amount)
    found = slots or {}
    sheet.put(f"{prefix}.dollars", dollars, slot=found.get("dollars"))
    sheet.put(f"{prefix}.cents", cents, slot=found.get("cents"))


def _service_line(sheet: _Sheet, claim: ClaimInput, position: int, line: ServiceLine) -> None:
    slots = line_slots(position)
    name = f"24.{position}"

    def put(key: str, value: str) -> None:
        sheet.put(f"{name}.{key}", value, slot=slots[key])

    drug = line.drug
    if drug is not None:
        # The shaded half: qualifier N4, the 11-digit NDC, a space, the unit and the quantity.
        put("supplemental", f"N4{drug.ndc} {drug.unit.value}{decimal(drug.quantity)}")
    for side in ("from", "to"):
        month, day, year = text.date_parts(line.date_of_service, century=False)
        put(f"{side}.month", month)
        put(f"{side}.day", day)
        put(f"{side}.year", year)
    put("place", line.place_of_service)
    put("procedure", text.capitals(line.procedure_code))
    for number, modifier in enumerate(line.modifiers, 1):
        put(f"modifier.{number}", text.capitals(modifier))
    put("pointer", "".join(POINTERS[p - 1] for p in line.diagnosis_pointers))
    _money(sheet, name, line.charge, slots)
    put("units", decimal(line.units))
    if claim.rendering is not None:
        put("rendering", claim.rendering.npi)


def _totals(sheet: _Sheet, claim: ClaimInput, *, last: bool) -> None:
    """Items 28 and 29 on the claim's last page; CONTINUED in 28 on the others."""
    if not last:
        sheet.put("28.continued", CONTINUED)
        return
    _money(sheet, "28", claim.claim.total_charge)
    if claim.primary is not None:
        # Item 29: what the prior payer paid (the 837's AMT*D).
        _money(sheet, "29", claim.primary.paid)


def _location(name: str, where: Address | None) -> list[str]:
    """Items 32 and 33: the name, the street, then the town, state and ZIP code."""
    if where is None:
        return [name]
    return [
        name,
        text.address(f"{where.line1} {where.line2}"),
        text.city_state_zip(where.city, where.state, where.postal_code),
    ]


def _provider(sheet: _Sheet, claim: ClaimInput, signed_on: date) -> None:
    billing = claim.billing_provider
    sheet.put("25", "".join(c for c in billing.tax_id if c.isdigit()))
    sheet.check("25.ein")
    sheet.put("26", text.capitals(claim.claim.claim_id))
    sheet.check("27.yes" if claim.assignment == "A" else "27.no")
    if claim.provider_signature_on_file:
        sheet.put("31", SIGNATURE_ON_FILE)
    sheet.put("31.date", text.six_digit_date(signed_on))
    facility = claim.facility
    if facility is not None:
        for position, line in enumerate(
            _location(text.address(facility.name), facility.address), 1
        ):
            sheet.put(f"32.{position}", line, cut=True)
        sheet.put("32a", facility.npi)
    area, number = text.phone_parts(claim.submitter.phone)
    sheet.put("33.area", area)
    sheet.put("33.number", number)
    for position, line in enumerate(_location(_person(billing), billing.address), 1):
        sheet.put(f"33.{position}", line, cut=True)
    sheet.put("33a", billing.npi)
