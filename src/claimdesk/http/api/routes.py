"""The JSON API (``/api/v1``): the same desk use cases as the pages, for scripts and tools."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from claimdesk.analytics.position import ArFilter
from claimdesk.desk.guard import NotFoundError
from claimdesk.domain.money import Money
from claimdesk.domain.patient_payments import PaymentMethod, RefundSource, ReversalReason
from claimdesk.domain.periods import Month
from claimdesk.domain.work import Outcome, WorkAction
from claimdesk.domain.write_offs import ReasonCode
from claimdesk.http.api.schemas import (
    AppealMadeOut,
    ArClaimOut,
    ArPageOut,
    ClaimMadeOut,
    ClaimOut,
    ClaimSearchOut,
    CloseRefusedOut,
    CollectionDecisionOut,
    CollectionReferralOut,
    CollectionsOut,
    CreditAppliedOut,
    DepositAddedOut,
    DepositFileOut,
    DisabledOut,
    FixOut,
    FollowUpMadeOut,
    GfeOut,
    GrantOut,
    InvoiceOut,
    ItemDetailOut,
    KpiExplanationOut,
    KpiReportOut,
    MeOut,
    NewPersonOut,
    NextItemOut,
    PackOut,
    PatientAccountOut,
    PatientOut,
    PatientSearchOut,
    PaymentOut,
    PeriodClosedOut,
    PeriodOut,
    PersonOut,
    PostingOut,
    PracticeItemOut,
    PracticeOut,
    Problem,
    QueueOut,
    ReconciliationOut,
    RefundOut,
    SessionOut,
    StatementOut,
    StatementsOut,
    StatementSummaryOut,
    SummaryOut,
    WorkItemOut,
    WriteOffDecisionOut,
    WriteOffMadeOut,
)
from claimdesk.http.auth import (
    ApiActor,
    bearer_session,
    client_address,
    close_desk_of,
    company_of,
    config_of,
    desk_of,
    statement_desk_of,
)
from claimdesk.posting.bank_files import BankDeposit
from claimdesk.routing.access import Role
from claimdesk.security.accounts import Authenticated, sign_in, sign_out
from claimdesk.services.held_claims import ClaimFix, LineCoding
from claimdesk.services.patient_payments import PaymentRequest, RefundAsk

# Every refusal is problem+json (claimdesk.http.app), whatever the route.
PROBLEMS: dict[int | str, dict[str, Any]] = {
    "4XX": {
        "description": "Refused: signed out, not allowed, not found, not possible now, invalid",
        "content": {"application/problem+json": {"schema": Problem.model_json_schema()}},
    },
    503: {
        "description": "Not set up: the desk runs without a data home",
        "content": {"application/problem+json": {"schema": Problem.model_json_schema()}},
    },
}
router = APIRouter(tags=["claimdesk"], responses=PROBLEMS)
# The largest 835 text one upload takes (characters).
MAX_UPLOAD = 20_000_000

Id = Annotated[str, Path(min_length=1, max_length=80)]
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class SignInBody(BaseModel):
    user_id: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=1024)
    code: str = Field(default="", max_length=10)
    # Only when the password was set by an admin and must be changed at this sign-in.
    new_password: str = Field(default="", max_length=1024)


class VoidBody(BaseModel):
    reason: str = Field(min_length=1, max_length=400)


class NoteBody(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class SnoozeBody(BaseModel):
    until: datetime


class EscalateBody(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class CloseBody(BaseModel):
    outcome: Outcome
    action: WorkAction | None = None
    resolved: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)


class PersonBody(BaseModel):
    user_id: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._@-]+$")
    name: str = Field(min_length=1, max_length=60)
    role: Role


class GrantBody(BaseModel):
    queue: str = Field(min_length=1, max_length=40)


@router.post("/sessions", status_code=201)
def create_session(body: SignInBody, request: Request) -> SessionOut:
    """Sign in; the token goes in ``Authorization: Bearer <token>`` on every later call."""
    config = config_of(request)
    signed = sign_in(
        config.uow_factory,
        body.user_id,
        body.password,
        body.code,
        now=config.clock(),
        new_password=body.new_password,
        policy=config.sign_in,
        client=client_address(request),
    )
    return SessionOut(token=signed.token, user_id=signed.user.user_id, role=signed.user.role)


@router.delete("/sessions/current", status_code=204)
def end_session(
    session: Annotated[Authenticated, Depends(bearer_session)], request: Request
) -> Response:
    config = config_of(request)
    sign_out(config.uow_factory, session.token_digest, now=config.clock())
    return Response(status_code=204)


@router.get("/me")
def me(actor: ApiActor) -> MeOut:
    return MeOut(
        user_id=actor.user.user_id,
        role=actor.role,
        queues=list(actor.queues),
        practice=actor.practice,
        practices=list(actor.practices),
    )


class PracticeBody(BaseModel):
    practice_id: str = Field(min_length=1, max_length=40)


@router.get("/practices")
def practices(actor: ApiActor, request: Request) -> list[PracticeOut]:
    """The client practices you may work."""
    return [
        PracticeOut(practice_id=p.practice_id, name=p.name)
        for p in desk_of(request).practices(actor)
    ]


@router.put("/sessions/current/practice", status_code=204)
def choose_practice(
    body: PracticeBody,
    session: Annotated[Authenticated, Depends(bearer_session)],
    request: Request,
) -> Response:
    """Work in another of your practices: every later call of this session answers from it."""
    company_of(request).home.choose_practice(session.user, session.token_digest, body.practice_id)
    return Response(status_code=204)


@router.post("/work/next-across")
def take_next_across(actor: ApiActor, request: Request) -> PracticeItemOut:
    """Take the best item of your queues across every practice you may work; the session
    then works in that item's practice."""
    taken = company_of(request).next_across(actor)
    if taken is None:
        return PracticeItemOut(practice=None, item=None)
    session: Authenticated = request.state.session
    company_of(request).home.choose_practice(session.user, session.token_digest, taken.practice)
    return PracticeItemOut(practice=taken.practice, item=WorkItemOut.of(taken.item))


