"""``claimdesk kpi`` on a real practice, on SQLite and PostgreSQL: the text report, ``--json``,
``--explain``, ``--csv`` and ``--charts``, each checked against the services' own figures.

The practice is the one ``test_kpis`` builds: imported, scrubbed, submitted, answered by the
payer simulator and posted through the real services.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import click
import pytest
from test_kpis import END, START, UowFactory, practice  # noqa: F401  (practice is a fixture)
from typer.testing import CliRunner, Result

from claimdesk.analytics.prevention import shipped_prevention
from claimdesk.cli import app
from claimdesk.cli.app import console
from claimdesk.cli.kpi_cmd import page_explanation
from claimdesk.codes.reference import load_config
from claimdesk.denials.table import shipped_table
from claimdesk.routing.access import Role
from claimdesk.services.kpis import explain, tier3_report
from claimdesk.services.users import add_user

SVG = "{http://www.w3.org/2000/svg}"
PERIOD = ("--from", START.isoformat(), "--to", END.isoformat())


MANAGER = "kpi-manager"


@pytest.fixture(autouse=True)
def manager(practice: UowFactory) -> None:  # noqa: F811
    """The practice's manager reads the KPIs: the report is a use case the desk checks."""
    now = datetime(2026, 10, 1, tzinfo=UTC)
    add_user(practice, user_id="kpi-admin", name="Admin", role=Role.ADMIN, by="kpi-admin", now=now)
    add_user(practice, user_id=MANAGER, name="Manager", role=Role.MANAGER, by="kpi-admin", now=now)


def _invoke(tmp_path: Path, database_url: str, *args: str) -> Result:
    return CliRunner().invoke(
        app,
        ["--home", str(tmp_path / "home"), "kpi", *PERIOD, *args],
        env={"CLAIMDESK_DATABASE_URL": database_url, "CLAIMDESK_USER": MANAGER},
    )


