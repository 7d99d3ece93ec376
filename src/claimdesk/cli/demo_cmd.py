"""``claimdesk demo``: a billing company with three client practices (one full-size synthetic
practice and two smaller ones, each with a seed of its own) run through 90 days of the revenue
cycle on SQLite, the Tier 3 report of the full one and the books of all three, then the web desk
with a demo person for each tier, granted every practice, and one client's own clerk.

The practice's visits are dated in the N days ending today and imported today; the cycle then
runs those days (each visit becomes a claim on its day), so the desk, ``kpi`` and ``summary``
describe the practice as of today. Its plan/tier directory (``plans.csv``) is imported with it,
so the cycle's front office estimates each visit at check-in and the report's estimate accuracy
is a real figure. The cycle's time is measured and printed.

The practices' files travel the way a practice's do: ``transport send`` uploads the outbox to
the practice's mailbox at an SFTP clearinghouse on 127.0.0.1, the payer simulator works from
the mailbox, and ``transport fetch`` brings the answers into the inbox (cycle/sftp_mailbox.py,
docs/transport.md). The server serves until the demo ends.
"""

from __future__ import annotations

import dataclasses
import time as clock
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from claimdesk.analytics.results import KpiReport
from claimdesk.bootstrap import Composition, composed
from claimdesk.cli.app import (
    EXIT_CANNOT_RUN,
    Context,
    app,
    console,
    fail,
    home_settings_of,
)
from claimdesk.cli.books_cmd import print_collection
from claimdesk.cli.cycle_cmd import print_cycle, run_with_progress
from claimdesk.cli.deposits_cmd import print_reconciliation
from claimdesk.cli.kpi_cmd import print_kpi_report
from claimdesk.cli.serve_cmd import serve
from claimdesk.cli.summary_cmd import print_summary, summarize_all
from claimdesk.config import Settings
from claimdesk.cycle.policy import load_staff_policy
from claimdesk.cycle.run import CycleOptions
from claimdesk.cycle.sftp_mailbox import FOLDER as CLEARINGHOUSE_FOLDER
from claimdesk.cycle.sftp_mailbox import clearinghouse, mailbox_of, write_transport
from claimdesk.desk.desk import UowFactory
from claimdesk.desk.guard import Actor
from claimdesk.domain.clock import practice_today
from claimdesk.domain.money import total
from claimdesk.routing.access import Role
from claimdesk.security import totp
from claimdesk.services.database import units_of_work
from claimdesk.services.estimates import import_directory
from claimdesk.services.import_folder import import_folder
from claimdesk.services.kpis import kpi_report
from claimdesk.services.practice_summary import PracticeSummary, summarize
from claimdesk.services.practices import company_settings, practice_settings
from claimdesk.services.setup import set_up
from claimdesk.synth import catalog, write_practice
from claimdesk.synth.plans import PLANS_FILE
from claimdesk.transport.loopback import LOOPBACK

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


# The shipped hand-off waits for three statements and 120 days unpaid (docs/collections.md),
# which the demo's 90 days never reach; its full-size practice hands an account off after two
# statements and 45 days, so the demo ends with a hand-off to show without running more days.
DEMO_COLLECTIONS = {"collections.after_statements": "2", "collections.after_days": "45"}


# A client's own staff: works that practice only.
CLIENT_CLERK = ("demo-clerk", "Demo Clerk of Northside Pediatrics", Role.TIER1)


@dataclass(frozen=True, slots=True)
class DemoPractice:
    practice_id: str
    name: str
    share: int  # its patients and visits are the demo's divided by this
    seed_offset: int


