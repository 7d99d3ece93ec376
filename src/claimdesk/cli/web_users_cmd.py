"""``claimdesk users password|totp``: sign-in secrets for the web desk."""

from __future__ import annotations

from typing import Annotated

import typer

from claimdesk.cli.app import EXIT_INPUT_PROBLEMS, console, fail, ready, settings_of
from claimdesk.cli.users_cmd import ByOption, users_app
from claimdesk.desk.config import utc_now
from claimdesk.routing.access import AccessError
from claimdesk.security import totp
from claimdesk.security.accounts import enable_totp, set_password
from claimdesk.security.passwords import PasswordRuleError
from claimdesk.services.database import units_of_work
from claimdesk.services.users import UserError


@users_app.command("password")
def password(
    ctx: typer.Context,
    user_id: str,
    by: ByOption,
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
    settings = settings_of(ctx)
    ready(settings)
    with units_of_work(settings) as uow_factory:
        try:
            set_password(uow_factory, user_id, new_password, by=by, now=utc_now())
        except (UserError, AccessError, PasswordRuleError) as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    console.print(f"password set for {user_id}")


@users_app.command("totp")
def enrol_totp(ctx: typer.Context, user_id: str, by: ByOption) -> None:
    """Give a person a one-time-code secret; prints the URI to add to an authenticator app."""
    settings = settings_of(ctx)
    ready(settings)
    with units_of_work(settings) as uow_factory:
        try:
            secret = enable_totp(uow_factory, user_id, by=by)
        except (UserError, AccessError) as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    console.print(totp.provisioning_uri(secret, user_id))
