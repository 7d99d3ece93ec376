"""Acknowledgments read in linear time: a 999 and a 277CA of 10 MB and of 100 MB.

Each read runs in a fresh process as ingest does it (one envelope read for the sniffer and the
reader). The figure that matters is the cost per megabyte at 100 MB against the same reader's
cost at 10 MB, measured in the same run: a linear reader stays near 1x, a quadratic one (the
999 reader took 30 s for 1 MB before issue 14) grows with the size. Targets (issue 14): the
ratio under 1.5x, and each 100 MB file read in under 30 s of processor time. Sizes:
``BENCH_ACKS_SMALL_MB`` (10) and ``BENCH_ACKS_BIG_MB`` (100).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.timing import Timing
from bench.x12 import StepError, _step, _timing
from bench.x12_data import acknowledgment_277ca, acknowledgment_999

SMALL_MB = int(os.environ.get("BENCH_ACKS_SMALL_MB", "10"))
BIG_MB = int(os.environ.get("BENCH_ACKS_BIG_MB", "100"))
CPU_LIMIT_S = 30.0
LINEAR_LIMIT = 1.5
FILES: dict[str, Callable[[int], str]] = {
    "999": acknowledgment_999,
    "277CA": acknowledgment_277ca,
}


def _read(work: Path, kind: str, megabytes: int) -> tuple[Timing, float]:
    path = work / f"{kind}-{megabytes}.x12"
    text = FILES[kind](megabytes * 1_000_000)
    path.write_text(text, encoding="ascii")
    answered = text.count("AK2*") if kind == "999" else text.count("*PT~")
    del text
    facts = _step("acknowledgments", str(path))
    if facts["findings"] or facts["answered"] != answered:
        raise StepError(f"{kind}: {facts['answered']} of {answered} read, {facts['findings']}")
    size = path.stat().st_size / 1e6
    path.unlink()
    return _timing(f"{kind} read ({size:.0f} MB)", facts), size


def run() -> list[Timing]:
    timings: list[Timing] = []
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="claimdesk-acks-") as tmp:
        work = Path(tmp)
        print(f"acks: 999 and 277CA read at {SMALL_MB} MB and {BIG_MB} MB")
        for kind in FILES:
            small, small_size = _read(work, kind, SMALL_MB)
            big, big_size = _read(work, kind, BIG_MB)
            timings += [small, big]
            ratio = (big.cpu / big_size) / (small.cpu / small_size)
            linear = "met" if ratio < LINEAR_LIMIT else "NOT MET"
            bound = "met" if big.cpu < CPU_LIMIT_S else "NOT MET"
            lines.append(
                f"{kind}: cpu per MB at {big_size:.0f} MB is x{ratio:.2f} of {small_size:.0f} MB "
                f"(under x{LINEAR_LIMIT}: {linear}); {big_size:.0f} MB in {big.cpu:.1f} s cpu "
                f"(under {CPU_LIMIT_S:.0f} s: {bound}); {big_size / big.cpu:.1f} MB/s"
            )
    for timing in timings:
        print("  " + timing.line())
    for line in lines:
        print("  " + line)
    return timings
