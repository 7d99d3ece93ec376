"""The pages: sign-in, my queue, item, search, claim, patient, people, dashboard, month end,
audit log, statements, collections and good-faith estimates.

Every page that changes something is a POST form carrying the session's CSRF token; each
answers with a redirect to the page showing the result (post/redirect/get).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse

from claimdesk.analytics.position import ArFilter
from claimdesk.desk.guard import Actor, Capability, NotFoundError
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.eras import EraFilter
from claimdesk.domain.money import Money, MoneyError, parse_dollars, total
from claimdesk.domain.patient_payments import PaymentError, PaymentMethod
from claimdesk.domain.periods import Month, PeriodStatus
from claimdesk.domain.work import Outcome, WorkAction, WorkError, WorkKind
from claimdesk.domain.worklist import ClaimFilter, ItemFilter
from claimdesk.domain.write_offs import REASONS
from claimdesk.http.auth import (
    SESSION_COOKIE,
    CsrfError,
    FormActor,
    PageActor,
    client_address,
    close_desk_of,
    company_of,
    config_of,
    desk_of,
    page_session,
    statement_desk_of,
)
from claimdesk.http.pages.templates import templates
from claimdesk.posting.reassociation import Reassociation, Verdict
from claimdesk.routing.access import Role
from claimdesk.scrub.claim_edit import (
    COVERAGE_FIELDS,
    ENCOUNTER_FIELDS,
    HEADER_NAMES,
    LINE_FIELDS,
    LINE_NAMES,
    PATIENT_FIELDS,
    ClaimForm,
    InputError,
    findings_by_field,
)
from claimdesk.scrub.findings import Finding
from claimdesk.security.accounts import Authenticated, SignInError, sign_in, sign_out
from claimdesk.security.csrf import csrf_matches
from claimdesk.security.passwords import PasswordRuleError
from claimdesk.services.claim_editor import (
    ClaimEditError,
    ClaimEditView,
    ClaimInputError,
    EditOutcome,
)
from claimdesk.services.close import CloseOutcome
from claimdesk.services.collections import APPROVED, PROPOSED, REJECTED, CollectionsError
from claimdesk.services.held_claims import ClaimFix, ClaimFixError, LineCoding
from claimdesk.services.patient_payments import PaymentRequest
from claimdesk.services.statements import RunResult

router = APIRouter(include_in_schema=False)

ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Id = Annotated[str, Path(min_length=1, max_length=80)]
Text = Annotated[str, Form(max_length=4000)]
MAX_UPLOAD = 20_000_000  # bytes of one uploaded 835
Where = TypeVar("Where")  # a worklist's filter


def _page(request: Request, name: str, actor: Actor | None, **context: Any) -> HTMLResponse:
    session: Authenticated | None = getattr(request.state, "session", None)
    return templates.TemplateResponse(
        request,
        name,
        {
            "actor": actor,
            "csrf": "" if session is None else session.csrf_token,
            "C": Capability,
            **context,
        },
    )


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


# Signing in and out.


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    return _page(request, "login.html", None, error="", notice="")


Token = Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


@router.get("/password/{token}")
def password_link_form(token: Token, request: Request) -> HTMLResponse:
    """A one-time password link: nobody is signed in; the token is the proof."""
    try:
        user_id = desk_of(request).password_link_user(token)
    except SignInError as exc:
        return _dead_link(request, token, str(exc))
    return _page(request, "password_link.html", None, token=token, user_id=user_id, error="")


@router.post("/password/{token}")
def password_by_link(
    token: Token,
    request: Request,
    password: Annotated[str, Form(max_length=1024)],
    again: Annotated[str, Form(max_length=1024)],
) -> Response:
    desk = desk_of(request)
    try:
        user_id = desk.password_link_user(token)
        if password != again:
            raise PasswordRuleError("password: the two entries differ")
        desk.set_password_by_link(token, password)
    except SignInError as exc:
        return _dead_link(request, token, str(exc))
    except PasswordRuleError as exc:
        # The link stays open: the person tries another password.
        refused = _page(
            request, "password_link.html", None, token=token, user_id=user_id, error=str(exc)
        )
        refused.status_code = 422
        return refused
    notice = f"{user_id}: your password is set; sign in with it"
    return _page(request, "login.html", None, error="", notice=notice)


def _dead_link(request: Request, token: str, error: str) -> HTMLResponse:
    dead = _page(request, "password_link.html", None, token=token, user_id="", error=error)
    dead.status_code = 410
    return dead


@router.post("/login")
def login(
    request: Request,
    user_id: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=1024)],
    code: Annotated[str, Form(max_length=10)] = "",
    new_password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    config = config_of(request)
    try:
        signed = sign_in(
            config.uow_factory,
            user_id,
            password,
            code,
            now=config.clock(),
            new_password=new_password,
            policy=config.sign_in,
            client=client_address(request),
        )
    except SignInError as exc:
        failed = _page(request, "login.html", None, error=str(exc), notice="")
        failed.status_code = 401
        return failed
    response = _see("/")
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        httponly=True,
        secure=config.secure_cookies,
        samesite="strict",
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request, actor: FormActor) -> Response:
    config = config_of(request)
    session: Authenticated = request.state.session
    sign_out(config.uow_factory, session.token_digest, now=config.clock())
    response = _see("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(actor: PageActor) -> Response:
    if actor.role is Role.AUDITOR:
        return _see("/dashboard")
    if actor.role is Role.ADMIN:
        return _see("/admin/users")
    return _see("/queue")


# Queues and items.


@dataclass(frozen=True, slots=True)
class _Asked(Generic[Where]):
    """What a worklist page was asked for: the filter, and the order."""

    where: Where
    sort: str
    descending: bool


def _queue_page(request: Request, actor: Actor, **extra: Any) -> HTMLResponse:
    """The queue page as first opened (the open items, best first)."""
    desk = desk_of(request)
    return _page(
        request,
        "queue.html",
        actor,
        view=desk.queue(actor),
        today=desk.today(),
        asked={},
        sorts=ITEM_SORT_LABELS,
        kinds=[k.value for k in WorkKind],
        **extra,
    )


ItemSortBy = Annotated[Literal["score", "amount", "deadline", "age", "kind", "item"], Query()]
ITEM_SORT_LABELS = (
    ("item", "Item"),
    ("kind", "Kind"),
    ("amount", "At stake"),
    ("deadline", "Deadline"),
    ("age", "Opened"),
    ("score", "Score / hour"),
)


def _item_list(
    queue: Annotated[str, Query(max_length=40)] = "",
    kind: Annotated[str, Query(max_length=40)] = "",
    status: Annotated[Literal["open", "snoozed", "in_progress"], Query()] = "open",
    amount_from: Annotated[str, Query(max_length=20)] = "",
    due_within: Annotated[str, Query(max_length=6)] = "",
    sort: ItemSortBy = "score",
    order: Annotated[Literal["asc", "desc"], Query()] = "desc",
) -> _Asked[ItemFilter]:
    least = _optional_amount(amount_from, "at stake from")
    where = ItemFilter(
        queue=queue.strip(),
        kind=kind.strip(),
        status=status,
        min_amount=least,
        due_within_days=_days("due within days", due_within),
    )
    return _Asked(where, sort, order == "desc")


ItemList = Annotated[_Asked[ItemFilter], Depends(_item_list)]


@router.get("/queue")
def my_queue(
    request: Request,
    actor: PageActor,
    asked: ItemList,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    desk = desk_of(request)
    view = desk.queue(actor, asked.where, sort=asked.sort, descending=asked.descending, page=page)
    kept = {k: v for k, v in request.query_params.items() if k not in ("page", "sort", "order")}
    return _page(
        request,
        "queue.html",
        actor,
        view=view,
        today=desk.today(),
        asked=kept,
        sorts=ITEM_SORT_LABELS,
        kinds=[k.value for k in WorkKind],
    )


@router.get("/queue.csv")
def my_queue_csv(request: Request, actor: PageActor, asked: ItemList) -> StreamingResponse:
    lines = desk_of(request).queue_csv(
        actor, asked.where, sort=asked.sort, descending=asked.descending
    )
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="queue.csv"'},
    )


@router.post("/practice")
def choose_practice(
    request: Request,
    session: Annotated[Authenticated, Depends(page_session)],
    practice_id: Annotated[str, Form(max_length=40)],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Work in another of one's practices (the switcher in the header)."""
    if not csrf_matches(session.csrf_token, csrf_token):
        raise CsrfError
    company_of(request).home.choose_practice(session.user, session.token_digest, practice_id)
    return _see("/")


