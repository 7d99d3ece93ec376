"""``claimdesk forms cms1500``: a synthetic practice's claims printed as CMS-1500 (02/12) PDFs,
read back with pdfium at the form's own print positions (10 characters and 6 lines an inch:
column c starts 20 + 7.2 (c - 1) points from the left, line n 24 + 12 (n - 1) from the top)
and compared with the practice's files, both for the whole form and for the data alone.

The PNGs of both kinds are kept in ``tests/e2e/screenshots/`` (git-ignored) to be looked at.
"""

from __future__ import annotations

import csv
import ctypes
import re
import shutil
import sqlite3
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from store_practice import NOW
from tier1_practice import UowFactory, import_submit_practice
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.forms.cms1500_layout import ALL_BOXES
from claimdesk.services.paper_claims import PaperClaimError, claim_form
from claimdesk.services.practice import set_settings
from claimdesk.synth import write_practice

SHOTS = Path(__file__).resolve().parents[1] / "e2e" / "screenshots"
AS_OF = date(2026, 9, 30)
CLERK = "tia"  # a Tier 1 biller: may read patients
PAGE_HEIGHT = 792.0
EIGHT_LINES = ("99213", "36415", "85025", "80053", "93000", "81002", "87880", "90471")


def cell_left(column: int) -> float:
    return 20 + 7.2 * (column - 1)


def line_top(line: int) -> float:
    return 24 + 12.0 * (line - 1)


def read_at(page: pdfium.PdfPage, line: int, column: int, width: int) -> str:
    """The text typed in ``width`` cells from ``column`` on ``line``, spaces removed."""
    found = page.get_textpage().get_text_bounded(
        left=cell_left(column),
        bottom=PAGE_HEIGHT - line_top(line + 1),
        right=cell_left(column + width),
        top=PAGE_HEIGHT - line_top(line),
    )
    return "".join(found.split())


def cells(page: pdfium.PdfPage, line: int, column: int, width: int) -> str:
    """The ``width`` cells from ``column`` on ``line`` read one by one: each character must be
    in its own cell, an empty cell reads as a space."""
    return "".join(read_at(page, line, c, 1) or " " for c in range(column, column + width))


def typed_row(width: int, *parts: tuple[int, str]) -> str:
    """``width`` cells holding each (column, text) of ``parts``, as a typist would type them."""
    row = [" "] * width
    for column, text in parts:
        row[column - 1 : column - 1 + len(text)] = text
    return "".join(row)


@dataclass(frozen=True, slots=True)
class Typed:
    """One character pdfium found: its text, origin (points from the top-left) and font."""

    text: str
    x: float
    baseline: float
    font: str
    size: float
    box: tuple[float, float, float, float]  # loose: left, top, right, bottom from the top-left


def typed(page: pdfium.PdfPage) -> list[Typed]:
    textpage = page.get_textpage()
    found = []
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if not char.strip():
            continue
        x, y = ctypes.c_double(), ctypes.c_double()
        pdfium_raw.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y))
        name = ctypes.create_string_buffer(64)
        flags = ctypes.c_int()
        pdfium_raw.FPDFText_GetFontInfo(textpage.raw, index, name, 64, ctypes.byref(flags))
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        found.append(
            Typed(
                char,
                x.value,
                PAGE_HEIGHT - y.value,
                name.value.decode(),
                pdfium_raw.FPDFText_GetFontSize(textpage.raw, index),
                (left, PAGE_HEIGHT - top, right, PAGE_HEIGHT - bottom),
            )
        )
    return found


def rows(bundle: Path, name: str) -> list[dict[str, str]]:
    with (bundle / name).open(newline="") as stream:
        return list(csv.DictReader(stream))


def run(home: Path, *args: str, user: str = "owner") -> str:
    result = CliRunner().invoke(
        app, ["--home", str(home), "--as", user, *args], env={"CLAIMDESK_DATABASE_URL": ""}
    )
    assert result.exit_code == 0, (args, result.output)
    return result.output


@dataclass(frozen=True, slots=True)
class Practice:
    home: Path
    bundle: Path
    claim: str  # a claim of two lines or more, on one page
    long_claim: str  # the claim given eight lines