@router.get("/work/items")
def queue_items(actor: ApiActor, request: Request) -> QueueOut:
    """The open items of your queues, best first, and the items you hold."""
    view = desk_of(request).queue(actor)
    return QueueOut(
        queues=list(view.queues),
        open=[WorkItemOut.of(i) for i in view.open_items],
        mine=[WorkItemOut.of(i) for i in view.mine],
    )


@router.post("/work/next")
def take_next(actor: ApiActor, request: Request) -> NextItemOut:
    item = desk_of(request).next_item(actor)
    return NextItemOut(item=None if item is None else WorkItemOut.of(item))


@router.get("/work/items/{item_id}")
def work_item(item_id: ItemId, actor: ApiActor, request: Request) -> ItemDetailOut:
    return ItemDetailOut.of(desk_of(request).item(actor, item_id))


@router.post("/work/items/{item_id}/notes")
def note(item_id: ItemId, body: NoteBody, actor: ApiActor, request: Request) -> WorkItemOut:
    return WorkItemOut.of(desk_of(request).note(actor, item_id, body.text))


@router.post("/work/items/{item_id}/snooze")
def snooze(item_id: ItemId, body: SnoozeBody, actor: ApiActor, request: Request) -> WorkItemOut:
    return WorkItemOut.of(desk_of(request).snooze(actor, item_id, body.until))


@router.post("/work/items/{item_id}/release")
def release(item_id: ItemId, actor: ApiActor, request: Request) -> WorkItemOut:
    return WorkItemOut.of(desk_of(request).release(actor, item_id))


@router.post("/work/items/{item_id}/escalate")
def escalate(item_id: ItemId, body: EscalateBody, actor: ApiActor, request: Request) -> WorkItemOut:
    """Move an item you hold up one tier; the answer is the new item in the tier above."""
    return WorkItemOut.of(desk_of(request).escalate(actor, item_id, body.reason))


@router.post("/work/items/{item_id}/close")
def close(item_id: ItemId, body: CloseBody, actor: ApiActor, request: Request) -> WorkItemOut:
    resolved = None if body.resolved is None else Money(body.resolved)
    item = desk_of(request).close(actor, item_id, body.outcome, resolved, body.action)
    return WorkItemOut.of(item)


@router.get("/claims")
def find_claims(
    actor: ApiActor, request: Request, q: Annotated[str, Query(max_length=80)] = ""
) -> ClaimSearchOut:
    return ClaimSearchOut.of(desk_of(request).search(actor, q))