@router.post("/queue/next-across")
def take_next_across(request: Request, actor: FormActor) -> Response:
    """The best item across every practice one works; the session moves to its practice."""
    taken = company_of(request).next_across(actor)
    if taken is None:
        return _queue_page(request, actor, empty=True)
    session: Authenticated = request.state.session
    company_of(request).home.choose_practice(session.user, session.token_digest, taken.practice)
    return _see(f"/items/{taken.item.item_id}")


@router.post("/queue/next")
def take_next(request: Request, actor: FormActor) -> Response:
    item = desk_of(request).next_item(actor)
    if item is None:
        return _queue_page(request, actor, empty=True)
    return _see(f"/items/{item.item_id}")


@router.post("/items/{item_id}/take")
def take_item(item_id: ItemId, request: Request, actor: FormActor) -> Response:
    """Take an item one chose from the queue (open or snoozed), not only the next one."""
    desk_of(request).take(actor, item_id)
    return _see(f"/items/{item_id}")


@router.get("/items/{item_id}")
def item_page(item_id: ItemId, request: Request, actor: PageActor) -> HTMLResponse:
    return _item_page(
        request,
        actor,
        item_id,
        fixed=request.query_params.get("fixed", ""),
        made=request.query_params.get("made", ""),
    )


def _item_page(
    request: Request,
    actor: Actor,
    item_id: int,
    *,
    fixed: str = "",
    made: str = "",
    still: tuple[Finding, ...] = (),
) -> HTMLResponse:
    desk = desk_of(request)
    view = desk.item(actor, item_id)
    claim_id = view.item.claim_id
    return _page(
        request,
        "item.html",
        actor,
        view=view,
        today=desk.today(),
        outcomes=[o for o in Outcome if o.value != "problem_solved"],
        denial=desk.denial_facts(view.item),
        write_off=desk.write_off_request(view.item),
        write_off_reasons=REASONS,
        appeals=desk.appeals(claim_id) if claim_id else [],
        follow_ups=desk.follow_ups(claim_id) if claim_id else [],
        fixed=request.query_params.get("fixed", ""),
        made=request.query_params.get("made", ""),
    )


@router.post("/items/{item_id}/note")
def note(item_id: ItemId, request: Request, actor: FormActor, text: Text) -> Response:
    desk_of(request).note(actor, item_id, text)
    return _see(f"/items/{item_id}")


@router.post("/items/{item_id}/snooze")
def snooze(
    item_id: ItemId,
    request: Request,
    actor: FormActor,
    until: Annotated[str, Form(max_length=10)],
) -> Response:
    try:
        day = datetime.fromisoformat(until).date()
    except ValueError as exc:
        raise WorkError(f"snooze until: {until!r} is not a date (YYYY-MM-DD)") from exc
    desk_of(request).snooze(actor, item_id, datetime.combine(day, time(8), tzinfo=UTC))
    return _see("/queue")