def _eight_lines(bundle: Path) -> str:
    """Give the bundle's last visit eight service lines of 10.00 to 80.00 (360.00)."""
    lines = rows(bundle, "service_lines.csv")
    encounter = lines[-1]["encounter_id"]
    first = next(r for r in lines if r["encounter_id"] == encounter)
    kept = [r for r in lines if r["encounter_id"] != encounter]
    added = [
        {
            **first,
            "line_number": str(n),
            "procedure_code": code,
            "modifiers": "",
            "units": "1",
            "charge": f"{10 * n}.00",
            "diagnosis_pointers": "1",
        }
        for n, code in enumerate(EIGHT_LINES, 1)
    ]
    with (bundle / "service_lines.csv").open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(first))
        writer.writeheader()
        writer.writerows([*kept, *added])
    return encounter


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Practice:
    base = tmp_path_factory.mktemp("cms1500")
    home, bundle = base / "home", base / "bundle"
    write_practice(bundle, patients=8, encounters=12, seed=5, as_of=AS_OF, days=60)
    long_encounter = _eight_lines(bundle)
    run(home, "init")
    run(home, "users", "add", CLERK, "--role", "tier1")
    run(home, "import", str(bundle))
    counts: dict[str, int] = {}
    for row in rows(bundle, "service_lines.csv"):
        counts[row["encounter_id"]] = counts.get(row["encounter_id"], 0) + 1
    two_lines = next(e for e, n in counts.items() if n >= 2 and e != long_encounter)
    return Practice(home, bundle, f"C{two_lines}", f"C{long_encounter}")


def _print(practice: Practice, claim: str, out: Path, *extra: str) -> pdfium.PdfDocument:
    run(practice.home, "forms", "cms1500", claim, "--out", str(out), *extra, user=CLERK)
    return pdfium.PdfDocument(out.read_bytes())


@dataclass(frozen=True, slots=True)
class Expected:
    """What the boxes hold, cell by cell."""

    member_id: str  # 1a, from column 50 of line 8
    patient_name: str  # 2, from column 1 of line 10
    diagnosis: str  # 21A, from column 3 of line 38
    first_line: str  # 24A to 24E of line 1: columns 1 to 48 of line 44
    first_charge: str  # 24F of line 1: dollars to column 54, cents in 56 and 57
    total: str  # 28: dollars to column 56, cents in 58 and 59
    npi: str  # 33a, from column 51 of line 61


def expected(practice: Practice, claim: str) -> Expected:
    """What the boxes must say, from the practice's own files."""
    bundle, encounter_id = practice.bundle, claim.removeprefix("C")
    encounter = next(r for r in rows(bundle, "encounters.csv") if r["encounter_id"] == encounter_id)
    patient = next(
        r for r in rows(bundle, "patients.csv") if r["account"] == encounter["patient_account"]
    )
    with sqlite3.connect(practice.home / "claimdesk.db") as db:
        coverage_id = db.execute(
            "SELECT coverage_id FROM claims WHERE claim_id = ?", (claim,)
        ).fetchone()[0]
    coverage = next(r for r in rows(bundle, "coverages.csv") if r["coverage_id"] == coverage_id)
    diagnosis = next(
        r["code"]
        for r in rows(bundle, "diagnoses.csv")
        if r["encounter_id"] == encounter_id and r["sequence"] == "1"
    )
    lines = [r for r in rows(bundle, "service_lines.csv") if r["encounter_id"] == encounter_id]
    first = next(r for r in lines if r["line_number"] == "1")
    served = date.fromisoformat(first["date_of_service"])
    month, day, year = served.strftime("%m"), served.strftime("%d"), served.strftime("%y")
    pointers = "".join("ABCDEFGHIJKL"[int(p) - 1] for p in first["diagnosis_pointers"].split())
    modifiers = re.findall(r"[A-Z0-9]{2}", first["modifiers"].upper())
    # NUCC: last name, first name, middle initial, commas between; no periods or marks.
    parts = [patient["last_name"], patient["first_name"], patient["middle_name"][:1]]
    name = ", ".join(re.sub(r"[^A-Z0-9 -]", "", p.upper()) for p in parts if p)
    total = sum((Decimal(r["charge"]) for r in lines), Decimal(0))
    dollars, cents = first["charge"].split(".")
    profile = tomllib.loads((bundle / "practice.toml").read_text())
    return Expected(
        member_id=coverage["member_id"].upper(),
        patient_name=name,
        diagnosis=diagnosis.replace(".", ""),
        first_line=typed_row(
            48,
            (1, month),
            (4, day),
            (7, year),
            (10, month),
            (13, day),
            (16, year),
            (19, first["place_of_service"]),
            (25, first["procedure_code"]),
            *((33 + 3 * n, m) for n, m in enumerate(modifiers)),
            (45, pointers),
        ),
        first_charge=f"{dollars:>5} {cents}",
        total=f"{total:>9.2f}".replace(".", " "),
        npi=profile["billing"]["npi"],
    )


