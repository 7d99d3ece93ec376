"""Each practice's own routing policy and denial table: ``routing.toml`` and ``denials.toml`` in
its folder over the shipped ones (docs/tenancy.md). The same 835 denial is worked in another
queue where a practice routes or categorizes it otherwise; a bad file refuses the command,
naming the file and the key; ``practice show`` says which file is in effect."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from remit_practice import CO, PR, claim_payment, file_of, remittance, seed, svc
from typer.testing import CliRunner

from claimdesk.bootstrap import Composition
from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.domain.work import WorkItem, WorkKind, WorkStatus
from claimdesk.http.app import create_app

ROOT = "root"
Invoke = Callable[..., tuple[int, str]]
SHIPPED_ROUTING = resources.files("claimdesk.routing").joinpath("routing.toml").read_text()
SHIPPED_DENIALS = resources.files("claimdesk.denials").joinpath("categories.toml").read_text()
# The shipped route of a medical-necessity denial, and the one North's routing.toml puts it on.
SHIPPED_ROUTE = 'category = "medical_necessity"\ntier = 2\nqueue = "t2-coding"'
NORTH_ROUTE = 'category = "medical_necessity"\ntier = 3\nqueue = "t3-north-necessity"'
# CARC 50 (not medically necessary) as shipped, and as West's denials.toml files it.
SHIPPED_CARC_50 = '{ carc = "50", category = "medical_necessity" }'
WEST_CARC_50 = '{ carc = "50", category = "authorization" }'


@pytest.fixture
def home(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", database_url="")


@pytest.fixture
def run(home: Settings) -> Invoke:
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str]:
        env = {"CLAIMDESK_USER": ROOT, "CLAIMDESK_DATABASE_URL": ""}
        result = runner.invoke(app, ["--home", str(home.home), *args], env=env)
        return result.exit_code, result.output

    return invoke


def _denial_835(folder: Path) -> Path:
    """C1's 99213 denied CO-50 (150.00), its 90686 paid 20.00."""
    path = folder / "denial.835"
    path.write_bytes(
        file_of(
            remittance(
                "T50",
                claim_payment(
                    "C1",
                    svc("C1", 1, "99213", "150.00", "0.00", (CO, "50", "150.00")),
                    svc("C1", 2, "90686", "40.00", "20.00", (CO, "45", "15.00"), (PR, "2", "5.00")),
                ),
            )
        )
    )
    return path


def _practice(run: Invoke, home: Settings, practice: str) -> Settings:
    code, out = run("practices", "add", practice, "--name", practice.title())
    assert code == 0, out
    settings = dataclasses.replace(home, practice=practice)
    parts = Composition(settings)
    try:
        seed(parts.uow_factory)
    finally:
        parts.close()
    return settings


def _open_items(settings: Settings) -> list[WorkItem]:
    parts = Composition(settings)
    try:
        with parts.uow_factory() as uow:
            return uow.work_items.page_per_queue(list(parts.routing.queues()), WorkStatus.OPEN, 50)
    finally:
        parts.close()


def _denial_queue(settings: Settings) -> tuple[str, int, str]:
    """The queue, tier and category of the practice's one open denial item."""
    [item] = [i for i in _open_items(settings) if i.kind is WorkKind.DENIAL]
    return item.queue, item.tier, item.category


def test_the_same_denial_is_routed_by_each_practices_own_tables(
    run: Invoke, home: Settings, tmp_path: Path
) -> None:
    assert run("init")[0] == 0
    north, south, west = (_practice(run, home, p) for p in ("north", "south", "west"))
    assert SHIPPED_ROUTE in SHIPPED_ROUTING
    assert SHIPPED_CARC_50 in SHIPPED_DENIALS
    (north.practice_home / "routing.toml").write_text(
        SHIPPED_ROUTING.replace(SHIPPED_ROUTE, NORTH_ROUTE)
    )
    (west.practice_home / "denials.toml").write_text(
        SHIPPED_DENIALS.replace(SHIPPED_CARC_50, WEST_CARC_50)
    )
    remit = _denial_835(tmp_path)
    for settings in (north, south, west):
        code, out = run("--practice", settings.practice_id, "ingest", str(remit))
        assert code == 0, out

    assert _denial_queue(south) == ("t2-coding", 2, "medical_necessity")
    assert _denial_queue(north) == ("t3-north-necessity", 3, "medical_necessity")
    assert _denial_queue(west) == ("t2-denials", 2, "authorization")


