"""``claimdesk demo``: a synthetic practice run through 90 days of the revenue cycle on SQLite,
the Tier 3 report of those days, then the web desk with a demo person for each tier.

The practice's visits are dated in the N days ending today and imported today; the cycle then
runs those days (each visit becomes a claim on its day), so the desk, ``kpi`` and ``summary``
describe the practice as of today. Its plan/tier directory (``plans.csv``) is imported with it,
so the cycle's front office estimates each visit at check-in and the report's estimate accuracy
is a real figure. The cycle's time is measured and printed.
"""

from __future__ import annotations

import time as clock
from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from claimdesk.analytics.results import KpiReport
from claimdesk.bootstrap import Composition, composed
from claimdesk.cli.app import EXIT_CANNOT_RUN, app, console, fail, settings_of
from claimdesk.cli.cycle_cmd import print_cycle, run_with_progress
from claimdesk.cli.deposits_cmd import print_reconciliation
from claimdesk.cli.kpi_cmd import print_kpi_report
from claimdesk.cli.serve_cmd import serve
from claimdesk.cli.summary_cmd import print_summary
from claimdesk.cycle.policy import load_staff_policy
from claimdesk.cycle.run import CycleOptions
from claimdesk.desk.guard import Actor
from claimdesk.domain.clock import practice_today
from claimdesk.routing.access import Role
from claimdesk.security import totp
from claimdesk.services.estimates import import_directory
from claimdesk.services.import_folder import import_folder
from claimdesk.services.kpis import kpi_report
from claimdesk.services.practice_summary import summarize
from claimdesk.services.setup import set_up
from claimdesk.synth import catalog, write_practice
from claimdesk.synth.plans import PLANS_FILE

DEMO_DAYS = 90
DEMO_PASSWORD = "claimdesk-demo-2026"
DEMO_MANAGER = "demo-manager"
# The admin first (the first person must be an admin who adds themself), then one per tier.
DEMO_PEOPLE = (
    ("demo-admin", "Demo Administrator", Role.ADMIN),
    ("demo-tier1", "Demo Tier 1 Biller", Role.TIER1),
    ("demo-tier2", "Demo Denial Specialist", Role.TIER2),
    (DEMO_MANAGER, "Demo Billing Manager (Tier 3)", Role.MANAGER),
    ("demo-auditor", "Demo Auditor", Role.AUDITOR),
)


def _demo_people(parts: Composition) -> tuple[Actor, dict[str, str]]:
    """The demo's people, added through the desk by its admin (the home's first user), each
    setting their own password (one an admin set must be changed at the next sign-in), and a
    second factor enrolled by the admin for every role that needs one. The admin, who then
    runs the demo's import, and the second-factor secrets by person."""
    desk = parts.desk()
    with parts.uow_factory() as uow:
        known = {u.user_id for u in uow.users.list()}
    admin = DEMO_PEOPLE[0][0]
    for user_id, name, role in DEMO_PEOPLE:
        if user_id not in known:
            desk.enroll(admin, user_id, name, role)
    actor = desk.actor_named(admin)
    secrets: dict[str, str] = {}
    for user_id, _name, role in DEMO_PEOPLE:
        desk.set_password(desk.actor_named(user_id), user_id, DEMO_PASSWORD)
        if parts.sign_in_policy.needs_second_factor(role):
            secrets[user_id] = desk.enrol_totp(actor, user_id)
    return actor, secrets


def _print_second_factors(secrets: dict[str, str]) -> None:
    """Each secret once, as an authenticator app's URI; a code can also be read with
    ``python -c "import pyotp; print(pyotp.TOTP('SECRET').now())"`` (README)."""
    for user_id, secret in secrets.items():
        uri = totp.provisioning_uri(secret, user_id)
        console.print(
            f"one-time codes for {user_id}: secret {secret}  {uri}",
            highlight=False,
            soft_wrap=True,
        )