@router.post("/items/{item_id}/release")
def release(item_id: ItemId, request: Request, actor: FormActor) -> Response:
    desk_of(request).release(actor, item_id)
    return _see("/queue")


@router.post("/items/{item_id}/escalate")
def escalate(item_id: ItemId, request: Request, actor: FormActor, reason: Text) -> Response:
    desk_of(request).escalate(actor, item_id, reason)
    return _see("/queue")


@router.post("/items/{item_id}/close")
def close(
    item_id: ItemId,
    request: Request,
    actor: FormActor,
    outcome: Annotated[Outcome, Form()],
    action: Annotated[str, Form(max_length=40)] = "",
    resolved: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    amount = _optional_amount(resolved, "dollars recovered")
    try:
        chosen = WorkAction(action) if action else None
    except ValueError as exc:
        raise WorkError(f"action: {action!r} is not an action") from exc
    desk_of(request).close(actor, item_id, outcome, amount, chosen)
    return _see("/queue")


# Billing actions on the item's claim.


def _line_coding(form: dict[str, str], line: int) -> LineCoding:
    modifiers = tuple(m for m in form.get(f"modifiers_{line}", "").replace(",", " ").split() if m)
    try:
        pointers = tuple(int(p) for p in form.get(f"pointers_{line}", "").replace(",", " ").split())
    except ValueError as exc:
        raise ClaimFixError(
            f"service line {line}: diagnosis pointers must be numbers 1 to 12"
        ) from exc
    return LineCoding(modifiers, pointers)


@router.post("/items/{item_id}/fix")
async def fix_claim(item_id: ItemId, request: Request, actor: FormActor) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if any(len(v) > 200 for v in form.values()):
        raise ClaimFixError("a field of the fix form is longer than 200 characters")
    lines = {
        int(key.split("_", 1)[1]): _line_coding(form, int(key.split("_", 1)[1]))
        for key in form
        if key.startswith("pointers_") and key.split("_", 1)[1].isdigit()
    }
    fix = ClaimFix(
        member_id=form.get("member_id", ""),
        group_number=form.get("group_number", ""),
        diagnoses=tuple(
            d.strip().upper().replace(".", "")
            for d in form.get("diagnoses", "").replace(",", " ").split()
        ),
        lines=lines,
    )
    result = desk_of(request).fix(actor, item_id, fix)
    if result.released:
        return _see(f"/items/{item_id}?fixed=released")
    # Still held: the item page shows what the new scrub found.
    return _item_page(request, actor, item_id, fixed="still-held", still=result.blocking)


@router.post("/items/{item_id}/corrected-claim")
def corrected_claim(item_id: ItemId, request: Request, actor: FormActor) -> Response:
    new = desk_of(request).corrected_claim(actor, item_id)
    # The corrected claim opens in the editor: it is sent once the biller saves the change.
    return _see(f"/claims/{new}/edit")


@router.post("/items/{item_id}/void")
def void_claim(item_id: ItemId, request: Request, actor: FormActor, reason: Text = "") -> Response:
    new = desk_of(request).void(actor, item_id, reason)
    return _see(f"/items/{item_id}?made={new}")


@router.post("/items/{item_id}/appeal")
def appeal(item_id: ItemId, request: Request, actor: FormActor, argument: Text) -> Response:
    desk_of(request).appeal(actor, item_id, argument)
    return _see(f"/items/{item_id}")


@router.get("/items/{item_id}/appeals/{appeal_id}/letter")
def appeal_letter(
    item_id: ItemId,
    appeal_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    request: Request,
    actor: PageActor,
) -> Response:
    name, data = desk_of(request).appeal_letter(actor, item_id, appeal_id)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/items/{item_id}/follow-up")
def follow_up(
    item_id: ItemId,
    request: Request,
    actor: FormActor,
    channel: Annotated[str, Form(max_length=10)],
    notes: Text,
    reference: Annotated[str, Form(max_length=80)] = "",
    next_follow_up: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    day = _day("next follow-up", next_follow_up)
    desk_of(request).follow_up(
        actor, item_id, channel=channel, reference=reference, notes=notes, next_follow_up=day
    )
    return _see(f"/items/{item_id}")


def _amount(text: str, field: str) -> Money:
    try:
        return parse_dollars(text)
    except MoneyError as exc:
        raise WorkError(f"{field}: {exc}") from exc


def _optional_amount(text: str, field: str) -> Money | None:
    """Dollars as a form sends them: "" for none."""
    return _amount(text, field) if text.strip() else None


@router.post("/items/{item_id}/write-off")
def request_write_off(
    item_id: ItemId,
    request: Request,
    actor: FormActor,
    amount: Annotated[str, Form(max_length=20)],
    reason_code: Annotated[str, Form(max_length=20)],
    note: Text = "",
) -> Response:
    desk_of(request).request_write_off(
        actor, item_id, _amount(amount, "write-off amount"), reason_code, note
    )
    return _see(f"/items/{item_id}")


@router.post("/items/{item_id}/write-off/decision")
def decide_write_off(
    item_id: ItemId,
    request: Request,
    actor: FormActor,
    decision: Annotated[str, Form(pattern="^(approve|reject)$")],
) -> Response:
    desk_of(request).decide_write_off(actor, item_id, decision == "approve")
    return _see(f"/items/{item_id}")


# Claims and patients.


@router.get("/search")
def search(
    request: Request, actor: PageActor, q: Annotated[str, Query(max_length=80)] = ""
) -> HTMLResponse:
    return _page(request, "search.html", actor, found=desk_of(request).search(actor, q))


SortBy = Annotated[
    Literal["date_of_service", "balance", "charge", "claim_id", "status", "payer", "patient"],
    Query(),
]


def _days(name: str, text: str) -> int | None:
    """A number of days as the filter form sends it: "" for none."""
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise WorkError(f"{name}: {text!r} is not a number of days")
    return int(text)


def _worklist(
    status: Annotated[str, Query(max_length=20)] = "",
    payer: Annotated[str, Query(max_length=80)] = "",
    provider: Annotated[str, Query(max_length=10)] = "",
    age_from: Annotated[str, Query(max_length=6)] = "",
    age_to: Annotated[str, Query(max_length=6)] = "",
    balance_from: Annotated[str, Query(max_length=20)] = "",
    denial: Annotated[str, Query(max_length=40)] = "",
    sort: SortBy = "date_of_service",
    order: Annotated[Literal["asc", "desc"], Query()] = "desc",
) -> _Asked[ClaimFilter]:
    least = _optional_amount(balance_from, "balance from")
    where = ClaimFilter(
        status=status,
        payer_id=payer,
        provider_npi=provider,
        min_age_days=_days("days since service, from", age_from),
        max_age_days=_days("days since service, to", age_to),
        min_balance=least,
        denial_category=denial,
    )
    return _Asked(where, sort, order == "desc")


Worklist = Annotated[_Asked[ClaimFilter], Depends(_worklist)]


@router.get("/claims")
def claims_worklist(
    request: Request,
    actor: PageActor,
    asked: Worklist,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    found = desk_of(request).claims_worklist(
        actor, asked.where, sort=asked.sort, descending=asked.descending, page=page
    )
    kept = {k: v for k, v in request.query_params.items() if k not in ("page", "sort", "order")}
    return _page(
        request,
        "claims.html",
        actor,
        found=found,
        asked=kept,
        statuses=list(ClaimStatus),
        sorts=SORT_LABELS,
    )


@router.get("/claims.csv")
def claims_worklist_csv(request: Request, actor: PageActor, asked: Worklist) -> StreamingResponse:
    lines = desk_of(request).claims_worklist_csv(
        actor, asked.where, sort=asked.sort, descending=asked.descending
    )
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="claims.csv"'},
    )


SORT_LABELS = (
    ("claim_id", "Claim"),
    ("status", "Status"),
    ("payer", "Payer"),
    ("patient", "Patient"),
    ("date_of_service", "Date of service"),
    ("charge", "Charge"),
    ("balance", "Open balance"),
)


@router.get("/claims/{claim_id}")
def claim_page(claim_id: Id, request: Request, actor: PageActor) -> HTMLResponse:
    return _page(request, "claim.html", actor, view=desk_of(request).claim(actor, claim_id))


def _editor_page(
    request: Request,
    actor: Actor,
    view: ClaimEditView,
    *,
    form: ClaimForm | None = None,
    outcome: EditOutcome | None = None,
    refused: ClaimInputError | None = None,
    not_saved: str = "",
) -> HTMLResponse:
    placed, loose = findings_by_field(view.findings)
    errors: dict[tuple[str, int | None], list[InputError]] = {}
    for error in () if refused is None else refused.errors:
        errors.setdefault((error.field, error.line), []).append(error)
    response = _page(
        request,
        "claim_edit.html",
        actor,
        view=view,
        form=form or view.form,
        outcome=outcome,
        not_saved=not_saved,
        input_errors=() if refused is None else refused.errors,
        placed=placed,
        loose=loose,
        errors=errors,
        patient_fields=PATIENT_FIELDS,
        coverage_fields=COVERAGE_FIELDS,
        encounter_fields=ENCOUNTER_FIELDS,
        line_fields=LINE_FIELDS,
    )
    if refused is not None:
        response.status_code = 422
    return response


@router.get("/claims/{claim_id}/edit")
def claim_editor_page(claim_id: Id, request: Request, actor: PageActor) -> HTMLResponse:
    return _editor_page(request, actor, desk_of(request).claim_editor(actor, claim_id))


def _typed_form(typed: dict[str, str]) -> ClaimForm:
    """The editor's form as posted: the claim's fields by name, each line's as
    ``line-N-name``."""
    if any(len(v) > 200 for v in typed.values()):
        raise ClaimFixError("a field of the claim editor is longer than 200 characters")
    lines: dict[int, dict[str, str]] = {}
    for key, value in typed.items():
        parts = key.split("-", 2)
        if len(parts) == 3 and parts[0] == "line" and parts[1].isdigit() and parts[2] in LINE_NAMES:
            lines.setdefault(int(parts[1]), {"line_number": parts[1]})[parts[2]] = value
    fields = {name: typed.get(name, "") for name in HEADER_NAMES}
    return ClaimForm(fields, tuple(lines[n] for n in sorted(lines)))


@router.post("/claims/{claim_id}/edit")
async def edit_claim(claim_id: Id, request: Request, actor: FormActor) -> HTMLResponse:
    typed = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    form = _typed_form(typed)
    desk = desk_of(request)
    try:
        outcome = desk.edit_claim(actor, claim_id, form, typed.get("unchanged_because", ""))
    except ClaimInputError as refused:
        view = desk.claim_editor(actor, claim_id)
        return _editor_page(request, actor, view, form=form, refused=refused)
    except ClaimEditError as impossible:
        view = desk.claim_editor(actor, claim_id)
        page = _editor_page(request, actor, view, form=form, not_saved=str(impossible))
        page.status_code = 409
        return page
    return _editor_page(request, actor, outcome.view, outcome=outcome)


@router.get("/claims/{claim_id}/eligibility")
def eligibility_page(claim_id: Id, request: Request, actor: PageActor) -> HTMLResponse:
    view = desk_of(request).eligibility(actor, claim_id)
    return _page(request, "eligibility.html", actor, view=view)


@router.post("/claims/{claim_id}/estimate")
def estimate(claim_id: Id, request: Request, actor: FormActor) -> Response:
    desk_of(request).estimate(actor, claim_id)
    return _see(f"/claims/{claim_id}/eligibility")


@router.get("/claims/{claim_id}/segments")
def segments_page(claim_id: Id, request: Request, actor: PageActor) -> HTMLResponse:
    view = desk_of(request).segments(actor, claim_id)
    return _page(request, "segments.html", actor, view=view)


# Remittances.


@router.get("/remittances")
def remittance_form(request: Request, actor: PageActor) -> HTMLResponse:
    actor.require(Capability.POST_REMITTANCES)
    return _page(request, "remittance.html", actor, result=None)


@router.post("/remittances")
async def post_remittance(
    request: Request, actor: FormActor, file: Annotated[UploadFile, File()]
) -> HTMLResponse:
    actor.require(Capability.POST_REMITTANCES)
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise WorkError(f"{file.filename}: larger than {MAX_UPLOAD // 1_000_000} MB")
    name = (file.filename or "upload.835").rsplit("/", 1)[-1][:120]
    result = desk_of(request).post_remittance(actor, name, data)
    return _page(request, "remittance.html", actor, result=result)


# Remittances received (ERAs).

EraSortBy = Annotated[Literal["paid_on", "payer", "trace", "amount", "claims", "status"], Query()]
ERA_SORT_LABELS = (
    ("paid_on", "Paid on"),
    ("payer", "Payer"),
    ("trace", "Check / EFT number"),
    ("amount", "Amount"),
    ("claims", "Claims"),
    ("status", "Status"),
)


def _day(name: str, text: str) -> date | None:
    """A date as the filter form sends it: "" for none."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise WorkError(f"{name}: {text!r} is not a date (YYYY-MM-DD)") from exc


def _era_list(
    payer: Annotated[str, Query(max_length=80)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
    trace: Annotated[str, Query(max_length=50)] = "",
    paid_from: Annotated[str, Query(max_length=10)] = "",
    paid_to: Annotated[str, Query(max_length=10)] = "",
    amount_from: Annotated[str, Query(max_length=20)] = "",
    sort: EraSortBy = "paid_on",
    order: Annotated[Literal["asc", "desc"], Query()] = "desc",
) -> _Asked[EraFilter]:
    least = _optional_amount(amount_from, "amount from")
    where = EraFilter(
        payer=payer.strip(),
        status=status.strip(),
        trace=trace.strip(),
        paid_from=_day("paid from", paid_from),
        paid_to=_day("paid to", paid_to),
        min_amount=least,
    )
    return _Asked(where, sort, order == "desc")


EraList = Annotated[_Asked[EraFilter], Depends(_era_list)]


@router.get("/eras")
def era_list(
    request: Request,
    actor: PageActor,
    asked: EraList,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    found = desk_of(request).eras(
        actor, asked.where, sort=asked.sort, descending=asked.descending, page=page
    )
    kept = {k: v for k, v in request.query_params.items() if k not in ("page", "sort", "order")}
    return _page(request, "eras.html", actor, found=found, asked=kept, sorts=ERA_SORT_LABELS)


@router.get("/eras.csv")
def era_list_csv(request: Request, actor: PageActor, asked: EraList) -> StreamingResponse:
    lines = desk_of(request).eras_csv(
        actor, asked.where, sort=asked.sort, descending=asked.descending
    )
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="remittances.csv"'},
    )


@router.get("/eras/{remittance_id}")
def era_page(
    remittance_id: Annotated[str, Path(max_length=40)], request: Request, actor: PageActor
) -> HTMLResponse:
    return _page(request, "era.html", actor, era=desk_of(request).era(actor, remittance_id))


# 837 batches and their acknowledgments.


@router.get("/batches")
def batch_list(
    request: Request,
    actor: PageActor,
    payer: Annotated[str, Query(max_length=80)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    found = desk_of(request).batches(actor, payer.strip(), page)
    return _page(request, "batches.html", actor, found=found, asked={"payer": payer.strip()})


@router.get("/batches/{batch_id}")
def batch_page(
    batch_id: Annotated[int, Path(ge=1, le=2_147_483_647)], request: Request, actor: PageActor
) -> HTMLResponse:
    batch, claims = desk_of(request).batch(actor, batch_id)
    return _page(request, "batch.html", actor, batch=batch, claims=claims)


@router.get("/acknowledgments")
def acknowledgment_list(
    request: Request,
    actor: PageActor,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    found = desk_of(request).acknowledgments(actor, page)
    return _page(request, "acknowledgments.html", actor, found=found, asked={})


# Deposits.


def _verdict_rows(found: Reassociation) -> list[tuple[str, int, Money, Money]]:
    return [
        (
            verdict.value,
            len(found.of(verdict)),
            total(g.era_total for g in found.of(verdict)),
            total(g.deposit_total for g in found.of(verdict)),
        )
        for verdict in Verdict
    ]


@router.get("/deposits")
def deposits_page(request: Request, actor: PageActor) -> HTMLResponse:
    found = desk_of(request).deposit_report(actor)
    return _page(
        request, "deposits.html", actor, found=found, rows=_verdict_rows(found), imported=None
    )


@router.post("/deposits/files")
async def import_deposits(
    request: Request, actor: FormActor, file: Annotated[UploadFile, File()]
) -> HTMLResponse:
    actor.require(Capability.POST_REMITTANCES)
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise WorkError(f"{file.filename}: larger than {MAX_UPLOAD // 1_000_000} MB")
    name = (file.filename or "bank.bai").rsplit("/", 1)[-1][:120]
    desk = desk_of(request)
    imported = desk.import_deposits(actor, name, data)
    found = desk.deposit_report(actor)
    return _page(
        request, "deposits.html", actor, found=found, rows=_verdict_rows(found), imported=imported
    )


@router.post("/deposits/reconcile")
def reconcile_deposits(request: Request, actor: FormActor) -> Response:
    desk_of(request).reconcile_deposits(actor)
    return _see("/deposits")


@router.get("/patients/{account}")
def patient_page(
    account: Id,
    request: Request,
    actor: PageActor,
    receipt: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    view, found = desk_of(request).patient_with_account(actor, account)
    return _page(
        request,
        "patient.html",
        actor,
        view=view,
        account=found,
        methods=list(PaymentMethod),
        receipt=receipt,
    )


@router.post("/patients/{account}/payments")
def take_payment(
    account: Id,
    request: Request,
    actor: FormActor,
    amount: Annotated[str, Form(max_length=20)],
    method: Annotated[PaymentMethod, Form()],
    reference: Annotated[str, Form(max_length=80)] = "",
    claim_id: Annotated[str, Form(max_length=38)] = "",
    received_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """The front desk's "take a payment": posted, then the page offers its receipt to print."""
    try:
        day = date.fromisoformat(received_on) if received_on else None
    except ValueError as exc:
        raise PaymentError(f"received on: {received_on!r} is not a date (YYYY-MM-DD)") from exc
    done = desk_of(request).take_payment(
        actor,
        PaymentRequest(
            patient_account=account,
            amount=_amount(amount, "amount"),
            method=method,
            reference=reference,
            claim_id=claim_id or None,
            received_on=day,
        ),
    )
    return _see(f"/patients/{account}?receipt={done.payment.receipt_number}")


@router.get("/payments/{receipt}/receipt.pdf")
def payment_receipt(
    receipt: Annotated[int, Path(ge=1, le=2**31 - 1)], request: Request, actor: PageActor
) -> Response:
    data = desk_of(request).receipt(actor, str(receipt))
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="receipt-{receipt}.pdf"'},
    )


# People.


@router.get("/admin/users")
def people(request: Request, actor: PageActor) -> HTMLResponse:
    desk = desk_of(request)
    return _page(
        request,
        "people.html",
        actor,
        people=desk.people(actor),
        queues=sorted(desk.policy.queues()),
        roles=list(Role),
    )


@router.post("/admin/users")
def add_person(
    request: Request,
    actor: FormActor,
    user_id: Annotated[str, Form(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._@-]+$")],
    name: Annotated[str, Form(min_length=1, max_length=60)],
    role: Annotated[Role, Form()],
) -> Response:
    desk_of(request).add_person(actor, user_id, name, role)
    return _see("/admin/users")


@router.post("/admin/users/{user_id}/grants")
def grant(
    user_id: Id,
    request: Request,
    actor: FormActor,
    queue: Annotated[str, Form(max_length=40)],
) -> Response:
    desk_of(request).grant(actor, user_id, queue)
    return _see("/admin/users")


@router.post("/admin/users/{user_id}/disable")
def disable(
    user_id: Id,
    request: Request,
    actor: FormActor,
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Disabling ends the person's sessions at once, so the form asks to confirm it."""
    if confirm != "yes":
        raise WorkError(f"disable {user_id}: tick the box to confirm; their sessions end at once")
    desk_of(request).disable(actor, user_id)
    return _see("/admin/users")


@router.post("/admin/users/{user_id}/enable")
def enable(user_id: Id, request: Request, actor: FormActor) -> Response:
    desk_of(request).enable(actor, user_id)
    return _see("/admin/users")


@router.post("/admin/users/{user_id}/revoke")
def revoke(
    user_id: Id,
    request: Request,
    actor: FormActor,
    queue: Annotated[str, Form(max_length=40)],
) -> Response:
    desk_of(request).revoke(actor, user_id, queue)
    return _see("/admin/users")


@router.post("/admin/users/{user_id}/role")
def change_role(
    user_id: Id,
    request: Request,
    actor: FormActor,
    role: Annotated[Role, Form()],
) -> Response:
    desk_of(request).change_role(actor, user_id, role)
    return _see("/admin/users")


@router.post("/admin/users/{user_id}/password-link")
def password_link(user_id: Id, request: Request, actor: FormActor) -> HTMLResponse:
    issued = desk_of(request).password_link(actor, user_id)
    return _page(
        request,
        "password_link_made.html",
        actor,
        user_id=user_id,
        url=str(request.url_for("password_link_form", token=issued.token)),
        expires_at=issued.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
    )


@router.post("/admin/users/{user_id}/password")
def set_password(
    user_id: Id,
    request: Request,
    actor: FormActor,
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    desk_of(request).set_password(actor, user_id, password)
    return _see("/admin/users")


# Figures and the audit log.


AsOf = Annotated[date | None, Query(alias="as_of")]
ArPart = Annotated[
    Literal["", "insurance", "patient", "insurance billed", "insurance unbilled"], Query()
]
ArBucket = Annotated[Literal["", "0-30", "31-60", "61-90", "91-120", "120+"], Query()]


@router.get("/dashboard")
def dashboard(request: Request, actor: PageActor, as_of: AsOf = None) -> HTMLResponse:
    shown = desk_of(request).dashboard_page(actor, as_of=as_of)
    return _page(request, "dashboard.html", actor, view=shown.view, figures=shown.figures)


@router.get("/dashboard/claims")
def dashboard_claims(
    request: Request,
    actor: PageActor,
    kpi: Annotated[str, Query(max_length=40)],
    payer: Annotated[str | None, Query(max_length=40)] = None,
    part: Annotated[str, Query(max_length=80)] = "",
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    found = desk_of(request).figure_claims(
        actor, kpi, payer_id=payer, part=part, start=start, end=end, page=page
    )
    return _page(request, "figure_claims.html", actor, found=found)


@router.get("/dashboard/ar")
def dashboard_ar(
    request: Request,
    actor: PageActor,
    as_of: AsOf = None,
    payer: Annotated[str | None, Query(max_length=40)] = None,
    part: ArPart = "",
    bucket: ArBucket = "",
    after: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """One page of the claims behind the A/R figure (or a part, payer or bucket of it)."""
    where = ArFilter(payer_id=payer, part=part, bucket=bucket)
    found = desk_of(request).ar_claims(actor, where, as_of=as_of, after=after)
    query = {"as_of": found.as_of.isoformat(), "payer": payer or "", "part": part, "bucket": bucket}
    return _page(
        request,
        "ar_claims.html",
        actor,
        found=found,
        where=where,
        query={k: v for k, v in query.items() if v},
    )


@router.get("/dashboard/ar.csv")
def dashboard_ar_csv(
    request: Request,
    actor: PageActor,
    as_of: AsOf = None,
    payer: Annotated[str | None, Query(max_length=40)] = None,
    part: ArPart = "",
    bucket: ArBucket = "",
) -> StreamingResponse:
    """Every claim behind (a part of) the A/R figure as CSV, streamed as it is read."""
    where = ArFilter(payer_id=payer, part=part, bucket=bucket)
    lines = desk_of(request).ar_claims_csv(actor, where, as_of=as_of)
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="ar_claims.csv"'},
    )


@router.get("/audit")
def audit(request: Request, actor: PageActor) -> HTMLResponse:
    return _page(request, "audit.html", actor, records=desk_of(request).audit_log(actor))


# The month end: periods, close and reopen, the pack and the invoice (docs/close.md).

# YYYY-MM of the years 1901 to 2999 (a pack reads the month before, and Month starts at 1900).
MONTH = r"^(19(0[1-9]|[1-9]\d)|2\d{3})-(0[1-9]|1[0-2])$"
Period = Annotated[str, Path(pattern=MONTH)]
MEDIA = {".csv": "text/csv; charset=utf-8", ".pdf": "application/pdf", ".zip": "application/zip"}


def _month_end_page(
    request: Request,
    actor: Actor,
    month: Month | None,
    refused: CloseOutcome | None = None,
) -> HTMLResponse:
    desk = close_desk_of(request)
    states = desk.periods(actor)
    closed = [s.month for s in states if s.status is PeriodStatus.CLOSED]
    through = max(closed) if closed else None
    following = through.following if through else Month.of(desk_of(request).today()).preceding
    shown = month or following
    pack = desk.read_pack(actor, shown)
    bill = desk.read_invoice(actor, shown) if pack.status is PeriodStatus.CLOSED else None
    page = _page(
        request,
        "month_end.html",
        actor,
        states=states,
        through=through,
        month=shown,
        pack=pack,
        bill=bill,
        refused=refused,
    )
    if refused is not None:
        page.status_code = 409
    return page


@router.get("/month-end")
def month_end(
    request: Request,
    actor: PageActor,
    month: Annotated[str | None, Query(pattern=MONTH)] = None,
) -> HTMLResponse:
    return _month_end_page(request, actor, None if month is None else Month.parse(month))


@router.post("/month-end/{period}/close")
def close_month(period: Period, request: Request, actor: FormActor) -> Response:
    """Close the month; a refusal shows the page again with each finding and its fix hint."""
    month = Month.parse(period)
    outcome = close_desk_of(request).close_period(actor, month)
    if not outcome.closed:
        return _month_end_page(request, actor, month, refused=outcome)
    return _see(f"/month-end?month={month}")


@router.post("/month-end/{period}/reopen")
def reopen_month(
    period: Period,
    request: Request,
    actor: FormActor,
    reason: Annotated[str, Form(min_length=1, max_length=500, pattern=r"\S")],
) -> Response:
    month = Month.parse(period)
    close_desk_of(request).reopen_period(actor, month, reason)
    return _see(f"/month-end?month={month}")


@router.get("/month-end/{period}/files/{name}")
def month_end_file(
    period: Period,
    name: Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[a-z0-9.-]+$")],
    request: Request,
    actor: PageActor,
) -> Response:
    """One file of the month's pack or invoice (CSV, PDF) or either whole (ZIP)."""
    media = MEDIA.get(name[name.rfind(".") :])
    if media is None:
        raise NotFoundError(f"period {period}: no file {name!r}")
    data = close_desk_of(request).document(actor, Month.parse(period), name)
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# Patient statements, collections and good-faith estimates (docs/statements.md,
# docs/collections.md, docs/good-faith-estimates.md).


def _statements_page(
    request: Request, actor: Actor, result: RunResult | None = None
) -> HTMLResponse:
    desk = statement_desk_of(request)
    return _page(
        request,
        "statements.html",
        actor,
        statements=desk.statements(actor),
        runs=desk.statement_runs(actor),
        result=result,
    )


@router.get("/statements")
def statements_page(request: Request, actor: PageActor) -> HTMLResponse:
    """The statement runs with their batch PDFs, and every statement kept with its PDF."""
    return _statements_page(request, actor)


@router.post("/statements/run")
def run_statements(
    request: Request,
    actor: FormActor,
    dry_run: Annotated[Literal["yes", "no"], Form()] = "no",
) -> HTMLResponse:
    """Run today's statements; a dry run shows who would get one and why others are skipped,
    and keeps nothing. Either way the page shows the run's report, so it is for whoever may
    read patients."""
    actor.require(Capability.READ_PATIENTS)
    result = statement_desk_of(request).run_statements(actor, dry_run=dry_run == "yes")
    return _statements_page(request, actor, result)


@router.get("/statements/runs/{day}/batch.pdf")
def statement_batch_pdf(day: date, request: Request, actor: PageActor) -> Response:
    data = statement_desk_of(request).statement_batch_pdf(actor, day)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="batch-{day.isoformat()}.pdf"'},
    )


@router.get("/statements/{statement_id}.pdf")
def statement_pdf(
    statement_id: Annotated[str, Path(min_length=1, max_length=100)],
    request: Request,
    actor: PageActor,
) -> Response:
    data = statement_desk_of(request).statement_pdf(actor, statement_id)
    return Response(data, media_type="application/pdf")


EXPORT_FILE = r"^collections-\d{8}T\d{6}\.csv$"
ReferralId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _collections_page(
    request: Request, actor: Actor, *, exported: str = "", refused: str = ""
) -> HTMLResponse:
    desk = statement_desk_of(request)
    referrals = desk.collection_referrals(actor)
    page = _page(
        request,
        "collections.html",
        actor,
        candidates=desk.collection_candidates(actor),
        pending=[r for r in referrals if r["status"] == PROPOSED],
        approved=[r for r in referrals if r["status"] == APPROVED],
        rejected=[r for r in referrals if r["status"] == REJECTED],
        referred=desk.collections_referred(actor),
        exported=exported,
        refused=refused,
    )
    if refused:
        page.status_code = 422
    return page


@router.get("/collections")
def collections_page(
    request: Request,
    actor: PageActor,
    exported: Annotated[str, Query(pattern=f"{EXPORT_FILE}|^none$")] = "",
) -> HTMLResponse:
    """Accounts due for collections, referrals awaiting a manager, the agency export and the
    accounts referred with what was recovered since."""
    return _collections_page(request, actor, exported=exported)


@router.post("/collections/review")
def review_collections(request: Request, actor: FormActor) -> Response:
    statement_desk_of(request).review_collections(actor)
    return _see("/collections")


@router.post("/collections/export")
def export_collections(request: Request, actor: FormActor) -> Response:
    """Export every approved referral to the agency's CSV; the page then offers the file."""
    try:
        done = statement_desk_of(request).export_collections(actor)
    except CollectionsError as exc:
        return _collections_page(request, actor, refused=str(exc))
    return _see(f"/collections?exported={done.file.rsplit('/', 1)[-1] or 'none'}")


@router.post("/collections/{referral_id}/decision")
def decide_collections(
    referral_id: ReferralId,
    request: Request,
    actor: FormActor,
    decision: Annotated[Literal["approve", "reject"], Form()],
) -> Response:
    """A manager other than the proposer decides; the service's refusal is shown on the page."""
    try:
        statement_desk_of(request).decide_collections(
            actor, referral_id, approve=decision == "approve"
        )
    except CollectionsError as exc:
        return _collections_page(request, actor, refused=str(exc))
    return _see("/collections")


@router.get("/collections/files/{name}")
def collections_file(
    name: Annotated[str, Path(pattern=EXPORT_FILE)], request: Request, actor: PageActor
) -> Response:
    data = statement_desk_of(request).collections_export_file(actor, name)
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


GfeId = Annotated[str, Path(min_length=1, max_length=100)]


def _gfe_path(gfe_id: str) -> str:
    return f"/gfe/{quote(gfe_id, safe='')}"


@router.post("/gfe")
def make_gfe(
    request: Request,
    actor: FormActor,
    encounter_id: Annotated[str, Form(min_length=1, max_length=80)],
) -> Response:
    """Make the self-pay visit's good-faith estimate (once) and show it."""
    made = statement_desk_of(request).make_gfe(actor, encounter_id)
    return _see(_gfe_path(str(made.estimate["gfe_id"])))


@router.get("/gfe/{gfe_id}")
def gfe_page(gfe_id: GfeId, request: Request, actor: PageActor) -> HTMLResponse:
    found = statement_desk_of(request).gfe_standing(actor, gfe_id)
    return _page(request, "gfe.html", actor, gfe=found, path=_gfe_path(gfe_id))


@router.get("/gfe/{gfe_id}/estimate.pdf")
def gfe_pdf(gfe_id: GfeId, request: Request, actor: PageActor) -> Response:
    data = statement_desk_of(request).gfe_pdf(actor, gfe_id)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="good-faith-estimate.pdf"'},
    )


@router.post("/gfe/{gfe_id}/check")
def check_gfes(gfe_id: GfeId, request: Request, actor: FormActor) -> Response:
    """Check every open estimate against the bill now (what each statement run does first)."""
    statement_desk_of(request).review_gfes(actor)
    return _see(_gfe_path(gfe_id))


@router.post("/gfe/{gfe_id}/resolve")
def resolve_gfe(
    gfe_id: GfeId,
    request: Request,
    actor: FormActor,
    note: Annotated[str, Form(min_length=1, max_length=500, pattern=r"\S")],
) -> Response:
    statement_desk_of(request).resolve_gfe(actor, gfe_id, note)
    return _see(_gfe_path(gfe_id))
