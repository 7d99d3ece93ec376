"""ERA/EFT reassociation: each posted 835's money matched to a deposit in the bank.

An 835 says what the payer paid (BPR02), when (BPR16) and under which trace (TRN02, the EFT
trace or the check number; TRN03 names the payer); the bank says what arrived. CAQH CORE's
reassociation rule (Phase III EFT & ERA Reassociation, rule 370) ties the two by the trace:
the EFT's CCD+ addenda carries the same ``TRN*1*trace*payer`` as the 835. Here both sides are
grouped by trace and every group gets one verdict:

- ``matched``: one deposit, one ERA, the same money;
- ``split``: the same trace on several ERAs (or several deposits) whose sums agree: the cash
  is proven, but a person confirms the split once (one EFT for several 835s is how some payers
  pay, and also how a payer's mistake looks);
- ``amount_mismatch``: both sides, different money;
- ``era_without_eft``: an ERA with no deposit after the wait; ``eft_without_era``: a deposit
  with no ERA after the wait; inside the wait the group is ``awaiting`` (money and remittance
  advice travel separately and a few days apart).

An ERA that moves no money to the provider needs no deposit: a zero payment (BPR01 ``H``,
BPR02 0) or a negative one. Nothing here reads the clock or the store: the caller hands in the
facts and the day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from claimdesk.domain.money import Money, total
from claimdesk.domain.practice import DEFAULT_DEPOSIT_WAIT_DAYS

# CAQH CORE 370 lets the EFT and the ERA arrive up to three business days apart; five leaves
# room for a bank file delivered the next morning and a weekend (a practice setting changes it).
DEFAULT_WAIT_BUSINESS_DAYS = DEFAULT_DEPOSIT_WAIT_DAYS


class Verdict(StrEnum):
    MATCHED = "matched"
    SPLIT = "split"
    AMOUNT_MISMATCH = "amount_mismatch"
    ERA_WITHOUT_EFT = "era_without_eft"
    EFT_WITHOUT_ERA = "eft_without_era"
    AWAITING = "awaiting"


EXCEPTIONS = frozenset(
    {Verdict.SPLIT, Verdict.AMOUNT_MISMATCH, Verdict.ERA_WITHOUT_EFT, Verdict.EFT_WITHOUT_ERA}
)
# The verdicts whose ERAs' money is proven to be in the bank.
PROVEN = frozenset({Verdict.MATCHED, Verdict.SPLIT})
PROBLEM_PREFIX = "reassociation:"


@dataclass(frozen=True, slots=True)
class DepositFact:
    deposit_id: str
    deposit_date: date
    amount: Money
    trace: str  # the EFT trace (TRN02 in the CCD+ addenda) or the check number
    payer_id: str = ""
    payer_name: str = ""


@dataclass(frozen=True, slots=True)
class EraFact:
    remittance_id: str
    trace: str  # TRN02; a second 835 of one file with the same TRN02 is stored ``TRN02#2``
    payer_key: str  # TRN03, or the payer's name
    amount: Money  # BPR02
    paid_on: date  # BPR16, or the day it was posted when the 835 has none


def trace_key(trace: str) -> str:
    """The trace both sides are grouped by: TRN02 without the ``#n`` of a repeated 835, with
    no surrounding blanks, upper case (banks print the addenda as they like)."""
    return trace.split("#", 1)[0].strip().upper()


def business_days_after(start: date, end: date) -> int:
    """Weekdays after ``start`` up to and including ``end`` (0 when ``end`` is not later).
    Bank holidays are not known here, so they count as business days."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for n in range(1, rest + 1):
        if (start + timedelta(days=n)).weekday() < 5:
            count += 1
    return count


@dataclass(frozen=True, slots=True)
class TraceGroup:
    verdict: Verdict
    trace: str
    eras: tuple[EraFact, ...]
    deposits: tuple[DepositFact, ...]

    @property
    def era_total(self) -> Money:
        return total(e.amount for e in self.eras)

    @property
    def deposit_total(self) -> Money:
        return total(d.amount for d in self.deposits)

    @property
    def difference(self) -> Money:
        """What the ERAs say less what the bank received."""
        return self.era_total - self.deposit_total

    @property
    def at_stake(self) -> Money:
        """The money a person must account for."""
        if self.verdict is Verdict.AMOUNT_MISMATCH:
            return abs(self.difference)
        if self.verdict is Verdict.EFT_WITHOUT_ERA:
            return self.deposit_total
        return self.era_total

    @property
    def unproven(self) -> Money:
        """The ERAs' money no deposit proves."""
        if self.verdict in PROVEN:
            return Money.zero()
        if self.verdict is Verdict.AMOUNT_MISMATCH:
            return max(self.difference, Money.zero())
        return self.era_total

    @property
    def problem_key(self) -> str:
        """One work item per exception: the verdict and the trace (or the lone deposit)."""
        name = self.trace or (self.deposits[0].deposit_id if self.deposits else "")
        return f"{PROBLEM_PREFIX}{self.verdict.value}:{name}"[:120]

    def describe(self) -> str:
        eras = ", ".join(f"{e.remittance_id} {e.amount}" for e in self.eras) or "none"
        deposits = (
            ", ".join(f"{d.deposit_id} {d.amount} on {d.deposit_date}" for d in self.deposits)
            or "none"
        )
        what = {
            Verdict.MATCHED: "matched",
            Verdict.SPLIT: "one payment split across several ERAs or deposits; confirm it",
            Verdict.AMOUNT_MISMATCH: f"the ERAs and the deposits differ by {self.difference}",
            Verdict.ERA_WITHOUT_EFT: "no deposit arrived for the ERA",
            Verdict.EFT_WITHOUT_ERA: "no ERA explains the deposit",
            Verdict.AWAITING: "waiting for the other side",
        }[self.verdict]
        return (
            f"trace {self.trace or '(none)'}: {what}; ERA(s) {eras} = {self.era_total}; "
            f"deposit(s) {deposits} = {self.deposit_total}"
        )


