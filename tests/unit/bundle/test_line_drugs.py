"""service_lines.csv may name the drug a line gave (837 loop 2410): an NDC with its quantity
and unit, and a prescription number or a compound's link sequence. Old bundles without the
columns still read."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from claimdesk.bundle.cells import CellError, parse_ndc
from claimdesk.bundle.reader import read_bundle
from claimdesk.domain.encounters import DrugDetail, DrugUnit

GOOD = Path(__file__).resolve().parents[2] / "fixtures" / "bundles" / "good"
HEADER = (
    "encounter_id,line_number,procedure_code,modifiers,units,charge,diagnosis_pointers,"
    "date_of_service,place_of_service,ndc,ndc_quantity,ndc_unit,ndc_prescription,"
    "ndc_link_sequence\n"
)


def _bundle(tmp_path: Path, drug_cells: str) -> Path:
    """The good bundle, its J3301 line (E1 line 3) given ``drug_cells`` (five cells)."""
    folder = tmp_path / "bundle"
    shutil.copytree(GOOD, folder)
    path = folder / "service_lines.csv"
    rows = path.read_text().splitlines()[1:]
    cells = {"E1,3,J3301": drug_cells}
    body = [
        row + "," + next((v for k, v in cells.items() if row.startswith(k)), ",,,,") for row in rows
    ]
    path.write_text(HEADER + "\n".join(body) + "\n")
    return folder


def test_a_bundle_without_the_drug_columns_still_reads() -> None:
    result = read_bundle(GOOD)
    assert result.ok
    assert result.bundle is not None


def test_a_drug_line_reads_with_its_ndc(tmp_path: Path) -> None:
    result = read_bundle(_bundle(tmp_path, "00003-0293-20,1,ML,RX55,"))
    assert result.ok, result.errors
    assert result.bundle is not None
    (encounter,) = [e for e in result.bundle.encounters if e.encounter_id == "E1"]
    drugs = {ln.procedure_code: ln.drug for ln in encounter.lines}
    assert drugs["J3301"] == DrugDetail("00003029320", Decimal(1), DrugUnit.MILLILITER, "RX55")
    assert drugs["99213"] is None


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        pytest.param("00003029320,,ML,,", "ndc_quantity", id="no quantity"),
        pytest.param("00003029320,1,,,", "ndc_unit", id="no unit"),
        pytest.param("00003029320,1,KG,,", "ndc_unit", id="unknown unit"),
        pytest.param("3029320,1,ML,,", "ndc", id="too short"),
        pytest.param(",1,ML,,", "ndc_quantity", id="details without an NDC"),
        pytest.param("00003029320,1,ML,RX1,1", "ndc_link_sequence", id="two references"),
    ],
)
def test_a_bad_drug_is_reported_where_it_is(tmp_path: Path, cells: str, column: str) -> None:
    result = read_bundle(_bundle(tmp_path, cells))
    assert result.bundle is None
    assert [(e.file, e.column) for e in result.errors][:1] == [("service_lines.csv", column)]


@pytest.mark.parametrize(
    ("text", "ndc"),
    [
        pytest.param("00003029320", "00003029320", id="11 digits as they are"),
        pytest.param("00003-0293-20", "00003029320", id="5-4-2 hyphenated"),
        pytest.param("0003-0293-20", "00003029320", id="4-4-2 pads the labeler"),
        pytest.param("12345-678-90", "12345067890", id="5-3-2 pads the product"),
        pytest.param("12345-6789-0", "12345678900", id="5-4-1 pads the package"),
    ],
)
def test_an_ndc_is_billed_in_its_11_digit_form(text: str, ndc: str) -> None:
    assert parse_ndc(text) == ndc


@pytest.mark.parametrize("text", ["0003029320", "003-0293-20", "0003-0293-2X", "1-2"])
def test_other_ndc_shapes_are_refused(text: str) -> None:
    with pytest.raises(CellError):
        parse_ndc(text)
