"""The ``claimdesk`` program: the typer app and the options every command shares.

Exit status: 0 success, 1 the input had problems (reported), 2 the command could not run.
"""

from __future__ import annotations

import getpass
import importlib
import json
import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from rich.console import Console
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

from claimdesk.cli.commands import COMMANDS
from claimdesk.config import PRIVATE_UMASK, Settings

EXIT_OK = 0
EXIT_INPUT_PROBLEMS = 1
EXIT_CANNOT_RUN = 2


class CatalogGroup(TyperGroup):
    """The program's command group: a command's modules are imported when it is asked for.

    Help lists the catalog's summaries (see :mod:`claimdesk.cli.commands`) without importing
    any command.
    """

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        if self._listing:
            return TyperCommand(cmd_name, help=entry.summary)
        for module in entry.modules:
            importlib.import_module(module)
        # The modules registered the command on ``app``; build it as typer would.
        built: TyperGroup = typer.main.get_command(app)  # type: ignore[assignment]
        return built.commands.get(cmd_name)

    def invoke(self, ctx: Any) -> Any:
        # Imported here: ``claimdesk --help`` loads no rule table. A practice's bad rule file
        # refuses the command that needs it, naming the file and key (docs/tenancy.md).
        from claimdesk.rule_files import RuleFileError

        try:
            return super().invoke(ctx)
        except RuleFileError as exc:
            # Escaped: the message names TOML tables ([codes]) that are not Rich markup.
            raise fail(escape(str(exc))) from exc

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="claimdesk",
    cls=CatalogGroup,
    help="Medical billing for the tiered revenue cycle.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True, soft_wrap=True)


@dataclass(frozen=True, slots=True)
class Context:
    settings: Settings
    acting_as: str | None


@app.callback()
def _main(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            envvar="CLAIMDESK_HOME",
            help="Data home: the SQLite database and the inbox/outbox/archive folders.",
        ),
    ] = None,
    acting_as: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="CLAIMDESK_USER",
            help="The claimdesk user who acts (default: your login name); checked and audited.",
        ),
    ] = None,
    practice: Annotated[
        str | None,
        typer.Option(
            "--practice",
            envvar="CLAIMDESK_PRACTICE",
            help="The client practice to work in (default: the only one there is).",
        ),
    ] = None,
) -> None:
    # Everything the program writes (the SQLite database and its WAL, X12 files, archived
    # 835s, appeal letters, keys) is its owner's alone: 0600 files in 0700 folders (HIPAA
    # 164.312(a)(1) access control; the red team found them world-readable).
    os.umask(PRIVATE_UMASK)
    settings = Settings() if home is None else Settings(home=home)
    if practice is not None:
        settings = replace(settings, practice=practice)
    ctx.obj = Context(settings=settings, acting_as=acting_as)


def home_settings_of(ctx: typer.Context) -> Settings:
    """The settings as given, the practice not yet resolved (``init``, ``practices``)."""
    context: Context = ctx.obj
    return context.settings


def settings_of(ctx: typer.Context, otherwise: str = "") -> Settings:
    """The settings with the practice the command works in: the one named, else ``otherwise``
    (a command's own practice option), else the only one; with several and none named the
    command cannot run, and the message lists them."""
    # Imported here, not at the top: ``claimdesk --help`` must not load the database layer.
    from claimdesk.services.practices import PracticeError, resolved

    given = home_settings_of(ctx)
    if not given.practice and otherwise:
        given = replace(given, practice=otherwise)
    if given.practice == ALL_PRACTICES:
        raise fail(
            "--practice all: only summary and kpi add up across practices; name one practice"
        )
    try:
        settings = resolved(given)
    except PracticeError as exc:
        raise fail(str(exc)) from exc
    if not settings.on_default_practice:
        _admitted(settings, acting_user_id(ctx))
    return settings


# ``--practice all``: the reports whose figures add up run across every practice one may work.
ALL_PRACTICES = "all"


def across_practices(ctx: typer.Context) -> list[Settings] | None:
    """With ``--practice all``, the settings of every practice the acting person may work (the
    listing audited in the company's chain); otherwise None."""
    given = home_settings_of(ctx)
    if given.practice != ALL_PRACTICES:
        return None
    from claimdesk.bootstrap import composed
    from claimdesk.desk.guard import ForbiddenError
    from claimdesk.services.practices import company_settings
    from claimdesk.services.users import UserError

    company = company_settings(given)
    ready(company)
    with composed(company) as parts:
        desk = parts.desk()
        try:
            found = desk.practices(desk.company_actor_named(acting_user_id(ctx)))
        except (ForbiddenError, UserError) as exc:
            raise fail(str(exc)) from exc
    return [replace(given, practice=p.practice_id) for p in found]


def _admitted(settings: Settings, user_id: str) -> None:
    """Stop here unless ``user_id`` was granted the client practice: a client's own staff see
    only their practice, whatever the command (the refusal is audited by the desk)."""
    from claimdesk.bootstrap import composed
    from claimdesk.desk.guard import ForbiddenError
    from claimdesk.services.users import UserError

    with composed(settings) as parts:
        try:
            parts.desk().actor_named(user_id)
        except (ForbiddenError, UserError) as exc:
            raise fail(str(exc)) from exc


def acting_user_id(ctx: typer.Context) -> str:
    """Who acts: ``--as`` / ``CLAIMDESK_USER``, else the login name. The desk accepts only a
    known, active claimdesk user, so a name is never taken on trust."""
    context: Context = ctx.obj
    return context.acting_as or getpass.getuser()


def emit_json(payload: Any) -> None:
    """Machine-readable output for ``--json``: plain JSON on stdout, nothing else."""
    typer.echo(json.dumps(payload, indent=2, sort_keys=True, default=str))


def fail(message: str, code: int = EXIT_CANNOT_RUN) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


def day_of(text: str | None, option: str) -> date | None:
    """A date option's value (``None`` when not given); a bad one stops the command."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"{option} {text!r}: not a date; write it as YYYY-MM-DD") from None


JsonOption = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]


def ready(settings: Settings) -> None:
    """The home's folders and a current schema, before a command touches the database."""
    # Imported here, not at the top: ``claimdesk --help`` must not load the database layer.
    from claimdesk.services.setup import HomeError, open_home

    try:
        open_home(settings, lambda note: err_console.print(note, highlight=False))
    except HomeError as exc:
        raise fail(str(exc)) from exc
