"""Write-off reasons: the code list every write-off is chosen from, and the entry that posts one.

Each reason has its own adjustment account (``adjustment:write-off:<code>``), so the HFMA MAP
Keys that split write-offs (bad debt, denial write-offs) read an account instead of free text.
A reason that ``needs_approval`` always waits for a manager (Tier 3), whatever its amount:
bad debt (the account goes to collections) and charity care (the practice's financial
assistance policy decides) are policy decisions, not a biller's. The others wait only above the
practice's approval amount.

A claim-level write-off is spread over the claim's service lines so that every line's balance
stays true: a write-off of the whole open balance clears each line (and any claim-level
remainder) exactly; a partial one takes each line's open balance in line order (first line
first), and what is left beyond the lines' open balances stays at the claim level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from claimdesk.domain.ledger import Account, Dimensions, Entry, EntryKind, Posting
from claimdesk.domain.money import Money, total

UNSPECIFIED = "unspecified (before reason codes)"


class ReasonCode(StrEnum):
    CONTRACTUAL = "contractual"
    ADMINISTRATIVE = "administrative"
    SMALL_BALANCE = "small-balance"
    TIMELY_FILING = "timely-filing"
    DENIAL = "denial"
    BAD_DEBT = "bad-debt"
    CHARITY = "charity"
    PROMPT_PAY = "prompt-pay"


@dataclass(frozen=True, slots=True)
class WriteOffReason:
    code: ReasonCode
    name: str
    account: Account
    needs_approval: bool


REASONS: tuple[WriteOffReason, ...] = (
    WriteOffReason(ReasonCode.CONTRACTUAL, "contractual", Account.WRITE_OFF_CONTRACTUAL, False),
    WriteOffReason(
        ReasonCode.ADMINISTRATIVE, "administrative", Account.WRITE_OFF_ADMINISTRATIVE, False
    ),
    WriteOffReason(
        ReasonCode.SMALL_BALANCE, "small balance", Account.WRITE_OFF_SMALL_BALANCE, False
    ),
    WriteOffReason(
        ReasonCode.TIMELY_FILING, "timely filing", Account.WRITE_OFF_TIMELY_FILING, False
    ),
    WriteOffReason(ReasonCode.DENIAL, "denial", Account.WRITE_OFF_DENIAL, False),
    WriteOffReason(ReasonCode.BAD_DEBT, "bad debt", Account.WRITE_OFF_BAD_DEBT, True),
    WriteOffReason(ReasonCode.CHARITY, "charity care", Account.WRITE_OFF_CHARITY, True),
    WriteOffReason(
        ReasonCode.PROMPT_PAY, "prompt-pay discount", Account.WRITE_OFF_PROMPT_PAY, False
    ),
)
_BY_CODE: dict[str, WriteOffReason] = {r.code.value: r for r in REASONS}
_BY_ACCOUNT = {r.account: r for r in REASONS}
WRITE_OFF_ACCOUNTS = frozenset({Account.WRITE_OFF, *_BY_ACCOUNT})


class UnknownReasonError(ValueError):
    """A write-off reason that is not on the code list."""


def reason_of(code: str) -> WriteOffReason:
    found = _BY_CODE.get(code.strip())
    if found is None:
        codes = ", ".join(r.code for r in REASONS)
        raise UnknownReasonError(f"write-off reason {code!r} is not one of: {codes}")
    return found


def reason_name(account: Account) -> str:
    """What a write-off account is called in a report; the old single account is unspecified."""
    found = _BY_ACCOUNT.get(account)
    return found.name if found is not None else UNSPECIFIED


LinePart = tuple[int | None, Money]


def allocate(amount: Money, lines: Mapping[int, Money], claim_level: Money) -> list[LinePart]:
    """How much of ``amount`` each line (``None``: the claim level) takes; see the module."""
    open_lines = sorted((n, b) for n, b in lines.items() if b)
    if amount == total(b for _n, b in open_lines) + claim_level:
        parts: list[LinePart] = list(open_lines)
        return parts + ([(None, claim_level)] if claim_level else [])
    parts, left = [], amount
    for number, balance in open_lines:
        if not left.is_positive():
            break
        if balance.is_positive():
            taken = balance if balance < left else left
            parts.append((number, taken))
            left = left - taken
    return parts + ([(None, left)] if left else [])


@dataclass(frozen=True, slots=True)
class ClaimOpen:
    """The claim a write-off is taken from and its open balances on ``account``."""

    patient_account: str
    claim_id: str
    payer_id: str
    account: Account  # the receivable written off
    lines: Mapping[int, Money]  # per service line
    claim_level: Money  # postings on no line

    def dims(self, line: int | None) -> Dimensions:
        return Dimensions(self.patient_account, self.claim_id, line, self.payer_id)


def write_off_entry(
    *,
    entry_id: str,
    reason: WriteOffReason,
    amount: Money,
    claim: ClaimOpen,
    effective: date,
    recorded_at: datetime,
    recorded_by: str,
    source: str,
    memo: str,
) -> Entry:
    """Debit the reason's account, credit the claim's receivable line by line."""
    parts = allocate(amount, claim.lines, claim.claim_level)
    return Entry(
        entry_id=entry_id,
        kind=EntryKind.WRITE_OFF,
        effective=effective,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        postings=(
            Posting(reason.account, amount, claim.dims(None)),
            *(Posting(claim.account, -part, claim.dims(n)) for n, part in parts),
        ),
        source=source,
        memo=memo,
    )
