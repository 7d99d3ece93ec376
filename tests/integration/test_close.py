"""Month-end close through the desk, on SQLite and PostgreSQL: a closed month refuses entries,
an 835 paid in it lands on the first open day, reopening needs an admin and a reason and is
audited, the pre-checks refuse with findings, and the pack's roll-forward is the hand-computed
one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from remit_practice import (
    NOW,
    PAYEE,
    PAYER,
    file_of,
    paid_claim,
    remittance,
    save_correction,
    seed,
)
from sqlalchemy import Engine, insert, select, update

from claimdesk.analytics.facts import Period
from claimdesk.config import Settings
from claimdesk.denials.table import shipped_table
from claimdesk.desk.close import CloseDesk
from claimdesk.desk.guard import ForbiddenError
from claimdesk.domain.books import Check
from claimdesk.domain.ledger import Dimensions, EntryKind, standard_entry
from claimdesk.domain.money import Money
from claimdesk.domain.periods import ClosedPeriodError, Month, MonthEndKpis, PeriodStatus
from claimdesk.edi.x12.codes import PaymentMethod
from claimdesk.edi.x835.write import remittance_of
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.books import verify_books
from claimdesk.services.close import PeriodError
from claimdesk.services.invoice import FeeModelError
from claimdesk.services.kpis import monthly_trend
from claimdesk.services.post_remittance import PostingOptions, post_bytes
from claimdesk.services.tier2 import corrected_claim
from claimdesk.services.users import add_user
from claimdesk.store import rows
from claimdesk.store.tables.audit import AuditRow
from claimdesk.store.tables.ledger import LedgerEntryRow, LedgerPostingRow
from claimdesk.store.tables.periods import PeriodKpiRow
from claimdesk.store.tables.remittances import RemittanceRow
from claimdesk.store.uow import UnitOfWork

FEB, MAR = Month(2024, 2), Month(2024, 3)
UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def desk(uow_factory: UowFactory, tmp_path: Path) -> CloseDesk:
    seed(uow_factory)
    for user_id, role in (
        ("root", Role.ADMIN),
        ("mgr", Role.MANAGER),
        ("bo", Role.TIER2),
        ("aud", Role.AUDITOR),
    ):
        add_user(uow_factory, user_id=user_id, name=user_id, role=role, by="root", now=NOW)
    settings = Settings(home=tmp_path / "home")
    return CloseDesk(uow_factory, shipped_policy(), lambda: NOW, settings, shipped_table())


def _post(
    uow_factory: UowFactory, content: bytes, name: str, options: PostingOptions | None = None
) -> None:
    post_bytes(
        uow_factory,
        content,
        name=name,
        now=NOW,
        by="poster",
        options=options,
        table=shipped_table(),
        policy=shipped_policy(),
    )


def _audit(uow_factory: UowFactory, action: str) -> list[tuple[str, str, str]]:
    with uow_factory() as uow:
        rows = uow.read.execute(
            select(AuditRow.user_id, AuditRow.outcome, AuditRow.detail)
            .where(AuditRow.action == action)
            .order_by(AuditRow.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_a_closed_month_refuses_entries_and_a_late_835_lands_in_the_open_month(
    desk: CloseDesk, uow_factory: UowFactory
) -> None:
    outcome = desk.close_period(desk.actor_named("mgr"), FEB)
    assert outcome.closed, outcome.findings
    # Charges of 3 visits of 190.00 on Feb 10, all commercial (ACME): nothing else in February.
    assert outcome.pack is not None
    assert [line.cells() for line in outcome.pack.roll_forward] == [
        ("commercial", "0.00", "570.00", "0.00", "0.00", "0.00", "570.00", "570.00")
    ]

    late = remittance_of(
        [paid_claim("C1")],
        payer=PAYER,
        payee=PAYEE,
        payer_tax_id="123456789",
        technical_contact_phone="8005551212",
        trace_number="LATE1",
        method=PaymentMethod.CHECK,
        payment_date=date(2024, 2, 25),
        production_date=date(2024, 2, 25),
    )
    _post(uow_factory, file_of(late), "late.835")
    with uow_factory() as uow:
        entries = uow.ledger.entries(claim_id="C1")
        paid_on = uow.read.execute(
            select(RemittanceRow.payment_date).where(RemittanceRow.trace_number == "LATE1")
        ).scalar_one()
    posted = [e for e in entries if e.source.startswith("835 TRN02=LATE1")]
    assert posted
    assert {e.effective for e in posted} == {date(2024, 3, 1)}
    assert paid_on == date(2024, 2, 25)  # the real payment date is kept on the remittance

    direct = standard_entry(
        entry_id="direct-into-february",
        kind=EntryKind.PATIENT_PAYMENT,
        amount=Money("5.00"),
        dims=Dimensions("P1", "C1", 1, "ACME"),
        effective=date(2024, 2, 20),
        recorded_at=NOW,
        recorded_by="tester",
    )
    with uow_factory() as uow, pytest.raises(ClosedPeriodError, match="2024-02-20"):
        uow.ledger.append(direct)

    # March's roll-forward by hand: ACME paid 92.50 on C1, 77.50 contractual (CO-45), and
    # moved the 20.00 coinsurance (PR-2) to the patient.
    pack, status, _files = desk.month_end_pack(desk.actor_named("aud"), MAR, desk.settings.home)
    assert status is PeriodStatus.OPEN
    assert [line.cells() for line in pack.roll_forward] == [
        ("commercial", "570.00", "0.00", "92.50", "77.50", "-20.00", "380.00", "380.00"),
        ("patient", "0.00", "0.00", "0.00", "0.00", "20.00", "20.00", "20.00"),
    ]
    assert [(r.reason, str(r.amount)) for r in pack.by_reason] == [("CO-45", "77.50")]
    assert [(d.day, str(d.payments)) for d in pack.day_sheets] == [(date(2024, 3, 1), "92.50")]


def test_reopening_needs_an_admin_and_a_reason_and_is_audited(
    desk: CloseDesk, uow_factory: UowFactory
) -> None:
    assert desk.close_period(desk.actor_named("mgr"), FEB).closed
    with pytest.raises(ForbiddenError):
        desk.reopen_period(desk.actor_named("mgr"), FEB, "a late EOB")
    with pytest.raises(PeriodError, match="needs a reason"):
        desk.reopen_period(desk.actor_named("root"), FEB, "  ")
    state = desk.reopen_period(desk.actor_named("root"), FEB, "a late EOB")
    assert state.status is PeriodStatus.OPEN
    assert [e.reason for e in state.reopens] == ["a late EOB"]
    assert _audit(uow_factory, "reopen_period") == [
        ("mgr", "denied", ""),
        ("root", "failed", "period 2024-02: reopening needs a reason (--reason TEXT)"),
        ("root", "ok", "reopened: a late EOB"),
    ]
    # Open again: an entry dated in February posts where it is dated.
    with uow_factory() as uow:
        assert uow.periods.closed().postable(date(2024, 2, 20)) == date(2024, 2, 20)


def test_a_biller_may_not_close_and_the_refusal_is_audited(
    desk: CloseDesk, uow_factory: UowFactory
) -> None:
    with pytest.raises(ForbiddenError):
        desk.close_period(desk.actor_named("bo"), FEB)
    assert _audit(uow_factory, "close_period") == [("bo", "denied", "")]


def test_a_month_not_over_or_out_of_order_does_not_close(desk: CloseDesk) -> None:
    with pytest.raises(PeriodError, match="has not ended"):
        desk.close_period(desk.actor_named("mgr"), MAR)
    assert desk.close_period(desk.actor_named("mgr"), Month(2024, 1)).closed
    with pytest.raises(PeriodError, match="already closed"):
        desk.close_period(desk.actor_named("mgr"), Month(2023, 12))


def test_an_unposted_era_keeps_the_month_open_listing_it(
    desk: CloseDesk, uow_factory: UowFactory
) -> None:
    april = CloseDesk(
        uow_factory,
        shipped_policy(),
        lambda: datetime(2024, 4, 2, 12, tzinfo=UTC),
        desk.settings,
        shipped_table(),
    )
    inbox = desk.settings.inbox
    inbox.mkdir(parents=True)
    (inbox / "waiting.835").write_bytes(file_of(remittance("T9", paid_claim("C2"))))
    # A claim payment naming no claim of ours holds its whole 835 ...
    _post(uow_factory, file_of(remittance("T2", paid_claim("NOPE"))), "t2")
    # ... or, posted claim by claim, only itself while the rest posts.
    both = file_of(remittance("T3", paid_claim("C3"), paid_claim("NADA")), control=3)
    _post(uow_factory, both, "t3", PostingOptions(claim_level=True))
    outcome = april.close_period(april.actor_named("mgr"), MAR)
    assert not outcome.closed
    assert [f.code for f in outcome.findings] == ["CLOSE001", "CLOSE001", "CLOSE002"]
    assert outcome.findings[0].location == str(inbox / "waiting.835")
    assert "TRN02 T2" in outcome.findings[1].message
    assert "CLP01 NADA" in outcome.findings[2].message
    assert all(f.fix_hint for f in outcome.findings)
    with uow_factory() as uow:
        assert not uow.periods.states()
    assert _audit(uow_factory, "close_period")[-1] == (
        "mgr",
        "failed",
        "refused: CLOSE001, CLOSE002",
    )


def test_books_verify_finds_an_entry_written_into_a_closed_month_behind_the_ledger(
    desk: CloseDesk, uow_factory: UowFactory, engine: Engine
) -> None:
    assert desk.close_period(desk.actor_named("mgr"), FEB).closed
    report = verify_books(uow_factory, as_of=date(2024, 3, 20), now=NOW)
    assert not report.of(Check.CLOSED_PERIODS_HOLD)
    sneaked = standard_entry(
        entry_id="sneaked",
        kind=EntryKind.PATIENT_PAYMENT,
        amount=Money("5.00"),
        dims=Dimensions("P1", "C1", 1, "ACME"),
        effective=date(2024, 2, 20),
        recorded_at=NOW + timedelta(minutes=5),
        recorded_by="intruder",
    )
    with engine.begin() as db:  # past the repository, as a raw INSERT would be
        db.execute(insert(LedgerEntryRow).values(rows.entry_row(sneaked)))
        db.execute(insert(LedgerPostingRow), rows.posting_rows(sneaked))
    report = verify_books(uow_factory, as_of=date(2024, 3, 20), now=NOW)
    found = report.of(Check.CLOSED_PERIODS_HOLD)
    assert [f.entries for f in found][:1] == [("sneaked",)]
    # February's patient class now moves 5.00 the books closed without.
    assert any("period 2024-02" in f.message and "patient" in f.message for f in found[1:])


def test_a_close_keeps_the_months_net_ar_which_the_trend_shows_and_books_verify_sums_again(
    desk: CloseDesk, uow_factory: UowFactory, engine: Engine
) -> None:
    assert desk.close_period(desk.actor_named("mgr"), FEB).closed
    # February: 3 visits of 190.00 billed to ACME, none adjudicated, so nothing to allow for:
    # net A/R 570.00 on Feb 29; the 90 days to it charged 570.00 and adjusted nothing.
    with uow_factory() as uow:
        assert uow.periods.month_end_kpis() == {FEB: MonthEndKpis(Money("570.00"), Money("570.00"))}
    # The trend reads the kept figure (changed here behind the books), and sums March's.
    with engine.begin() as db:
        db.execute(update(PeriodKpiRow).values(net_ar=Decimal("500.00")))
    with uow_factory() as uow:
        trend = monthly_trend(uow, Period(date(2024, 2, 1), date(2024, 3, 20)))
    assert [(m.month, m.net_ar, m.net_revenue) for m in trend] == [
        ("2024-02", Money("500.00"), Money("570.00")),
        ("2024-03", Money("570.00"), Money("570.00")),
    ]
    found = verify_books(uow_factory, as_of=date(2024, 3, 20), now=NOW).of(
        Check.CLOSED_PERIODS_HOLD
    )
    assert [f.message for f in found] == [
        "period 2024-02: closed with net A/R 500.00 and 90 days' net revenue 570.00; now "
        "570.00 and 570.00"
    ]
    # A reopened month keeps no figures: the trend sums it from the ledger again.
    desk.reopen_period(desk.actor_named("root"), FEB, "a late EOB")
    with uow_factory() as uow:
        assert uow.periods.month_end_kpis() == {}
        trend = monthly_trend(uow, Period(date(2024, 2, 1), date(2024, 2, 29)))
    assert [m.net_ar for m in trend] == [Money("570.00")]


def test_a_late_charge_posts_on_the_first_open_day_keeping_its_date_of_service(
    desk: CloseDesk, uow_factory: UowFactory
) -> None:
    assert desk.close_period(desk.actor_named("mgr"), FEB).closed
    _post(uow_factory, file_of(remittance("T1", paid_claim("C1"))), "t1")
    # A corrected claim (frequency 7) charges the visit of Feb 10 again, on its replacement.
    replacement = corrected_claim(uow_factory, "C1", by="bo", now=NOW)
    save_correction(uow_factory, replacement, {"modifiers": "25"})
    with uow_factory() as uow:
        charges = [e for e in uow.ledger.entries(claim_id=replacement) if e.kind.value == "charge"]
        claim = uow.claims.get(replacement)
    assert claim is not None
    assert [line.date_of_service for line in claim.lines] == [date(2024, 2, 10)] * 2
    assert [e.effective for e in charges] == [date(2024, 3, 1)] * 2


def test_an_invoice_without_a_fee_model_is_refused_naming_the_settings(
    desk: CloseDesk, uow_factory: UowFactory, tmp_path: Path
) -> None:
    assert desk.close_period(desk.actor_named("mgr"), FEB).closed
    out = tmp_path / "bill"
    with pytest.raises(FeeModelError) as refused:
        desk.invoice(desk.actor_named("aud"), FEB, out)
    message = str(refused.value)
    for key in ("fee.percent", "fee.per_claim", "fee.flat", "fee.minimum", "practice set"):
        assert key in message
    assert not out.exists()
    assert _audit(uow_factory, "invoice") == [("aud", "failed", message)]

    desk.set_practice(desk.actor_named("root"), {"fee.flat": "250.00"})
    bill, files = desk.invoice(desk.actor_named("aud"), FEB, out)
    assert (str(bill.fee.total), len(files)) == ("250.00", 3)
    assert _audit(uow_factory, "invoice")[-1][:2] == ("aud", "ok")
