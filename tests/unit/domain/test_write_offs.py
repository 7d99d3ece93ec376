"""The write-off code list and how a claim-level write-off is spread over the claim's lines."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from claimdesk.domain.ledger import Account, Journal
from claimdesk.domain.money import Money
from claimdesk.domain.write_offs import (
    REASONS,
    UNSPECIFIED,
    ClaimOpen,
    ReasonCode,
    UnknownReasonError,
    allocate,
    reason_name,
    reason_of,
    write_off_entry,
)

M = Money


def test_every_reason_has_its_own_account_under_the_write_off_prefix() -> None:
    accounts = [r.account for r in REASONS]
    assert len(set(accounts)) == len(REASONS) == len(ReasonCode)
    assert all(a.value.startswith("adjustment:write-off:") for a in accounts)
    assert {r.code for r in REASONS if r.needs_approval} == {
        ReasonCode.BAD_DEBT,
        ReasonCode.CHARITY,
    }


def test_a_free_text_reason_is_refused_with_the_list() -> None:
    with pytest.raises(UnknownReasonError, match="bad-debt"):
        reason_of("CO-denial")
    assert reason_of(" small-balance ").account is Account.WRITE_OFF_SMALL_BALANCE


def test_the_single_account_before_reason_codes_is_reported_unspecified() -> None:
    assert reason_name(Account.WRITE_OFF) == UNSPECIFIED
    assert reason_name(Account.WRITE_OFF_BAD_DEBT) == "bad debt"


# (amount, line balances, claim-level balance, expected parts): hand-computed.
ALLOCATIONS = [
    pytest.param(
        "190.00",
        {1: "150.00", 2: "40.00"},
        "0.00",
        [(1, "150.00"), (2, "40.00")],
        id="whole balance: each line exactly, 150 + 40 = 190",
    ),
    pytest.param(
        "100.00",
        {1: "150.00", 2: "40.00"},
        "0.00",
        [(1, "100.00")],
        id="partial: the first line first, 100 of its 150",
    ),
    pytest.param(
        "160.00",
        {1: "150.00", 2: "40.00"},
        "0.00",
        [(1, "150.00"), (2, "10.00")],
        id="partial: line 1's 150 then 10 of line 2's 40",
    ),
    pytest.param(
        "40.00",
        {1: "0.00", 2: "40.00"},
        "0.00",
        [(2, "40.00")],
        id="a settled line takes nothing: 40 all on line 2",
    ),
    pytest.param(
        "160.00",
        {1: "150.00", 2: "40.00"},
        "-30.00",
        [(1, "150.00"), (2, "40.00"), (None, "-30.00")],
        id="whole balance with a claim-level credit: 150 + 40 - 30 = 160, each cleared",
    ),
    pytest.param(
        "25.00",
        {},
        "25.00",
        [(None, "25.00")],
        id="no line postings: all at the claim level",
    ),
]


@pytest.mark.parametrize(("amount", "lines", "claim_level", "parts"), ALLOCATIONS)
def test_allocation(
    amount: str, lines: dict[int, str], claim_level: str, parts: list[tuple[int | None, str]]
) -> None:
    got = allocate(M(amount), {n: M(b) for n, b in lines.items()}, M(claim_level))
    assert got == [(n, M(p)) for n, p in parts]


def test_the_entry_debits_the_reasons_account_and_credits_each_line() -> None:
    claim = ClaimOpen(
        "P1", "C1", "ACME", Account.INSURANCE_AR, {1: M("150.00"), 2: M("40.00")}, M(0)
    )
    entry = write_off_entry(
        entry_id="write-off:1",
        reason=reason_of("timely-filing"),
        amount=M("190.00"),
        claim=claim,
        effective=date(2024, 3, 20),
        recorded_at=datetime(2024, 3, 20, tzinfo=UTC),
        recorded_by="b1",
        source="write-off request 1",
        memo="timely-filing",
    )
    journal = Journal([entry])
    assert [(p.account, p.dims.line_number, p.amount) for p in entry.postings] == [
        (Account.WRITE_OFF_TIMELY_FILING, None, M("190.00")),
        (Account.INSURANCE_AR, 1, M("-150.00")),
        (Account.INSURANCE_AR, 2, M("-40.00")),
    ]
    assert journal.trial_balance()[Account.WRITE_OFF_TIMELY_FILING] == M("190.00")
