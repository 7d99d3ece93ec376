"""The pages: sign-in, my queue, item, search, claim, patient, people, dashboard, audit log.

Every page that changes something is a POST form carrying the session's CSRF token; each
answers with a redirect to the page showing the result (post/redirect/get).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from claimdesk.api.guard import Actor, Capability
from claimdesk.domain.money import Money
from claimdesk.domain.work import Outcome, WorkAction, WorkError
from claimdesk.routing.access import Role
from claimdesk.security.accounts import Authenticated, SignInError, sign_in, sign_out
from claimdesk.web.auth import SESSION_COOKIE, FormActor, PageActor, config_of, desk_of
from claimdesk.web.templates import templates

router = APIRouter(include_in_schema=False)

ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Id = Annotated[str, Path(min_length=1, max_length=80)]
Text = Annotated[str, Form(max_length=4000)]


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
    return _page(request, "login.html", None, error="")


@router.post("/login")
def login(
    request: Request,
    user_id: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=1024)],
    code: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    config = config_of(request)
    try:
        signed = sign_in(
            config.uow_factory,
            user_id,
            password,
            code,
            now=config.clock(),
            throttle=config.throttle,
        )
    except SignInError as exc:
        failed = _page(request, "login.html", None, error=str(exc))
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


@router.get("/queue")
def my_queue(request: Request, actor: PageActor) -> HTMLResponse:
    return _page(request, "queue.html", actor, view=desk_of(request).queue(actor))


@router.post("/queue/next")
def take_next(request: Request, actor: FormActor) -> Response:
    item = desk_of(request).next_item(actor)
    if item is None:
        return _page(request, "queue.html", actor, view=desk_of(request).queue(actor), empty=True)
    return _see(f"/items/{item.item_id}")


@router.get("/items/{item_id}")
def item_page(item_id: ItemId, request: Request, actor: PageActor) -> HTMLResponse:
    view = desk_of(request).item(actor, item_id)
    return _page(
        request,
        "item.html",
        actor,
        view=view,
        outcomes=[o for o in Outcome if o.value != "problem_solved"],
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
    try:
        amount = Money(Decimal(resolved)) if resolved.strip() else None
    except (InvalidOperation, ValueError) as exc:
        raise WorkError(f"dollars recovered: {resolved!r} is not an amount") from exc
    try:
        chosen = WorkAction(action) if action else None
    except ValueError as exc:
        raise WorkError(f"action: {action!r} is not an action") from exc
    desk_of(request).close(actor, item_id, outcome, amount, chosen)
    return _see("/queue")


# Claims and patients.


@router.get("/search")
def search(
    request: Request, actor: PageActor, q: Annotated[str, Query(max_length=80)] = ""
) -> HTMLResponse:
    return _page(request, "search.html", actor, found=desk_of(request).search(actor, q))


@router.get("/claims/{claim_id}")
def claim_page(claim_id: Id, request: Request, actor: PageActor) -> HTMLResponse:
    return _page(request, "claim.html", actor, view=desk_of(request).claim(actor, claim_id))


@router.get("/patients/{account}")
def patient_page(account: Id, request: Request, actor: PageActor) -> HTMLResponse:
    return _page(request, "patient.html", actor, view=desk_of(request).patient(actor, account))


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
def disable(user_id: Id, request: Request, actor: FormActor) -> Response:
    desk_of(request).disable(actor, user_id)
    return _see("/admin/users")


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


@router.get("/dashboard")
def dashboard(request: Request, actor: PageActor) -> HTMLResponse:
    return _page(request, "dashboard.html", actor, view=desk_of(request).dashboard(actor))


@router.get("/audit")
def audit(request: Request, actor: PageActor) -> HTMLResponse:
    return _page(request, "audit.html", actor, records=desk_of(request).audit_log(actor))
