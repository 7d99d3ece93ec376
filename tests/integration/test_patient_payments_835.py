"""Patient payments meeting the 835 on SQLite and PostgreSQL: credit a patient paid ahead is
applied when an 835 moves a balance to them; a Medicare overpayment's item carries the 60-day
deadline; a payer overpayment left to recoupment closes when the PLB WO takes it back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from remit_practice import (
    CO,
    GROUP,
    NOW,
    OA,
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
from claimdesk.domain.ledger import Account, BalanceQuery, Dimensions, EntryKind, standard_entry
from claimdesk.domain.money import Money
from claimdesk.domain.patient_payments import (
    MEDICARE_DEADLINE_KIND,
    PaymentError,
    PaymentMethod,
    RefundSource,
    RefundStatus,
)
from claimdesk.domain.work import Problem, WorkKind, WorkStatus
from claimdesk.edi.x835.model import ProviderAdjustment, ProviderAdjustmentItem
from claimdesk.edi.x835.write import reversal_of
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.books import verify_books
from claimdesk.services.patient_payments import (
    PATIENT_CREDIT_KEY,
    PaymentRequest,
    RefundAsk,
    await_recoupment,
    credit_of,
    decide_refund,
    post_payment,
    refund_letter_facts,
    request_refund,
)
from claimdesk.services.post_remittance import post_bytes
from claimdesk.services.work_queue import open_item, take_item
from claimdesk.store.uow import UnitOfWork

M = Money
Factory = Callable[[], UnitOfWork]
POLICY = shipped_policy()
PAT = frozenset({Account.PATIENT_AR})
INS = frozenset({Account.INSURANCE_AR})


def post(uow_factory: Factory, data: bytes) -> None:
    post_bytes(
        uow_factory,
        data,
        name="era.835",
        now=NOW,
        by="poster",
        table=shipped_table(),
        policy=POLICY,
    )


def balance(uow_factory: Factory, accounts: frozenset[Account], claim_id: str) -> Money:
    with uow_factory() as uow:
        return uow.ledger.balance(BalanceQuery(accounts=accounts, claim_id=claim_id))


def holds(uow_factory: Factory) -> None:
    report = verify_books(uow_factory, as_of=NOW.date(), now=NOW)
    assert report.holds, report.findings


def test_credit_paid_ahead_is_applied_when_the_835_leaves_a_balance_to_the_patient(
    uow_factory: Factory,
) -> None:
    seed(uow_factory)
    ensure_person(uow_factory, "fran", Role.TIER1)
    post_payment(
        uow_factory,
        PaymentRequest("P1", M("30.00"), PaymentMethod.CASH, "deposit at check-in"),
        now=NOW,
        by="fran",
        policy=POLICY,
    )
    with uow_factory() as uow:
        assert credit_of(uow, "P1") == M("30.00")

    post(uow_factory, file_of(remittance("T1", paid_claim("C1"))))  # PR-2 20.00 to the patient

    # 20.00 moved to the patient, paid at once from the 30.00 of credit: 10.00 left.
    assert balance(uow_factory, PAT, "C1") == M("0.00")
    with uow_factory() as uow:
        assert credit_of(uow, "P1") == M("10.00")
        items = uow.work_items.without_claim_prefixed("patient_credit:P1")
    assert [i.active for i in items] == [True]
    assert items[0].amount_at_stake == M("30.00")
    holds(uow_factory)


def test_a_medicare_overpayment_carries_its_60_day_deadline(uow_factory: Factory) -> None:
    seed(uow_factory, secondary=True)
    post(uow_factory, file_of(remittance("T1", paid_claim("C1"))))
    # Medicare, the secondary, pays 25.00 on line 1 where 20.00 was left: 5.00 too much.
    post(
        uow_factory,
        file_of(
            remittance(
                "T2",
                claim_payment(
                    "C1-S",
                    svc("C1-S", 1, "99213", "150.00", "25.00", (OA, "23", "125.00")),
                    svc("C1-S", 2, "90686", "40.00", "0.00", (OA, "23", "40.00")),
                    status=Clp.SECONDARY,
                ),
            ),
            control=2,
        ),
    )
    with uow_factory() as uow:
        item = uow.work_items.active_for("C1-S", "credit_balance")
    assert item is not None
    assert item.amount_at_stake == M("5.00")
    # 42 CFR 401.305: identified 2024-03-20, returned by 2024-05-19.
    assert (item.deadline, item.deadline_kind) == (date(2024, 5, 19), MEDICARE_DEADLINE_KIND)


def test_a_payer_overpayment_left_to_recoupment_closes_with_the_plb(uow_factory: Factory) -> None:
    seed(uow_factory, 2)
    ensure_person(uow_factory, "tess", Role.TIER2)
    # The payer paid C1 5.00 beyond its 190.00 (a duplicate line paid by hand, say).
    with uow_factory() as uow:
        uow.ledger.append(
            standard_entry(
                entry_id="overpaid",
                kind=EntryKind.INSURANCE_PAYMENT,
                amount=M("195.00"),
                dims=Dimensions("P1", "C1", None, "ACME"),
                effective=date(2024, 3, 10),
                recorded_at=NOW,
                recorded_by="poster",
            )
        )
        uow.commit()
    opened = open_item(
        uow_factory,
        Problem(
            kind=WorkKind.CREDIT_BALANCE,
            category="credit_balance",
            problem_key="credit_balance",
            amount_at_stake=M("5.00"),
            claim_id="C1",
            patient_account="P1",
            payer_id="ACME",
        ),
        now=NOW,
        by="poster",
        policy=POLICY,
    )
    item_id = opened.item.item_id or 0
    with pytest.raises(PaymentError, match="no open payer credit-balance item"):
        await_recoupment(uow_factory, "C2", now=NOW, by="tess")
    take_item(uow_factory, item_id, "tess", now=NOW, policy=POLICY)

    parked = await_recoupment(uow_factory, "C1", now=NOW, by="tess")

    assert parked.status is WorkStatus.SNOOZED
    assert parked.snoozed_until == NOW + timedelta(days=45)
    plb = ProviderAdjustment(
        GROUP.npi, date(2024, 12, 31), (ProviderAdjustmentItem("WO", "C1", M("5.00")),)
    )
    post(uow_factory, file_of(remittance("T9", paid_claim("C2"), plb=[plb])))
    assert balance(uow_factory, INS, "C1") == M("0.00")
    with uow_factory() as uow:
        item = uow.work_items.get(item_id)
    assert item is not None
    assert item.status is WorkStatus.DONE
    holds(uow_factory)


def test_a_payer_taking_back_a_share_the_patient_paid_is_refunded_to_the_patient(
    uow_factory: Factory,
) -> None:
    seed(uow_factory)
    ensure_person(uow_factory, "fran", Role.TIER1)
    ensure_person(uow_factory, "tess", Role.TIER2)
    ensure_person(uow_factory, "mia", Role.MANAGER)
    post(uow_factory, file_of(remittance("T1", paid_claim("C1"))))  # 20.00 to the patient
    post_payment(
        uow_factory,
        PaymentRequest("P1", M("20.00"), PaymentMethod.CASH, "copay", "C1"),
        now=NOW,
        by="fran",
        policy=POLICY,
    )
    corrected = claim_payment(
        "C1",
        svc("C1", 1, "99213", "150.00", "80.50", (CO, "45", "57.50"), (PR, "2", "12.00")),
        svc("C1", 2, "90686", "40.00", "20.00", (CO, "45", "20.00")),
    )
    # The payer restates: the patient's share is 12.00, not 20.00; the patient paid 20.00.
    post(
        uow_factory, file_of(remittance("T2", reversal_of(paid_claim("C1")), corrected), control=2)
    )

    assert balance(uow_factory, PAT, "C1") == M("-8.00")
    with uow_factory() as uow:
        item = uow.work_items.active_for("C1", PATIENT_CREDIT_KEY)
    assert item is not None
    assert item.amount_at_stake == M("8.00")
    holds(uow_factory)

    asked = request_refund(
        uow_factory,
        RefundAsk(RefundSource.PATIENT_CLAIM, "P1", M("8.00"), "C1"),
        now=NOW,
        by="tess",
        policy=POLICY,
    )
    done = decide_refund(
        uow_factory, asked.request_id or 0, approve=True, now=NOW, by="mia", policy=POLICY
    )

    assert done.status is RefundStatus.POSTED
    assert balance(uow_factory, PAT, "C1") == M("0.00")
    with uow_factory() as uow:
        assert uow.work_items.active_for("C1", PATIENT_CREDIT_KEY) is None
    holds(uow_factory)


def test_a_payer_overpayment_refunded_to_the_payer(uow_factory: Factory) -> None:
    seed(uow_factory, 1)
    ensure_person(uow_factory, "tess", Role.TIER2)
    ensure_person(uow_factory, "mia", Role.MANAGER)
    with uow_factory() as uow:
        uow.ledger.append(
            standard_entry(
                entry_id="overpaid",
                kind=EntryKind.INSURANCE_PAYMENT,
                amount=M("197.50"),
                dims=Dimensions("P1", "C1", None, "ACME"),
                effective=date(2024, 3, 10),
                recorded_at=NOW,
                recorded_by="poster",
            )
        )
        uow.commit()
    open_item(
        uow_factory,
        Problem(
            kind=WorkKind.CREDIT_BALANCE,
            category="credit_balance",
            problem_key="credit_balance",
            amount_at_stake=M("7.50"),
            claim_id="C1",
            patient_account="P1",
            payer_id="ACME",
        ),
        now=NOW,
        by="poster",
        policy=POLICY,
    )
    asked = request_refund(
        uow_factory,
        RefundAsk(RefundSource.PAYER_CLAIM, "P1", M("7.50"), "C1", "duplicate payment"),
        now=NOW,
        by="tess",
        policy=POLICY,
    )
    assert asked.payer_id == "ACME"

    decide_refund(
        uow_factory, asked.request_id or 0, approve=True, now=NOW, by="mia", policy=POLICY
    )

    assert balance(uow_factory, INS, "C1") == M("0.00")
    with uow_factory() as uow:
        assert uow.work_items.active_for("C1", "credit_balance") is None
    letter = refund_letter_facts(uow_factory, asked.request_id or 0, now=NOW)
    assert letter is not None
    assert (letter.addressee, letter.amount, letter.claim_id) == ("Acme Health", M("7.50"), "C1")
    holds(uow_factory)
