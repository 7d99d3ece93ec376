"""The JSON API's answers as pydantic models, so ``/api/v1/openapi.json`` describes each one.

Money is a string of dollars with two decimals (``"125.00"``), never a float; other decimals
(units, rates, scores) are strings too, so no digit is lost. A shape the terminal prints as
well (a work item, a person, a scrub finding, the books, the KPIs) is made once, below the faces,
and validated here; the rest are built here from the desk's views.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal, Self

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from claimdesk.analytics.results import Unit
from claimdesk.desk.close import InvoiceDocuments, PackDocuments
from claimdesk.desk.desk import (
    ClaimView,
    CoverageView,
    Dashboard,
    ItemView,
    PatientView,
    SearchResult,
)
from claimdesk.desk.serialize import item_json
from claimdesk.domain.claims import ClaimStatus, FrequencyCode
from claimdesk.domain.money import Money, total
from claimdesk.domain.month_end import (
    ACCOUNT_COLUMNS,
    DAY_SHEET_COLUMNS,
    REASON_COLUMNS,
    ROLL_FORWARD_COLUMNS,
    MonthEnd,
)
from claimdesk.domain.parties import Sex
from claimdesk.domain.patient_payments import PatientPayment, RefundRequest
from claimdesk.domain.periods import CloseFinding, PeriodAction, PeriodState, PeriodStatus
from claimdesk.domain.work import Outcome, WorkAction, WorkItem, WorkKind, WorkStatus
from claimdesk.posting.reassociation import Reassociation, Verdict
from claimdesk.routing.access import Role
from claimdesk.scrub.findings import Finding, Severity
from claimdesk.services.close import CloseOutcome
from claimdesk.services.deposits import AddResult, ImportResult
from claimdesk.services.held_claims import FixResult
from claimdesk.services.patient_payments import PatientAccount, Visit
from claimdesk.services.post_remittance import FileResult, RemitOutcome
from claimdesk.services.users import Person

Dollars = Annotated[
    str,
    Field(
        pattern=r"^-?\d+\.\d{2}$",
        description="dollars with two decimals, as a string",
        examples=["125.00"],
    ),
]
DecimalText = Annotated[str, Field(description="an exact decimal, as a string", examples=["0.85"])]
Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
DateText = Annotated[str, Field(json_schema_extra={"format": "date"})]


def dollars(money: Money) -> str:
    return str(money)


class Answer(BaseModel):
    """Every answer names each of its keys, always (a missing value is null)."""

    model_config = ConfigDict(extra="forbid")


class Problem(Answer):
    """Every refusal or failure (RFC 9457), with the HTTP status as ``status``."""

    type: Literal["about:blank"]
    title: str = Field(examples=["Not found"])
    status: int
    detail: str = Field(description="what went wrong, for a person to read")
    instance: str = Field(description="the path asked for")


# Sessions and people.


class SessionOut(Answer):
    token: str = Field(description="send as 'Authorization: Bearer <token>'")
    user_id: str
    role: Role


class MeOut(Answer):
    user_id: str
    role: Role
    queues: list[str]
    practice: str = Field(description="the client practice the session works in")
    practices: list[str] = Field(description="every practice you may switch to")


class PersonOut(Answer):
    user_id: str
    name: str
    role: Role
    active: bool
    granted: list[str]
    queues: list[str]

    @classmethod
    def of(cls, person: Person) -> Self:
        return cls.model_validate(person.as_dict())


class NewPersonOut(Answer):
    user_id: str
    name: str
    role: Role


class GrantOut(Answer):
    user_id: str
    queue: str
    added: bool = Field(description="false if the person had the queue already")


class DisabledOut(Answer):
    user_id: str
    active: Literal[False]
    sessions_ended: int


# Work items.


class ScoreOut(Answer):
    value: DecimalText = Field(description="dollars per hour of work")
    amount_at_stake: Dollars
    recovery_rate: DecimalText
    rate_source: str
    expected_recovery: Dollars
    effort_minutes: int
    urgency: DecimalText
    days_left: int | None
    explained: str


class ItemEventOut(Answer):
    at: Timestamp
    by: str
    action: str
    to_status: WorkStatus
    detail: str


class WorkItemOut(Answer):
    id: int
    kind: WorkKind
    category: str
    tier: int
    queue: str
    status: WorkStatus
    claim_id: str | None
    patient_account: str | None
    payer_id: str | None
    amount_at_stake: Dollars
    deadline: DateText | None
    deadline_kind: str
    summary: str
    assignee: str | None
    outcome: Outcome | None
    score: ScoreOut
    history: list[ItemEventOut]

    @classmethod
    def of(cls, item: WorkItem) -> Self:
        return cls.model_validate(item_json(item))


class QueueOut(Answer):
    queues: list[str]
    open: list[WorkItemOut] = Field(description="the open items of your queues, best first")
    mine: list[WorkItemOut] = Field(description="the items you hold")


class NextItemOut(Answer):
    item: WorkItemOut | None = Field(description="null when no item is waiting")


class PracticeItemOut(Answer):
    practice: str | None = Field(description="the practice of the item; null with no item")
    item: WorkItemOut | None = Field(description="null when no item is waiting")


class PracticeOut(Answer):
    practice_id: str
    name: str


# Claims and patients.


class CoverageOut(Answer):
    coverage_id: str
    payer_id: str
    plan_name: str
    member_id: str = Field(description="masked for roles that do not need it")
    priority: int
    effective: DateText
    termination: DateText | None

    @classmethod
    def of(cls, coverage: CoverageView) -> Self:
        return cls(
            coverage_id=coverage.coverage_id,
            payer_id=coverage.payer_id,
            plan_name=coverage.plan_name,
            member_id=coverage.member_id,
            priority=coverage.priority,
            effective=coverage.effective,
            termination=coverage.termination or None,
        )


class ClaimLineOut(Answer):
    line_number: int
    procedure_code: str
    modifiers: list[str]
    units: DecimalText
    charge: Dollars
    balance: Dollars = Field(description="what the line still owes, insurance and patient")


class ClaimEventOut(Answer):
    at: Timestamp
    by: str
    from_status: ClaimStatus | None
    to_status: ClaimStatus
    reason: str


class LedgerLineOut(Answer):
    entry_id: str
    kind: str
    effective: DateText
    account: str
    line_number: int | None
    amount: Dollars
    memo: str


class ClaimOut(Answer):
    claim_id: str
    status: ClaimStatus
    frequency: FrequencyCode
    payer_id: str
    payer_name: str
    payer_claim_number: str = Field(description='"" until the payer names the claim')
    patient_account: str
    patient_name: str = Field(description="last name, first name")
    coverage: CoverageOut | None
    date_of_service: date
    diagnoses: list[str]
    lines: list[ClaimLineOut]
    total_charge: Dollars
    history: list[ClaimEventOut]
    ledger: list[LedgerLineOut] = Field(description="the claim's receivable postings")
    balance: Dollars
    insurance_balance: Dollars
    patient_balance: Dollars

    @classmethod
    def of(cls, view: ClaimView) -> Self:
        claim = view.claim
        encounter = claim.encounter
        return cls(
            claim_id=claim.claim_id,
            status=claim.status,
            frequency=claim.frequency,
            payer_id=claim.payer_id,
            payer_name=view.payer_name,
            payer_claim_number=claim.payer_claim_number,
            patient_account=view.patient.account,
            patient_name=f"{view.patient.last_name}, {view.patient.first_name}",
            coverage=None if view.coverage is None else CoverageOut.of(view.coverage),
            date_of_service=encounter.date_of_service,
            diagnoses=list(encounter.diagnoses),
            lines=[
                ClaimLineOut(
                    line_number=line.line_number,
                    procedure_code=line.procedure_code,
                    modifiers=list(line.modifiers),
                    units=str(line.units),
                    charge=dollars(line.charge),
                    balance=dollars(view.line_balances.get(line.line_number, Money.zero())),
                )
                for line in encounter.lines
            ],
            total_charge=dollars(claim.total_charge),
            history=[
                ClaimEventOut(
                    at=h.at.isoformat(),
                    by=h.by,
                    from_status=h.from_status,
                    to_status=h.to_status,
                    reason=h.reason,
                )
                for h in view.history
            ],
            ledger=[
                LedgerLineOut(
                    entry_id=e.entry_id,
                    kind=e.kind,
                    effective=e.effective,
                    account=e.account,
                    line_number=e.line_number,
                    amount=dollars(e.amount),
                    memo=e.memo,
                )
                for e in view.ledger
            ],
            balance=dollars(view.balance),
            insurance_balance=dollars(view.insurance_balance),
            patient_balance=dollars(view.patient_balance),
        )


class ItemDetailOut(Answer):
    item: WorkItemOut
    claim: ClaimOut | None
    may_act: bool = Field(description="the item is in a queue you work")
    holds: bool = Field(description="you hold the item")
    actions: list[WorkAction] = Field(description="what the item's kind offers")

    @classmethod
    def of(cls, view: ItemView) -> Self:
        return cls(
            item=WorkItemOut.of(view.item),
            claim=None if view.claim is None else ClaimOut.of(view.claim),
            may_act=view.may_act,
            holds=view.holds,
            actions=list(view.actions),
        )


class Hit(Answer):
    """A search hit, read off the desk's hit (the same names)."""

    model_config = ConfigDict(from_attributes=True)


