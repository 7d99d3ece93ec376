"""Posting 835 files into the books, on SQLite and PostgreSQL: balances per claim, patient and
payer against hand-computed figures, idempotency, reversals, holds and Tier 2 work."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from remit_practice import (
    CO,
    GROUP,
    NOW,
    OA,
    PR,
    Clp,
    claim_payment,
    file_of,
    paid_claim,
    remittance,
    seed,
    svc,
)
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.denials.table import shipped_table
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.ledger import Account, BalanceQuery
from claimdesk.domain.money import Money
from claimdesk.domain.work import WorkKind, WorkStatus
from claimdesk.edi.x835.model import ProviderAdjustment, ProviderAdjustmentItem
from claimdesk.edi.x835.write import reversal_of
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.database import units_of_work
from claimdesk.services.post_remittance import (
    FileResult,
    PostingOptions,
    RemitOutcome,
    post_bytes,
)
from claimdesk.services.secondary import primary_adjudication
from claimdesk.services.setup import set_up
from claimdesk.store.uow import UnitOfWork

M = Money
Factory = Callable[[], UnitOfWork]


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


def test_a_paid_claim_posts_payment_contractual_and_patient_share(uow_factory: Factory) -> None:
    seed(uow_factory)
    result = post(uow_factory, file_of(remittance("T1", paid_claim("C1"))))
    assert [r.outcome for r in result.remittances] == [RemitOutcome.POSTED]
    ins = frozenset({Account.INSURANCE_AR})
    pat = frozenset({Account.PATIENT_AR})
    # 190.00 charged - 92.50 paid - 77.50 contractual - 20.00 to the patient = 0.00
    assert balance(uow_factory, accounts=ins, claim_id="C1") == M("0.00")
    assert balance(uow_factory, accounts=pat, claim_id="C1") == M("20.00")
    assert balance(uow_factory, accounts=pat, patient_account="P1") == M("20.00")
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("92.50")
    assert balance(uow_factory, accounts=frozenset({Account.CONTRACTUAL})) == M("77.50")
    # The other two claims still owe their full charges to Acme.
    assert balance(uow_factory, accounts=ins, payer_id="ACME") == M("380.00")
    with uow_factory() as uow:
        claim = uow.claims.get("C1")
        assert claim is not None
        assert claim.status is ClaimStatus.PAID
        assert claim.payer_claim_number == "PCN-C1"
        assert claim.history[-1].by == "poster"
        assert "TRN02 T1" in claim.history[-1].reason
        assert sum(uow.ledger.trial_balance().values(), M(0)) == M(0)


INS = frozenset({Account.INSURANCE_AR})
PAT = frozenset({Account.PATIENT_AR})


def test_the_same_file_twice_posts_once(uow_factory: Factory) -> None:
    seed(uow_factory)
    data = file_of(remittance("T1", paid_claim("C1")))
    post(uow_factory, data)
    again = post(uow_factory, data)
    assert again.already_ingested
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("92.50")


def test_the_same_payment_re_enveloped_posts_nothing_and_says_so(uow_factory: Factory) -> None:
    seed(uow_factory)
    post(uow_factory, file_of(remittance("T1", paid_claim("C1")), control=1))
    again = post(uow_factory, file_of(remittance("T1", paid_claim("C1")), control=2))
    assert not again.already_ingested
    assert [r.outcome for r in again.remittances] == [RemitOutcome.DUPLICATE]
    assert "already posted" in again.remittances[0].reasons[0]
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("92.50")


def test_a_trace_number_reused_with_other_money_is_refused_as_work(uow_factory: Factory) -> None:
    seed(uow_factory)
    post(uow_factory, file_of(remittance("T1", paid_claim("C1"))))
    other = post(uow_factory, file_of(remittance("T1", paid_claim("C2")), control=2))
    assert other.remittances[0].outcome is RemitOutcome.DUPLICATE  # same money: 92.50
    different = remittance("T1", paid_claim("C2"), paid_claim("C3"))
    refused = post(uow_factory, file_of(different, control=3))
    assert refused.remittances[0].outcome is RemitOutcome.REFUSED
    assert refused.remittances[0].work_items == 1
    assert balance(uow_factory, accounts=INS, claim_id="C2") == M("190.00")
    with uow_factory() as uow:
        items = uow.work_items.page(["t2-payments"], [WorkStatus.OPEN], 10, None)
        assert [i.kind for i in items] == [WorkKind.UNMATCHED_PAYMENT]


def test_a_reversal_then_correction_nets_to_the_correction(uow_factory: Factory) -> None:
    seed(uow_factory)
    post(uow_factory, file_of(remittance("T1", paid_claim("C1"))))
    # The correction pays line 1 in full (92.50 allowed, PR-2 20.00: 72.50) and denies nothing
    # new on line 2 but pays it 10.00 more: 30.00 (CO-45 10.00).
    correction = claim_payment(
        "C1",
        svc("C1", 1, "99213", "150.00", "72.50", (CO, "45", "57.50"), (PR, "2", "20.00")),
        svc("C1", 2, "90686", "40.00", "30.00", (CO, "45", "10.00")),
    )
    reversal = reversal_of(paid_claim("C1"))
    result = post(uow_factory, file_of(remittance("T2", reversal, correction), control=2))
    assert result.remittances[0].outcome is RemitOutcome.POSTED, result.remittances[0].reasons
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("102.50")
    assert balance(uow_factory, accounts=frozenset({Account.CONTRACTUAL})) == M("67.50")
    assert balance(uow_factory, accounts=INS, claim_id="C1") == M("0.00")
    assert balance(uow_factory, accounts=PAT, patient_account="P1") == M("20.00")
    with uow_factory() as uow:
        claim = uow.claims.get("C1")
        assert claim is not None
        moves = [(h.from_status, h.to_status) for h in claim.history[-3:]]
        assert moves == [
            (ClaimStatus.SUBMITTED, ClaimStatus.PAID),
            (ClaimStatus.PAID, ClaimStatus.ACCEPTED),
            (ClaimStatus.ACCEPTED, ClaimStatus.PAID),
        ]


def test_an_out_of_balance_file_posts_nothing_and_becomes_work(uow_factory: Factory) -> None:
    seed(uow_factory)
    text = file_of(remittance("T1", paid_claim("C1"), paid_claim("C2"))).decode()
    # BPR02 185.00 -> 175.00: the transaction no longer balances.
    broken = text.replace("*185*C*", "*175*C*", 1)
    assert broken != text
    result = post(uow_factory, broken.encode())
    assert result.remittances[0].outcome is RemitOutcome.HELD
    assert "does not balance" in result.remittances[0].reasons[0]
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("0.00")
    assert balance(uow_factory, accounts=INS) == M("570.00")
    with uow_factory() as uow:
        items = uow.work_items.page(["t2-payments"], [WorkStatus.OPEN], 10, None)
        assert [i.kind for i in items] == [WorkKind.OUT_OF_BALANCE_REMITTANCE]
        claim = uow.claims.get("C1")
        assert claim is not None
        assert claim.status is ClaimStatus.SUBMITTED


def test_an_unmatched_claim_holds_the_remittance_unless_claim_level(uow_factory: Factory) -> None:
    seed(uow_factory)
    data = file_of(remittance("T1", paid_claim("C1"), paid_claim("C1", pcn="NOPE")))
    # Unmatched by CLP01, the payer claim number PCN-C1 still finds C1: use an unknown one.
    data = data.replace(b"NOPE*1*190*92.5*20*12*PCN-C1", b"NOPE*1*190*92.5*20*12*PCN-X")
    held = post(uow_factory, data)
    assert held.remittances[0].outcome is RemitOutcome.HELD
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("0.00")
    # A held file is not 'already ingested': the same bytes are tried again.
    partial = post_bytes(
        uow_factory,
        data,
        name="again",
        now=NOW,
        by="poster",
        options=PostingOptions(claim_level=True),
        table=shipped_table(),
        policy=shipped_policy(),
    )
    assert partial.remittances[0].outcome is RemitOutcome.PARTIAL
    assert partial.remittances[0].claims_posted == 1
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("92.50")


def test_a_denial_stays_at_stake_and_opens_a_work_item_with_deadline(
    uow_factory: Factory,
) -> None:
    seed(uow_factory)
    denied = claim_payment(
        "C2",
        svc("C2", 1, "99213", "150.00", "0.00", (CO, "50", "150.00")),
        svc("C2", 2, "90686", "40.00", "0.00", (CO, "50", "40.00")),
        status=Clp.DENIED,
    )
    timely = claim_payment(
        "C3",
        svc("C3", 1, "99213", "150.00", "0.00", (CO, "29", "150.00")),
        svc("C3", 2, "90686", "40.00", "0.00", (CO, "29", "40.00")),
        status=Clp.DENIED,
    )
    text = file_of(remittance("T1", denied, timely)).decode()
    # RARC N211 on C3's lines: timely filing with no appeal rights.
    text = text.replace("CAS*CO*29*150~", "CAS*CO*29*150~LQ*HE*N211~").replace(
        "CAS*CO*29*40~", "CAS*CO*29*40~LQ*HE*N211~"
    )
    # Two segments more: SE01 counts them (a wrong count holds the whole file).
    count = re.search(r"~SE\*(\d+)\*", text)
    assert count is not None
    text = text.replace(f"~SE*{count[1]}*", f"~SE*{int(count[1]) + 2}*")
    result = post(uow_factory, text.encode())
    assert result.remittances[0].outcome is RemitOutcome.POSTED, result.remittances[0].reasons
    assert balance(uow_factory, accounts=INS, claim_id="C2") == M("190.00")
    with uow_factory() as uow:
        c2 = uow.work_items.active_for("C2", "denial:CO-50")
        c3 = uow.work_items.active_for("C3", "denial:CO-29")
        claim = uow.claims.get("C2")
    assert claim is not None
    assert claim.status is ClaimStatus.DENIED
    assert c2 is not None
    assert c3 is not None
    assert c2.category == "medical_necessity"
    assert c2.amount_at_stake == M("190.00")
    assert c2.appeal_rights
    assert c2.deadline == date(2024, 3, 15) + timedelta(days=180)  # Acme's appeal window
    assert "recommended: appeal" in c2.summary
    assert not c3.appeal_rights
    assert "request_write_off" in c3.summary


def test_an_underpaid_claim_is_work_even_when_paid(uow_factory: Factory) -> None:
    seed(uow_factory)
    # Contract allows 92.50 on 99213 and 20.00 on 90686; line 1 pays 60.00 with PR-2 20.00.
    short = claim_payment(
        "C1",
        svc("C1", 1, "99213", "150.00", "60.00", (CO, "45", "70.00"), (PR, "2", "20.00")),
        svc("C1", 2, "90686", "40.00", "20.00", (CO, "45", "20.00")),
    )
    post(uow_factory, file_of(remittance("T1", short)))
    with uow_factory() as uow:
        item = uow.work_items.active_for("C1", "underpayment")
        claim = uow.claims.get("C1")
    assert item is not None
    assert item.amount_at_stake == M("12.50")
    assert claim is not None
    assert claim.status is ClaimStatus.PARTIALLY_PAID


def test_primary_payment_bills_the_secondary_with_the_patient_share(
    uow_factory: Factory,
) -> None:
    seed(uow_factory, secondary=True)
    result = post(uow_factory, file_of(remittance("T1", paid_claim("C1"))))
    assert result.remittances[0].secondary_claims == 1
    assert balance(uow_factory, accounts=PAT, patient_account="P1") == M("0.00")
    assert balance(uow_factory, accounts=INS, claim_id="C1-S", payer_id="MCR") == M("20.00")
    with uow_factory() as uow:
        adjudication = primary_adjudication(uow, "C1-S")
    assert adjudication.paid == M("92.50")
    assert adjudication.payer_claim_number == "PCN-C1"
    assert [ln.line_number for ln in adjudication.lines] == [1, 2]
    assert adjudication.lines[0].adjustments[1].amount == M("20.00")


def _secondary_answer(claim_id: str, line_one_paid: str, *, pcn: str | None = None) -> bytes:
    """The secondary's 835 for the visit C1 bills: line 1 had $20.00 left by the primary,
    line 2 nothing; OA-23 restates what the primary paid and adjusted (ASC X12 835 COB)."""
    paid = M(line_one_paid)
    return file_of(
        remittance(
            "T2",
            claim_payment(
                claim_id,
                svc(
                    claim_id,
                    1,
                    "99213",
                    "150.00",
                    line_one_paid,
                    (OA, "23", str(M("150.00") - paid)),
                ),
                svc(claim_id, 2, "90686", "40.00", "0.00", (OA, "23", "40.00")),
                status=Clp.SECONDARY,
                pcn=pcn,
            ),
        ),
        control=2,
    )


def test_the_secondary_835_posts_only_what_the_secondary_paid(uow_factory: Factory) -> None:
    # Before COB posting, OA-23 $170 was booked again and left C1-S at -$170.00.
    seed(uow_factory, secondary=True)
    post(uow_factory, file_of(remittance("T1", paid_claim("C1"))))
    result = post(uow_factory, _secondary_answer("C1-S", "20.00"))
    assert [r.outcome for r in result.remittances] == [RemitOutcome.POSTED]
    assert balance(uow_factory, accounts=INS, claim_id="C1-S") == M("0.00")
    assert balance(uow_factory, accounts=PAT, patient_account="P1") == M("0.00")
    assert balance(uow_factory, accounts=frozenset({Account.OTHER_ADJUSTMENT})) == M("0.00")
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("112.50")
    with uow_factory() as uow:
        claim = uow.claims.get("C1-S")
        assert claim is not None
        assert claim.status is ClaimStatus.PAID
        assert "restates the prior payers" in claim.history[-1].reason
        assert uow.work_items.active_for("C1-S", "underpayment") is None


def test_a_crossover_makes_the_secondary_claim_and_the_crossover_835_pays_it(
    uow_factory: Factory,
) -> None:
    seed(uow_factory, secondary=True)
    crossed = dataclasses.replace(paid_claim("C1"), status=Clp.PRIMARY_FORWARDED)
    post(uow_factory, file_of(remittance("T1", crossed)))
    with uow_factory() as uow:
        secondary = uow.claims.get("C1-S")
        assert secondary is not None
        # The primary sent it on: it is submitted, and submit will not send it again.
        assert secondary.status is ClaimStatus.SUBMITTED
        assert "crossed over" in secondary.history[-1].reason
    # The crossover payer's 835 names our claim as the primary knew it (CLP01 = C1).
    post(uow_factory, _secondary_answer("C1", "20.00"))
    assert balance(uow_factory, accounts=INS, claim_id="C1-S") == M("0.00")
    assert balance(uow_factory, accounts=INS, claim_id="C1") == M("0.00")
    assert balance(uow_factory, accounts=PAT, patient_account="P1") == M("0.00")


def test_a_new_primary_answer_moves_the_change_in_the_patient_share_onto_the_secondary(
    uow_factory: Factory,
) -> None:
    # Before: the reversal pulled the $20.00 share back from patient A/R after the secondary
    # claim had taken it, leaving the patient at -$20.00 (BOOKS004).
    seed(uow_factory, secondary=True)
    post(uow_factory, file_of(remittance("T1", paid_claim("C1"))))
    corrected = claim_payment(
        "C1",
        svc("C1", 1, "99213", "150.00", "80.50", (CO, "45", "57.50"), (PR, "2", "12.00")),
        svc("C1", 2, "90686", "40.00", "20.00", (CO, "45", "20.00")),
    )
    again = remittance("T3", reversal_of(paid_claim("C1")), corrected)
    post(uow_factory, file_of(again, control=3))
    assert balance(uow_factory, accounts=PAT, patient_account="P1") == M("0.00")
    # The secondary now carries the $12.00 the primary leaves, not $20.00.
    assert balance(uow_factory, accounts=INS, claim_id="C1-S") == M("12.00")
    assert balance(uow_factory, accounts=INS, claim_id="C1") == M("0.00")


def test_a_restated_primary_answer_without_a_reversal_also_moves_the_share(
    uow_factory: Factory,
) -> None:
    seed(uow_factory, secondary=True)
    post(uow_factory, file_of(remittance("T1", paid_claim("C1"))))
    restated = claim_payment(
        "C1",
        svc("C1", 1, "99213", "150.00", "80.50", (CO, "45", "57.50"), (PR, "2", "12.00")),
        svc("C1", 2, "90686", "40.00", "20.00", (CO, "45", "20.00")),
    )
    post(uow_factory, file_of(remittance("T4", restated), control=4))
    assert balance(uow_factory, accounts=PAT, patient_account="P1") == M("0.00")
    assert balance(uow_factory, accounts=INS, claim_id="C1-S") == M("12.00")
    # Both checks' cash is banked: what the primary paid twice is its credit balance.
    assert balance(uow_factory, accounts=INS, claim_id="C1") == M("-92.50")


def test_a_secondary_overpayment_is_a_credit_balance_item(uow_factory: Factory) -> None:
    seed(uow_factory, secondary=True)
    post(uow_factory, file_of(remittance("T1", paid_claim("C1"))))
    post(uow_factory, _secondary_answer("C1-S", "25.00"))
    assert balance(uow_factory, accounts=INS, claim_id="C1-S") == M("-5.00")
    with uow_factory() as uow:
        item = uow.work_items.active_for("C1-S", "credit_balance")
    assert item is not None
    assert item.kind is WorkKind.CREDIT_BALANCE
    assert item.amount_at_stake == M("5.00")


def _line_two_denied(claim_id: str) -> bytes:
    return file_of(
        remittance(
            "T1",
            claim_payment(
                claim_id,
                svc(
                    claim_id, 1, "99213", "150.00", "72.50", (CO, "45", "57.50"), (PR, "2", "20.00")
                ),
                svc(claim_id, 2, "90686", "40.00", "0.00", (CO, "50", "40.00")),
            ),
        )
    )


def test_a_re_adjudication_without_a_reversal_nets_its_adjustments_and_banks_its_cash(
    uow_factory: Factory,
) -> None:
    # A payer answers an appeal with the whole claim again (CLP02 = 1, no reversal): before,
    # lines 1 and 2 were adjusted twice and the claim ended far below zero.
    seed(uow_factory)
    post(uow_factory, _line_two_denied("C1"))
    assert balance(uow_factory, accounts=INS, claim_id="C1") == M("40.00")  # denied, at stake
    overturned = post(uow_factory, file_of(remittance("T9", paid_claim("C1")), control=9))
    assert [r.outcome for r in overturned.remittances] == [RemitOutcome.POSTED]
    # The contractual and the patient's share stand once; the cash is what both checks carried
    # (72.50 + 92.50), so line 1's 72.50 paid twice is a credit balance to refund.
    assert balance(uow_factory, accounts=frozenset({Account.CONTRACTUAL})) == M("77.50")
    assert balance(uow_factory, accounts=PAT, claim_id="C1") == M("20.00")
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("165.00")
    assert balance(uow_factory, accounts=INS, claim_id="C1") == M("-72.50")
    with uow_factory() as uow:
        item = uow.work_items.active_for("C1", "credit_balance")
    assert item is not None
    assert item.amount_at_stake == M("72.50")


def test_a_supplemental_answer_on_one_line_leaves_the_other_lines_alone(
    uow_factory: Factory,
) -> None:
    seed(uow_factory)
    post(uow_factory, _line_two_denied("C1"))
    line_two = claim_payment("C1", svc("C1", 2, "90686", "40.00", "20.00", (CO, "45", "20.00")))
    post(uow_factory, file_of(remittance("T9", line_two), control=9))
    assert balance(uow_factory, accounts=INS, claim_id="C1") == M("0.00")
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("92.50")


def test_a_reversal_undoes_every_standing_answer(uow_factory: Factory) -> None:
    seed(uow_factory)
    post(uow_factory, _line_two_denied("C1"))
    line_two = claim_payment("C1", svc("C1", 2, "90686", "40.00", "20.00", (CO, "45", "20.00")))
    post(uow_factory, file_of(remittance("T9", line_two), control=9))
    undo = remittance("T10", reversal_of(paid_claim("C1")), paid_claim("C1"))
    post(uow_factory, file_of(undo, control=10))
    assert balance(uow_factory, accounts=INS, claim_id="C1") == M("0.00")
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("92.50")


def test_a_code_the_table_does_not_know_is_held_for_review_in_words_too(
    uow_factory: Factory,
) -> None:
    seed(uow_factory)
    unknown = claim_payment(
        "C1",
        svc("C1", 1, "99213", "150.00", "72.50", (CO, "45", "57.50"), (PR, "2", "20.00")),
        svc("C1", 2, "90686", "40.00", "0.00", (CO, "Z99", "40.00")),
    )
    post(uow_factory, file_of(remittance("T1", unknown)))
    assert balance(uow_factory, accounts=INS, claim_id="C1") == M("40.00")  # held, not lost
    with uow_factory() as uow:
        (item,) = uow.work_items.active_of_claim("C1", None)
        (payment,) = uow.remittances.payments_of_claim("C1")
    assert "held for review 40.00" in item.summary
    assert "denied" not in item.summary
    assert payment["denied"] == 0  # not in the denial rates until a person classifies it


def test_plb_interest_and_recoupment_post_on_the_named_claim(uow_factory: Factory) -> None:
    seed(uow_factory)
    plb = ProviderAdjustment(
        GROUP.npi,
        date(2024, 12, 31),
        (
            ProviderAdjustmentItem("L6", "C1", M("-2.50")),
            ProviderAdjustmentItem("WO", "PCN-C1", M("5.00")),
        ),
    )
    post(uow_factory, file_of(remittance("T1", paid_claim("C1"), plb=[plb])))
    # Cash: 92.50 paid + 2.50 interest - 5.00 withheld = 90.00 = BPR02.
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("90.00")
    assert balance(uow_factory, accounts=INS, claim_id="C1") == M("5.00")
    assert balance(uow_factory, accounts=frozenset({Account.OTHER_ADJUSTMENT})) == M("-2.50")


def test_plb_on_no_claim_of_ours_posts_at_the_provider_level(uow_factory: Factory) -> None:
    # Before: a balanced 835 with PLB CS $25 and no claim reference held the whole remittance.
    seed(uow_factory)
    plb = ProviderAdjustment(
        GROUP.npi,
        date(2024, 12, 31),
        (
            ProviderAdjustmentItem("CS", "", M("25.00")),
            ProviderAdjustmentItem("WO", "SOMEONE-ELSES", M("10.00")),
            ProviderAdjustmentItem("L6", "", M("-1.25")),
        ),
    )
    result = post(uow_factory, file_of(remittance("T1", paid_claim("C1"), plb=[plb])))
    assert [r.outcome for r in result.remittances] == [RemitOutcome.POSTED]
    # Cash = BPR02 = 92.50 paid - 25.00 - 10.00 + 1.25 = 58.75.
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("58.75")
    provider = frozenset({Account.PROVIDER_LEVEL})
    assert balance(uow_factory, accounts=provider, payer_id="ACME") == M("35.00")
    assert balance(uow_factory, accounts=INS, claim_id="C1") == M("0.00")
    with uow_factory() as uow:
        items = uow.work_items.page(["t2-payments"], [WorkStatus.OPEN], 10, None)
    # The recovery (WO) on a claim we do not know is money someone must apply; CS is not.
    assert [i.amount_at_stake for i in items] == [M("10.00")]
    assert "WO" in items[0].summary


def test_a_claim_answered_twice_in_one_835_posts_nothing(uow_factory: Factory) -> None:
    seed(uow_factory)
    result = post(uow_factory, file_of(remittance("T1", paid_claim("C1"), paid_claim("C1"))))
    (held,) = result.remittances
    assert held.outcome is RemitOutcome.HELD
    assert any("answered a second time" in r for r in held.reasons)
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("0.00")
    assert balance(uow_factory, accounts=INS, claim_id="C1") == M("190.00")


def test_a_reversal_and_its_correction_in_one_835_both_post(uow_factory: Factory) -> None:
    seed(uow_factory)
    post(uow_factory, file_of(remittance("T1", paid_claim("C1"))))
    both = remittance("T2", reversal_of(paid_claim("C1")), paid_claim("C1"))
    result = post(uow_factory, file_of(both, control=2))
    assert [r.outcome for r in result.remittances] == [RemitOutcome.POSTED]
    assert balance(uow_factory, accounts=frozenset({Account.CASH})) == M("92.50")


def test_ingest_posts_the_inbox_and_archives_what_posted_and_what_is_held(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    settings = Settings(home=home)
    set_up(settings)
    with units_of_work(settings) as uow_factory:
        seed(uow_factory)
    good = file_of(remittance("T1", paid_claim("C1")))
    held = file_of(remittance("T2", paid_claim("C2", pcn="NOPE")), control=2).replace(
        b"PCN-C2", b"PCN-X"
    )
    (home / "inbox" / "good.835").write_bytes(good)
    (home / "inbox" / "held.835").write_bytes(held)
    runner = CliRunner()
    people = (("root", "admin", "root"), ("bo", "tier2", "root"))
    for user_id, role, by in people:
        added = runner.invoke(
            app, ["--home", str(home), "--as", by, "users", "add", user_id, "--role", role]
        )
        assert added.exit_code == 0, added.output
    result = runner.invoke(app, ["--home", str(home), "--as", "bo", "ingest", "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    outcomes = {f["file"]: f["remittances"][0]["outcome"] for f in report["files"]}
    assert outcomes == {"good.835": "posted", "held.835": "held"}
    # As the worker does: what posted is archived; a held 835 (Tier 2 work) goes to archive/held.
    assert [p.name for p in (home / "archive").iterdir() if p.is_file()] == ["good.835"]
    assert sorted(p.name for p in (home / "archive" / "held").iterdir()) == [
        "held.835",
        "held.835.findings.txt",
    ]
    assert [p for p in (home / "inbox").rglob("*") if p.is_file()] == []
    again = runner.invoke(
        app, ["--home", str(home), "--as", "bo", "ingest", str(home / "archive/good.835")]
    )
    assert again.exit_code == 0, again.output
    assert "already ingested" in again.output
    # The payer owes nothing on C1 now, so a write-off comes off the patient's 20.00.
    write_off = ["tier2", "write-off", "C1", "--amount", "25", "--reason", "denial"]
    denied = runner.invoke(app, ["--home", str(home), "--as", "bo", *write_off])
    assert denied.exit_code == 1
    assert "more than the 20.00 owed" in denied.output
