"""Synthesize and import a practice of 100,000 encounters into SQLite (issue: the practice's books).

The peer is a naive floor measured in the same run: the same CSV files loaded with the csv module
into untyped SQLite tables by executemany, with no checks, no domain objects, no claims and no
ledger. claimdesk's read + import does all of that, so the ratio says what the checks cost.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from bench.timing import Timing, timed
from claimdesk.bundle.reader import bundle_sha256, read_bundle
from claimdesk.services.import_bundle import import_bundle
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import upgrade_to_head
from claimdesk.store.uow import unit_of_work_factory
from claimdesk.synth import write_practice

# The synthetic practice's today in this file's bundles, and the days of visits before it.
REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365

ENCOUNTERS = int(os.environ.get("BENCH_ENCOUNTERS", "100000"))
PATIENTS = max(1, ENCOUNTERS * 3 // 10)


def naive_load(bundle: Path, database: Path) -> int:
    """Every CSV row into a TEXT table, nothing checked: the floor of any import."""
    rows = 0
    with sqlite3.connect(database) as connection:
        for path in sorted(bundle.glob("*.csv")):
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                header = next(reader)
                columns = ", ".join(f'"{c}" TEXT' for c in header)
                connection.execute(f'CREATE TABLE "{path.stem}" ({columns})')
                marks = ", ".join("?" for _ in header)
                data = list(reader)
                connection.executemany(f'INSERT INTO "{path.stem}" VALUES ({marks})', data)
                rows += len(data)
    return rows


def run() -> list[Timing]:
    with tempfile.TemporaryDirectory(prefix="claimdesk-bench-") as tmp:
        work = Path(tmp)
        bundle = work / "bundle"
        print(f"practice: {PATIENTS} patients, {ENCOUNTERS} encounters")
        synth, summary = timed(
            "synth (write the bundle)",
            lambda: write_practice(
                bundle,
                patients=PATIENTS,
                encounters=ENCOUNTERS,
                seed=1,
                as_of=REFERENCE_DATE,
                days=PERIOD_DAYS,
            ),
        )
        print(f"  rows: {summary.counts}")
        floor, _ = timed(
            "naive floor: csv -> sqlite, no checks", lambda: naive_load(bundle, work / "n.db")
        )
        read, result = timed("read + check the bundle", lambda: read_bundle(bundle))
        assert result.bundle is not None, result.errors[:5]
        engine = make_engine(f"sqlite:///{work / 'claimdesk.db'}")
        upgrade_to_head(engine)
        factory = unit_of_work_factory(engine)
        digest = bundle_sha256(bundle)

        def load() -> int:
            assert result.bundle is not None
            report = import_bundle(
                factory,
                result.bundle,
                source=str(bundle),
                files_sha256=digest,
                user="bench",
                now=datetime.now(UTC),
            )
            return report.ledger_entries_posted

        first, posted = timed("import (claims, charges, ledger)", load)
        again, reposted = timed("import again (idempotent: nothing posted)", load)
        engine.dispose()
        assert reposted == 0, "a second import posted entries"
        print(f"  ledger entries posted: {posted}")
        total = Timing("read + import", read.wall + first.wall, read.cpu + first.cpu)
        lines = [synth, floor, read, first, again, total]
        for timing in lines:
            print("  " + timing.line(floor if timing is not floor else None))
        return lines
