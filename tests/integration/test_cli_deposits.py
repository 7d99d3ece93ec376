"""``claimdesk deposits`` as a user runs it, on SQLite and PostgreSQL: a bank file imported
twice changes nothing, a bad one stores nothing and is audited, and reconciling opens exactly
one Tier 2 item per exception, solved when a later deposit matches (issue 15)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from remit_practice import NOW, file_of, paid_claim, remittance, seed
from typer.testing import CliRunner, Result

from claimdesk.cli import app
from claimdesk.denials.table import shipped_table
from claimdesk.domain.money import Money
from claimdesk.domain.periods import Month, PeriodAction, PeriodEvent
from claimdesk.domain.work import Outcome, WorkStatus
from claimdesk.posting.bank_files import BankDeposit, bai2_text
from claimdesk.posting.reassociation import PROBLEM_PREFIX
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services import work_queue
from claimdesk.services.deposits import unreconciled
from claimdesk.services.post_remittance import post_bytes
from claimdesk.services.users import add_user
from claimdesk.store.uow import UnitOfWork

PAID = date(2024, 3, 15)  # BPR16 of the test 835s
# Each 835 pays one claim 92.50 (remit_practice.paid_claim).
BANK = [
    BankDeposit("", "000111", PAID, Money("92.50"), "T1", "1123456789", "ACME"),  # matched
    BankDeposit("", "000111", PAID, Money("92.00"), "T2", "1123456789", "ACME"),  # 0.50 short
    BankDeposit("", "000111", PAID, Money("40.00"), "T9", "1123456789", "ACME"),  # no ERA
]  # T3 has no deposit


@pytest.fixture
def practice(uow_factory: Callable[[], UnitOfWork]) -> None:
    seed(uow_factory)
    for n in (1, 2, 3):
        post_bytes(
            uow_factory,
            file_of(remittance(f"T{n}", paid_claim(f"C{n}")), control=n),
            name=f"T{n}",
            now=NOW,
            by="poster",
            table=shipped_table(),
            policy=shipped_policy(),
        )
    for user_id, role in (("root", Role.ADMIN), ("t2", Role.TIER2), ("aud", Role.AUDITOR)):
        add_user(uow_factory, user_id=user_id, name=user_id, role=role, by="root", now=NOW)


def cli(tmp_path: Path, database_url: str, user: str, *args: str) -> Result:
    return CliRunner().invoke(
        app,
        ["--home", str(tmp_path / "home"), "--as", user, "deposits", *args],
        env={"CLAIMDESK_DATABASE_URL": database_url},
    )


def bank_file(tmp_path: Path, text: str, name: str = "bank.bai") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def reassociation_items(uow_factory: Callable[[], UnitOfWork]) -> list[tuple[str, str, int]]:
    with uow_factory() as uow:
        items = uow.work_items.without_claim_prefixed(PROBLEM_PREFIX)
    return [(i.problem_key, i.status.value, i.tier) for i in items]


@pytest.mark.usefixtures("practice")
def test_import_reconcile_and_work(
    tmp_path: Path, database_url: str, uow_factory: Callable[[], UnitOfWork]
) -> None:
    text = bai2_text(BANK, sender="BANK1", receiver="CLINIC", created=PAID, file_id="1")
    path = bank_file(tmp_path, text)
    first = cli(tmp_path, database_url, "t2", "import", path, "--json")
    assert first.exit_code == 0, first.output
    [answer] = json.loads(first.stdout)["files"]
    assert (answer["layout"], answer["added"], answer["total"]) == ("bai2", 3, "224.50")
    again = cli(tmp_path, database_url, "t2", "import", path, "--json")
    assert json.loads(again.stdout)["files"][0]["already_imported"] is True
    with uow_factory() as uow:
        assert uow.deposits.count() == 3

    result = cli(tmp_path, database_url, "t2", "reconcile", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    verdicts = {k: v["count"] for k, v in report["verdicts"].items() if v["count"]}
    assert verdicts == {
        "matched": 1,
        "amount_mismatch": 1,
        "era_without_eft": 1,
        "eft_without_era": 1,
    }
    # matched T1 92.50; unmatched ERAs T2 + T3 = 185.00; unmatched deposits T2 + T9 = 132.00
    assert (report["matched_total"], report["unmatched_era_total"]) == ("92.50", "185.00")
    assert report["unmatched_deposit_total"] == "132.00"
    stakes = {e["trace"]: e["at_stake"] for e in report["exceptions"]}
    assert stakes == {"T2": "0.50", "T3": "92.50", "T9": "40.00"}
    assert len(report["items_opened"]) == 3
    opened = reassociation_items(uow_factory)
    assert sorted(opened) == [
        ("reassociation:amount_mismatch:T2", "open", 2),
        ("reassociation:eft_without_era:T9", "open", 2),
        ("reassociation:era_without_eft:T3", "open", 2),
    ]

    # What month-end close will refuse on: deposits T2 + T9 = 132.00 no ERA explains in full;
    # ERA money no deposit proves: T2 0.50 + T3 92.50 = 93.00.
    left = unreconciled(uow_factory, as_of=date.today())
    assert [g.trace for g in left.deposits] == ["T2", "T9"]
    assert [g.trace for g in left.eras] == ["T2", "T3"]
    assert (left.deposit_total, left.era_total) == (Money("132.00"), Money("93.00"))

    past = json.loads(
        cli(tmp_path, database_url, "t2", "reconcile", "--as-of", "2024-03-18", "--json").stdout
    )
    assert (past["work_changed"], past["items_opened"]) == (False, [])
    assert {e["verdict"] for e in past["exceptions"]} == {"amount_mismatch"}  # the rest wait

    rerun = json.loads(cli(tmp_path, database_url, "t2", "reconcile", "--json").stdout)
    assert (rerun["items_opened"], rerun["items_solved"]) == ([], [])
    assert reassociation_items(uow_factory) == opened

    # The check for T3 arrives and is entered by hand (twice: once stored).
    check = ("add", "--date", "2024-03-18", "--amount", "92.50", "--check", "T3", "--payer", "ACME")
    added = cli(tmp_path, database_url, "t2", *check, "--json")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["created"] is True
    assert (
        json.loads(cli(tmp_path, database_url, "t2", *check, "--json").stdout)["created"] is False
    )
    solved = json.loads(cli(tmp_path, database_url, "t2", "reconcile", "--json").stdout)
    assert (len(solved["items_opened"]), len(solved["items_solved"])) == (0, 1)
    states = {key: status for key, status, _tier in reassociation_items(uow_factory)}
    assert states["reassociation:era_without_eft:T3"] == WorkStatus.DONE.value

    # March cannot close while T2 and T9 are unmatched (CLOSE004); while it is open, the
    # unproven cash is reconciliation's work, not a failure of the books.
    env = {"CLAIMDESK_DATABASE_URL": database_url}
    home = ["--home", str(tmp_path / "home")]
    refused = CliRunner().invoke(
        app, [*home, "--as", "root", "close", "2024-03", "--json"], env=env
    )
    assert refused.exit_code == 1, refused.output
    codes = [f["code"] for f in json.loads(refused.stdout)["findings"]]
    assert codes.count("CLOSE004") == 2, codes

    def unproven() -> list[str]:
        books = CliRunner().invoke(
            app, [*home, "--as", "aud", "books", "verify", "--json"], env=env
        )
        checks = {c["code"]: c for c in json.loads(books.stdout)["checks"]}
        return [f["message"] for f in checks["BOOKS010"]["findings"]]

    assert unproven() == []
    # A month recorded as closed without the pre-checks (as an older claimdesk could): now the
    # books name T2's 0.50 as the only cash in it no deposit proves.
    with uow_factory() as uow:
        uow.periods.record(
            PeriodEvent(
                Month(2024, 3), PeriodAction.CLOSE, datetime(2024, 4, 2, tzinfo=UTC), "root"
            )
        )
        uow.commit()
    assert unproven() == [
        f"835 TRN02 T2 (remittance {era_of(uow_factory, 'T2')}): 0.50 of 92.50 "
        "paid is in no deposit (amount_mismatch)"
    ]


def era_of(uow_factory: Callable[[], UnitOfWork], trace: str) -> str:
    with uow_factory() as uow:
        return next(
            e.remittance_id for e in uow.deposits.era_facts(date.today()) if e.trace == trace
        )


@pytest.mark.usefixtures("practice")
def test_a_bad_bank_file_stores_nothing_and_the_refusal_is_audited(
    tmp_path: Path, database_url: str, uow_factory: Callable[[], UnitOfWork]
) -> None:
    text = bai2_text(BANK, sender="BANK1", receiver="CLINIC", created=PAID, file_id="1")
    bad = bank_file(tmp_path, text.replace("16,165,9250,", "16,165,9251,", 1))
    result = cli(tmp_path, database_url, "t2", "import", bad)
    assert result.exit_code == 1, result.output
    assert "bank.bai: line 7 (49 account trailer), field account control total" in result.output
    with uow_factory() as uow:
        assert uow.deposits.count() == 0
        audit = uow.audit.records(limit=5, newest_first=True)
    last = audit[0].record
    assert (last.action, last.outcome, last.target) == (
        "import_deposits",
        "failed",
        "bank file bank.bai",
    )
    assert "field account control total" in last.detail

    refused = cli(tmp_path, database_url, "aud", "import", bank_file(tmp_path, text, "ok.bai"))
    assert refused.exit_code == 2
    assert "may not post remittances" in refused.output
    with uow_factory() as uow:
        assert uow.deposits.count() == 0
        assert uow.audit.records(limit=1, newest_first=True)[0].record.outcome == "denied"

    csv_bad = bank_file(tmp_path, "date,amount,trace\n2024-03-15,12.5x,T1\n", "bank.csv")
    result = cli(tmp_path, database_url, "t2", "import", csv_bad)
    assert result.exit_code == 1
    assert "bank.csv: row 2, field amount" in result.output


@pytest.mark.usefixtures("practice")
def test_a_deposit_dated_in_a_closed_period_is_refused(
    tmp_path: Path, database_url: str, uow_factory: Callable[[], UnitOfWork]
) -> None:
    closed = CliRunner().invoke(
        app,
        ["--home", str(tmp_path / "home"), "--as", "root", "close", "2024-03"],
        env={"CLAIMDESK_DATABASE_URL": database_url},
    )
    assert closed.exit_code == 0, closed.output
    text = bai2_text(BANK, sender="BANK1", receiver="CLINIC", created=PAID, file_id="1")

    result = cli(tmp_path, database_url, "t2", "import", bank_file(tmp_path, text))

    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())  # the terminal wraps long lines
    assert "line 4 (16 transaction detail), field deposit date: 2024-03-15 is in a closed" in said
    by_hand = cli(
        tmp_path,
        database_url,
        "t2",
        *("add", "--date", "2024-03-20", "--amount", "5.00", "--check", "77", "--payer", "ACME"),
    )
    assert by_hand.exit_code == 1, by_hand.output
    assert "date 2024-03-20: in a closed period" in " ".join(by_hand.output.split())
    with uow_factory() as uow:
        assert uow.deposits.count() == 0
        refusals = [r.record.outcome for r in uow.audit.records(limit=2, newest_first=True)]
    assert refusals == ["failed", "failed"]


@pytest.mark.usefixtures("practice")
def test_a_month_closes_once_each_cash_difference_is_explained(
    tmp_path: Path, database_url: str, uow_factory: Callable[[], UnitOfWork]
) -> None:
    text = bai2_text(BANK, sender="BANK1", receiver="CLINIC", created=PAID, file_id="1")
    assert cli(tmp_path, database_url, "t2", "import", bank_file(tmp_path, text)).exit_code == 0
    assert cli(tmp_path, database_url, "t2", "reconcile").exit_code == 0
    env = {"CLAIMDESK_DATABASE_URL": database_url}
    close = ["--home", str(tmp_path / "home"), "--as", "root", "close", "2024-03", "--json"]
    refused = CliRunner().invoke(app, close, env=env)
    assert refused.exit_code == 1, refused.output
    locations = [f["location"] for f in json.loads(refused.stdout)["findings"]]
    assert sorted(locations) == ["trace T2", "trace T3", "trace T9"]

    # The biller settles each difference on its item (the payer confirms the 0.50 fee, the
    # bank the T9 deposit belongs to another account, the T3 check was lost and reissued in
    # April): explained reconciling items, with who and why on the item.
    now = datetime(2024, 4, 3, 9, tzinfo=UTC)
    # Whatever outcome the person picks ("problem solved" too): a person's close explains it.
    outcomes = [Outcome.PROBLEM_SOLVED, Outcome.NO_ACTION_NEEDED, Outcome.NO_ACTION_NEEDED]
    # The refusal names each item; snoozed (as the simulated staff leave them) or not, the
    # biller takes each by its number and closes it saying why.
    for outcome in outcomes:
        now = datetime.now(UTC)  # the CLI's clock
        item = work_queue.next_item(uow_factory, "t2", now=now, policy=shipped_policy())
        assert item is not None
        assert item.item_id is not None
        assert item.problem_key.startswith(PROBLEM_PREFIX)
        later = now + timedelta(days=30)
        work_queue.snooze(uow_factory, item.item_id, "t2", now=now, until=later)
        number = str(item.item_id)
        queue = ["--home", str(tmp_path / "home"), "--as", "t2", "queue"]
        taken = CliRunner().invoke(app, [*queue, "take", number, "--json"], env=env)
        assert taken.exit_code == 0, taken.output
        assert json.loads(taken.stdout)["status"] == "in_progress"
        why = ["--outcome", outcome.value, "--text", "payer confirms the difference"]
        done = CliRunner().invoke(
            app, [*queue, "act", number, "close", "--user", "t2", *why], env=env
        )
        assert done.exit_code == 0, done.output
    again = json.loads(cli(tmp_path, database_url, "t2", "reconcile", "--json").stdout)
    assert again["items_opened"] == []  # explained exceptions are not raised again

    closed = CliRunner().invoke(app, close, env=env)
    assert closed.exit_code == 0, closed.output
    books = CliRunner().invoke(
        app,
        ["--home", str(tmp_path / "home"), "--as", "aud", "books", "verify", "--json"],
        env=env,
    )
    checks = {c["code"]: c for c in json.loads(books.stdout)["checks"]}
    assert checks["BOOKS010"]["holds"] is True