def check_boxes(page: pdfium.PdfPage, want: Expected, *, total: bool = True) -> None:
    assert cells(page, 8, 50, len(want.member_id)) == want.member_id  # 1a
    assert read_at(page, 8, 49, 1) == ""
    assert cells(page, 10, 1, len(want.patient_name)) == want.patient_name  # 2
    assert cells(page, 38, 3, len(want.diagnosis)) == want.diagnosis  # 21A
    assert cells(page, 44, 1, 48) == want.first_line  # 24A-24E of line 1
    assert cells(page, 44, 50, 8) == want.first_charge  # 24F of line 1
    assert cells(page, 56, 51, 9) == (want.total if total else "CONTINUED")  # 28
    assert cells(page, 61, 51, 10) == want.npi  # 33a


def on_the_grid(found: list[Typed]) -> None:
    """Courier 10 at 10 characters and 6 lines an inch, each character in its own cell."""
    assert found
    for char in found:
        assert (char.font, char.size) == ("Courier", 10.0), char
        column = (char.x - 20.6) / 7.2
        line = (char.baseline - 24 - 9) / 12
        assert column == pytest.approx(round(column), abs=0.01), char
        assert line == pytest.approx(round(line), abs=0.01), char
        assert char.text.isupper() or char.text.isdigit() or char.text in ",-", char


def inside_boxes(found: list[Typed]) -> None:
    """Each character's cell lies inside one box of the form."""
    for char in found:
        left, top, right, bottom = char.box
        assert any(
            b.rect.left <= left
            and right <= b.rect.right
            and b.rect.top <= top
            and bottom <= b.rect.bottom
            for b in ALL_BOXES
        ), char


