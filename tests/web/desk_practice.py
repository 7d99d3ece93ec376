"""A desk to test against: the small practice, one person per role with a password, two items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from store_practice import small_bundle

from claimdesk.bootstrap import shipped_rules
from claimdesk.desk.config import DeskConfig
from claimdesk.domain.money import Money
from claimdesk.domain.work import Problem, WorkKind
from claimdesk.http.app import create_app
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.security import totp
from claimdesk.security.accounts import SignInPolicy, enable_totp, set_password
from claimdesk.security.secret_box import SecretBox
from claimdesk.services import work_queue
from claimdesk.services.charges import claim_id_for
from claimdesk.services.import_bundle import import_bundle
from claimdesk.services.users import add_user, grant_queue
from claimdesk.store.uow import UnitOfWork

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
POLICY = shipped_policy()
USERS = {
    Role.ADMIN: "root",
    Role.TIER1: "ann",
    Role.TIER2: "bo",
    Role.MANAGER: "meg",
    Role.AUDITOR: "aud",
}
CLAIM_T1 = claim_id_for("E1")  # patient P1 (member id on file), Tier 1 scrub hold
CLAIM_T2 = claim_id_for("E3")  # patient P2, Tier 2 coding denial


@dataclass
class Clock:
    """The desk's clock, moved by tests (session expiry without waiting)."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


# The key that seals second-factor secrets, made once for the test run (a real key).
BOX = SecretBox(Fernet.generate_key())
SIGN_IN = SignInPolicy(BOX)


@dataclass
class Desk:
    uow_factory: Callable[[], UnitOfWork]
    clock: Clock
    tier1_item: int
    tier2_item: int
    # Second-factor secrets of the roles that must use one (admin, manager, auditor).
    secrets: dict[str, str] = field(default_factory=dict)
    config: DeskConfig = field(init=False)

    def __post_init__(self) -> None:
        self.config = DeskConfig(
            uow_factory=self.uow_factory, rules=shipped_rules(), sign_in=SIGN_IN, clock=self.clock
        )

    def code(self, user_id: str) -> str:
        """A fresh one-time code for ``user_id`` ("" without a second factor): the clock moves
        to the next 30-second step first, since each code is accepted once."""
        secret = self.secrets.get(user_id)
        if secret is None:
            return ""
        self.clock.advance(timedelta(seconds=30))
        return totp.code_at(secret, self.clock.now)

    def client(self) -> TestClient:
        # https, so the Secure session cookie is sent back as a browser would.
        return TestClient(
            create_app(self.config), base_url="https://testserver", follow_redirects=False
        )

    def signed_in(self, role: Role) -> TestClient:
        client = self.client()
        user_id = USERS[role]
        answer = client.post(
            "/login",
            data={"user_id": user_id, "password": PASSWORD, "code": self.code(user_id)},
        )
        assert answer.status_code == 303, answer.text
        return client

    def api_token(self, client: TestClient, role: Role) -> str:
        answer = client.post(
            "/api/v1/sessions",
            json={"user_id": USERS[role], "password": PASSWORD, "code": self.code(USERS[role])},
        )
        assert answer.status_code == 201, answer.text
        token: str = answer.json()["token"]
        return token


def build_desk(uow_factory: Callable[[], UnitOfWork], *, items: bool = True) -> Desk:
    import_bundle(
        uow_factory,
        small_bundle(),
        source="/bundles/web",
        files_sha256="0" * 64,
        user="t",
        now=START,
    )
    root = USERS[Role.ADMIN]
    add_user(uow_factory, user_id=root, name="Root Admin", role=Role.ADMIN, by=root, now=START)
    for role, user_id in USERS.items():
        if role is not Role.ADMIN:
            add_user(
                uow_factory, user_id=user_id, name=user_id.title(), role=role, by=root, now=START
            )
    secrets: dict[str, str] = {}
    for role, user_id in USERS.items():
        # Each sets their own: a password an admin sets must be changed at the next sign-in.
        set_password(uow_factory, user_id, PASSWORD, by=user_id, now=START)
        if SIGN_IN.needs_second_factor(role):
            secrets[user_id] = enable_totp(uow_factory, user_id, by=root, box=BOX)
    tier1 = tier2 = 0
    if items:
        tier1 = _open(
            uow_factory,
            Problem(
                kind=WorkKind.SCRUB_HOLD,
                category="scrub",
                problem_key="scrub:REG-001",
                amount_at_stake=Money("190.00"),
                claim_id=CLAIM_T1,
                patient_account="P1",
                summary="REG-001 subscriber birth date missing; fix: add DMG02 from the card",
            ),
        )
        tier2 = _open(
            uow_factory,
            Problem(
                kind=WorkKind.DENIAL,
                category="coding",
                problem_key="denial:CO-16",
                amount_at_stake=Money("150.00"),
                claim_id=CLAIM_T2,
                patient_account="P2",
                appeal_rights=True,
                summary="CO-16 claim lacks information; fix the modifier",
            ),
        )
    return Desk(uow_factory, Clock(), tier1, tier2, secrets)


def _open(uow_factory: Callable[[], UnitOfWork], problem: Problem) -> int:
    item = work_queue.open_item(uow_factory, problem, now=START, by="router", policy=POLICY).item
    assert item.item_id is not None
    return item.item_id


def grant(uow_factory: Callable[[], UnitOfWork], user_id: str, queue: str) -> None:
    grant_queue(uow_factory, user_id=user_id, queue=queue, by="root", now=START, policy=POLICY)