class ClaimHitOut(Hit):
    claim_id: str
    patient_account: str
    payer_id: str
    payer_name: str
    status: ClaimStatus
    date_of_service: date


class ClaimSearchOut(Answer):
    claims: list[ClaimHitOut]

    @classmethod
    def of(cls, found: SearchResult) -> Self:
        return cls(claims=[ClaimHitOut.model_validate(c) for c in found.claims])


class PatientHitOut(Hit):
    account: str
    last_name: str
    first_name: str
    birth_date: date


class PatientSearchOut(Answer):
    patients: list[PatientHitOut]

    @classmethod
    def of(cls, found: SearchResult) -> Self:
        return cls(patients=[PatientHitOut.model_validate(p) for p in found.patients])


class PatientOut(Answer):
    account: str
    last_name: str
    first_name: str
    birth_date: date
    sex: Sex
    coverages: list[CoverageOut]
    claims: list[ClaimHitOut]
    balance: Dollars

    @classmethod
    def of(cls, view: PatientView) -> Self:
        p = view.patient
        return cls(
            account=p.account,
            last_name=p.last_name,
            first_name=p.first_name,
            birth_date=p.birth_date,
            sex=p.sex,
            coverages=[CoverageOut.of(c) for c in view.coverages],
            claims=[ClaimHitOut.model_validate(c) for c in view.claims],
            balance=dollars(view.balance),
        )


