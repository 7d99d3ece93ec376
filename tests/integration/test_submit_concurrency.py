"""Submission is exactly-once under concurrency and crashes, with the real ``claimdesk`` program
in separate processes, on SQLite and PostgreSQL (issue 14).

Two ``submit`` runs side by side never put a claim in two 837s nor use an interchange control
number twice; a run killed (SIGKILL) at any step of submit never leaves an 837 in the outbox that
the store does not record as sent, and the next run finishes the job: the killed run's committed
837s are published, its uncommitted ones dropped with their claims still to send.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from cli_home import CliHome, assert_each_claim_sent_once, set_up_home, write_bundle

from claimdesk.bundle.reader import read_bundle
from claimdesk.domain.claims import ClaimStatus
from claimdesk.payer_sim.files import answer_files, deliver_remittances
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.world import PayerWorld
from claimdesk.services.crash_points import CRASH_AT
from claimdesk.services.inbox import FINDINGS_SUFFIX

ATTEMPTS = 3
# Every step of crash_points' list, in the order submit passes them.
STEPS = (
    "submit:claimed",
    "outbox:written",
    "submit:staged",
    "submit:committed",
    "submit:published",
)
KILLED = -9  # the return code of a process killed by SIGKILL
DONE = (0, 1)  # submitted; submitted with claims held (reported)
PAID_AFTER_DAYS = 60  # every accepted claim's 835 is due by then


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bundle(tmp_path_factory.mktemp("bundle"))


@pytest.fixture(scope="module")
def sent_by_one_run(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The claims one undisturbed run sends: what every test must end up having sent."""
    folder = tmp_path_factory.mktemp("reference")
    home = set_up_home(folder / "home", f"sqlite:///{folder / 'claimdesk.db'}", bundle)
    done = home.run("submit", "--json")
    assert done.returncode in DONE, done.stderr
    sent = {c for s in home.sent() for c in s.claim_ids}
    assert len(sent) > 10
    return sent


def _check_sent_as_recorded(home: CliHome) -> None:
    """Every 837 in the outbox is a recorded batch whose claims are all submitted or later."""
    batches = home.batches()
    statuses = home.statuses()
    for sent in home.sent():
        assert sent.name in batches, f"{sent.name} is in the outbox but no batch records it"
        assert set(sent.claim_ids) == batches[sent.name]
        assert all(statuses[c] is ClaimStatus.SUBMITTED for c in sent.claim_ids)


@pytest.mark.parametrize("attempt", range(ATTEMPTS))
def test_two_submits_at_once_send_each_claim_once(
    attempt: int, database_url: str, bundle: Path, sent_by_one_run: set[str], tmp_path: Path
) -> None:
    home = set_up_home(tmp_path / "home", database_url, bundle)
    runs = [home.start("submit", "--json") for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode in DONE, err
        assert "Traceback" not in err
    sent = home.sent()
    assert_each_claim_sent_once(sent)
    assert {c for s in sent for c in s.claim_ids} == sent_by_one_run
    _check_sent_as_recorded(home)
    assert not (home.outbox / ".pending").exists()


@pytest.mark.parametrize("step", STEPS)
def test_a_submit_killed_at_any_step_is_finished_by_the_next_run(
    step: str, database_url: str, bundle: Path, sent_by_one_run: set[str], tmp_path: Path
) -> None:
    home = set_up_home(tmp_path / "home", database_url, bundle)
    before = home.statuses()

    killed = home.run("submit", "--json", **{CRASH_AT: step})
    assert killed.returncode == KILLED, killed.stderr
    _check_sent_as_recorded(home)
    if not home.batches():  # nothing committed: nothing sent, every claim as it was
        assert home.sent() == []
        assert home.statuses() == before

    again = home.run("submit", "--json")
    assert again.returncode in DONE, again.stderr
    sent = home.sent()
    assert_each_claim_sent_once(sent)
    assert {c for s in sent for c in s.claim_ids} == sent_by_one_run
    assert sorted(home.batches()) == [s.name for s in sent]  # every recorded batch is out
    _check_sent_as_recorded(home)
    assert not (home.outbox / ".pending").exists()


def test_two_ingests_at_once_read_every_file_once(
    database_url: str, bundle: Path, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path / "home", database_url, bundle)
    assert home.run("submit").returncode in DONE
    # The payers answer: a 999 and a 277CA per 837, then the 835s of the weeks after.
    read = read_bundle(bundle)
    assert read.bundle is not None
    payers = PayerSimulator(PayerWorld.from_bundle(read.bundle))
    inbox, today = home.home / "inbox", date.today()
    answered, _ = answer_files(payers, home.outbox.glob("837*.x12"), inbox, today)
    paid = deliver_remittances(payers, inbox, today + timedelta(days=PAID_AFTER_DAYS))
    names = sorted(p.name for p in [*answered, *paid])
    assert paid
    assert len(names) > len(paid)

    runs = [home.start("ingest", "--json") for _ in range(2)]
    files: list[str] = []
    for run in runs:
        out, err = run.communicate(timeout=180)
        assert "Traceback" not in err
        assert run.returncode in DONE, err
        report = json.loads(out)
        files += [f["file"] for f in report["files"]]
        files += [a["file"] for a in report["acknowledgments"]]
    assert sorted(files) == names  # each file read by exactly one of the runs
    archive = home.home / "archive"
    archived = [
        p.name
        for p in archive.rglob("*")
        if p.is_file() and p.parent.name != "sent" and not p.name.endswith(FINDINGS_SUFFIX)
    ]
    assert sorted(archived) == names
    assert [p for p in inbox.iterdir() if p.is_file()] == []
