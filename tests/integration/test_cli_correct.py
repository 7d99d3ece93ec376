"""`claimdesk tier2 correct` (issue 17): a corrected claim is a draft until its correction is
saved; from the terminal it is sent unchanged only with the reason."""

from __future__ import annotations

from pathlib import Path

from remit_practice import CO, NOW, Clp, claim_payment, file_of, remittance, seed, svc
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.denials.table import shipped_table
from claimdesk.domain.claims import ClaimStatus
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.database import units_of_work
from claimdesk.services.post_remittance import post_bytes
from claimdesk.services.setup import set_up


def test_correct_makes_a_draft_and_sends_it_unchanged_only_with_the_reason(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    settings = Settings(home=home)
    set_up(settings)
    denied = claim_payment(
        "C2",
        svc("C2", 1, "99213", "150.00", "0.00", (CO, "4", "150.00")),
        svc("C2", 2, "90686", "40.00", "0.00", (CO, "4", "40.00")),
        status=Clp.DENIED,
    )
    with units_of_work(settings) as uow_factory:
        seed(uow_factory)
        post_bytes(
            uow_factory,
            file_of(remittance("T1", denied)),
            name="d",
            now=NOW,
            by="poster",
            table=shipped_table(),
            policy=shipped_policy(),
        )
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