# The practice's books and the people's productivity.


class PayerChargesOut(Answer):
    payer_id: str
    name: str
    claims: int
    charges: Dollars
    receivable: Dollars


class ArOut(Answer):
    as_of: DateText
    total: Dollars = Field(description="ar:insurance + ar:patient in the ledger, as of the day")
    parts: dict[str, Dollars] = Field(
        description="insurance billed, insurance unbilled (never submitted), patient"
    )
    billed: Dollars = Field(description="billed insurance A/R plus patient A/R")
    by_bucket: dict[str, dict[str, Dollars]] = Field(
        description="per part, the aging buckets (days since the date of service)"
    )
    by_payer: dict[str, Dollars] = Field(description="insurance A/R per payer")


class ArClaimOut(Answer):
    claim_id: str
    payer_id: str
    patient_account: str
    date_of_service: DateText | None
    part: str
    bucket: str
    amount: Dollars


class ArPageOut(Answer):
    as_of: DateText
    rows: list[ArClaimOut]
    next_after: str | None = Field(description="the cursor of the next page; null on the last")
    next: str | None = Field(description="the next page's address; null on the last")


class AgingRowOut(Answer):
    account: str
    buckets: dict[str, Dollars]
    total: Dollars


class PatientAgingOut(Answer):
    as_of: DateText
    total: Dollars = Field(description="ar:patient in the ledger, as of the day")
    by_bucket: dict[str, Dollars] = Field(
        description="the aging buckets (days since each balance became the patient's)"
    )
    accounts: int = Field(description="patient accounts with an open balance")
    guarantors: int = Field(description="guarantors answering for an open balance")
    by_account: list[AgingRowOut] = Field(
        description="the largest balances per patient account (every balance: the A/R "
        "drill-down, part patient)"
    )
    by_guarantor: list[AgingRowOut] = Field(
        description="the largest balances per guarantor (the patient's own account when "
        "there is none)"
    )


