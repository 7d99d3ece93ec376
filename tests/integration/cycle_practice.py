"""A synthetic practice imported into a fresh home and run through the simulated cycle, for the
tests that check the books a cycle leaves behind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from claimdesk.bootstrap import composed
from claimdesk.config import Settings
from claimdesk.cycle.policy import shipped_staff_policy
from claimdesk.cycle.run import CycleOptions, run_cycle
from claimdesk.services.import_folder import import_folder
from claimdesk.services.setup import set_up
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.synth.practice import write_practice

REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365
# The practice the tests reading a long cycle's books share (``cycled_practice``): issue 13
# asks for ``books verify`` after 180 days.
SHARED_CYCLE = {"patients": 100, "encounters": 400, "seed": 23, "days": 180}
PARTNERS = TradingPartners(
    submitter_id="RFMG001", contact_name="Billing office", phone="6145550100"
)


@dataclass(frozen=True, slots=True)
class CycledHome:
    settings: Settings
    start: date  # the cycle's first day
    end: date  # its last day
    manager: str  # the Tier 3 person the cycle staffs
    tier1: str  # its Tier 1 biller
    # The simulated bank's deliberate mismatches: (kind, trace) in the order it made them.
    bank_mismatches: tuple[tuple[str, str], ...] = ()


def cycled_home(
    tmp_path: Path, database_url: str, *, patients: int, encounters: int, seed: int, days: int
) -> CycledHome:
    """Visits over the year to :data:`REFERENCE_DATE`, imported, then ``days`` of the cycle
    from the year's first day."""
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    return cycled(
        settings,
        tmp_path / "bundle",
        patients=patients,
        encounters=encounters,
        seed=seed,
        days=days,
    )


def cycled(
    settings: Settings,
    bundle: Path,
    *,
    patients: int,
    encounters: int,
    seed: int,
    days: int,
) -> CycledHome:
    """A synthetic practice imported into the store ``settings`` name (a home's or a client
    practice's, set up already) and run through ``days`` of the cycle."""
    write_practice(
        bundle,
        patients=patients,
        encounters=encounters,
        seed=seed,
        as_of=REFERENCE_DATE,
        days=PERIOD_DAYS,
    )
    imported = import_folder(
        settings, bundle, user="e2e", now=datetime.combine(REFERENCE_DATE, time(18), tzinfo=UTC)
    )
    assert imported.report is not None, imported.errors[:3]
    staff = shipped_staff_policy()
    start = REFERENCE_DATE - timedelta(days=PERIOD_DAYS)
    options = CycleOptions(days=days, staff=staff, scrub=True, partners=PARTNERS, start=start)
    with composed(settings) as parts:
        report = run_cycle(parts, options)
    assert report.end is not None
    return CycledHome(
        settings,
        start,
        report.end,
        staff.tier3.user_id,
        staff.tier1.user_id,
        tuple(report.bank_mismatches),
    )
