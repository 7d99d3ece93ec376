"""Every route of the web desk and the API, walked by a person of practice North asking for
practice South's objects: nothing of South comes back, switching to South is refused and
audited, and once South is granted the same requests find South's objects.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from desk_practice import BOX, PASSWORD, SIGN_IN, START, Clock
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from practice_roles import drop_roles
from sqlalchemy import text
from store_practice import small_bundle

from claimdesk.bootstrap import Composition, shipped_rules
from claimdesk.bundle.reader import read_bundle
from claimdesk.config import Settings, practice_role
from claimdesk.desk.close import CloseDesk
from claimdesk.desk.config import DeskConfig
from claimdesk.domain.money import Money
from claimdesk.domain.periods import Month
from claimdesk.domain.work import Problem, WorkKind
from claimdesk.http.api.routes import router as api_router
from claimdesk.http.app import create_app
from claimdesk.http.pages.pages import router as pages_router
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.security import totp
from claimdesk.security.accounts import enable_totp, set_password
from claimdesk.services import work_queue
from claimdesk.services.import_bundle import import_bundle
from claimdesk.services.practices import add_practice, grant_practice
from claimdesk.services.setup import set_up
from claimdesk.services.users import add_user
from claimdesk.store.engine import make_engine
from claimdesk.store.uow import unit_of_work_factory
from claimdesk.synth.practice import write_practice

MANAGER = "meg"  # North's manager: every route a manager may use
ADMIN = "root"
# Path parameters that name no object of a practice (routes of the company or of a session).
# The month South closes before North's manager asks for it (South's bundle ends 2026-02-27).
SOUTH_CLOSED = "2026-02"
SKIPPED = {"/login", "/logout", "/practice", "/api/v1/sessions", "/api/v1/sessions/current"}


@dataclass
class Practices:
    north: str
    south: str
    composition: Composition  # serving North
    south_claims: list[str]
    south_accounts: list[str]
    south_items: list[int]
    clock: Clock
    secret: str

    def client(self) -> TestClient:
        parts = self.composition
        config = DeskConfig(
            uow_factory=parts.uow_factory,
            rules=shipped_rules(),
            sign_in=SIGN_IN,
            clock=self.clock,
            settings=parts.settings,
            practice=self.north,
            practice_stores=parts.practice_store,
        )
        return TestClient(create_app(config), base_url="https://testserver", follow_redirects=False)

    def code(self) -> str:
        self.clock.advance(timedelta(seconds=30))
        return totp.code_at(self.secret, self.clock.now)

    def markers(self) -> set[str]:
        return {*self.south_claims, *self.south_accounts}


@pytest.fixture
def practices(database_url: str, tmp_path: Path) -> Iterator[Practices]:
    # PostgreSQL roles are the cluster's: ids of this test run alone.
    tag = uuid.uuid4().hex[:8]
    north, south = f"north_{tag}", f"south_{tag}"
    on_sqlite = database_url.startswith("sqlite")
    settings = Settings(home=tmp_path / "home", database_url="" if on_sqlite else database_url)
    set_up(settings)
    company = make_engine(settings.company_database_url)
    company_uow = unit_of_work_factory(company)
    add_user(company_uow, user_id=ADMIN, name="Root", role=Role.ADMIN, by=ADMIN, now=START)
    stores = {}
    for practice in (north, south):
        practice_settings = dataclasses.replace(settings, practice=practice)
        set_up(practice_settings)
        engine = make_engine(practice_settings.effective_database_url)
        add_practice(company_uow, unit_of_work_factory(engine), practice, practice, ADMIN, START)
        engine.dispose()
        stores[practice] = practice_settings
    parts = Composition(dataclasses.replace(settings, practice=north))
    north_uow = parts.uow_factory
    import_bundle(north_uow, small_bundle(), source="n", files_sha256="0" * 64, user="t", now=START)
    add_user(north_uow, user_id=MANAGER, name="Meg", role=Role.MANAGER, by=ADMIN, now=START)
    set_password(north_uow, MANAGER, PASSWORD, by=MANAGER, now=START)
    secret = enable_totp(north_uow, MANAGER, by=ADMIN, box=BOX)

    south_uow, _ = parts.practice_store(south)
    folder = tmp_path / "south-bundle"
    write_practice(folder, patients=4, encounters=6, seed=11, as_of=date(2026, 2, 27), days=20)
    bundle = read_bundle(folder).bundle
    assert bundle is not None
    import_bundle(south_uow, bundle, source="s", files_sha256="1" * 64, user="t", now=START)
    with south_uow() as uow:
        claims = [str(c) for c in uow.read.execute(text("SELECT claim_id FROM claims")).scalars()]
        accounts = [
            str(a) for a in uow.read.execute(text("SELECT account FROM patients")).scalars()
        ]
    items = [
        work_queue.open_item(
            south_uow,
            Problem(
                kind=WorkKind.DENIAL,
                category="coding",
                problem_key=f"denial:CO-16:{n}",
                amount_at_stake=Money("150.00"),
                claim_id=claims[n],
                summary="CO-16 claim lacks information",
            ),
            now=START,
            by="router",
            policy=shipped_policy(),
        ).item.item_id
        or 0
        for n in range(2)
    ]
    yield Practices(north, south, parts, claims, accounts, items, Clock(), secret)
    parts.close()
    company.dispose()
    if not on_sqlite:
        drop_roles(database_url, [practice_role(p) for p in (north, south)])


def _path(template: str, practices: Practices) -> str:
    """The route's path with South's objects in its parameters."""
    values = {
        "item_id": str(practices.south_items[0]),
        "claim_id": practices.south_claims[0],
        "account": practices.south_accounts[0],
        "appeal_id": "1",
        "user_id": ADMIN,
        "name": "initial_denial_rate",
        "period": SOUTH_CLOSED,
    }
    return re.sub(r"{(\w+)(:\w+)?}", lambda m: values.get(m.group(1), "1"), template)


def _signed_in(practices: Practices) -> tuple[TestClient, dict[str, str], str]:
    client = practices.client()
    answer = client.post(
        "/api/v1/sessions",
        json={"user_id": MANAGER, "password": PASSWORD, "code": practices.code()},
    )
    assert answer.status_code == 201, answer.text
    bearer = {"Authorization": f"Bearer {answer.json()['token']}"}
    page = client.post(
        "/login", data={"user_id": MANAGER, "password": PASSWORD, "code": practices.code()}
    )
    assert page.status_code == 303, page.text
    csrf = client.get("/search").text.split('name="csrf_token" value="')[1].split('"')[0]
    return client, bearer, csrf


def test_every_route_answers_from_the_current_practice_only(practices: Practices) -> None:
    client, bearer, csrf = _signed_in(practices)
    assert client.get("/api/v1/me", headers=bearer).json()["practice"] == practices.north
    walked = 0
    routes = [
        (prefix + route.path, route)
        for prefix, router in (("/api/v1", api_router), ("", pages_router))
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
    for template, route in routes:
        if template in SKIPPED:
            continue
        path = _path(template, practices)
        api = path.startswith("/api/")
        for method in route.methods:
            if method == "GET":
                params = {"q": practices.south_accounts[0]}
                answer = client.get(path, params=params, headers=bearer if api else {})
            elif api:
                answer = client.request(method, path, json={}, headers=bearer)
            else:
                answer = client.request(method, path, data={"csrf_token": csrf})
            walked += 1
            names_south = any(f"{{{p}" in template for p in ("item_id", "claim_id", "account"))
            if names_south:
                assert answer.status_code >= 400, (method, path, answer.status_code)
            body = answer.text
            # What the request itself carries is echoed (the search box, a 404's reason);
            # anything else of South's in the answer is a leak.
            echoed = (path, practices.south_accounts[0])
            leaked = {
                m for m in practices.markers() if m in body and not any(m in e for e in echoed)
            }
            assert not leaked, (method, path, leaked)
    assert walked > 40


def test_switching_to_a_practice_not_granted_is_refused_and_audited(
    practices: Practices,
) -> None:
    client, bearer, csrf = _signed_in(practices)
    refused = client.put(
        "/api/v1/sessions/current/practice", json={"practice_id": practices.south}, headers=bearer
    )
    assert refused.status_code == 403
    assert practices.south in refused.json()["detail"]
    page = client.post("/practice", data={"practice_id": practices.south, "csrf_token": csrf})
    assert page.status_code == 403
    with practices.composition.uow_factory() as uow:
        denied = [
            r.record
            for r in uow.company_audit.records(limit=500)
            if r.record.action == "open_practice" and r.record.outcome == "denied"
        ]
    assert [(r.user_id, r.target) for r in denied] == [(MANAGER, f"practice {practices.south}")] * 2
    assert client.get("/api/v1/me", headers=bearer).json()["practice"] == practices.north


def test_once_granted_the_switch_finds_the_other_practice_and_the_queue_spans_both(
    practices: Practices,
) -> None:
    south_uow, _ = practices.composition.practice_store(practices.south)
    queue = work_queue.show(south_uow, practices.south_items[0]).queue
    # South, and the denials queue within it (a manager's own queues are Tier 3's).
    grant_practice(
        practices.composition.uow_factory,
        user_id=MANAGER,
        practice_id=practices.south,
        queue=queue,
        by=ADMIN,
        now=START,
    )
    client, bearer, _csrf = _signed_in(practices)
    claim = practices.south_claims[0]
    assert client.get(f"/api/v1/claims/{claim}", headers=bearer).status_code == 404
    me = client.get("/api/v1/me", headers=bearer).json()
    assert sorted(me["practices"]) == sorted([practices.north, practices.south])
    # The best item of the manager's queues is South's (North has none): taken with its practice.
    taken = client.post("/api/v1/work/next-across", headers=bearer).json()
    assert taken["practice"] == practices.south
    assert taken["item"]["id"] in practices.south_items
    assert client.get(f"/api/v1/claims/{claim}", headers=bearer).status_code == 200
    switched = client.put(
        "/api/v1/sessions/current/practice", json={"practice_id": practices.north}, headers=bearer
    )
    assert switched.status_code == 204
    assert client.get(f"/api/v1/claims/{claim}", headers=bearer).status_code == 404


def test_a_manager_of_north_sees_none_of_souths_periods_pack_or_invoice(
    practices: Practices,
) -> None:
    south_uow, south_settings = practices.composition.practice_store(practices.south)
    south = CloseDesk(
        south_uow, shipped_policy(), practices.clock, south_settings, shipped_rules().denials
    )
    month = Month.parse(SOUTH_CLOSED)
    assert south.close_period(south.actor_named(ADMIN), month).closed
    client, bearer, csrf = _signed_in(practices)
    assert client.get("/api/v1/periods", headers=bearer).json() == []
    pack = client.get(f"/api/v1/periods/{SOUTH_CLOSED}/pack", headers=bearer).json()
    assert pack["status"] == "open"
    # North has no charge in February 2026: South's figures are South's alone.
    assert all(row["charges"] == "0.00" for row in pack["roll_forward"])
    assert pack["day_sheets"] == []
    refused = client.get(f"/api/v1/periods/{SOUTH_CLOSED}/invoice", headers=bearer)
    assert refused.status_code == 409  # North's February is open
    page = client.get("/month-end", params={"month": SOUTH_CLOSED})
    assert page.status_code == 200
    assert 'id="periods"' not in page.text
    assert "No month has been closed yet" in page.text
    reopen = client.post(
        f"/month-end/{SOUTH_CLOSED}/reopen", data={"csrf_token": csrf, "reason": "x"}
    )
    assert reopen.status_code == 403  # a manager's refusal, before any practice's periods
    with south_uow() as uow:
        assert [str(s.month) for s in uow.periods.states()] == [SOUTH_CLOSED]