@router.get("/claims/{claim_id}")
def claim(claim_id: Id, actor: ApiActor, request: Request) -> ClaimOut:
    return ClaimOut.of(desk_of(request).claim(actor, claim_id))


@router.get("/patients")
def find_patients(
    actor: ApiActor, request: Request, q: Annotated[str, Query(max_length=80)] = ""
) -> PatientSearchOut:
    return PatientSearchOut.of(desk_of(request).search(actor, q))


@router.get("/patients/{account}")
def patient(account: Id, actor: ApiActor, request: Request) -> PatientOut:
    return PatientOut.of(desk_of(request).patient(actor, account))


@router.get("/users")
def people(actor: ApiActor, request: Request) -> list[PersonOut]:
    return [PersonOut.of(p) for p in desk_of(request).people(actor)]


@router.post("/users", status_code=201)
def add_person(body: PersonBody, actor: ApiActor, request: Request) -> NewPersonOut:
    user = desk_of(request).add_person(actor, body.user_id, body.name, body.role)
    return NewPersonOut(user_id=user.user_id, name=user.name, role=user.role)


@router.post("/users/{user_id}/grants")
def grant(user_id: Id, body: GrantBody, actor: ApiActor, request: Request) -> GrantOut:
    added = desk_of(request).grant(actor, user_id, body.queue)
    return GrantOut(user_id=user_id, queue=body.queue, added=added)


@router.post("/users/{user_id}/disable")
def disable(user_id: Id, actor: ApiActor, request: Request) -> DisabledOut:
    ended = desk_of(request).disable(actor, user_id)
    return DisabledOut(user_id=user_id, active=False, sessions_ended=ended)


AsOf = Annotated[date | None, Query(alias="as_of")]
ArPart = Annotated[
    Literal["", "insurance", "patient", "insurance billed", "insurance unbilled"], Query()
]
ArBucket = Annotated[Literal["", "0-30", "31-60", "61-90", "91-120", "120+"], Query()]
ArPayer = Annotated[str | None, Query(alias="payer", max_length=40)]


@router.get("/summary")
def summary(actor: ApiActor, request: Request, as_of: AsOf = None) -> SummaryOut:
    """The practice's books and A/R as of a day (default today), and the last 30 days of queue
    productivity."""
    return SummaryOut.of(desk_of(request).dashboard(actor, as_of=as_of))


@router.get("/ar")
def ar_claims(
    actor: ApiActor,
    request: Request,
    as_of: AsOf = None,
    payer_id: ArPayer = None,
    part: ArPart = "",
    bucket: ArBucket = "",
    after: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ArPageOut:
    """One page of the claims behind the A/R figure (or a part, payer or bucket of it), in claim
    order; follow ``next`` for the next page."""
    where = ArFilter(payer_id=payer_id, part=part, bucket=bucket)
    found = desk_of(request).ar_claims(actor, where, as_of=as_of, after=after, limit=limit)
    following = None
    if found.next_after is not None:
        query = {"as_of": found.as_of.isoformat(), "payer": payer_id or "", "part": part}
        query |= {"bucket": bucket, "after": found.next_after, "limit": str(limit)}
        following = f"{request.url.path}?{urlencode({k: v for k, v in query.items() if v})}"
    return ArPageOut(
        as_of=found.as_of.isoformat(),
        rows=[ArClaimOut.model_validate(r.as_dict()) for r in found.rows],
        next_after=found.next_after,
        next=following,
    )


@router.get(
    "/ar.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}}}},
)
def ar_claims_csv(
    actor: ApiActor,
    request: Request,
    as_of: AsOf = None,
    payer_id: ArPayer = None,
    part: ArPart = "",
    bucket: ArBucket = "",
) -> StreamingResponse:
    """Every claim behind (a part of) the A/R figure as CSV, streamed as it is read."""
    where = ArFilter(payer_id=payer_id, part=part, bucket=bucket)
    return StreamingResponse(
        desk_of(request).ar_claims_csv(actor, where, as_of=as_of),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="ar_claims.csv"'},
    )


# Billing actions on the claim of an item you hold (the item page's buttons).


class LineCodingBody(BaseModel):
    line: int = Field(ge=1, le=50)
    modifiers: list[Annotated[str, Field(pattern=r"^[A-Z0-9]{2}$")]] = Field(
        default_factory=list, max_length=4
    )
    pointers: list[Annotated[int, Field(ge=1, le=12)]] = Field(min_length=1, max_length=4)


class FixBody(BaseModel):
    member_id: str = Field(default="", max_length=80)
    group_number: str = Field(default="", max_length=50)
    diagnoses: list[Annotated[str, Field(min_length=3, max_length=8)]] = Field(
        default_factory=list, max_length=12
    )
    lines: list[LineCodingBody] = Field(default_factory=list, max_length=50)


class AppealBody(BaseModel):
    argument: str = Field(min_length=1, max_length=4000)


class FollowUpBody(BaseModel):
    channel: Literal["call", "portal"]
    notes: str = Field(min_length=1, max_length=4000)
    reference: str = Field(default="", max_length=80)
    next_follow_up: date | None = None


class WriteOffBody(BaseModel):
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    reason_code: ReasonCode = Field(description="write-off reason, from the code list")
    note: str = Field(default="", max_length=4000, description="free text kept with it")


class DecisionBody(BaseModel):
    approve: bool


class RemittanceBody(BaseModel):
    name: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9._-]+$")
    x12: str = Field(min_length=1, max_length=MAX_UPLOAD, description="the 835 file's text")


