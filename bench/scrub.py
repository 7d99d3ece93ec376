"""Scrub 100,000 synthetic claims with the full rule set (issue: at least 5,000 claims/second).

The practice is synthesized and read once; contexts are built in memory with the shipped payer
configuration and code tables imported from the test fixtures (HCPCS, NCCI PTP and MUE, NUCC).
The peer is a naive floor measured in the same run: a loop that only touches every line of
every claim. The first pass includes filling the per-code ICD-10-CM caches; the second is warm.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

from bench.timing import Timing, timed
from claimdesk.bundle.reader import read_bundle
from claimdesk.codes.reference import load_config, load_reference
from claimdesk.codes.store import import_file
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.engine import Scrubber, ScrubResult
from claimdesk.scrub.practice import practice_contexts
from claimdesk.synth import write_practice

CLAIMS = int(os.environ.get("BENCH_CLAIMS", "100000"))
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "codes"
CODE_FILES = (
    ("hcpcs", "hcpcs.txt"),
    ("ncci-ptp", "ncci_ptp.txt"),
    ("mue", "mue.csv"),
    ("taxonomy", "taxonomy.csv"),
)

# The bundle's fixed today: the same claims in every run, whatever the date.
AS_OF = date(2026, 9, 30)


def naive_floor(contexts: list[ScrubContext]) -> int:
    touched = 0
    for context in contexts:
        for line in context.claim.lines:
            if line.procedure_code:
                touched += 1
    return touched


def scrub_all(scrubber: Scrubber, contexts: list[ScrubContext]) -> list[ScrubResult]:
    return [scrubber.scrub(context) for context in contexts]


def run() -> list[Timing]:
    with tempfile.TemporaryDirectory(prefix="claimdesk-bench-scrub-") as tmp:
        work = Path(tmp)
        bundle_dir = work / "bundle"
        write_practice(
            bundle_dir,
            patients=max(1, CLAIMS * 3 // 10),
            encounters=CLAIMS,
            seed=1,
            as_of=AS_OF,
            days=365,
        )
        result = read_bundle(bundle_dir)
        bundle = result.bundle
        assert bundle is not None, result.errors[:5]
        for kind, name in CODE_FILES:
            import_file(work / "codes", kind, FIXTURES / name)
        reference = load_reference(work / "codes")
        build, contexts = timed(
            "build contexts in memory",
            lambda: practice_contexts(bundle, reference, load_config()),
        )
        scrubber = Scrubber.default()
        print(f"scrub: {len(contexts)} claims, {len(scrubber.rules)} rules")
        floor, _ = timed("naive floor: touch every line", lambda: naive_floor(contexts))
        cold, _ = timed(
            "scrub, first pass (fills code caches)", lambda: scrub_all(scrubber, contexts)
        )
        warm, results = timed(
            "scrub, second pass (warm caches)", lambda: scrub_all(scrubber, contexts)
        )
    clean = sum(r.clean for r in results)
    by_rule = Counter(f.rule for r in results for f in r.findings)
    print(f"  clean claims: {clean} of {len(results)} ({clean / len(results):.1%})")
    print(f"  findings by rule: {dict(sorted(by_rule.items()))}")
    for timing in (build, floor, cold, warm):
        print("  " + timing.line(floor if timing is not floor else None))
    for timing in (cold, warm):
        print(
            f"  {timing.label}: {len(contexts) / timing.cpu:,.0f} claims/second on one core "
            f"(cpu), {len(contexts) / timing.wall:,.0f} wall"
        )
    return [build, floor, cold, warm]
