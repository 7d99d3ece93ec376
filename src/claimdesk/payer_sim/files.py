"""The simulator at a folder: read the files claimdesk wrote, write the answers to its inbox.

The only file I/O of the payer simulator. Answers are named after the file they answer (the
837's ``.999`` and ``.277``, the 270's ``.271``) and 835s after payer, receiver and day, so a run
with the same seed writes the same files under the same names.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from claimdesk.edi.x12.envelope import read_envelopes
from claimdesk.payer_sim.simulator import PayerSimulator, RemittanceFile
from claimdesk.payer_sim.status import ClaimStatusAnswer


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def _transaction_set(text: str) -> str:
    sets = read_envelopes(text).transaction_sets
    return sets[0].transaction_set_id if sets else ""


def answer_files(
    simulator: PayerSimulator, paths: Iterable[Path], inbox: Path, today: date
) -> tuple[list[Path], list[ClaimStatusAnswer]]:
    """Answer each 837 (999 and 277CA) and 270 (271) file into ``inbox``; 276 questions are
    answered as records (claimdesk has no 277 claim status writer). Other files are left."""
    written: list[Path] = []
    statuses: list[ClaimStatusAnswer] = []
    for path in sorted(paths):
        text = path.read_text(encoding="utf-8")
        kind = _transaction_set(text)
        if kind == "837":
            receipt = simulator.receive_837(text, today)
            for n, ack in enumerate(receipt.functional_acks, start=1):
                written.append(_write(inbox, f"{path.stem}.{n}.999", ack))
            for n, ack in enumerate(receipt.claim_acks, start=1):
                written.append(_write(inbox, f"{path.stem}.{n}.277", ack))
        elif kind == "270":
            reply = simulator.answer_270(text, today)
            if reply.text is not None:
                written.append(_write(inbox, f"{path.stem}.271", reply.text))
        elif kind == "276":
            statuses.extend(simulator.claim_status(text))
    return written, statuses


def deliver_remittances(simulator: PayerSimulator, inbox: Path, today: date) -> list[Path]:
    """Write every 835 due by ``today`` into ``inbox``."""
    return write_remittances(simulator.remittances(today), inbox, today)


def write_remittances(files: Iterable[RemittanceFile], inbox: Path, today: date) -> list[Path]:
    """Write the day's 835 files into ``inbox``, named by payer, receiver, day and number."""
    return [
        _write(inbox, f"{f.payer_id}_{f.receiver_id}_{today:%Y%m%d}_{n}.835", f.text)
        for n, f in enumerate(files, start=1)
    ]
