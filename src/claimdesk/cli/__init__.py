"""Command-line face of claimdesk. Each command module registers itself on the shared app."""

from __future__ import annotations

import claimdesk.cli.init_cmd  # noqa: F401  (registers `claimdesk init`)
import claimdesk.cli.synth_cmd as synth_cmd  # noqa: F401  (registers `claimdesk synth`)
from claimdesk.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
