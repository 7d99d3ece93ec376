"""The jobs in process, for SQLite (one user, one machine): each job once, in order."""

from __future__ import annotations

from collections.abc import Sequence
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


@dataclass(slots=True)
class PracticeRound:
    """One practice's round: its report, or why the round could not run at all."""

    practice: str
    report: RoundReport | None
    error: str = ""


def run_practices(practices: Sequence[Settings], now: datetime) -> list[PracticeRound]:
    """A round for each practice in turn, each on its own store and folders. A practice whose
    round cannot run (a bad rule file, say) is reported and the next practice still runs: one
    client's problem never stops the others' work."""
    rounds = []
    for settings in practices:
        try:
            rounds.append(PracticeRound(settings.practice_id, run_round(settings, now)))
        except Exception as exc:  # reported per practice, never fatal to the others
            rounds.append(PracticeRound(settings.practice_id, None, f"{type(exc).__name__}: {exc}"))
    return rounds
