"""Read 837 health care claims, professional (005010X222A1) and institutional (005010X223A2).

The reader walks the HL tree (2000A billing provider, 2000B subscriber, 2000C patient) and gives
one :class:`~claimdesk.edi.x837.model.Claim837` per CLM. What is wrong with the file is
reported as findings with their location, never raised; only text that is not X12 at all raises
:class:`~claimdesk.edi.x12.errors.X12Error`. Checks beyond the envelope:

* HL: unique ids, a parent that precedes the child and is of the right level (22 under 20, 23
  under 22), and a subscriber or patient level that bills at least one claim;
* required loops and segments: 1000A/1000B, NM1*85, SBR, NM1*IL, NM1*PR, PAT, NM1*QC, HI, at
  least one 2400 with its SV1 (837P) or SV2 (837I), DTP*472 on every 837P line;
* segments a loop does not allow, reported where they stand;
* CLM02 equals the sum of the line charges; per other payer (2320) with AMT*D, CLM02 minus the
  claim and line adjustments equals AMT*D, and per 2430 the line charge minus its adjustments
  equals SVD02; SV107 pointers point to an HI diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from claimdesk.domain.encounters import NDC_DIGITS
from claimdesk.domain.money import Money, total
from claimdesk.domain.parties import Address, Sex
from claimdesk.edi.x12.codes import (
    AdjustmentGroup,
    ClaimFilingIndicator,
    ElementSyntaxError,
    SegmentSyntaxError,
    TransactionSetError,
)
from claimdesk.edi.x12.composites import Adjustment, Procedure, QualifiedAmount, Reference
from claimdesk.edi.x12.envelope import TransactionSet, parse_date, read_envelopes, whole_number
from claimdesk.edi.x12.errors import Severity, X12Finding
from claimdesk.edi.x12.hierarchy import Hierarchy, Period, read_name, read_period
from claimdesk.edi.x12.reading import ElementReader
from claimdesk.edi.x12.tokenizer import Segment, bulk_allocation
from claimdesk.edi.x837.loops import (
    INSTITUTIONAL_2310,
    INSTITUTIONAL_2420,
    KNOWN,
    OTHER_PAYER_PROVIDERS,
    PROFESSIONAL_2310,
    PROFESSIONAL_2420,
    allowed_in,
)
from claimdesk.edi.x837.model import (
    INSTITUTIONAL,
    PROFESSIONAL,
    BillingLevel,
    Claim837,
    Claims837,
    DrugIdentification837,
    Header837,
    HealthCode,
    InstitutionalInfo,
    LineAdjudication837,
    NamedParty,
    OtherPayer,
    PatientLevel,
    ServiceLine837,
    SubscriberLevel,
)

_CAS_TRIPLETS = tuple(range(2, 20, 3))  # CAS02..CAS19
_MAX_DIAGNOSES = 12  # HI01..HI12
_MAX_POINTERS = 4  # SV107-1..SV107-4
_SEXES = {member.value: member for member in Sex}
_GROUPS = {member.value: member for member in AdjustmentGroup}
_FILING = {member.value: member for member in ClaimFilingIndicator}
# PAT01 individual relationship codes of both guides.
_PATIENT_RELATIONSHIPS = frozenset({"01", "19", "20", "21", "39", "40", "53", "G8"})
_PRINCIPAL = frozenset({"ABK", "BK"})
# The order of the segments in every name loop of both guides (NM1 first).
_PARTY_ORDER = {"PRV": 1, "N3": 2, "N4": 3, "DMG": 4, "REF": 5, "PER": 6}


def read_837(text: str) -> Claims837:
    """Read every 837 transaction set in ``text``; raises X12Error only on non-X12 input."""
    envelopes = read_envelopes(text)
    findings = list(envelopes.findings)
    claims: list[Claim837] = []
    headers: list[Header837] = []
    with bulk_allocation():
        for transaction in envelopes.transaction_sets:
            if transaction.transaction_set_id != "837":
                findings.append(
                    X12Finding(
                        "837.not_837",
                        f"transaction set {transaction.transaction_set_id[:6]!r} is not an 837",
                        transaction.location(transaction.segments[0], element_position=1),
                        TransactionSetError.NOT_SUPPORTED,
                        Severity.WARNING,
                    )
                )
                continue
            header, read_claims, read_findings = read_837_transaction(transaction)
            headers.append(header)
            claims.extend(read_claims)
            findings.extend(read_findings)
    return Claims837(tuple(claims), tuple(headers), tuple(findings), envelopes)


def read_837_transaction(
    transaction: TransactionSet,
) -> tuple[Header837, tuple[Claim837, ...], tuple[X12Finding, ...]]:
    """One 837 transaction set (ST..SE): its header, claims and findings."""
    reader = _Reader(transaction)
    header = reader.read()
    return header, tuple(reader.claims), tuple(reader.el.findings)


@dataclass
class _Party:
    segment: Segment
    loop: str
    lines: list[str] = field(default_factory=list)
    city: str = ""
    state: str = ""
    postal_code: str = ""
    has_city: bool = False
    has_street: bool = False
    rank: int = 0  # of the last segment read, in _PARTY_ORDER
    taxonomy: str = ""
    references: list[Reference] = field(default_factory=list)
    birth_date: date | None = None
    sex: Sex | None = None
    frozen: NamedParty | None = None


@dataclass
class _Level:
    segment: Segment  # the HL
    hl_id: str
    code: str  # HL03
    parent: _Level | None
    parties: dict[str, _Party] = field(default_factory=dict)  # by NM101
    taxonomy: str = ""
    sbr: Segment | None = None
    pat: Segment | None = None
    claims: int = 0
    children: int = 0
    frozen: BillingLevel | SubscriberLevel | PatientLevel | None = None


@dataclass
class _LineAdjudication:
    segment: Segment
    adjustments: list[Adjustment] = field(default_factory=list)
    adjudicated_on: date | None = None
    amounts: list[QualifiedAmount] = field(default_factory=list)


@dataclass
class _Line:
    segment: Segment  # the LX
    service: Segment | None = None  # SV1 or SV2
    dates: list[Period] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    amounts: list[QualifiedAmount] = field(default_factory=list)
    providers: list[_Party] = field(default_factory=list)
    adjudications: list[_LineAdjudication] = field(default_factory=list)
    drug: _Drug | None = None


@dataclass
class _Drug:
    segment: Segment  # the LIN
    price: Segment | None = None  # CTP
    reference: Reference | None = None


@dataclass
class _OtherPayer:
    segment: Segment  # the SBR
    adjustments: list[Adjustment] = field(default_factory=list)
    amounts: list[QualifiedAmount] = field(default_factory=list)
    parties: dict[str, _Party] = field(default_factory=dict)
    adjudicated_on: date | None = None


@dataclass
class _Claim:
    segment: Segment  # the CLM
    level: _Level
    dates: list[Period] = field(default_factory=list)
    admission_time: time | None = None
    cl1: Segment | None = None
    references: list[Reference] = field(default_factory=list)
    amounts: list[QualifiedAmount] = field(default_factory=list)
    health_codes: list[HealthCode] = field(default_factory=list)
    hi: Segment | None = None
    providers: list[_Party] = field(default_factory=list)
    other_payers: list[_OtherPayer] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)


class _Reader:
    def __init__(self, transaction: TransactionSet) -> None:
        self.transaction = transaction
        self.el = ElementReader(transaction)
        self.institutional = transaction.implementation.startswith("005010X223")
        self.providers_2310 = INSTITUTIONAL_2310 if self.institutional else PROFESSIONAL_2310
        self.providers_2420 = INSTITUTIONAL_2420 if self.institutional else PROFESSIONAL_2420
        self.service_id = "SV2" if self.institutional else "SV1"
        self.hierarchy = Hierarchy(self.el)
        self.levels: dict[str, _Level] = {}  # by HL01, the first of each id
        self.all_levels: list[_Level] = []
        self.parties: list[_Party] = []  # every name loop, for the checks at the end
        self.claims: list[Claim837] = []
        self.header: Header837 | None = None
        self.header_parties: dict[str, _Party] = {}
        self.bht: Segment | None = None
        self.contact: Segment | None = None  # the first 1000A PER
        self.level: _Level | None = None
        self.claim: _Claim | None = None
        self.other: _OtherPayer | None = None
        self.line: _Line | None = None
        self.adjudication: _LineAdjudication | None = None
        self.party: _Party | None = None
        self.loop = "HEADER"
        self.allowed = allowed_in(self.loop)
        self.periods: dict[tuple[str, str, str], Period] = {}

    # -- walking ---------------------------------------------------------------------------

    def read(self) -> Header837:
        transaction = self.transaction
        el = self.el
        st = transaction.segments[0]
        implementation = transaction.implementation
        if not implementation.startswith(("005010X222", "005010X223")):
            el.report(
                "837.implementation",
                f"implementation {implementation[:20]!r} is neither {PROFESSIONAL} (837P) nor "
                f"{INSTITUTIONAL} (837I); read as 5010",
                st,
                TransactionSetError.IMPLEMENTATION_CONVENTION_NOT_SUPPORTED,
                severity=Severity.WARNING,
            )
        for segment in transaction.segments[1:]:
            sid = segment.elements[0]
            if sid == "SE":
                break
            if sid == "HL":
                self._close_level()
                self._hl(segment)
            elif sid == "CLM":
                self._clm(segment)
            elif sid == "LX":
                self._lx(segment)
            elif sid == "NM1":
                self._nm1(segment)
            elif sid == "SBR" and self.claim is not None:
                self._other_payer(segment)
            elif sid == "SVD":
                self._svd(segment)
            elif sid == "LIN" and self.line is not None:
                self._lin(segment, self.line)
            elif sid == "LQ" and self.line is not None:
                # 2440 form identification: not used.
                self._set_loop("2440")
                self.adjudication = self.party = None
            elif sid in self.allowed:
                self._segment(segment, sid)
            else:
                el.unexpected(segment, sid in KNOWN)
        self._close_level()
        self._check_header(st)
        self._check_children()
        self._check_addresses()
        return self._header()

    def _check_addresses(self) -> None:
        """N3 and N4 where a name loop is an address: 2010AA, 2010AB, the 2310 facility (77)."""
        el = self.el
        for party in self.parties:
            loop = party.loop
            entity = party.segment.get(1)
            required = loop in ("2010AA", "2010AB") or (entity == "77" and loop.startswith("2310"))
            if not required or (party.has_street and party.has_city):
                continue
            el.loop = loop
            el.report(
                "837.address_missing",
                f"loop {loop} needs its N3 street and N4 city, state and ZIP code",
                party.segment,
                SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
            )

    def _check_children(self) -> None:
        """Every billing provider has a subscriber; every lowest level bills a claim."""
        el = self.el
        for level in self.all_levels:
            code = level.code
            if code == "20" and level.children == 0:
                el.loop = "2000A"
                el.report(
                    "837.no_subscriber",
                    f"billing provider HL {level.hl_id[:12]} has no subscriber level (HL*22)",
                    level.segment,
                    SegmentSyntaxError.IMPLEMENTATION_LOOP_UNDER_MINIMUM,
                )
            elif code in ("22", "23") and level.claims == 0 and level.children == 0:
                el.loop = "2000B" if code == "22" else "2000C"
                el.report(
                    "837.no_claim",
                    f"HL {level.hl_id[:12]} bills no claim (CLM) and has no patient level",
                    level.segment,
                    SegmentSyntaxError.IMPLEMENTATION_LOOP_UNDER_MINIMUM,
                )

    def _set_loop(self, loop: str) -> None:
        self.loop = self.el.loop = loop
        self.allowed = allowed_in(loop)

    def _period(self, segment: Segment) -> Period | None:
        """A DTP date; the same text gives the same (immutable) period, read once."""
        key = (segment.get(1), segment.get(2), segment.get(3))
        known = self.periods.get(key)
        if known is None:
            known = read_period(self.el, segment)
            if known is not None:
                self.periods[key] = known
        return known

    def _segment(self, segment: Segment, sid: str) -> None:
        """A segment the current loop allows (loop starters are handled before)."""
        loop = self.loop
        party = self.party
        if party is not None:
            if sid == "DTP":
                # 2330B DTP*573: the date the other payer adjudicated the claim.
                if self.other is not None and segment.get(1) == "573":
                    self.other.adjudicated_on = self.el.date(segment, 3, required=True)
            elif sid == "PER":
                if loop == "1000A" and self.contact is None:
                    self.contact = segment
            else:
                self._party_segment(segment, sid, party)
            return
        if loop == "HEADER":
            self.bht = segment
            self.el.date(segment, 4, required=True)
        elif loop == "2000A":
            if sid == "PRV" and self.level is not None:
                self.level.taxonomy = segment.get(3)
        elif loop in ("2000B", "2000C"):
            self._level_segment(segment, sid)
        elif loop == "2300":
            self._claim_segment(segment, sid)
        elif loop == "2320":
            self._other_payer_segment(segment, sid)
        elif loop == "2400":
            self._line_segment(segment, sid)
        elif loop == "2430":
            self._adjudication_segment(segment, sid)
        elif loop == "2410":
            self._drug_segment(segment, sid)

    # -- hierarchy -------------------------------------------------------------------------

    def _hl(self, segment: Segment) -> None:
        el = self.el
        self.claim = None
        self.other = self.line = self.adjudication = None
        self.party = None
        code = self.hierarchy.open(segment)
        hl_id = segment.get(1)
        parent_id = segment.get(2)
        parent = self.levels.get(parent_id) if parent_id else None
        expected = {"20": "", "22": "20", "23": "22"}.get(code)
        self._set_loop({"20": "2000A", "22": "2000B", "23": "2000C"}.get(code, "2000"))
        if expected is None:
            if code:
                el.report(
                    "837.hl_level",
                    f"HL03 {code[:6]!r} is not a level of an 837 (20, 22 or 23)",
                    segment,
                    ElementSyntaxError.INVALID_CODE_VALUE,
                    3,
                )
            self.level = None
            return
        if not expected:
            if parent_id:
                el.report(
                    "837.hl_parent_level",
                    f"HL02 {parent_id[:12]!r}: a billing provider level (20) has no parent",
                    segment,
                    SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                    2,
                )
            parent = None
        elif parent is None or parent.code != expected:
            if parent is not None or not parent_id:
                el.report(
                    "837.hl_parent_level",
                    f"HL02 {parent_id[:12]!r}: the parent of a level {code} must be an earlier "
                    f"level {expected}",
                    segment,
                    SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                    2,
                )
            parent = None
        level = _Level(segment, hl_id, code, parent)
        if parent is not None:
            parent.children += 1
        if hl_id and hl_id not in self.levels:
            self.levels[hl_id] = level
        self.all_levels.append(level)
        self.level = level

    def _close_level(self) -> None:
        """Finish the open claim and check what the open HL level requires."""
        self._close_claim()
        level = self.level
        if level is None:
            return
        el = self.el
        segment = level.segment
        code = level.code
        el.loop = {"20": "2000A", "22": "2000B"}.get(code, "2000C")
        required: tuple[tuple[bool, str, str], ...]
        if code == "20":
            required = (("85" in level.parties, "billing_provider", "billing provider NM1*85"),)
        elif code == "22":
            required = (
                (level.sbr is not None, "sbr", "subscriber information SBR"),
                ("IL" in level.parties, "subscriber", "subscriber name NM1*IL"),
                ("PR" in level.parties, "payer", "payer name NM1*PR"),
            )
        else:
            required = (
                (level.pat is not None, "pat", "patient information PAT"),
                ("QC" in level.parties, "patient", "patient name NM1*QC"),
            )
        for present, rule, what in required:
            if not present:
                el.report(
                    f"837.{rule}_missing",
                    f"the required {what} is missing from HL {level.hl_id[:12]}",
                    segment,
                    SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
                )
        self.level = None

    def _level_segment(self, segment: Segment, sid: str) -> None:
        level = self.level
        if level is None:
            self.el.unexpected(segment, True)
            return
        if sid == "SBR" and level.code == "22":
            if level.sbr is not None:
                self._repeated(segment)
            level.sbr = segment
            self.el.text(segment, 1, required=True)
            self.el.code(segment, 9, ClaimFilingIndicator, required=True)
        elif sid == "PAT":
            if level.code == "23":
                if level.pat is not None:
                    self._repeated(segment)
                level.pat = segment
                code = self.el.text(segment, 1, required=True)
                if code and code not in _PATIENT_RELATIONSHIPS:
                    self.el.report(
                        "element.code",
                        f"PAT01 {code[:6]!r} is not an individual relationship code",
                        segment,
                        ElementSyntaxError.INVALID_CODE_VALUE,
                        1,
                    )
            elif self.institutional:
                self.el.unexpected(segment, True)
        else:
            self.el.unexpected(segment, True)

    def _repeated(self, segment: Segment) -> None:
        self.el.report(
            "segment.repeated",
            f"segment {segment.id} appears more than once in loop {self.loop}",
            segment,
            SegmentSyntaxError.SEGMENT_OVER_MAXIMUM_USE,
        )

    # -- names -----------------------------------------------------------------------------

    def _nm1(self, segment: Segment) -> None:
        entity = segment.get(1)
        loop = self.loop
        level = self.level
        party_loop = ""
        target: dict[str, _Party] | list[_Party] | None = None
        if self.claim is not None:
            if self.line is not None:
                party_loop = self.providers_2420.get(entity, "")
                target = self.line.providers
                self.adjudication = None
            elif self.other is not None:
                party_loop = OTHER_PAYER_PROVIDERS.get(entity, "")
                target = self.other.parties
            else:
                party_loop = self.providers_2310.get(entity, "")
                target = self.claim.providers
        elif level is not None:
            by_level = {
                "20": {"85": "2010AA", "87": "2010AB", "PE": "2010AC"},
                "22": {"IL": "2010BA", "PR": "2010BB"},
                "23": {"QC": "2010CA"},
            }[level.code]
            party_loop = by_level.get(entity, "")
            target = level.parties
        elif loop in ("HEADER", "1000A", "1000B") and not self.levels:
            party_loop = {"41": "1000A", "40": "1000B"}.get(entity, "")
            target = self.header_parties
        if not party_loop or target is None:
            self.el.report(
                "837.nm1_entity",
                f"NM1*{entity[:3]} is not expected in loop {loop}",
                segment,
                SegmentSyntaxError.UNEXPECTED_SEGMENT,
                1,
            )
            self.party = None
            return
        self._set_loop(party_loop)
        party = _Party(segment, party_loop)
        self.party = party
        self.el.text(segment, 2, required=True)
        self.parties.append(party)
        if isinstance(target, dict):
            if entity in target:
                self.el.report(
                    "837.loop_repeated",
                    f"loop {party_loop} (NM1*{entity}) appears more than once",
                    segment,
                    SegmentSyntaxError.LOOP_OVER_MAXIMUM,
                )
            else:
                target[entity] = party
        else:
            target.append(party)

    def _party_segment(self, segment: Segment, sid: str, party: _Party) -> None:
        el = self.el
        rank = _PARTY_ORDER.get(sid, 0)
        if rank < party.rank:
            el.report(
                "segment.order",
                f"segment {sid} comes after a segment it must precede in loop {party.loop}",
                segment,
                SegmentSyntaxError.NOT_IN_PROPER_SEQUENCE,
            )
        party.rank = max(rank, party.rank)
        if sid == "N3":
            party.has_street = True
            party.lines = [v for v in (segment.get(1), segment.get(2)) if v]
        elif sid == "N4":
            party.has_city = True
            party.city = el.text(segment, 1, required=True)
            party.state = segment.get(2)
            party.postal_code = segment.get(3)
        elif sid == "REF":
            party.references.append(Reference(el.text(segment, 1, True), segment.get(2)))
        elif sid == "PRV":
            party.taxonomy = segment.get(3)
        elif sid == "DMG":
            party.birth_date = el.date(segment, 2, required=True)
            sex = el.text(segment, 3, required=True)
            party.sex = _SEXES.get(sex)
            if sex and party.sex is None:
                el.report(
                    "element.code",
                    f"DMG03 {sex[:6]!r} is not F, M or U",
                    segment,
                    ElementSyntaxError.INVALID_CODE_VALUE,
                    3,
                )

    # -- claim -----------------------------------------------------------------------------

    def _clm(self, segment: Segment) -> None:
        self._close_claim()
        self.other = self.line = self.adjudication = None
        self.party = None
        level = self.level
        self._set_loop("2300")
        if level is None or level.code not in ("22", "23"):
            self.el.report(
                "837.claim_outside_subscriber",
                "CLM is not under a subscriber (HL*22) or patient (HL*23) level",
                segment,
                SegmentSyntaxError.UNEXPECTED_SEGMENT,
            )
            self.claim = None
            self._set_loop("2000")
            return
        level.claims += 1
        self.claim = _Claim(segment, level)

    def _claim_segment(self, segment: Segment, sid: str) -> None:
        claim = self.claim
        if claim is None:
            self.el.unexpected(segment, True)
            return
        el = self.el
        if sid == "DTP":
            if segment.get(1) == "435" and segment.get(2) == "DT":
                moment = self._date_time(segment)
                if moment is not None:
                    day, claim.admission_time = moment
                    claim.dates.append(Period("435", day, day))
                return
            period = self._period(segment)
            if period is not None:
                claim.dates.append(period)
        elif sid == "REF":
            claim.references.append(Reference(el.text(segment, 1, True), segment.get(2)))
        elif sid == "AMT":
            amount = el.money(segment, 2, required=True)
            if amount is not None:
                claim.amounts.append(QualifiedAmount(segment.get(1), amount))
        elif sid == "HI":
            self._hi(segment, claim)
        elif sid == "CL1":
            if claim.cl1 is not None:
                self._repeated(segment)
            claim.cl1 = segment

    def _date_time(self, segment: Segment) -> tuple[date, time] | None:
        """DTP03 in DT format: CCYYMMDDHHMM, a local time without a zone."""
        value = segment.get(3)
        day = parse_date(value[:8]) if len(value) == 12 else None
        clock = value[8:]
        if day is None or not (clock.isascii() and clock.isdigit()):
            day = None
        elif int(clock[:2]) < 24 and int(clock[2:]) < 60:
            return day, time(int(clock[:2]), int(clock[2:]))
        self.el.report(
            "element.date",
            f"DTP03 {value[:20]!r} is not a CCYYMMDDHHMM date and time",
            segment,
            ElementSyntaxError.INVALID_DATE,
            3,
        )
        return None

    def _hi(self, segment: Segment, claim: _Claim) -> None:
        el = self.el
        if claim.hi is None:
            claim.hi = segment
        count = len(segment)
        if count > _MAX_DIAGNOSES:
            el.report(
                "837.hi_elements",
                f"HI has {count} elements; at most {_MAX_DIAGNOSES}",
                segment,
                ElementSyntaxError.TOO_MANY_ELEMENTS,
                _MAX_DIAGNOSES + 1,
            )
        separator = el.component
        for index in range(1, min(count, _MAX_DIAGNOSES) + 1):
            value = segment.elements[index]
            if not value:
                continue
            parts = value.split(separator)
            qualifier = parts[0]
            code = parts[1] if len(parts) > 1 else ""
            if not code:
                el.report(
                    "element.required",
                    f"HI{index:02d}-2 code is missing after qualifier {qualifier[:6]!r}",
                    segment,
                    ElementSyntaxError.REQUIRED_ELEMENT_MISSING,
                    index,
                    component=2,
                )
                continue
            if not 1 <= len(qualifier) <= 3 or not qualifier.isalnum():
                el.report(
                    "element.code",
                    f"HI{index:02d}-1 {qualifier[:6]!r} is not a code list qualifier",
                    segment,
                    ElementSyntaxError.INVALID_CODE_VALUE,
                    index,
                    component=1,
                )
                continue
            if "." in code:
                el.report(
                    "837.diagnosis_dot",
                    f"HI{index:02d}-2 {code[:10]!r}: codes are sent without the decimal point",
                    segment,
                    ElementSyntaxError.INVALID_CHARACTER,
                    index,
                    component=2,
                )
            claim.health_codes.append(HealthCode(qualifier, code))

    def _other_payer(self, segment: Segment) -> None:
        claim = self.claim
        if claim is None or self.line is not None:
            self.el.unexpected(segment, True)
            return
        self.party = None
        self._set_loop("2320")
        self.other = _OtherPayer(segment)
        claim.other_payers.append(self.other)
        self.el.text(segment, 1, required=True)
        self.el.code(segment, 9, ClaimFilingIndicator)

    def _other_payer_segment(self, segment: Segment, sid: str) -> None:
        other = self.other
        if other is None:
            self.el.unexpected(segment, True)
            return
        if sid == "CAS":
            other.adjustments.extend(self._cas(segment))
        elif sid == "AMT":
            amount = self.el.money(segment, 2, required=True)
            if amount is not None:
                other.amounts.append(QualifiedAmount(segment.get(1), amount))

    def _cas(self, segment: Segment) -> list[Adjustment]:
        el = self.el
        group = _GROUPS.get(segment.get(1))
        if group is None:
            el.code(segment, 1, AdjustmentGroup, required=True)
            return []
        found: list[Adjustment] = []
        for start in _CAS_TRIPLETS:
            reason = segment.get(start)
            if not reason:
                if segment.get(start + 1):
                    el.text(segment, start, required=True)
                continue
            amount = el.money(segment, start + 1, required=True)
            if amount is None:
                continue
            found.append(Adjustment(group, reason, amount, el.decimal(segment, start + 2)))
        if not found and segment.get(2) == "":
            el.text(segment, 2, required=True)
        return found

    # -- lines -----------------------------------------------------------------------------

    def _lx(self, segment: Segment) -> None:
        claim = self.claim
        if claim is None:
            self.el.unexpected(segment, True)
            return
        self._close_line()
        self.other = self.adjudication = None
        self.party = None
        self._set_loop("2400")
        self.line = _Line(segment)
        claim.lines.append(self.line)
        number = self.el.text(segment, 1, required=True)
        if number and not (number.isascii() and number.isdigit()):
            self.el.report(
                "element.number",
                f"LX01 {number[:10]!r} is not a line number",
                segment,
                ElementSyntaxError.INVALID_CHARACTER,
                1,
            )

    def _line_segment(self, segment: Segment, sid: str) -> None:
        line = self.line
        if line is None:
            self.el.unexpected(segment, True)
            return
        el = self.el
        if sid in ("SV1", "SV2"):
            if sid != self.service_id:
                el.unexpected(segment, True)
            elif line.service is not None:
                self._repeated(segment)
            else:
                line.service = segment
        elif sid == "DTP":
            period = self._period(segment)
            if period is not None:
                line.dates.append(period)
        elif sid == "REF":
            line.references.append(Reference(el.text(segment, 1, True), segment.get(2)))
        elif sid == "AMT":
            amount = el.money(segment, 2, required=True)
            if amount is not None:
                line.amounts.append(QualifiedAmount(segment.get(1), amount))

    def _lin(self, segment: Segment, line: _Line) -> None:
        """Loop 2410 starts: the drug given on the line, once per line."""
        self._set_loop("2410")
        self.adjudication = self.party = None
        if line.drug is not None:
            self._repeated(segment)
            return
        line.drug = _Drug(segment)

    def _drug_segment(self, segment: Segment, sid: str) -> None:
        drug = self.line.drug if self.line is not None else None
        if drug is None:
            self.el.unexpected(segment, True)
        elif sid == "CTP":
            if drug.price is not None:
                self._repeated(segment)
            drug.price = segment
        elif drug.reference is not None:
            self._repeated(segment)
        else:
            drug.reference = Reference(self.el.text(segment, 1, True), segment.get(2))

    def _svd(self, segment: Segment) -> None:
        line = self.line
        if line is None:
            self.el.unexpected(segment, True)
            return
        self.party = None
        self._set_loop("2430")
        self.adjudication = _LineAdjudication(segment)
        line.adjudications.append(self.adjudication)

    def _adjudication_segment(self, segment: Segment, sid: str) -> None:
        adjudication = self.adjudication
        if adjudication is None:
            self.el.unexpected(segment, True)
            return
        if sid == "CAS":
            adjudication.adjustments.extend(self._cas(segment))
        elif sid == "DTP":
            if segment.get(1) == "573":
                adjudication.adjudicated_on = self.el.date(segment, 3, required=True)
        elif sid == "AMT":
            amount = self.el.money(segment, 2, required=True)
            if amount is not None:
                adjudication.amounts.append(QualifiedAmount(segment.get(1), amount))

    def _procedure(self, segment: Segment, index: int, required: bool) -> Procedure | None:
        value = segment.get(index)
        if not value:
            if required:
                self.el.text(segment, index, required=True)
            return None
        parts = value.split(self.el.component)
        code = parts[1] if len(parts) > 1 else ""
        if not code:
            self.el.report(
                "element.required",
                f"{segment.id}{index:02d}-2 procedure code is missing",
                segment,
                ElementSyntaxError.REQUIRED_ELEMENT_MISSING,
                index,
                component=2,
            )
            return None
        modifiers = tuple(m for m in parts[2:6] if m)
        description = parts[6] if len(parts) > 6 else ""
        return Procedure(parts[0], code, modifiers, description)

    def _pointers(self, segment: Segment, diagnoses: int) -> tuple[int, ...]:
        value = segment.get(7)
        if not value:
            self.el.text(segment, 7, required=True)
            return ()
        pointers: list[int] = []
        for position, part in enumerate(value.split(self.el.component)[:_MAX_POINTERS], 1):
            if not part:
                continue
            number = whole_number(part) or 0
            if not 1 <= number <= diagnoses:
                self.el.report(
                    "837.pointer",
                    f"SV107-{position} {part[:6]!r} does not point to one of the claim's "
                    f"{diagnoses} diagnoses",
                    segment,
                    ElementSyntaxError.INVALID_CODE_VALUE,
                    7,
                    component=position,
                )
                continue
            pointers.append(number)
        return tuple(pointers)

    def _close_line(self) -> None:
        line = self.line
        if line is None:
            return
        self.el.loop = "2400"
        if line.service is None:
            self.el.report(
                "837.service_missing",
                f"service line {line.segment.get(1)[:6]} has no {self.service_id}",
                line.segment,
                SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
            )
        elif not self.institutional and not any(d.qualifier == "472" for d in line.dates):
            self.el.report(
                "837.service_date_missing",
                f"service line {line.segment.get(1)[:6]} has no DTP*472 service date",
                line.segment,
                SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
            )
        self.line = None

    def _freeze_line(self, line: _Line, diagnoses: int) -> ServiceLine837:
        el = self.el
        el.loop = "2400"
        service = line.service
        procedure: Procedure | None = None
        revenue = ""
        charge: Money | None = None
        basis = place = ""
        units: Decimal | None = None
        pointers: tuple[int, ...] = ()
        if service is not None:
            if self.institutional:
                revenue = el.text(service, 1, required=True)
                procedure = self._procedure(service, 2, required=False)
                charge = el.money(service, 3, required=True)
                basis = el.text(service, 4, required=True)
                units = el.decimal(service, 5, required=True)
            else:
                procedure = self._procedure(service, 1, required=True)
                charge = el.money(service, 2, required=True)
                basis = el.text(service, 3, required=True)
                units = el.decimal(service, 4, required=True)
                place = service.get(5)
                pointers = self._pointers(service, diagnoses)
        number = line.segment.get(1)
        return ServiceLine837(
            position=line.segment.position,
            number=whole_number(number),
            procedure=procedure,
            revenue_code=revenue,
            charge=charge,
            unit_basis=basis,
            units=units,
            place_of_service=place,
            diagnosis_pointers=pointers,
            dates=tuple(line.dates),
            references=tuple(line.references),
            amounts=tuple(line.amounts),
            providers=tuple(self._freeze_party(p) for p in line.providers),
            adjudications=tuple(self._freeze_adjudication(a) for a in line.adjudications),
            drug=None if line.drug is None else self._freeze_drug(line.drug),
        )

    def _freeze_drug(self, drug: _Drug) -> DrugIdentification837:
        """LIN02 N4 with an 11-digit NDC (5-4-2), and its CTP quantity (both guides, 2410)."""
        el = self.el
        el.loop = "2410"
        lin = drug.segment
        qualifier = el.text(lin, 2, required=True)
        ndc = el.text(lin, 3, required=True)
        if qualifier and qualifier != "N4":
            el.report(
                "837.ndc_qualifier",
                f"LIN02 {qualifier[:4]!r} is not N4 (the NDC in 5-4-2 form)",
                lin,
                ElementSyntaxError.INVALID_CODE_VALUE,
                2,
            )
        elif ndc and not (len(ndc) == NDC_DIGITS and ndc.isascii() and ndc.isdigit()):
            el.report(
                "837.ndc",
                f"LIN03 {ndc[:20]!r} is not an 11-digit NDC",
                lin,
                ElementSyntaxError.INVALID_CODE_VALUE,
                3,
            )
        quantity: Decimal | None = None
        unit = ""
        price = drug.price
        if price is None:
            el.report(
                "837.ctp_missing",
                f"drug {ndc[:20]} (LIN) has no CTP with its quantity and unit",
                lin,
                SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
            )
        else:
            quantity = el.decimal(price, 4, required=True)
            unit = el.text(price, 5, required=True).split(el.component)[0]
        return DrugIdentification837(
            position=lin.position,
            qualifier=qualifier,
            ndc=ndc,
            quantity=quantity,
            unit=unit,
            reference=drug.reference,
        )

    def _freeze_adjudication(self, adjudication: _LineAdjudication) -> LineAdjudication837:
        el = self.el
        el.loop = "2430"
        svd = adjudication.segment
        return LineAdjudication837(
            position=svd.position,
            payer_id=el.text(svd, 1, required=True),
            paid=el.money(svd, 2, required=True),
            procedure=self._procedure(svd, 3, required=False),
            revenue_code=svd.get(4),
            paid_units=el.decimal(svd, 5, required=True),
            bundled_line=svd.get(6),
            adjustments=tuple(adjudication.adjustments),
            adjudicated_on=adjudication.adjudicated_on,
            amounts=tuple(adjudication.amounts),
        )

    # -- closing a claim -------------------------------------------------------------------

    def _close_claim(self) -> None:
        claim = self.claim
        if claim is None:
            return
        self._close_line()
        self.claim = None
        self.other = self.adjudication = None
        self.party = None
        el = self.el
        el.loop = "2300"
        segment = claim.segment
        e = segment.padded(9)
        claim_id = el.text(segment, 1, required=True)
        charge = el.money(segment, 2, required=True)
        place = el.text(segment, 5, required=True).split(el.component)
        place += [""] * (3 - len(place))
        if e[5] and (not place[0] or not place[2]):
            el.report(
                "element.required",
                "CLM05 needs the facility code (CLM05-1) and frequency code (CLM05-3)",
                segment,
                ElementSyntaxError.REQUIRED_ELEMENT_MISSING,
                5,
            )
        cl1 = claim.cl1
        institutional = (
            InstitutionalInfo(cl1.get(1), cl1.get(2), cl1.get(3)) if cl1 is not None else None
        )
        if claim.hi is None:
            el.report(
                "837.hi_missing",
                f"claim {claim_id[:38]} has no HI diagnosis segment",
                segment,
                SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
            )
        elif not any(c.qualifier in _PRINCIPAL for c in claim.health_codes):
            el.report(
                "837.principal_diagnosis_missing",
                f"claim {claim_id[:38]} has no principal diagnosis (HI ABK or BK)",
                claim.hi,
                SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                1,
            )
        if not claim.lines:
            el.report(
                "837.lines_missing",
                f"claim {claim_id[:38]} has no service line (loop 2400)",
                segment,
                SegmentSyntaxError.IMPLEMENTATION_LOOP_UNDER_MINIMUM,
            )
        diagnoses = sum(1 for c in claim.health_codes if c.qualifier in ("ABK", "ABF", "BK", "BF"))
        lines = tuple(self._freeze_line(line, diagnoses) for line in claim.lines)
        other_payers = tuple(self._freeze_other(other) for other in claim.other_payers)
        level = claim.level
        record = Claim837(
            position=segment.position,
            header=self._header(),
            billing=self._billing(level),
            subscriber=self._subscriber(level),
            patient=self._patient(level),
            claim_id=claim_id,
            total_charge=charge,
            facility_code=place[0],
            facility_qualifier=place[1],
            frequency_code=place[2],
            provider_signature=_flag(e[6]),
            assignment=e[7],
            benefits_assigned=_flag(e[8]),
            release_of_information=e[9],
            dates=tuple(claim.dates),
            admission_time=claim.admission_time,
            institutional=institutional,
            references=tuple(claim.references),
            amounts=tuple(claim.amounts),
            health_codes=tuple(claim.health_codes),
            providers=tuple(self._freeze_party(p) for p in claim.providers),
            other_payers=other_payers,
            lines=lines,
        )
        self._balance(record, segment)
        self.claims.append(record)

    def _balance(self, claim: Claim837, segment: Segment) -> None:
        """CLM02 against the lines, and each other payer's figures against CLM02."""
        charge = claim.total_charge
        charges = [line.charge for line in claim.lines]
        if charge is None or not charges or None in charges:
            return
        el = self.el
        el.loop = "2300"
        line_total = total(c for c in charges if c is not None)
        if line_total != charge:
            el.report(
                "837.balance.claim",
                f"CLM02 {charge} is not the sum of the line charges {line_total}",
                segment,
                None,
                2,
            )
        for other in claim.other_payers:
            paid = other.paid
            payer_id = other.payer_id
            line_adjusted: list[Money] = []
            for line in claim.lines:
                for adjudication in line.adjudications:
                    if adjudication.payer_id != payer_id:
                        continue
                    adjusted = total(a.amount for a in adjudication.adjustments)
                    line_adjusted.append(adjusted)
                    self._balance_line(line, adjudication, adjusted)
            if paid is None:
                continue
            adjusted = total(a.amount for a in other.adjustments) + total(line_adjusted)
            if charge - adjusted != paid:
                el.loop = "2320"
                el.report(
                    "837.balance.other_payer",
                    f"CLM02 {charge} minus the adjustments {adjusted} of payer "
                    f"{payer_id[:20]} is not its AMT*D paid amount {paid}",
                    _segment_at(self.transaction, other.position),
                    None,
                )

    def _balance_line(
        self, line: ServiceLine837, adjudication: LineAdjudication837, adjusted: Money
    ) -> None:
        if line.charge is None or adjudication.paid is None:
            return
        if line.charge - adjusted != adjudication.paid:
            self.el.loop = "2430"
            self.el.report(
                "837.balance.other_payer_line",
                f"line charge {line.charge} minus the adjustments {adjusted} is not the "
                f"SVD02 paid amount {adjudication.paid}",
                _segment_at(self.transaction, adjudication.position),
                None,
                2,
            )

    def _freeze_other(self, other: _OtherPayer) -> OtherPayer:
        sbr = other.segment
        subscriber = other.parties.get("IL")
        payer = other.parties.get("PR")
        return OtherPayer(
            position=sbr.position,
            responsibility=sbr.get(1),
            relationship_code=sbr.get(2),
            group_number=sbr.get(3),
            filing_indicator=_FILING.get(sbr.get(9)),
            adjustments=tuple(other.adjustments),
            amounts=tuple(other.amounts),
            subscriber=self._freeze_party(subscriber) if subscriber else None,
            payer=self._freeze_party(payer) if payer else None,
            adjudicated_on=other.adjudicated_on,
        )

    # -- freezing levels -------------------------------------------------------------------

    def _freeze_party(self, party: _Party) -> NamedParty:
        if party.frozen is not None:
            return party.frozen
        self.el.loop = party.loop
        address = None
        if party.lines or party.has_city:
            lines = [*party.lines, "", ""]
            address = Address(lines[0], party.city, party.state, party.postal_code, lines[1])
        party.frozen = NamedParty(
            position=party.segment.position,
            loop=party.loop,
            name=read_name(self.el, party.segment),
            address=address,
            taxonomy=party.taxonomy,
            references=tuple(party.references),
            birth_date=party.birth_date,
            sex=party.sex,
        )
        return party.frozen

    def _named(self, level: _Level, entity: str) -> NamedParty | None:
        party = level.parties.get(entity)
        return self._freeze_party(party) if party is not None else None

    def _billing(self, level: _Level) -> BillingLevel:
        top = level
        while top.parent is not None:
            top = top.parent
        if isinstance(top.frozen, BillingLevel):
            return top.frozen
        frozen = BillingLevel(
            position=top.segment.position,
            hl_id=top.hl_id if top.code == "20" else "",
            provider=self._named(top, "85") if top.code == "20" else None,
            pay_to=self._named(top, "87") if top.code == "20" else None,
            taxonomy=top.taxonomy,
        )
        top.frozen = frozen
        return frozen

    def _subscriber(self, level: _Level) -> SubscriberLevel:
        holder = level.parent if level.code == "23" and level.parent is not None else level
        if isinstance(holder.frozen, SubscriberLevel):
            return holder.frozen
        sbr = holder.sbr
        e = sbr.padded(9) if sbr is not None else [""] * 10
        frozen = SubscriberLevel(
            position=holder.segment.position,
            hl_id=holder.hl_id,
            responsibility=e[1],
            relationship=e[2],
            group_number=e[3],
            group_name=e[4],
            insurance_type=e[5],
            filing_indicator=_FILING.get(e[9]),
            subscriber=self._named(holder, "IL"),
            payer=self._named(holder, "PR"),
        )
        holder.frozen = frozen
        return frozen

    def _patient(self, level: _Level) -> PatientLevel | None:
        if level.code != "23":
            return None
        if isinstance(level.frozen, PatientLevel):
            return level.frozen
        frozen = PatientLevel(
            position=level.segment.position,
            hl_id=level.hl_id,
            relationship_code=level.pat.get(1) if level.pat is not None else "",
            patient=self._named(level, "QC"),
        )
        level.frozen = frozen
        return frozen

    # -- header ----------------------------------------------------------------------------

    def _check_header(self, st: Segment) -> None:
        el = self.el
        el.loop = None
        for present, rule, what in (
            (self.bht is not None, "bht", "beginning of hierarchical transaction BHT"),
            ("41" in self.header_parties, "submitter", "submitter name (loop 1000A NM1*41)"),
            ("40" in self.header_parties, "receiver", "receiver name (loop 1000B NM1*40)"),
            (bool(self.levels), "billing_provider_level", "billing provider level HL*20"),
        ):
            if not present:
                el.report(
                    f"837.{rule}_missing",
                    f"the required {what} is missing",
                    st,
                    SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
                )

    def _header(self) -> Header837:
        if self.header is not None:
            return self.header
        transaction = self.transaction
        bht = self.bht
        submitter = self.header_parties.get("41")
        receiver = self.header_parties.get("40")
        self.header = Header837(
            control_number=transaction.control_number,
            implementation=transaction.implementation,
            interchange_index=transaction.interchange_index,
            reference=bht.get(3) if bht is not None else "",
            created=parse_date(bht.get(4)) if bht is not None else None,
            submitter=self._freeze_party(submitter) if submitter else None,
            submitter_contact=_contact(self.contact, ""),
            submitter_phone=_contact(self.contact, "TE"),
            submitter_email=_contact(self.contact, "EM"),
            receiver=self._freeze_party(receiver) if receiver else None,
        )
        return self.header


def _segment_at(transaction: TransactionSet, position: int) -> Segment:
    """The segment at interchange ``position`` within ``transaction``."""
    first = transaction.segments[0].position
    return transaction.segments[position - first]


def _contact(per: Segment | None, qualifier: str) -> str:
    """PER02 name (``qualifier`` empty), or the number of PER03..PER08 with ``qualifier``."""
    if per is None:
        return ""
    if not qualifier:
        return per.get(2)
    return next((per.get(i + 1) for i in (3, 5, 7) if per.get(i) == qualifier), "")


def _flag(value: str) -> bool | None:
    return {"Y": True, "N": False}.get(value)