class BooksOut(Answer):
    as_of: DateText
    ar: ArOut
    patient_aging: PatientAgingOut
    counts: dict[str, int]
    claims_by_status: dict[str, int]
    by_payer: list[PayerChargesOut]
    trial_balance: dict[str, Dollars] = Field(description="every account's balance")
    gross_charges: Dollars
    balanced: bool = Field(description="the trial balance sums to zero")


class ProductivityOut(Answer):
    day: date
    person: str
    queue: str
    tier: int
    closed: int
    resolved: Dollars
    average_age_days: DecimalText


class SummaryOut(Answer):
    summary: BooksOut
    start: Timestamp = Field(
        serialization_alias="from", validation_alias=AliasChoices("start", "from")
    )
    end: Timestamp = Field(serialization_alias="to", validation_alias=AliasChoices("end", "to"))
    productivity: list[ProductivityOut]

    @classmethod
    def of(cls, view: Dashboard) -> Self:
        return cls(
            summary=BooksOut.model_validate(view.summary.as_dict()),
            start=view.start.isoformat(),
            end=view.end.isoformat(),
            productivity=[
                ProductivityOut(
                    day=row.day,
                    person=row.person,
                    queue=row.queue,
                    tier=row.tier,
                    closed=row.closed,
                    resolved=dollars(row.resolved),
                    average_age_days=str(row.average_age_days),
                )
                for row in view.productivity
            ],
        )


# Billing actions.


class FindingOut(Answer):
    rule: str
    name: str
    severity: Severity
    tier: int
    message: str
    fix: str
    claim_id: str
    line: int | None
    field: str

    @classmethod
    def of(cls, finding: Finding) -> Self:
        return cls.model_validate(finding.as_json())


class FixOut(Answer):
    claim_id: str
    released: bool = Field(description="the claim scrubbed clean and goes out again")
    findings: list[FindingOut]

    @classmethod
    def of(cls, result: FixResult) -> Self:
        return cls(
            claim_id=result.claim_id,
            released=result.released,
            findings=[FindingOut.of(f) for f in result.findings],
        )


class ClaimMadeOut(Answer):
    claim_id: str = Field(description="the new claim")


class AppealMadeOut(Answer):
    appeal_id: int


class FollowUpMadeOut(Answer):
    follow_up_id: int


class WriteOffMadeOut(Answer):
    write_off_id: int


class WriteOffDecisionOut(Answer):
    write_off: str = Field(description="the request's status now", examples=["posted"])


class RemittanceOut(Answer):
    trace_number: str
    outcome: RemitOutcome
    payment: Dollars
    claims_posted: int
    claims_held: int
    reasons: list[str]
    work_items: int
    work_items_closed: int
    secondary_claims: int


class PostingOut(Answer):
    name: str
    sha256: str
    already_ingested: bool
    ok: bool
    problems: list[str]
    remittances: list[RemittanceOut]

    @classmethod
    def of(cls, result: FileResult) -> Self:
        return cls(
            name=result.name,
            sha256=result.sha256,
            already_ingested=result.already_ingested,
            ok=result.ok,
            problems=list(result.problems),
            remittances=[
                RemittanceOut(
                    trace_number=r.trace_number,
                    outcome=r.outcome,
                    payment=dollars(r.payment),
                    claims_posted=r.claims_posted,
                    claims_held=r.claims_held,
                    reasons=list(r.reasons),
                    work_items=r.work_items,
                    work_items_closed=r.work_items_closed,
                    secondary_claims=r.secondary_claims,
                )
                for r in result.remittances
            ],
        )


# KPIs: their shapes are the analytics' own (the terminal prints them too).

Cell = str | int | None


class KpiPartOut(Answer):
    label: str
    claims: int | None = Field(
        description="distinct claims; null for the period's money (a sum of postings)"
    )
    amount: Dollars


class TableOut(Answer):
    name: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]


