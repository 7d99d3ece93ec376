"""A desk on the hand-built practice of statements_practice.py, for the patient's-share pages
(statements, collections, good-faith estimates, the patient page): one person per role plus a
second manager, on 2024-07-15, 122 days after insurance left G1 35.00 (C1) and P2 150.00 (C3).

The practice refers an account after one statement (``collections.after_statements`` 1), so a
statement run on the page makes both accounts due; E3 (P2, no coverage) is self-pay, priced at
99213 150.00 and 99024 0.00 for its good-faith estimate."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from desk_practice import BOX, PASSWORD, SIGN_IN, USERS, Clock, Desk
from fastapi.testclient import TestClient
from statements_practice import ANSWERED, SERVED, entry, store

from claimdesk.config import Settings
from claimdesk.domain.ledger import Dimensions, EntryKind
from claimdesk.domain.money import Money
from claimdesk.domain.payers import FeeScheduleItem
from claimdesk.routing.access import Role
from claimdesk.security.accounts import enable_totp, set_password
from claimdesk.services.users import add_user
from claimdesk.store.uow import UnitOfWork

TODAY = datetime(2024, 7, 15, 15, tzinfo=UTC)
SECOND_MANAGER = "max"


def build_share_desk(uow_factory: Callable[[], UnitOfWork], home: Path) -> Desk:
    with uow_factory() as uow:
        store(uow)
        for key, value in (
            ("time_zone", "UTC"),
            ("name", "Springfield Clinic"),
            ("collections.after_statements", "1"),
        ):
            uow.practice.put(key, value, at=TODAY, by="root")
        for item in (
            FeeScheduleItem("99213", Money("150.00"), date(2024, 1, 1)),
            FeeScheduleItem("99024", Money("0.00"), date(2024, 1, 1)),
        ):
            uow.fee_schedule.add(item)
        uow.commit()
    root = USERS[Role.ADMIN]
    people = [(user_id, role) for role, user_id in USERS.items()]
    people.append((SECOND_MANAGER, Role.MANAGER))
    secrets: dict[str, str] = {}
    for user_id, role in people:
        add_user(uow_factory, user_id=user_id, name=user_id.title(), role=role, by=root, now=TODAY)
        set_password(uow_factory, user_id, PASSWORD, by=user_id, now=TODAY)
        if SIGN_IN.needs_second_factor(role):
            secrets[user_id] = enable_totp(uow_factory, user_id, by=root, box=BOX)
    desk = Desk(uow_factory, Clock(TODAY), 0, 0, secrets)
    desk.config = dataclasses.replace(desk.config, settings=Settings(home=home))
    return desk


def signed_in_as(desk: Desk, user_id: str) -> TestClient:
    client = desk.client()
    answer = client.post(
        "/login", data={"user_id": user_id, "password": PASSWORD, "code": desk.code(user_id)}
    )
    assert answer.status_code == 303, answer.text
    return client


def bill_more(uow_factory: Callable[[], UnitOfWork], amount: str) -> None:
    """A service added to E3 after its estimate: charged on C3, left to the patient (PR-96)."""
    dims = Dimensions("P2", "C3", 1, "MCR")
    with uow_factory() as uow:
        uow.ledger.append_many(
            [
                entry("c3-added", EntryKind.CHARGE, amount, dims, SERVED),
                entry("t3-added", EntryKind.TRANSFER_TO_PATIENT, amount, dims, ANSWERED, "PR-96"),
            ]
        )
        uow.commit()
