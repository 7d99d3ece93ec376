"""Read the 270 eligibility, coverage or benefit inquiry (005010X279A1) into typed records.

This is the payer's side of eligibility: the payer simulator reads what claimdesk (or anyone)
asks and answers with a 271. The 270 is an HL hierarchy: information source (HL03 20, the
payer, 2100A NM1*PR), information receiver (21, the provider asking, 2100B), subscriber (22,
2100C NM1*IL with the member id) and, when the patient is not the subscriber, dependent (23,
2100D NM1*03). The patient's level carries the inquiry: its TRN trace, the date of service
(DTP*291) and one 2110 loop per EQ, whose EQ01 repeats the service types asked about.

The 4010 inquiry (004010X092A1) has the same shape; its dates of service came as DTP*307
(eligibility) or DTP*472 (service), so those count as the date of service too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from claimdesk.edi.x12.codes import ElementSyntaxError, SegmentSyntaxError
from claimdesk.edi.x12.composites import EntityName, Procedure, Reference, Trace
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
from claimdesk.edi.x12.hierarchy import check_parent_level as check_parent_level
from claimdesk.edi.x12.reading import ElementReader
from claimdesk.edi.x12.tokenizer import Segment

IMPLEMENTATION = "005010X279A1"

SOURCE, RECEIVER, SUBSCRIBER, DEPENDENT = "20", "21", "22", "23"
_LOOPS = {SOURCE: "A", RECEIVER: "B", SUBSCRIBER: "C", DEPENDENT: "D"}
_PARENTS = {SOURCE: "", RECEIVER: SOURCE, SUBSCRIBER: RECEIVER, DEPENDENT: SUBSCRIBER}
# NM101 allowed per level: 2100A payer, employer, plan sponsor, third-party administrator or
# gateway; 2100B also provider (1P), facility (FA) and hospital (80); 2100C insured; 2100D
# dependent.
_SOURCE_ENTITIES = frozenset({"PR", "2B", "36", "GP", "P5"})
_ENTITIES = {
    SOURCE: _SOURCE_ENTITIES,
    RECEIVER: _SOURCE_ENTITIES | {"1P", "80", "FA"},
    SUBSCRIBER: frozenset({"IL"}),
    DEPENDENT: frozenset({"03"}),
}
_NAMED = {SOURCE: "PR", RECEIVER: "1P", SUBSCRIBER: "IL", DEPENDENT: "03"}
_WHAT = {
    SOURCE: "information source",
    RECEIVER: "information receiver",
    SUBSCRIBER: "subscriber",
    DEPENDENT: "dependent",
}
# DTP01 of a date of service: 291 plan (5010); 307 eligibility and 472 service (4010).
SERVICE_DATE_QUALIFIERS = ("291", "307", "472")

_KNOWN = frozenset(
    {
        *("ST", "BHT", "HL", "TRN", "NM1", "REF", "N3", "N4", "PRV", "DMG", "INS", "HI"),
        *("DTP", "EQ", "AMT", "III", "SE"),
    }
)


@dataclass(frozen=True, slots=True)
class InquiredPerson:
    """Loop 2100C/2100D (270) or 2000D-2100E (276): a subscriber or dependent as asked about."""

    name: EntityName | None  # NM1
    birth_date: date | None = None  # DMG02
    sex: str = ""  # DMG03
    references: tuple[Reference, ...] = ()  # REF: SY social security number, 6P group, ...
    address_lines: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    postal_code: str = ""
    relationship: str = ""  # INS02: 18 self, 01 spouse, 19 child

    @property
    def member_id(self) -> str:
        """NM109 (with NM108 MI), or "" when absent."""
        return self.name.id if self.name is not None else ""

    def reference(self, qualifier: str) -> str | None:
        return next((r.value for r in self.references if r.qualifier == qualifier), None)


@dataclass(frozen=True, slots=True)
class ServiceInquiry:
    """Loop 2110C/2110D: one EQ and its dates."""

    position: int
    service_types: tuple[str, ...]  # EQ01, repetition-separated
    procedure: Procedure | None  # EQ02: asked about one procedure instead of service types
    coverage_level: str  # EQ03, e.g. IND individual, FAM family
    dates: tuple[Period, ...] = ()  # DTP*291 for this service only


@dataclass(frozen=True, slots=True)
class EligibilityInquiry:
    """One inquiry: a subscriber level with no dependents (2000C), or a dependent (2000D)."""

    position: int  # of the patient's HL
    level: str  # HL03: 22 subscriber, 23 dependent
    created: date | None  # BHT04 of the transaction: the day the inquiry was made
    traces: tuple[Trace, ...]  # TRN at the patient's level
    source: EntityName | None  # 2100A payer
    receiver: EntityName | None  # 2100B provider asking
    subscriber: InquiredPerson | None  # 2100C
    dependent: InquiredPerson | None  # 2100D when the patient is a dependent
    dates: tuple[Period, ...]  # DTP at the patient's level
    services: tuple[ServiceInquiry, ...]  # one per EQ

    @property
    def is_dependent(self) -> bool:
        return self.level == DEPENDENT

    @property
    def patient(self) -> InquiredPerson | None:
        """The person the inquiry is about."""
        return self.dependent if self.is_dependent else self.subscriber

    @property
    def trace_number(self) -> str:
        """TRN02 of the first trace: the 271 echoes it (as TRN*2) to tie answer to question."""
        return self.traces[0].number if self.traces else ""

    @property
    def member_id(self) -> str:
        """The subscriber's NM109; a dependent's own id when only the dependent carries one."""
        for person in (self.subscriber, self.dependent):
            if person is not None and person.member_id:
                return person.member_id
        return ""

    @property
    def payer_id(self) -> str:
        return self.source.id if self.source is not None else ""

    @property
    def provider_npi(self) -> str:
        """2100B NM109 when NM108 says it is an NPI (XX)."""
        receiver = self.receiver
        return receiver.id if receiver is not None and receiver.id_qualifier == "XX" else ""

    @property
    def service_types(self) -> tuple[str, ...]:
        """Every EQ01 service type, in order."""
        return tuple(t for s in self.services for t in s.service_types)

    @property
    def service_dates(self) -> Period | None:
        """The date of service: the patient's level DTP, else the first EQ loop's; None when the
        inquiry gives none (the payer then answers for the day it processes the request)."""
        dates = (*self.dates, *(d for s in self.services for d in s.dates))
        return next((d for d in dates if d.qualifier in SERVICE_DATE_QUALIFIERS), None)


@dataclass(frozen=True, slots=True)
class EligibilityInquirySet:
    """One 270 transaction set (ST..SE)."""

    control_number: str  # ST02
    implementation: str
    interchange_index: int
    reference: str  # BHT03: the 271 echoes it
    created: date | None  # BHT04
    inquiries: tuple[EligibilityInquiry, ...]
    findings: tuple[X12Finding, ...]

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


@dataclass(frozen=True, slots=True)
class EligibilityInquiries:
    """Every 270 of one text."""

    transactions: tuple[EligibilityInquirySet, ...]
    findings: tuple[X12Finding, ...]
    envelopes: Envelopes

    @property
    def inquiries(self) -> tuple[EligibilityInquiry, ...]:
        return tuple(i for t in self.transactions for i in t.inquiries)

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


@dataclass(frozen=True, slots=True)
class EligibilityQuestion:
    """What a payer needs to answer one inquiry, flattened from the hierarchy.

    Missing data stays empty (or None) rather than refused: the answer to a question without a
    member id is a 271 rejection, which is the payer's call.
    """

    trace_number: str
    payer_id: str
    provider_npi: str
    member_id: str
    subscriber_last_name: str
    subscriber_first_name: str
    patient_last_name: str
    patient_first_name: str
    birth_date: date | None  # the patient's
    sex: str  # the patient's
    is_dependent: bool
    service_dates: Period | None
    service_types: tuple[str, ...]
    requested_on: date | None  # BHT04

    @property
    def service_date(self) -> date | None:
        """The first day of service, or the request's date when the inquiry gives none."""
        return self.service_dates.start if self.service_dates is not None else self.requested_on


