"""``claimdesk practice show|set``: the practice profile every claim, file and letter names,
and the rule files (scrub, routing, denials) in effect for the practice.

Exit status: 0 done, 1 a value was refused (nothing changed), 2 the database cannot be used.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from claimdesk.bootstrap import composed
from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    acting_user_id,
    app,
    console,
    emit_json,
    fail,
    ready,
    settings_of,
)
from claimdesk.cli.jobs import as_actor
from claimdesk.desk.guard import ForbiddenError
from claimdesk.domain.practice import SETTINGS, ProfileError, setting_of
from claimdesk.rule_files import in_effect
from claimdesk.services.practice import profile_of
from claimdesk.services.users import UserError

practice_app = typer.Typer(
    help="The practice profile: legal name, billing provider, submitter, time zone.",
    no_args_is_help=True,
)
app.add_typer(practice_app, name="practice")


@practice_app.command("show")
def show(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every setting, its value, what submit still needs, and the rule files in effect."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        profile = as_actor(
            ctx,
            parts.desk,
            "practice show",
            lambda desk, actor: desk.practice_profile(
                actor, lambda: profile_of(parts.uow_factory), lambda _shown: "shown"
            ),
            refused=EXIT_INPUT_PROBLEMS,
        )
    missing = profile.missing_to_submit()
    rule_files = in_effect(settings.practice_home)
    if as_json:
        emit_json(
            {
                "settings": dict(sorted(profile.values.items())),
                "missing_to_submit": [s.key for s in missing],
                "rule_files": rule_files,
            }
        )
        return
    table = Table(title="practice profile")
    for column in ("setting", "value", "meaning"):
        table.add_column(column)
    needed = {s.key for s in missing}
    extra = sorted(set(profile.values) - set(SETTINGS))
    for key in (*SETTINGS, *extra):
        meaning = setting_of(key).meaning
        value = profile.get(key) or ("[red]missing[/red]" if key in needed else "")
        table.add_row(key, value, meaning)
    console.print(table)
    for name, source in rule_files.items():
        console.print(f"{name}: {source}", highlight=False, markup=False)
    if missing:
        console.print(
            "submit needs: " + ", ".join(s.key for s in missing) + " (claimdesk practice set "
            "KEY VALUE)",
            highlight=False,
        )


@practice_app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The setting, e.g. billing.npi or time_zone.")],
    value: Annotated[str, typer.Argument(help="Its new value; empty ('') removes it.")],
) -> None:
    """Change one setting (checked: NPI check digit, ZIP+4, phone, time zone)."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        desk = parts.desk()
        try:
            changed = desk.set_practice(desk.actor_named(acting_user_id(ctx)), {key: value})
        except ProfileError as exc:
            raise fail(f"{exc}; nothing was changed", EXIT_INPUT_PROBLEMS) from exc
        except (UserError, ForbiddenError) as exc:
            raise fail(f"practice set: {exc}", EXIT_INPUT_PROBLEMS) from exc
    console.print(f"{key} {'set' if changed else 'unchanged'}", highlight=False)
