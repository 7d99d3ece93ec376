"""One timed step of the X12 benchmark, run in a fresh process: ``python -m bench.x12_steps STEP``.

Each step runs in its own interpreter so that no step pays for the heap another one left behind
(the cyclic collector's cost grows with every live object), and prints one JSON line with its
wall and CPU seconds and what it found, which the benchmark checks before it reports a figure.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _timed(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    facts = work()
    facts["wall"] = time.perf_counter() - wall
    facts["cpu"] = time.process_time() - cpu
    return facts


def naive(path: str) -> dict[str, Any]:
    """The floor: split on the segment terminator and the element separator, nothing else."""
    text = Path(path).read_text(encoding="ascii")
    element, terminator = text[3], text[105]

    def split() -> dict[str, Any]:
        segments = [piece.split(element) for piece in text.split(terminator)]
        return {"segments": len(segments)}

    return _timed(split)


def read(path: str) -> dict[str, Any]:
    """claimdesk's full typed read of the 835, envelope and balancing checks included."""
    from claimdesk.edi.x835.read import read_835

    text = Path(path).read_text(encoding="ascii")

    def work() -> dict[str, Any]:
        result = read_835(text)
        return {
            "claims": sum(len(r.claims) for r in result.remittances),
            "lines": sum(len(c.service_lines) for r in result.remittances for c in r.claims),
            "findings": [str(f) for f in result.findings[:5]],
        }

    return _timed(work)


def stream(path: str) -> dict[str, Any]:
    """Stream the 835 from disk one claim at a time; report the process's peak resident size."""
    from claimdesk.edi.x835.model import ClaimPayment, RemittanceTrailer
    from claimdesk.edi.x835.read import iter_835

    def work() -> dict[str, Any]:
        claims = lines = 0
        findings: list[str] = []
        for record in iter_835(path):
            if isinstance(record, ClaimPayment):
                claims += 1
                lines += len(record.service_lines)
            elif isinstance(record, RemittanceTrailer):
                findings.extend(str(f) for f in record.findings[:5])
        return {"claims": claims, "lines": lines, "findings": findings[:5]}

    facts = _timed(work)
    facts["peak_mb"] = peak_resident_mb()
    return facts


def peak_resident_mb() -> float:
    """This process's peak resident size, interpreter included.

    VmHWM in /proc is this program's own high-water mark; ru_maxrss would also count the
    benchmark process this one was forked from, which holds the generated files' inputs.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pyx12(path: str) -> dict[str, Any]:
    """pyx12's validation of the same file (its 835 map, no balancing)."""
    import io
    import logging

    import pyx12.params
    import pyx12.x12n_document

    text = Path(path).read_text(encoding="ascii")
    errors: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            errors.append(record.getMessage())

    logger = logging.getLogger("pyx12")
    logger.addHandler(Collector(level=logging.ERROR))
    logger.setLevel(logging.ERROR)
    logger.propagate = False

    def work() -> dict[str, Any]:
        accepted = pyx12.x12n_document.x12n_document(
            pyx12.params.ParamsBase(), io.StringIO(text), None, None
        )
        return {"accepted": bool(accepted), "findings": errors[:5]}

    return _timed(work)


def write837p(count: str) -> dict[str, Any]:
    """Write ``count`` professional claims as one 837P (building the inputs is not timed)."""
    from bench.x12_data import claim_inputs, write_claims

    claims = claim_inputs(int(count))

    def work() -> dict[str, Any]:
        return {"characters": len(write_claims(claims))}

    return _timed(work)


def acknowledgments(path: str) -> dict[str, Any]:
    """What ingest does with a 999 or 277CA file: one envelope read, the sniffer, the reader."""
    from claimdesk.edi.x12.envelope import read_envelopes
    from claimdesk.edi.x12.sniff import Transaction, sniff_envelopes
    from claimdesk.edi.x277.read import claim_statuses_of
    from claimdesk.edi.x999.read import acknowledgments_of

    text = Path(path).read_text(encoding="ascii")

    def work() -> dict[str, Any]:
        envelopes = read_envelopes(text)
        if sniff_envelopes(envelopes) == {Transaction.IMPLEMENTATION_ACKNOWLEDGMENT}:
            acks = acknowledgments_of(envelopes)
            answered = sum(len(a.transaction_sets) for a in acks.acknowledgments)
            return {"answered": answered, "findings": [str(f) for f in acks.findings[:5]]}
        read = claim_statuses_of(envelopes)
        answered = sum(len(r.claims) for r in read.responses)
        return {"answered": answered, "findings": [str(f) for f in read.findings[:5]]}

    return _timed(work)


STEPS: dict[str, Callable[[str], dict[str, Any]]] = {
    "acknowledgments": acknowledgments,
    "naive": naive,
    "read": read,
    "stream": stream,
    "pyx12": pyx12,
    "write837p": write837p,
}

if __name__ == "__main__":
    print(json.dumps(STEPS[sys.argv[1]](sys.argv[2])))