@dataclass(frozen=True, slots=True)
class Reassociation:
    as_of: date
    groups: tuple[TraceGroup, ...]

    def of(self, *verdicts: Verdict) -> tuple[TraceGroup, ...]:
        return tuple(g for g in self.groups if g.verdict in verdicts)

    @property
    def exceptions(self) -> tuple[TraceGroup, ...]:
        return tuple(g for g in self.groups if g.verdict in EXCEPTIONS)

    @property
    def matched_total(self) -> Money:
        return total(g.era_total for g in self.of(*PROVEN))

    @property
    def unmatched_era_total(self) -> Money:
        """ERA money not (yet) proven by a deposit, awaiting ones included."""
        return total(g.era_total for g in self.groups if g.verdict not in PROVEN)

    @property
    def unmatched_deposit_total(self) -> Money:
        return total(g.deposit_total for g in self.groups if g.verdict not in PROVEN)


def needs_deposit(era: EraFact) -> bool:
    """A zero or negative BPR02 moves no money to the provider: no deposit to find."""
    return era.amount.is_positive()


def reassociate(
    deposits: Iterable[DepositFact],
    eras: Iterable[EraFact],
    *,
    as_of: date,
    wait_business_days: int = DEFAULT_WAIT_BUSINESS_DAYS,
) -> Reassociation:
    """Match the deposits dated by ``as_of`` to the ERAs paid by ``as_of``, trace by trace."""
    by_trace_eras: dict[str, list[EraFact]] = defaultdict(list)
    by_trace_deposits: dict[str, list[DepositFact]] = defaultdict(list)
    for era in eras:
        if era.paid_on <= as_of and needs_deposit(era):
            by_trace_eras[trace_key(era.trace)].append(era)
    lone: list[DepositFact] = []
    for deposit in deposits:
        if deposit.deposit_date > as_of:
            continue
        key = trace_key(deposit.trace)
        if key:
            by_trace_deposits[key].append(deposit)
        else:
            lone.append(deposit)
    groups = [
        _group(
            trace,
            tuple(sorted(by_trace_eras.get(trace, ()), key=lambda e: e.remittance_id)),
            tuple(sorted(by_trace_deposits.get(trace, ()), key=lambda d: d.deposit_id)),
            as_of,
            wait_business_days,
        )
        for trace in sorted(set(by_trace_eras) | set(by_trace_deposits))
    ]
    groups += [
        _group("", (), (deposit,), as_of, wait_business_days)
        for deposit in sorted(lone, key=lambda d: d.deposit_id)
    ]
    return Reassociation(as_of, tuple(groups))


def _group(
    trace: str,
    eras: Sequence[EraFact],
    deposits: Sequence[DepositFact],
    as_of: date,
    wait: int,
) -> TraceGroup:
    def waited(days: Iterable[date]) -> bool:
        return business_days_after(max(days), as_of) > wait

    if not deposits:
        verdict = Verdict.ERA_WITHOUT_EFT if waited(e.paid_on for e in eras) else Verdict.AWAITING
    elif not eras:
        verdict = (
            Verdict.EFT_WITHOUT_ERA
            if waited(d.deposit_date for d in deposits)
            else Verdict.AWAITING
        )
    else:
        era_total = total(e.amount for e in eras)
        deposit_total = total(d.amount for d in deposits)
        if era_total == deposit_total:
            verdict = Verdict.MATCHED if len(eras) == len(deposits) == 1 else Verdict.SPLIT
        elif deposit_total > era_total and not waited(d.deposit_date for d in deposits):
            # One EFT for several 835s: the rest of its ERAs may still be on their way.
            verdict = Verdict.AWAITING
        else:
            verdict = Verdict.AMOUNT_MISMATCH
    return TraceGroup(verdict, trace, tuple(eras), tuple(deposits))