@router.post("/work/items/{item_id}/fix")
def fix(item_id: ItemId, body: FixBody, actor: ApiActor, request: Request) -> FixOut:
    """Correct a held or rejected claim and scrub it again; a clean claim is released."""
    claim_fix = ClaimFix(
        member_id=body.member_id,
        group_number=body.group_number,
        diagnoses=tuple(d.strip().upper().replace(".", "") for d in body.diagnoses),
        lines={
            line.line: LineCoding(tuple(line.modifiers), tuple(line.pointers))
            for line in body.lines
        },
    )
    return FixOut.of(desk_of(request).fix(actor, item_id, claim_fix))


@router.post("/work/items/{item_id}/corrected-claim", status_code=201)
def corrected_claim(item_id: ItemId, actor: ApiActor, request: Request) -> ClaimMadeOut:
    """A replacement claim (frequency 7) for the item's claim, as a draft: it is sent once its
    correction is saved in the claim editor (``/claims/{id}/edit``). The answer names it."""
    return ClaimMadeOut(claim_id=desk_of(request).corrected_claim(actor, item_id))


@router.post("/work/items/{item_id}/void", status_code=201)
def void(item_id: ItemId, body: VoidBody, actor: ApiActor, request: Request) -> ClaimMadeOut:
    """A void (frequency 8) of the item's claim, with its reason; the answer names it."""
    return ClaimMadeOut(claim_id=desk_of(request).void(actor, item_id, body.reason))


@router.post("/work/items/{item_id}/appeals", status_code=201)
def appeal(item_id: ItemId, body: AppealBody, actor: ApiActor, request: Request) -> AppealMadeOut:
    """Draft an appeal of the item's claim with its letter (PDF, see the letter route)."""
    return AppealMadeOut(appeal_id=desk_of(request).appeal(actor, item_id, body.argument))


