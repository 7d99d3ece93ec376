"""``claimdesk books verify`` as a user runs it: exit 0 when the books hold, 1 listing each
failure with its claims, ``--json`` for scripts, and only auditors, managers and admins."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from remit_practice import NOW, file_of, paid_claim, remittance, seed
from sqlalchemy import Engine, update
from typer.testing import CliRunner, Result

from claimdesk.cli import app
from claimdesk.denials.table import shipped_table
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.post_remittance import post_bytes
from claimdesk.services.users import add_user
from claimdesk.store.tables.remittances import RemittanceRow
from claimdesk.store.uow import UnitOfWork

AS_OF = ("--as-of", "2024-03-20")


@pytest.fixture
def practice(uow_factory: Callable[[], UnitOfWork]) -> None:
    seed(uow_factory)
    post_bytes(
        uow_factory,
        file_of(remittance("T1", paid_claim("C1"))),
        name="T1",
        now=NOW,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )
    for user_id, role in (("root", Role.ADMIN), ("aud", Role.AUDITOR), ("t1", Role.TIER1)):
        add_user(uow_factory, user_id=user_id, name=user_id, role=role, by="root", now=NOW)


def books(tmp_path: Path, database_url: str, user: str, *args: str) -> Result:
    return CliRunner().invoke(
        app,
        ["--home", str(tmp_path / "home"), "--as", user, "books", "verify", *AS_OF, *args],
        env={"CLAIMDESK_DATABASE_URL": database_url},
    )


@pytest.mark.usefixtures("practice")
def test_books_that_hold_exit_0(tmp_path: Path, database_url: str) -> None:
    result = books(tmp_path, database_url, "aud")
    assert result.exit_code == 0, result.output
    assert "BOOKS005" in result.output
    assert "failure" not in result.output
    answer = json.loads(books(tmp_path, database_url, "root", "--json").stdout)
    assert (answer["as_of"], answer["holds"]) == ("2024-03-20", True)


@pytest.mark.usefixtures("practice")
def test_a_broken_trace_exits_1_naming_its_claims(
    tmp_path: Path, database_url: str, engine: Engine
) -> None:
    with engine.begin() as db:
        db.execute(update(RemittanceRow).values(payment_amount=Decimal("90.00")))
    result = books(tmp_path, database_url, "aud")
    assert result.exit_code == 1
    assert "BOOKS005 835 TRN02 T1" in result.output
    assert "claims: C1" in result.output
    answer = json.loads(books(tmp_path, database_url, "aud", "--json").stdout)
    [trace] = [c for c in answer["checks"] if c["code"] == "BOOKS005"]
    assert trace["holds"] is False
    assert [f["claims"] for f in trace["findings"]] == [["C1"]]


@pytest.mark.usefixtures("practice")
def test_a_tier1_biller_may_not_verify_the_books(tmp_path: Path, database_url: str) -> None:
    result = books(tmp_path, database_url, "t1")
    assert result.exit_code == 2
    assert "books verify" in result.output