def eligibility_question(inquiry: EligibilityInquiry) -> EligibilityQuestion:
    subscriber = inquiry.subscriber.name if inquiry.subscriber is not None else None
    patient = inquiry.patient
    patient_name = patient.name if patient is not None else None
    return EligibilityQuestion(
        trace_number=inquiry.trace_number,
        payer_id=inquiry.payer_id,
        provider_npi=inquiry.provider_npi,
        member_id=inquiry.member_id,
        subscriber_last_name=subscriber.last_or_organization if subscriber is not None else "",
        subscriber_first_name=subscriber.first if subscriber is not None else "",
        patient_last_name=patient_name.last_or_organization if patient_name is not None else "",
        patient_first_name=patient_name.first if patient_name is not None else "",
        birth_date=patient.birth_date if patient is not None else None,
        sex=patient.sex if patient is not None else "",
        is_dependent=inquiry.is_dependent,
        service_dates=inquiry.service_dates,
        service_types=inquiry.service_types,
        requested_on=inquiry.created,
    )


def read_270(text: str) -> EligibilityInquiries:
    """Read every 270 in ``text``; raises X12Error only on non-X12 input."""
    envelopes, transactions, findings = read_transaction_sets(text, "270", read_270_transaction)
    return EligibilityInquiries(transactions, findings, envelopes)