@router.get(
    "/work/items/{item_id}/appeals/{appeal_id}/letter",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
def appeal_letter(
    item_id: ItemId,
    appeal_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    actor: ApiActor,
    request: Request,
) -> Response:
    name, data = desk_of(request).appeal_letter(actor, item_id, appeal_id)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/work/items/{item_id}/follow-ups", status_code=201)
def follow_up(
    item_id: ItemId, body: FollowUpBody, actor: ApiActor, request: Request
) -> FollowUpMadeOut:
    """Log a call or portal check with the payer about the item's claim."""
    made = desk_of(request).follow_up(
        actor,
        item_id,
        channel=body.channel,
        reference=body.reference,
        notes=body.notes,
        next_follow_up=body.next_follow_up,
    )
    return FollowUpMadeOut(follow_up_id=made)


@router.post("/work/items/{item_id}/write-off", status_code=201)
def request_write_off(
    item_id: ItemId, body: WriteOffBody, actor: ApiActor, request: Request
) -> WriteOffMadeOut:
    """Ask Tier 3 to write off part of the claim's balance."""
    made = desk_of(request).request_write_off(
        actor, item_id, Money(body.amount), body.reason_code.value, body.note
    )
    return WriteOffMadeOut(write_off_id=made)


@router.post("/work/items/{item_id}/write-off/decision")
def decide_write_off(
    item_id: ItemId, body: DecisionBody, actor: ApiActor, request: Request
) -> WriteOffDecisionOut:
    """Approve (post) or reject the write-off the item asks for; the item closes."""
    decided = desk_of(request).decide_write_off(actor, item_id, body.approve)
    return WriteOffDecisionOut(write_off=decided)


@router.post("/remittances")
def post_remittance(body: RemittanceBody, actor: ApiActor, request: Request) -> PostingOut:
    """Post an 835 file; the answer is its posting summary."""
    data = body.x12.encode("utf-8")
    return PostingOut.of(desk_of(request).post_remittance(actor, body.name, data))


# Deposits: bank files, checks by hand, the 835s reconciled to them.


class BankFileBody(BaseModel):
    name: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9._-]+$")
    text: str = Field(min_length=1, max_length=MAX_UPLOAD, description="BAI2 or CSV bank file")


class DepositBody(BaseModel):
    deposit_date: date
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    trace: str = Field(min_length=1, max_length=50, description="check number or EFT trace")
    payer: str = Field(min_length=1, max_length=80)
    payer_id: str = Field(default="", max_length=80)
    kind: Literal["check", "lockbox"] = "check"
    account: str = Field(default="", max_length=40)


AsOfDay = Annotated[date | None, Query()]


@router.post("/deposits/files")
def import_deposits(body: BankFileBody, actor: ApiActor, request: Request) -> DepositFileOut:
    """Import a bank file (BAI2 or CSV, docs/deposits.md); a bad one stores nothing (422)."""
    data = body.text.encode("utf-8")
    return DepositFileOut.of(desk_of(request).import_deposits(actor, body.name, data))


@router.post("/deposits")
def add_deposit(body: DepositBody, actor: ApiActor, request: Request) -> DepositAddedOut:
    """Enter a paper check or lockbox deposit; the same one twice is stored once."""
    deposit = BankDeposit(
        record="entered by hand",
        bank_account=body.account,
        deposit_date=body.deposit_date,
        amount=Money(body.amount),
        trace=body.trace.strip(),
        payer_id=body.payer_id,
        payer_name=body.payer,
        kind=body.kind,
    )
    return DepositAddedOut.of(desk_of(request).add_deposit(actor, deposit))


@router.get("/deposits/reconciliation")
def reconciliation(actor: ApiActor, request: Request, as_of: AsOfDay = None) -> ReconciliationOut:
    """The 835s matched to the deposits as of a day (default today), changing nothing."""
    return ReconciliationOut.of(desk_of(request).deposit_report(actor, as_of))


@router.post("/deposits/reconcile")
def reconcile(actor: ApiActor, request: Request) -> ReconciliationOut:
    """Reconcile as of today: each exception keeps one Tier 2 work item."""
    done = desk_of(request).reconcile_deposits(actor)
    return ReconciliationOut.of(
        done.reassociation,
        work_changed=done.work_changed,
        opened=done.opened,
        solved=done.solved,
    )


# Patient statements.

StatementId = Annotated[str, Path(min_length=1, max_length=100)]
BINARY = {"type": "string", "format": "binary"}


@router.get("/statements")
def statements(
    actor: ApiActor,
    request: Request,
    account: Annotated[str | None, Query(max_length=80)] = None,
) -> StatementsOut:
    """The patient statements kept, newest first (one account's with ``account``)."""
    found = statement_desk_of(request).statements(actor, account)
    return StatementsOut(
        statements=[
            StatementSummaryOut(
                **{k: v for k, v in s.as_dict().items() if k != "pdf_file"},
                pdf=f"{request.url.path}/{quote(s.statement_id, safe='')}/pdf",
            )
            for s in found
        ]
    )


@router.get("/statements/{statement_id}")
def statement(actor: ApiActor, request: Request, statement_id: StatementId) -> StatementOut:
    """One statement as sent: every visit, what the patient owes and why, the balance."""
    return StatementOut.model_validate(
        statement_desk_of(request).statement(actor, statement_id).data
    )


