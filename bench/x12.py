"""X12 speed and memory: read a 20,000-claim 835, write a 20,000-claim 837P, stream a big 835.

Peers measured in the same run on the same file: a naive floor (split on the segment terminator
and the element separator, keep every segment, nothing else), pyx12's validation, and
LinuxForHealth x12's model parsing. LinuxForHealth needs pydantic < 2, so it runs in its own
virtual environment (``bench/.venv-peers``, made on first use) on a copy of the 835 without the
PER*BL segment it rejects. A peer that cannot be installed or run is skipped with the reason;
no figure is ever made up.

Targets (issue: X12 performance): the typed read at least 10x faster than LinuxForHealth and
within 4x of the naive floor; the 837P written in under 2 s; streaming a ~100 MB 835 with a peak
resident size under 300 MB. Sizes: ``BENCH_X12_CLAIMS`` (20000), ``BENCH_X12_BIG_MB`` (100; 0
skips the streaming step), ``BENCH_X12_PEERS`` (``pyx12,lfh``; empty skips both).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.timing import Timing
from bench.x12_data import claim_inputs, write_remittance

CLAIMS = int(os.environ.get("BENCH_X12_CLAIMS", "20000"))
BIG_MB = int(os.environ.get("BENCH_X12_BIG_MB", "100"))
PEERS = {p for p in os.environ.get("BENCH_X12_PEERS", "pyx12,lfh").split(",") if p}

ROOT = Path(__file__).resolve().parent.parent
PEER_VENV = ROOT / "bench" / ".venv-peers"
PEER_PACKAGES = ("linuxforhealth-x12==0.57.0", "pydantic<2")
PEAK_LIMIT_MB = 300


class StepError(RuntimeError):
    """A step that failed or read something other than what was written: no figure for it."""


def _run(command: list[str]) -> dict[str, Any]:
    """Run one timed step in a fresh interpreter and return the JSON line it prints last."""
    completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise StepError(f"{' '.join(command[1:])} exited {completed.returncode}: {last}")
    facts: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return facts


def _step(name: str, argument: str) -> dict[str, Any]:
    return _run([sys.executable, "-m", "bench.x12_steps", name, argument])


def _timing(label: str, facts: dict[str, Any]) -> Timing:
    return Timing(label, float(facts["wall"]), float(facts["cpu"]))


def without_per_bl(text: str) -> str:
    """The 835 less its PER*BL segments, with each SE01 lowered to match (for LinuxForHealth)."""
    element, terminator = text[3], text[105]
    marker = f"PER{element}BL{element}"
    kept: list[str] = []
    removed = 0
    for segment in text.split(terminator):
        if segment.startswith(marker):
            removed += 1
            continue
        if segment.startswith(f"SE{element}"):
            parts = segment.split(element)
            parts[1] = str(int(parts[1]) - removed)
            segment = element.join(parts)
            removed = 0
        kept.append(segment)
    return terminator.join(kept)


def repeated(text: str, copies: int) -> str:
    """One interchange holding ``copies`` renumbered copies of the 835's only transaction set.

    Every copy is the same balanced remittance under its own ST02/SE02, and GE01 counts them,
    so the result is a valid 835 of any size without writing every claim again.
    """
    element, terminator = text[3], text[105]
    start = text.index(f"{terminator}ST{element}") + 1
    end = text.index(f"{terminator}GE{element}") + 1
    body = text[start:end]
    control = body.split(element, 3)[2].split(terminator, 1)[0]
    copies_text = [
        body.replace(f"{element}{control}{terminator}", f"{element}{n:04d}{terminator}")
        for n in range(1, copies + 1)
    ]
    trailer = text[end:]
    trailer = trailer.replace(f"GE{element}1{element}", f"GE{element}{copies}{element}", 1)
    return text[:start] + "".join(copies_text) + trailer


def peer_python() -> tuple[str | None, str]:
    """The peer venv's interpreter with linuxforhealth-x12 installed, or None and the reason."""
    python = PEER_VENV / "bin" / "python"
    probe = [str(python), "-c", "import linuxforhealth.x12.io"]
    if python.exists() and subprocess.run(probe, capture_output=True, check=False).returncode == 0:
        return str(python), ""
    created = subprocess.run(
        [sys.executable, "-m", "venv", "--clear", str(PEER_VENV)],
        capture_output=True,
        text=True,
        check=False,
    )
    if created.returncode != 0:
        return None, f"cannot create {PEER_VENV}: {created.stderr.strip()[-200:]}"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES],
        capture_output=True,
        text=True,
        check=False,
    )
    if installed.returncode != 0:
        reason = (installed.stderr.strip().splitlines() or ["pip failed"])[-1]
        return None, f"cannot install {', '.join(PEER_PACKAGES)}: {reason}"
    return str(python), ""


