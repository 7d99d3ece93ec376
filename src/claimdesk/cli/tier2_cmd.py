"""``claimdesk tier2``: the Tier 2 actions on a claim from the command line."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated

import typer

from claimdesk.cli.app import EXIT_INPUT_PROBLEMS, app, console, fail, ready, settings_of
from claimdesk.domain.money import Money, MoneyError
from claimdesk.services import tier2
from claimdesk.services.database import units_of_work
from claimdesk.services.trading_partners import stored_partners
from claimdesk.services.users import UserError
from claimdesk.services.work_queue import UowFactory

tier2_app = typer.Typer(help="Tier 2: corrected claims, voids, appeals, follow-up, write-offs.")
app.add_typer(tier2_app, name="tier2")

ByOption = Annotated[str, typer.Option("--by", help="Who acts (default: the login name).")]
ClaimArgument = Annotated[str, typer.Argument(help="Our claim id (CLM01).")]


def _run(ctx: typer.Context, action: str, work: Callable[[UowFactory], str]) -> None:
    settings = settings_of(ctx)
    ready(settings)
    with units_of_work(settings) as uow_factory:
        try:
            console.print(work(uow_factory), markup=False, highlight=False)
        except (tier2.Tier2Error, UserError, PermissionError) as exc:
            raise fail(f"{action}: {exc}", EXIT_INPUT_PROBLEMS) from exc


def _now() -> datetime:
    return datetime.now(UTC)


@tier2_app.command("correct")
def correct(ctx: typer.Context, claim_id: ClaimArgument, by: ByOption = "") -> None:
    """Replace a claim (frequency 7, REF*F8 = the payer's claim number), ready to scrub."""
    user = by or getpass.getuser()
    _run(ctx, "correct", lambda f: tier2.corrected_claim(f, claim_id, by=user, now=_now()))


@tier2_app.command("void")
def void(ctx: typer.Context, claim_id: ClaimArgument, by: ByOption = "") -> None:
    """Void a claim the payer adjudicated (frequency 8)."""
    user = by or getpass.getuser()
    _run(ctx, "void", lambda f: tier2.void_claim(f, claim_id, by=user, now=_now()))


@tier2_app.command("appeal")
def appeal(
    ctx: typer.Context,
    claim_id: ClaimArgument,
    argument: Annotated[str, typer.Option("--argument", help="Why the payer should pay.")],
    by: ByOption = "",
) -> None:
    """Write the appeal letter (PDF, in the outbox) and track the appeal."""
    user = by or getpass.getuser()
    letters = settings_of(ctx).outbox / "appeals"

    def act(f: UowFactory) -> str:
        number = tier2.start_appeal(
            f, claim_id, argument=argument, letters=letters, by=user, now=_now()
        )
        return f"appeal {number}: letter written to {letters}"

    _run(ctx, "appeal", act)


@tier2_app.command("follow-up")
def follow_up(
    ctx: typer.Context,
    claim_id: ClaimArgument,
    channel: Annotated[str, typer.Option(help="call or portal")] = "call",
    reference: Annotated[str, typer.Option(help="Call or portal reference.")] = "",
    notes: Annotated[str, typer.Option(help="What the payer said.")] = "",
    next_date: Annotated[str, typer.Option("--next", help="Next follow-up date, YYYY-MM-DD.")] = "",
    by: ByOption = "",
) -> None:
    """Log a payer call or portal check on a claim."""
    try:
        next_day = date.fromisoformat(next_date) if next_date else None
    except ValueError as exc:
        raise fail(f"--next: {next_date!r} is not a YYYY-MM-DD date") from exc
    user = by or getpass.getuser()

    def act(f: UowFactory) -> str:
        number = tier2.log_follow_up(
            f,
            claim_id,
            channel=channel,
            reference=reference,
            notes=notes,
            next_follow_up=next_day,
            by=user,
            now=_now(),
        )
        return f"follow-up {number} logged"

    _run(ctx, "follow-up", act)


@tier2_app.command("chase")
def chase(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(help="Days without an answer.")] = 30,
) -> None:
    """Open no-response work for claims with no answer and ask their payers in a 276."""
    settings = settings_of(ctx)
    rules = tier2.Tier2Settings(no_response_days=days)

    def act(f: UowFactory) -> str:
        done = tier2.chase(
            f, now=_now(), settings=rules, outbox=settings.outbox, partners=stored_partners(f)
        )
        lines = [f"{len(done.waiting)} claim(s) with no answer"]
        if done.inquiries is not None:
            lines += [f"276 written: {path}" for path in done.inquiries.files]
            lines += [f"not asked: {why}" for why in done.inquiries.refused.values()]
        return "\n".join(lines)

    _run(ctx, "chase", act)


@tier2_app.command("write-off")
def write_off(
    ctx: typer.Context,
    claim_id: ClaimArgument,
    amount: Annotated[str, typer.Option(help="Dollars to write off.")],
    reason: Annotated[str, typer.Option(help="Write-off reason code.")],
    approval_above: Annotated[
        str, typer.Option(help="Amounts above this need Tier 3 approval.")
    ] = "100.00",
    note: Annotated[str, typer.Option()] = "",
    by: ByOption = "",
) -> None:
    """Write off a claim's balance; above the approval amount a manager must approve."""
    try:
        money, limit = Money(amount), Money(approval_above)
    except MoneyError as exc:
        raise fail(f"amount: {exc}") from exc
    settings = tier2.Tier2Settings(write_off_approval_above=limit)
    user = by or getpass.getuser()

    def act(f: UowFactory) -> str:
        number = tier2.request_write_off(
            f,
            claim_id,
            amount=money,
            reason_code=reason,
            note=note,
            by=user,
            now=_now(),
            settings=settings,
        )
        return f"write-off request {number}"

    _run(ctx, "write-off", act)


@tier2_app.command("approve-write-off")
def approve_write_off(
    ctx: typer.Context,
    request_id: Annotated[int, typer.Argument(help="The write-off request number.")],
    reject: Annotated[bool, typer.Option("--reject", help="Reject instead.")] = False,
    by: ByOption = "",
) -> None:
    """Tier 3: approve (or reject) a pending write-off."""
    user = by or getpass.getuser()
    _run(
        ctx,
        "approve-write-off",
        lambda f: tier2.decide_write_off(f, request_id, approve=not reject, by=user, now=_now()),
    )