@router.get(
    "/statements/{statement_id}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
def statement_pdf(actor: ApiActor, request: Request, statement_id: StatementId) -> Response:
    """The statement's PDF as it was printed."""
    data = statement_desk_of(request).statement_pdf(actor, statement_id)
    return Response(data, media_type="application/pdf")


# Collections (docs/collections.md) and good-faith estimates (docs/good-faith-estimates.md).

ReferralId = Annotated[int, Path(ge=1, le=2**31 - 1)]
GfeId = Annotated[str, Path(min_length=1, max_length=100)]
EncounterId = Annotated[str, Path(min_length=1, max_length=80)]


class CollectionDecisionBody(BaseModel):
    approve: bool


@router.get("/collections")
def collection_referrals(actor: ApiActor, request: Request) -> CollectionsOut:
    """The collections referrals and where each stands."""
    found = statement_desk_of(request).collection_referrals(actor)
    return CollectionsOut(referrals=[CollectionReferralOut.of(r) for r in found])


@router.post("/collections/{referral_id}/decision")
def decide_collections(
    referral_id: ReferralId, body: CollectionDecisionBody, actor: ApiActor, request: Request
) -> CollectionDecisionOut:
    """Approve or reject a referral another manager proposed."""
    status = statement_desk_of(request).decide_collections(actor, referral_id, approve=body.approve)
    return CollectionDecisionOut(referral_id=referral_id, status=status)


@router.post("/encounters/{encounter_id}/gfe")
def make_gfe(encounter_id: EncounterId, actor: ApiActor, request: Request) -> GfeOut:
    """Make the self-pay visit's good-faith estimate (made once)."""
    desk = statement_desk_of(request)
    made = desk.make_gfe(actor, encounter_id)
    gfe_id = made.estimate["gfe_id"]
    return GfeOut.of(desk.gfe(actor, gfe_id), _gfe_pdf_path(request, gfe_id))


def _gfe_pdf_path(request: Request, gfe_id: str) -> str:
    return f"{request.scope.get('root_path', '')}/api/v1/gfe/{quote(gfe_id, safe='')}/pdf"


@router.get("/gfe/{gfe_id}")
def gfe(gfe_id: GfeId, actor: ApiActor, request: Request) -> GfeOut:
    """One good-faith estimate, what was billed and where it stands."""
    found = statement_desk_of(request).gfe(actor, gfe_id)
    return GfeOut.of(found, _gfe_pdf_path(request, gfe_id))


@router.get(
    "/gfe/{gfe_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {"schema": BINARY}}}},
)
def gfe_pdf(gfe_id: GfeId, actor: ApiActor, request: Request) -> Response:
    """The good-faith estimate's PDF as it was handed to the patient."""
    return Response(statement_desk_of(request).gfe_pdf(actor, gfe_id), media_type="application/pdf")


# Patient payments, credit and refunds (docs/patient-payments.md).


class PaymentBody(BaseModel):
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    method: PaymentMethod
    reference: str = Field(
        default="", max_length=80, description="check number or the card processor's reference"
    )
    claim_id: str | None = Field(default=None, min_length=1, max_length=38)
    received_on: date | None = None
    idempotency_key: str = Field(default="", max_length=80)


class ReversalBody(BaseModel):
    reason: ReversalReason
    note: str = Field(default="", max_length=500)


class CreditBody(BaseModel):
    claim_id: str | None = Field(default=None, min_length=1, max_length=38)


class RefundBody(BaseModel):
    patient_account: str = Field(min_length=1, max_length=80)
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    source: RefundSource = RefundSource.PATIENT_CREDIT
    claim_id: str | None = Field(default=None, min_length=1, max_length=38)
    note: str = Field(default="", max_length=500)


class RefundDecisionBody(BaseModel):
    approve: bool


Receipt = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9]+$")]
RequestId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PDF_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
}


