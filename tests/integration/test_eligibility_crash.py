"""A 270 reaches the outbox only once the checks it asks about are recorded (issue 14).

``eligibility`` stages its 270s and publishes them after its transaction commits, like
``submit``'s 837s. Killed (SIGKILL) at any step, it never leaves a 270 in the outbox that the
store does not record, and the next run finishes the job: a committed run's 270s are published,
an uncommitted run's dropped and asked again, and no coverage is asked about twice.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from cli_home import CliHome, set_up_home, write_bundle
from sqlalchemy import text

from claimdesk.edi.x270.read import read_270
from claimdesk.services.crash_points import CRASH_AT
from claimdesk.store.engine import make_engine

STEPS = ("outbox:written", "eligibility:staged", "eligibility:committed")
KILLED = -9
DONE = (0, 1)  # sent; sent with coverages that cannot be asked about (reported)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bundle(tmp_path_factory.mktemp("bundle"))


def _recorded(home: CliHome) -> Counter[str]:
    """The checks the store records as asked, by the 270 file that asks them."""
    engine = make_engine(home.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT request_file FROM eligibility_checks"))
            return Counter(str(r[0]) for r in rows)
    finally:
        engine.dispose()


def _asked(home: CliHome) -> Counter[str]:
    """The trace numbers in the outbox's 270s: one per check asked."""
    traces: Counter[str] = Counter()
    for path in sorted(home.outbox.glob("270-*.x12")):
        read = read_270(path.read_text(encoding="utf-8"))
        traces.update(i.trace_number for i in read.inquiries)
    return traces


def _check_sent_as_recorded(home: CliHome) -> None:
    recorded = _recorded(home)
    for path in home.outbox.glob("270-*.x12"):
        assert recorded[path.name] > 0, f"{path.name} is in the outbox but no check records it"


@pytest.mark.parametrize("step", STEPS)
def test_eligibility_killed_at_any_step_is_finished_by_the_next_run(
    step: str, database_url: str, bundle: Path, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path / "home", database_url, bundle)

    killed = home.run("eligibility", "--json", **{CRASH_AT: step})
    assert killed.returncode == KILLED, killed.stderr
    _check_sent_as_recorded(home)
    assert not list(home.outbox.glob("270-*.x12"))  # nothing is out before the next run

    again = home.run("eligibility", "--json")
    assert again.returncode in DONE, again.stderr
    _check_sent_as_recorded(home)
    asked = _asked(home)
    assert asked, "the next run sent no 270"
    assert max(asked.values()) == 1  # no check asked twice
    assert sum(_recorded(home).values()) == len(asked)  # every recorded check is out
    assert not (home.outbox / ".pending").exists()
