"""The web application: pages, the JSON API under ``/api/v1``, headers and error answers.

Errors on ``/api/`` are problem+json (RFC 9457); on pages they are an HTML page with the reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from claimdesk.desk.billing import BillingDesk
from claimdesk.desk.close import CloseDesk
from claimdesk.desk.company import CompanyDesk
from claimdesk.desk.config import DeskConfig
from claimdesk.desk.desk import DeskSetupError
from claimdesk.desk.guard import ForbiddenError, NotFoundError
from claimdesk.desk.statements import StatementDesk
from claimdesk.domain.clock import DayOutOfRangeError
from claimdesk.domain.good_faith import GoodFaithError
from claimdesk.domain.patient_payments import PaymentError
from claimdesk.domain.payment_plans import PlanError
from claimdesk.domain.statements import StatementError, shipped_dunning
from claimdesk.domain.work import WorkError
from claimdesk.http.api.routes import router as api_router
from claimdesk.http.assets import installed, node_modules
from claimdesk.http.auth import CsrfError, SignInRequiredError
from claimdesk.http.pages.pages import router as pages_router
from claimdesk.http.pages.templates import templates
from claimdesk.posting.bank_files import BankFileError
from claimdesk.routing.access import AccessError
from claimdesk.rule_files import RuleFileError
from claimdesk.security.accounts import LockedError, SignInError
from claimdesk.security.headers import headers_for
from claimdesk.security.passwords import PasswordRuleError
from claimdesk.services.claim_editor import ClaimEditError, ClaimInputError
from claimdesk.services.close import PeriodError
from claimdesk.services.collections import CollectionsError
from claimdesk.services.deposits import DepositError
from claimdesk.services.held_claims import ClaimFixError
from claimdesk.services.statements import practice_dunning
from claimdesk.services.tier2 import Tier2Error
from claimdesk.services.users import UserError

STATIC = Path(__file__).resolve().parent / "pages" / "static"

# Exceptions a person's request can cause, with the HTTP status and title they answer with.
EXPECTED: tuple[tuple[type[Exception], int, str], ...] = (
    (LockedError, 429, "Too many failed sign-ins"),
    (SignInError, 401, "Sign-in failed"),
    (SignInRequiredError, 401, "Sign-in required"),
    (CsrfError, 403, "Form expired"),
    (ForbiddenError, 403, "Not allowed"),
    (AccessError, 403, "Not allowed"),
    (NotFoundError, 404, "Not found"),
    (WorkError, 409, "Not possible in the item's state"),
    (UserError, 422, "Invalid person"),
    (PasswordRuleError, 422, "Invalid password"),
    (ClaimFixError, 422, "Invalid fix"),
    (ClaimInputError, 422, "Invalid claim data"),
    (ClaimEditError, 409, "Not possible for the claim"),
    (Tier2Error, 409, "Not possible for the claim"),
    (BankFileError, 422, "Invalid bank file"),
    (DepositError, 422, "Invalid deposit"),
    (PaymentError, 422, "Invalid payment or refund"),
    (PeriodError, 409, "Not possible for the period"),
    (StatementError, 422, "Invalid statement request"),
    (PlanError, 422, "Invalid payment plan"),
    (CollectionsError, 422, "Invalid collections request"),
    (GoodFaithError, 422, "Invalid good-faith estimate request"),
    (DayOutOfRangeError, 422, "Invalid date"),
    (DeskSetupError, 503, "Not set up"),
    (RuleFileError, 503, "Not set up"),
)


def _problem(status: int, title: str, detail: str, instance: str) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail
    body["instance"] = instance
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status, headers=headers, media_type="application/problem+json")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_page(request: Request, status: int, title: str, detail: str) -> Response:
    return templates.TemplateResponse(
        request, "error.html", {"title": title, "detail": detail}, status_code=status
    )


def _answer(request: Request, status: int, title: str, detail: str) -> Response:
    if _is_api(request):
        return _problem(status, title, detail, request.url.path)
    if status == 401 and title == "Sign-in required":
        return RedirectResponse("/login", status_code=303)
    return _error_page(request, status, title, detail)


def create_app(config: DeskConfig) -> FastAPI:
    app = FastAPI(
        title="claimdesk",
        version="1",
        description="The billing desk: work queues, claims, patients, people and figures.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.config = config

    def practice_desk(practice_id: str) -> BillingDesk:
        uow_factory, settings, rules = config.uow_factory, config.settings, config.rules
        if config.practice_stores is not None and practice_id != config.practice:
            uow_factory, settings = config.practice_stores(practice_id)
        if config.practice_rules is not None and practice_id != config.practice:
            rules = config.practice_rules(practice_id)
        return BillingDesk(uow_factory, rules, config.clock, settings, box=config.sign_in.box)

    def close_desk(practice_id: str) -> CloseDesk:
        """The month-end desk on the same store and home as the practice's billing desk."""
        billing = company.desk(practice_id)
        return CloseDesk(
            billing.uow_factory,
            billing.policy,
            billing.clock,
            billing.settings,
            billing.rules.denials,
        )

    def statement_desk(practice_id: str) -> StatementDesk:
        """The statement desk on the same store and home as the practice's billing desk."""
        billing = company.desk(practice_id)
        home = billing.settings
        return StatementDesk(
            billing.uow_factory,
            billing.policy,
            billing.clock,
            dunning=shipped_dunning() if home is None else practice_dunning(home.practice_home),
            archive=None if home is None else home.archive,
        )

    company = CompanyDesk(practice_desk, config.practice, close_desk, statement_desk)
    app.state.company = company

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in headers_for(request.url.path).items():
            response.headers.setdefault(name, value)
        return response

    for exc_type, status, title in EXPECTED:
        app.add_exception_handler(exc_type, _handler(status, title))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        return _answer(request, 422, "Invalid request", reasons)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _answer(request, exc.status_code, str(exc.detail), str(exc.detail))

    app.include_router(api_router, prefix="/api/v1")
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    modules = node_modules()
    vendors = installed(modules)
    for vendor in vendors.values():
        app.mount(f"/vendor/{vendor.name}", StaticFiles(directory=vendor.path(modules)))
    templates.env.globals["vendor"] = {name: v.href() for name, v in vendors.items()}
    return app


def _handler(status: int, title: str) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handle(request: Request, exc: Exception) -> Response:
        return _answer(request, status, title, str(exc) or title)

    return handle
