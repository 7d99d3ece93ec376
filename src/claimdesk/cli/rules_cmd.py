"""``claimdesk rules``: the scrub rules with their codes, severities, tiers and fix hints."""

from __future__ import annotations

from rich.table import Table

from claimdesk.cli.app import JsonOption, app, console, emit_json
from claimdesk.scrub.engine import Scrubber


@app.command("rules")
def rules(as_json: JsonOption = False) -> None:
    """List every scrub rule: code, name, severity, tier, what it checks and how to fix it."""
    listed = Scrubber.default().rules
    if as_json:
        emit_json([rule.as_json() for rule in listed])
        return
    table = Table()
    for column in ("code", "name", "severity", "tier", "checks", "fix"):
        table.add_column(column)
    for rule in listed:
        table.add_row(
            rule.code, rule.name, rule.severity.value, str(int(rule.tier)), rule.summary, rule.fix
        )
    console.print(table)
    console.print(f"{len(listed)} rules", highlight=False)
