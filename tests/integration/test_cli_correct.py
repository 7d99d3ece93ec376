"""`claimdesk tier2 correct` (issue 17): a corrected claim is a draft until its correction is
saved; from the terminal it is sent unchanged only with the reason."""

from __future__ import annotations

from pathlib import Path

from remit_practice import deny, seed
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.domain.claims import ClaimStatus
from claimdesk.services.database import units_of_work
from claimdesk.services.setup import set_up


def test_correct_makes_a_draft_and_sends_it_unchanged_only_with_the_reason(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    settings = Settings(home=home)
    set_up(settings)
    with units_of_work(settings) as uow_factory:
        seed(uow_factory)
        deny(uow_factory, "C2", carc="4")
    runner = CliRunner()
    for user_id, role in (("root", "admin"), ("bo", "tier2")):
        added = runner.invoke(
            app, ["--home", str(home), "--as", "root", "users", "add", user_id, "--role", role]
        )
        assert added.exit_code == 0, added.output

    def correct(*more: str) -> str:
        done = runner.invoke(
            app, ["--home", str(home), "--as", "bo", "tier2", "correct", "C2", *more]
        )
        assert done.exit_code == 0, done.output
        return done.output

    draft = correct()
    assert "C2-71: a draft; save its correction in the claim editor (/claims/C2-71/edit)" in draft
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        waiting = uow.claims.get("C2-71")
        original = uow.claims.get("C2")
    assert waiting is not None
    assert waiting.awaits_correction
    assert original is not None
    assert original.status is ClaimStatus.DENIED

    sent = correct("--unchanged-because", "the payer asked for a resubmission")
    assert "C2-71: " in sent
    assert "sent unchanged because the payer asked for a resubmission" in sent
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        saved = uow.claims.get("C2-71")
        original = uow.claims.get("C2")
    assert saved is not None
    assert saved.status in (ClaimStatus.READY, ClaimStatus.HELD)
    assert original is not None
    assert original.status is ClaimStatus.CLOSED
