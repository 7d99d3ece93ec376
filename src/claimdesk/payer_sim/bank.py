"""The practice's bank in the simulation: the payers' payments arrive as deposits, reported in a
BAI2 file per day, with a few deliberate, seeded mismatches for reconciliation to find.

Every 835 that moves money is deposited the day it is paid (BPR16) under its TRN02, except:

- ``missing``: one payment never reaches the bank (an ERA without its EFT);
- ``amount_off``: one deposit is short of BPR02 by a seeded number of cents;
- ``no_era``: one deposit arrives with a trace no 835 carries (an EFT without its ERA);
- ``split``: one EFT pays two 835s, which carry its trace (TRN02) both (the payer sent one
  payment's claims in two 835 transactions).

Each happens once, on the first delivery days that have a payment it can apply to, in that
order; :attr:`SimBank.mismatches` tells which traces they hit.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from claimdesk.domain.money import Money, total
from claimdesk.edi.x12.writer import Envelope
from claimdesk.edi.x835.model import Remittance
from claimdesk.edi.x835.write import write_835
from claimdesk.payer_sim.remit import PRACTICE_ACCOUNT
from claimdesk.payer_sim.simulator import RemittanceFile
from claimdesk.posting.bank_files import BankDeposit, bai2_text

MISMATCHES = ("missing", "amount_off", "no_era", "split")
ACCOUNT = PRACTICE_ACCOUNT.account_number


@dataclass(slots=True)
class SimBank:
    seed: int
    account: str = ACCOUNT
    pending: list[str] = field(default_factory=lambda: list(MISMATCHES))
    mismatches: list[tuple[str, str]] = field(default_factory=list)  # (mismatch, trace)
    _random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def settle(
        self,
        files: Sequence[RemittanceFile],
        today: date,
        envelope: Callable[[str, str], Envelope],
    ) -> tuple[list[RemittanceFile], list[BankDeposit]]:
        """The day's 835 files as the payers send them, and the deposits the bank reports;
        ``envelope`` makes a new interchange envelope (sender, receiver) for a rewritten file."""
        sent = list(files)
        if self.pending and self.pending[0] == "split":
            sent = self._split(sent, envelope)
        deposits = [self._deposit(r, today) for f in sent for r in f.remittances if _pays(r)]
        deposits = self._merge_shared_traces(deposits)
        if self.pending and self.pending[0] != "split" and deposits:
            deposits = self._disturb(self.pending.pop(0), deposits, today)
        return sent, deposits

    def bai2(self, deposits: Sequence[BankDeposit], today: date) -> str:
        return bai2_text(
            deposits,
            sender="SIMBANK",
            receiver="PRACTICE",
            created=today,
            file_id=f"{today:%y%m%d}",
        )

    def _deposit(self, remittance: Remittance, today: date) -> BankDeposit:
        trace = remittance.trace
        payer = remittance.payer.name if remittance.payer else ""
        amount = remittance.payment.amount if remittance.payment else Money.zero()
        return BankDeposit(
            record="",
            bank_account=self.account,
            deposit_date=today,
            amount=amount,
            trace=trace.number if trace else "",
            payer_id=trace.originator if trace else "",
            payer_name=payer,
        )

    @staticmethod
    def _merge_shared_traces(deposits: list[BankDeposit]) -> list[BankDeposit]:
        """One EFT per trace: 835s that share a TRN02 were paid by one deposit."""
        merged: dict[str, BankDeposit] = {}
        for d in deposits:
            if d.trace in merged:
                merged[d.trace] = replace(merged[d.trace], amount=merged[d.trace].amount + d.amount)
            else:
                merged[d.trace] = d
        return list(merged.values())

    def _disturb(self, kind: str, deposits: list[BankDeposit], today: date) -> list[BankDeposit]:
        n = self._random.randrange(len(deposits))
        chosen = deposits[n]
        if kind == "missing":
            if len(deposits) < 2:
                # The day's other deposits show the bank was reporting that day.
                self.pending.insert(0, kind)
                return deposits
            self.mismatches.append((kind, chosen.trace))
            return deposits[:n] + deposits[n + 1 :]
        if kind == "amount_off":
            off = Money.from_cents(self._random.randint(1, min(500, chosen.amount.cents - 1)))
            if not off.is_positive():
                self.pending.insert(0, kind)
                return deposits
            self.mismatches.append((kind, chosen.trace))
            return [*deposits[:n], replace(chosen, amount=chosen.amount - off), *deposits[n + 1 :]]
        stray = replace(
            chosen,
            trace=f"SIMNOERA{today:%Y%m%d}",
            amount=Money.from_cents(self._random.randint(1000, 50000)),
        )
        self.mismatches.append((kind, stray.trace))
        return [*deposits, stray]

    def _split(
        self, files: list[RemittanceFile], envelope: Callable[[str, str], Envelope]
    ) -> list[RemittanceFile]:
        """One 835 of several claims (and no PLB) sent as two 835s under one TRN02: the payer
        paid both with one EFT."""
        for index, f in enumerate(files):
            whole = next(
                (
                    r
                    for r in f.remittances
                    if _pays(r)
                    and len(r.claims) > 1
                    and not r.provider_adjustments
                    and r.payment is not None
                    and r.trace is not None
                ),
                None,
            )
            if whole is None or whole.payment is None or whole.trace is None:
                continue
            half = len(whole.claims) // 2
            parts = [
                replace(
                    whole,
                    claims=claims,
                    payment=replace(whole.payment, amount=total(c.paid for c in claims)),
                )
                for claims in (whole.claims[:half], whole.claims[half:])
            ]
            if not all(_pays(p) for p in parts):
                continue
            self.pending.pop(0)
            self.mismatches.append(("split", whole.trace.number))
            remittances = tuple(
                r for old in f.remittances for r in (parts if old is whole else [old])
            )
            text = write_835(remittances, envelope(f.payer_id, f.receiver_id))
            files[index] = replace(f, text=text, remittances=remittances)
            break
        return files


def _pays(remittance: Remittance) -> bool:
    return remittance.payment is not None and remittance.payment.amount.is_positive()
