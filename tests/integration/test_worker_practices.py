"""One worker for every practice of the home: each practice's inbox read into its own store, a
bad file or a practice that cannot run never stopping the others, ``--practice ID`` serving one
practice; on SQLite in process and on PostgreSQL through the job queue, where every job carries
its practice in its queue and its lock."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from practice_roles import drop_roles
from remit_practice import file_of, paid_claim, remittance, seed
from sqlalchemy import text
from typer.testing import CliRunner

from claimdesk.bootstrap import Composition
from claimdesk.cli import app
from claimdesk.config import Settings, practice_role
from claimdesk.store.engine import make_engine

ROOT = "root"
GARBAGE = b"this is no X12 file at all\n"
Invoke = Callable[..., tuple[int, str]]


@pytest.fixture
def ids() -> tuple[str, str]:
    """Practice ids of this test alone: PostgreSQL roles are the cluster's, not the database's."""
    tag = uuid.uuid4().hex[:8]
    return f"north_{tag}", f"south_{tag}"


@pytest.fixture
def home(tmp_path: Path, database_url: str, ids: tuple[str, str]) -> Iterator[Settings]:
    on_sqlite = database_url.startswith("sqlite")
    yield Settings(home=tmp_path / "home", database_url="" if on_sqlite else database_url)
    if not on_sqlite:
        drop_roles(database_url, [practice_role(practice) for practice in ids])


@pytest.fixture
def run(home: Settings) -> Invoke:
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str]:
        env = {"CLAIMDESK_USER": ROOT, "CLAIMDESK_DATABASE_URL": home.database_url}
        result = runner.invoke(app, ["--home", str(home.home), *args], env=env)
        return result.exit_code, result.output

    return invoke


def _practice(run: Invoke, home: Settings, practice: str, trace: str) -> Settings:
    """A practice with claims C1..C3 and, in its inbox, an 835 paying its C1 (trace ``trace``)."""
    code, out = run("practices", "add", practice, "--name", practice.title())
    assert code == 0, out
    settings = dataclasses.replace(home, practice=practice)
    parts = Composition(settings)
    try:
        seed(parts.uow_factory)
    finally:
        parts.close()
    (settings.inbox / f"{trace}.835").write_bytes(file_of(remittance(trace, paid_claim("C1"))))
    return settings


def _posted(settings: Settings) -> list[str]:
    parts = Composition(settings)
    try:
        with parts.uow_factory() as uow:
            found = uow.read.execute(text("SELECT trace_number FROM remittances ORDER BY 1"))
            return [str(trace) for trace in found.scalars()]
    finally:
        parts.close()


def _waiting(settings: Settings) -> list[str]:
    return sorted(p.name for p in settings.inbox.iterdir() if p.is_file())


@pytest.fixture
def two(run: Invoke, home: Settings, ids: tuple[str, str]) -> tuple[Settings, Settings]:
    """North and South, the same claim ids, each its 835 waiting; South also a file that is
    not X12."""
    assert run("init")[0] == 0
    north, south = _practice(run, home, ids[0], "TN1"), _practice(run, home, ids[1], "TS1")
    (south.inbox / "bad.835").write_bytes(GARBAGE)
    return north, south


def _work(run: Invoke, home: Settings, *practice: str) -> str:
    if home.database_url:
        code, out = run(*practice, "worker", "--enqueue", "watch_inboxes")
        assert code == 0, out
    code, out = run(*practice, "worker", "--burst")
    assert code == 0, out
    return out


def test_one_worker_reads_every_practices_inbox_into_its_own_store(
    run: Invoke, home: Settings, two: tuple[Settings, Settings]
) -> None:
    north, south = two

    _work(run, home)

    assert (_posted(north), _posted(south)) == (["TN1"], ["TS1"])
    assert (_waiting(north), _waiting(south)) == ([], [])
    # The bad file is South's alone: held in its archive, as Tier 2 work in its store.
    assert (south.archive / "held" / "bad.835").read_bytes() == GARBAGE
    assert not (north.archive / "held").exists() or list((north.archive / "held").iterdir()) == []
    assert (north.archive / "TN1.835").is_file()
    if home.database_url:
        engine = make_engine(home.database_url)
        try:
            with engine.connect() as db:
                jobs = db.execute(
                    text(
                        "SELECT queue_name, lock, status FROM procrastinate_jobs "
                        "WHERE task_name = 'claimdesk:ingest_file' ORDER BY lock"
                    )
                ).all()
        finally:
            engine.dispose()
        # Each practice's files wait in its own queue, locked per practice.
        assert {(q, lock.rsplit(":", 1)[0], s) for q, lock, s in jobs} == {
            (f"claimdesk:{north.practice_id}", f"claimdesk:{north.practice_id}:inbox", "succeeded"),
            (f"claimdesk:{south.practice_id}", f"claimdesk:{south.practice_id}:inbox", "succeeded"),
        }


def test_a_worker_for_one_practice_leaves_the_others_alone(
    run: Invoke, home: Settings, two: tuple[Settings, Settings]
) -> None:
    north, south = two

    _work(run, home, "--practice", north.practice_id)

    assert (_posted(north), _posted(south)) == (["TN1"], [])
    assert _waiting(south) == ["TS1.835", "bad.835"]


# The in-process rounds are SQLite's: on PostgreSQL each practice's jobs run in procrastinate.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_practice_whose_round_cannot_run_is_reported_and_the_others_still_run(
    run: Invoke, home: Settings, two: tuple[Settings, Settings]
) -> None:
    north, south = two
    (north.practice_home / "routing.toml").write_text("[policy]\nlease_minutes = 0\n")

    out = _work(run, home)

    assert f"{north.practice_id}: round failed: RuleFileError" in out.replace("\n", "")
    assert (_posted(north), _posted(south)) == ([], ["TS1"])
    assert _waiting(north) == ["TN1.835"]
