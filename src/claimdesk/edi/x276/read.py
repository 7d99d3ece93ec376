"""Read the 276 health care claim status request (005010X212) into typed records.

The payer simulator reads these to answer with a 277. The 276 is an HL hierarchy: payer (HL03
20, 2100A NM1*PR), information receiver (21, the submitter asking, 2100B NM1*41), service
provider (19, 2100C NM1*1P with the NPI), subscriber (22: DMG and 2100D NM1*IL with the member
id) and, when the patient is not the subscriber, dependent (23: DMG and 2100E NM1*QC). Each claim
asked about opens at the patient's level with a TRN (loop 2200D or 2200E) followed by the payer's
claim number (REF*1K), the type of bill (REF*BLT), the patient control number (REF*EJ, CLM01 of
the 837), the total charge (AMT*T3), the service dates (DTP*472) and, when the question is about
lines, one 2210 loop per SVC with its line control number (REF*FJ) and date.

The 4010 request (004010X093A1) sent the claim's dates as DTP*232, read here as DTP*472.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from claimdesk.domain.money import Money
from claimdesk.edi.x12.codes import ElementSyntaxError, SegmentSyntaxError
from claimdesk.edi.x12.composites import EntityName, Procedure, Reference
from claimdesk.edi.x12.envelope import Envelopes, TransactionSet
from claimdesk.edi.x12.errors import Severity, X12Finding, has_errors
from claimdesk.edi.x12.hierarchy import (
    LevelReader,
    Period,
    open_level,
    read_name,
    read_period,
    read_transaction_sets,
    require_bht,
)
from claimdesk.edi.x12.tokenizer import Segment
from claimdesk.edi.x270.read import InquiredPerson, check_entity

IMPLEMENTATION = "005010X212"

SOURCE, RECEIVER, PROVIDER, SUBSCRIBER, DEPENDENT = "20", "21", "19", "22", "23"
_LOOPS = {SOURCE: "A", RECEIVER: "B", PROVIDER: "C", SUBSCRIBER: "D", DEPENDENT: "E"}
_PARENTS = {
    SOURCE: "",
    RECEIVER: SOURCE,
    PROVIDER: RECEIVER,
    SUBSCRIBER: PROVIDER,
    DEPENDENT: SUBSCRIBER,
}
# NM101 per level: payer; submitter; billing or service provider (1P) or a facility (FA); the
# insured; the patient.
_ENTITIES = {
    SOURCE: frozenset({"PR"}),
    RECEIVER: frozenset({"41"}),
    PROVIDER: frozenset({"1P", "FA"}),
    SUBSCRIBER: frozenset({"IL"}),
    DEPENDENT: frozenset({"QC"}),
}
_NAMED = {SOURCE: "PR", RECEIVER: "41", PROVIDER: "1P", SUBSCRIBER: "IL", DEPENDENT: "QC"}
_WHAT = {
    SOURCE: "payer",
    RECEIVER: "information receiver",
    PROVIDER: "service provider",
    SUBSCRIBER: "subscriber",
    DEPENDENT: "dependent",
}
TOTAL_CLAIM_CHARGE = "T3"  # AMT01
# DTP01: 472 service date; 232 the claim statement period of the 4010 request.
_SERVICE_DATES = frozenset({"472", "232"})

_KNOWN = frozenset({"ST", "BHT", "HL", "NM1", "DMG", "TRN", "REF", "AMT", "DTP", "SVC", "SE"})


@dataclass(frozen=True, slots=True)
class ServiceLineInquiry:
    """Loop 2210D/2210E: one service line asked about."""

    position: int
    procedure: Procedure | None  # SVC01
    charge: Money | None  # SVC02
    revenue_code: str  # SVC04
    units: Decimal | None  # SVC07
    references: tuple[Reference, ...]  # REF*FJ
    service_dates: Period | None  # DTP*472

    @property
    def control_number(self) -> str | None:
        """REF*FJ: the line item control number sent in the 837."""
        return next((r.value for r in self.references if r.qualifier == "FJ"), None)


@dataclass(frozen=True, slots=True)
class ClaimStatusInquiry:
    """Loop 2200D/2200E: the question about one claim, with who asks and about whom."""

    position: int  # of the claim's TRN
    level: str  # HL03 of the patient: 22 subscriber, 23 dependent
    trace_number: str  # TRN02: the 277 echoes it
    payer: EntityName | None  # 2100A
    receiver: EntityName | None  # 2100B submitter
    provider: EntityName | None  # 2100C
    subscriber: InquiredPerson | None  # 2000D/2100D
    dependent: InquiredPerson | None  # 2000E/2100E when the patient is a dependent
    references: tuple[Reference, ...]  # REF in loop 2200
    charge: Money | None  # AMT*T3
    service_dates: Period | None  # DTP*472
    lines: tuple[ServiceLineInquiry, ...] = ()

    def reference(self, qualifier: str) -> str | None:
        return next((r.value for r in self.references if r.qualifier == qualifier), None)

    @property
    def payer_claim_number(self) -> str | None:
        """REF*1K: the payer's claim control number (known once the payer acknowledged it)."""
        return self.reference("1K")

    @property
    def bill_type(self) -> str | None:
        """REF*BLT: institutional type of bill (facility type and frequency)."""
        return self.reference("BLT")

    @property
    def patient_control_number(self) -> str | None:
        """REF*EJ: CLM01 of the 837, the provider's claim id."""
        return self.reference("EJ")

    @property
    def is_dependent(self) -> bool:
        return self.level == DEPENDENT

    @property
    def patient(self) -> InquiredPerson | None:
        return self.dependent if self.is_dependent else self.subscriber

    @property
    def member_id(self) -> str:
        for person in (self.subscriber, self.dependent):
            if person is not None and person.member_id:
                return person.member_id
        return ""

    @property
    def provider_npi(self) -> str:
        """2100C NM109 when NM108 says it is an NPI (XX)."""
        provider = self.provider
        return provider.id if provider is not None and provider.id_qualifier == "XX" else ""

    @property
    def dates_of_service(self) -> Period | None:
        """The claim's DTP*472, or the span of its lines' dates when only lines carry one."""
        if self.service_dates is not None:
            return self.service_dates
        periods = [line.service_dates for line in self.lines if line.service_dates is not None]
        if not periods:
            return None
        return Period("472", min(p.start for p in periods), max(p.end for p in periods))


