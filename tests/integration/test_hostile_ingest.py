"""Hostile and unusual files through posting and the real ingest (issue 14): duplicate claims and
truncated 835s post nothing, each 835 transaction is its own remittance, a missing trace number
is work, and no file stops the inbox. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from remit_practice import NOW, claim_payment, file_of, paid_claim, remittance, seed, svc
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.denials.table import shipped_table
from claimdesk.domain.ledger import Account, BalanceQuery
from claimdesk.domain.money import Money
from claimdesk.domain.work import WorkStatus
from claimdesk.edi.x835.write import reversal_of
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.database import units_of_work
from claimdesk.services.post_remittance import FileResult, RemitOutcome, post_bytes
from claimdesk.services.setup import set_up
from claimdesk.store.uow import UnitOfWork

M = Money
Factory = Callable[[], UnitOfWork]
CASH = frozenset({Account.CASH})
INS = frozenset({Account.INSURANCE_AR})


def post(uow_factory: Factory, data: bytes, name: str = "era.835") -> FileResult:
    return post_bytes(
        uow_factory,
        data,
        name=name,
        now=NOW,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )


def balance(uow_factory: Factory, **query: object) -> Money:
    with uow_factory() as uow:
        return uow.ledger.balance(BalanceQuery(**query))  # type: ignore[arg-type]


def open_items(uow_factory: Factory) -> list[str]:
    with uow_factory() as uow:
        items = uow.work_items.page(
            ["t2-payments", "t2-denials", "t1-rejections"], [WorkStatus.OPEN], 100, None
        )
    return [i.summary for i in items]


def _other_lines(claim_id: str) -> object:
    """The same claim (CLP01, CLP02, CLP07) answered again with other money: 190.00 charged,
    all of it paid."""
    return claim_payment(
        claim_id,
        svc(claim_id, 1, "99213", "150.00", "150.00"),
        svc(claim_id, 2, "90686", "40.00", "40.00"),
    )


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param(lambda: [paid_claim("C1"), paid_claim("C2"), paid_claim("C1")], id="apart"),
        pytest.param(lambda: [paid_claim("C1"), _other_lines("C1")], id="other-money"),
        pytest.param(
            lambda: [
                paid_claim("C2"),
                paid_claim("C3"),
                reversal_of(paid_claim("C1")),
                reversal_of(paid_claim("C1")),
            ],
            id="reversal-twice",
        ),
    ],
)
def test_a_claim_listed_twice_posts_nothing_of_the_transaction(
    uow_factory: Factory, claims: Callable[[], list[object]]
) -> None:
    seed(uow_factory)
    result = post(uow_factory, file_of(remittance("T1", *claims())))  # type: ignore[arg-type]
    (held,) = result.remittances
    assert held.outcome is RemitOutcome.HELD
    assert any("answered a second time" in r for r in held.reasons)
    assert balance(uow_factory, accounts=CASH) == M("0.00")
    assert balance(uow_factory, accounts=INS, claim_id="C1") == M("190.00")
    assert balance(uow_factory, accounts=INS, claim_id="C2") == M("190.00")


def test_a_truncated_835_posts_nothing_and_the_complete_file_then_posts(
    uow_factory: Factory,
) -> None:
    seed(uow_factory)
    complete = file_of(remittance("T1", paid_claim("C1"), paid_claim("C2")))
    truncated = complete[: complete.index(b"CLP*C2")]  # no second claim, no SE, GE or IEA
    cut = post(uow_factory, truncated, name="cut.835")
    (held,) = cut.remittances
    assert held.outcome is RemitOutcome.HELD
    assert any("no SE trailer" in r for r in held.reasons)
    assert not cut.ok
    assert balance(uow_factory, accounts=CASH) == M("0.00")
    assert any("no SE trailer" in s for s in open_items(uow_factory))
    whole = post(uow_factory, complete, name="whole.835")
    assert [r.outcome for r in whole.remittances] == [RemitOutcome.POSTED]
    # 92.50 per claim (remit_practice.paid_claim), each once.
    assert balance(uow_factory, accounts=CASH) == M("185.00")


def test_an_envelope_error_posts_nothing_of_the_file(uow_factory: Factory) -> None:
    seed(uow_factory)
    data = file_of(remittance("T1", paid_claim("C1"))).replace(b"SE*", b"SE*9", 1)
    (held,) = post(uow_factory, data).remittances
    assert held.outcome is RemitOutcome.HELD
    assert any("SE01" in r for r in held.reasons)
    assert balance(uow_factory, accounts=CASH) == M("0.00")


def test_an_835_without_a_trace_number_opens_work(uow_factory: Factory) -> None:
    seed(uow_factory)
    data = file_of(remittance("T1", paid_claim("C1"))).replace(b"TRN*1*T1*", b"TRN*1**")
    result = post(uow_factory, data)
    (refused,) = result.remittances
    assert refused.outcome is RemitOutcome.REFUSED
    assert refused.work_items == 1
    (summary,) = open_items(uow_factory)
    assert "no BPR, TRN or payee id" in summary
    assert balance(uow_factory, accounts=CASH) == M("0.00")
    again = post(uow_factory, data)  # read again (it was held): the same problem, one item
    assert again.remittances[0].work_items == 0
    assert len(open_items(uow_factory)) == 1


def test_two_835s_with_one_trace_number_in_a_file_are_two_remittances(
    uow_factory: Factory,
) -> None:
    seed(uow_factory)
    data = file_of(remittance("T1", paid_claim("C1")), remittance("T1", paid_claim("C2")))
    result = post(uow_factory, data)
    assert [r.outcome for r in result.remittances] == [RemitOutcome.POSTED] * 2
    assert balance(uow_factory, accounts=CASH) == M("185.00")
    assert balance(uow_factory, accounts=INS, claim_id="C2") == M("0.00")
    # Sent again under another envelope: both are recognised, nothing posts twice.
    again = post(uow_factory, data.replace(b"000000001", b"000000002"), name="again.835")
    assert [r.outcome for r in again.remittances] == [RemitOutcome.DUPLICATE] * 2
    assert balance(uow_factory, accounts=CASH) == M("185.00")


def test_one_835_repeated_in_a_file_posts_once(uow_factory: Factory) -> None:
    seed(uow_factory)
    data = file_of(remittance("T1", paid_claim("C1")), remittance("T1", paid_claim("C1")))
    result = post(uow_factory, data)
    assert [r.outcome for r in result.remittances] == [RemitOutcome.POSTED, RemitOutcome.HELD]
    assert any("answered a second time" in r for r in result.remittances[1].reasons)
    assert balance(uow_factory, accounts=CASH) == M("92.50")


def _poison(home: Path) -> dict[str, bytes]:
    good = file_of(remittance("T1", paid_claim("C1")))
    return {
        "huge-number.835": good.replace(
            b"CLP*C1*1*190*92.5", b"CLP*C1*1*190*" + b"9" * 5000
        ).replace(b"TRN*1*T1*", b"TRN*1*T9*"),
        "garbage.835": b"this is not an X12 file\n" * 10,
        "binary.999": bytes(range(256)) * 4,
        "empty.277": b"",
        "v4010.835": good.replace(b"005010X221A1", b"004010X091A1"),
        "dental.837": good.replace(b"ST*835", b"ST*837").replace(b"005010X221A1", b"005010X224A2"),
    }


def test_a_poison_file_in_an_inbox_of_50_does_not_stop_the_others(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = Settings(home=home)
    set_up(settings)
    with units_of_work(settings) as uow_factory:
        seed(uow_factory, count=3)
    inbox = home / "inbox"
    poison = _poison(home)
    for name, data in poison.items():
        (inbox / name).write_bytes(data)
    (inbox / "a-good.835").write_bytes(file_of(remittance("T1", paid_claim("C1"))))
    # 43 more 835s, each a payment for a claim we never sent: read, held as Tier 2 work.
    for n in range(43):
        unknown = remittance(f"U{n}", paid_claim("C2", pcn=f"NOPE{n}"))
        data = file_of(unknown, control=n + 2).replace(b"PCN-C2", f"PCN-X{n}".encode())
        (inbox / f"unknown-{n:02d}.835").write_bytes(data)
    assert len(list(inbox.iterdir())) == 50
    runner = CliRunner()
    added = runner.invoke(
        app, ["--home", str(home), "--as", "root", "users", "add", "root", "--role", "admin"]
    )
    assert added.exit_code == 0, added.output
    result = runner.invoke(app, ["--home", str(home), "--as", "root", "ingest", "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    outcomes = {f["file"]: f for f in report["files"]}
    assert outcomes["a-good.835"]["remittances"][0]["outcome"] == "posted"
    for name in poison:
        assert outcomes[name]["problems"], name
    assert "unsupported: 835 version 004010X091A1" in " ".join(outcomes["v4010.835"]["problems"])
    assert "unsupported: 837 dental (005010X224A2)" in " ".join(outcomes["dental.837"]["problems"])
    assert [p for p in inbox.rglob("*") if p.is_file()] == []
    kept = {p.name: p for p in (home / "archive" / "held").iterdir()}
    held = sorted(n for n in kept if not n.endswith(".findings.txt"))
    assert held == sorted([*poison, *(f"unknown-{n:02d}.835" for n in range(43))])
    # Each held file keeps its reasons beside it, readable without the database.
    assert sorted(kept) == sorted([*held, *(f"{n}.findings.txt" for n in held)])
    v4010 = kept["v4010.835.findings.txt"].read_text()
    assert "unsupported: 835 version 004010X091A1" in v4010
    unknown = kept["unknown-00.835.findings.txt"].read_text()
    assert "remittance U0: 835 TRN02 U0, claim payment 1 (CLP01): matches none" in unknown
    assert [p.name for p in (home / "archive").iterdir() if p.is_file()] == ["a-good.835"]
    with units_of_work(settings) as uow_factory:
        assert balance(uow_factory, accounts=CASH) == M("92.50")
        summaries = open_items(uow_factory)
    for name in poison:
        assert sum(name in s for s in summaries) == 1, name
    # Read again (put back by someone): nothing new posts, no second item for the same file.
    for name, data in poison.items():
        (inbox / name).write_bytes(data)
    runner.invoke(app, ["--home", str(home), "--as", "root", "ingest", "--json"])
    with units_of_work(settings) as uow_factory:
        assert len(open_items(uow_factory)) == len(summaries)
