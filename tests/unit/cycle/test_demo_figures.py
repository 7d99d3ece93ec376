"""The demo prints one figure per KPI: the cycle's summary leaves the payers' own denial count
out when the KPI report follows it."""

from __future__ import annotations

from datetime import date

import pytest

from claimdesk.analytics.facts import Facts, Period
from claimdesk.analytics.report import build_report
from claimdesk.cli.cycle_cmd import print_cycle
from claimdesk.cli.kpi_cmd import print_kpi_report
from claimdesk.cycle.run import CycleReport
from claimdesk.denials.table import shipped_table


def _cycle() -> CycleReport:
    # The payers' tally (3 of 40) differs from the KPI's population on purpose.
    return CycleReport(
        start=date(2024, 1, 1),
        end=date(2024, 3, 31),
        scrub=True,
        adjudicated_first_pass=40,
        denied_first_pass=3,
    )


def test_the_demo_prints_the_initial_denial_rate_once(capsys: pytest.CaptureFixture[str]) -> None:
    print_cycle(_cycle(), payer_side_denials=False)
    report = build_report(
        Facts(), Period(date(2024, 1, 1), date(2024, 3, 31)), table=shipped_table()
    )
    print_kpi_report(report)
    printed = capsys.readouterr().out.lower()
    assert printed.count("denial rate") == 2  # the claims and the dollars KPI, once each
    assert "3 of 40" not in printed


def test_the_cycle_alone_still_reports_what_the_payers_denied(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_cycle(_cycle())
    assert "payers denied 3 of 40 claims on first submission = 7.5%" in capsys.readouterr().out
