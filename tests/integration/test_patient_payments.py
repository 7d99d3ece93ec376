"""Patient payments on SQLite and PostgreSQL: applied oldest first or to the named claim, the
rest kept as unapplied credit and applied later, reversed with a reason, refunded with another
manager's approval; ``books verify`` holds after each (docs/patient-payments.md)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal

import pytest
from remit_practice import NOW, ensure_person, seed
from sqlalchemy import Engine, update

from claimdesk.domain.books import Check
from claimdesk.domain.ledger import (
    Account,
    BalanceQuery,
    Dimensions,
    EntryKind,
    standard_entry,
)
from claimdesk.domain.money import Money
from claimdesk.domain.patient_payments import (
    PaymentError,
    PaymentMethod,
    RefundSource,
    RefundStatus,
    ReversalReason,
)
from claimdesk.domain.work import WorkKind
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.books import verify_books
from claimdesk.services.patient_payments import (
    CREDIT_PREFIX,
    PaymentRequest,
    RefundAsk,
    apply_credit,
    apply_credits_in,
    credit_of,
    decide_refund,
    post_payment,
    request_refund,
    reverse_payment,
)
from claimdesk.store.tables.patient_payments import PatientPaymentRow
from claimdesk.store.tables.work_items import WorkItemRow
from claimdesk.store.uow import UnitOfWork

M = Money
Factory = Callable[[], UnitOfWork]
PATIENT = frozenset({Account.PATIENT_AR})
POLICY = shipped_policy()
TODAY = NOW.date()


def to_patient(uow_factory: Factory, claim_id: str, line: int, amount: str, n: int) -> None:
    """The payer left ``amount`` of the line to the patient (a PR adjustment's transfer)."""
    with uow_factory() as uow:
        uow.ledger.append(
            standard_entry(
                entry_id=f"to-patient:{claim_id}:{line}:{n}",
                kind=EntryKind.TRANSFER_TO_PATIENT,
                amount=M(amount),
                dims=Dimensions("P1", claim_id, line, "ACME"),
                effective=date(2024, 3, 1),
                recorded_at=NOW,
                recorded_by="poster",
            )
        )
        uow.commit()


@pytest.fixture
def practice(uow_factory: Factory) -> Factory:
    """P1 owes on C1 (visit 2024-02-10) 20.00 on line 1 and 15.00 on line 2, on C2 (02-11)
    30.00 on line 1, nothing on C3 (02-12)."""
    seed(uow_factory, 3, a_day_apart=True)
    to_patient(uow_factory, "C1", 1, "20.00", 1)
    to_patient(uow_factory, "C1", 2, "15.00", 1)
    to_patient(uow_factory, "C2", 1, "30.00", 1)
    ensure_person(uow_factory, "fran", Role.TIER1)
    return uow_factory


def pay(uow_factory: Factory, amount: str, claim: str | None = None, reference: str = "") -> str:
    posted = post_payment(
        uow_factory,
        PaymentRequest("P1", M(amount), PaymentMethod.CASH, reference, claim),
        now=NOW,
        by="fran",
        policy=POLICY,
    )
    return posted.payment.payment_id


def owed(uow_factory: Factory) -> dict[str, Money]:
    with uow_factory() as uow:
        return {
            c: uow.ledger.balance(BalanceQuery(accounts=PATIENT, claim_id=c))
            for c in ("C1", "C2", "C3")
        }


def credit(uow_factory: Factory) -> Money:
    with uow_factory() as uow:
        return credit_of(uow, "P1")


def credit_items(uow_factory: Factory) -> list[bool]:
    with uow_factory() as uow:
        return [i.active for i in uow.work_items.without_claim_prefixed(f"{CREDIT_PREFIX}P1")]


def holds(uow_factory: Factory) -> None:
    report = verify_books(uow_factory, as_of=TODAY, now=NOW)
    assert report.holds, report.findings


# Hand-computed: C1 owes 35.00 (20.00 + 15.00) and is the oldest visit; C2 owes 30.00.
CASES = [
    # amount, claim named, paid per claim, credit left
    ("20.00", None, {"C1": "20.00"}, "0.00"),
    ("50.00", None, {"C1": "35.00", "C2": "15.00"}, "0.00"),
    ("65.00", None, {"C1": "35.00", "C2": "30.00"}, "0.00"),
    ("80.00", None, {"C1": "35.00", "C2": "30.00"}, "15.00"),
    ("25.00", "C2", {"C2": "25.00"}, "0.00"),
    ("40.00", "C2", {"C2": "30.00"}, "10.00"),
    ("10.00", "C3", {}, "10.00"),
]


@pytest.mark.parametrize(("amount", "claim", "paid", "left"), CASES)
def test_a_payment_is_applied_oldest_first_or_to_the_named_claim(
    practice: Factory, amount: str, claim: str | None, paid: dict[str, str], left: str
) -> None:
    before = owed(practice)
    pay(practice, amount, claim)
    after = owed(practice)
    assert {c: before[c] - after[c] for c in before if before[c] != after[c]} == {
        c: M(v) for c, v in paid.items()
    }
    assert credit(practice) == M(left)
    # Unapplied credit is worked: one credit-balance item while it stands.
    assert credit_items(practice) == ([True] if M(left) else [])
    holds(practice)


def test_inside_a_claim_each_line_is_paid_in_line_order(practice: Factory) -> None:
    pay(practice, "25.00")
    with practice() as uow:
        lines = uow.ledger.balances_by_line("C1", PATIENT)
    # line 1: 20.00 - 20.00; line 2: 15.00 - 5.00.
    assert lines == {1: M("0.00"), 2: M("10.00")}


def test_the_same_payment_twice_changes_nothing(practice: Factory) -> None:
    first = pay(practice, "20.00", reference="R-1")
    with practice() as uow:
        entries = len(uow.ledger.entries())
    again = pay(practice, "20.00", reference="r-1 ")
    with practice() as uow:
        assert len(uow.ledger.entries()) == entries
    assert first == again
    assert owed(practice)["C1"] == M("15.00")


def test_a_card_payment_keeps_the_processors_reference_never_a_card_number(
    practice: Factory,
) -> None:
    with pytest.raises(PaymentError, match="processor's reference"):
        post_payment(
            practice,
            PaymentRequest("P1", M("5.00"), PaymentMethod.CARD),
            now=NOW,
            by="fran",
            policy=POLICY,
        )
    with pytest.raises(PaymentError, match="card number"):
        post_payment(
            practice,
            PaymentRequest("P1", M("5.00"), PaymentMethod.CARD, "4111 1111 1111 1111"),
            now=NOW,
            by="fran",
            policy=POLICY,
        )
    pay_id = post_payment(
        practice,
        PaymentRequest("P1", M("5.00"), PaymentMethod.CARD, "ch_3OpK2x"),
        now=NOW,
        by="fran",
        policy=POLICY,
    )
    assert pay_id.payment.reference == "ch_3OpK2x"


def test_bad_input_is_refused_and_changes_nothing(practice: Factory) -> None:
    before = owed(practice)
    for request, reason in (
        (PaymentRequest("P9", M("5.00"), PaymentMethod.CASH), "no such patient"),
        (PaymentRequest("P1", M("0.00"), PaymentMethod.CASH), "more than 0.00"),
        (PaymentRequest("P1", M("5.00"), PaymentMethod.CASH, claim_id="C9"), "no claim"),
        (PaymentRequest("P1", M("5.00"), PaymentMethod.CHECK), "check number"),
        (
            PaymentRequest(
                "P1", M("5.00"), PaymentMethod.CASH, received_on=TODAY + timedelta(days=1)
            ),
            "after today",
        ),
    ):
        with pytest.raises(PaymentError, match=reason):
            post_payment(practice, request, now=NOW, by="fran", policy=POLICY)
    assert owed(practice) == before


def test_credit_is_applied_to_a_new_patient_balance(practice: Factory) -> None:
    pay(practice, "80.00")  # C1 35.00, C2 30.00, credit 15.00
    to_patient(practice, "C3", 1, "12.00", 1)
    with practice() as uow:
        assert apply_credits_in(uow, ["P1"], now=NOW, by="poster", policy=POLICY) == 1
        uow.commit()
    assert owed(practice)["C3"] == M("0.00")
    assert credit(practice) == M("3.00")
    to_patient(practice, "C3", 2, "5.00", 1)
    assert apply_credit(practice, "P1", claim_id="C3", now=NOW, by="fran", policy=POLICY) == M(
        "3.00"
    )
    assert (owed(practice)["C3"], credit(practice)) == (M("2.00"), M("0.00"))
    assert credit_items(practice) == [False]
    holds(practice)


def test_a_reversal_reopens_what_the_payment_paid_and_takes_back_its_applied_credit(
    practice: Factory,
) -> None:
    ensure_person(practice, "tess", Role.TIER2)
    payment = pay(practice, "80.00", reference="check 1001")  # credit 15.00
    to_patient(practice, "C3", 1, "12.00", 1)
    apply_credit(practice, "P1", claim_id=None, now=NOW, by="fran", policy=POLICY)
    assert credit(practice) == M("3.00")

    reverse_payment(
        practice,
        payment,
        reason=ReversalReason.RETURNED_CHECK,
        note="NSF",
        now=NOW,
        by="tess",
        policy=POLICY,
    )

    assert owed(practice) == {"C1": M("35.00"), "C2": M("30.00"), "C3": M("12.00")}
    assert credit(practice) == M("0.00")
    assert credit_items(practice) == [False]
    with pytest.raises(PaymentError, match="already reversed"):
        reverse_payment(
            practice,
            payment,
            reason=ReversalReason.CHARGEBACK,
            note="",
            now=NOW,
            by="tess",
            policy=POLICY,
        )
    holds(practice)


def test_a_refund_waits_for_another_manager(practice: Factory) -> None:
    ensure_person(practice, "mia", Role.MANAGER)
    ensure_person(practice, "max", Role.MANAGER)
    ensure_person(practice, "tess", Role.TIER2)
    pay(practice, "80.00")  # credit 15.00
    ask = RefundAsk(RefundSource.PATIENT_CREDIT, "P1", M("15.00"), note="moved away")
    with pytest.raises(PaymentError, match=r"more than the 15\.00"):
        request_refund(
            practice,
            RefundAsk(RefundSource.PATIENT_CREDIT, "P1", M("15.01")),
            now=NOW,
            by="mia",
            policy=POLICY,
        )
    request = request_refund(practice, ask, now=NOW, by="mia", policy=POLICY)
    assert request.request_id is not None
    with practice() as uow:
        item = uow.work_items.get(request.work_item_id or 0)
    assert item is not None
    assert item.kind is WorkKind.REFUND_APPROVAL
    for by, reason in (("mia", "another manager"), ("tess", "only a manager")):
        with pytest.raises(PaymentError, match=reason):
            decide_refund(practice, request.request_id, approve=True, now=NOW, by=by, policy=POLICY)
    assert credit(practice) == M("15.00")

    done = decide_refund(
        practice, request.request_id, approve=True, now=NOW, by="max", policy=POLICY
    )

    assert done.status is RefundStatus.POSTED
    assert credit(practice) == M("0.00")
    assert credit_items(practice) == [False]
    with practice() as uow:
        cash = uow.ledger.balance(BalanceQuery(accounts=frozenset({Account.CASH})))
    assert cash == M("65.00")  # 80.00 in, 15.00 back
    holds(practice)


def test_books_fail_on_a_receipt_that_differs_from_its_entry_and_on_unworked_credit(
    practice: Factory, engine: Engine
) -> None:
    pay(practice, "80.00")  # credit 15.00, one credit-balance item
    with engine.begin() as db:
        db.execute(update(PatientPaymentRow).values(unapplied=Decimal("14.00")))
        db.execute(
            update(WorkItemRow)
            .where(WorkItemRow.kind == WorkKind.CREDIT_BALANCE.value)
            .values(status="cancelled", closed_at=NOW)
        )
    report = verify_books(practice, as_of=TODAY, now=NOW)
    assert [f.message for f in report.of(Check.PATIENT_CREDIT_IS_ACCOUNT)] == [
        "payment receipt 1 credit keeps 14.00, but entry "
        f"{report.of(Check.PATIENT_CREDIT_IS_ACCOUNT)[0].entries[0]} posted 15.00"
    ]
    assert [f.message for f in report.of(Check.NO_UNWORKED_PATIENT_CREDIT)] == [
        "patient P1: unapplied credit 15.00 with no open credit-balance work item"
    ]


def test_payments_of_one_patient_at_the_same_moment_each_apply_once(practice: Factory) -> None:
    # Eight 10.00 payments at once against 65.00 owed: 65.00 applied, 15.00 of credit, eight
    # receipts numbered 1 to 8, never a balance paid twice.
    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(lambda n: pay(practice, "10.00", reference=f"R{n}"), range(8)))
    assert len(set(ids)) == 8
    assert owed(practice) == {"C1": M("0.00"), "C2": M("0.00"), "C3": M("0.00")}
    assert credit(practice) == M("15.00")
    with practice() as uow:
        receipts = sorted(p.receipt_number for p in uow.patient_payments.of_patient("P1"))
    assert receipts == list(range(1, 9))
    holds(practice)
