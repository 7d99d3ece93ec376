"""Read the 277CA claim acknowledgment (005010X214) and the 277 claim status response (005010X212).

Both are HL hierarchies: information source (HL03 20, the payer or clearinghouse), information
receiver (21, the submitter), billing or service provider (19), then the patient: ``PT`` in the
277CA, subscriber (22) and dependent (23) in the 277. Each claim at the patient level opens with
its TRN (TRN02 is the patient control number sent as CLM01) and carries one or more STC status
segments, the payer's claim number (REF*1K), the service dates and, when the payer says
something about them, service lines (SVC with their own STC).

STC01 is a composite: category (A1, A7, F1, ...), status code and entity. For acknowledgments,
A1/A2 (and A0 forwarded, A5 split) mean the claim entered adjudication; A3/A4/A6/A7/A8 mean it
was rejected and never will unless corrected and sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from claimdesk.domain.money import Money
from claimdesk.edi.x12.codes import SegmentSyntaxError
from claimdesk.edi.x12.composites import (
    EntityName,
    Procedure,
    QualifiedAmount,
    QualifiedQuantity,
    Reference,
)
from claimdesk.edi.x12.envelope import Envelopes, TransactionSet
from claimdesk.edi.x12.errors import Severity, X12Finding, has_errors
from claimdesk.edi.x12.hierarchy import (
    LevelReader,
    Period,
    read_name,
    read_period,
    read_transaction_sets,
    require_bht,
    transaction_sets_of,
)
from claimdesk.edi.x12.tokenizer import Segment

CLAIM_ACKNOWLEDGMENT = "005010X214"
CLAIM_STATUS = "005010X212"

ACCEPTED_CATEGORIES = frozenset({"A0", "A1", "A2", "A5"})
REJECTED_CATEGORIES = frozenset({"A3", "A4", "A6", "A7", "A8"})

SOURCE, RECEIVER, PROVIDER = "20", "21", "19"
PATIENT_LEVELS = frozenset({"PT", "22", "23"})  # 277CA patient; 277 subscriber, dependent

# STC01, STC10 and STC11 each hold one status composite.
_STATUS_ELEMENTS = (1, 10, 11)
_KNOWN = frozenset(
    {"ST", "BHT", "HL", "NM1", "PER", "TRN", "STC", "REF", "DTP", "QTY", "AMT", "SVC", "SE"}
)


@dataclass(frozen=True, slots=True)
class StatusCode:
    """One STC01 (or STC10/STC11) composite."""

    category: str  # STC01-1: claim status category code, e.g. A1, A7, F1
    status: str  # STC01-2: claim status code, e.g. 20 accepted for processing, 562
    entity: str = ""  # STC01-3: entity the status is about, e.g. 85 billing provider
    code_list: str = ""  # STC01-4: code list qualifier (NCPDP reject codes)

    @property
    def accepted(self) -> bool:
        return self.category in ACCEPTED_CATEGORIES

    @property
    def rejected(self) -> bool:
        return self.category in REJECTED_CATEGORIES


@dataclass(frozen=True, slots=True)
class StatusInformation:
    """One STC segment."""

    position: int
    codes: tuple[StatusCode, ...]  # STC01, STC10, STC11
    effective_date: date | None  # STC02
    action: str  # STC03: WQ accept, U reject
    charge: Money | None  # STC04: total claim (or batch) charges
    paid: Money | None  # STC05: claim payment amount (277)
    adjudicated: date | None  # STC06
    payment_method: str  # STC07: ACH, CHK, ...
    check_date: date | None  # STC08: check issue or EFT effective date
    check_number: str  # STC09
    message: str  # STC12: free-form text

    @property
    def accepted(self) -> bool:
        return any(c.accepted for c in self.codes) and not self.rejected

    @property
    def rejected(self) -> bool:
        return any(c.rejected for c in self.codes)


def _statuses_reject(statuses: tuple[StatusInformation, ...]) -> bool:
    return any(s.rejected for s in statuses)


def _statuses_accept(statuses: tuple[StatusInformation, ...]) -> bool:
    return any(s.accepted for s in statuses) and not _statuses_reject(statuses)


@dataclass(frozen=True, slots=True)
class ServiceLineStatus:
    """Loop 2220D (2220E): the status of one service line."""

    position: int
    procedure: Procedure | None  # SVC01
    charge: Money | None  # SVC02
    paid: Money | None  # SVC03
    revenue_code: str  # SVC04
    units: Decimal | None  # SVC07
    statuses: tuple[StatusInformation, ...]
    references: tuple[Reference, ...]
    service_dates: Period | None  # DTP*472

    @property
    def control_number(self) -> str | None:
        """REF*FJ: the line item control number sent in the 837."""
        return next((r.value for r in self.references if r.qualifier == "FJ"), None)

    @property
    def rejected(self) -> bool:
        return _statuses_reject(self.statuses)


@dataclass(frozen=True, slots=True)
class ClaimStatusDetail:
    """Loop 2200D (2200E in the 277): what the payer says about one claim."""

    position: int  # of the claim's TRN in the interchange
    patient_control_number: str  # TRN02: CLM01 of the 837
    statuses: tuple[StatusInformation, ...]
    references: tuple[Reference, ...]
    service_dates: Period | None  # DTP*472
    patient: EntityName | None  # 2100D (277CA) or the subscriber / dependent (277)
    subscriber: EntityName | None  # the 277's 2100D when the patient is a dependent
    provider: EntityName | None  # 2100C billing / service provider
    receiver: EntityName | None  # 2100B information receiver
    source: EntityName | None  # 2100A payer or clearinghouse
    lines: tuple[ServiceLineStatus, ...] = ()
    # The STCs of the levels above the claim (provider, receiver, source): a status at a level
    # applies to every claim under it (005010X214 2200B/2200C: a rejected batch or provider
    # rejects all of its claims).
    level_statuses: tuple[StatusInformation, ...] = ()

    def reference(self, qualifier: str) -> str | None:
        return next((r.value for r in self.references if r.qualifier == qualifier), None)

    @property
    def payer_claim_number(self) -> str | None:
        """REF*1K: the payer's claim control number."""
        return self.reference("1K")

    @property
    def clearinghouse_trace(self) -> str | None:
        """REF*D9: the clearinghouse's claim id."""
        return self.reference("D9")

    @property
    def bill_type(self) -> str | None:
        """REF*BLT: institutional type of bill."""
        return self.reference("BLT")

    @property
    def codes(self) -> tuple[StatusCode, ...]:
        return tuple(c for s in self.statuses for c in s.codes)

    @property
    def charge(self) -> Money | None:
        return next((s.charge for s in self.statuses if s.charge is not None), None)

    @property
    def rejected(self) -> bool:
        """A category A3/A4/A6/A7/A8 on the claim or a level above it: the claim never
        entered adjudication."""
        return _statuses_reject(self.statuses) or _statuses_reject(self.level_statuses)

    @property
    def accepted(self) -> bool:
        return _statuses_accept(self.statuses) and not _statuses_reject(self.level_statuses)

    @property
    def finalized(self) -> bool:
        """A category F*: the payer has finished with the claim (277 claim status)."""
        return any(c.category.startswith("F") for c in self.codes)

    @property
    def member_id(self) -> str | None:
        for name in (self.subscriber, self.patient):
            if name is not None and name.id:
                return name.id
        return None