def read_270_transaction(transaction: TransactionSet) -> EligibilityInquirySet:
    return _Reader(transaction).read()


def check_entity(
    el: ElementReader, segment: Segment, allowed: frozenset[str], what: str, rule: str
) -> None:
    """NM101 must be one of the entity codes the loop allows."""
    entity = segment.get(1)
    if entity and entity not in allowed:
        el.report(
            rule,
            f"NM101 {entity[:6]!r} is not a {what} entity ({', '.join(sorted(allowed))})",
            segment,
            ElementSyntaxError.INVALID_CODE_VALUE,
            1,
        )


@dataclass
class _Service:
    segment: Segment
    dates: list[Period] = field(default_factory=list)


@dataclass
class _Level:
    segment: Segment
    number: str
    level: str
    name: EntityName | None = None
    name_segment: Segment | None = None
    traces: list[Trace] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    address_lines: list[str] = field(default_factory=list)
    city: str = ""
    state: str = ""
    postal_code: str = ""
    birth_date: date | None = None
    sex: str = ""
    relationship: str = ""
    dates: list[Period] = field(default_factory=list)
    services: list[ServiceInquiry] = field(default_factory=list)
    inquiry_segment: Segment | None = None  # the first TRN, DTP or EQ

    def person(self) -> InquiredPerson:
        return InquiredPerson(
            name=self.name,
            birth_date=self.birth_date,
            sex=self.sex,
            references=tuple(self.references),
            address_lines=tuple(self.address_lines),
            city=self.city,
            state=self.state,
            postal_code=self.postal_code,
            relationship=self.relationship,
        )


