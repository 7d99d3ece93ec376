"""Patient statements and payment plans through the desk, on SQLite and PostgreSQL: a run after
a cycle, the minimum balance, a hold, the cycle days, a second run the same day, a plan with a
missed installment; the books still verify after each (statements_practice.py: who owes what).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from sqlalchemy import func, select
from statements_practice import patient_payment, store

from claimdesk.desk.guard import ForbiddenError
from claimdesk.desk.statements import StatementDesk
from claimdesk.domain.money import Money
from claimdesk.domain.payment_plans import PlanError, PlanStatus
from claimdesk.domain.statements import HoldReason, shipped_dunning
from claimdesk.domain.work import WorkKind
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.books import verify_books
from claimdesk.services.receivables import patient_aging_in, position
from claimdesk.services.users import add_user
from claimdesk.store.queries.patient_accounts import patient_aging_summary
from claimdesk.store.tables.statements import StatementRow, StatementRunRow
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 4, 1, 15, tzinfo=UTC)

    def on(self, day: date) -> None:
        self.now = datetime.combine(day, time(15), tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(uow_factory: UowFactory, tmp_path: Path, clock: Clock) -> StatementDesk:
    with uow_factory() as uow:
        store(uow)
        uow.practice.put("time_zone", "UTC", at=clock.now, by="root")
        uow.practice.put("name", "Springfield Clinic", at=clock.now, by="root")
        uow.commit()
    for user_id, role in (("root", Role.ADMIN), ("tia", Role.TIER1), ("aud", Role.AUDITOR)):
        add_user(uow_factory, user_id=user_id, name=user_id, role=role, by="root", now=clock.now)
    return StatementDesk(
        uow_factory,
        shipped_policy(),
        lambda: clock.now,
        dunning=shipped_dunning(),
        archive=tmp_path / "archive",
    )


def _books_hold(uow_factory: UowFactory, day: date) -> None:
    report = verify_books(uow_factory, as_of=day, now=datetime.combine(day, time(15), tzinfo=UTC))
    assert report.holds, report.findings


def _rows(uow_factory: UowFactory) -> tuple[int, int]:
    with uow_factory() as uow:
        return (
            uow.read.execute(select(func.count()).select_from(StatementRunRow)).scalar_one(),
            uow.read.execute(select(func.count()).select_from(StatementRow)).scalar_one(),
        )


def test_a_run_bills_resolved_visits_and_the_second_run_the_same_day_changes_nothing(
    desk: StatementDesk, uow_factory: UowFactory, tmp_path: Path
) -> None:
    tia = desk.actor_named("tia")

    done = desk.run_statements(tia)

    assert {s["account"]: s["balance"] for s in done.sent} == {"G1": "35.00", "P2": "150.00"}
    assert done.total == Money("185.00")
    assert (tmp_path / "archive" / done.batch_file).read_bytes().startswith(b"%PDF")
    g1 = desk.statement(tia, "G1-20240401").data
    # E1: charge 190.00 = paid 100.00 + adjusted 45.00 + the patient's 45.00 (20.00
    # deductible, 25.00 copay); 10.00 paid, 35.00 left. E2 is still with Acme: not billed.
    (visit,) = g1["visits"]
    assert (visit["charge"], visit["insurance_paid"], visit["insurance_adjusted"]) == (
        "190.00",
        "100.00",
        "45.00",
    )
    assert visit["patient_owes"] == {"deductible": "20.00", "copay": "25.00"}
    assert (visit["payments"], visit["balance"]) == ("10.00", "35.00")
    assert g1["visits_with_insurance"] == 1
    assert g1["dunning_level"] == "current"
    _books_hold(uow_factory, date(2024, 4, 1))

    again = desk.run_statements(tia)

    assert again.already_run
    assert again.sent == done.sent
    assert _rows(uow_factory) == (1, 2)


def test_the_statement_pdf_shows_the_balance_and_each_visits_patient_amount(
    desk: StatementDesk, tmp_path: Path
) -> None:
    tia = desk.actor_named("tia")
    desk.run_statements(tia)

    data = desk.statement_pdf(tia, "G1-20240401")

    document = pdfium.PdfDocument(data)
    page = document[0]
    image = page.render(scale=1).to_pil()
    image.save(tmp_path / "statement.png")
    assert image.size[0] > 500
    assert image.getextrema() != ((255, 255), (255, 255), (255, 255))
    text = page.get_textpage().get_text_range()
    assert "BALANCE DUE" in text
    assert "35.00" in text
    # The visit's line: charge, insurance paid and adjusted, the patient's 45.00, why, balance.
    for figure in ("190.00", "100.00", "45.00", "deductible 20.00", "copay 25.00", "10.00"):
        assert figure in text, figure
    assert "REMITTANCE" in text
    assert "Amount due 35.00" in text
    assert "Springfield Clinic" in text


def test_the_cycle_days_a_hold_and_the_minimum_balance_skip_with_their_reason(
    desk: StatementDesk, uow_factory: UowFactory, clock: Clock
) -> None:
    tia = desk.actor_named("tia")
    desk.run_statements(tia)

    clock.on(date(2024, 4, 15))
    early = desk.run_statements(tia, dry_run=True)
    assert {s["account"]: s["reason"] for s in early.skipped} == {
        "G1": "cycle: last statement 2024-04-01, next on or after 2024-05-01",
        "P2": "cycle: last statement 2024-04-01, next on or after 2024-05-01",
    }

    desk.hold_statements(tia, "P2", HoldReason.DISPUTE, "says the visit was covered")
    with uow_factory() as uow:
        uow.practice.put("statements.min_balance", "40.00", at=clock.now, by="root")
        uow.commit()
    clock.on(date(2024, 5, 1))
    due = desk.run_statements(tia)

    assert due.sent == []
    assert {s["account"]: s["reason"] for s in due.skipped} == {
        "G1": "balance 35.00 below the minimum 40.00",
        "P2": "on hold: dispute",
    }

    assert desk.release_statements(tia, "P2") == 1
    clock.on(date(2024, 5, 2))
    resumed = desk.run_statements(tia)
    assert [s["account"] for s in resumed.sent] == ["P2"]
    # Transferred 2024-03-15: 48 days old, the 30-day message.
    assert resumed.sent[0]["dunning_level"] == "30_days"
    _books_hold(uow_factory, date(2024, 5, 2))


def test_a_dry_run_keeps_nothing_and_an_auditor_may_not_run(
    desk: StatementDesk, uow_factory: UowFactory
) -> None:
    found = desk.run_statements(desk.actor_named("tia"), dry_run=True)

    assert len(found.sent) == 2
    assert _rows(uow_factory) == (0, 0)
    with pytest.raises(ForbiddenError):
        desk.run_statements(desk.actor_named("aud"))
    with pytest.raises(ForbiddenError):
        desk.hold_statements(desk.actor_named("aud"), "P2", HoldReason.BANKRUPTCY)


def test_a_plan_with_a_missed_installment_opens_tier1_work_and_holds_dunning(
    desk: StatementDesk, uow_factory: UowFactory, clock: Clock
) -> None:
    tia = desk.actor_named("tia")
    with pytest.raises(PlanError, match=r"2 installment\(s\) of 50\.00 cover 100\.00"):
        desk.add_plan(
            tia, "P2", amount=Money("50.00"), every_days=30, first_due=date(2024, 4, 10),
            installments=2,
        )  # fmt: skip
    plan = desk.add_plan(
        tia, "P2", amount=Money("50.00"), every_days=30, first_due=date(2024, 4, 10),
        installments=None,
    )  # fmt: skip
    assert [str(i.due) for i in plan.plan.schedule()] == ["2024-04-10", "2024-05-10", "2024-06-09"]
    with pytest.raises(PlanError, match="payment plan PP00001 is in good standing"):
        desk.add_plan(
            tia, "P2", amount=Money("75.00"), every_days=30, first_due=date(2024, 4, 10),
            installments=None,
        )  # fmt: skip

    with uow_factory() as uow:
        uow.ledger.append(patient_payment("pp-plan-1", "C3", "50.00", date(2024, 4, 10)))
        uow.commit()
    clock.on(date(2024, 5, 25))  # 5/10 + 10 grace days passed with 50.00 of 100.00 paid
    done = desk.run_statements(tia)

    (item_id,) = done.opened
    with uow_factory() as uow:
        item = uow.work_items.get(item_id)
    assert item is not None
    assert (item.kind, item.tier, item.queue) == (WorkKind.PAYMENT_PLAN_MISSED, 1, "t1-front-end")
    assert item.amount_at_stake == Money("50.00")
    p2 = desk.statement(tia, "P2-20240525").data
    assert p2["balance"] == "100.00"
    assert p2["message"] == "Payment plan PP00001: next installment 50.00 due 2024-05-10."
    standing = desk.plan(tia, "PP00001")
    assert (standing.status, [i.number for i in standing.missed]) == (PlanStatus.GOOD, [2])
    _books_hold(uow_factory, date(2024, 5, 25))

    clock.on(date(2024, 6, 25))  # the third missed too: the plan is broken, dunning resumes
    broken = desk.run_statements(tia)
    assert len(broken.opened) == 1
    assert desk.plan(tia, "PP00001").status is PlanStatus.BROKEN
    assert desk.statement(tia, "P2-20240625").data["dunning_level"] == "90_days"


@pytest.mark.parametrize(
    ("day", "by_guarantor", "buckets"),
    [
        # Every patient balance moved to the patient on 2024-03-15: 17 days by 2024-04-01.
        (date(2024, 4, 1), {"G1": "45.00", "P2": "150.00"}, {"0-30": "195.00"}),
        # 66 days by 2024-05-20, though 100 days from the date of service (2024-02-10).
        (date(2024, 5, 20), {"G1": "45.00", "P2": "150.00"}, {"61-90": "195.00"}),
    ],
)
def test_patient_aging_by_guarantor_reconciles_to_the_ledgers_patient_ar(
    desk: StatementDesk,
    uow_factory: UowFactory,
    day: date,
    by_guarantor: dict[str, str],
    buckets: dict[str, str],
) -> None:
    with uow_factory() as uow:
        aging = patient_aging_summary(uow.read, day)
        every = patient_aging_in(uow, day)

    assert {key: str(amount) for key, _b, amount in aging.largest_guarantors} == by_guarantor
    # G1's 45.00 is Jane's: 35.00 on E1 and 10.00 on E2, still with Acme.
    assert {key: str(amount) for key, _b, amount in aging.largest_accounts} == {
        "P1": "45.00",
        "P2": "150.00",
    }
    assert (aging.accounts, aging.guarantors) == (2, 2)
    assert {b: str(m) for b, m in aging.by_bucket.items() if m} == buckets
    assert aging.total == position(uow_factory, day).patient
    # Summed by the database, it is the summary of every balance; the largest one only:
    assert aging == every.summary()
    with uow_factory() as uow:
        assert patient_aging_summary(uow.read, day, largest=1) == every.summary(largest=1)
    _books_hold(uow_factory, day)
