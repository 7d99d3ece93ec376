"""The JSON API (``/api/v1``): the same desk use cases as the pages, for scripts and tools."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field

from claimdesk.api.serialize import (
    claim_hit_json,
    claim_json,
    dashboard_json,
    item_json,
    item_view_json,
    patient_hit_json,
    patient_json,
    person_json,
)
from claimdesk.domain.money import Money
from claimdesk.domain.work import Outcome, WorkAction
from claimdesk.routing.access import Role
from claimdesk.security.accounts import Authenticated, sign_in, sign_out
from claimdesk.web.auth import ApiActor, bearer_session, config_of, desk_of

router = APIRouter(tags=["claimdesk"])

Id = Annotated[str, Path(min_length=1, max_length=80)]
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class SignInBody(BaseModel):
    user_id: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=1024)
    code: str = Field(default="", max_length=10)


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
def create_session(body: SignInBody, request: Request) -> dict[str, Any]:
    """Sign in; the token goes in ``Authorization: Bearer <token>`` on every later call."""
    config = config_of(request)
    signed = sign_in(
        config.uow_factory,
        body.user_id,
        body.password,
        body.code,
        now=config.clock(),
        throttle=config.throttle,
    )
    return {"token": signed.token, "user_id": signed.user.user_id, "role": signed.user.role}


@router.delete("/sessions/current", status_code=204)
def end_session(
    session: Annotated[Authenticated, Depends(bearer_session)], request: Request
) -> Response:
    config = config_of(request)
    sign_out(config.uow_factory, session.token_digest, now=config.clock())
    return Response(status_code=204)


@router.get("/me")
def me(actor: ApiActor) -> dict[str, Any]:
    return {"user_id": actor.user.user_id, "role": actor.role, "queues": list(actor.queues)}


@router.get("/work/items")
def queue_items(actor: ApiActor, request: Request) -> dict[str, Any]:
    """The open items of your queues, best first, and the items you hold."""
    view = desk_of(request).queue(actor)
    return {
        "queues": list(view.queues),
        "open": [item_json(i) for i in view.open_items],
        "mine": [item_json(i) for i in view.mine],
    }


@router.post("/work/next")
def take_next(actor: ApiActor, request: Request) -> dict[str, Any]:
    item = desk_of(request).next_item(actor)
    return {"item": None if item is None else item_json(item)}


@router.get("/work/items/{item_id}")
def work_item(item_id: ItemId, actor: ApiActor, request: Request) -> dict[str, Any]:
    return item_view_json(desk_of(request).item(actor, item_id))


@router.post("/work/items/{item_id}/notes")
def note(item_id: ItemId, body: NoteBody, actor: ApiActor, request: Request) -> dict[str, Any]:
    return item_json(desk_of(request).note(actor, item_id, body.text))


@router.post("/work/items/{item_id}/snooze")
def snooze(item_id: ItemId, body: SnoozeBody, actor: ApiActor, request: Request) -> dict[str, Any]:
    return item_json(desk_of(request).snooze(actor, item_id, body.until))


@router.post("/work/items/{item_id}/release")
def release(item_id: ItemId, actor: ApiActor, request: Request) -> dict[str, Any]:
    return item_json(desk_of(request).release(actor, item_id))


@router.post("/work/items/{item_id}/escalate")
def escalate(
    item_id: ItemId, body: EscalateBody, actor: ApiActor, request: Request
) -> dict[str, Any]:
    """Move an item you hold up one tier; the answer is the new item in the tier above."""
    return item_json(desk_of(request).escalate(actor, item_id, body.reason))


@router.post("/work/items/{item_id}/close")
def close(item_id: ItemId, body: CloseBody, actor: ApiActor, request: Request) -> dict[str, Any]:
    resolved = None if body.resolved is None else Money(body.resolved)
    item = desk_of(request).close(actor, item_id, body.outcome, resolved, body.action)
    return item_json(item)


@router.get("/claims")
def find_claims(
    actor: ApiActor, request: Request, q: Annotated[str, Query(max_length=80)] = ""
) -> dict[str, Any]:
    found = desk_of(request).search(actor, q)
    return {"claims": [claim_hit_json(c) for c in found.claims]}


@router.get("/claims/{claim_id}")
def claim(claim_id: Id, actor: ApiActor, request: Request) -> dict[str, Any]:
    return claim_json(desk_of(request).claim(actor, claim_id))


@router.get("/patients")
def find_patients(
    actor: ApiActor, request: Request, q: Annotated[str, Query(max_length=80)] = ""
) -> dict[str, Any]:
    found = desk_of(request).search(actor, q)
    return {"patients": [patient_hit_json(p) for p in found.patients]}


@router.get("/patients/{account}")
def patient(account: Id, actor: ApiActor, request: Request) -> dict[str, Any]:
    return patient_json(desk_of(request).patient(actor, account))


@router.get("/users")
def people(actor: ApiActor, request: Request) -> list[dict[str, Any]]:
    return [person_json(p) for p in desk_of(request).people(actor)]


@router.post("/users", status_code=201)
def add_person(body: PersonBody, actor: ApiActor, request: Request) -> dict[str, Any]:
    user = desk_of(request).add_person(actor, body.user_id, body.name, body.role)
    return {"user_id": user.user_id, "name": user.name, "role": user.role}


@router.post("/users/{user_id}/grants")
def grant(user_id: Id, body: GrantBody, actor: ApiActor, request: Request) -> dict[str, Any]:
    added = desk_of(request).grant(actor, user_id, body.queue)
    return {"user_id": user_id, "queue": body.queue, "added": added}


@router.post("/users/{user_id}/disable")
def disable(user_id: Id, actor: ApiActor, request: Request) -> dict[str, Any]:
    ended = desk_of(request).disable(actor, user_id)
    return {"user_id": user_id, "active": False, "sessions_ended": ended}


@router.get("/summary")
def summary(actor: ApiActor, request: Request) -> dict[str, Any]:
    """The practice's books and the last 30 days of queue productivity."""
    return dashboard_json(desk_of(request).dashboard(actor))