def _run(tmp_path: Path, database_url: str, *args: str) -> tuple[int, str]:
    result = _invoke(tmp_path, database_url, *args)
    return result.exit_code, result.output


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_text_report_shows_kpis_trend_and_prevention(
    practice: UowFactory,  # noqa: F811
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A terminal wide enough that no table cell wraps the names looked for below.
    monkeypatch.setattr(console, "width", 240)
    with practice() as uow:
        expected = tier3_report(
            uow,
            start=START,
            end=END,
            scrub_config=load_config(tmp_path / "home"),
            min_claims=1,
            plan=shipped_prevention(),
            table=shipped_table(),
        )
    code, output = _run(tmp_path, database_url, "--recurring", "1")
    assert code == 0, output
    assert f"Tier 3 KPIs {START} to {END}" in output
    assert expected.report.get("initial_denial_rate").display() in output
    assert "trend by month" in output
    assert "denial-to-prevention: categories with at least 1 denied claims" in output
    assert expected.prevention, "the simulator should deny claims a front-end rule can catch"
    for recurring in expected.prevention:
        assert recurring.label in output
        for rule in recurring.rules:
            assert f"{rule.rule.code} {rule.rule.name}" in output


def test_json_carries_the_report_trend_and_prevention(
    practice: UowFactory,  # noqa: F811
    tmp_path: Path,
    database_url: str,
) -> None:
    with practice() as uow:
        expected = tier3_report(
            uow,
            start=START,
            end=END,
            scrub_config=load_config(tmp_path / "home"),
            min_claims=2,
            plan=shipped_prevention(),
            table=shipped_table(),
        )
    code, output = _run(tmp_path, database_url, "--json", "--recurring", "2")
    assert code == 0, output
    payload = json.loads(output)
    by_name = {k["name"]: k for k in payload["kpis"]}
    denial = expected.report.get("initial_denial_rate")
    assert by_name["initial_denial_rate"]["value"] == str(denial.value)
    # The months add up to the whole period's adjudications and denials.
    adjudicated = denial.denominator_summary()
    assert adjudicated is not None
    assert sum(m["adjudicated_claims"] for m in payload["trend"]) == adjudicated.claims
    assert sum(m["denied_claims"] for m in payload["trend"]) == denial.numerator_summary().claims
    assert payload["trend"][0]["from"] == START.isoformat()
    assert payload["trend"][-1]["to"] == END.isoformat()
    prevention = payload["prevention"]
    assert prevention["min_claims"] == 2
    assert prevention["recurring"] == [r.as_dict() for r in expected.prevention]
    assert all(r["claims"] >= 2 for r in prevention["recurring"])
    # Every dollar a rule would save is a dollar denied in its category.
    for r in prevention["recurring"]:
        assert Decimal(r["would_save"]) <= Decimal(r["denied"])
        for rule in r["rules"]:
            assert Decimal(rule["would_save"]) <= Decimal(r["would_save"])


def test_explain_writes_the_claims_behind_a_kpi_to_csv(
    practice: UowFactory,  # noqa: F811
    tmp_path: Path,
    database_url: str,
) -> None:
    with practice() as uow:
        expected = explain(uow, "initial_denial_rate", start=START, end=END, table=shipped_table())
    target = tmp_path / "out" / "denials.csv"
    code, output = _run(
        tmp_path, database_url, "--explain", "initial_denial_rate", "--csv", str(target)
    )
    assert code == 0, output
    assert "Initial denial rate" in output
    rows = _rows(target)
    assert list(rows[0]) == ["side", "claim_id", "amount", "days", "detail"]
    numerator = [(r["claim_id"], r["amount"]) for r in rows if r["side"] == "numerator"]
    denominator = [(r["claim_id"], r["amount"]) for r in rows if r["side"] == "denominator"]
    assert numerator == [(r.claim_id, str(r.amount)) for r in expected.numerator]
    assert denominator == [(r.claim_id, str(r.amount)) for r in expected.denominator or ()]

    code, output = _run(tmp_path, database_url, "--explain", "clean_claim_rate", "--json")
    assert code == 0, output
    assert json.loads(output)["name"] == "clean_claim_rate"
    code, output = _run(tmp_path, database_url, "--explain", "no_such_kpi")
    assert code == 2
    assert "no KPI named 'no_such_kpi'" in output


def test_csv_writes_one_file_per_table(
    practice: UowFactory,  # noqa: F811
    tmp_path: Path,
    database_url: str,
) -> None:
    with practice() as uow:
        expected = tier3_report(
            uow,
            start=START,
            end=END,
            scrub_config=load_config(tmp_path / "home"),
            min_claims=1,
            plan=shipped_prevention(),
            table=shipped_table(),
        )
    folder = tmp_path / "csv"
    code, output = _run(tmp_path, database_url, "--csv", str(folder), "--recurring", "1")
    assert code == 0, output
    names = {p.name for p in folder.iterdir()}
    assert {
        "kpis.csv",
        "denials_by_category.csv",
        "denials_by_carc.csv",
        "denials_by_payer.csv",
        "ar_aging_by_payer.csv",
        "ar_aging_by_patient.csv",
        "days_to_pay_by_payer.csv",
        "productivity.csv",
        "monthly_trend.csv",
        "denial_prevention.csv",
    } <= names
    summary = {r["name"]: r for r in _rows(folder / "kpis.csv")}
    assert list(summary) == [k.name for k in expected.report.kpis]
    denials = expected.report.get("denials")
    assert summary["denials"]["value"] == str(denials.value)
    by_category = _rows(folder / "denials_by_category.csv")
    assert sum(Decimal(r["denied"]) for r in by_category) == Decimal(str(denials.value))
    aging = _rows(folder / "ar_aging_by_payer.csv")
    assert list(aging[0]) == ["key", "0-30", "31-60", "61-90", "91-120", "120+", "total"]
    prevention = _rows(folder / "denial_prevention.csv")
    assert {r["category"] for r in prevention} == {r.category for r in expected.prevention}


def test_charts_are_svg_files_of_the_reports_figures(
    practice: UowFactory,  # noqa: F811
    tmp_path: Path,
    database_url: str,
) -> None:
    with practice() as uow:
        expected = tier3_report(
            uow,
            start=START,
            end=END,
            scrub_config=load_config(tmp_path / "home"),
            plan=shipped_prevention(),
            table=shipped_table(),
        )
    folder = tmp_path / "charts"
    result = _invoke(tmp_path, database_url, "--charts", str(folder), "--json")
    assert result.exit_code == 0, result.output
    # The notices of files written go to stderr: stdout stays one JSON document.
    assert json.loads(result.stdout)["to"] == END.isoformat()
    assert f"wrote SVG chart {folder / 'ar_aging_by_payer.svg'}" in result.stderr
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(expected.charts())
    pareto = ET.parse(folder / "denials_pareto_by_category.svg").getroot()
    bars = {
        b.get("data-label"): Decimal(b.get("data-value", ""))
        for b in pareto.iter(f"{SVG}rect")
        if b.get("class") == "bar"
    }
    table = next(
        t for t in expected.report.get("denials").tables if t.name == "denials_by_category"
    )
    assert bars == {str(row[0]): row[2].amount for row in table.rows}  # type: ignore[union-attr]
    trend = ET.parse(folder / "initial_denial_rate_trend.svg").getroot()
    points = {
        p.get("data-label"): Decimal(p.get("data-value", "")) for p in trend.iter(f"{SVG}circle")
    }
    assert points == {
        m.month: m.initial_denial_rate.value
        for m in expected.trend
        if m.initial_denial_rate.value is not None
    }
    for name in files:
        assert ET.parse(folder / name).getroot().tag == f"{SVG}svg"

    code, output = _run(
        tmp_path, database_url, "--charts", str(folder), "--explain", "clean_claim_rate"
    )
    assert code == 2
    assert "leave out --explain" in output


def test_explain_in_a_terminal_goes_through_the_pager(
    practice: UowFactory,  # noqa: F811  (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with practice() as uow:
        explanation = explain(
            uow, "initial_denial_rate", start=START, end=END, table=shipped_table()
        )
    paged: list[str] = []
    monkeypatch.setattr(click, "echo_via_pager", paged.append)
    page_explanation(explanation, interactive=True)
    [styled] = paged
    text = click.unstyle(styled)  # the pager shows the terminal's colours
    assert "Initial denial rate (claims)" in text
    for row in explanation.numerator:
        assert row.claim_id in text
    page_explanation(explanation, interactive=False)
    assert len(paged) == 1
