"""The month-end roll-forward, hand-computed: opening + charges - payments - adjustments +
transfers = closing per payer class, and a finding for each class that misses the ledger."""

from __future__ import annotations

from datetime import date

import pytest

from claimdesk.domain.ledger import EntryKind
from claimdesk.domain.money import Money
from claimdesk.domain.month_end import (
    CounterSum,
    Movement,
    ReceivableSum,
    by_account,
    by_reason,
    day_sheets,
    month_end,
    movement_of,
    reason_of,
    roll_forward,
)
from claimdesk.domain.periods import Month

M = Money
OCT = Month(2026, 10)
D1, D2 = date(2026, 10, 5), date(2026, 10, 20)
C, P, A, T = Movement.CHARGES, Movement.PAYMENTS, Movement.ADJUSTMENTS, Movement.TRANSFERS

# The month of a small practice (receivable postings, debits positive):
# - Oct 5: charges 570.00 to a commercial payer and 200.00 to Medicare;
# - Oct 20: the commercial payer pays 92.50, writes 77.50 off by contract and moves 20.00 to
#   the patient; the patient pays 15.00; Medicare recoups 30.00 of an earlier payment.
SUMS = (
    ReceivableSum(D1, "commercial", C, M("570.00")),
    ReceivableSum(D1, "medicare", C, M("200.00")),
    ReceivableSum(D2, "commercial", P, M("-92.50")),
    ReceivableSum(D2, "commercial", A, M("-77.50")),
    ReceivableSum(D2, "commercial", T, M("-20.00")),
    ReceivableSum(D2, "patient", T, M("20.00")),
    ReceivableSum(D2, "patient", P, M("-15.00")),
    ReceivableSum(D2, "medicare", P, M("30.00")),
)
OPENING = {"commercial": M("1000.00"), "medicare": M("400.00"), "patient": M("50.00")}


@pytest.mark.parametrize(
    ("payer_class", "figures"),
    [
        # opening, charges, payments, adjustments, transfers, closing
        ("commercial", ("1000.00", "570.00", "92.50", "77.50", "-20.00", "1380.00")),
        ("medicare", ("400.00", "200.00", "-30.00", "0.00", "0.00", "630.00")),
        ("patient", ("50.00", "0.00", "15.00", "0.00", "20.00", "55.00")),
    ],
)
def test_each_class_rolls_forward_by_hand(payer_class: str, figures: tuple[str, ...]) -> None:
    closing = {"commercial": M("1380.00"), "medicare": M("630.00"), "patient": M("55.00")}
    [line] = [x for x in roll_forward(SUMS, OPENING, closing) if x.payer_class == payer_class]
    got = (line.opening, line.charges, line.payments, line.adjustments, line.transfers)
    assert tuple(str(x) for x in (*got, line.closing)) == figures
    assert line.reconciles


def test_a_class_off_the_ledger_is_a_finding_naming_it() -> None:
    closing = {"commercial": M("1380.00"), "medicare": M("631.00"), "patient": M("55.00")}
    pack = month_end(OCT, SUMS, (), OPENING, closing)
    assert not pack.reconciles
    [finding] = pack.findings
    assert finding.code == "CLOSE101"
    assert finding.location == "period 2026-10, payer class medicare"
    assert "= 630.00, but the ledger's A/R at 2026-10-31 is 631.00" in finding.message
    total = pack.total_line()
    assert (str(total.opening), str(total.closing), str(total.ledger_closing)) == (
        "1450.00",
        "2065.00",
        "2066.00",
    )


def test_day_sheets_sum_each_day_over_the_classes() -> None:
    sheets = day_sheets(SUMS)
    assert [(s.day, str(s.charges), str(s.payments), str(s.adjustments)) for s in sheets] == [
        (D1, "770.00", "0.00", "0.00"),
        (D2, "0.00", "77.50", "77.50"),
    ]
    assert str(sheets[1].transfers) == "0.00"  # a transfer moves A/R between classes


@pytest.mark.parametrize(
    ("kind", "reversed_kind", "movement"),
    [
        (EntryKind.CHARGE, None, C),
        (EntryKind.RECOUPMENT, None, P),
        (EntryKind.REFUND, None, P),
        (EntryKind.WRITE_OFF, None, A),
        (EntryKind.TRANSFER_TO_PATIENT, None, T),
        (EntryKind.REVERSAL, EntryKind.INSURANCE_PAYMENT, P),
        (EntryKind.REVERSAL, EntryKind.CHARGE, C),
    ],
)
def test_a_reversal_moves_as_the_entry_it_reverses(
    kind: EntryKind, reversed_kind: EntryKind | None, movement: Movement
) -> None:
    assert movement_of(kind, reversed_kind) is movement


@pytest.mark.parametrize(
    ("account", "memo", "reason"),
    [
        ("adjustment:contractual", "CO-45 contractual", ("CO", "CO-45")),
        ("adjustment:other", "OA-23 coordination of benefits", ("OA", "OA-23")),
        (
            "adjustment:write-off:bad-debt",
            "bad-debt: sent to collections",
            ("write-off", "bad-debt"),
        ),
        ("adjustment:write-off", "old", ("write-off", "unspecified (before reason codes)")),
        ("adjustment:other", "PLB L6", ("account", "adjustment:other")),
    ],
)
def test_reasons_come_from_the_carc_or_the_write_off_account(
    account: str, memo: str, reason: tuple[str, str]
) -> None:
    assert reason_of(account, memo) == reason


def test_movements_by_account_and_by_reason() -> None:
    counters = (
        CounterSum(C, "revenue:gross-charges", "99213 line 1", M("-770.00")),
        CounterSum(P, "cash", "SVC03 paid", M("77.50")),
        CounterSum(A, "adjustment:contractual", "CO-45 contractual", M("57.50")),
        CounterSum(A, "adjustment:contractual", "CO-45 contractual", M("20.00")),
        CounterSum(A, "adjustment:write-off:small-balance", "small-balance", M("4.00")),
    )
    assert [(m, a, str(x)) for m, a, x in by_account(counters)] == [
        (A, "adjustment:contractual", "77.50"),
        (A, "adjustment:write-off:small-balance", "4.00"),
        (C, "revenue:gross-charges", "770.00"),
        (P, "cash", "77.50"),
    ]
    assert [(r.group, r.reason, str(r.amount)) for r in by_reason(counters)] == [
        ("CO", "CO-45", "77.50"),
        ("write-off", "small-balance", "4.00"),
    ]
