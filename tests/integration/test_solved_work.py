"""Solving a problem closes its work, on SQLite and PostgreSQL: a later 835 that pays the claim,
a write-off that leaves nothing owed, a won appeal; a problem the same answer raises again,
and a lost appeal, leave the items open."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from remit_practice import (
    CO,
    NOW,
    PR,
    Clp,
    claim_payment,
    ensure_person,
    file_of,
    paid_claim,
    remittance,
    seed,
    svc,
)

from claimdesk.denials.table import shipped_table
from claimdesk.domain.money import Money
from claimdesk.domain.work import Outcome, WorkItem, WorkStatus
from claimdesk.edi.x835.write import reversal_of
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.post_remittance import FileResult, RemitOutcome, post_bytes
from claimdesk.services.tier2 import (
    Tier2Settings,
    chase_unanswered,
    decide_appeal,
    request_write_off,
    start_appeal,
    submit_appeal,
)
from claimdesk.store.uow import UnitOfWork

M = Money
Factory = Callable[[], UnitOfWork]


def post(uow_factory: Factory, data: bytes) -> FileResult:
    result = post_bytes(
        uow_factory,
        data,
        name="era.835",
        now=NOW,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )
    assert result.remittances[0].outcome is RemitOutcome.POSTED, result.remittances[0].reasons
    return result


def denied(claim_id: str) -> bytes:
    payment = claim_payment(
        claim_id,
        svc(claim_id, 1, "99213", "150.00", "0.00", (CO, "50", "150.00")),
        svc(claim_id, 2, "90686", "40.00", "0.00", (CO, "50", "40.00")),
        status=Clp.DENIED,
    )
    return file_of(remittance("T1", payment))


def underpaid(claim_id: str) -> bytes:
    # The contract allows 92.50 on line 1; the payer pays 60.00 with PR-2 20.00: 12.50 short.
    payment = claim_payment(
        claim_id,
        svc(claim_id, 1, "99213", "150.00", "60.00", (CO, "45", "70.00"), (PR, "2", "20.00")),
        svc(claim_id, 2, "90686", "40.00", "20.00", (CO, "45", "20.00")),
    )
    return file_of(remittance("T1", payment))


def item(uow_factory: Factory, item_id: int | None) -> WorkItem:
    assert item_id is not None
    with uow_factory() as uow:
        found = uow.work_items.get(item_id)
    assert found is not None
    return found


def active(uow_factory: Factory, claim_id: str, key: str) -> WorkItem:
    with uow_factory() as uow:
        found = uow.work_items.active_for(claim_id, key)
    assert found is not None, f"{claim_id} has no active {key} item"
    return found


def assert_solved(uow_factory: Factory, opened: WorkItem, reason: str) -> None:
    closed = item(uow_factory, opened.item_id)
    assert closed.status is WorkStatus.DONE
    assert closed.outcome is Outcome.PROBLEM_SOLVED
    assert any(reason in e.detail for e in closed.history), [e.detail for e in closed.history]


def test_a_later_835_that_pays_a_denied_claim_closes_the_denial(uow_factory: Factory) -> None:
    seed(uow_factory)
    post(uow_factory, denied("C2"))
    denial = active(uow_factory, "C2", "denial:CO-50")
    # The payer reconsiders and pays the claim.
    result = post(uow_factory, file_of(remittance("T2", paid_claim("C2")), control=2))
    assert result.remittances[0].work_items_closed == 1
    assert_solved(uow_factory, denial, "835 TRN02 T2")


def test_a_payment_closes_the_no_response_item(uow_factory: Factory) -> None:
    seed(uow_factory)
    assert chase_unanswered(uow_factory, now=NOW, policy=shipped_policy()) == ["C1", "C2", "C3"]
    waiting = active(uow_factory, "C3", "no_response")
    result = post(uow_factory, file_of(remittance("T1", paid_claim("C3"))))
    assert result.remittances[0].work_items_closed == 1
    assert_solved(uow_factory, waiting, "835 TRN02 T1")
    # The other claims are still unanswered.
    active(uow_factory, "C2", "no_response")


def test_a_problem_the_same_answer_raises_again_stays_open(uow_factory: Factory) -> None:
    seed(uow_factory)
    post(uow_factory, underpaid("C1"))
    short = active(uow_factory, "C1", "underpayment")
    # Reprocessed, and still 12.50 short: the underpayment is not solved.
    again = claim_payment(
        "C1",
        svc("C1", 1, "99213", "150.00", "60.00", (CO, "45", "70.00"), (PR, "2", "20.00")),
        svc("C1", 2, "90686", "40.00", "20.00", (CO, "45", "20.00")),
    )
    result = post(uow_factory, file_of(remittance("T2", reversal_of(again), again), control=2))
    assert result.remittances[0].work_items_closed == 0
    assert active(uow_factory, "C1", "underpayment").item_id == short.item_id


def test_the_corrected_payment_closes_the_underpayment(uow_factory: Factory) -> None:
    seed(uow_factory)
    post(uow_factory, underpaid("C1"))
    short = active(uow_factory, "C1", "underpayment")
    first = claim_payment(
        "C1",
        svc("C1", 1, "99213", "150.00", "60.00", (CO, "45", "70.00"), (PR, "2", "20.00")),
        svc("C1", 2, "90686", "40.00", "20.00", (CO, "45", "20.00")),
    )
    result = post(
        uow_factory, file_of(remittance("T2", reversal_of(first), paid_claim("C1")), control=2)
    )
    assert result.remittances[0].work_items_closed == 1
    assert_solved(uow_factory, short, "the claim is paid")


def test_a_write_off_of_all_that_is_owed_closes_the_denial(uow_factory: Factory) -> None:
    seed(uow_factory)
    post(uow_factory, denied("C2"))
    denial = active(uow_factory, "C2", "denial:CO-50")
    settings = Tier2Settings(write_off_approval_above=M("500.00"))
    ensure_person(uow_factory, "tom")
    request_write_off(
        uow_factory,
        "C2",
        amount=M("100.00"),
        reason_code="denial",
        note="",
        by="tom",
        now=NOW,
        settings=settings,
        policy=shipped_policy(),
    )
    assert active(uow_factory, "C2", "denial:CO-50").item_id == denial.item_id  # 90.00 owed
    request = request_write_off(
        uow_factory,
        "C2",
        amount=M("90.00"),
        reason_code="denial",
        note="",
        by="tom",
        now=NOW,
        settings=settings,
        policy=shipped_policy(),
    )
    assert_solved(uow_factory, denial, f"write-off request {request}")


def test_a_won_appeal_closes_the_denial_and_a_lost_one_does_not(
    uow_factory: Factory, tmp_path: Path
) -> None:
    seed(uow_factory)
    post(uow_factory, denied("C2"))
    denial = active(uow_factory, "C2", "denial:CO-50")
    argument = "The visit note documents acute pharyngitis."
    lost = start_appeal(uow_factory, "C2", argument=argument, letters=tmp_path, by="t", now=NOW)
    submit_appeal(uow_factory, lost, on=NOW.date())
    decide_appeal(uow_factory, lost, outcome="lost", on=NOW.date(), by="t", now=NOW)
    assert active(uow_factory, "C2", "denial:CO-50").item_id == denial.item_id
    won = start_appeal(uow_factory, "C2", argument=argument, letters=tmp_path, by="t", now=NOW)
    submit_appeal(uow_factory, won, on=NOW.date())
    decide_appeal(uow_factory, won, outcome="won", on=NOW.date(), by="t", now=NOW)
    assert_solved(uow_factory, denial, f"appeal {won} won")
