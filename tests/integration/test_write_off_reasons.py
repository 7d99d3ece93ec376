"""Write-offs by reason on SQLite and PostgreSQL: each reason posts to its own account, a
claim-level write-off reaches every line's balance, and a claim never billed that is written
off in full ends written_off, out of submit's reach."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from remit_practice import NOW, ensure_person, seed
from tier1_practice import import_submit_practice, run_submit

from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.ledger import Account, BalanceQuery, Dimensions, EntryKind, standard_entry
from claimdesk.domain.money import Money
from claimdesk.domain.work import WorkKind
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.books import verify_books
from claimdesk.services.submit import HOLD_KEY
from claimdesk.services.tier2 import Tier2Error, Tier2Settings, request_write_off
from claimdesk.store.uow import UnitOfWork

M = Money
Factory = Callable[[], UnitOfWork]
INS = frozenset({Account.INSURANCE_AR})
NO_APPROVAL = Tier2Settings(write_off_approval_above=M("100000.00"))


def write_off(uow_factory: Factory, claim_id: str, amount: Money, reason: str) -> int:
    return request_write_off(
        uow_factory,
        claim_id,
        amount=amount,
        reason_code=reason,
        note="typed by the biller",
        by=ensure_person(uow_factory, "bill"),
        now=NOW,
        settings=NO_APPROVAL,
        policy=shipped_policy(),
    )


def test_a_full_claim_write_off_leaves_every_line_at_zero(uow_factory: Factory) -> None:
    seed(uow_factory)  # C1: line 1 150.00, line 2 40.00
    write_off(uow_factory, "C1", M("190.00"), "timely-filing")
    with uow_factory() as uow:
        lines = uow.ledger.balances_by_line("C1", INS)
        owed = uow.ledger.balance(BalanceQuery(accounts=INS, claim_id="C1"))
        account = uow.ledger.balance(
            BalanceQuery(accounts=frozenset({Account.WRITE_OFF_TIMELY_FILING}))
        )
        unspecified = uow.ledger.balance(BalanceQuery(accounts=frozenset({Account.WRITE_OFF})))
        claim = uow.claims.get("C1")
    assert lines == {1: M("0.00"), 2: M("0.00")}
    assert owed == M("0.00")
    # 150 + 40 debited to the reason's own account; nothing to the old single account.
    assert (account, unspecified) == (M("190.00"), M("0.00"))
    assert claim is not None
    assert claim.status is ClaimStatus.SUBMITTED


def test_a_claim_level_credit_is_cleared_with_the_lines(uow_factory: Factory) -> None:
    seed(uow_factory)
    # A claim-level contractual adjustment (a CAS on no line) of 30.00: C1 owes 190 - 30 = 160.
    adjustment = standard_entry(
        entry_id="claim-level-1",
        kind=EntryKind.CONTRACTUAL_ADJUSTMENT,
        amount=M("30.00"),
        dims=Dimensions("P1", "C1", None, "ACME"),
        effective=date(2024, 3, 15),
        recorded_at=NOW,
        recorded_by="poster",
    )
    with uow_factory() as uow:
        uow.ledger.append(adjustment)
        uow.commit()
    request_id = write_off(uow_factory, "C1", M("160.00"), "contractual")
    with uow_factory() as uow:
        lines = uow.ledger.balances_by_line("C1", INS)
        owed = uow.ledger.balance(BalanceQuery(accounts=INS, claim_id="C1"))
    assert (lines, owed) == ({1: M("0.00"), 2: M("0.00")}, M("0.00"))
    # The request's 160.00 is what the entry debited to the reason's account.
    report = verify_books(uow_factory, as_of=date(2024, 3, 20), now=NOW)
    assert report.holds, report.findings
    assert request_id == 1


def test_a_partial_write_off_takes_the_first_line_first(uow_factory: Factory) -> None:
    seed(uow_factory)
    write_off(uow_factory, "C1", M("160.00"), "small-balance")
    with uow_factory() as uow:
        lines = uow.ledger.balances_by_line("C1", INS)
    # line 1: 150 - 150 = 0; line 2: 40 - 10 = 30.
    assert lines == {1: M("0.00"), 2: M("30.00")}


def test_a_free_text_reason_is_refused(uow_factory: Factory) -> None:
    seed(uow_factory)
    with pytest.raises(Tier2Error, match="not one of"):
        write_off(uow_factory, "C1", M("10.00"), "CO-denial")


def test_bad_debt_waits_for_a_manager_whatever_its_amount(uow_factory: Factory) -> None:
    seed(uow_factory)
    request_id = write_off(uow_factory, "C1", M("5.00"), "bad-debt")
    with uow_factory() as uow:
        request = uow.write_offs.get(request_id)
        item = uow.work_items.active_for("C1", f"write_off:{request_id}")
    assert request is not None
    assert request.pending
    assert item is not None
    assert item.kind is WorkKind.WRITE_OFF_APPROVAL


def test_a_never_billed_claim_written_off_ends_written_off_and_is_not_scrubbed_again(
    uow_factory: Factory, tmp_path: Path
) -> None:
    import_submit_practice(uow_factory)
    first = run_submit(uow_factory, tmp_path)
    assert [h.claim_id for h in first.held] == ["CE3"]
    with uow_factory() as uow:
        owed = uow.ledger.balance(BalanceQuery(claim_id="CE3"))
        insurance = uow.ledger.balance(BalanceQuery(accounts=INS, claim_id="CE3"))
    # The self-pay visit's charges sit on patient A/R: the write-off comes off them.
    assert (owed.is_positive(), insurance) == (True, M("0.00"))

    write_off(uow_factory, "CE3", owed, "administrative")

    with uow_factory() as uow:
        claim = uow.claims.get("CE3")
        hold = uow.work_items.active_for("CE3", HOLD_KEY)
        held = uow.claims.with_status(ClaimStatus.HELD)
        left = uow.ledger.balances_by_line("CE3", frozenset({Account.PATIENT_AR}))
    assert claim is not None
    assert claim.status is ClaimStatus.WRITTEN_OFF
    assert claim.history[-1].reason == "written off (administrative)"
    assert hold is None  # nothing is left for Tier 1 to correct
    assert held == []
    assert set(left.values()) == {M("0.00")}
    again = run_submit(uow_factory, tmp_path)
    assert (again.scrubbed, again.held) == (0, [])
