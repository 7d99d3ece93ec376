"""Sessions, lockout and the audit log against the real app and both databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from desk_practice import BOX, CLAIM_T1, PASSWORD, USERS, build_desk
from sqlalchemy import update
from typer.testing import CliRunner

from claimdesk.audit.log import verify
from claimdesk.cli import app as cli_app
from claimdesk.config import Settings
from claimdesk.routing.access import Role
from claimdesk.security import totp
from claimdesk.security.accounts import enable_totp
from claimdesk.services.database import units_of_work
from claimdesk.services.setup import set_up
from claimdesk.store.tables.audit import AuditRow
from claimdesk.store.uow import UnitOfWork

Factory = Callable[[], UnitOfWork]


def test_idle_and_absolute_session_limits(uow_factory: Factory) -> None:
    desk = build_desk(uow_factory, items=False)
    client = desk.signed_in(Role.TIER1)
    desk.clock.advance(timedelta(minutes=14))
    assert client.get("/queue").status_code == 200  # and the idle clock restarts
    desk.clock.advance(timedelta(minutes=14))
    assert client.get("/queue").status_code == 200
    desk.clock.advance(timedelta(minutes=15))
    assert client.get("/queue").headers["location"] == "/login"
    busy = desk.signed_in(Role.TIER1)
    for _ in range(8 * 6):  # active every 10 minutes, until the absolute limit of 8 hours
        assert busy.get("/queue").status_code == 200
        desk.clock.advance(timedelta(minutes=10))
    assert busy.get("/queue").headers["location"] == "/login"


def test_sign_out_and_disabling_end_sessions(uow_factory: Factory) -> None:
    desk = build_desk(uow_factory, items=False)
    client = desk.signed_in(Role.TIER1)
    csrf = client.get("/queue").text.split('name="csrf_token" value="')[1].split('"')[0]
    cookie = client.cookies.get("claimdesk_session")
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    replay = desk.client()
    replay.cookies.set("claimdesk_session", cookie or "", domain="testserver")
    assert replay.get("/queue").headers["location"] == "/login"
    tier2 = desk.signed_in(Role.TIER2)
    token = desk.api_token(tier2, Role.TIER2)
    manager = desk.signed_in(Role.MANAGER)
    m_csrf = manager.get("/admin/users").text.split('name="csrf_token" value="')[1].split('"')[0]
    disabled = manager.post(
        "/admin/users/bo/disable", data={"csrf_token": m_csrf, "confirm": "yes"}
    )
    assert disabled.status_code == 303
    assert tier2.get("/queue").headers["location"] == "/login"
    api = tier2.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401
    again = desk.client().post("/login", data={"user_id": "bo", "password": PASSWORD})
    assert again.status_code == 401


def test_lockout_after_repeated_failures_also_for_unknown_names(uow_factory: Factory) -> None:
    desk = build_desk(uow_factory, items=False)
    client = desk.client()
    for name in ("ann", "nobody"):
        for _ in range(5):
            wrong = client.post("/login", data={"user_id": name, "password": "wrong password!"})
            assert wrong.status_code == 401
            assert "user name, password or one-time code is wrong" in wrong.text
        locked = client.post("/login", data={"user_id": name, "password": PASSWORD})
        assert locked.status_code == 401
        assert "too many failed sign-ins" in locked.text
    desk.clock.advance(timedelta(minutes=16))
    assert client.post("/login", data={"user_id": "ann", "password": PASSWORD}).status_code == 303


def test_second_factor_when_enrolled(uow_factory: Factory) -> None:
    desk = build_desk(uow_factory, items=False)
    secret = enable_totp(uow_factory, "ann", by="root", box=BOX)
    client = desk.client()
    no_code = client.post("/login", data={"user_id": "ann", "password": PASSWORD})
    assert no_code.status_code == 401
    code = totp.code_at(secret, desk.clock.now)
    ok = client.post("/login", data={"user_id": "ann", "password": PASSWORD, "code": code})
    assert ok.status_code == 303


def test_every_patient_data_view_is_audited(uow_factory: Factory) -> None:
    desk = build_desk(uow_factory)
    client = desk.signed_in(Role.TIER1)
    views = [
        (f"/claims/{CLAIM_T1}", "view_claim", "P1"),
        ("/patients/P2", "view_patient", "P2"),
        (f"/items/{desk.tier1_item}", "view_item", "P1"),
    ]
    for path, _action, _patient in views:
        assert client.get(path).status_code == 200
    assert client.get("/claims/NOPE").status_code == 404
    assert client.get(f"/items/{desk.tier2_item}").status_code == 404
    admin = desk.signed_in(Role.ADMIN)
    assert admin.get("/patients/P1").status_code == 403
    with uow_factory() as uow:
        records = [s.record for s in uow.audit.records()]
    seen = [(r.user_id, r.action, r.patient_account, r.outcome) for r in records]
    for _path, action, patient in views:
        assert (USERS[Role.TIER1], action, patient, "ok") in seen
    assert ("ann", "view_claim", None, "not_found") in seen
    assert ("ann", "view_item", None, "not_found") in seen
    assert ("root", "view_patient", None, "denied") in seen
    assert verify(uow_factory).intact


def test_audit_verify_command_finds_a_changed_record(tmp_path: Path, database_url: str) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    with units_of_work(settings) as uow_factory:
        desk = build_desk(uow_factory)
        client = desk.signed_in(Role.TIER2)
        client.get("/patients/P1")
        client.get("/patients/P2")
        client.get(f"/items/{desk.tier2_item}")
    runner = CliRunner()
    args = ["--home", str(settings.home), "audit", "verify"]
    env = {"CLAIMDESK_DATABASE_URL": database_url}
    intact = runner.invoke(cli_app, args, env=env)
    assert intact.exit_code == 0, intact.output
    assert "intact: 3 records" in intact.output
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        second = uow.audit.records()[1].record_id
        uow.read.execute(update(AuditRow).where(AuditRow.id == second).values(patient_account="P9"))
        uow.commit()
    tampered = runner.invoke(cli_app, args, env=env)
    assert tampered.exit_code == 1
    assert f"record {second}" in tampered.output
