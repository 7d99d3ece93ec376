"""Command-line face of claimdesk. Each command module registers itself on the shared app."""

from __future__ import annotations

from claimdesk.cli import (
    audit_cmd,
    codes_cmd,
    cycle_cmd,
    demo_cmd,
    eligibility_cmd,
    estimate_cmd,
    import_cmd,
    ingest_cmd,
    init_cmd,
    kpi_cmd,
    queue_cmd,
    rules_cmd,
    serve_cmd,
    submit_cmd,
    summary_cmd,
    synth_cmd,
    tier2_cmd,
    users_cmd,
    web_users_cmd,
    worker_cmd,
    x12_cmd,
)
from claimdesk.cli.app import app

COMMAND_MODULES = (
    demo_cmd,
    import_cmd,
    init_cmd,
    summary_cmd,
    synth_cmd,
    x12_cmd,
    queue_cmd,
    users_cmd,
    rules_cmd,
    codes_cmd,
    ingest_cmd,
    serve_cmd,
    audit_cmd,
    web_users_cmd,
    eligibility_cmd,
    submit_cmd,
    estimate_cmd,
    tier2_cmd,
    kpi_cmd,
    cycle_cmd,
    worker_cmd,
)


def main() -> None:
    app()


__all__ = ["COMMAND_MODULES", "app", "main"]
