"""``claimdesk users password|link|totp``: sign-in secrets for the web desk, set through the desk
as the person ``--as`` names (themself, or a manager or admin for the people they manage)."""

from __future__ import annotations

from typing import Annotated

import typer

from claimdesk.bootstrap import composed
from claimdesk.cli.app import EXIT_INPUT_PROBLEMS, acting_user_id, console, fail, ready, settings_of
from claimdesk.cli.users_cmd import REFUSALS, users_app
from claimdesk.config import DEFAULT_PRACTICE
from claimdesk.security import totp
from claimdesk.security.passwords import PasswordRuleError


@users_app.command("password")
def password(
    ctx: typer.Context,
    user_id: str,
    new_password: Annotated[
        str,
        typer.Option(
            "--password",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="CLAIMDESK_NEW_PASSWORD",
            help="The new password (asked for when not given).",
        ),
    ],
) -> None:
    """Set a person's web password (12 or more characters); their sessions end."""
    # A person's sign-in is the company's, whichever practice they work: none needs naming.
    settings = settings_of(ctx, otherwise=DEFAULT_PRACTICE)
    ready(settings)
    with composed(settings) as parts:
        try:
            desk = parts.desk()
            desk.set_password(desk.actor_named(acting_user_id(ctx)), user_id, new_password)
        except (*REFUSALS, PasswordRuleError) as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    console.print(f"password set for {user_id}")


@users_app.command("link")
def link(
    ctx: typer.Context,
    user_id: str,
    base_url: Annotated[
        str,
        typer.Option(
            "--base-url",
            envvar="CLAIMDESK_BASE_URL",
            help="Where people reach the web desk.",
        ),
    ] = "http://127.0.0.1:8000",
) -> None:
    """Make a one-time link for a person to choose their own web password (an admin's use
    case); prints it once. It opens for a day, and a newer link replaces it."""
    settings = settings_of(ctx, otherwise=DEFAULT_PRACTICE)
    ready(settings)
    with composed(settings) as parts:
        try:
            desk = parts.desk()
            issued = desk.password_link(desk.actor_named(acting_user_id(ctx)), user_id)
        except REFUSALS as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    console.print(f"{base_url.rstrip('/')}/password/{issued.token}", soft_wrap=True)
    console.print(
        f"send it to {user_id}; it opens once, until {issued.expires_at:%Y-%m-%d %H:%M} UTC"
    )


@users_app.command("totp")
def enrol_totp(ctx: typer.Context, user_id: str) -> None:
    """Give a person a one-time-code secret; prints the URI to add to an authenticator app."""
    # A person's sign-in is the company's, whichever practice they work: none needs naming.
    settings = settings_of(ctx, otherwise=DEFAULT_PRACTICE)
    ready(settings)
    with composed(settings) as parts:
        try:
            desk = parts.desk()
            secret = desk.enrol_totp(desk.actor_named(acting_user_id(ctx)), user_id)
        except REFUSALS as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    console.print(totp.provisioning_uri(secret, user_id))
