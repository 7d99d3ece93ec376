"""Every command of the terminal is a use case of the desk: checked and audited (issue 14).

The test walks the program's whole command tree. Each command is run by an auditor, who may
read the books and change nothing: a reading command must leave an ``ok`` audit row naming
them, a changing one a ``denied`` (or ``not_found``) row, and the books must not change. A
command added later without a line here fails the test until someone decides how it is audited.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.synth import write_practice

# Commands that touch no data home, or are faces whose every request and job the desk audits
# on its own (tested in the web, API and worker tests).
NOT_A_USE_CASE = {
    "init": "creates the home; the first admin's enrolment is audited (test_users)",
    "synth": "writes a synthetic bundle to a folder; reads no books",
    "x12 inspect": "reads one file the person names; reads no books",
    "rules": "lists the shipped rule registry; reads no books",
    "serve": "the web face: each request is a desk use case",
    "worker": "the worker face: each job is a desk use case",
    "demo": "builds its own home; each step goes through the desk",
    "hl7 listen": "the MLLP face: each message is a job of its system user (test_hl7_listener)",
}

AUDITOR = "audra"
AS_OF = date(2026, 9, 30)


def _leaves(command: Any, path: tuple[str, ...] = ()) -> Iterator[str]:
    if hasattr(command, "list_commands"):
        for name in command.list_commands(None):
            yield from _leaves(command.get_command(None, name), (*path, name))
    else:
        yield " ".join(path)


def _audit_rows(home: Path, after: int) -> list[tuple[int, str, str, str, str]]:
    with sqlite3.connect(home / "claimdesk.db") as db:
        return list(
            db.execute(
                "SELECT id, user_id, action, target, outcome FROM audit_log WHERE id > ? "
                "ORDER BY id",
                (after,),
            )
        )


def _last_id(home: Path) -> int:
    with sqlite3.connect(home / "claimdesk.db") as db:
        return int(db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0])


def _books(home: Path) -> tuple[int, int, int]:
    with sqlite3.connect(home / "claimdesk.db") as db:
        return tuple(  # type: ignore[return-value]
            int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("ledger_entries", "claims", "users")
        )


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("audited")
    home, bundle = base / "home", base / "bundle"
    env = {"CLAIMDESK_USER": "owner", "CLAIMDESK_DATABASE_URL": ""}
    runner = CliRunner()

    def run(*args: str) -> None:
        result = runner.invoke(app, ["--home", str(home), *args], env=env)
        assert result.exit_code == 0, (args, result.output)

    run("init")
    for user, role in ((AUDITOR, "auditor"), ("tia", "tier1")):
        run("users", "add", user, "--role", role)
    write_practice(bundle, patients=8, encounters=12, seed=5, as_of=AS_OF, days=60)
    run("import", str(bundle))
    return home, bundle, env


def _invocations(claim: str, encounter: str, bundle: Path, out: Path) -> dict[str, list[str]]:
    codes = Path(__file__).parents[1] / "fixtures" / "codes" / "mue.csv"
    return {
        "practice show": ["practice", "show"],
        "practice set": ["practice", "set", "time_zone", "America/New_York"],
        "import": ["import", str(bundle)],
        "fhir import": ["fhir", "import", str(bundle / "payers.csv")],
        "fhir export": ["fhir", "export", "--out", str(out / "claims.fhir.json")],
        "summary": ["summary", "--json"],
        "eligibility": ["eligibility"],
        "estimate": ["estimate", encounter],
        "plans import": ["plans", "import", str(bundle / "plans.csv")],
        "submit": ["submit"],
        "transport send": ["transport", "send"],
        "transport fetch": ["transport", "fetch"],
        "forms cms1500": ["forms", "cms1500", claim, "--out", str(out / "cms1500.pdf")],
        "ingest": ["ingest"],
        "queue list": ["queue", "list"],
        "queue next": ["queue", "next", AUDITOR],
        "queue show": ["queue", "show", "1"],
        "queue take": ["queue", "take", "1"],
        "queue act": ["queue", "act", "1", "release", "--user", AUDITOR],
        "tier2 correct": ["tier2", "correct", claim],
        "tier2 void": ["tier2", "void", claim, "--reason", "billed twice"],
        "tier2 appeal": ["tier2", "appeal", claim, "--argument", "medically necessary"],
        "tier2 follow-up": ["tier2", "follow-up", claim],
        "tier2 chase": ["tier2", "chase"],
        "tier2 write-off": [
            *("tier2", "write-off", claim, "--amount", "1.00", "--reason", "small-balance")
        ],
        "tier2 approve-write-off": ["tier2", "approve-write-off", "1"],
        "kpi": ["kpi", "--json"],
        "books verify": ["books", "verify"],
        "books collection": ["books", "collection", "--json"],
        "cycle": ["cycle", "--days", "1"],
        "codes import": ["codes", "import", "mue", str(codes)],
        "users add": ["users", "add", "eve", "--role", "manager"],
        "users allow": ["users", "allow", "tia", "claims"],
        "users revoke": ["users", "revoke", "tia", "claims"],
        "users enable": ["users", "enable", "tia"],
        "users role": ["users", "role", "tia", "tier2"],
        "users list": ["users", "list"],
        "users password": ["users", "password", "tia", "--password", "a-long-new-passphrase-9"],
        "users totp": ["users", "totp", "tia"],
        "users link": ["users", "link", "tia"],
        "audit anchor": ["audit", "anchor", str(out / "audit.anchors")],
        "audit verify": ["audit", "verify"],
        "audit list": ["audit", "list"],
        "backup": ["backup", str(out / "backup.tar.gz")],
        "restore": ["restore", str(out / "owner-backup.tar.gz")],
        "close": ["close", "2026-08"],
        "reopen": ["reopen", "2026-08", "--reason", "a late EOB"],
        "periods": ["periods"],
        "pack": ["pack", "2026-08", "--out", str(out / "pack")],
        "invoice": ["invoice", "2026-08", "--out", str(out / "invoice")],
        "deposits import": ["deposits", "import", str(bundle / "plans.csv")],
        "hl7 import": ["hl7", "import", str(bundle / "plans.csv")],
        "deposits add": [
            *("deposits", "add", "--date", "2026-09-01", "--amount", "10.00"),
            *("--check", "1001", "--payer", "Acme"),
        ],
        "deposits reconcile": ["deposits", "reconcile"],
        "patient pay": ["patient", "pay", "P0000001", "10.00", "--method", "cash"],
        "patient receipt": ["patient", "receipt", "1", "--out", str(out)],
        "patient account": ["patient", "account", "P0000001"],
        "patient apply-credit": ["patient", "apply-credit", "P0000001"],
        "patient reverse": ["patient", "reverse", "1", "--reason", "returned-check"],
        "patient refund": ["patient", "refund", "P0000001", "5.00"],
        "patient decide-refund": ["patient", "decide-refund", "1", "--out", str(out)],
        "patient await-recoupment": ["patient", "await-recoupment", claim],
        "practices add": ["practices", "add", "north", "--name", "North Clinic"],
        "practices list": ["practices", "list"],
        "users grant": ["users", "grant", "tia", "--practice", "default"],
        "statements run": ["statements", "run"],
        "statements list": ["statements", "list"],
        "statements show": ["statements", "show", "NO-SUCH-STATEMENT"],
        "statements hold": ["statements", "hold", "NOBODY", "--reason", "dispute"],
        "statements release": ["statements", "release", "NOBODY"],
        "collections review": ["collections", "review", "--dry-run"],
        "collections decide": ["collections", "decide", "99999", "--approve"],
        "collections export": ["collections", "export"],
        "collections list": ["collections", "list"],
        "gfe make": ["gfe", "make", encounter],
        "gfe show": ["gfe", "show", "GFE-NOBODY"],
        "gfe review": ["gfe", "review"],
        "gfe resolve": ["gfe", "resolve", "GFE-NOBODY", "--note", "settled"],
        "plans add": [
            *("plans", "add", "NOBODY", "--amount", "50.00", "--first", "2026-10-01"),
        ],
        "plans list": ["plans", "list"],
        "plans show": ["plans", "show", "PP99999"],
    }


COMMANDS = frozenset(_invocations("C", "E", Path("bundle"), Path("out")))
# What an auditor may do: read the figures, the queues, the books' checks and the audit log.
READS = {
    "practice show",
    "summary",
    "queue list",
    "kpi",
    "books verify",
    "books collection",
    "audit anchor",
    "audit verify",
    "audit list",
    "periods",
    "pack",
    "practices list",
    "statements list",
    "collections list",
    "plans list",
    "patient account",
    "fhir export",
    "forms cms1500",
}
# May run, and refuses the input: an invoice is for a closed month only.
FAILS = {"invoice"}


def test_every_command_is_decided() -> None:
    commands = set(_leaves(typer.main.get_command(app)))
    listed = set(NOT_A_USE_CASE) | COMMANDS
    assert commands == listed, (
        f"not decided: {sorted(commands - listed)}; gone: {sorted(listed - commands)}"
    )


@pytest.mark.parametrize("command", sorted(COMMANDS - {"restore"}))
def test_command_by_an_auditor_leaves_their_row(
    practice: tuple[Path, Path, dict[str, str]], command: str
) -> None:
    home, bundle, env = practice
    encounter = (bundle / "encounters.csv").read_text().splitlines()[1].split(",")[0]
    with sqlite3.connect(home / "claimdesk.db") as db:
        claim = str(db.execute("SELECT min(claim_id) FROM claims").fetchone()[0])
    args = _invocations(claim, encounter, bundle, home.parent)[command]
    before, books = _last_id(home), _books(home)

    result = CliRunner().invoke(
        app, ["--home", str(home), "--as", AUDITOR, *args], env=env, input="\n"
    )

    rows = [r for r in _audit_rows(home, before) if r[1] == AUDITOR]
    assert rows, f"{command}: no audit row by {AUDITOR} ({result.output})"
    outcomes = {r[4] for r in rows}
    if command in READS:
        assert result.exit_code == 0, result.output
        assert outcomes == {"ok"}, rows
    elif command in FAILS:
        assert result.exit_code != 0, result.output
        assert outcomes == {"failed"}, rows
    else:
        assert result.exit_code != 0, result.output
        assert outcomes, rows
        assert outcomes <= {"denied", "not_found"}, rows
    assert _books(home) == books


def test_restore_is_recorded_in_the_restored_books(
    practice: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    home, _bundle, env = practice
    archive = tmp_path / "owner-backup.tar.gz"
    made = CliRunner().invoke(app, ["--home", str(home), "backup", str(archive)], env=env)
    assert made.exit_code == 0, made.output
    restored = tmp_path / "restored"

    result = CliRunner().invoke(
        app, ["--home", str(restored), "--as", AUDITOR, "restore", str(archive)], env=env
    )

    assert result.exit_code == 0, result.output
    rows = _audit_rows(restored, 0)
    assert rows[-1][1:3] == (AUDITOR, "restore"), rows[-3:]