@app.command("demo")
def demo(
    ctx: typer.Context,
    patients: Annotated[int, typer.Option("--patients", min=1)] = 600,
    encounters: Annotated[int, typer.Option("--encounters", min=1)] = 2400,
    seed: Annotated[int, typer.Option("--seed")] = 7,
    days: Annotated[int, typer.Option("--days", min=1)] = DEMO_DAYS,
    serve_desk: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the web desk afterwards.")
    ] = True,
    port: Annotated[int, typer.Option("--port")] = 8000,
) -> None:
    """Synthesize a practice, run it through 90 simulated days, report, and serve the desk."""
    settings = settings_of(ctx)
    setup = set_up(settings)
    console.print(f"data home {setup.home}, database {setup.database}")
    bundle_dir = settings.home / "demo-bundle"
    now = datetime.now(UTC)
    today = practice_today(now, ZoneInfo(catalog.TIME_ZONE))
    synth = write_practice(
        bundle_dir,
        patients=patients,
        encounters=encounters,
        seed=seed,
        as_of=today,
        days=days,
    )
    console.print(
        f"synthesized {synth.counts['patients']} patients and {synth.counts['encounters']} "
        f"encounters of the {days} days to {today} in {bundle_dir} "
        f"(planted defects: {sum(synth.defects.values())})",
        highlight=False,
    )
    # The visits of the last N days are on file today; the cycle then bills them day by day.
    with composed(settings) as parts:
        admin, secrets = _demo_people(parts)
        outcome = parts.desk().run_job(
            admin,
            "import",
            lambda: import_folder(settings, bundle_dir, user=admin.user.user_id, now=now),
            lambda done: f"demo bundle {bundle_dir.name}",
        )
        if outcome.report is None:
            raise fail(f"the demo bundle did not import: {outcome.errors[0]}")
        # The plan/tier directory the front office estimates with at check-in.
        plans = parts.desk().run_job(
            admin,
            "plan tiers",
            lambda: import_directory(
                parts.uow_factory, bundle_dir / PLANS_FILE, now=now, by=admin.user.user_id
            ),
            lambda done: f"{done} plan tier(s) stored or changed",
        )
    report = outcome.report
    console.print(
        f"import: {report.inserted} inserted, {report.updated} updated, "
        f"{report.claims_created} claims, {report.ledger_entries_posted} ledger entries; "
        f"{plans} plan tier(s) in the plan/tier directory",
        highlight=False,
    )
    started = clock.perf_counter()
    cycle = run_with_progress(
        settings, CycleOptions(days=days, staff=load_staff_policy(None)), quiet=False
    )
    elapsed = clock.perf_counter() - started
    print_cycle(cycle, payer_side_denials=False)
    console.print(f"cycle of {days} days ran in {elapsed:.1f} s", highlight=False)
    # The closing figures are read by the demo's admin, checked and audited like any report.
    with composed(settings) as parts:
        desk = parts.desk()
        reader = desk.actor_named(admin.user.user_id)

        def figures() -> KpiReport:
            with parts.uow_factory() as uow:
                return kpi_report(uow, start=cycle.start, end=cycle.end, table=parts.rules.denials)

        print_kpi_report(
            desk.read_figures(
                reader,
                f"kpis {cycle.start} to {cycle.end}",
                figures,
                lambda r: f"{len(r.kpis)} KPIs",
            )
        )
        summary = desk.read_figures(
            reader, "summary", lambda: summarize(settings), lambda s: f"as of {s.as_of}"
        )
        # The bank's side: what the simulated staff reconciled each day, as the manager sees it.
        bank = parts.deposit_desk()
        print_reconciliation(bank.deposit_report(bank.actor_named(DEMO_MANAGER)))
    print_summary(summary)
    if not summary.balanced:
        raise typer.Exit(EXIT_CANNOT_RUN)
    console.print(
        "demo sign-in (password for each: "
        f"{DEMO_PASSWORD}): " + ", ".join(f"{u} ({r.value})" for u, _n, r in DEMO_PEOPLE),
        highlight=False,
    )
    _print_second_factors(secrets)
    if serve_desk:
        console.print(f"sign in at http://127.0.0.1:{port}/", highlight=False)
        serve(ctx, host="127.0.0.1", port=port)
