"""Good-faith estimates through the desk, on SQLite and PostgreSQL (docs/good-faith-estimates.md):
E3, Rick Roe's visit after his Medicare coverage ended, is self-pay. Its scheduled services are
99213 (self-pay price 150.00) and 99024 (0.00): the estimate is 150.00. The visit is then billed
150.00 plus a service added after the estimate; $400 or more above the estimate flags the
account for the patient-provider dispute process and holds its statements and collections.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from statements_practice import ANSWERED, SERVED, entry, store

from claimdesk.desk.guard import ForbiddenError
from claimdesk.desk.statements import StatementDesk
from claimdesk.domain.good_faith import GoodFaithError
from claimdesk.domain.ledger import Dimensions, EntryKind
from claimdesk.domain.money import Money
from claimdesk.domain.payers import FeeScheduleItem
from claimdesk.domain.statements import shipped_dunning
from claimdesk.domain.work import WorkKind
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.books import verify_books
from claimdesk.services.users import add_user
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
NOW = datetime(2024, 2, 1, 15, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def on(self, day: date) -> None:
        self.now = datetime.combine(day, time(15), tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(uow_factory: UowFactory, tmp_path: Path, clock: Clock) -> StatementDesk:
    with uow_factory() as uow:
        store(uow)
        uow.practice.put("time_zone", "UTC", at=NOW, by="root")
        uow.practice.put("name", "Springfield Clinic", at=NOW, by="root")
        for item in (
            FeeScheduleItem("99213", Money("140.00"), date(2023, 1, 1)),
            FeeScheduleItem("99213", Money("150.00"), date(2024, 1, 1)),
            FeeScheduleItem("99024", Money("0.00"), date(2024, 1, 1)),
        ):
            uow.fee_schedule.add(item)
        uow.commit()
    for user_id, role in (("root", Role.ADMIN), ("tia", Role.TIER1), ("bo", Role.TIER2)):
        add_user(uow_factory, user_id=user_id, name=user_id, role=role, by="root", now=NOW)
    add_user(uow_factory, user_id="aud", name="aud", role=Role.AUDITOR, by="root", now=NOW)
    return StatementDesk(
        uow_factory,
        shipped_policy(),
        lambda: clock.now,
        dunning=shipped_dunning(),
        archive=tmp_path / "archive",
    )


def _bill_more(uow_factory: UowFactory, amount: str) -> None:
    """A service added to E3 after its estimate: charged on C3, left to the patient (PR-96)."""
    dims = Dimensions("P2", "C3", 1, "MCR")
    with uow_factory() as uow:
        uow.ledger.append_many(
            [
                entry("c3-added", EntryKind.CHARGE, amount, dims, SERVED),
                entry("t3-added", EntryKind.TRANSFER_TO_PATIENT, amount, dims, ANSWERED, "PR-96"),
            ]
        )
        uow.commit()


def _books_hold(uow_factory: UowFactory, day: date) -> None:
    report = verify_books(uow_factory, as_of=day, now=datetime.combine(day, time(15), tzinfo=UTC))
    assert report.holds, report.findings


def test_the_estimate_prices_the_scheduled_services_at_the_self_pay_prices(
    desk: StatementDesk, tmp_path: Path
) -> None:
    tia = desk.actor_named("tia")

    made = desk.make_gfe(tia, "E3")

    assert made.created
    # 99213 at the price in effect on 2024-02-10 (150.00, not 2023's 140.00), 99024 at 0.00.
    assert [(x["code"], x["amount"]) for x in made.estimate["lines"]] == [
        ("99213", "150.00"),
        ("99024", "0.00"),
    ]
    assert made.estimate["total"] == "150.00"
    assert desk.make_gfe(tia, "E3").created is False
    shown = desk.gfe(tia, "GFE-E3")
    assert (shown["status"], shown["account"]) == ("open", "P2")
    text = pdfium.PdfDocument(desk.gfe_pdf(tia, "GFE-E3"))[0].get_textpage().get_text_range()
    for said in ("Good Faith Estimate GFE-E3", "Rick Roe", "99213", "150.00", "$400"):
        assert said in text, said
    # E1 was billed to Jane's Acme plan: she gets an estimate of her share, not a GFE.
    with pytest.raises(GoodFaithError, match="encounter E1: the patient has coverage"):
        desk.make_gfe(tia, "E1")
    with pytest.raises(ForbiddenError):
        desk.make_gfe(desk.actor_named("aud"), "E3")


@pytest.mark.parametrize(
    ("added", "flagged", "p2_statement"),
    [
        # Billed 150.00 + 399.99 = 549.99: 399.99 above the 150.00 estimate, under $400.
        ("399.99", False, "on its way"),
        # Billed 150.00 + 400.00 = 550.00: exactly $400 above, "at least $400": flagged.
        ("400.00", True, "on hold: dispute"),
    ],
)
def test_a_bill_400_or_more_over_the_estimate_holds_statements_and_collections(
    desk: StatementDesk,
    uow_factory: UowFactory,
    clock: Clock,
    added: str,
    flagged: bool,
    p2_statement: str,
) -> None:
    tia, bo = desk.actor_named("tia"), desk.actor_named("bo")
    desk.make_gfe(tia, "E3")
    _bill_more(uow_factory, added)
    clock.on(date(2024, 4, 1))

    run = desk.run_statements(tia)

    skipped = {s["account"]: s["reason"] for s in run.skipped}
    sent = {s["account"] for s in run.sent}
    assert skipped.get("P2", "on its way" if "P2" in sent else "") == p2_statement
    shown = desk.gfe(tia, "GFE-E3")
    assert shown["status"] == ("dispute" if flagged else "open")
    _books_hold(uow_factory, date(2024, 4, 1))
    if not flagged:
        assert desk.review_gfes(tia).flagged == []
        return
    assert shown["billed"] == "550.00"
    with uow_factory() as uow:
        (item,) = uow.work_items.without_claim_prefixed("gfe:")
    assert (item.kind, item.tier, item.amount_at_stake) == (
        WorkKind.GFE_DISPUTE,
        2,
        Money("400.00"),
    )
    # Collections wait too: after one statement and 120 days G1 is due, P2 (held) is not.
    with uow_factory() as uow:
        uow.practice.put("collections.after_statements", "1", at=clock.now, by="root")
        uow.commit()
    clock.on(date(2024, 7, 20))
    due = desk.review_collections(desk.actor_named("root"), dry_run=True).candidates
    assert [c.account for c in due] == ["G1"]
    with pytest.raises(ForbiddenError):
        desk.resolve_gfe(tia, "GFE-E3", "corrected")
    with pytest.raises(GoodFaithError, match="--note"):
        desk.resolve_gfe(bo, "GFE-E3", " ")

    assert desk.resolve_gfe(bo, "GFE-E3", "bill corrected to the estimate") == "resolved"

    assert [s["account"] for s in desk.run_statements(tia).sent] == ["G1", "P2"]
    with uow_factory() as uow:
        closed = uow.work_items.get(item.item_id or 0, with_history=False)
    assert closed is not None
    assert not closed.active
    _books_hold(uow_factory, date(2024, 7, 20))


def test_a_dry_run_lists_the_account_the_run_would_hold_and_keeps_nothing(
    desk: StatementDesk, uow_factory: UowFactory, clock: Clock
) -> None:
    tia = desk.actor_named("tia")
    desk.make_gfe(tia, "E3")
    _bill_more(uow_factory, "400.00")
    clock.on(date(2024, 4, 1))

    dry = desk.run_statements(tia, dry_run=True)

    assert {s["account"]: s["reason"] for s in dry.skipped}.get("P2") == "on hold: dispute"
    assert "P2" not in {s["account"] for s in dry.sent}
    # Nothing was kept: the estimate is still open, no hold stands and no item was opened.
    assert desk.gfe(tia, "GFE-E3")["status"] == "open"
    with uow_factory() as uow:
        assert "P2" not in uow.statements.holds()
        assert uow.work_items.without_claim_prefixed("gfe:") == []
    run = desk.run_statements(tia)
    assert (run.sent, run.skipped) == (dry.sent, dry.skipped)
