"""A data home driven by the real ``claimdesk`` program in separate processes, for the tests of
concurrent runs and crashes: a synthetic practice imported, runs started side by side, and the
outbox's 837s read back with the 837 reader."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, text

from claimdesk.domain.claims import ClaimStatus
from claimdesk.edi.x837.read import read_837
from claimdesk.store.engine import make_engine
from claimdesk.store.uow import unit_of_work_factory
from claimdesk.synth.practice import write_practice

PROGRAM = Path(sys.executable).with_name("claimdesk")
CLERK = "clerk"  # init makes the home's first user
# Enough claims (and payers) that two runs side by side overlap in the database.
PATIENTS, ENCOUNTERS, SEED = 40, 200, 3
REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365


def write_bundle(folder: Path) -> Path:
    write_practice(
        folder,
        patients=PATIENTS,
        encounters=ENCOUNTERS,
        seed=SEED,
        defect_rate=0.2,
        as_of=REFERENCE_DATE,
        days=PERIOD_DAYS,
    )
    return folder


@dataclass(frozen=True, slots=True)
class Sent837:
    name: str
    interchange_control_number: str  # ISA13
    claim_ids: tuple[str, ...]  # CLM01 of each claim, in file order


@dataclass(frozen=True, slots=True)
class CliHome:
    home: Path
    database_url: str

    @property
    def outbox(self) -> Path:
        return self.home / "outbox"

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "CLAIMDESK_HOME": str(self.home),
            "CLAIMDESK_DATABASE_URL": self.database_url,
            "CLAIMDESK_USER": CLERK,
            **extra,
        }

    def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PROGRAM), *args], env=self.env(**extra), capture_output=True, text=True
        )

    def start(self, *args: str, **extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(PROGRAM), *args],
            env=self.env(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def sent(self) -> list[Sent837]:
        """The 837s in the outbox (what a transport would pick up), read back."""
        found = []
        for path in sorted(self.outbox.glob("837*.x12")):
            read = read_837(path.read_text(encoding="utf-8"))
            [interchange] = read.envelopes.interchanges
            found.append(
                Sent837(
                    path.name,
                    interchange.header.control_number,
                    tuple(c.claim_id for c in read.claims),
                )
            )
        return found

    def statuses(self) -> dict[str, ClaimStatus]:
        engine = make_engine(self.database_url)
        try:
            with unit_of_work_factory(engine)() as uow:
                return {
                    c.claim_id: c.status
                    for status in ClaimStatus
                    for c in uow.claims.with_status(status)
                }
        finally:
            engine.dispose()

    def batches(self) -> dict[str, set[str]]:
        """Each recorded batch's file name and the claims it carries."""
        engine = make_engine(self.database_url)
        try:
            with unit_of_work_factory(engine)() as uow:
                return {
                    b.file_name: {c.claim_id for c in uow.batches.claims_of(b.batch_id)}
                    for b in uow.batches.list()
                }
        finally:
            engine.dispose()


# Per test process, per bundle and database: a home the program set up (``init``, ``import``),
# copied for each test instead of set up again. A PostgreSQL copy is the template database.
_SET_UP: dict[tuple[Path, str], CliHome] = {}


def set_up_home(folder: Path, database_url: str, bundle: Path) -> CliHome:
    """A home at ``folder`` on the (empty) database ``database_url`` with ``bundle`` imported,
    as ``claimdesk init`` and ``claimdesk import`` leave it."""
    postgres = database_url.startswith("postgresql")
    key = (bundle, "postgresql" if postgres else "sqlite")
    if key not in _SET_UP:
        _SET_UP[key] = _set_up(folder, bundle, postgres)
    template = _SET_UP[key]
    shutil.copytree(template.home, folder)
    if postgres:
        _copy_database(template.database_url, database_url)
    else:
        shutil.copyfile(_sqlite_file(template.database_url), _sqlite_file(database_url))
    return CliHome(folder, database_url)


def _set_up(folder: Path, bundle: Path, postgres: bool) -> CliHome:
    place = Path(tempfile.mkdtemp(prefix="set-up-", dir=folder.parent))
    if postgres:
        name = f"claimdesk_set_up_{uuid.uuid4().hex[:16]}"
        with _admin() as admin:
            admin.execute(text(f'CREATE DATABASE "{name}"'))
        atexit.register(_drop, name)
        url = f"{PG_SERVER}/{name}"
    else:
        url = f"sqlite:///{place / 'claimdesk.db'}"
    home = CliHome(place / "home", url)
    for args in (["init"], ["import", str(bundle)]):
        done = home.run(*args)
        assert done.returncode == 0, done.stdout + done.stderr
    return home


PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


@contextmanager
def _admin() -> Iterator[Connection]:
    engine = make_engine(f"{PG_SERVER}/postgres").execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _copy_database(template_url: str, database_url: str) -> None:
    """Replace the empty database of ``database_url`` with a copy of the template's."""
    name, template = database_url.rsplit("/", 1)[1], template_url.rsplit("/", 1)[1]
    with _admin() as admin:
        admin.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))


def _drop(name: str) -> None:
    with _admin() as admin:
        admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _sqlite_file(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def assert_each_claim_sent_once(sent: list[Sent837]) -> None:
    claims = Counter(c for s in sent for c in s.claim_ids)
    assert [c for c, n in claims.items() if n > 1] == []
    numbers = Counter(s.interchange_control_number for s in sent)
    assert [n for n, count in numbers.items() if count > 1] == []