@dataclass(frozen=True, slots=True)
class LevelStatus:
    """Loops 2000A/2000B/2000C: source, receiver or provider with its trace and statuses."""

    position: int  # of the HL
    level: str  # HL03: 20, 21 or 19
    name: EntityName | None
    trace: str  # TRN02
    statuses: tuple[StatusInformation, ...]
    references: tuple[Reference, ...]
    quantities: tuple[QualifiedQuantity, ...]
    amounts: tuple[QualifiedAmount, ...]
    dates: tuple[Period, ...]

    def quantity(self, *qualifiers: str) -> Decimal | None:
        return next((q.quantity for q in self.quantities if q.qualifier in qualifiers), None)

    def amount(self, qualifier: str) -> Money | None:
        return next((a.amount for a in self.amounts if a.qualifier == qualifier), None)

    @property
    def accepted_count(self) -> Decimal | None:
        """QTY*90 (receiver) or QTY*QA (provider)."""
        return self.quantity("90", "QA")

    @property
    def rejected_count(self) -> Decimal | None:
        """QTY*AA (receiver) or QTY*QC (provider)."""
        return self.quantity("AA", "QC")

    @property
    def accepted_amount(self) -> Money | None:
        return self.amount("YU")

    @property
    def rejected_amount(self) -> Money | None:
        return self.amount("YY")

    @property
    def rejected(self) -> bool:
        return _statuses_reject(self.statuses)


