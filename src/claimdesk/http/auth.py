"""Who is asking: the session cookie (pages) or a bearer token (API), checked on each request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request

from claimdesk.desk.billing import BillingDesk
from claimdesk.desk.close import CloseDesk
from claimdesk.desk.company import CompanyDesk
from claimdesk.desk.config import DeskConfig
from claimdesk.desk.guard import Actor
from claimdesk.desk.statements import StatementDesk
from claimdesk.security.accounts import Authenticated, authenticate
from claimdesk.security.csrf import csrf_matches

SESSION_COOKIE = "claimdesk_session"


class SignInRequiredError(Exception):
    """No live session: pages redirect to the sign-in page, the API answers 401."""


class CsrfError(Exception):
    """A form came back without this session's CSRF token."""


def client_address(request: Request) -> str:
    """The address a request came from, for throttling sign-in per address. Behind a proxy,
    run uvicorn with --proxy-headers so this is the client's, not the proxy's."""
    return "" if request.client is None else request.client.host


def config_of(request: Request) -> DeskConfig:
    config: DeskConfig = request.app.state.config
    return config


def company_of(request: Request) -> CompanyDesk:
    company: CompanyDesk = request.app.state.company
    return company


def desk_of(request: Request) -> BillingDesk:
    """The desk of the practice the request's session works in (set when its actor was
    checked), else of the server's own practice."""
    company = company_of(request)
    return company.desk(getattr(request.state, "practice", company.home_practice))


def statement_desk_of(request: Request) -> StatementDesk:
    """The patient statement desk of the practice the request's session works in."""
    company = company_of(request)
    return company.statement_desk(getattr(request.state, "practice", company.home_practice))


def close_desk_of(request: Request) -> CloseDesk:
    """The month-end desk of the practice the request's session works in."""
    company = company_of(request)
    return company.close_desk(getattr(request.state, "practice", company.home_practice))


def _actor(request: Request, session: Authenticated) -> Actor:
    """The person of ``session`` at work in the practice the session chose: every route of the
    request is then answered from that practice's store alone."""
    company = company_of(request)
    practice = company.practice_for(session.user, session.practice_id)
    actor = company.desk(practice).actor(session.user)
    request.state.practice = practice
    return actor


def _session(request: Request, token: str | None) -> Authenticated:
    if not token:
        raise SignInRequiredError
    config = config_of(request)
    found = authenticate(config.uow_factory, token, now=config.clock(), policy=config.sessions)
    if found is None:
        raise SignInRequiredError
    request.state.session = found
    return found


def page_session(request: Request) -> Authenticated:
    return _session(request, request.cookies.get(SESSION_COOKIE))


def page_actor(session: Annotated[Authenticated, Depends(page_session)], request: Request) -> Actor:
    return _actor(request, session)


def form_actor(
    session: Annotated[Authenticated, Depends(page_session)],
    request: Request,
    csrf_token: Annotated[str, Form()] = "",
) -> Actor:
    """The person behind a submitted form, which must carry this session's CSRF token."""
    if not csrf_matches(session.csrf_token, csrf_token):
        raise CsrfError
    return _actor(request, session)


def bearer_session(request: Request) -> Authenticated:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        raise SignInRequiredError
    return _session(request, token.strip())


def api_actor(
    session: Annotated[Authenticated, Depends(bearer_session)], request: Request
) -> Actor:
    return _actor(request, session)


PageActor = Annotated[Actor, Depends(page_actor)]
FormActor = Annotated[Actor, Depends(form_actor)]
ApiActor = Annotated[Actor, Depends(api_actor)]