def _ratio(slow: Timing, fast: Timing) -> str:
    return (
        f"{slow.label} / {fast.label}: x{slow.wall / fast.wall:.2f} wall, "
        f"x{slow.cpu / fast.cpu:.2f} cpu"
    )


def _check(what: str, wall: bool, cpu: bool) -> str:
    """A target judged on wall time and on CPU time: other work on a shared machine stretches
    the wall clock of one step more than another's, never its CPU time."""

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT MET"

    return f"{what}: {verdict(wall)} on wall time, {verdict(cpu)} on cpu time"


def run() -> list[Timing]:
    with tempfile.TemporaryDirectory(prefix="claimdesk-x12-") as tmp:
        work = Path(tmp)
        print(f"x12: {CLAIMS} claims (835 and 837P), streaming {BIG_MB} MB")
        remittance_file = work / "remittance.835"
        text = write_remittance(claim_inputs(CLAIMS))
        remittance_file.write_text(text, encoding="ascii")
        print(f"  835: {len(text) / 1e6:.1f} MB, {text.count(text[105])} segments")

        naive = _timing("naive split floor", _step("naive", str(remittance_file)))
        facts = _step("read", str(remittance_file))
        if facts["findings"] or facts["claims"] != CLAIMS:
            raise StepError(f"read_835: {facts['claims']} claims, findings {facts['findings']}")
        ours = _timing("claimdesk read_835 (typed, balanced)", facts)
        timings = [naive, ours]
        ratios = [_ratio(ours, naive)]
        checks = [
            _check(
                "read within 4x of the naive split",
                ours.wall <= 4 * naive.wall,
                ours.cpu <= 4 * naive.cpu,
            )
        ]

        if "pyx12" in PEERS:
            facts = _step("pyx12", str(remittance_file))
            if not facts["accepted"]:
                raise StepError(f"pyx12 rejected the benchmark 835: {facts['findings']}")
            pyx12 = _timing("pyx12 validation", facts)
            timings.append(pyx12)
            ratios.append(_ratio(pyx12, ours))
        if "lfh" in PEERS:
            python, reason = peer_python()
            if python is None:
                print(f"  skipped linuxforhealth-x12: {reason}")
            else:
                copy = work / "remittance-no-per-bl.835"
                copy.write_text(without_per_bl(text), encoding="ascii")
                script = str(ROOT / "bench" / "x12_lfh.py")
                facts = _run([python, script, str(copy)])
                if facts["models"] != 1:
                    raise StepError(f"linuxforhealth-x12 parsed {facts['models']} models, not 1")
                lfh = _timing("linuxforhealth-x12 models", facts)
                timings.append(lfh)
                ratios.append(_ratio(lfh, ours))
                checks.append(
                    _check(
                        "read at least 10x faster than LFH",
                        lfh.wall >= 10 * ours.wall,
                        lfh.cpu >= 10 * ours.cpu,
                    )
                )
        del text

        write = _timing("claimdesk write_837p", _step("write837p", str(CLAIMS)))
        timings.append(write)
        checks.append(_check("837P written in under 2 s", write.wall < 2, write.cpu < 2))

        if BIG_MB:
            single = remittance_file.read_text(encoding="ascii")
            copies = max(1, round(BIG_MB * 1e6 / len(single)))
            big = work / "big.835"
            big.write_text(repeated(single, copies), encoding="ascii")
            del single
            size = big.stat().st_size / 1e6
            facts = _step("stream", str(big))
            if facts["findings"] or facts["claims"] != copies * CLAIMS:
                raise StepError(f"iter_835: {facts['claims']} claims, {facts['findings']}")
            streamed = _timing(f"claimdesk iter_835 ({size:.0f} MB from disk)", facts)
            timings.append(streamed)
            peak = float(facts["peak_mb"])
            print(f"  streamed {facts['claims']} claims; peak resident size {peak:.0f} MB")
            verdict = "met" if peak < PEAK_LIMIT_MB else "NOT MET"
            checks.append(f"{size:.0f} MB streamed under {PEAK_LIMIT_MB} MB peak: {verdict}")

        for timing in timings:
            print("  " + timing.line())
        for line in ratios + checks:
            print("  " + line)
        return timings