@dataclass(frozen=True, slots=True)
class StatusInquirySet:
    """One 276 transaction set (ST..SE)."""

    control_number: str  # ST02
    implementation: str
    interchange_index: int
    reference: str  # BHT03
    created: date | None  # BHT04
    inquiries: tuple[ClaimStatusInquiry, ...]
    findings: tuple[X12Finding, ...]

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


@dataclass(frozen=True, slots=True)
class StatusInquiries:
    """Every 276 of one text."""

    transactions: tuple[StatusInquirySet, ...]
    findings: tuple[X12Finding, ...]
    envelopes: Envelopes

    @property
    def inquiries(self) -> tuple[ClaimStatusInquiry, ...]:
        return tuple(i for t in self.transactions for i in t.inquiries)

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


@dataclass(frozen=True, slots=True)
class StatusQuestion:
    """What a payer needs to find the claim asked about and answer, flattened.

    The payer looks the claim up by its own claim number when the provider knows it, else by the
    patient control number with the member id, charge and dates.
    """

    trace_number: str
    payer_id: str
    submitter_id: str
    provider_npi: str
    member_id: str
    patient_last_name: str
    patient_first_name: str
    birth_date: date | None
    is_dependent: bool
    patient_control_number: str
    payer_claim_number: str
    bill_type: str
    charge: Money | None
    service_dates: Period | None
    line_control_numbers: tuple[str, ...]


def status_question(inquiry: ClaimStatusInquiry) -> StatusQuestion:
    patient = inquiry.patient
    name = patient.name if patient is not None else None
    return StatusQuestion(
        trace_number=inquiry.trace_number,
        payer_id=inquiry.payer.id if inquiry.payer is not None else "",
        submitter_id=inquiry.receiver.id if inquiry.receiver is not None else "",
        provider_npi=inquiry.provider_npi,
        member_id=inquiry.member_id,
        patient_last_name=name.last_or_organization if name is not None else "",
        patient_first_name=name.first if name is not None else "",
        birth_date=patient.birth_date if patient is not None else None,
        is_dependent=inquiry.is_dependent,
        patient_control_number=inquiry.patient_control_number or "",
        payer_claim_number=inquiry.payer_claim_number or "",
        bill_type=inquiry.bill_type or "",
        charge=inquiry.charge,
        service_dates=inquiry.dates_of_service,
        line_control_numbers=tuple(
            line.control_number for line in inquiry.lines if line.control_number
        ),
    )


def read_276(text: str) -> StatusInquiries:
    """Read every 276 in ``text``; raises X12Error only on non-X12 input."""
    envelopes, transactions, findings = read_transaction_sets(text, "276", read_276_transaction)
    return StatusInquiries(transactions, findings, envelopes)