class _Reader(LevelReader[_Level]):
    def __init__(self, transaction: TransactionSet) -> None:
        super().__init__(transaction)
        self.repetition = transaction.delimiters.repetition
        self.with_dependents: set[str] = set()  # HL01 of subscribers with dependent levels

    def read(self) -> EligibilityInquirySet:
        el = self.el
        bht: Segment | None = None
        level: _Level | None = None
        service: _Service | None = None
        for segment, sid in self.body():
            if sid == "BHT" and bht is None and level is None:
                bht = segment
            elif sid == "HL":
                self._close_service(level, service)
                service = None
                level = self._open_level(segment)
            elif level is None:
                el.unexpected(segment, sid in _KNOWN)
            elif sid == "EQ" and level.level in (SUBSCRIBER, DEPENDENT):
                self._close_service(level, service)
                el.loop = f"2110{_LOOPS[level.level]}"
                service = _Service(segment)
                if level.inquiry_segment is None:
                    level.inquiry_segment = segment
            elif service is not None:
                if not self._service_segment(segment, service):
                    el.unexpected(segment, sid in _KNOWN)
            elif not self._level_segment(segment, level):
                el.unexpected(segment, sid in _KNOWN)
        self._close_service(level, service)
        first = self.transaction.segments[0]
        el.loop = None
        require_bht(el, bht, first, "270")
        created = el.date(bht, 4) if bht is not None else None
        self.with_dependents = {
            self.hierarchy.parents.get(lv.number, "")
            for lv in self.ordered
            if lv.level == DEPENDENT
        }
        self._check_levels(first)
        inquiries = [
            self._inquiry(lv, created)
            for lv in self.ordered
            if lv.level == DEPENDENT or (lv.level == SUBSCRIBER and not self._has_dependents(lv))
        ]
        return EligibilityInquirySet(
            control_number=self.transaction.control_number,
            implementation=self.transaction.implementation,
            interchange_index=self.transaction.interchange_index,
            reference=bht.get(3) if bht is not None else "",
            created=created,
            inquiries=tuple(inquiries),
            findings=tuple(el.findings),
        )

    def _open_level(self, segment: Segment) -> _Level:
        code = open_level(self.el, self.hierarchy, segment, _LOOPS, _PARENTS, "270")
        level = _Level(segment, segment.get(1), code)
        self.levels[level.number] = level
        self.ordered.append(level)
        return level

    def _level_segment(self, segment: Segment, level: _Level) -> bool:
        sid = segment.elements[0]
        if sid == "NM1":
            return self._level_name(segment, level)
        if level.level == SOURCE:
            return False  # 2100A is the payer's name alone
        read = _PARTY_SEGMENTS.get(sid)
        if read is None and level.level != RECEIVER:
            # 2100B is the provider's name, address and role; the rest asks about a person.
            read = _PERSON_SEGMENTS.get(sid)
        if read is None:
            return False
        read(self.el, segment, level)
        return True

    def _level_name(self, segment: Segment, level: _Level) -> bool:
        if level.name is not None:
            return False
        el = self.el
        el.loop = f"2100{_LOOPS.get(level.level, '')}"
        level.name = read_name(el, segment)
        level.name_segment = segment
        allowed = _ENTITIES.get(level.level)
        if allowed is not None:
            check_entity(el, segment, allowed, _WHAT[level.level], "270.entity_code")
        return True

    def _service_segment(self, segment: Segment, service: _Service) -> bool:
        sid = segment.elements[0]
        if sid == "DTP":
            period = read_period(self.el, segment)
            if period is not None:
                service.dates.append(period)
            return True
        # AMT (spend-down), III (place of service), REF (referral, prior authorization) refine
        # the question but not whom it is about.
        return sid in ("AMT", "III", "REF")

    def _close_service(self, level: _Level | None, service: _Service | None) -> None:
        if level is None or service is None:
            return
        el = self.el
        el.loop = f"2110{_LOOPS[level.level]}"
        segment = service.segment
        types = segment.get(1)
        service_types = tuple(
            t for t in (types.split(self.repetition) if self.repetition else [types]) if t
        )
        procedure = self._procedure(segment)
        if not service_types and procedure is None:
            # EQ01 or EQ02 is required (one of them).
            el.report(
                "270.eq_empty",
                "EQ names neither a service type (EQ01) nor a procedure (EQ02)",
                segment,
                SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                1,
            )
        level.services.append(
            ServiceInquiry(
                position=segment.position,
                service_types=service_types,
                procedure=procedure,
                coverage_level=segment.get(3),
                dates=tuple(service.dates),
            )
        )

    def _procedure(self, segment: Segment) -> Procedure | None:
        if not segment.get(2):
            return None
        parts = self.el.components(segment, 2)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            self.el.report(
                "270.procedure",
                "EQ02 needs a qualifier and a procedure code",
                segment,
                SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                2,
            )
            return None
        return Procedure(parts[0], parts[1], tuple(m for m in parts[2:6] if m))

    def _has_dependents(self, level: _Level) -> bool:
        return level.number in self.with_dependents

    def _check_levels(self, first: Segment) -> None:
        el = self.el
        for code in (SOURCE, RECEIVER):
            if not any(level.level == code for level in self.ordered):
                el.loop = None
                el.report(
                    f"270.level_{code}_missing",
                    f"the required {_WHAT[code]} level (HL03 {code}) is missing",
                    first,
                    SegmentSyntaxError.IMPLEMENTATION_LOOP_UNDER_MINIMUM,
                )
        for level in self.ordered:
            suffix = _LOOPS.get(level.level)
            if suffix is None:
                continue
            what = _WHAT[level.level]
            el.loop = f"2000{suffix}"
            if level.name is None:
                el.report(
                    "270.name_missing",
                    f"HL {level.number[:12]!r} ({what}) has no NM1*{_NAMED[level.level]} name "
                    f"(loop 2100{suffix})",
                    level.segment,
                    SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
                )
            elif level.level == SUBSCRIBER and not level.name.id and level.name_segment:
                el.loop = "2100C"
                el.report(
                    "270.member_id_missing",
                    "NM109 the subscriber's member id is required",
                    level.name_segment,
                    ElementSyntaxError.REQUIRED_ELEMENT_MISSING,
                    9,
                )
            if level.level not in (SUBSCRIBER, DEPENDENT):
                continue
            el.loop = f"2000{suffix}"
            if level.level == SUBSCRIBER and self._has_dependents(level):
                if level.inquiry_segment is not None:
                    el.report(
                        "270.inquiry_above_dependent",
                        "the subscriber has dependent levels, so its TRN, DTP and EQ are not "
                        "read: the inquiry belongs to the dependent's level",
                        level.inquiry_segment,
                        SegmentSyntaxError.UNEXPECTED_SEGMENT,
                        severity=Severity.WARNING,
                    )
                continue
            if not level.traces:
                el.report(
                    "270.trn_missing",
                    f"HL {level.number[:12]!r} ({what}) asks without a TRN trace number",
                    level.segment,
                    SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
                )
            if not level.services:
                el.report(
                    "270.eq_missing",
                    f"HL {level.number[:12]!r} ({what}) asks no EQ eligibility question "
                    f"(loop 2110{suffix})",
                    level.segment,
                    SegmentSyntaxError.IMPLEMENTATION_LOOP_UNDER_MINIMUM,
                )

    def _inquiry(self, level: _Level, created: date | None) -> EligibilityInquiry:
        subscriber = source = receiver = None
        for number in self.hierarchy.ancestors(level.number):
            ancestor = self.levels.get(number)
            if ancestor is None:
                continue
            if ancestor.level == SUBSCRIBER and subscriber is None:
                subscriber = ancestor.person()
            elif ancestor.level == RECEIVER and receiver is None:
                receiver = ancestor.name
            elif ancestor.level == SOURCE and source is None:
                source = ancestor.name
        dependent = level.level == DEPENDENT
        return EligibilityInquiry(
            position=level.segment.position,
            level=level.level,
            created=created,
            traces=tuple(level.traces),
            source=source,
            receiver=receiver,
            subscriber=subscriber if dependent else level.person(),
            dependent=level.person() if dependent else None,
            dates=tuple(level.dates),
            services=tuple(level.services),
        )