class KpiOut(Answer):
    name: str
    label: str
    unit: Unit
    value: Cell = Field(description="null when the denominator is empty")
    display: str
    numerator: KpiPartOut
    denominator: KpiPartOut | None = Field(description="null for an amount or a count")
    empty_reason: str | None
    tables: list[TableOut]


class KpiReportOut(Answer):
    start: DateText = Field(alias="from")
    end: DateText = Field(alias="to")
    payer_id: str | None
    provider_npi: str | None
    facility_id: str | None
    kpis: list[KpiOut]


class ClaimAmountOut(Answer):
    claim_id: str = Field(description='"" for money that belongs to no claim')
    amount: Dollars
    label: str | None = Field(default=None, description="only when the amount has one")
    days: int | None = Field(default=None, description="only when the amount has an age")


class ExplainedPartOut(Answer):
    label: str
    total: Dollars = Field(description="the total of every row, not only this page's")
    count: int = Field(description="rows on this side, on every page")
    page: int
    pages: int
    claims: list[ClaimAmountOut] = Field(description="this page's rows")


class KpiExplanationOut(Answer):
    name: str
    label: str
    start: DateText = Field(alias="from")
    end: DateText = Field(alias="to")
    payer_id: str | None
    value: str = Field(description="the KPI as shown")
    numerator: ExplainedPartOut
    denominator: ExplainedPartOut | None


# Deposits (issue 15).


class DepositFileOut(Answer):
    name: str
    sha256: str
    layout: str  # bai2 or csv; empty when the file was imported before
    already_imported: bool
    added: int
    total: str

    @classmethod
    def of(cls, result: ImportResult) -> Self:
        return cls(
            name=result.name,
            sha256=result.sha256,
            layout=result.layout,
            already_imported=result.already_imported,
            added=result.added,
            total=dollars(result.total),
        )


class DepositAddedOut(Answer):
    deposit_id: str
    created: bool  # False: the same deposit was entered before

    @classmethod
    def of(cls, result: AddResult) -> Self:
        return cls(deposit_id=result.deposit_id, created=result.created)


class VerdictOut(Answer):
    verdict: Verdict
    count: int
    era_total: str
    deposit_total: str


class TraceGroupOut(Answer):
    verdict: Verdict
    trace: str
    eras: list[str]
    deposits: list[str]
    era_total: str
    deposit_total: str
    at_stake: str


class ReconciliationOut(Answer):
    as_of: date
    matched_total: str
    unmatched_era_total: str
    unmatched_deposit_total: str
    verdicts: list[VerdictOut]
    exceptions: list[TraceGroupOut]
    work_changed: bool
    items_opened: list[int]
    items_solved: list[int]

    @classmethod
    def of(
        cls,
        found: Reassociation,
        *,
        work_changed: bool = False,
        opened: list[int] | None = None,
        solved: list[int] | None = None,
    ) -> Self:
        return cls(
            as_of=found.as_of,
            matched_total=dollars(found.matched_total),
            unmatched_era_total=dollars(found.unmatched_era_total),
            unmatched_deposit_total=dollars(found.unmatched_deposit_total),
            verdicts=[
                VerdictOut(
                    verdict=verdict,
                    count=len(found.of(verdict)),
                    era_total=dollars(total(g.era_total for g in found.of(verdict))),
                    deposit_total=dollars(total(g.deposit_total for g in found.of(verdict))),
                )
                for verdict in Verdict
            ],
            exceptions=[
                TraceGroupOut(
                    verdict=g.verdict,
                    trace=g.trace,
                    eras=[e.remittance_id for e in g.eras],
                    deposits=[d.deposit_id for d in g.deposits],
                    era_total=dollars(g.era_total),
                    deposit_total=dollars(g.deposit_total),
                    at_stake=dollars(g.at_stake),
                )
                for g in found.exceptions
            ],
            work_changed=work_changed,
            items_opened=opened or [],
            items_solved=solved or [],
        )


# The month-end close: periods, the pack and the invoice.


class CloseFindingOut(Answer):
    code: str = Field(examples=["CLOSE001"])
    severity: str
    message: str
    fix_hint: str
    location: str

    @classmethod
    def of(cls, finding: CloseFinding) -> Self:
        return cls.model_validate(finding.as_json())


