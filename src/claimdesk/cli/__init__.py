"""Command-line face of claimdesk.

Each command module registers itself on the shared app when the command is first asked for
(see :mod:`claimdesk.cli.commands`), so a command imports only what it uses.
"""

from __future__ import annotations

from claimdesk.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
