"""``claimdesk tier2``: the Tier 2 actions on a claim from the command line, through the desk.

The acting person is ``--as`` / ``CLAIMDESK_USER`` (else the login name): a known claimdesk user
whose role the desk checks, and every action, refused or done, is audited as on the web.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

import typer

from claimdesk.bootstrap import Composition, composed
from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    acting_user_id,
    app,
    console,
    fail,
    ready,
    settings_of,
)
from claimdesk.cli.jobs import as_job
from claimdesk.desk.billing import BillingDesk
from claimdesk.desk.guard import Actor, ForbiddenError, NotFoundError
from claimdesk.domain.money import MoneyError, parse_dollars
from claimdesk.domain.work import WorkError
from claimdesk.domain.write_offs import ReasonCode
from claimdesk.services import tier2
from claimdesk.services.claim_editor import ClaimEditError
from claimdesk.services.users import UserError

tier2_app = typer.Typer(help="Tier 2: corrected claims, voids, appeals, follow-up, write-offs.")
app.add_typer(tier2_app, name="tier2")

ClaimArgument = Annotated[str, typer.Argument(help="Our claim id (CLM01).")]
REFUSALS = (
    tier2.Tier2Error,
    ClaimEditError,
    UserError,
    ForbiddenError,
    NotFoundError,
    WorkError,
)


def _act(ctx: typer.Context, action: str, work: Callable[[BillingDesk, Actor], str]) -> None:
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        desk = parts.billing_desk()
        try:
            console.print(
                work(desk, desk.actor_named(acting_user_id(ctx))), markup=False, highlight=False
            )
        except REFUSALS as exc:
            raise fail(f"{action}: {exc}", EXIT_INPUT_PROBLEMS) from exc


@tier2_app.command("correct")
def correct(
    ctx: typer.Context,
    claim_id: ClaimArgument,
    unchanged_because: Annotated[
        str,
        typer.Option(help="Send it as it is, for this reason (a payer asking for a resubmission)."),
    ] = "",
) -> None:
    """Replace a claim (frequency 7, REF*F8 = the payer's claim number) with a draft to
    correct in the claim editor; it is sent once the correction is saved there."""

    def work(desk: BillingDesk, actor: Actor) -> str:
        made = desk.corrected_claim(actor, claim_id)
        if not unchanged_because.strip():
            return (
                f"{made}: a draft; save its correction in the claim editor "
                f"(/claims/{made}/edit), or send it unchanged with --unchanged-because"
            )
        form = desk.claim_editor(actor, made).form
        saved = desk.edit_claim(actor, made, form, unchanged_because)
        return f"{made}: {saved.view.status}, sent unchanged because {saved.unchanged_because}"

    _act(ctx, "correct", work)


@tier2_app.command("void")
def void(
    ctx: typer.Context,
    claim_id: ClaimArgument,
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            help="Why it should never have been billed (wrong patient, a duplicate, ...).",
        ),
    ],
) -> None:
    """Void a claim the payer adjudicated (frequency 8), saying why."""
    _act(ctx, "void", lambda desk, actor: desk.void(actor, claim_id, reason))


@tier2_app.command("appeal")
def appeal(
    ctx: typer.Context,
    claim_id: ClaimArgument,
    argument: Annotated[str, typer.Option("--argument", help="Why the payer should pay.")],
) -> None:
    """Write the appeal letter (PDF, in the outbox) and track the appeal."""
    letters = settings_of(ctx).outbox / "appeals"

    def act(desk: BillingDesk, actor: Actor) -> str:
        return f"appeal {desk.appeal(actor, claim_id, argument)}: letter written to {letters}"

    _act(ctx, "appeal", act)


@tier2_app.command("follow-up")
def follow_up(
    ctx: typer.Context,
    claim_id: ClaimArgument,
    channel: Annotated[str, typer.Option(help="call or portal")] = "call",
    reference: Annotated[str, typer.Option(help="Call or portal reference.")] = "",
    notes: Annotated[str, typer.Option(help="What the payer said.")] = "",
    next_date: Annotated[str, typer.Option("--next", help="Next follow-up date, YYYY-MM-DD.")] = "",
) -> None:
    """Log a payer call or portal check on a claim."""
    try:
        next_day = date.fromisoformat(next_date) if next_date else None
    except ValueError as exc:
        raise fail(f"--next: {next_date!r} is not a YYYY-MM-DD date") from exc

    def act(desk: BillingDesk, actor: Actor) -> str:
        number = desk.follow_up(
            actor,
            claim_id,
            channel=channel,
            reference=reference,
            notes=notes,
            next_follow_up=next_day,
        )
        return f"follow-up {number} logged"

    _act(ctx, "follow-up", act)


@tier2_app.command("chase")
def chase(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(help="Days without an answer.")] = 30,
) -> None:
    """Open no-response work for claims with no answer and ask their payers in a 276."""
    settings = settings_of(ctx)
    ready(settings)
    rules = tier2.Tier2Settings(no_response_days=days)

    def act(parts: Composition) -> str:
        done = tier2.chase(
            parts.uow_factory,
            now=parts.clock(),
            settings=rules,
            outbox=settings.outbox,
            partners=parts.partners(),
            policy=parts.routing,
        )
        lines = [f"{len(done.waiting)} claim(s) with no answer"]
        if done.inquiries is not None:
            lines += [f"276 written: {path}" for path in done.inquiries.files]
            lines += [f"not asked: {why}" for why in done.inquiries.refused.values()]
        return "\n".join(lines)

    with composed(settings) as parts:
        try:
            console.print(
                as_job(ctx, parts, "chase", lambda: act(parts), lambda done: done.splitlines()[0]),
                markup=False,
                highlight=False,
            )
        except tier2.Tier2Error as exc:
            raise fail(f"chase: {exc}", EXIT_INPUT_PROBLEMS) from exc


@tier2_app.command("write-off")
def write_off(
    ctx: typer.Context,
    claim_id: ClaimArgument,
    amount: Annotated[str, typer.Option(help="Dollars to write off.")],
    reason: Annotated[ReasonCode, typer.Option(help="Write-off reason, from the code list.")],
    note: Annotated[str, typer.Option(help="Free text kept with the request.")] = "",
) -> None:
    """Write off a claim's balance for a reason; above the practice's approval amount (and
    always for bad debt and charity) a manager approves."""
    try:
        money = parse_dollars(amount)
    except MoneyError as exc:
        raise fail(f"--amount: {exc}") from exc

    def act(desk: BillingDesk, actor: Actor) -> str:
        request_id = desk.request_write_off(actor, claim_id, money, reason.value, note)
        return f"write-off request {request_id}"

    _act(ctx, "write-off", act)


@tier2_app.command("approve-write-off")
def approve_write_off(
    ctx: typer.Context,
    request_id: Annotated[int, typer.Argument(help="The write-off request number.")],
    reject: Annotated[bool, typer.Option("--reject", help="Reject instead.")] = False,
) -> None:
    """Tier 3: approve (or reject) a pending write-off."""
    _act(
        ctx,
        "approve-write-off",
        lambda desk, actor: desk.decide_write_off_request(actor, request_id, not reject),
    )
