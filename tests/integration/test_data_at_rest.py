"""Data at rest (issue 14): the data home and everything the program writes in it is the
owner's alone (0700 folders, 0600 files: the database, its WAL, keys), also a home made before."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimdesk.cli import app as cli_app
from claimdesk.config import Settings
from claimdesk.services.setup import set_up


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask, as a user's shell often has: the program must not rely on it."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def loose(home: Path) -> list[str]:
    return [
        f"{path.relative_to(home)} {oct(stat.S_IMODE(path.stat().st_mode))}"
        for path in (home, *home.rglob("*"))
        if stat.S_IMODE(path.stat().st_mode) & 0o077
    ]


def test_the_home_and_everything_in_it_is_private(tmp_path: Path, open_umask: None) -> None:
    home = tmp_path / "home"
    runner = CliRunner()
    env = {"CLAIMDESK_NEW_PASSWORD": "violet harbor quietly sings", "CLAIMDESK_USER": "root"}
    steps = [
        ["init"],
        ["users", "password", "root"],
        ["users", "totp", "root"],
        ["audit", "anchor", str(home / "audit.anchors")],
    ]
    for step in steps:
        result = runner.invoke(cli_app, ["--home", str(home), *step], env=env)
        assert result.exit_code == 0, (step, result.output)
    made = {p.name for p in home.rglob("*")}
    assert {"claimdesk.db", "totp.key", "inbox", "archive", "audit.anchors"} <= made
    assert loose(home) == []
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "keys" / "totp.key").stat().st_mode) == 0o600


def test_init_makes_an_older_open_home_private(tmp_path: Path, open_umask: None) -> None:
    home = tmp_path / "old"
    (home / "archive").mkdir(parents=True, mode=0o755)
    (home / "archive" / "paid.835").write_text("ISA*...")
    (home / "archive" / "paid.835").chmod(0o644)
    home.chmod(0o755)
    assert loose(home)
    set_up(Settings(home=home))
    assert loose(home) == []
    assert stat.S_IMODE((home / "archive" / "paid.835").stat().st_mode) == 0o600
