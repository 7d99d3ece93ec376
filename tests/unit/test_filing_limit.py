"""Timely filing limits in the payer's own terms: days, or calendar months (42 CFR 424.44).

Every expected date below is counted by hand on a calendar.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from claimdesk.bundle.reader import read_bundle
from claimdesk.codes.builtin import MODIFIERS, PLACES_OF_SERVICE
from claimdesk.codes.icd10 import shared_code_set
from claimdesk.domain.filing import FilingLimit, FilingUnit
from claimdesk.domain.payers import Payer, PayerKind
from claimdesk.edi.x12.codes import ClaimStatus
from claimdesk.edi.x835.read import read_835
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.world import Member, PayerWorld
from claimdesk.scrub import examples as ex
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.engine import Scrubber
from unit.edi.claim_builders import (
    BILLING,
    COMMERCIAL,
    DOS,
    MEDICAID,
    RENDERING,
    claim_input,
    coverage,
    patient,
)
from unit.payer_sim.small_world import CONTRACTS, policy, send

DAYS, MONTHS = FilingUnit.DAYS, FilingUnit.MONTHS
GOOD_BUNDLE = Path(__file__).resolve().parents[1] / "fixtures" / "bundles" / "good"
SCRUBBER = Scrubber.default()


# The limit itself -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "limit", "last_day"),
    [
        (date(2024, 1, 15), FilingLimit(12, MONTHS), date(2025, 1, 15)),
        # No 29 February in 2025: the month's last day.
        (date(2024, 2, 29), FilingLimit(12, MONTHS), date(2025, 2, 28)),
        (date(2024, 1, 31), FilingLimit(1, MONTHS), date(2024, 2, 29)),
        (date(2023, 1, 31), FilingLimit(1, MONTHS), date(2023, 2, 28)),
        (date(2024, 8, 31), FilingLimit(6, MONTHS), date(2025, 2, 28)),
        (date(2024, 11, 30), FilingLimit(3, MONTHS), date(2025, 2, 28)),
        (date(2024, 12, 15), FilingLimit(1, MONTHS), date(2025, 1, 15)),
        (date(2024, 1, 15), FilingLimit(24, MONTHS), date(2026, 1, 15)),
        # 16 days left in January, 29 in February, 31 in March, 14 in April: 90.
        (date(2024, 1, 15), FilingLimit(90, DAYS), date(2024, 4, 14)),
        # 365 days from 15 January 2024 end a day before the 12 months do: 2024 is a leap year.
        (date(2024, 1, 15), FilingLimit(365, DAYS), date(2025, 1, 14)),
    ],
)
def test_last_day_to_file(service: date, limit: FilingLimit, last_day: date) -> None:
    assert limit.last_day(service) == last_day


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("12 months", FilingLimit(12, MONTHS)),
        ("90 days", FilingLimit(90, DAYS)),
        ("1 year", FilingLimit(12, MONTHS)),
        ("2 years", FilingLimit(24, MONTHS)),
        ("1 month", FilingLimit(1, MONTHS)),
        ("1 day", FilingLimit(1, DAYS)),
        (" 12  Months ", FilingLimit(12, MONTHS)),
    ],
)
def test_parse(text: str, limit: FilingLimit) -> None:
    assert FilingLimit.parse(text) == limit


@pytest.mark.parametrize("text", ["12 moons", "12", "months", "twelve months", "-3 days", ""])
def test_parse_refuses_what_is_not_a_limit(text: str) -> None:
    with pytest.raises(ValueError, match=r"not a timely filing limit .*'90 days' or '12 months'"):
        FilingLimit.parse(text)


def test_a_limit_is_positive() -> None:
    with pytest.raises(ValueError, match="must be positive, not 0"):
        FilingLimit.parse("0 days")


@pytest.mark.parametrize(
    ("limit", "text"),
    [
        (FilingLimit(12, MONTHS), "12 months"),
        (FilingLimit(90, DAYS), "90 days"),
        (FilingLimit(1, MONTHS), "1 month"),
        (FilingLimit(1, DAYS), "1 day"),
    ],
)
def test_str(limit: FilingLimit, text: str) -> None:
    assert str(limit) == text
    assert FilingLimit.parse(text) == limit


# The payer ------------------------------------------------------------------------------------


def test_a_payer_states_its_limit_in_days_or_in_months() -> None:
    medicare = Payer("MCR01", "Medicare", PayerKind.MEDICARE, None, 120, timely_filing_months=12)
    assert medicare.timely_filing == FilingLimit(12, MONTHS)
    assert Payer("SHP01", "Summit", PayerKind.COMMERCIAL, 90, 180).timely_filing == FilingLimit(
        90, DAYS
    )


@pytest.mark.parametrize(
    ("days", "months", "reason"),
    [
        (90, 3, "payer P1: the timely filing limit is stated either in days or in months"),
        (None, None, "payer P1: the timely filing limit is stated either in days or in months"),
        (None, 0, "payer P1: filing and appeal windows must be positive"),
    ],
)
def test_a_payer_has_exactly_one_positive_limit(
    days: int | None, months: int | None, reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        Payer("P1", "Acme", PayerKind.COMMERCIAL, days, 180, timely_filing_months=months)


# Scrubbing: DAT002 and DAT003 -----------------------------------------------------------------


@pytest.fixture(scope="module")
def twelve_months_after_15_january() -> ScrubContext:
    """A claim for a visit on 2024-01-15 to a payer allowing 12 months: last day 2025-01-15."""
    reference = ex.example_reference(shared_code_set(), MODIFIERS, PLACES_OF_SERVICE)
    visit = date(2024, 1, 15)
    ctx = ex.only_line(ex.base_context(reference), "99213", date_of_service=visit)
    ctx = ex.encounter(ctx, date_of_service=visit)
    medicare = Payer("SHP01", "Medicare", PayerKind.MEDICARE, None, 120, timely_filing_months=12)
    return replace(ctx, payer=medicare, payers={"SHP01": medicare})


def _messages(ctx: ScrubContext, code: str, today: date) -> list[str]:
    return [issue.message for issue in SCRUBBER.rule(code).check(replace(ctx, today=today))]


@pytest.mark.parametrize(
    ("today", "expired"),
    [
        (date(2025, 1, 14), []),
        (date(2025, 1, 15), []),
        (
            date(2025, 1, 16),
            ["Medicare allows 12 months to file; the limit for 2024-01-15 passed on 2025-01-15"],
        ),
    ],
)
def test_dat002_counts_the_months(
    twelve_months_after_15_january: ScrubContext, today: date, expired: list[str]
) -> None:
    assert _messages(twelve_months_after_15_january, "DAT002", today) == expired


@pytest.mark.parametrize(
    ("today", "near"),
    [
        (date(2024, 12, 15), []),  # 31 days left: more than the 30-day warning
        (date(2024, 12, 16), ["30 days left to file (limit 2025-01-15)"]),
        (date(2025, 1, 15), ["0 days left to file (limit 2025-01-15)"]),
        (date(2025, 1, 16), []),  # late: DAT002's, not a warning
    ],
)
def test_dat003_warns_before_the_months_run_out(
    twelve_months_after_15_january: ScrubContext, today: date, near: list[str]
) -> None:
    assert _messages(twelve_months_after_15_january, "DAT003", today) == near


# The bundle's payers.csv ----------------------------------------------------------------------


def _payers_csv(tmp_path: Path, columns: str, medicare: str, summit: str) -> Path:
    folder = tmp_path / "bundle"
    shutil.copytree(GOOD_BUNDLE, folder)
    (folder / "payers.csv").write_text(
        f"payer_id,name,kind,{columns},appeal_window_days\n"
        f"MCR01,Medicare Part B,medicare,{medicare},120\n"
        f"SHP01,Summit Health Plan,commercial,{summit},180\n"
    )
    return folder


@pytest.mark.parametrize(
    ("columns", "medicare", "summit"),
    [
        ("timely_filing", "12 months", "90 days"),
        ("timely_filing", "1 year", "90 days"),
        ("timely_filing,timely_filing_days", "12 months,", ",90"),
        ("timely_filing,timely_filing_days", "12 months,", "90 days,90"),
    ],
)
def test_bundle_reads_the_limit_as_stated(
    tmp_path: Path, columns: str, medicare: str, summit: str
) -> None:
    result = read_bundle(_payers_csv(tmp_path, columns, medicare, summit))
    assert result.bundle is not None, result.errors
    assert [p.timely_filing for p in result.bundle.payers] == [
        FilingLimit(12, MONTHS),
        FilingLimit(90, DAYS),
    ]


@pytest.mark.parametrize(
    ("columns", "medicare", "reason"),
    [
        ("timely_filing", "12 moons", "not a timely filing limit '12 moons'"),
        (
            "timely_filing,timely_filing_days",
            "12 months,365",
            "12 months disagrees with timely_filing_days 365",
        ),
        (
            "timely_filing,timely_filing_days",
            "90 days,180",
            "90 days disagrees with timely_filing_days 180",
        ),
        ("timely_filing,timely_filing_days", ",", "a value is required here"),
    ],
)
def test_bundle_refuses_a_limit_with_file_row_and_column(
    tmp_path: Path, columns: str, medicare: str, reason: str
) -> None:
    summit = "90 days" if columns == "timely_filing" else "90 days,90"
    result = read_bundle(_payers_csv(tmp_path, columns, medicare, summit))
    assert result.bundle is None
    ((file, row, column, message),) = [(e.file, e.row, e.column, e.reason) for e in result.errors]
    assert (file, row, column) == ("payers.csv", 2, "timely_filing")
    assert reason in message


# The simulated payer --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "status"),
    [
        # Six months after 2024-04-22 is 2024-10-22, 183 days: past 180 days, still on time.
        (date(2024, 10, 22), ClaimStatus.PRIMARY),
        (date(2024, 10, 23), ClaimStatus.DENIED),
    ],
)
def test_the_simulated_payer_counts_the_months(received: date, status: ClaimStatus) -> None:
    assert date(2024, 4, 22) == DOS
    six_months = replace(COMMERCIAL, timely_filing_days=None, timely_filing_months=6)
    simulator = PayerSimulator(
        PayerWorld(
            policy=policy(),
            codes=shared_code_set(),
            payers=(six_months, MEDICAID),
            providers=(BILLING, RENDERING),
            members=(Member(coverage(), patient()),),
            contracts=CONTRACTS,
        )
    )
    assert send(simulator, [claim_input()], received).rejected == ()
    files = simulator.remittances(received + timedelta(days=14))
    (payment,) = [c for f in files for r in read_835(f.text).remittances for c in r.claims]
    assert payment.status is status
    reasons = {a.reason for line in payment.service_lines for a in line.adjustments}
    assert ("29" in reasons) is (status is ClaimStatus.DENIED)
