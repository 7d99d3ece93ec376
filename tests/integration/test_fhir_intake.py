"""The two intakes on one practice: the synthetic practice imported as its CSV bundle into one
home and as its FHIR Bundle (``synth --fhir``) into another gives the same records, claims and
ledger, on SQLite and PostgreSQL; importing the FHIR file again changes nothing; a bad FHIR
file is reported, each problem located, and imports nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.fhir.jsontext import dumps
from claimdesk.store.engine import make_engine
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.coverages import CoverageRow
from claimdesk.store.tables.encounters import (
    EncounterDiagnosisRow,
    EncounterRow,
    ServiceLineRow,
)
from claimdesk.store.tables.ledger import LedgerPostingRow
from claimdesk.store.tables.patients import GuarantorRow, PatientRow
from claimdesk.store.tables.practice import PracticeSettingRow
from claimdesk.store.tables.reference import (
    ContractRateRow,
    FacilityRow,
    FeeScheduleRow,
    PayerRow,
    ProviderRow,
)

AS_OF = date(2026, 9, 30)
Run = Callable[..., tuple[int, str]]
# Every record an import writes, compared row for row.
RECORDS = (
    PayerRow,
    ProviderRow,
    FacilityRow,
    GuarantorRow,
    PatientRow,
    CoverageRow,
    FeeScheduleRow,
    ContractRateRow,
    EncounterRow,
    EncounterDiagnosisRow,
    ServiceLineRow,
)


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic practice, as CSV files and, beside them, as FHIR."""
    folder = tmp_path_factory.mktemp("fhir-practice") / "bundle"
    result = CliRunner().invoke(
        app,
        [
            *("synth", str(folder), "--patients", "8", "--encounters", "16", "--seed", "11"),
            *("--as-of", AS_OF.isoformat(), "--days", "60", "--fhir"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (folder / "practice.fhir.json").is_file()
    return folder


def _home(folder: Path, url: str) -> Run:
    runner = CliRunner()
    env = {"CLAIMDESK_DATABASE_URL": url, "CLAIMDESK_USER": "clerk"}

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["--home", str(folder), *args], env=env)
        return result.exit_code, result.stdout if "--json" in args else result.output

    code, output = run("init")
    assert code == 0, output
    return run


def _books(url: str) -> dict[str, Any]:
    """Every record, every claim (but when and by whom it was made) and the ledger's balance
    of every account for every patient, claim, line and payer."""
    engine = make_engine(url)
    claims = table_of(ClaimRow)
    postings = table_of(LedgerPostingRow)
    dims = (
        postings.c.account,
        postings.c.patient_account,
        postings.c.claim_id,
        postings.c.line_number,
        postings.c.payer_id,
    )
    try:
        with engine.connect() as db:
            found: dict[str, Any] = {
                row.__tablename__: sorted(map(tuple, db.execute(select(table_of(row)))))
                for row in RECORDS
            }
            found["practice"] = sorted(
                db.execute(
                    select(table_of(PracticeSettingRow).c.key, table_of(PracticeSettingRow).c.value)
                ).all()
            )
            kept = [c for c in claims.c if c.name not in ("created_at", "created_by")]
            found["claims"] = sorted(map(tuple, db.execute(select(*kept))))
            found["ledger"] = sorted(
                map(
                    tuple,
                    db.execute(select(*dims, func.sum(postings.c.amount)).group_by(*dims)),
                ),
                key=repr,
            )
    finally:
        engine.dispose()
    return found


def test_the_fhir_intake_gives_the_books_the_csv_intake_gives(
    practice: Path, database_url: str, second_database_url: str, tmp_path: Path
) -> None:
    from_csv = _home(tmp_path / "csv-home", database_url)
    from_fhir = _home(tmp_path / "fhir-home", second_database_url)

    code, output = from_csv("import", str(practice), "--json")
    assert code == 0, output
    code, output = from_fhir("fhir", "import", str(practice / "practice.fhir.json"), "--json")
    assert code == 0, output
    first = json.loads(output)
    again_code, again = from_fhir("fhir", "import", str(practice / "practice.fhir.json"), "--json")

    assert first["claims_created"] == 16
    assert first["ledger_entries_posted"] > 0
    csv_books, fhir_books = _books(database_url), _books(second_database_url)
    assert csv_books == fhir_books
    assert len(fhir_books["claims"]) == 16
    assert fhir_books["ledger"]
    # The same file again: nothing inserted, updated, charged or set.
    assert again_code == 0, again
    second = json.loads(again)
    assert second["claims_created"] == 0
    assert second["ledger_entries_posted"] == 0
    assert all(c["inserted"] == c["updated"] == 0 for c in second["counts"].values())
    assert second["practice_settings_changed"] == []
    assert _books(second_database_url) == fhir_books
    assert _summary(from_csv) == _summary(from_fhir)


def _summary(run: Run) -> dict[str, Any]:
    code, output = run("summary", "--json")
    assert code == 0, output
    found: dict[str, Any] = json.loads(output)
    return found


@pytest.fixture(scope="module")
def empty_home(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """A new home that every bad file leaves as empty as it was (it imports nothing)."""
    folder = tmp_path_factory.mktemp("fhir-bad")
    return _home(folder / "home", f"sqlite:///{folder / 'claimdesk.db'}")


def _bad(practice: Path, folder: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = json.loads((practice / "practice.fhir.json").read_text(), parse_float=Decimal)
    change(data)
    path = folder / f"bad-{uuid.uuid4().hex[:6]}.json"
    path.write_text(dumps(data))
    return path


def _where(data: dict[str, Any], resource_type: str) -> tuple[int, dict[str, Any]]:
    """The first resource of a type, and its entry's index."""
    for index, entry in enumerate(data["entry"]):
        if entry["resource"]["resourceType"] == resource_type:
            resource: dict[str, Any] = entry["resource"]
            return index, resource
    raise LookupError(resource_type)


def _observation(data: dict[str, Any]) -> None:
    data["entry"].insert(
        3,
        {
            "resource": {
                "resourceType": "Observation",
                "id": "bp",
                "status": "final",
                "code": {"text": "blood pressure"},
            }
        },
    )


def _bad_birth_date(data: dict[str, Any]) -> None:
    _where(data, "Patient")[1]["birthDate"] = "1950-02-30"


def _no_payor(data: dict[str, Any]) -> None:
    del _where(data, "Coverage")[1]["payor"]


def _unknown_payor(data: dict[str, Any]) -> None:
    _where(data, "Coverage")[1]["payor"] = [{"reference": "Organization/NOPE"}]


@pytest.mark.parametrize(
    ("change", "kind", "element", "reason"),
    [
        (_observation, "Observation", "resourceType", "does not take 'Observation' resources"),
        (_bad_birth_date, "Patient", "birthDate", "day value is outside expected range"),
        (_no_payor, "Coverage", "payor", "Field required"),
        (_unknown_payor, "Coverage", "payor[0]", "no payer 'NOPE' in this file or in claimdesk"),
    ],
)
def test_a_bad_fhir_file_is_located_and_imports_nothing(
    practice: Path,
    empty_home: Run,
    tmp_path: Path,
    change: Callable[[dict[str, Any]], None],
    kind: str,
    element: str,
    reason: str,
) -> None:
    run = empty_home
    data = json.loads((practice / "practice.fhir.json").read_text(), parse_float=Decimal)
    change(data)
    index, resource = _where(data, kind)
    path = _bad(practice, tmp_path, change)

    code, output = run("fhir", "import", str(path), "--json")

    assert code == 1, output
    report = json.loads(output)
    assert report["imported"] is False
    (problem,) = report["problems"]
    assert problem["where"] == f"Bundle.entry[{index}] {kind}/{resource['id']}"
    assert problem["element"] == element
    assert reason in problem["reason"]
    counts = _summary(run)["counts"]
    assert counts == dict.fromkeys(counts, 0)


def test_a_file_that_is_not_json_imports_nothing(
    practice: Path, empty_home: Run, tmp_path: Path
) -> None:
    run = empty_home
    path = tmp_path / "cut.json"
    path.write_text((practice / "practice.fhir.json").read_text()[:5000])

    code, output = run("fhir", "import", str(path))

    assert code == 1
    assert "cut.json: not JSON: " in output
    assert "nothing was imported" in output
    counts = _summary(run)["counts"]
    assert counts == dict.fromkeys(counts, 0)