def test_practice_show_names_the_rule_files_in_effect(run: Invoke, home: Settings) -> None:
    assert run("init")[0] == 0
    north = _practice(run, home, "north")
    _practice(run, home, "south")
    (north.practice_home / "routing.toml").write_text(SHIPPED_ROUTING)

    code, out = run("--practice", "north", "practice", "show", "--json")
    assert code == 0, out
    assert json.loads(out)["rule_files"] == {
        "scrub.toml": "shipped (claimdesk/scrub/payer_rules.toml)",
        "routing.toml": str(north.practice_home / "routing.toml"),
        "denials.toml": "shipped (claimdesk/denials/categories.toml)",
    }
    code, out = run("--practice", "south", "practice", "show")
    assert code == 0, out
    assert "routing.toml: shipped (claimdesk/routing/routing.toml)" in out


@pytest.mark.parametrize(
    ("name", "shipped", "old", "new", "reason"),
    [
        (
            "routing.toml",
            SHIPPED_ROUTING,
            SHIPPED_ROUTE,
            'category = "medical_necessity"\ntier = 4\nqueue = "t2-coding"',
            "field 'tier': the tier must be 1, 2 or 3",
        ),
        (
            "denials.toml",
            SHIPPED_DENIALS,
            SHIPPED_CARC_50,
            '{ carc = "50", category = "no_such_category" }',
            "field 'category': no [categories.no_such_category] table",
        ),
    ],
)
def test_a_bad_rule_file_refuses_the_command_naming_file_and_key(
    run: Invoke,
    home: Settings,
    tmp_path: Path,
    name: str,
    shipped: str,
    old: str,
    new: str,
    reason: str,
) -> None:
    assert run("init")[0] == 0
    north = _practice(run, home, "north")
    _practice(run, home, "south")
    assert old in shipped
    bad = north.practice_home / name
    bad.write_text(shipped.replace(old, new))
    remit = _denial_835(tmp_path)

    code, out = run("--practice", "north", "ingest", str(remit))

    assert code == 2
    assert str(bad) in out.replace("\n", "")
    assert reason in out.replace("\n", "")
    # Nothing was read: the practice never fell back on the shipped table.
    bad.unlink()
    assert _open_items(north) == []
    # South, with the shipped tables, reads the same file.
    assert run("--practice", "south", "ingest", str(remit))[0] == 0


def test_the_web_desk_of_each_practice_applies_that_practices_tables(
    run: Invoke, home: Settings
) -> None:
    assert run("init")[0] == 0
    north = _practice(run, home, "north")
    south = _practice(run, home, "south")
    (north.practice_home / "routing.toml").write_text(
        SHIPPED_ROUTING.replace(SHIPPED_ROUTE, NORTH_ROUTE)
    )
    # A server started in South; the session's practice switcher moves to North.
    parts = Composition(south)
    try:
        company = create_app(parts.desk_config(secure_cookies=False)).state.company
        routes = {
            practice: company.desk(practice).rules.routing.route(
                WorkKind.DENIAL, "medical_necessity"
            )
            for practice in ("north", "south")
        }
        closing = company.close_desk("north")
    finally:
        parts.close()
    assert (routes["north"].tier, routes["north"].queue) == (3, "t3-north-necessity")
    assert (routes["south"].tier, routes["south"].queue) == (2, "t2-coding")
    assert closing.policy.route(WorkKind.DENIAL, "medical_necessity").queue == "t3-north-necessity"