@dataclass(frozen=True, slots=True)
class ClaimStatusResponse:
    """One 277 transaction set (ST..SE), acknowledgment or claim status."""

    control_number: str  # ST02
    implementation: str
    interchange_index: int
    reference: str  # BHT03
    created: date | None  # BHT04
    transaction_type: str  # BHT06: TH receipt acknowledgment, DG response
    sources: tuple[LevelStatus, ...]
    receivers: tuple[LevelStatus, ...]
    providers: tuple[LevelStatus, ...]
    claims: tuple[ClaimStatusDetail, ...]
    findings: tuple[X12Finding, ...]

    @property
    def is_acknowledgment(self) -> bool:
        return self.implementation == CLAIM_ACKNOWLEDGMENT or self.transaction_type == "TH"

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)

    @property
    def rejected_claims(self) -> tuple[ClaimStatusDetail, ...]:
        return tuple(c for c in self.claims if c.rejected)

    @property
    def accepted_claims(self) -> tuple[ClaimStatusDetail, ...]:
        return tuple(c for c in self.claims if c.accepted)


@dataclass(frozen=True, slots=True)
class ClaimStatusFile:
    responses: tuple[ClaimStatusResponse, ...]
    findings: tuple[X12Finding, ...]
    envelopes: Envelopes

    @property
    def claims(self) -> tuple[ClaimStatusDetail, ...]:
        return tuple(c for r in self.responses for c in r.claims)


def read_277(text: str) -> ClaimStatusFile:
    """Read every 277 (277CA or claim status) in ``text``; raises X12Error only on non-X12."""
    envelopes, responses, findings = read_transaction_sets(text, "277", read_277_transaction)
    return ClaimStatusFile(responses, findings, envelopes)


def claim_statuses_of(envelopes: Envelopes) -> ClaimStatusFile:
    """:func:`read_277` of envelopes read already."""
    responses, findings = transaction_sets_of(envelopes, "277", read_277_transaction)
    return ClaimStatusFile(responses, findings, envelopes)


def read_277_transaction(transaction: TransactionSet) -> ClaimStatusResponse:
    return _Reader(transaction).read()


@dataclass
class _Level:
    segment: Segment
    number: str
    level: str
    name: EntityName | None = None
    trace: str = ""
    statuses: list[StatusInformation] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    quantities: list[QualifiedQuantity] = field(default_factory=list)
    amounts: list[QualifiedAmount] = field(default_factory=list)
    dates: list[Period] = field(default_factory=list)

    def freeze(self) -> LevelStatus:
        return LevelStatus(
            position=self.segment.position,
            level=self.level,
            name=self.name,
            trace=self.trace,
            statuses=tuple(self.statuses),
            references=tuple(self.references),
            quantities=tuple(self.quantities),
            amounts=tuple(self.amounts),
            dates=tuple(self.dates),
        )