def read_276_transaction(transaction: TransactionSet) -> StatusInquirySet:
    return _Reader(transaction).read()


@dataclass
class _Level:
    segment: Segment
    number: str
    level: str
    name: EntityName | None = None
    name_segment: Segment | None = None
    birth_date: date | None = None
    sex: str = ""
    claims: int = 0

    def person(self) -> InquiredPerson:
        return InquiredPerson(self.name, self.birth_date, self.sex)


@dataclass
class _Line:
    segment: Segment
    procedure: Procedure | None
    charge: Money | None
    units: Decimal | None
    references: list[Reference] = field(default_factory=list)
    dates: Period | None = None

    def freeze(self) -> ServiceLineInquiry:
        return ServiceLineInquiry(
            position=self.segment.position,
            procedure=self.procedure,
            charge=self.charge,
            revenue_code=self.segment.get(4),
            units=self.units,
            references=tuple(self.references),
            service_dates=self.dates,
        )


@dataclass
class _Claim:
    segment: Segment
    level: _Level
    references: list[Reference] = field(default_factory=list)
    charge: Money | None = None
    dates: Period | None = None
    lines: list[_Line] = field(default_factory=list)


class _Reader(LevelReader[_Level]):
    def __init__(self, transaction: TransactionSet) -> None:
        super().__init__(transaction)
        self.claims: list[_Claim] = []

    def read(self) -> StatusInquirySet:
        el = self.el
        bht: Segment | None = None
        level: _Level | None = None
        claim: _Claim | None = None
        line: _Line | None = None
        for segment, sid in self.body():
            if sid == "BHT" and bht is None and level is None:
                bht = segment
            elif sid == "HL":
                claim = line = None
                level = self._open_level(segment)
            elif level is None:
                el.unexpected(segment, sid in _KNOWN)
            elif sid == "NM1" and claim is None and level.name is None:
                el.loop = f"2100{_LOOPS.get(level.level, '')}"
                level.name = read_name(el, segment)
                level.name_segment = segment
                allowed = _ENTITIES.get(level.level)
                if allowed is not None:
                    check_entity(el, segment, allowed, _WHAT[level.level], "276.entity_code")
            elif sid == "DMG" and claim is None and level.level in (SUBSCRIBER, DEPENDENT):
                level.birth_date = el.date(segment, 2)
                level.sex = segment.get(3)
            elif sid == "TRN" and level.level in (SUBSCRIBER, DEPENDENT):
                el.loop = f"2200{_LOOPS[level.level]}"
                line = None
                el.text(segment, 2, required=True)
                claim = _Claim(segment, level)
                level.claims += 1
                self.claims.append(claim)
            elif claim is None:
                el.unexpected(segment, sid in _KNOWN)
            elif sid == "SVC":
                line = self._read_svc(segment, level)
                claim.lines.append(line)
            elif sid == "REF":
                reference = Reference(segment.get(1), el.text(segment, 2, required=True))
                (line.references if line is not None else claim.references).append(reference)
            elif sid == "DTP":
                self._read_dates(segment, claim, line)
            elif sid == "AMT" and line is None:
                self._read_charge(segment, claim)
            else:
                el.unexpected(segment, sid in _KNOWN)
        first = self.transaction.segments[0]
        el.loop = None
        require_bht(el, bht, first, "276")
        created = el.date(bht, 4) if bht is not None else None
        self._check_levels(first)
        inquiries = tuple(self._inquiry(claim) for claim in self.claims)
        return StatusInquirySet(
            control_number=self.transaction.control_number,
            implementation=self.transaction.implementation,
            interchange_index=self.transaction.interchange_index,
            reference=bht.get(3) if bht is not None else "",
            created=created,
            inquiries=inquiries,
            findings=tuple(el.findings),
        )

    def _open_level(self, segment: Segment) -> _Level:
        code = open_level(self.el, self.hierarchy, segment, _LOOPS, _PARENTS, "276")
        level = _Level(segment, segment.get(1), code)
        self.levels[level.number] = level
        self.ordered.append(level)
        return level

    def _read_svc(self, segment: Segment, level: _Level) -> _Line:
        el = self.el
        el.loop = f"2210{_LOOPS[level.level]}"
        parts = el.components(segment, 1)
        procedure: Procedure | None = None
        if len(parts) >= 2 and parts[0] and parts[1]:
            procedure = Procedure(parts[0], parts[1], tuple(m for m in parts[2:6] if m))
        else:
            el.report(
                "276.procedure",
                "SVC01 needs a qualifier and a procedure code",
                segment,
                SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                1,
            )
        return _Line(
            segment=segment,
            procedure=procedure,
            charge=el.money(segment, 2, required=True),
            units=el.decimal(segment, 7),
        )

    def _read_dates(self, segment: Segment, claim: _Claim, line: _Line | None) -> None:
        el = self.el
        qualifier = segment.get(1)
        if qualifier not in _SERVICE_DATES:
            el.report(
                "276.date_qualifier",
                f"DTP01 {qualifier[:6]!r} is not 472, the service date",
                segment,
                ElementSyntaxError.INVALID_CODE_VALUE,
                1,
            )
            return
        period = read_period(el, segment)
        if period is None:
            return
        period = Period("472", period.start, period.end)
        if line is not None:
            line.dates = period
        else:
            claim.dates = period

    def _read_charge(self, segment: Segment, claim: _Claim) -> None:
        el = self.el
        if segment.get(1) != TOTAL_CLAIM_CHARGE:
            el.report(
                "276.amount_qualifier",
                f"AMT01 {segment.get(1)[:6]!r} is not T3, the total claim charge",
                segment,
                ElementSyntaxError.INVALID_CODE_VALUE,
                1,
            )
            return
        claim.charge = el.money(segment, 2, required=True)

    def _check_levels(self, first: Segment) -> None:
        el = self.el
        for code in (SOURCE, RECEIVER, PROVIDER):
            if not any(level.level == code for level in self.ordered):
                el.loop = None
                el.report(
                    f"276.level_{code}_missing",
                    f"the required {_WHAT[code]} level (HL03 {code}) is missing",
                    first,
                    SegmentSyntaxError.IMPLEMENTATION_LOOP_UNDER_MINIMUM,
                )
        with_dependents = {
            self.hierarchy.parents.get(lv.number, "")
            for lv in self.ordered
            if lv.level == DEPENDENT
        }
        for level in self.ordered:
            suffix = _LOOPS.get(level.level)
            if suffix is None:
                continue
            what = _WHAT[level.level]
            el.loop = f"2000{suffix}"
            if level.name is None:
                el.report(
                    "276.name_missing",
                    f"HL {level.number[:12]!r} ({what}) has no NM1*{_NAMED[level.level]} name "
                    f"(loop 2100{suffix})",
                    level.segment,
                    SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
                )
            elif level.level == SUBSCRIBER and not level.name.id and level.name_segment:
                el.loop = "2100D"
                el.report(
                    "276.member_id_missing",
                    "NM109 the subscriber's member id is required",
                    level.name_segment,
                    ElementSyntaxError.REQUIRED_ELEMENT_MISSING,
                    9,
                )
            el.loop = f"2000{suffix}"
            patient_level = level.level == DEPENDENT or (
                level.level == SUBSCRIBER and level.number not in with_dependents
            )
            if patient_level and not level.claims:
                el.report(
                    "276.trn_missing",
                    f"HL {level.number[:12]!r} ({what}) asks about no claim: the TRN of loop "
                    f"2200{suffix} is missing",
                    level.segment,
                    SegmentSyntaxError.IMPLEMENTATION_LOOP_UNDER_MINIMUM,
                )
        for claim in self.claims:
            if claim.dates is None and not any(line.dates for line in claim.lines):
                el.loop = f"2200{_LOOPS[claim.level.level]}"
                el.report(
                    "276.service_date_missing",
                    "the claim has no DTP*472 service date, on the claim or on a line",
                    claim.segment,
                    SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
                    severity=Severity.WARNING,
                )

    def _inquiry(self, claim: _Claim) -> ClaimStatusInquiry:
        level = claim.level
        subscriber: InquiredPerson | None = None
        payer = receiver = provider = None
        for number in self.hierarchy.ancestors(level.number):
            ancestor = self.levels.get(number)
            if ancestor is None:
                continue
            if ancestor.level == SUBSCRIBER and subscriber is None:
                subscriber = ancestor.person()
            elif ancestor.level == PROVIDER and provider is None:
                provider = ancestor.name
            elif ancestor.level == RECEIVER and receiver is None:
                receiver = ancestor.name
            elif ancestor.level == SOURCE and payer is None:
                payer = ancestor.name
        dependent = level.level == DEPENDENT
        return ClaimStatusInquiry(
            position=claim.segment.position,
            level=level.level,
            trace_number=claim.segment.get(2),
            payer=payer,
            receiver=receiver,
            provider=provider,
            subscriber=subscriber if dependent else level.person(),
            dependent=level.person() if dependent else None,
            references=tuple(claim.references),
            charge=claim.charge,
            service_dates=claim.dates,
            lines=tuple(line.freeze() for line in claim.lines),
        )
