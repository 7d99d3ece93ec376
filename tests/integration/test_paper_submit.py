"""``submit`` for a payer that takes paper only (``paper.PAYERID.only``): its clean claims go in
no 837 but onto CMS-1500s, one PDF of red-form data per payer and run in ``outbox/paper/``; each
claim is SUBMITTED with the file named in its history, so the next run prints nothing; and a run
killed before or after its commit leaves exactly one PDF once the next run has settled it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from test_cms1500 import cells, inside_boxes, on_the_grid, rows, typed
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.domain.claims import ClaimStatus
from claimdesk.store.engine import make_engine
from claimdesk.store.uow import unit_of_work_factory
from claimdesk.synth import write_practice

PAPER_PAYER = "LMI02"  # the synthetic practice's Lakeshore Mutual: paper only here
FILE = "CMS1500-LMI02-000001.pdf"
PROGRAM = Path(sys.executable).with_name("claimdesk")
SETTINGS = {
    f"paper.{PAPER_PAYER}.only": "true",
    f"paper.{PAPER_PAYER}.address1": "PO Box 14079",
    f"paper.{PAPER_PAYER}.city": "Columbus",
    f"paper.{PAPER_PAYER}.state": "OH",
    f"paper.{PAPER_PAYER}.zip": "43216-4079",
}


@dataclass(frozen=True, slots=True)
class Home:
    home: Path
    bundle: Path
    database_url: str

    @property
    def env(self) -> dict[str, str]:
        return {"CLAIMDESK_DATABASE_URL": self.database_url, "CLAIMDESK_USER": "owner"}

    @property
    def paper(self) -> Path:
        return self.home / "outbox" / "paper"

    def run(self, *args: str, ok: tuple[int, ...] = (0,)) -> str:
        result = CliRunner().invoke(app, ["--home", str(self.home), *args], env=self.env)
        assert result.exit_code in ok, (args, result.output)
        return result.stdout

    def submit(self) -> dict[str, object]:
        # Exit 1: the practice's planted defects hold some claims.
        report: dict[str, object] = json.loads(self.run("submit", "--json", ok=(0, 1)))
        return report

    def claims(self) -> dict[str, tuple[str, ClaimStatus, str]]:
        """Each claim's payer, status and the reason of its last change."""
        engine = make_engine(self.database_url)
        try:
            with unit_of_work_factory(engine)() as uow:
                return {
                    c.claim_id: (c.payer_id, c.status, c.history[-1].reason)
                    for status in ClaimStatus
                    for c in uow.claims.with_status(status)
                }
        finally:
            engine.dispose()


def set_up(folder: Path, database_url: str) -> Home:
    home = Home(folder / "home", folder / "bundle", database_url)
    # Visits in the 60 days to today: the real clock submits them within timely filing.
    write_practice(home.bundle, patients=8, encounters=12, seed=5, as_of=date.today(), days=60)
    home.run("init")
    home.run("import", str(home.bundle))
    for key, value in SETTINGS.items():
        home.run("practice", "set", key, value)
    return home


def _charges(home: Home) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for row in rows(home.bundle, "service_lines.csv"):
        claim = f"C{row['encounter_id']}"
        totals[claim] = totals.get(claim, Decimal(0)) + Decimal(row["charge"])
    return totals


def test_a_paper_payers_clean_claims_are_printed_once(database_url: str, tmp_path: Path) -> None:
    home = set_up(tmp_path, database_url)
    before = home.claims()

    report = home.submit()

    held = {h["claim_id"] for h in report["held"]}  # type: ignore[attr-defined]
    paper_claims = sorted(c for c, (payer, _s, _r) in before.items() if payer == PAPER_PAYER)
    printed_claims = [c for c in paper_claims if c not in held]
    assert printed_claims, "the paper payer has clean claims to print"
    total = sum((_charges(home)[c] for c in printed_claims), Decimal(0))
    assert report["printed"] == [
        {
            "payer_id": PAPER_PAYER,
            "file_name": f"paper/{FILE}",
            "claims": printed_claims,
            "pages": len(printed_claims),  # each claim has six lines or fewer: one page
            "total_charge": f"{total:.2f}",
        }
    ]
    assert report["not_written"] == []
    batches = report["batches"]
    assert batches, "the other payers' claims still go out as 837s"
    assert PAPER_PAYER not in {b["payer_id"] for b in batches}  # type: ignore[attr-defined]
    outbox = home.home / "outbox"
    assert not list(outbox.glob(f"837P-{PAPER_PAYER}-*"))
    assert sorted(p.name for p in home.paper.iterdir()) == [FILE]  # no staging folder left
    after = home.claims()
    for claim in printed_claims:
        assert after[claim][1:] == (ClaimStatus.SUBMITTED, f"paper: CMS-1500 paper/{FILE}")

    document = pdfium.PdfDocument((home.paper / FILE).read_bytes())
    charges = _charges(home)
    assert len(document) == len(printed_claims)
    for page, claim in zip(document, printed_claims, strict=True):
        assert cells(page, 56, 23, len(claim)) == claim  # 26: the patient control number
        dollars, cents = f"{charges[claim]:.2f}".split(".")
        assert cells(page, 56, 51, 9) == f"{dollars:>6} {cents}"  # 28
        # The carrier block: the payer, then where it takes paper claims.
        for line, said in ((3, "PO BOX 14079"), (4, "COLUMBUS OH 43216-4079")):
            assert cells(page, line, 41, len(said)) == said
        found = typed(page)
        on_the_grid(found)  # red-form data only: no caption, no rule
        inside_boxes(found)

    again = home.submit()

    assert again["printed"] == []
    assert sorted(p.name for p in home.paper.iterdir()) == [FILE]
    assert home.claims() == after


def _program(home: Home, step: str) -> subprocess.CompletedProcess[str]:
    """``submit`` by the real program, killed at ``step`` (``CLAIMDESK_CRASH_AT``)."""
    env = {
        **os.environ,
        **home.env,
        "CLAIMDESK_HOME": str(home.home),
        "CLAIMDESK_CRASH_AT": step,
    }
    return subprocess.run(
        [str(PROGRAM), "submit"], env=env, capture_output=True, text=True, timeout=120
    )


def _staged(home: Home) -> list[str]:
    staging = home.paper / ".pending"
    return sorted(p.name for p in staging.iterdir()) if staging.is_dir() else []


def _published(home: Home) -> list[str]:
    return sorted(p.name for p in home.paper.glob("*.pdf"))


@pytest.fixture
def sqlite_home(tmp_path: Path) -> Home:
    return set_up(tmp_path, f"sqlite:///{tmp_path / 'claimdesk.db'}")


def test_a_killed_run_leaves_exactly_one_pdf_once_settled(sqlite_home: Home) -> None:
    home = sqlite_home
    status: Callable[[], set[ClaimStatus]] = lambda: {  # noqa: E731
        s for payer, s, _r in home.claims().values() if payer == PAPER_PAYER
    }

    killed = _program(home, "submit:staged")  # staged, never committed

    assert killed.returncode == -9, killed.stderr
    assert (_staged(home), _published(home)) == ([FILE], [])
    assert ClaimStatus.SUBMITTED not in status()

    killed = _program(home, "submit:committed")  # committed, never published

    assert killed.returncode == -9, killed.stderr
    assert (_staged(home), _published(home)) == ([FILE], [])
    assert ClaimStatus.SUBMITTED in status()

    report = home.submit()

    # What the killed run committed is published: its 837s and its paper batch.
    assert FILE in report["recovered"]  # type: ignore[operator]
    assert report["printed"] == []
    assert (_staged(home), _published(home)) == ([], [FILE])
