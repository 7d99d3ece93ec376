"""One use case, three faces: taking the next work item (refused to an auditor, granted to a
biller) and deciding a write-off (refused to a biller, granted to a manager) go alike through the
terminal, the JSON API and the pages, and each outcome writes one audit record."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from desk_practice import CLAIM_T1, CLAIM_T2, POLICY, START, USERS, build_desk
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.domain.money import Money
from claimdesk.routing.access import Role
from claimdesk.services import tier2
from claimdesk.store.uow import UnitOfWork
from claimdesk.worker.inprocess import run_round
from claimdesk.worker.jobs import JOBS

AUDITOR, BILLER = USERS[Role.AUDITOR], USERS[Role.TIER1]


def _takes(uow_factory: Callable[[], UnitOfWork], user_id: str) -> list[tuple[str, str]]:
    with uow_factory() as uow:
        records = uow.audit.records()
    return [
        (r.record.target, r.record.outcome)
        for r in records
        if r.record.user_id == user_id and r.record.action == "take_item"
    ]


def test_taking_the_next_item_is_checked_and_audited_whichever_face(
    uow_factory: Callable[[], UnitOfWork], database_url: str, tmp_path: Path
) -> None:
    desk = build_desk(uow_factory)
    cli = CliRunner()
    env = {"CLAIMDESK_DATABASE_URL": database_url}
    home = ["--home", str(tmp_path / "home")]

    refused = cli.invoke(app, [*home, "queue", "next", AUDITOR], env=env)
    assert refused.exit_code == 1, refused.output
    assert "an auditor takes no items" in refused.stderr
    client = desk.client()
    token = desk.api_token(client, Role.AUDITOR)
    api = client.post("/api/v1/work/next", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 403
    pages = desk.signed_in(Role.AUDITOR)
    csrf = pages.get("/search").text.split('name="csrf_token" value="')[1].split('"')[0]
    page = pages.post("/queue/next", data={"csrf_token": csrf})
    assert page.status_code == 403
    assert _takes(uow_factory, AUDITOR) == [("next item", "denied")] * 3

    taken = cli.invoke(app, [*home, "queue", "next", BILLER, "--json"], env=env)
    assert taken.exit_code == 0, taken.output
    assert _takes(uow_factory, BILLER) == [(f"work item {desk.tier1_item}", "ok")]
    unknown = cli.invoke(app, [*home, "queue", "next", "mallory"], env=env)
    assert unknown.exit_code == 1
    assert "user 'mallory': no such user" in unknown.stderr


def _decisions(uow_factory: Callable[[], UnitOfWork], user_id: str) -> list[str]:
    with uow_factory() as uow:
        records = uow.audit.records()
    return [
        r.record.outcome
        for r in records
        if r.record.user_id == user_id and r.record.action == "decide_write_off"
    ]


def test_approving_a_write_off_is_refused_to_tier1_and_granted_to_a_manager_whichever_face(
    uow_factory: Callable[[], UnitOfWork], database_url: str, tmp_path: Path
) -> None:
    desk = build_desk(uow_factory)
    request_id = tier2.request_write_off(
        uow_factory,
        CLAIM_T1,
        amount=Money("120.00"),  # above the $100 a biller may write off alone (insured visit)
        reason_code="small-balance",
        note="",
        by=USERS[Role.TIER2],
        now=START,
        policy=POLICY,
    )
    with uow_factory() as uow:
        (approval,) = uow.work_items.active_of_claim(CLAIM_T1, f"write_off:{request_id}")
    cli = CliRunner()
    env = {"CLAIMDESK_DATABASE_URL": database_url}
    home = ["--home", str(tmp_path / "home")]

    refused = cli.invoke(
        app, [*home, "--as", BILLER, "tier2", "approve-write-off", str(request_id)], env=env
    )
    assert refused.exit_code == 1, refused.output
    assert "a tier1 may not approve write offs" in refused.stderr
    client = desk.client()
    token = desk.api_token(client, Role.TIER1)
    api = client.post(
        f"/api/v1/work/items/{approval.item_id}/write-off/decision",
        json={"approve": True},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 403, api.text
    pages = desk.signed_in(Role.TIER1)
    csrf = pages.get("/search").text.split('name="csrf_token" value="')[1].split('"')[0]
    page = pages.post(
        f"/items/{approval.item_id}/write-off/decision",
        data={"csrf_token": csrf, "decision": "approve"},
    )
    assert page.status_code == 403
    assert _decisions(uow_factory, BILLER) == ["denied"] * 3
    with uow_factory() as uow:
        assert uow.write_offs.get(request_id).pending

    manager = USERS[Role.MANAGER]
    approved = cli.invoke(
        app, [*home, "--as", manager, "tier2", "approve-write-off", str(request_id)], env=env
    )
    assert approved.exit_code == 0, approved.output
    assert _decisions(uow_factory, manager) == ["ok"]
    with uow_factory() as uow:
        assert uow.write_offs.get(request_id).status == "posted"
        assert uow.work_items.active_of_claim(CLAIM_T1, f"write_off:{request_id}") == []
        assert uow.ledger.get(f"write-off:{request_id}") is not None


def test_the_terminal_acts_only_as_a_known_user(
    uow_factory: Callable[[], UnitOfWork], database_url: str, tmp_path: Path
) -> None:
    build_desk(uow_factory)
    cli = CliRunner()
    env = {"CLAIMDESK_DATABASE_URL": database_url, "CLAIMDESK_USER": "mallory"}
    home = ["--home", str(tmp_path / "home")]
    answer = cli.invoke(app, [*home, "tier2", "void", CLAIM_T2, "--reason", "a duplicate"], env=env)
    assert answer.exit_code == 1
    assert "user 'mallory': no such user" in answer.stderr
    added = cli.invoke(app, [*home, "users", "add", "eve", "--role", "manager"], env=env)
    assert added.exit_code == 1
    with uow_factory() as uow:
        assert uow.users.get("eve") is None


def _jobs(uow_factory: Callable[[], UnitOfWork]) -> list[tuple[str, str, str]]:
    with uow_factory() as uow:
        records = uow.audit.records()
    return [
        (r.record.user_id, r.record.target, r.record.outcome)
        for r in records
        if r.record.action == "run_job"
    ]


def test_batch_commands_and_the_worker_run_as_known_users_and_are_audited(
    uow_factory: Callable[[], UnitOfWork], database_url: str, tmp_path: Path
) -> None:
    build_desk(uow_factory, items=False)
    cli = CliRunner()
    env = {"CLAIMDESK_DATABASE_URL": database_url}
    home = tmp_path / "home"
    base = ["--home", str(home)]

    refused = cli.invoke(app, [*base, "--as", AUDITOR, "tier2", "chase"], env=env)
    assert refused.exit_code == 1, refused.output
    assert "an auditor may not run jobs" in refused.stderr
    done = cli.invoke(app, [*base, "--as", BILLER, "tier2", "chase"], env=env)
    assert done.exit_code == 0, done.output
    assert _jobs(uow_factory) == [(AUDITOR, "job chase", "denied"), (BILLER, "job chase", "ok")]

    settings = Settings(home=home, database_url=database_url)
    run_round(settings, START)
    worker_runs = [(target, outcome) for user, target, outcome in _jobs(uow_factory)[2:]]
    assert {user for user, _t, _o in _jobs(uow_factory)[2:]} == {"worker"}
    assert sorted(worker_runs) == sorted((f"job {name}", "ok") for name in JOBS)
    with uow_factory() as uow:
        worker = uow.users.get("worker")
    assert worker is not None
    assert worker.role is Role.SYSTEM


def test_reading_the_audit_log_is_for_auditors_whichever_face(
    uow_factory: Callable[[], UnitOfWork], database_url: str, tmp_path: Path
) -> None:
    desk = build_desk(uow_factory, items=False)
    cli = CliRunner()
    env = {"CLAIMDESK_DATABASE_URL": database_url}
    base = ["--home", str(tmp_path / "home")]
    refused = cli.invoke(app, [*base, "--as", BILLER, "audit", "list"], env=env)
    assert refused.exit_code == 1
    assert "a tier1 may not read audit" in refused.stderr
    shown = cli.invoke(app, [*base, "--as", AUDITOR, "audit", "list", "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    newest = json.loads(shown.stdout)[0]
    assert (newest["user"], newest["action"], newest["outcome"]) == (BILLER, "read_audit", "denied")
    pages = desk.signed_in(Role.TIER1)
    assert pages.get("/audit").status_code == 403
    with uow_factory() as uow:
        reads = [r for r in uow.audit.records() if r.record.action == "read_audit"]
    # The biller refused through both faces; the auditor's own reading is on the record too.
    assert [(r.record.user_id, r.record.outcome) for r in reads] == [
        (BILLER, "denied"),
        (AUDITOR, "ok"),
        (BILLER, "denied"),
    ]