# The first is the full-size practice; the two clients after it are a sixth of its size.
DEMO_PRACTICES = (
    DemoPractice("riverbend", "Riverbend Family Medicine Group", 1, 0),
    DemoPractice("northside", "Northside Pediatrics", 6, 1),
    DemoPractice("lakeview", "Lakeview Orthopedics", 6, 2),
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
    for user_id, name, role in (*DEMO_PEOPLE, CLIENT_CLERK):
        if user_id not in known:
            desk.enroll(admin, user_id, name, role)
    actor = desk.actor_named(admin)
    secrets: dict[str, str] = {}
    for user_id, _name, role in (*DEMO_PEOPLE, CLIENT_CLERK):
        desk.set_password(desk.actor_named(user_id), user_id, DEMO_PASSWORD)
        if parts.sign_in_policy.needs_second_factor(role):
            secrets[user_id] = desk.enrol_totp(actor, user_id)
    return actor, secrets


def _demo_practices(parts: Composition, admin: Actor) -> list[Settings]:
    """The three client practices, added by the admin; the company's staff granted each, the
    client's clerk their own practice only."""
    desk = parts.desk()
    company = parts.settings
    registered = {s.practice_id for s in practice_settings(company)}
    for practice in DEMO_PRACTICES:
        if practice.practice_id in registered:
            continue

        with ExitStack() as stores:

            def set_up_store(new_id: str) -> UowFactory:
                store = dataclasses.replace(company, practice=new_id)
                set_up(store)
                return stores.enter_context(units_of_work(store))

            desk.add_practice(
                desk.company_actor_named(admin.user.user_id),
                practice.practice_id,
                practice.name,
                set_up_store,
            )
    for user_id, _name, role in DEMO_PEOPLE:
        if role is Role.ADMIN:
            continue
        for practice in DEMO_PRACTICES:
            desk.grant_practice(admin, user_id, practice.practice_id, "")
    desk.grant_practice(admin, CLIENT_CLERK[0], DEMO_PRACTICES[1].practice_id, "")
    return [dataclasses.replace(company, practice=p.practice_id) for p in DEMO_PRACTICES]


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


def _bill(
    settings: Settings,
    admin: Actor,
    practice: DemoPractice,
    size: tuple[int, int, int, int],
    mailbox: Path,
) -> None:
    """Synthesize the practice's visits of the last N days, import them and its plan/tier
    directory today, and run its cycle over those days (each visit a claim on its day), its
    files moving through its ``mailbox`` at the demo's SFTP clearinghouse."""
    patients, encounters, seed, days = size
    bundle_dir = settings.home / f"demo-bundle-{practice.practice_id}"
    now = datetime.now(UTC)
    today = practice_today(now, ZoneInfo(catalog.TIME_ZONE))
    synth = write_practice(
        bundle_dir,
        patients=max(1, patients // practice.share),
        encounters=max(1, encounters // practice.share),
        seed=seed + practice.seed_offset,
        as_of=today,
        days=days,
        name=practice.name,
    )
    console.print(
        f"{practice.practice_id}: synthesized {synth.counts['patients']} patients and "
        f"{synth.counts['encounters']} encounters of the {days} days to {today} in {bundle_dir} "
        f"(planted defects: {sum(synth.defects.values())})",
        highlight=False,
    )
    with composed(settings) as parts:
        desk = parts.desk()
        outcome = desk.run_job(
            admin,
            "import",
            lambda: import_folder(settings, bundle_dir, user=admin.user.user_id, now=now),
            lambda done: f"demo bundle {bundle_dir.name}",
        )
        if outcome.report is None:
            raise fail(f"the demo bundle did not import: {outcome.errors[0]}")
        # The plan/tier directory the front office estimates with at check-in.
        plans = desk.run_job(
            admin,
            "plan tiers",
            lambda: import_directory(
                parts.uow_factory, bundle_dir / PLANS_FILE, now=now, by=admin.user.user_id
            ),
            lambda done: f"{done} plan tier(s) stored or changed",
        )
    report = outcome.report
    console.print(
        f"{practice.practice_id}: import: {report.inserted} inserted, {report.updated} updated, "
        f"{report.claims_created} claims, {report.ledger_entries_posted} ledger entries; "
        f"{plans} plan tier(s) in the plan/tier directory",
        highlight=False,
    )
    started = clock.perf_counter()
    cycle = run_with_progress(
        settings,
        CycleOptions(days=days, staff=load_staff_policy(None), clearinghouse=mailbox),
        quiet=False,
    )
    elapsed = clock.perf_counter() - started
    print_cycle(cycle, payer_side_denials=False)
    console.print(
        f"{practice.practice_id}: cycle of {days} days ran in {elapsed:.1f} s", highlight=False
    )
    if practice.share != 1:
        return
    # The closing figures are read by the demo's admin, checked and audited like any report;
    # the bank's side as the manager sees what the simulated staff reconciled each day.
    with composed(settings) as parts:
        desk = parts.desk()

        def figures() -> KpiReport:
            with parts.uow_factory() as uow:
                return kpi_report(uow, start=cycle.start, end=cycle.end, table=parts.denials)

        print_kpi_report(
            desk.read_figures(
                admin,
                f"kpis {cycle.start} to {cycle.end}",
                figures,
                lambda r: f"{len(r.kpis)} KPIs",
            )
        )
        # The period's net collection counts a first quarter's unpaid charges against it; the
        # visits old enough to be paid show what the office collects (docs/kpis.md).
        print_collection(desk.served_collection(admin))
        print_summary(_read_summary(admin)(settings))
        bank = parts.deposit_desk()
        print_reconciliation(bank.deposit_report(bank.actor_named(DEMO_MANAGER)))
        _hand_off(parts, admin)


def _hand_off(parts: Composition, admin: Actor) -> None:
    """The collections hand-off after the cycle: the admin's review proposes each account due
    (a Tier 3 approval item each); the demo's Tier 3 person, who did not propose them, approves
    the largest and exports it to the agency's file, leaving the others to decide in the desk."""
    desk = parts.statement_desk()
    desk.set_practice(admin, DEMO_COLLECTIONS)
    reviewed = desk.review_collections(admin)
    console.print(
        f"collections: {len(reviewed.candidates)} account(s) due after "
        f"{DEMO_COLLECTIONS['collections.after_statements']} statements and "
        f"{DEMO_COLLECTIONS['collections.after_days']} days unpaid, owing "
        f"{total(c.balance for c in reviewed.candidates)}; proposed by {admin.user.user_id}",
        highlight=False,
    )
    if not reviewed.proposed:
        return
    largest = max(
        zip(reviewed.proposed, reviewed.candidates, strict=True), key=lambda p: p[1].balance
    )[0]
    manager = desk.actor_named(DEMO_MANAGER)
    desk.decide_collections(manager, largest, approve=True)
    exported = desk.export_collections(manager)
    left = len(reviewed.proposed) - 1
    (sent,) = exported.referrals
    console.print(
        f"collections: referral {largest} (account {sent['account']}) approved by "
        f"{DEMO_MANAGER} and exported, {exported.written_off} written off as bad debt, agency file "
        f"{parts.settings.archive / exported.file}; {left} referral(s) left to decide in the "
        "desk (t3-approvals)",
        highlight=False,
    )


def _read_summary(admin: Actor) -> Callable[[Settings], PracticeSummary]:
    """A practice's summary as the demo's admin reads it: through that practice's desk."""

    def read(settings: Settings) -> PracticeSummary:
        with composed(settings) as parts:
            desk = parts.desk()
            return desk.read_figures(
                desk.actor(admin.user),
                "summary",
                lambda: summarize(parts.uow_factory, now=parts.clock()),
                lambda shown: f"as of {shown.as_of}",
            )

    return read


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
    company = company_settings(home_settings_of(ctx))
    setup = set_up(company)
    console.print(f"data home {setup.home}, database {setup.database}")
    with composed(company) as parts:
        admin, secrets = _demo_people(parts)
        practices = _demo_practices(parts, admin)
    # The clearinghouse's SFTP server serves until the demo ends (the desk's too).
    with clearinghouse(company.home, practices) as server:
        console.print(
            f"clearinghouse: SFTP on {LOOPBACK}:{server.port}, host key "
            f"{server.host_key.get_fingerprint('sha256')}, a mailbox per practice in "
            f"{company.home / CLEARINGHOUSE_FOLDER}",
            highlight=False,
            soft_wrap=True,
        )
        for practice, settings in zip(DEMO_PRACTICES, practices, strict=True):
            write_transport(settings, server)
            with composed(settings) as parts:
                there = parts.desk().actor(admin.user)
            _bill(
                settings,
                there,
                practice,
                (patients, encounters, seed, days),
                mailbox_of(company.home, settings.practice_id),
            )
        if not summarize_all(practices, None, as_json=False, read=_read_summary(admin)):
            raise typer.Exit(EXIT_CANNOT_RUN)
        console.print(
            "demo sign-in (password for each: "
            f"{DEMO_PASSWORD}): "
            + ", ".join(f"{u} ({r.value})" for u, _n, r in (*DEMO_PEOPLE, CLIENT_CLERK))
            + f"; every practice is granted to each but {CLIENT_CLERK[0]}, who works "
            f"{DEMO_PRACTICES[1].practice_id} only",
            highlight=False,
        )
        _print_second_factors(secrets)
        if serve_desk:
            console.print(f"sign in at http://127.0.0.1:{port}/", highlight=False)
            home = dataclasses.replace(company, practice=DEMO_PRACTICES[0].practice_id)
            ctx.obj = Context(settings=home, acting_as=ctx.obj.acting_as)
            serve(ctx, host="127.0.0.1", port=port)
