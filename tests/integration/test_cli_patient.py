"""``claimdesk patient`` as people run it, on SQLite and PostgreSQL: the front desk takes a
check and prints its receipt, posting it again changes nothing, the credit it left is refunded
once a manager other than the requester approves (the letter is written), and a refunded
payment's reversal is refused; every step audited, and the books hold (issue 16)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from remit_practice import NOW, file_of, paid_claim, remittance, seed
from typer.testing import CliRunner, Result

from claimdesk.cli import app
from claimdesk.denials.table import shipped_table
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.post_remittance import post_bytes
from claimdesk.services.users import add_user
from claimdesk.store.uow import UnitOfWork


@pytest.fixture
def practice(uow_factory: Callable[[], UnitOfWork]) -> None:
    seed(uow_factory)
    post_bytes(  # C1 leaves 20.00 to the patient P1
        uow_factory,
        file_of(remittance("T1", paid_claim("C1"))),
        name="T1",
        now=NOW,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )
    people = (
        ("root", Role.ADMIN),
        ("fran", Role.TIER1),
        ("tess", Role.TIER2),
        ("mia", Role.MANAGER),
        ("max", Role.MANAGER),
    )
    for user_id, role in people:
        add_user(uow_factory, user_id=user_id, name=user_id, role=role, by="root", now=NOW)


def cli(tmp_path: Path, database_url: str, user: str, *args: str) -> Result:
    return CliRunner().invoke(
        app,
        ["--home", str(tmp_path / "home"), "--as", user, "patient", *args],
        env={"CLAIMDESK_DATABASE_URL": database_url},
    )


@pytest.mark.usefixtures("practice")
def test_pay_print_refund_and_reverse(
    tmp_path: Path, database_url: str, uow_factory: Callable[[], UnitOfWork]
) -> None:
    pay = ("pay", "P1", "50.00", "--method", "check", "--reference", "1001", "--date")
    paid = cli(tmp_path, database_url, "fran", *pay, "2024-03-20", "--json")
    assert paid.exit_code == 0, paid.output
    answer = json.loads(paid.output)
    assert (answer["receipt"], answer["applied"], answer["unapplied"]) == (1, "20.00", "30.00")
    again = cli(tmp_path, database_url, "fran", *pay, "2024-03-20", "--json")
    assert json.loads(again.output)["created"] is False

    account = json.loads(cli(tmp_path, database_url, "fran", "account", "P1", "--json").output)
    assert (account["patient_balance"], account["credit"]) == ("0.00", "30.00")
    printed = cli(tmp_path, database_url, "fran", "receipt", "1", "--out", str(tmp_path))
    assert printed.exit_code == 0, printed.output
    assert (tmp_path / "receipt-1.pdf").read_bytes().startswith(b"%PDF")

    asked = cli(tmp_path, database_url, "mia", "refund", "P1", "30.00", "--note", "moved")
    assert asked.exit_code == 0, asked.output
    own = cli(tmp_path, database_url, "mia", "decide-refund", "1", "--out", str(tmp_path))
    assert own.exit_code == 1
    assert "another manager must decide it" in own.output
    approved = cli(tmp_path, database_url, "max", "decide-refund", "1", "--out", str(tmp_path))
    assert approved.exit_code == 0, approved.output
    assert (tmp_path / "refund-1.pdf").read_bytes().startswith(b"%PDF")

    front = cli(tmp_path, database_url, "fran", "reverse", "1", "--reason", "returned-check")
    assert front.exit_code == 2
    assert "may not reverse payments" in front.output
    refused = cli(tmp_path, database_url, "tess", "reverse", "1", "--reason", "returned-check")
    assert refused.exit_code == 1
    assert "30.00 of the credit it left was refunded" in refused.output

    books = CliRunner().invoke(
        app,
        ["--home", str(tmp_path / "home"), "--as", "root", "books", "verify"],
        env={"CLAIMDESK_DATABASE_URL": database_url},
    )
    assert books.exit_code == 0, books.output
    with uow_factory() as uow:
        outcomes = [(r.record.action, r.record.outcome) for r in uow.audit.records()]
    assert outcomes.count(("take_payment", "ok")) == 2
    assert ("decide_refund", "failed") in outcomes
    assert ("decide_refund", "ok") in outcomes
    assert ("reverse_payment", "denied") in outcomes
    assert ("reverse_payment", "failed") in outcomes
