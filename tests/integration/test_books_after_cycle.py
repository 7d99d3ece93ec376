"""Issue 13's "done when": after 180 simulated days, ``claimdesk books verify`` exits 0, on
SQLite and PostgreSQL.

The practice is synthesized, imported and run through the cycle against the payer simulator;
then the manager the cycle staffs runs ``books verify --json`` as a user would.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from typer.testing import CliRunner

from claimdesk.bootstrap import composed
from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.cycle.policy import shipped_staff_policy
from claimdesk.cycle.run import CycleOptions, run_cycle
from claimdesk.services.import_folder import import_folder
from claimdesk.services.setup import set_up
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.synth.practice import write_practice

REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365
DAYS = 180
PARTNERS = TradingPartners(
    submitter_id="RFMG001", contact_name="Billing office", phone="6145550100"
)


def test_books_verify_exits_0_after_a_180_day_cycle(tmp_path: Path, database_url: str) -> None:
    bundle = tmp_path / "bundle"
    write_practice(
        bundle, patients=300, encounters=1200, seed=41, as_of=REFERENCE_DATE, days=PERIOD_DAYS
    )
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    imported = import_folder(
        settings, bundle, user="e2e", now=datetime.combine(REFERENCE_DATE, time(18), tzinfo=UTC)
    )
    assert imported.report is not None, imported.errors[:3]
    staff = shipped_staff_policy()
    options = CycleOptions(
        days=DAYS,
        staff=staff,
        scrub=True,
        partners=PARTNERS,
        start=REFERENCE_DATE - timedelta(days=PERIOD_DAYS),
    )
    with composed(settings) as parts:
        report = run_cycle(parts, options)
    assert report.end is not None

    result = CliRunner().invoke(
        app,
        [
            "--home",
            str(settings.home),
            "--as",
            staff.tier3.user_id,
            "books",
            "verify",
            "--as-of",
            report.end.isoformat(),
            "--json",
        ],
        env={"CLAIMDESK_DATABASE_URL": database_url},
    )
    answer = json.loads(result.stdout)
    failures = {
        c["code"]: [f["message"] for f in c["findings"]] for c in answer["checks"] if not c["holds"]
    }
    shown = {code: (len(messages), messages[:3]) for code, messages in failures.items()}
    # The simulated bank's deliberate mismatches (payer_sim/bank.py) are the only failures: the
    # payment that never reached the bank and the deposit short of its 835 (issue 15).
    unproven = {
        trace for kind, trace in report.bank_mismatches if kind in ("missing", "amount_off")
    }
    assert set(failures) == {"BOOKS009"}, shown
    assert result.exit_code == 1
    assert {m.split()[2] for m in failures["BOOKS009"]} == unproven