@router.post("/patients/{account}/payments")
def take_payment(account: Id, body: PaymentBody, actor: ApiActor, request: Request) -> PaymentOut:
    """Post a patient payment: to the claim named, else oldest visit first; the rest is kept as
    credit. The same payment (or idempotency key) again changes nothing (``created`` false)."""
    done = desk_of(request).take_payment(
        actor,
        PaymentRequest(
            patient_account=account,
            amount=Money(body.amount),
            method=body.method,
            reference=body.reference,
            claim_id=body.claim_id,
            received_on=body.received_on,
            idempotency_key=body.idempotency_key,
        ),
    )
    return PaymentOut.of(done.payment, done.created)


@router.get("/patients/{account}/account")
def patient_account(account: Id, actor: ApiActor, request: Request) -> PatientAccountOut:
    """The patient's ledger by visit, payments, refunds and unapplied credit."""
    return PatientAccountOut.of(desk_of(request).account(actor, account))


@router.post("/patients/{account}/credit/apply")
def apply_credit(
    account: Id, body: CreditBody, actor: ApiActor, request: Request
) -> CreditAppliedOut:
    """Apply the patient's unapplied credit (to the claim named, else oldest first)."""
    applied = desk_of(request).apply_credit(actor, account, body.claim_id)
    return CreditAppliedOut(applied=str(applied))


@router.get("/payments/{receipt}/receipt", response_class=Response, responses=PDF_ANSWER)
def payment_receipt(receipt: Receipt, actor: ApiActor, request: Request) -> Response:
    """The printable receipt (PDF) of a payment, by receipt number or payment id."""
    data = desk_of(request).receipt(actor, receipt)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="receipt-{receipt}.pdf"'},
    )


@router.post("/payments/{receipt}/reversal")
def reverse_payment(
    receipt: Receipt, body: ReversalBody, actor: ApiActor, request: Request
) -> PaymentOut:
    """Reverse a payment (a returned check, a chargeback) with a reason from the list."""
    return PaymentOut.of(desk_of(request).reverse_payment(actor, receipt, body.reason, body.note))


@router.post("/refunds", status_code=201)
def request_refund(body: RefundBody, actor: ApiActor, request: Request) -> RefundOut:
    """Ask for a refund; a manager other than the requester decides it."""
    ask = RefundAsk(body.source, body.patient_account, Money(body.amount), body.claim_id, body.note)
    return RefundOut.of(desk_of(request).request_refund(actor, ask))


@router.post("/refunds/{request_id}/decision")
def decide_refund(
    request_id: RequestId, body: RefundDecisionBody, actor: ApiActor, request: Request
) -> RefundOut:
    """Approve (the refund entry posts) or reject a refund request."""
    return RefundOut.of(desk_of(request).decide_refund(actor, request_id, body.approve))


@router.get("/refunds/{request_id}/letter", response_class=Response, responses=PDF_ANSWER)
def refund_letter(request_id: RequestId, actor: ApiActor, request: Request) -> Response:
    """The letter (PDF) sent with a posted refund."""
    data = desk_of(request).refund_letter(actor, request_id)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="refund-{request_id}.pdf"'},
    )


# KPIs.

From = Annotated[date | None, Query(alias="from")]
To = Annotated[date | None, Query(alias="to")]
PayerId = Annotated[str | None, Query(max_length=40)]


@router.get("/kpis")
def kpis(
    actor: ApiActor, request: Request, start: From = None, end: To = None, payer_id: PayerId = None
) -> KpiReportOut:
    """Every KPI over the period (default: the year to today), with its parts and tables."""
    report = desk_of(request).kpis(actor, start=start, end=end, payer_id=payer_id)
    return KpiReportOut.model_validate(report.as_dict())


@router.get("/kpis/{name}", response_model_exclude_unset=True)
def explain_kpi(
    name: Annotated[str, Path(min_length=1, max_length=40)],
    actor: ApiActor,
    request: Request,
    start: From = None,
    end: To = None,
    payer_id: PayerId = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> KpiExplanationOut:
    """The claims (with amounts) behind the numerator and denominator of one KPI, one page of
    each side at a time (``page``, ``page_size``)."""
    found = desk_of(request).explain_kpi(actor, name, start=start, end=end, payer_id=payer_id)
    return KpiExplanationOut.model_validate(found.as_dict(page, page_size))


# The month-end close: periods, the pack and the invoice (docs/close.md).

# YYYY-MM of the years 1901 to 2999: a pack reads the month before too, and Month starts at 1900.
MONTH = r"^(19(0[1-9]|[1-9]\d)|2\d{3})-(0[1-9]|1[0-2])$"
Period = Annotated[str, Path(pattern=MONTH, description="the month, YYYY-MM")]
FileName = Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[a-z0-9.-]+$")]
MEDIA = {".csv": "text/csv; charset=utf-8", ".pdf": "application/pdf", ".zip": "application/zip"}
FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
            for media in MEDIA.values()
        }
    }
}


