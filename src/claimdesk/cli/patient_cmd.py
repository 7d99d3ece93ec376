"""``claimdesk patient``: payments at the desk, receipts, credit, reversals and refunds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from claimdesk.bootstrap import composed
from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    app,
    console,
    day_of,
    emit_json,
    fail,
    ready,
    settings_of,
)
from claimdesk.cli.jobs import as_actor
from claimdesk.desk.guard import Actor
from claimdesk.desk.patients import PatientDesk
from claimdesk.domain.money import Money, MoneyError, parse_dollars
from claimdesk.domain.patient_payments import (
    PaymentMethod,
    RefundSource,
    ReversalReason,
)
from claimdesk.services.patient_payments import PaymentRequest, RefundAsk

patient_app = typer.Typer(
    help="Patient accounts: take payments, print receipts, apply credit, reverse, refund.",
    no_args_is_help=True,
)
app.add_typer(patient_app, name="patient")

OutOption = Annotated[Path, typer.Option("--out", help="The folder the PDF is written to.")]


T = TypeVar("T")


def _money(text: str, option: str, command: str) -> Money:
    try:
        return parse_dollars(text)
    except MoneyError as exc:
        raise fail(f"patient {command}: {option}: {exc}", EXIT_INPUT_PROBLEMS) from exc


def _run(ctx: typer.Context, command: str, work: Callable[[PatientDesk, Actor], T]) -> T:
    """Run ``work(desk, actor)`` in the practice named; refusals and bad input exit with the
    reason (``as_actor``)."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        return as_actor(ctx, parts.patient_desk, f"patient {command}", work)


