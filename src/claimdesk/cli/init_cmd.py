"""``claimdesk init``: create or migrate the database and the inbox/outbox/archive folders; on a
new home, register the person running it as the first admin."""

from __future__ import annotations

import typer

from claimdesk.bootstrap import composed
from claimdesk.cli.app import (
    JsonOption,
    acting_user_id,
    app,
    console,
    emit_json,
    fail,
    home_settings_of,
    settings_of,
)
from claimdesk.routing.access import Role
from claimdesk.services.practices import company_settings, practice_settings
from claimdesk.services.setup import HomeError, set_up


@app.command("init")
def init(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Create or migrate the database and the data folders (safe to run again)."""
    try:
        report = set_up(company_settings(home_settings_of(ctx)))
        # Every client practice's store carries the same schema, migrated with the company's.
        for practice in practice_settings(home_settings_of(ctx)):
            set_up(practice)
    except (OSError, HomeError) as exc:
        raise fail(f"cannot set up the data home: {exc}") from exc
    settings = settings_of(ctx)
    # Whoever creates the data home is its first admin (--as, CLAIMDESK_USER or the login name):
    # every later command acts as a known user, and an admin adds the others.
    first_admin = None
    with composed(settings) as parts:
        with parts.uow_factory() as uow:
            nobody = uow.users.count() == 0
        if nobody:
            first_admin = acting_user_id(ctx)
            parts.desk().enroll(first_admin, first_admin, first_admin, Role.ADMIN)
    if as_json:
        emit_json(
            {
                "home": report.home,
                "created_folders": list(report.created_folders),
                "database": report.database,
                "revision_before": report.revision_before,
                "revision_after": report.revision_after,
                "migrated": report.migrated,
                "first_admin": first_admin,
            }
        )
        return
    for folder in report.created_folders:
        console.print(f"created {folder}")
    if report.migrated:
        console.print(
            f"database {report.database} migrated from {report.revision_before or 'empty'} "
            f"to {report.revision_after}"
        )
    else:
        console.print(f"database {report.database} is up to date ({report.revision_after})")
    if first_admin is not None:
        console.print(
            f"first user: {first_admin} (admin); commands act as {first_admin} unless --as or "
            "CLAIMDESK_USER names another user",
            highlight=False,
        )