@dataclass
class _Line:
    segment: Segment
    procedure: Procedure | None
    charge: Money | None
    paid: Money | None
    units: Decimal | None
    statuses: list[StatusInformation] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    dates: Period | None = None

    def freeze(self) -> ServiceLineStatus:
        return ServiceLineStatus(
            position=self.segment.position,
            procedure=self.procedure,
            charge=self.charge,
            paid=self.paid,
            revenue_code=self.segment.get(4),
            units=self.units,
            statuses=tuple(self.statuses),
            references=tuple(self.references),
            service_dates=self.dates,
        )


@dataclass
class _Claim:
    segment: Segment
    patient: _Level
    statuses: list[StatusInformation] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    dates: Period | None = None
    lines: list[_Line] = field(default_factory=list)


@dataclass
class _Walk:
    """Where :meth:`_Reader.read` is: the BHT, and the level, claim and line that are open."""

    bht: Segment | None = None
    level: _Level | None = None
    claim: _Claim | None = None
    line: _Line | None = None


class _Reader(LevelReader[_Level]):
    def __init__(self, transaction: TransactionSet) -> None:
        super().__init__(transaction)
        self.claims: list[ClaimStatusDetail] = []

    def read(self) -> ClaimStatusResponse:
        el = self.el
        walk = _Walk()
        for segment, sid in self.body():
            if sid == "BHT" and walk.bht is None and walk.level is None:
                walk.bht = segment
            elif sid == "HL":
                self._close_claim(walk.claim)
                walk.claim = walk.line = None
                walk.level = self._open_level(segment)
            elif walk.level is None or not self._level_segment(walk, walk.level, segment, sid):
                el.unexpected(segment, sid in _KNOWN)
        self._close_claim(walk.claim)
        bht = walk.bht
        first = self.transaction.segments[0]
        require_bht(el, bht, first, "277")
        self._check_levels(first)
        frozen = [level.freeze() for level in self.ordered]
        return ClaimStatusResponse(
            control_number=self.transaction.control_number,
            implementation=self.transaction.implementation,
            interchange_index=self.transaction.interchange_index,
            reference=bht.get(3) if bht else "",
            created=el.date(bht, 4) if bht else None,
            transaction_type=bht.get(6) if bht else "",
            sources=tuple(s for s in frozen if s.level == SOURCE),
            receivers=tuple(s for s in frozen if s.level == RECEIVER),
            providers=tuple(s for s in frozen if s.level == PROVIDER),
            claims=tuple(self.claims),
            findings=tuple(el.findings),
        )

    def _level_segment(self, walk: _Walk, level: _Level, segment: Segment, sid: str) -> bool:
        """Read a segment inside an HL level; False when it does not belong where it is."""
        handler = _LEVEL_SEGMENTS.get(sid)
        return handler is not None and handler(self, walk, level, segment)

    def _nm1(self, walk: _Walk, level: _Level, segment: Segment) -> bool:
        if walk.claim is not None:
            return False
        if level.name is None:
            level.name = read_name(self.el, segment)
        return True

    def _trn(self, walk: _Walk, level: _Level, segment: Segment) -> bool:
        el = self.el
        if level.level in PATIENT_LEVELS:
            # TRN in 2000D/2000E opens the claim loop 2200D/2200E.
            self._close_claim(walk.claim)
            walk.line = None
            el.loop = "2200D" if level.level != "23" else "2200E"
            walk.claim = _Claim(segment, level)
            el.text(segment, 2, required=True)
            return True
        if walk.claim is None and not level.trace:
            level.trace = el.text(segment, 2, required=True)  # TRN02
            return True
        return False

    def _stc(self, walk: _Walk, level: _Level, segment: Segment) -> bool:
        status = self._read_stc(segment)
        if walk.line is not None:
            walk.line.statuses.append(status)
        elif walk.claim is not None:
            walk.claim.statuses.append(status)
        elif level.level not in PATIENT_LEVELS:
            level.statuses.append(status)
        else:
            self.el.unexpected(segment, True)
        return True

    def _svc(self, walk: _Walk, level: _Level, segment: Segment) -> bool:
        if walk.claim is None:
            return False
        walk.line = self._read_svc(segment)
        walk.claim.lines.append(walk.line)
        return True

    def _ref(self, walk: _Walk, level: _Level, segment: Segment) -> bool:
        reference = Reference(segment.get(1), self.el.text(segment, 2, required=True))
        if walk.line is not None:
            walk.line.references.append(reference)
        elif walk.claim is not None:
            walk.claim.references.append(reference)
        elif level.level == PROVIDER:
            level.references.append(reference)
        else:
            self.el.unexpected(segment, True)
        return True

    def _dtp(self, walk: _Walk, level: _Level, segment: Segment) -> bool:
        period = read_period(self.el, segment)
        if walk.line is not None:
            walk.line.dates = period
        elif walk.claim is not None:
            walk.claim.dates = period
        elif level.level == SOURCE and period is not None:
            level.dates.append(period)
        elif level.level != SOURCE:
            self.el.unexpected(segment, True)
        return True

    def _qty(self, walk: _Walk, level: _Level, segment: Segment) -> bool:
        if walk.claim is not None or level.level not in (RECEIVER, PROVIDER):
            return False
        quantity = self.el.decimal(segment, 2, required=True)  # QTY02
        if quantity is not None:
            level.quantities.append(QualifiedQuantity(segment.get(1), quantity))
        return True

    def _amt(self, walk: _Walk, level: _Level, segment: Segment) -> bool:
        if walk.claim is not None or level.level not in (RECEIVER, PROVIDER):
            return False
        amount = self.el.money(segment, 2, required=True)  # AMT02
        if amount is not None:
            level.amounts.append(QualifiedAmount(segment.get(1), amount))
        return True

    def _per(self, walk: _Walk, level: _Level, segment: Segment) -> bool:
        # 2100A payer contact: informational.
        return walk.claim is None and level.level == SOURCE

    def _open_level(self, segment: Segment) -> _Level:
        el = self.el
        code = self.hierarchy.open(segment)
        el.loop = {SOURCE: "2000A", RECEIVER: "2000B", PROVIDER: "2000C"}.get(code, "2000D")
        if code not in PATIENT_LEVELS and code not in (SOURCE, RECEIVER, PROVIDER):
            el.report(
                "277.hl_level",
                f"HL03 {code[:6]!r} is not a 277 level (20, 21, 19, PT, 22 or 23)",
                segment,
                SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                3,
            )
        level = _Level(segment, segment.get(1), code)
        self.levels[level.number] = level
        if code not in PATIENT_LEVELS:
            self.ordered.append(level)
        return level

    def _check_levels(self, first: Segment) -> None:
        el = self.el
        for code, what in ((SOURCE, "information source"), (RECEIVER, "information receiver")):
            if not any(level.level == code for level in self.ordered):
                el.loop = None
                el.report(
                    f"277.level_{code}_missing",
                    f"the required {what} level (HL03 {code}) is missing",
                    first,
                    SegmentSyntaxError.IMPLEMENTATION_LOOP_UNDER_MINIMUM,
                )
        acknowledgment = self.transaction.implementation == CLAIM_ACKNOWLEDGMENT
        for level in self.ordered:
            if acknowledgment and level.level in (RECEIVER, PROVIDER) and not level.statuses:
                # 005010X214 2200B and 2200C: the STC is required at both levels.
                el.loop = None
                el.report(
                    "277.level_stc_missing",
                    f"HL {level.number[:12]!r} (level {level.level}) has no STC status",
                    level.segment,
                    SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
                    severity=Severity.WARNING,
                )
            if level.name is None:
                el.loop = None
                el.report(
                    "277.name_missing",
                    f"HL {level.number[:12]!r} (level {level.level}) has no NM1 name",
                    level.segment,
                    SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
                )

    def _read_stc(self, segment: Segment) -> StatusInformation:
        el = self.el
        codes: list[StatusCode] = []
        for index in _STATUS_ELEMENTS:
            if not segment.get(index):
                if index == 1:
                    el.text(segment, 1, required=True)
                continue
            parts = el.components(segment, index)
            if len(parts) < 2 or not parts[0] or not parts[1]:
                el.report(
                    "277.status_code",
                    f"STC{index:02d} needs a status category and a status code",
                    segment,
                    SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                    index,
                )
                continue
            parts += ["", ""]
            codes.append(StatusCode(parts[0], parts[1], parts[2], parts[3]))
        return StatusInformation(
            position=segment.position,
            codes=tuple(codes),
            effective_date=el.date(segment, 2),
            action=segment.get(3),
            charge=el.money(segment, 4),
            paid=el.money(segment, 5),
            adjudicated=el.date(segment, 6),
            payment_method=segment.get(7),
            check_date=el.date(segment, 8),
            check_number=segment.get(9),
            message=segment.get(12),
        )

    def _read_svc(self, segment: Segment) -> _Line:
        el = self.el
        el.loop = "2220D"
        parts = el.components(segment, 1)
        procedure: Procedure | None = None
        if len(parts) >= 2 and parts[0] and parts[1]:
            procedure = Procedure(
                parts[0],
                parts[1],
                tuple(m for m in parts[2:6] if m),
                parts[6] if len(parts) > 6 else "",
            )
        elif segment.get(1):
            el.report(
                "277.procedure",
                "SVC01 needs a qualifier and a procedure code",
                segment,
                SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                1,
            )
        return _Line(
            segment=segment,
            procedure=procedure,
            charge=el.money(segment, 2),
            paid=el.money(segment, 3),
            units=el.decimal(segment, 7),
        )

    def _close_claim(self, claim: _Claim | None) -> None:
        if claim is None:
            return
        el = self.el
        if not claim.statuses:
            el.report(
                "277.stc_missing",
                "the claim has no STC status information",
                claim.segment,
                SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
            )
        patient_level = claim.patient
        subscriber: EntityName | None = None
        provider = receiver = source = None
        above: list[StatusInformation] = []
        for number in self.hierarchy.ancestors(patient_level.number):
            ancestor = self.levels.get(number)
            if ancestor is None:
                continue
            if ancestor.level not in PATIENT_LEVELS:
                above.extend(ancestor.statuses)
            if ancestor.level == "22" and patient_level.level == "23" and subscriber is None:
                subscriber = ancestor.name
            elif ancestor.level == PROVIDER and provider is None:
                provider = ancestor.name
            elif ancestor.level == RECEIVER and receiver is None:
                receiver = ancestor.name
            elif ancestor.level == SOURCE and source is None:
                source = ancestor.name
        self.claims.append(
            ClaimStatusDetail(
                position=claim.segment.position,
                patient_control_number=claim.segment.get(2),
                statuses=tuple(claim.statuses),
                references=tuple(claim.references),
                service_dates=claim.dates,
                patient=patient_level.name,
                subscriber=subscriber,
                provider=provider,
                receiver=receiver,
                source=source,
                lines=tuple(line.freeze() for line in claim.lines),
                level_statuses=tuple(sorted(above, key=lambda s: s.position)),
            )
        )


# What each segment inside an HL level is read by; each returns False when it is out of place.
_LEVEL_SEGMENTS: dict[str, Callable[[_Reader, _Walk, _Level, Segment], bool]] = {
    "NM1": _Reader._nm1,
    "TRN": _Reader._trn,
    "STC": _Reader._stc,
    "SVC": _Reader._svc,
    "REF": _Reader._ref,
    "DTP": _Reader._dtp,
    "QTY": _Reader._qty,
    "AMT": _Reader._amt,
    "PER": _Reader._per,
}