@patient_app.command("pay")
def pay_command(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The patient's account.")],
    amount: Annotated[str, typer.Argument(help="Dollars, e.g. 25.00.")],
    method: Annotated[PaymentMethod, typer.Option("--method", help="How the patient paid.")],
    claim: Annotated[
        str | None, typer.Option("--claim", help="Pay this claim (else oldest first).")
    ] = None,
    reference: Annotated[
        str,
        typer.Option(
            "--reference", help="Check number, or the card processor's reference (no card number)."
        ),
    ] = "",
    on: Annotated[str | None, typer.Option("--date", help="Received on (YYYY-MM-DD).")] = None,
    key: Annotated[
        str, typer.Option("--key", help="An idempotency key: the same key posts once.")
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """Post a patient payment: to the claim named, else oldest visit first; the rest is credit."""
    request = PaymentRequest(
        patient_account=account,
        amount=_money(amount, "AMOUNT", "pay"),
        method=method,
        reference=reference,
        claim_id=claim,
        received_on=day_of(on, "--date"),
        idempotency_key=key,
    )
    done = _run(ctx, "pay", lambda desk, actor: desk.take_payment(actor, request))
    p = done.payment
    if as_json:
        emit_json(
            {
                "receipt": p.receipt_number,
                "payment_id": p.payment_id,
                "created": done.created,
                "amount": str(p.amount),
                "applied": str(p.applied),
                "unapplied": str(p.unapplied),
            }
        )
        return
    said = "posted" if done.created else "was posted before; nothing changed"
    console.print(
        f"receipt {p.receipt_number} {said}: {p.amount} ({p.method}), {p.applied} applied, "
        f"{p.unapplied} kept as credit",
        highlight=False,
    )


@patient_app.command("receipt")
def receipt_command(
    ctx: typer.Context,
    payment: Annotated[str, typer.Argument(help="The receipt number (or payment id).")],
    out: OutOption = Path("."),
) -> None:
    """Write a payment's printable receipt (PDF)."""
    data = _run(ctx, "receipt", lambda desk, actor: desk.receipt(actor, payment))
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"receipt-{payment}.pdf"
    path.write_bytes(data)
    console.print(f"wrote {path}", highlight=False)


@patient_app.command("account")
def account_command(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The patient's account.")],
    as_json: JsonOption = False,
) -> None:
    """The patient's ledger by visit, payments and unapplied credit."""
    found = _run(ctx, "account", lambda desk, actor: desk.account(actor, account))
    if as_json:
        emit_json(
            {
                "account": found.patient_account,
                "patient_balance": str(found.patient_balance),
                "insurance_balance": str(found.insurance_balance),
                "credit": str(found.credit),
                "visits": [
                    {
                        "claim": v.claim_id,
                        "date_of_service": v.date_of_service.isoformat(),
                        "charge": str(v.charge),
                        "insurance_paid": str(v.insurance_paid),
                        "adjusted": str(v.adjusted),
                        "patient_responsibility": str(v.patient_responsibility),
                        "patient_paid": str(v.patient_paid),
                        "balance": str(v.insurance_balance + v.patient_balance),
                        "patient_balance": str(v.patient_balance),
                    }
                    for v in found.visits
                ],
                "payments": [
                    {
                        "receipt": p.receipt_number,
                        "received_on": p.received_on.isoformat(),
                        "amount": str(p.amount),
                        "method": p.method.value,
                        "reversed": p.reversed,
                    }
                    for p in found.payments
                ],
            }
        )
        return
    table = Table(title=f"patient {found.patient_account}")
    for column in ("claim", "date", "charge", "ins. paid", "adjusted", "patient resp.", "paid"):
        table.add_column(column)
    table.add_column("balance")
    for v in found.visits:
        table.add_row(
            v.claim_id,
            v.date_of_service.isoformat(),
            *(
                str(m)
                for m in (
                    v.charge,
                    v.insurance_paid,
                    v.adjusted,
                    v.patient_responsibility,
                    v.patient_paid,
                    v.insurance_balance + v.patient_balance,
                )
            ),
        )
    console.print(table)
    console.print(
        f"patient owes {found.patient_balance}; insurance owes {found.insurance_balance}; "
        f"unapplied credit {found.credit}",
        highlight=False,
    )


@patient_app.command("apply-credit")
def apply_credit_command(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The patient's account.")],
    claim: Annotated[
        str | None, typer.Option("--claim", help="Apply to this claim (else oldest first).")
    ] = None,
) -> None:
    """Apply the patient's unapplied credit to what they owe."""
    applied = _run(
        ctx, "apply-credit", lambda desk, actor: desk.apply_credit(actor, account, claim)
    )
    console.print(f"{applied} of credit applied", highlight=False)


@patient_app.command("reverse")
def reverse_command(
    ctx: typer.Context,
    payment: Annotated[str, typer.Argument(help="The receipt number (or payment id).")],
    reason: Annotated[ReversalReason, typer.Option("--reason", help="Why it is taken back.")],
    note: Annotated[str, typer.Option("--note", help="Free text kept with the reason.")] = "",
) -> None:
    """Reverse a payment (a returned check, a chargeback): what it paid is owed again."""
    done = _run(
        ctx, "reverse", lambda desk, actor: desk.reverse_payment(actor, payment, reason, note)
    )
    console.print(f"receipt {done.receipt_number} reversed ({reason.value})", highlight=False)


@patient_app.command("refund")
def refund_command(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The patient's account.")],
    amount: Annotated[str, typer.Argument(help="Dollars, e.g. 15.00.")],
    source: Annotated[
        RefundSource, typer.Option("--from", help="The credit, or a claim's negative balance.")
    ] = RefundSource.PATIENT_CREDIT,
    claim: Annotated[str | None, typer.Option("--claim", help="The claim overpaid.")] = None,
    note: Annotated[str, typer.Option("--note", help="Why, for the approver.")] = "",
) -> None:
    """Ask for a refund; it posts once a manager other than you approves it."""
    ask = RefundAsk(source, account, _money(amount, "AMOUNT", "refund"), claim, note)
    made = _run(ctx, "refund", lambda desk, actor: desk.request_refund(actor, ask))
    console.print(
        f"refund {made.request_id} of {made.amount} asked; waiting for a manager's approval",
        highlight=False,
    )


@patient_app.command("decide-refund")
def decide_refund_command(
    ctx: typer.Context,
    request: Annotated[int, typer.Argument(help="The refund request's number.")],
    reject: Annotated[bool, typer.Option("--reject", help="Reject instead of approving.")] = False,
    out: OutOption = Path("."),
) -> None:
    """Approve (the refund posts and its letter is written) or reject a refund request."""
    done = _run(
        ctx, "decide-refund", lambda desk, actor: desk.decide_refund(actor, request, not reject)
    )
    if reject:
        console.print(f"refund {request} rejected")
        return
    letter = _run(ctx, "decide-refund", lambda desk, actor: desk.refund_letter(actor, request))
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"refund-{request}.pdf"
    path.write_bytes(letter)
    console.print(f"refund {request} {done.status}; letter {path}", highlight=False)


@patient_app.command("await-recoupment")
def await_recoupment_command(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="The claim the payer overpaid.")],
) -> None:
    """Leave a payer's overpayment to its recoupment (PLB WO) rather than refund it; the item
    you hold is parked until then and closes when the 835 takes the money back."""
    item = _run(ctx, "await-recoupment", lambda desk, actor: desk.await_recoupment(actor, claim))
    console.print(f"item {item.item_id}: awaiting recoupment until {item.snoozed_until}")