def _shot(document: pdfium.PdfDocument, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    document[0].render(scale=2).to_pil().save(SHOTS / name)


def test_the_whole_form_shows_the_claim_in_its_boxes(practice: Practice, tmp_path: Path) -> None:
    document = _print(practice, practice.claim, tmp_path / "full.pdf")

    assert len(document) == 1
    page = document[0]
    check_boxes(page, expected(practice, practice.claim))
    text = page.get_textpage().get_text_range()
    for caption in (
        "HEALTH INSURANCE CLAIM FORM",
        "1a. INSURED'S I.D. NUMBER",
        "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY",
        "33. BILLING PROVIDER INFO & PH #",
        "FORM 1500 (02-12)",
    ):
        assert caption in text, caption
    data = [c for c in typed(page) if c.font == "Courier"]
    on_the_grid(data)
    inside_boxes(data)
    _shot(document, "cms1500-full.png")


def test_data_only_is_the_same_data_on_the_grid_and_nothing_else(
    practice: Practice, tmp_path: Path
) -> None:
    whole = _print(practice, practice.claim, tmp_path / "full.pdf")
    document = _print(practice, practice.claim, tmp_path / "data.pdf", "--data-only")

    page = document[0]
    check_boxes(page, expected(practice, practice.claim))
    found = typed(page)
    on_the_grid(found)  # every character: no caption, no box, only the data
    inside_boxes(found)
    same = [(c.text, round(c.x, 2), round(c.baseline, 2)) for c in found]
    assert same == [
        (c.text, round(c.x, 2), round(c.baseline, 2))
        for c in typed(whole[0])
        if c.font == "Courier"
    ]
    _shot(document, "cms1500-data-only.png")


def test_eight_lines_take_two_pages_with_the_total_on_the_last(
    practice: Practice, tmp_path: Path
) -> None:
    want = expected(practice, practice.long_claim)
    for kind in ((), ("--data-only",)):
        document = _print(practice, practice.long_claim, tmp_path / "long.pdf", *kind)

        assert len(document) == 2
        first, second = document[0], document[1]
        assert read_at(first, 1, 70, 11) == "PAGE1OF2"
        assert read_at(second, 1, 70, 11) == "PAGE2OF2"
        check_boxes(first, want, total=False)
        assert [cells(first, 42 + 2 * n, 50, 8) for n in range(1, 7)] == [
            f"   {10 * n} 00" for n in range(1, 7)
        ]
        assert [cells(second, 42 + 2 * n, 50, 8) for n in range(1, 7)] == [
            "   70 00",
            "   80 00",
            *[" " * 8] * 4,
        ]
        assert cells(second, 56, 51, 9) == want.total == "   360 00"  # 10.00 + ... + 80.00
        assert [read_at(second, 42 + 2 * n, 25, 6) for n in (1, 2)] == list(EIGHT_LINES[6:])


def _audit(home: Path) -> list[tuple[str, str, str, str | None]]:
    with sqlite3.connect(home / "claimdesk.db") as db:
        return list(
            db.execute(
                "SELECT user_id, action, outcome, patient_account FROM audit_log "
                "WHERE action = 'view_claim_form' ORDER BY id"
            )
        )


def test_each_print_is_audited_with_the_patient(practice: Practice, tmp_path: Path) -> None:
    before = len(_audit(practice.home))
    _print(practice, practice.claim, tmp_path / "full.pdf")

    [(user, _action, outcome, account)] = _audit(practice.home)[before:]
    assert (user, outcome) == (CLERK, "ok")
    with sqlite3.connect(practice.home / "claimdesk.db") as db:
        (owner,) = db.execute(
            "SELECT e.patient_account FROM claims c JOIN encounters e USING (encounter_id) "
            "WHERE c.claim_id = ?",
            (practice.claim,),
        ).fetchone()
    assert account == owner


def test_an_unknown_claim_is_a_clear_error_and_writes_nothing(
    practice: Practice, tmp_path: Path
) -> None:
    out = tmp_path / "none.pdf"
    before = len(_audit(practice.home))

    result = CliRunner().invoke(
        app,
        [
            "--home",
            str(practice.home),
            "--as",
            CLERK,
            "forms",
            "cms1500",
            "CNOPE",
            "--out",
            str(out),
        ],
        env={"CLAIMDESK_DATABASE_URL": ""},
    )

    assert result.exit_code == 1, result.output
    assert "forms cms1500: claim CNOPE: no such claim" in result.output
    assert not out.exists()
    assert [(u, o) for u, _a, o, _p in _audit(practice.home)[before:]] == [(CLERK, "not_found")]


def test_a_claim_the_837_could_not_carry_is_not_printed(practice: Practice, tmp_path: Path) -> None:
    home = tmp_path / "home"
    # The module's home, copied whole: its write-ahead log folded into the database first, as
    # a connection a finished command left to the garbage collector may close mid-copy.
    with sqlite3.connect(practice.home / "claimdesk.db") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(practice.home, home, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    run(home, "practice", "set", "submitter.phone", "")
    out = tmp_path / "refused.pdf"

    result = CliRunner().invoke(
        app,
        ["--home", str(home), "--as", CLERK, "forms", "cms1500", practice.claim, "--out", str(out)],
        env={"CLAIMDESK_DATABASE_URL": ""},
    )

    assert result.exit_code == 1, result.output
    assert f"forms cms1500: claim {practice.claim}: submitter" in result.output
    assert "1000A PER contact: needs a phone number or an email" in result.output
    assert not out.exists()
    assert [(u, o) for u, _a, o, _p in _audit(home)][-1:] == [(CLERK, "failed")]


def test_an_admin_may_not_read_the_form(practice: Practice, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "--home",
            str(practice.home),
            "--as",
            "owner",
            "forms",
            "cms1500",
            practice.claim,
            "--out",
            str(tmp_path / "x.pdf"),
        ],
        env={"CLAIMDESK_DATABASE_URL": ""},
    )
    assert result.exit_code == 2
    assert "an admin may not read patients" in result.output
    assert _audit(practice.home)[-1][:3] == ("owner", "view_claim_form", "denied")


def test_a_self_pay_claim_has_no_cms1500(uow_factory: UowFactory) -> None:
    import_submit_practice(uow_factory)  # CE3: the visit after the patient's coverage lapsed
    set_settings(uow_factory, {"submitter.phone": "2175550199"}, by="t", now=NOW)

    with pytest.raises(PaperClaimError) as refused:
        claim_form(uow_factory, "CE3", data_only=False, now=NOW)

    assert str(refused.value) == (
        "claim CE3: box 1: a self-pay claim is billed to the patient, not to a payer"
    )
    form = claim_form(uow_factory, "CE1", data_only=True, now=NOW)
    assert form is not None
    assert (form.claim_id, form.patient_account, form.pages) == ("CE1", "P1", 1)
    assert claim_form(uow_factory, "CE9", data_only=True, now=NOW) is None
