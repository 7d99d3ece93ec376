"""Write the 271 eligibility, coverage or benefit information (005010X279A1).

The payer simulator answers each 270 request in the hierarchy of the request: payer (HL 20),
provider (HL 21), subscriber (HL 22) and, when the patient is a dependent, the dependent
(HL 23). The patient's level echoes the request's trace number (TRN*2), names the member, and
either rejects the request (AAA with reason and follow-up action) or lists the benefits (EB), each
with its dates, MSG free text (plan and network tier names) and an optional related entity
(LS/NM1/LE).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from claimdesk.domain.coverage import Relationship
from claimdesk.domain.money import Money
from claimdesk.edi.x12.composites import EntityName, Procedure
from claimdesk.edi.x12.delimiters import DEFAULT_DELIMITERS, Delimiters
from claimdesk.edi.x12.hierarchy import Period
from claimdesk.edi.x12.hierarchy_write import (
    ELIGIBILITY_NAMES,
    begin_hierarchy,
    payer_and_provider_levels,
    subscriber_levels,
)
from claimdesk.edi.x12.writer import (
    Envelope,
    SegmentWriter,
    TransactionSet,
    X12WriteError,
    date8,
    date_range,
    decimal,
    money,
    write_interchange,
)
from claimdesk.edi.x270.write import EligibilityRequest
from claimdesk.edi.x271.read import (
    HEALTH_BENEFIT_PLAN_COVERAGE,
    IMPLEMENTATION,
    BenefitCode,
    CoverageLevel,
    FollowUpAction,
    PlanNetwork,
    TimePeriod,
)


@dataclass(frozen=True, slots=True)
class BenefitAnswer:
    """One EB loop: what the plan covers or what the patient pays."""

    code: BenefitCode  # EB01
    service_types: tuple[str, ...] = (HEALTH_BENEFIT_PLAN_COVERAGE,)  # EB03
    coverage_level: CoverageLevel | None = None  # EB02
    insurance_type: str = ""  # EB04
    plan_description: str = ""  # EB05
    time_period: TimePeriod | None = None  # EB06
    amount: Money | None = None  # EB07
    percent: Decimal | None = None  # EB08: a fraction, .2 is 20 percent
    authorization_required: bool | None = None  # EB11
    network: PlanNetwork | None = None  # EB12
    procedure: Procedure | None = None  # EB13: the one procedure the benefit is about
    dates: tuple[Period, ...] = ()  # DTP in loop 2110
    messages: tuple[str, ...] = ()  # MSG: plan and network tier text
    related_entity: EntityName | None = None  # loop 2120 inside LS/LE


@dataclass(frozen=True, slots=True)
class Rejection:
    """AAA at the patient's level: the request cannot be answered."""

    reason: str  # AAA03, e.g. 72 invalid member id, 75 subscriber not found
    follow_up: FollowUpAction  # AAA04


@dataclass(frozen=True, slots=True)
class EligibilityAnswer:
    """The payer's answer to one 270 request: a rejection, or benefits (which say active or not)."""

    request: EligibilityRequest
    benefits: tuple[BenefitAnswer, ...] = ()
    rejection: Rejection | None = None
    plan_begin: date | None = None  # DTP*346
    plan_end: date | None = None  # DTP*347
    payer_trace_number: str = ""  # TRN*1: the payer's own trace for this answer

    @property
    def record(self) -> str:
        return self.request.record


def write_271(
    answers: Sequence[EligibilityAnswer],
    envelope: Envelope,
    *,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    line_breaks: bool = False,
) -> str:
    """One interchange holding one 271 with every answer, grouped by payer and provider."""
    if not answers:
        raise X12WriteError("batch", "answers", "there are no eligibility answers to write")
    w = SegmentWriter(delimiters)
    # BHT02 11: response.
    begin_hierarchy(w, envelope, "0022", "11")
    payer_and_provider_levels(
        w,
        answers,
        lambda answer: answer.request.payer,
        lambda answer: answer.request.provider,
        lambda answer: answer.record,
        _subscriber,
    )
    return write_interchange(
        envelope,
        functional_id="HB",
        transaction_set_id="271",
        version=IMPLEMENTATION,
        transactions=[TransactionSet(w.segments)],
        delimiters=delimiters,
        line_breaks=line_breaks,
    )


