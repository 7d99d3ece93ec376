"""Read the 271 eligibility, coverage or benefit information (005010X279A1) into typed records.

The 271 answers a 270 in the same HL hierarchy: information source (HL03 20, the payer),
information receiver (21, the provider), subscriber (22) and dependent (23). At each level an AAA
segment says the request could not be answered (reject reason and follow-up action). The member
levels carry the name, demographics and plan dates, then one EB loop (2110C/2110D) per benefit:
EB01 says what the benefit is (active coverage, co-payment, deductible...), EB02-EB12 for whom,
which service types, how much and whether it is in network; MSG lines carry free text (plan and
network tier names arrive only this way), and LS/LE wrap the 2120 related entities (primary care
provider, other payer).

On top of the records, :class:`MemberEligibility` answers the questions a biller asks: is the
coverage active on the date of service, and what copay, coinsurance, deductible and out-of-pocket
remain for a service type in or out of network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from claimdesk.domain.money import Money
from claimdesk.edi.x12.codes import ElementSyntaxError, SegmentSyntaxError
from claimdesk.edi.x12.composites import EntityName, Procedure, Reference, Trace
from claimdesk.edi.x12.envelope import Envelopes, TransactionSet
from claimdesk.edi.x12.errors import X12Finding, has_errors
from claimdesk.edi.x12.hierarchy import (
    LevelReader,
    Period,
    read_name,
    read_period,
    read_transaction_sets,
    require_bht,
)
from claimdesk.edi.x12.tokenizer import Segment

IMPLEMENTATION = "005010X279A1"
HEALTH_BENEFIT_PLAN_COVERAGE = "30"  # EB03 service type that stands for the whole plan
PROCEDURE_QUALIFIER = "HC"  # EB13-1: CPT or HCPCS procedure code

SOURCE, RECEIVER, SUBSCRIBER, DEPENDENT = "20", "21", "22", "23"

_KNOWN = frozenset(
    {
        *("ST", "BHT", "HL", "TRN", "NM1", "REF", "N3", "N4", "AAA", "PRV", "DMG", "INS", "HI"),
        *("DTP", "MPI", "EB", "HSD", "MSG", "III", "LS", "LE", "PER", "SE"),
    }
)


class BenefitCode(Enum):
    """EB01: eligibility or benefit information code."""

    ACTIVE = "1"
    ACTIVE_FULL_RISK_CAPITATION = "2"
    ACTIVE_SERVICES_CAPITATED = "3"
    ACTIVE_CAPITATED_TO_PRIMARY_CARE = "4"
    ACTIVE_PENDING_INVESTIGATION = "5"
    INACTIVE = "6"
    INACTIVE_PENDING_ELIGIBILITY_UPDATE = "7"
    INACTIVE_PENDING_INVESTIGATION = "8"
    COINSURANCE = "A"
    COPAYMENT = "B"
    DEDUCTIBLE = "C"
    COVERAGE_BASIS = "CB"
    BENEFIT_DESCRIPTION = "D"
    EXCLUSIONS = "E"
    LIMITATIONS = "F"
    OUT_OF_POCKET = "G"  # stop loss
    UNLIMITED = "H"
    NON_COVERED = "I"
    COST_CONTAINMENT = "J"
    RESERVE = "K"
    PRIMARY_CARE_PROVIDER = "L"
    PRE_EXISTING_CONDITION = "M"
    MANAGED_CARE_COORDINATOR = "MC"
    SERVICES_RESTRICTED_TO_PROVIDER = "N"
    NOT_MEDICALLY_NECESSARY = "O"
    BENEFIT_DISCLAIMER = "P"
    SECOND_SURGICAL_OPINION_REQUIRED = "Q"
    OTHER_PAYER = "R"
    PRIOR_YEAR_HISTORY = "S"
    CARD_LOST_OR_STOLEN = "T"
    CONTACT_ENTITY = "U"
    CANNOT_PROCESS = "V"
    OTHER_SOURCE_OF_DATA = "W"
    HEALTH_CARE_FACILITY = "X"
    SPEND_DOWN = "Y"

    @property
    def is_active(self) -> bool:
        return self in _ACTIVE

    @property
    def is_inactive(self) -> bool:
        return self in _INACTIVE


_ACTIVE = frozenset(
    {
        BenefitCode.ACTIVE,
        BenefitCode.ACTIVE_FULL_RISK_CAPITATION,
        BenefitCode.ACTIVE_SERVICES_CAPITATED,
        BenefitCode.ACTIVE_CAPITATED_TO_PRIMARY_CARE,
        BenefitCode.ACTIVE_PENDING_INVESTIGATION,
    }
)
_INACTIVE = frozenset(
    {
        BenefitCode.INACTIVE,
        BenefitCode.INACTIVE_PENDING_ELIGIBILITY_UPDATE,
        BenefitCode.INACTIVE_PENDING_INVESTIGATION,
    }
)


class CoverageLevel(Enum):
    """EB02: who the benefit covers."""

    CHILDREN_ONLY = "CHD"
    DEPENDENTS_ONLY = "DEP"
    EMPLOYEE_AND_CHILDREN = "ECH"
    EMPLOYEE_ONLY = "EMP"
    EMPLOYEE_AND_SPOUSE = "ESP"
    FAMILY = "FAM"
    INDIVIDUAL = "IND"
    SPOUSE_AND_CHILDREN = "SPC"
    SPOUSE_ONLY = "SPO"


class TimePeriod(Enum):
    """EB06: the period the amount applies to."""

    HOUR = "6"
    DAY = "7"
    TWENTY_FOUR_HOURS = "13"
    YEARS = "21"
    SERVICE_YEAR = "22"
    CALENDAR_YEAR = "23"
    YEAR_TO_DATE = "24"
    CONTRACT = "25"
    EPISODE = "26"
    VISIT = "27"
    OUTLIER = "28"
    REMAINING = "29"
    EXCEEDED = "30"
    NOT_EXCEEDED = "31"
    LIFETIME = "32"
    LIFETIME_REMAINING = "33"
    MONTH = "34"
    WEEK = "35"
    ADMISSION = "36"


class PlanNetwork(Enum):
    """EB12: in-plan-network indicator."""

    IN_NETWORK = "Y"
    OUT_OF_NETWORK = "N"
    NOT_APPLICABLE = "W"  # the benefit is the same in and out of network


class FollowUpAction(Enum):
    """AAA04: what the requester should do after a rejection."""

    CORRECT_AND_RESUBMIT = "C"
    RESUBMISSION_NOT_ALLOWED = "N"
    RESUBMIT_ORIGINAL = "P"
    RESUBMISSION_ALLOWED = "R"
    DO_NOT_RESUBMIT_INQUIRY_INITIATED = "S"
    WAIT_30_DAYS = "W"
    WAIT_10_DAYS = "X"
    DO_NOT_RESUBMIT_WILL_RESPOND = "Y"


class YesNo(Enum):
    """EB11 authorization or certification indicator; AAA01 valid request indicator."""

    YES = "Y"
    NO = "N"
    UNKNOWN = "U"


# Amounts for a whole period (not what is left of it): the "total" deductible or out-of-pocket.
_TOTAL_PERIODS = frozenset(
    {
        None,
        TimePeriod.YEARS,
        TimePeriod.SERVICE_YEAR,
        TimePeriod.CALENDAR_YEAR,
        TimePeriod.CONTRACT,
        TimePeriod.EPISODE,
        TimePeriod.LIFETIME,
    }
)
_REMAINING_PERIODS = frozenset({TimePeriod.REMAINING, TimePeriod.LIFETIME_REMAINING})
# DTP qualifiers that bound coverage: plan (291), eligibility (307), benefit (292), plan and
# eligibility begin (346, 356) and end (347, 357). A single D8 date of a range qualifier is the
# day coverage starts.
_RANGE_DATES = frozenset({"291", "292", "307"})
_BEGIN_DATES = frozenset({"346", "356"})
_END_DATES = frozenset({"347", "357"})


@dataclass(frozen=True, slots=True)
class RequestRejection:
    """AAA: the payer could not answer (part of) the request."""

    position: int
    loop: str  # where the AAA sits, e.g. 2100C subscriber, 2110C benefit
    valid_request: bool | None  # AAA01
    reason: str  # AAA03 reject reason code, e.g. 72 invalid member id, 75 not found
    follow_up: FollowUpAction | None  # AAA04


@dataclass(frozen=True, slots=True)
class RelatedEntity:
    """Loop 2120 (inside LS/LE): a provider, payer or employer the benefit refers to."""

    name: EntityName
    address_lines: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    postal_code: str = ""
    contacts: tuple[str, ...] = ()  # PER communication numbers


@dataclass(frozen=True, slots=True)
class Benefit:
    """Loop 2110C/2110D: one EB segment and what follows it."""

    position: int
    code: BenefitCode | None  # EB01; None when the code is not valid
    coverage_level: CoverageLevel | None  # EB02
    service_types: tuple[str, ...]  # EB03, repetition-separated
    insurance_type: str  # EB04, e.g. MA Medicare Part A, HM HMO
    plan_description: str  # EB05
    time_period: TimePeriod | None  # EB06
    amount: Money | None  # EB07
    percent: Decimal | None  # EB08: a fraction, .2 is 20 percent
    quantity_qualifier: str  # EB09
    quantity: Decimal | None  # EB10
    authorization_required: bool | None  # EB11: Y/N, None when absent or U
    network: PlanNetwork | None  # EB12
    procedure: Procedure | None  # EB13
    dates: tuple[Period, ...] = ()
    messages: tuple[str, ...] = ()  # MSG01
    references: tuple[Reference, ...] = ()
    rejections: tuple[RequestRejection, ...] = ()
    related_entities: tuple[RelatedEntity, ...] = ()

    def applies_to(self, service_type: str) -> bool:
        return service_type in self.service_types

    def in_network(self, network: PlanNetwork) -> bool:
        """No indicator, or W, means the benefit holds in and out of network."""
        return self.network in (None, PlanNetwork.NOT_APPLICABLE, network)


@dataclass(frozen=True, slots=True)
class CostShare:
    """What a patient pays for one service type in or out of network, as the 271 tells it."""

    service_type: str
    network: PlanNetwork
    copay: Money | None
    coinsurance: Decimal | None  # a fraction, .2 is 20 percent
    deductible: Money | None
    deductible_remaining: Money | None
    out_of_pocket: Money | None
    out_of_pocket_remaining: Money | None
    authorization_required: bool | None
    messages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MemberEligibility:
    """Loop 2000C (subscriber) or 2000D (dependent): the answer about one person."""

    position: int  # of the HL
    level: str  # HL03: 22 subscriber, 23 dependent
    traces: tuple[Trace, ...]
    name: EntityName | None
    subscriber: EntityName | None  # for a dependent, the 2100C subscriber
    payer: EntityName | None  # 2100A
    receiver: EntityName | None  # 2100B
    references: tuple[Reference, ...]
    address_lines: tuple[str, ...]
    city: str
    state: str
    postal_code: str
    birth_date: date | None  # DMG02
    sex: str  # DMG03
    dates: tuple[Period, ...]
    rejections: tuple[RequestRejection, ...]  # this level's and its ancestors'
    benefits: tuple[Benefit, ...]
    has_dependents: bool = False  # a subscriber level with dependent levels under it

    @property
    def is_patient(self) -> bool:
        """The level the answer is about: a dependent, or a subscriber with no dependents."""
        return not self.has_dependents

    @property
    def is_dependent(self) -> bool:
        return self.level == DEPENDENT

    @property
    def member_id(self) -> str | None:
        for name in (self.name, self.subscriber):
            if name is not None and name.id:
                return name.id
        return None

    @property
    def request_trace(self) -> str | None:
        """TRN*2: the trace number of the 270 this answers."""
        return next((t.number for t in self.traces if t.type_code == "2"), None)

    @property
    def rejected(self) -> bool:
        return bool(self.rejections)

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(m for b in self.benefits for m in b.messages)

    @property
    def plan_description(self) -> str | None:
        """EB05 of the first active-coverage benefit (the plan name)."""
        return next(
            (
                b.plan_description
                for b in self.benefits
                if b.code is not None and b.code.is_active and b.plan_description
            ),
            None,
        )

    def is_active(self, on: date | None = None) -> bool | None:
        """Active coverage (EB01 1-5) on ``on``; None when the 271 gives no coverage status."""
        statuses = [b for b in self.benefits if b.code is not None and b.code.is_active]
        inactive = [b for b in self.benefits if b.code is not None and b.code.is_inactive]
        if not statuses and not inactive:
            return None
        if on is None:
            return bool(statuses)
        if not _within(self.dates, on):
            return False
        return any(_within(b.dates, on) for b in statuses)

    def benefits_for(
        self, code: BenefitCode, service_type: str, network: PlanNetwork
    ) -> list[Benefit]:
        """Benefits of ``code`` for the service type, in or out of network, most specific first.

        A benefit for the service type itself comes before one for the whole plan (30), and an
        individual's before a family's.
        """
        matches = [
            b
            for b in self.benefits
            if b.code is code
            and b.in_network(network)
            and (b.applies_to(service_type) or b.applies_to(HEALTH_BENEFIT_PLAN_COVERAGE))
        ]
        return sorted(
            matches,
            key=lambda b: (
                not b.applies_to(service_type),
                b.coverage_level not in (None, CoverageLevel.INDIVIDUAL),
                b.network is not network,
            ),
        )

    def cost_share(
        self,
        service_type: str = HEALTH_BENEFIT_PLAN_COVERAGE,
        network: PlanNetwork = PlanNetwork.IN_NETWORK,
    ) -> CostShare:
        copays = self.benefits_for(BenefitCode.COPAYMENT, service_type, network)
        coinsurance = self.benefits_for(BenefitCode.COINSURANCE, service_type, network)
        deductibles = self.benefits_for(BenefitCode.DEDUCTIBLE, service_type, network)
        out_of_pocket = self.benefits_for(BenefitCode.OUT_OF_POCKET, service_type, network)
        used = copays + coinsurance + deductibles + out_of_pocket
        return CostShare(
            service_type=service_type,
            network=network,
            copay=_first_amount(copays, None),
            coinsurance=next((b.percent for b in coinsurance if b.percent is not None), None),
            deductible=_first_amount(deductibles, _TOTAL_PERIODS),
            deductible_remaining=_first_amount(deductibles, _REMAINING_PERIODS),
            out_of_pocket=_first_amount(out_of_pocket, _TOTAL_PERIODS),
            out_of_pocket_remaining=_first_amount(out_of_pocket, _REMAINING_PERIODS),
            authorization_required=self.authorization_required(service_type, network),
            messages=tuple(dict.fromkeys(m for b in used for m in b.messages)),
        )

    def authorization_required(
        self,
        service_type: str = HEALTH_BENEFIT_PLAN_COVERAGE,
        network: PlanNetwork = PlanNetwork.IN_NETWORK,
    ) -> bool | None:
        """EB11 of the benefits for the service type: True when any says Y, False when one says
        N and none Y, None when no benefit says. A benefit naming a procedure (EB13) speaks
        for that procedure only, not the service type: see ``authorization_codes``."""
        flags = [
            b.authorization_required
            for b in self.benefits
            if b.authorization_required is not None
            and b.procedure is None
            and b.in_network(network)
            and (b.applies_to(service_type) or b.applies_to(HEALTH_BENEFIT_PLAN_COVERAGE))
        ]
        if not flags:
            return None
        return any(flags)

    def authorization_codes(self) -> frozenset[str]:
        """The CPT/HCPCS codes (EB13 qualifier HC) whose benefit says EB11 = Y."""
        return frozenset(
            b.procedure.code
            for b in self.benefits
            if b.authorization_required
            and b.procedure is not None
            and b.procedure.qualifier == PROCEDURE_QUALIFIER
        )


def _first_amount(
    benefits: list[Benefit], periods: frozenset[TimePeriod | None] | None
) -> Money | None:
    return next(
        (
            b.amount
            for b in benefits
            if b.amount is not None and (periods is None or b.time_period in periods)
        ),
        None,
    )


def _within(dates: tuple[Period, ...], day: date) -> bool:
    """True unless a coverage date of ``dates`` puts ``day`` outside the covered time."""
    for period in dates:
        qualifier = period.qualifier
        if qualifier in _RANGE_DATES:
            single = period.start == period.end
            if day < period.start or (not single and day > period.end):
                return False
        elif (qualifier in _BEGIN_DATES and day < period.start) or (
            qualifier in _END_DATES and day > period.end
        ):
            return False
    return True


@dataclass(frozen=True, slots=True)
class EligibilityResponse:
    """One 271 transaction set (ST..SE)."""

    control_number: str  # ST02
    implementation: str
    interchange_index: int
    reference: str  # BHT03: the 270's BHT03 echoed
    created: date | None  # BHT04
    payers: tuple[EntityName, ...]
    rejections: tuple[RequestRejection, ...]  # at the source (2000A/2100A) and receiver levels
    members: tuple[MemberEligibility, ...]
    findings: tuple[X12Finding, ...]

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)

    @property
    def patients(self) -> tuple[MemberEligibility, ...]:
        return tuple(m for m in self.members if m.is_patient)


@dataclass(frozen=True, slots=True)
class EligibilityFile:
    responses: tuple[EligibilityResponse, ...]
    findings: tuple[X12Finding, ...]
    envelopes: Envelopes

    @property
    def members(self) -> tuple[MemberEligibility, ...]:
        return tuple(m for r in self.responses for m in r.members)

    @property
    def patients(self) -> tuple[MemberEligibility, ...]:
        """The members the answers are about (subscribers of dependents left out)."""
        return tuple(m for r in self.responses for m in r.patients)


def read_271(text: str) -> EligibilityFile:
    """Read every 271 in ``text``; raises X12Error only on non-X12 input."""
    envelopes, responses, findings = read_transaction_sets(text, "271", read_271_transaction)
    return EligibilityFile(responses, findings, envelopes)


def read_271_transaction(transaction: TransactionSet) -> EligibilityResponse:
    return _Reader(transaction).read()


@dataclass
class _Related:
    name: EntityName
    address_lines: list[str] = field(default_factory=list)
    city: str = ""
    state: str = ""
    postal_code: str = ""
    contacts: list[str] = field(default_factory=list)

    def freeze(self) -> RelatedEntity:
        return RelatedEntity(
            self.name,
            tuple(self.address_lines),
            self.city,
            self.state,
            self.postal_code,
            tuple(self.contacts),
        )


@dataclass
class _Benefit:
    segment: Segment
    dates: list[Period] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    rejections: list[RequestRejection] = field(default_factory=list)
    related: list[_Related] = field(default_factory=list)
    in_related: bool = False  # between LS and LE


@dataclass
class _Level:
    segment: Segment
    number: str
    level: str
    traces: list[Trace] = field(default_factory=list)
    name: EntityName | None = None
    references: list[Reference] = field(default_factory=list)
    address_lines: list[str] = field(default_factory=list)
    city: str = ""
    state: str = ""
    postal_code: str = ""
    birth_date: date | None = None
    sex: str = ""
    dates: list[Period] = field(default_factory=list)
    rejections: list[RequestRejection] = field(default_factory=list)
    benefits: list[Benefit] = field(default_factory=list)


_LOOPS = {SOURCE: "A", RECEIVER: "B", SUBSCRIBER: "C", DEPENDENT: "D"}


class _Reader(LevelReader[_Level]):
    def __init__(self, transaction: TransactionSet) -> None:
        super().__init__(transaction)
        self.repetition = transaction.delimiters.repetition

    def read(self) -> EligibilityResponse:
        el = self.el
        bht: Segment | None = None
        level: _Level | None = None
        benefit: _Benefit | None = None
        for segment, sid in self.body():
            if sid == "BHT" and bht is None and level is None:
                bht = segment
            elif sid == "HL":
                self._close_benefit(level, benefit)
                benefit = None
                level = self._open_level(segment)
            elif level is None:
                el.unexpected(segment, sid in _KNOWN)
            elif sid == "EB" and level.level in (SUBSCRIBER, DEPENDENT):
                self._close_benefit(level, benefit)
                el.loop = f"2110{_LOOPS[level.level]}"
                benefit = _Benefit(segment)
            elif benefit is not None:
                if not self._benefit_segment(segment, benefit, level):
                    el.unexpected(segment, sid in _KNOWN)
            elif not self._level_segment(segment, level):
                el.unexpected(segment, sid in _KNOWN)
        self._close_benefit(level, benefit)
        first = self.transaction.segments[0]
        require_bht(el, bht, first, "271")
        members = [self._member(lv) for lv in self.ordered if lv.level in (SUBSCRIBER, DEPENDENT)]
        if not any(lv.level == SOURCE for lv in self.ordered):
            el.loop = None
            el.report(
                "271.level_20_missing",
                "the required information source level (HL03 20) is missing",
                first,
                SegmentSyntaxError.IMPLEMENTATION_LOOP_UNDER_MINIMUM,
            )
        return EligibilityResponse(
            control_number=self.transaction.control_number,
            implementation=self.transaction.implementation,
            interchange_index=self.transaction.interchange_index,
            reference=bht.get(3) if bht else "",
            created=el.date(bht, 4) if bht else None,
            payers=tuple(
                lv.name for lv in self.ordered if lv.level == SOURCE and lv.name is not None
            ),
            rejections=tuple(
                r for lv in self.ordered if lv.level in (SOURCE, RECEIVER) for r in lv.rejections
            ),
            members=tuple(members),
            findings=tuple(el.findings),
        )

    def _open_level(self, segment: Segment) -> _Level:
        code = self.hierarchy.open(segment)
        suffix = _LOOPS.get(code)
        self.el.loop = f"2000{suffix}" if suffix else None
        if suffix is None:
            self.el.report(
                "271.hl_level",
                f"HL03 {code[:6]!r} is not a 271 level (20, 21, 22 or 23)",
                segment,
                SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                3,
            )
        level = _Level(segment, segment.get(1), code)
        self.levels[level.number] = level
        self.ordered.append(level)
        return level

    def _level_segment(self, segment: Segment, level: _Level) -> bool:
        el = self.el
        sid = segment.elements[0]
        suffix = _LOOPS.get(level.level, "")
        if sid == "NM1":
            el.loop = f"2100{suffix}"
            if level.name is None:
                level.name = read_name(el, segment)
        elif sid == "AAA":
            level.rejections.append(self._rejection(segment))
        elif sid in ("PER", "PRV"):
            return True  # contacts and provider taxonomy: informational
        elif level.level == SOURCE:
            return False
        elif sid == "REF":
            level.references.append(Reference(segment.get(1), el.text(segment, 2, required=True)))
        elif sid == "N3":
            level.address_lines.extend(x for x in (segment.get(1), segment.get(2)) if x)
        elif sid == "N4":
            level.city, level.state, level.postal_code = (
                segment.get(1),
                segment.get(2),
                segment.get(3),
            )
        elif level.level == RECEIVER:
            return False
        elif sid == "TRN":
            level.traces.append(
                Trace(
                    segment.get(1),
                    el.text(segment, 2, required=True),
                    segment.get(3),
                    segment.get(4),
                )
            )
        elif sid == "DMG":
            level.birth_date = el.date(segment, 2)
            level.sex = segment.get(3)
        elif sid == "DTP":
            period = read_period(el, segment)
            if period is not None:
                level.dates.append(period)
        else:
            # INS (relationship), HI (diagnosis), MPI (military): not used here.
            return sid in ("INS", "HI", "MPI")
        return True

    def _benefit_segment(self, segment: Segment, benefit: _Benefit, level: _Level) -> bool:
        el = self.el
        sid = segment.elements[0]
        if benefit.in_related:
            if sid == "LE":
                benefit.in_related = False
                el.loop = f"2110{_LOOPS[level.level]}"
            elif sid == "NM1":
                benefit.related.append(_Related(read_name(el, segment)))
            elif not benefit.related:
                return False
            elif sid == "N3":
                benefit.related[-1].address_lines.extend(
                    x for x in (segment.get(1), segment.get(2)) if x
                )
            elif sid == "N4":
                related = benefit.related[-1]
                related.city, related.state, related.postal_code = (
                    segment.get(1),
                    segment.get(2),
                    segment.get(3),
                )
            elif sid == "PER":
                benefit.related[-1].contacts.extend(
                    segment.get(i) for i in (4, 6, 8) if segment.get(i)
                )
            else:
                return sid == "PRV"
            return True
        if sid == "MSG":
            benefit.messages.append(el.text(segment, 1, required=True))
        elif sid == "DTP":
            period = read_period(el, segment)
            if period is not None:
                benefit.dates.append(period)
        elif sid == "REF":
            benefit.references.append(Reference(segment.get(1), el.text(segment, 2, required=True)))
        elif sid == "AAA":
            benefit.rejections.append(self._rejection(segment))
        elif sid == "LS":
            benefit.in_related = True
            el.loop = f"2120{_LOOPS[level.level]}"
        else:
            # HSD (delivery pattern) and III (place of service) refine the benefit.
            return sid in ("HSD", "III")
        return True

    def _rejection(self, segment: Segment) -> RequestRejection:
        el = self.el
        valid = el.code(segment, 1, YesNo, required=True)
        return RequestRejection(
            position=segment.position,
            loop=el.loop or "",
            valid_request=None if valid is None else valid is YesNo.YES,
            reason=el.text(segment, 3, required=True),
            follow_up=el.code(segment, 4, FollowUpAction),
        )

    def _close_benefit(self, level: _Level | None, benefit: _Benefit | None) -> None:
        if level is None or benefit is None:
            return
        el = self.el
        el.loop = f"2110{_LOOPS[level.level]}"
        segment = benefit.segment
        if benefit.in_related:
            el.report(
                "271.le_missing",
                "LS opens a related entity loop that no LE closes",
                segment,
                SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
            )
        types = segment.get(3)
        service_types = tuple(
            t for t in (types.split(self.repetition) if self.repetition else [types]) if t
        )
        authorization = el.code(segment, 11, YesNo)
        level.benefits.append(
            Benefit(
                position=segment.position,
                code=el.code(segment, 1, BenefitCode, required=True),
                coverage_level=el.code(segment, 2, CoverageLevel),
                service_types=service_types,
                insurance_type=segment.get(4),
                plan_description=segment.get(5),
                time_period=el.code(segment, 6, TimePeriod),
                amount=el.money(segment, 7),
                percent=self._percent(segment),
                quantity_qualifier=segment.get(9),
                quantity=el.decimal(segment, 10),
                authorization_required=(
                    None if authorization in (None, YesNo.UNKNOWN) else authorization is YesNo.YES
                ),
                network=el.code(segment, 12, PlanNetwork),
                procedure=self._procedure(segment),
                dates=tuple(benefit.dates),
                messages=tuple(benefit.messages),
                references=tuple(benefit.references),
                rejections=tuple(benefit.rejections),
                related_entities=tuple(r.freeze() for r in benefit.related),
            )
        )

    def _percent(self, segment: Segment) -> Decimal | None:
        percent = self.el.decimal(segment, 8)
        if percent is not None and not Decimal(0) <= percent <= Decimal(1):
            self.el.report(
                "271.percent",
                f"EB08 {segment.get(8)[:12]!r} is not a fraction from 0 to 1",
                segment,
                ElementSyntaxError.INVALID_CHARACTER,
                8,
            )
            return None
        return percent

    def _procedure(self, segment: Segment) -> Procedure | None:
        parts = self.el.components(segment, 13)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            return None
        return Procedure(parts[0], parts[1], tuple(m for m in parts[2:6] if m))

    def _member(self, level: _Level) -> MemberEligibility:
        inherited: list[RequestRejection] = []
        subscriber = payer = receiver = None
        for number in self.hierarchy.ancestors(level.number):
            ancestor = self.levels.get(number)
            if ancestor is None:
                continue
            inherited.extend(ancestor.rejections)
            if ancestor.level == SUBSCRIBER and subscriber is None:
                subscriber = ancestor.name
            elif ancestor.level == RECEIVER and receiver is None:
                receiver = ancestor.name
            elif ancestor.level == SOURCE and payer is None:
                payer = ancestor.name
        return MemberEligibility(
            position=level.segment.position,
            level=level.level,
            traces=tuple(level.traces),
            name=level.name,
            subscriber=subscriber,
            payer=payer,
            receiver=receiver,
            references=tuple(level.references),
            address_lines=tuple(level.address_lines),
            city=level.city,
            state=level.state,
            postal_code=level.postal_code,
            birth_date=level.birth_date,
            sex=level.sex,
            dates=tuple(level.dates),
            rejections=tuple(level.rejections) + tuple(inherited),
            benefits=tuple(level.benefits),
            has_dependents=level.level == SUBSCRIBER
            and any(
                self.hierarchy.parents.get(other.number) == level.number
                for other in self.ordered
                if other.level == DEPENDENT
            ),
        )