class RollForwardOut(Answer):
    """One payer class: opening + charges - payments - adjustments + transfers = closing,
    which must equal ledger_closing (the A/R report's balance at the month's end)."""

    payer_class: str
    opening: Dollars
    charges: Dollars
    payments: Dollars
    adjustments: Dollars
    transfers: Dollars
    closing: Dollars
    ledger_closing: Dollars

    @classmethod
    def rows(cls, pack: MonthEnd) -> list[Self]:
        return [
            cls.model_validate(dict(zip(ROLL_FORWARD_COLUMNS, row, strict=True)))
            for row in pack.roll_forward_rows()
        ]


class PeriodEventOut(Answer):
    action: PeriodAction
    at: Timestamp
    by: str
    reason: str


class PeriodOut(Answer):
    period: str = Field(examples=["2026-10"])
    status: PeriodStatus
    events: list[PeriodEventOut]

    @classmethod
    def of(cls, state: PeriodState) -> Self:
        return cls(
            period=str(state.month),
            status=state.status,
            events=[
                PeriodEventOut(action=e.action, at=e.at.isoformat(), by=e.by, reason=e.reason)
                for e in state.events
            ],
        )


class PeriodClosedOut(Answer):
    period: str
    closed: Literal[True]
    roll_forward: list[RollForwardOut]

    @classmethod
    def of(cls, outcome: CloseOutcome) -> Self:
        pack = outcome.pack
        return cls(
            period=str(outcome.month),
            closed=True,
            roll_forward=[] if pack is None else RollForwardOut.rows(pack),
        )


class CloseRefusedOut(Answer):
    """A close its pre-checks refused (409): a problem (RFC 9457) with the findings as data."""

    type: Literal["about:blank"]
    title: str
    status: int
    detail: str
    instance: str
    period: str
    findings: list[CloseFindingOut]
    roll_forward: list[RollForwardOut]

    @classmethod
    def of(cls, outcome: CloseOutcome, instance: str) -> Self:
        codes = ", ".join(sorted({f.code for f in outcome.findings}))
        return cls(
            type="about:blank",
            title="Period not closed",
            status=409,
            detail=f"period {outcome.month} not closed: {len(outcome.findings)} finding(s) "
            f"({codes})",
            instance=instance,
            period=str(outcome.month),
            findings=[CloseFindingOut.of(f) for f in outcome.findings],
            roll_forward=[] if outcome.pack is None else RollForwardOut.rows(outcome.pack),
        )


class DaySheetOut(Answer):
    day: DateText
    charges: Dollars
    payments: Dollars
    adjustments: Dollars
    transfers: Dollars


class AccountMovementOut(Answer):
    movement: str
    account: str
    amount: Dollars


class ReasonMovementOut(Answer):
    movement: str
    group: str
    reason: str
    amount: Dollars


class DocumentOut(Answer):
    name: str = Field(examples=["pack-2026-10.pdf"])
    url: str = Field(description="where to download it (same bearer token)")


def documents(names: Iterable[str], base: str) -> list[DocumentOut]:
    return [DocumentOut(name=name, url=f"{base}/files/{name}") for name in names]


class PackOut(Answer):
    period: str
    status: PeriodStatus
    practice: str
    reconciles: bool
    roll_forward: list[RollForwardOut]
    day_sheets: list[DaySheetOut]
    by_account: list[AccountMovementOut]
    by_reason: list[ReasonMovementOut]
    findings: list[CloseFindingOut]
    files: list[DocumentOut]

    @classmethod
    def of(cls, read: PackDocuments, base: str) -> Self:
        pack = read.pack
        return cls(
            period=str(pack.month),
            status=read.status,
            practice=read.practice,
            reconciles=pack.reconciles,
            roll_forward=RollForwardOut.rows(pack),
            day_sheets=[
                DaySheetOut.model_validate(dict(zip(DAY_SHEET_COLUMNS, row, strict=True)))
                for row in pack.day_sheet_rows()
            ],
            by_account=[
                AccountMovementOut.model_validate(dict(zip(ACCOUNT_COLUMNS, row, strict=True)))
                for row in pack.account_rows()
            ],
            by_reason=[
                ReasonMovementOut.model_validate(dict(zip(REASON_COLUMNS, row, strict=True)))
                for row in pack.reason_rows()
            ],
            findings=[CloseFindingOut.of(f) for f in pack.findings],
            files=documents([*read.files, f"pack-{pack.month}.zip"], base),
        )


