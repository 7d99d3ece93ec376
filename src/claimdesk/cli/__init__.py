"""Command-line face of claimdesk. Each command module registers itself on the shared app."""

from __future__ import annotations

from claimdesk.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
