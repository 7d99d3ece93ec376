"""Importers for the official layouts, on small fixture files written in those layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimdesk.codes.store import KINDS, import_file, read_rows, stored_path
from claimdesk.codes.table import CodeImportError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "codes"
GOOD = {
    "hcpcs": "hcpcs.txt",
    "ncci-ptp": "ncci_ptp.txt",
    "mue": "mue.csv",
    "carc": "carc.csv",
    "rarc": "rarc.csv",
    "taxonomy": "taxonomy.csv",
    "pos": "pos.csv",
}
BAD = {
    "hcpcs": (
        "hcpcs_bad.txt",
        [
            "hcpcs_bad.txt:1: added (269-276): '20001301' is not a date (%Y%m%d)",
            "hcpcs_bad.txt:2: HCPC (1-5): 'J11X0' is not a HCPCS code",
            "hcpcs_bad.txt:3: record id (11): '5' is not 3, 4, 7 or 8",
            "hcpcs_bad.txt:4: action code (293): 'Q' is not a HCPCS action code",
        ],
    ),
    "ncci-ptp": (
        "ncci_ptp_bad.txt",
        [
            "ncci_ptp_bad.txt:5: Column 2: '9921' is not a CPT/HCPCS code",
            "ncci_ptp_bad.txt:6: Effective Date: '2020-01-01' is not a date (%Y%m%d)",
            "ncci_ptp_bad.txt:7: Modifier: '2' is not 0, 1 or 9",
            "ncci_ptp_bad.txt:8: row: 2 columns; a PTP row has 7",
        ],
    ),
    "mue": (
        "mue_bad.csv",
        [
            "mue_bad.csv:2: MUE Value: 'one' is not a whole number of units",
            "mue_bad.csv:3: HCPCS/CPT Code: '2061' is not a CPT/HCPCS code",
            "mue_bad.csv:4: MUE Adjudication Indicator: 'Date of Service Edit' does not start "
            "with 1, 2 or 3",
            "mue_bad.csv:5: HCPCS/CPT Code: J1100 is already on row 4",
            "mue_bad.csv:6: HCPCS/CPT Code: J1100 is already on row 4",
        ],
    ),
    "carc": (
        "carc_bad.csv",
        [
            "carc_bad.csv:3: Code: 1 is already on row 2",
            "carc_bad.csv:4: Code: 'ABCD5' is not a CARC code",
            "carc_bad.csv:5: Start: '13/45/1995' is not a date (%m/%d/%Y or %Y-%m-%d)",
            "carc_bad.csv:6: Start: a code needs its start date",
        ],
    ),
    "taxonomy": (
        "taxonomy_bad.csv",
        [
            "taxonomy_bad.csv:2: Code: '207Q0000X' is not a NUCC taxonomy code",
            "taxonomy_bad.csv:3: Section: 'Person' is not Individual or Non-Individual",
            "taxonomy_bad.csv:4: Grouping: grouping and classification are required",
        ],
    ),
    "pos": (
        "pos_bad.csv",
        [
            "pos_bad.csv:2: Place of Service Code(s): '2' is not a two-digit code",
            "pos_bad.csv:3: Place of Service Name: an assigned code needs its name",
            "pos_bad.csv:5: Place of Service Code(s): 11 is already on row 4",
            "pos_bad.csv:6: Place of Service Code(s): '35-4x' is not a code or a code range",
        ],
    ),
}


def test_hcpcs_keeps_level_ii_codes_and_modifiers_but_no_cpt_descriptions(tmp_path: Path) -> None:
    import_file(tmp_path, "hcpcs", FIXTURES / "hcpcs.txt")
    rows = {(r["kind"], r["code"]): r for r in read_rows(tmp_path, "hcpcs") or []}
    assert set(rows) == {
        ("procedure", code) for code in ("G0438", "G0439", "J1100", "J3301", "A9999", "99213")
    } | {("modifier", "XZ")}
    assert rows[("procedure", "99213")]["short_description"] == ""
    assert "NOT STORED" not in stored_path(tmp_path, "hcpcs").read_text()
    assert rows[("procedure", "A9999")]["termination"] == "2020-12-31"
    assert rows[("procedure", "J1100")]["added"] == "2000-01-01"


def test_ptp_reads_dates_and_indicators_after_the_notice_lines(tmp_path: Path) -> None:
    import_file(tmp_path, "ncci-ptp", FIXTURES / "ncci_ptp.txt")
    rows = read_rows(tmp_path, "ncci-ptp") or []
    assert len(rows) == 7
    deleted = next(r for r in rows if r["column1"] == "99213")
    assert deleted == {
        "column1": "99213",
        "column2": "99212",
        "effective": "2020-01-01",
        "deletion": "2021-12-31",
        "modifier_indicator": "0",
    }


def test_mue_keeps_the_adjudication_indicator_digit(tmp_path: Path) -> None:
    import_file(tmp_path, "mue", FIXTURES / "mue.csv")
    rows = {r["code"]: r for r in read_rows(tmp_path, "mue") or []}
    assert rows["20610"] == {"code": "20610", "units": "2", "adjudication_indicator": "1"}
    assert rows["J1100"]["adjudication_indicator"] == "3"


def test_pos_skips_unassigned_ranges(tmp_path: Path) -> None:
    import_file(tmp_path, "pos", FIXTURES / "pos.csv")
    assert [r["code"] for r in read_rows(tmp_path, "pos") or []] == ["02", "10", "11", "22"]


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_importing_the_same_file_twice_changes_nothing(kind: str, tmp_path: Path) -> None:
    first = import_file(tmp_path, kind, FIXTURES / GOOD[kind])
    assert first.changed
    assert first.rows > 0
    stamp = first.stored.stat().st_mtime_ns
    content = first.stored.read_bytes()
    again = import_file(tmp_path, kind, FIXTURES / GOOD[kind])
    assert not again.changed
    assert again.stored.stat().st_mtime_ns == stamp
    assert again.stored.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir()] == [f"{kind}.tsv"]


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_rows_are_all_reported_and_nothing_is_stored(kind: str, tmp_path: Path) -> None:
    import_file(tmp_path, kind, FIXTURES / GOOD[kind])
    before = stored_path(tmp_path, kind).read_bytes()
    name, expected = BAD[kind]
    with pytest.raises(CodeImportError) as caught:
        import_file(tmp_path, kind, FIXTURES / name)
    assert [str(e) for e in caught.value.errors] == expected
    assert stored_path(tmp_path, kind).read_bytes() == before


def test_a_file_without_the_layout_header_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("Code,Text\n1,one\n")
    with pytest.raises(CodeImportError) as caught:
        import_file(tmp_path / "codes", "carc", source)
    assert [str(e) for e in caught.value.errors] == [
        "x.csv:1: header: missing column(s) Description, Start, Last Modified, Stop"
    ]
    with pytest.raises(CodeImportError, match="no header row starting with 'Column 1'"):
        import_file(tmp_path / "codes", "ncci-ptp", source)
    assert not (tmp_path / "codes").exists()


def test_every_kind_has_a_layout_description() -> None:
    assert set(KINDS) == set(GOOD)
    assert all(kind.layout for kind in KINDS.values())
