"""Client practices: two practices with the same claim ids and patient accounts never see each
other's data (CLI and desk), a person not granted a practice is refused with the refusal
audited, several practices need one named, an existing home becomes the default practice, and
on PostgreSQL a raw query on a practice's connection sees that practice's rows only.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from practice_roles import drop_roles
from sqlalchemy import select, text
from sqlalchemy.exc import ProgrammingError
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.config import Settings, practice_role
from claimdesk.services.database import conninfo
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import alembic_config
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.encounters import ServiceLineRow
from claimdesk.store.uow import unit_of_work_factory

GOOD = Path(__file__).resolve().parents[1] / "fixtures" / "bundles" / "good"
ROOT = "root"
LINES = table_of(ServiceLineRow)
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
    if database_url.startswith("postgresql"):
        east = f"east_{ids[0].split('_')[1]}"  # the practice a restore test adds
        drop_roles(database_url, [practice_role(practice) for practice in (*ids, east)])


@pytest.fixture
def run(home: Settings) -> Invoke:
    runner = CliRunner()

    def invoke(*args: str, user: str = ROOT) -> tuple[int, str]:
        env = {"CLAIMDESK_USER": user, "CLAIMDESK_DATABASE_URL": home.database_url}
        result = runner.invoke(app, ["--home", str(home.home), *args], env=env)
        return result.exit_code, result.output

    return invoke


def _south_bundle(folder: Path) -> Path:
    """The good bundle with the same claim ids and accounts but other charges."""
    shutil.copytree(GOOD, folder)
    lines = folder / "service_lines.csv"
    lines.write_text(lines.read_text().replace("E1,1,99213,25,1,150.00", "E1,1,99213,25,1,175.00"))
    return folder


def _summary(run: Invoke, practice: str, user: str = ROOT) -> dict[str, object]:
    code, out = run("--practice", practice, "summary", "--json", user=user)
    assert code == 0, out
    summary: dict[str, object] = json.loads(out)
    return summary


@pytest.fixture
def two(run: Invoke, home: Settings, ids: tuple[str, str], tmp_path: Path) -> tuple[str, str]:
    north, south = ids
    assert run("init")[0] == 0
    assert run("practices", "add", north, "--name", "North Clinic")[0] == 0
    assert run("practices", "add", south, "--name", "South Clinic")[0] == 0
    assert run("--practice", north, "import", str(GOOD))[0] == 0
    assert run("--practice", south, "import", str(_south_bundle(tmp_path / "south")))[0] == 0
    code, out = run("--practice", north, "users", "add", "nina", "--role", "manager")
    assert code == 0, out
    return north, south


def test_two_practices_with_the_same_ids_see_only_their_own(
    two: tuple[str, str], run: Invoke, home: Settings
) -> None:
    north, south = two
    assert _summary(run, north)["gross_charges"] == "570.00"
    assert _summary(run, south)["gross_charges"] == "595.00"
    # The default practice (the home's own database) holds neither.
    assert _summary(run, "default")["gross_charges"] == "0.00"
    # The same claim id, read in each practice's store, is that practice's claim.
    for practice, charge in ((north, "150.00"), (south, "175.00")):
        settings = dataclasses.replace(home, practice=practice)
        engine = make_engine(settings.effective_database_url)
        with unit_of_work_factory(engine)() as uow:
            claims = uow.read.execute(text("SELECT claim_id FROM claims ORDER BY 1")).all()
            assert len(claims) == 2
            line = uow.read.execute(
                select(LINES.c.charge).where(LINES.c.encounter_id == "E1", LINES.c.line_number == 1)
            ).scalar_one()
            assert str(line) == charge
            assert uow.practice.practice_id() == practice
        engine.dispose()
    # Their folders are their own.
    assert (home.home / "practices" / north / "outbox").is_dir()
    assert (home.home / "practices" / south / "inbox").is_dir()


def test_the_summary_adds_up_across_the_practices_one_may_work(
    two: tuple[str, str], run: Invoke
) -> None:
    north, south = two
    code, out = run("--practice", "all", "summary", "--json")
    assert code == 0, out
    every = json.loads(out)
    assert sorted(every["practices"]) == sorted(["default", north, south])
    assert every["total"]["gross_charges"] == "1165.00"
    assert every["total"]["counts"]["claims"] == 4
    assert every["total"]["ar"]["total"] == "1165.00"
    assert every["total"]["balanced"] is True
    code, out = run("--practice", "all", "summary", "--json", user="nina")
    assert code == 0, out
    assert list(json.loads(out)["practices"]) == [north]
    code, out = run("--practice", "all", "queue", "list")
    assert code == 2
    assert "only summary and kpi add up" in out


def test_the_kpis_add_up_across_the_practices_as_ratios_of_sums(
    two: tuple[str, str], run: Invoke
) -> None:
    north, south = two
    period = ("--from", "2024-01-01", "--to", "2026-12-31")
    code, out = run("--practice", "all", "kpi", *period, "--json")
    assert code == 0, out
    every = json.loads(out)
    assert sorted(every["practices"]) == sorted(["default", north, south])
    alone = {}
    for practice in (north, south):
        code, out = run("--practice", practice, "kpi", *period, "--json")
        assert code == 0, out
        alone[practice] = {k["name"]: k for k in json.loads(out)["kpis"]}
    company = {k["name"]: k for k in every["all"]["kpis"]}
    # The A/R adds up: the good bundle's charges, never billed, 570.00 and 595.00.
    assert company["ar_aging"]["value"] == "1165.00"
    assert [alone[p]["ar_aging"]["value"] for p in (north, south)] == ["570.00", "595.00"]
    assert company["ar_aging"]["numerator"]["claims"] == 4
    code, out = run("--practice", "all", "kpi", "--explain", "ar_aging")
    assert code == 2
    assert "work on one practice" in out


def test_a_backup_holds_one_practice(
    two: tuple[str, str], run: Invoke, home: Settings, tmp_path: Path
) -> None:
    north, south = two
    (home.home / "practices" / south / "outbox" / "south.837").write_text("ISA*south~")
    (home.home / "practices" / north / "outbox" / "north.837").write_text("ISA*north~")
    for practice in (north, "default"):
        out = tmp_path / f"{practice}.tar.gz"
        code, output = run("--practice", practice, "backup", str(out))
        assert code == 0, output
        with tarfile.open(out) as archive:
            names = archive.getnames()
            claims = archive.extractfile("tables/claims.jsonl")
            assert claims is not None
            rows = claims.read().decode().splitlines()
        assert not any(south in name for name in names)
        assert ("home/outbox/north.837" in names) is (practice == north)
        assert len(rows) == (2 if practice == north else 0)


def test_a_practice_restores_into_a_new_practice(
    two: tuple[str, str], run: Invoke, tmp_path: Path
) -> None:
    north, _south = two
    out = tmp_path / "north.tar.gz"
    assert run("--practice", north, "backup", str(out))[0] == 0
    east = f"east_{north.split('_')[1]}"
    assert run("practices", "add", east, "--name", "East")[0] == 0
    code, output = run("--practice", east, "restore", str(out))
    assert code == 0, output
    assert _summary(run, east) == _summary(run, north)
    code, output = run("--practice", east, "restore", str(out))
    assert code == 1
    assert "restore goes into an empty database" in output


def test_a_practice_not_granted_is_refused_named_and_audited(
    two: tuple[str, str], run: Invoke, home: Settings
) -> None:
    north, south = two
    assert _summary(run, north, user="nina")["gross_charges"] == "570.00"
    before = _summary(run, south)
    code, out = run("--practice", south, "summary", "--json", user="nina")
    assert code == 2
    assert f"not granted practice {south!r}" in out
    assert _summary(run, south) == before
    code, out = run("--practice", south, "queue", "next", "nina", user="nina")
    assert code == 2
    engine = make_engine(home.company_database_url)
    with unit_of_work_factory(engine)() as uow:
        refused = [
            r.record
            for r in uow.company_audit.records(limit=100)
            if r.record.action == "open_practice"
        ]
    engine.dispose()
    assert {(r.user_id, r.target, r.outcome) for r in refused} == {
        ("nina", f"practice {south}", "denied")
    }
    assert run("--practice", south, "audit", "verify")[0] == 0


def test_a_granted_practice_opens_and_the_grant_is_audited(
    two: tuple[str, str], run: Invoke
) -> None:
    north, south = two
    # With several practices and none named globally, the grant runs in the practice granted.
    code, out = run("users", "grant", "nina", "--practice", south)
    assert code == 0, out
    assert _summary(run, south, user="nina")["gross_charges"] == "595.00"
    code, out = run("--practice", north, "users", "grant", "nina", "--practice", south)
    assert code == 0, out
    assert "(already granted)" in out
    code, out = run("--practice", north, "users", "grant", "nina", "--practice", "nowhere")
    assert code == 1
    assert "'nowhere': no such practice" in out


def test_a_clients_manager_sees_and_grants_only_their_own(
    two: tuple[str, str], run: Invoke
) -> None:
    north, south = two
    assert run("--practice", south, "users", "add", "sam", "--role", "manager")[0] == 0
    assert run("--practice", north, "users", "add", "max", "--role", "manager")[0] == 0
    code, out = run("--practice", north, "users", "list", "--json")
    assert code == 0, out
    assert {p["user_id"] for p in json.loads(out)} == {"root", "nina", "max"}
    code, out = run("--practice", north, "users", "grant", "nina", "--practice", south, user="max")
    assert code == 1
    assert f"practice {south!r} is not one you work" in out
    code, out = run("--practice", north, "users", "grant", "sam", "--practice", north, user="max")
    assert code == 1
    assert "user sam: no such user" in out


def test_several_practices_and_none_named_cannot_run(two: tuple[str, str], run: Invoke) -> None:
    code, out = run("summary")
    assert code == 2
    assert "3 practices" in out
    # Not who the clients are: whoever asks may work only some of them (practices list).
    assert not any(practice in out for practice in two)
    assert "practices list" in out
    code, out = run("practices", "list", "--json")
    assert code == 0
    assert [p["practice_id"] for p in json.loads(out)] == ["default", *sorted(two)]
    code, out = run("--practice", "elsewhere", "summary")
    assert code == 2
    assert "'elsewhere': no such practice" in out


def test_only_an_admin_adds_practices(two: tuple[str, str], run: Invoke) -> None:
    code, out = run("practices", "add", "east", "--name", "East", user="nina")
    assert code == 1
    assert "may not manage practices" in out
    code, out = run("practices", "add", "Bad-Id", "--name", "Bad")
    assert code == 1
    assert "lowercase letters" in out
    code, out = run("practices", "add", two[0], "--name", "Again")
    assert code == 1
    assert "already exists" in out


def test_an_existing_single_practice_home_becomes_the_default_practice(
    run: Invoke, home: Settings
) -> None:
    """A home from before practices (schema 0014) with a person and a bundle: ``init`` registers
    its database as the default practice, grants its people that practice, and moves nothing."""
    home.home.mkdir(parents=True)
    engine = make_engine(home.company_database_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0014")
        connection.execute(
            text(
                "INSERT INTO users (user_id, name, role, active, created_at, created_by) VALUES "
                "('root', 'Root', 'admin', true, CURRENT_TIMESTAMP, 'root'), "
                "('tess', 'Tess', 'manager', true, CURRENT_TIMESTAMP, 'root')"
            )
        )
    engine.dispose()
    assert run("init")[0] == 0
    assert run("import", str(GOOD))[0] == 0
    out = run("practices", "list", "--json")[1]
    assert [p["practice_id"] for p in json.loads(out)] == ["default"]
    assert _summary(run, "default", user="tess")["gross_charges"] == "570.00"
    assert _summary(run, "", user="tess")["gross_charges"] == "570.00"


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # PostgreSQL's wall
def test_a_raw_query_on_a_practice_connection_sees_that_practice_only(
    two: tuple[str, str], home: Settings
) -> None:
    north, south = two
    settings = dataclasses.replace(home, practice=north)
    engine = make_engine(settings.effective_database_url)
    try:
        with engine.connect() as connection:
            # No practice filter: the connection's own schema is all it sees.
            assert connection.execute(text("SELECT count(*) FROM claims")).scalar_one() == 2
            charges = connection.execute(text("SELECT sum(charge) FROM service_lines")).scalar()
            assert f"{charges:.2f}" == "570.00"
            assert connection.execute(text("SELECT current_user")).scalar_one() == practice_role(
                north
            )
        for other in (f"practice_{south}.claims", "public.users", "public.claims"):
            with engine.connect() as connection, pytest.raises(ProgrammingError) as refused:
                connection.execute(text(f"SELECT * FROM {other}"))
            assert "permission denied" in str(refused.value)
        with engine.connect() as connection:
            connection.execute(text("RESET ROLE"))
            assert connection.execute(text("SELECT current_user")).scalar_one() == practice_role(
                north
            )
    finally:
        engine.dispose()


def test_the_job_queue_connects_as_the_practice() -> None:
    """procrastinate takes a libpq string: the practice's role and search path must reach it
    intact (a "+" for a space in a URI is not one to libpq)."""
    settings = Settings(database_url="postgresql://app:pw@db:5432/billing", practice="north")
    assert conninfo(settings.effective_database_url) == (
        "host=db dbname=billing user=app password=pw port=5432 "
        "options='-c role=claimdesk_practice_north -c search_path=practice_north'"
    )


def test_each_practice_pins_its_own_audit_chain(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, audit_anchor=str(tmp_path / "anchors" / "audit.jsonl"))
    assert settings.audit_anchor_file == tmp_path / "anchors" / "audit.jsonl"
    north = dataclasses.replace(settings, practice="north")
    assert north.audit_anchor_file == tmp_path / "anchors" / "audit.jsonl.north"
