"""The line to the simulated clearinghouse and payers: the outbox goes out, answers come in.

Each 837 and 270 claimdesk wrote to the outbox is handed to the simulator and moved to
``archive/sent``; the 999, 277CA and 271 answers are written to the inbox, as a clearinghouse
mailbox would deliver them, and 835s once they are due. The adjudications of each claim's first
submission are counted here: that is the initial denial rate the front end can change.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from claimdesk.edi.x12.envelope import read_envelopes
from claimdesk.edi.x12.errors import X12Error
from claimdesk.payer_sim.bank import SimBank
from claimdesk.payer_sim.files import write_remittances
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.state import ScheduledRemittance
from claimdesk.payer_sim.status_x12 import answer_276
from claimdesk.services.x12_envelopes import write_outbox_file


@dataclass(slots=True)
class FirstPass:
    """Claims adjudicated on their first submission, and those of them denied."""

    adjudicated: set[str] = field(default_factory=set)
    denied: set[str] = field(default_factory=set)
    causes: dict[str, int] = field(default_factory=dict)

    @property
    def denial_rate(self) -> float | None:
        return len(self.denied) / len(self.adjudicated) if self.adjudicated else None


@dataclass(slots=True)
class ExchangeCounts:
    files_sent: int = 0
    claims_rejected: int = 0
    remittance_files: int = 0


def _kind(text: str) -> str:
    try:
        sets = read_envelopes(text).transaction_sets
    except X12Error:
        return ""
    return sets[0].transaction_set_id if sets else ""


def outgoing(outbox: Path) -> list[Path]:
    if not outbox.is_dir():
        return []
    return sorted(p for p in outbox.iterdir() if p.is_file() and not p.name.startswith("."))


class PayerLink:
    def __init__(
        self,
        simulator: PayerSimulator,
        inbox: Path,
        sent: Path,
        bank_folder: Path | None = None,
        seed: int = 0,
    ) -> None:
        self.simulator = simulator
        self.inbox = inbox
        # The practice's bank: the payments' deposits, one BAI2 file a day (with its seeded
        # mismatches), in a folder of their own beside the inbox.
        self.bank = SimBank(seed)
        self.bank_folder = bank_folder
        self.sent = sent
        self.first_pass = FirstPass()
        self.counts = ExchangeCounts()
        # Where each claim's 835 goes (payer, receiver, payee): a later payment (an overturned
        # appeal) travels the same way.
        self.routes: dict[str, ScheduledRemittance] = {}

    def send(self, outbox: Path, today: date) -> None:
        """Hand every outbox file to the simulator; its answers land in the inbox."""
        for path in outgoing(outbox):
            text = path.read_text(encoding="utf-8")
            kind = _kind(text)
            if kind == "837":
                self._claims(path.stem, text, today)
            elif kind == "270":
                reply = self.simulator.answer_270(text, today)
                if reply.text is not None:
                    write_outbox_file(self.inbox, f"{path.stem}.271", reply.text)
            elif kind == "276":
                status = answer_276(self.simulator, text, today)
                if status is not None:
                    write_outbox_file(self.inbox, f"{path.stem}.277", status)
            else:
                continue
            self.counts.files_sent += 1
            self.sent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, self.sent / path.name)

    def _claims(self, stem: str, text: str, today: date) -> None:
        receipt = self.simulator.receive_837(text, today)
        for n, ack in enumerate(receipt.functional_acks, start=1):
            write_outbox_file(self.inbox, f"{stem}.{n}.999", ack)
        for n, ack in enumerate(receipt.claim_acks, start=1):
            write_outbox_file(self.inbox, f"{stem}.{n}.277", ack)
        self.counts.claims_rejected += len(receipt.rejected) + len(receipt.syntax_rejected)
        accepted = set(receipt.accepted)
        for item in self.simulator.state.scheduled:
            for payment in item.payments:
                if payment.patient_control_number in accepted:
                    self.routes[payment.patient_control_number] = item
        tally = self.first_pass
        for adjudication in receipt.adjudications:
            claim_id = adjudication.payment.patient_control_number
            if claim_id in tally.adjudicated:
                continue
            tally.adjudicated.add(claim_id)
            if adjudication.denied:
                tally.denied.add(claim_id)
                cause = adjudication.denials[0].cause
                tally.causes[cause] = tally.causes.get(cause, 0) + 1

    def deliver(self, today: date) -> None:
        """The 835s due by ``today`` into the inbox; the bank's report of their deposits into
        the bank folder."""
        due = self.simulator.remittances(today)
        sent, deposits = self.bank.settle(
            due, today, lambda sender, receiver: self.simulator.envelope(sender, receiver, today)
        )
        self.counts.remittance_files += len(write_remittances(sent, self.inbox, today))
        if deposits and self.bank_folder is not None:
            write_outbox_file(
                self.bank_folder, f"bank_{today:%Y%m%d}.bai", self.bank.bai2(deposits, today)
            )