def _read_reference(el: ElementReader, segment: Segment, level: _Level) -> None:
    level.references.append(Reference(segment.get(1), el.text(segment, 2, required=True)))


def _read_street(el: ElementReader, segment: Segment, level: _Level) -> None:
    level.address_lines.extend(x for x in (segment.get(1), segment.get(2)) if x)


def _read_city(el: ElementReader, segment: Segment, level: _Level) -> None:
    level.city, level.state, level.postal_code = segment.get(1), segment.get(2), segment.get(3)


def _skip(el: ElementReader, segment: Segment, level: _Level) -> None:
    """Accepted but not read: it does not change who is covered."""


def _read_trace(el: ElementReader, segment: Segment, level: _Level) -> None:
    level.traces.append(
        Trace(segment.get(1), el.text(segment, 2, required=True), segment.get(3), segment.get(4))
    )
    if level.inquiry_segment is None:
        level.inquiry_segment = segment


def _read_demographics(el: ElementReader, segment: Segment, level: _Level) -> None:
    level.birth_date = el.date(segment, 2)  # DMG02
    level.sex = segment.get(3)  # DMG03


def _read_relationship(el: ElementReader, segment: Segment, level: _Level) -> None:
    level.relationship = segment.get(2)  # INS02


def _read_date(el: ElementReader, segment: Segment, level: _Level) -> None:
    period = read_period(el, segment)
    if period is not None:
        level.dates.append(period)
    if level.inquiry_segment is None:
        level.inquiry_segment = segment


_SegmentReader = Callable[[ElementReader, Segment, _Level], None]
# Segments of any named level but the payer's: 2100B/C/D. PRV (the provider's role and
# taxonomy) is not needed to answer.
_PARTY_SEGMENTS: dict[str, _SegmentReader] = {
    "REF": _read_reference,
    "N3": _read_street,
    "N4": _read_city,
    "PRV": _skip,
}
# Segments of the subscriber's or dependent's level: 2000C/D and 2100C/D. HI (diagnoses) does
# not change who is covered.
_PERSON_SEGMENTS: dict[str, _SegmentReader] = {
    "TRN": _read_trace,
    "DMG": _read_demographics,
    "INS": _read_relationship,
    "DTP": _read_date,
    "HI": _skip,
}