class FeeLineOut(Answer):
    line: str
    based_on: str
    amount: Dollars


class CollectionOut(Answer):
    claim_id: str
    payer_id: str
    payer_payments: Dollars
    patient_payments: Dollars
    total: Dollars


class KpiValueOut(Answer):
    kpi: str
    value: str


class WorkDoneOut(Answer):
    tier: int
    outcome: str
    items: int
    resolved: Dollars


class InvoiceOut(Answer):
    period: str
    practice: str
    fee_model_set: bool
    fee: list[FeeLineOut]
    total: Dollars
    collections_total: Dollars
    collections: list[CollectionOut]
    claims_submitted: int
    kpis: list[KpiValueOut]
    work: list[WorkDoneOut]
    files: list[DocumentOut]

    @classmethod
    def of(cls, read: InvoiceDocuments, base: str) -> Self:
        bill = read.invoice
        return cls(
            period=bill.month,
            practice=bill.practice,
            fee_model_set=bill.model.is_set,
            fee=[
                FeeLineOut(line=x.description, based_on=x.basis, amount=dollars(x.amount))
                for x in bill.fee.lines
            ],
            total=dollars(bill.fee.total),
            collections_total=dollars(bill.collected),
            collections=[
                CollectionOut(
                    claim_id=c.claim_id,
                    payer_id=c.payer_id,
                    payer_payments=dollars(c.insurance),
                    patient_payments=dollars(c.patient),
                    total=dollars(c.total),
                )
                for c in bill.collections
            ],
            claims_submitted=bill.claims_submitted,
            kpis=[KpiValueOut(kpi=k, value=v) for k, v in bill.kpis],
            work=[
                WorkDoneOut(
                    tier=w.tier, outcome=w.outcome, items=w.items, resolved=dollars(w.resolved)
                )
                for w in bill.work
            ],
            files=documents([*read.files, f"invoice-{bill.month}.zip"], base),
        )


# Collections (docs/collections.md) and good-faith estimates (docs/good-faith-estimates.md).


class CollectionReferralOut(Answer):
    referral_id: int
    account: str
    status: str = Field(description="proposed, approved, rejected or exported")
    balance: Dollars
    oldest_since: DateText
    statements: int
    last_statement: DateText | None
    proposed_by: str
    decided_by: str | None
    written_off: Dollars | None
    export_file: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> CollectionReferralOut:
        return cls(
            referral_id=int(row["referral_id"]),
            account=row["account"],
            status=row["status"],
            balance=row["balance"],
            oldest_since=row["oldest_since"],
            statements=int(row["statements"]),
            last_statement=row["last_statement"],
            proposed_by=row["proposed_by"],
            decided_by=row["decided_by"],
            written_off=row["written_off"],
            export_file=row["export_file"],
        )


class CollectionsOut(Answer):
    referrals: list[CollectionReferralOut]


class CollectionDecisionOut(Answer):
    referral_id: int
    status: str


class GfeLineOut(Answer):
    line_number: int
    code: str
    modifier: str
    units: str
    price: Dollars
    amount: Dollars


class GfeOut(Answer):
    gfe_id: str
    encounter_id: str
    patient_account: str
    account: str
    status: str = Field(description="open, dispute or resolved")
    scheduled_on: DateText
    provider_npi: str
    lines: list[GfeLineOut]
    total: Dollars
    billed: Dollars | None
    pdf: str = Field(description="where the estimate's PDF is read")

    @classmethod
    def of(cls, found: dict[str, Any], pdf: str) -> GfeOut:
        return cls(
            gfe_id=found["gfe_id"],
            encounter_id=found["encounter_id"],
            patient_account=found["patient_account"],
            account=found["account"],
            status=found["status"],
            scheduled_on=found["scheduled_on"],
            provider_npi=found["provider_npi"],
            lines=[GfeLineOut(**line) for line in found["lines"]],
            total=found["total"],
            billed=found["billed"],
            pdf=pdf,
        )


# Patient statements (docs/statements.md).