class ReopenBody(BaseModel):
    reason: str = Field(min_length=1, max_length=500, pattern=r"\S", description="audited")


def _download(name: str, data: bytes) -> Response:
    media = MEDIA[name[name.rindex(".") :]]
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _periods_base(request: Request, period: str) -> str:
    return f"{request.scope.get('root_path', '')}/api/v1/periods/{period}"


@router.get("/periods")
def periods(actor: ApiActor, request: Request) -> list[PeriodOut]:
    """The months ever closed, open or closed now, with who closed and reopened them and why
    (a month not listed is open)."""
    return [PeriodOut.of(s) for s in close_desk_of(request).periods(actor)]


@router.post(
    "/periods/{period}/close",
    response_model=PeriodClosedOut,
    responses={
        409: {
            "description": "Not closed: the pre-checks' findings, or a month not over or out of "
            "order",
            "content": {
                "application/problem+json": {"schema": CloseRefusedOut.model_json_schema()}
            },
        }
    },
)
def close_period(period: Period, actor: ApiActor, request: Request) -> PeriodClosedOut | Response:
    """Close a month once its pre-checks hold: a refusal (409) lists each finding with its fix
    hint, nothing changed."""
    outcome = close_desk_of(request).close_period(actor, Month.parse(period))
    if outcome.closed:
        return PeriodClosedOut.of(outcome)
    refused = CloseRefusedOut.of(outcome, request.url.path)
    return JSONResponse(
        refused.model_dump(), status_code=409, media_type="application/problem+json"
    )


@router.post("/periods/{period}/reopen")
def reopen_period(period: Period, body: ReopenBody, actor: ApiActor, request: Request) -> PeriodOut:
    """Reopen the last closed month (an admin, with a reason; audited)."""
    state = close_desk_of(request).reopen_period(actor, Month.parse(period), body.reason)
    return PeriodOut.of(state)


@router.get("/periods/{period}/pack", response_model=PackOut, responses=FILES)
def month_end_pack(
    period: Period,
    actor: ApiActor,
    request: Request,
    format: Annotated[Literal["json", "pdf", "zip"], Query()] = "json",
) -> PackOut | Response:
    """The month-end pack (open or closed month): the A/R roll-forward per payer class, day
    sheets, movements by account and by reason; ``format=pdf`` or ``zip`` (the CSV files and
    the PDF) downloads it."""
    desk = close_desk_of(request)
    month = Month.parse(period)
    if format != "json":
        name = f"pack-{month}.{format}"
        return _download(name, desk.document(actor, month, name))
    return PackOut.of(desk.read_pack(actor, month), _periods_base(request, period))


@router.get("/periods/{period}/invoice", response_model=InvoiceOut, responses=FILES)
def month_invoice(
    period: Period,
    actor: ApiActor,
    request: Request,
    format: Annotated[Literal["json", "pdf", "zip"], Query()] = "json",
) -> InvoiceOut | Response:
    """The billing company's invoice for a closed month (an open one is refused, 409), with the
    collections claim by claim, the month's KPIs and the work done by tier."""
    desk = close_desk_of(request)
    month = Month.parse(period)
    if format != "json":
        name = f"invoice-{month}.{format}"
        return _download(name, desk.document(actor, month, name))
    return InvoiceOut.of(desk.read_invoice(actor, month), _periods_base(request, period))


@router.get("/periods/{period}/files/{name}", response_class=Response, responses=FILES)
def period_file(period: Period, name: FileName, actor: ApiActor, request: Request) -> Response:
    """One file of the month's pack or invoice, by the name their answers list."""
    if name[name.rfind(".") :] not in MEDIA:
        raise NotFoundError(f"period {period}: no file {name!r}")
    return _download(name, close_desk_of(request).document(actor, Month.parse(period), name))
