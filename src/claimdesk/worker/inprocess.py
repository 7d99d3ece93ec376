"""The jobs in process, for SQLite (one user, one machine): each job once, in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from claimdesk.config import Settings
from claimdesk.worker.jobs import JOBS, run_as_worker, surface_failures


@dataclass(slots=True)
class RoundReport:
    results: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    work_items: int = 0


def run_round(settings: Settings, now: datetime, attempts: int = 3) -> RoundReport:
    """Every job once; a failing job is tried ``attempts`` times, then surfaces as work."""
    report = RoundReport()
    for name in JOBS:
        for attempt in range(1, attempts + 1):
            try:
                report.results[name] = str(run_as_worker(settings, name, now))
                break
            except Exception as exc:  # a job's failure is reported, never fatal to the round
                if attempt == attempts:
                    report.failed[name] = str(exc)
                    report.work_items += surface_failures(settings, name, exc, now)
    return report