class StatementSummaryOut(Answer):
    statement_id: str
    account: str
    statement_date: DateText
    balance: Dollars
    dunning_level: str
    pdf: str = Field(description="where the statement's PDF is read")


class StatementsOut(Answer):
    statements: list[StatementSummaryOut]


class StatementPartyOut(Answer):
    name: str
    address: list[str]


class StatementVisitOut(Answer):
    encounter_id: str
    patient_account: str
    patient_name: str
    date_of_service: DateText
    provider: str
    services: list[str]
    charge: Dollars
    insurance_paid: Dollars
    insurance_adjusted: Dollars
    patient_owes: dict[str, Dollars] = Field(
        description="why: deductible, coinsurance, copay, non_covered, secondary, self_pay, other"
    )
    patient_owes_total: Dollars
    payments: Dollars
    adjustments: Dollars
    balance: Dollars


class StatementOut(Answer):
    statement_id: str
    statement_date: DateText
    due_date: DateText
    account: str
    to: StatementPartyOut
    practice: dict[str, str]
    visits: list[StatementVisitOut]
    unapplied: Dollars
    balance: Dollars
    oldest_balance_days: int
    dunning_level: str
    message: str
    visits_with_insurance: int


# Patient payments, credit and refunds (docs/patient-payments.md).


class PaymentOut(Answer):
    receipt: int
    payment_id: str
    created: bool  # False: the same payment was posted before; nothing changed
    patient_account: str
    amount: str
    applied: str
    unapplied: str  # kept as the patient's credit
    method: str
    reference: str
    received_on: date
    reversed: bool
    reversal_reason: str

    @classmethod
    def of(cls, payment: PatientPayment, created: bool = True) -> Self:
        return cls(
            receipt=payment.receipt_number,
            payment_id=payment.payment_id,
            created=created,
            patient_account=payment.patient_account,
            amount=str(payment.amount),
            applied=str(payment.applied),
            unapplied=str(payment.unapplied),
            method=payment.method.value,
            reference=payment.reference,
            received_on=payment.received_on,
            reversed=payment.reversed,
            reversal_reason=payment.reversal_reason,
        )


class VisitOut(Answer):
    claim_id: str
    date_of_service: date
    payer_id: str
    status: str
    charge: str
    insurance_paid: str
    adjusted: str
    patient_responsibility: str
    patient_paid: str
    insurance_balance: str
    patient_balance: str

    @classmethod
    def of(cls, visit: Visit) -> Self:
        return cls(
            claim_id=visit.claim_id,
            date_of_service=visit.date_of_service,
            payer_id=visit.payer_id,
            status=visit.status,
            charge=str(visit.charge),
            insurance_paid=str(visit.insurance_paid),
            adjusted=str(visit.adjusted),
            patient_responsibility=str(visit.patient_responsibility),
            patient_paid=str(visit.patient_paid),
            insurance_balance=str(visit.insurance_balance),
            patient_balance=str(visit.patient_balance),
        )


class RefundOut(Answer):
    request_id: int
    source: str
    patient_account: str
    claim_id: str | None
    amount: str
    status: str
    requested_by: str
    decided_by: str | None

    @classmethod
    def of(cls, request: RefundRequest) -> Self:
        return cls(
            request_id=request.request_id or 0,
            source=request.source.value,
            patient_account=request.patient_account,
            claim_id=request.claim_id,
            amount=str(request.amount),
            status=request.status.value,
            requested_by=request.requested_by,
            decided_by=request.decided_by,
        )


class PatientAccountOut(Answer):
    patient_account: str
    patient_balance: str
    insurance_balance: str
    credit: str  # unapplied patient credit
    visits: list[VisitOut]
    payments: list[PaymentOut]
    refunds: list[RefundOut]

    @classmethod
    def of(cls, account: PatientAccount) -> Self:
        return cls(
            patient_account=account.patient_account,
            patient_balance=str(account.patient_balance),
            insurance_balance=str(account.insurance_balance),
            credit=str(account.credit),
            visits=[VisitOut.of(v) for v in account.visits],
            payments=[PaymentOut.of(p) for p in account.payments],
            refunds=[RefundOut.of(r) for r in account.refunds],
        )


class CreditAppliedOut(Answer):
    applied: str