def _subscriber(w: SegmentWriter, answer: EligibilityAnswer, hl: int, parent: str) -> int:
    """Loops 2000C/2100C (and 2000D/2100D for a dependent); returns the last HL id used."""
    request = answer.request
    record = answer.record
    coverage = request.coverage
    patient = request.patient
    dependent = coverage.relationship is not Relationship.SELF
    if answer.rejection is None and not answer.benefits:
        raise X12WriteError(record, "EB", "an answer needs benefits or a rejection")
    traces = partial(_traces, w, answer)
    hl = subscriber_levels(
        w, coverage, patient, dependent, hl, parent, record, ELIGIBILITY_NAMES, traces
    )
    if answer.rejection is not None:
        # AAA01 N: the request is not valid as sent.
        w.add(
            "AAA",
            "N",
            "",
            w.identifier(answer.rejection.reason, 2, record, "AAA03 reject reason", 2),
            answer.rejection.follow_up.value,
        )
    w.add("DMG", "D8", date8(patient.birth_date), patient.sex.value)
    for qualifier, day in (("346", answer.plan_begin), ("347", answer.plan_end)):
        if day is not None:
            w.add("DTP", qualifier, "D8", date8(day))
    if answer.rejection is None:
        for benefit in answer.benefits:
            _benefit(w, benefit, record)
    return hl


def _traces(w: SegmentWriter, answer: EligibilityAnswer) -> None:
    request = answer.request
    record = answer.record
    tax_id = request.provider.tax_id.strip().replace("-", "")
    if len(tax_id) != 9 or not tax_id.isdigit():
        raise X12WriteError(record, "TRN03 originator", "needs the provider's nine-digit EIN")
    # TRN*2 echoes the request's trace (TRN01 1 in the 270) with its originator.
    w.add(
        "TRN",
        "2",
        w.identifier(request.trace_number, 50, record, "TRN02 trace number"),
        "1" + tax_id,
    )
    if answer.payer_trace_number:
        w.add(
            "TRN",
            "1",
            w.identifier(answer.payer_trace_number, 50, record, "TRN02 payer trace"),
            "9" + tax_id,
        )


def _procedure(w: SegmentWriter, procedure: Procedure | None, record: str) -> str:
    """EB13 composite: qualifier (HC for CPT/HCPCS), code and up to four modifiers."""
    if procedure is None:
        return ""
    return w.composite(
        w.identifier(procedure.qualifier, 2, record, "EB13-1 procedure qualifier", 2),
        w.identifier(procedure.code, 48, record, "EB13-2 procedure code"),
        *(w.identifier(m, 2, record, "EB13 modifier", 2) for m in procedure.modifiers[:4]),
    )


def _benefit(w: SegmentWriter, benefit: BenefitAnswer, record: str) -> None:
    repetition = w.delimiters.repetition
    types = repetition.join(
        w.identifier(t, 2, record, "EB03 service type") for t in benefit.service_types
    )
    percent = benefit.percent
    if percent is not None and not Decimal(0) <= percent <= Decimal(1):
        raise X12WriteError(record, "EB08 percent", f"{percent} is not a fraction from 0 to 1")
    authorization = benefit.authorization_required
    w.add(
        "EB",
        benefit.code.value,
        benefit.coverage_level.value if benefit.coverage_level is not None else "",
        types,
        w.identifier(benefit.insurance_type, 3, record, "EB04 insurance type")
        if benefit.insurance_type
        else "",
        w.text(benefit.plan_description, 50),
        benefit.time_period.value if benefit.time_period is not None else "",
        money(benefit.amount) if benefit.amount is not None else "",
        decimal(percent) if percent is not None else "",
        "",
        "",
        "" if authorization is None else ("Y" if authorization else "N"),
        benefit.network.value if benefit.network is not None else "",
        _procedure(w, benefit.procedure, record),
    )
    for period in benefit.dates:
        if period.start == period.end:
            w.add("DTP", period.qualifier, "D8", date8(period.start))
        else:
            w.add("DTP", period.qualifier, "RD8", date_range(period.start, period.end))
    for message in benefit.messages:
        text = w.text(message, 264)
        if text:
            w.add("MSG", text)
    related = benefit.related_entity
    if related is not None:
        w.add("LS", "2120")
        person = related.entity_type == "1"
        w.add(
            "NM1",
            w.identifier(related.entity, 3, record, "2120 NM101 entity", 2),
            "1" if person else "2",
            w.required_text(related.last_or_organization, 60, record, "2120 NM103 name"),
            w.text(related.first, 35) if person else "",
            w.text(related.middle, 25) if person else "",
            "",
            "",
            w.identifier(related.id_qualifier, 2, record, "2120 NM108", 2) if related.id else "",
            w.identifier(related.id, 80, record, "2120 NM109 id", 2) if related.id else "",
        )
        w.add("LE", "2120")
