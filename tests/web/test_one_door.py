"""One use case, three faces: taking the next work item is refused to an auditor and granted to
a Tier 1 biller alike through the terminal, the JSON API and the pages, and each outcome writes
one audit record."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desk_practice import USERS, build_desk
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork

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
