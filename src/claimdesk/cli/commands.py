"""The catalog of ``claimdesk`` commands: each name, the modules that define it, and its summary.

The program imports a command's modules only when that command runs, so ``claimdesk --help``
and a quick command pay for nothing else (importing every command cost 3.4 s per run). The
summaries here are what ``--help`` lists; a test holds each equal to its command's own help.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CommandEntry:
    modules: tuple[str, ...]  # the claimdesk.cli modules that register the command
    summary: str


def _entry(summary: str, *modules: str) -> CommandEntry:
    return CommandEntry(tuple(f"claimdesk.cli.{m}" for m in modules), summary)


# In the order of the revenue cycle: set up, bring data in, send, read answers, work, measure.
COMMANDS: dict[str, CommandEntry] = {
    "init": _entry(
        "Create or migrate the database and the data folders (safe to run again).",
        "init_cmd",
    ),
    "practices": _entry(
        "The billing company's client practices, each with a store of its own.",
        "practices_cmd",
    ),
    "practice": _entry(
        "The practice profile: legal name, billing provider, submitter, time zone.",
        "practice_cmd",
    ),
    "synth": _entry(
        "Write a synthetic practice bundle (with defects.csv, the planted defects, and plans.csv, "
        "the plan/tier directory).",
        "synth_cmd",
    ),
    "import": _entry(
        "Import a practice bundle. Any bad row imports nothing; importing twice changes nothing.",
        "import_cmd",
    ),
    "hl7": _entry(
        "HL7 v2 from the EHR: listen over MLLP, or import a batch file.",
        "hl7_cmd",
    ),
    "fhir": _entry(
        "FHIR R4: import a Bundle or NDJSON of a practice; export claims and what payers paid.",
        "fhir_cmd",
    ),
    "summary": _entry(
        "What the books hold: counts, charges by payer, ledger totals that must balance, and the "
        "A/R figure with its parts and aging, as of a day.",
        "summary_cmd",
    ),
    "eligibility": _entry(
        "Read the 271 files in the inbox, then write 270s for coverages that need a check.",
        "eligibility_cmd",
    ),
    "estimate": _entry(
        "Estimate what the patient owes for a visit, line by line, and keep the estimate.",
        "estimate_cmd",
    ),
    "plans": _entry(
        "The plan/tier directory you maintain (import), and patients' payment plans (add, "
        "list, show).",
        "estimate_cmd",
        "payment_plans_cmd",
    ),
    "submit": _entry(
        "Scrub every draft, held and ready claim; write clean ones to one 837P per payer (a "
        "payer that takes paper only: CMS-1500s in outbox/paper).",
        "submit_cmd",
    ),
    "forms": _entry(
        "Paper claim forms: a claim's CMS-1500 (02/12) as PDF, whole or data only.",
        "forms_cmd",
    ),
    "transport": _entry(
        "Clearinghouse SFTP: upload the outbox, fetch acknowledgments and remittances.",
        "transport_cmd",
    ),
    "ingest": _entry(
        "Read 835, 999, 277CA, 277 and 271 files: each once, in one transaction; problems "
        "become work.",
        "ingest_cmd",
    ),
    "deposits": _entry(
        "Bank deposits: import bank files, enter checks, reconcile them to the 835s.",
        "deposits_cmd",
    ),
    "statements": _entry(
        "Patient statements: run them, list and show them, hold an account's.",
        "statements_cmd",
    ),
    "collections": _entry(
        "Collections: propose unpaid accounts, decide them, export them to the agency.",
        "collections_cmd",
    ),
    "gfe": _entry(
        "Good-faith estimates for self-pay patients: make, show, check the bill, resolve.",
        "gfe_cmd",
    ),
    "patient": _entry(
        "Patient accounts: take payments, print receipts, apply credit, reverse, refund.",
        "patient_cmd",
    ),
    "x12": _entry(
        "Read X12 5010 files.",
        "x12_cmd",
    ),
    "queue": _entry(
        "The work queues, by tier.",
        "queue_cmd",
    ),
    "tier2": _entry(
        "Tier 2: corrected claims, voids, appeals, follow-up, write-offs.",
        "tier2_cmd",
    ),
    "kpi": _entry(
        "Tier 3 KPIs (HFMA/MGMA definitions), each traceable to the claims behind it.",
        "kpi_cmd",
    ),
    "books": _entry(
        "The books: check the ledger's invariants as of a date.",
        "books_cmd",
    ),
    "close": _entry(
        "Close a month: no entry may be effective in it afterwards. Refuses, listing each "
        "finding, while ERAs are unposted, claims half posted or cash unapplied (exit 1).",
        "close_cmd",
    ),
    "reopen": _entry(
        "Reopen the last closed month (an admin, with a reason; audited).",
        "close_cmd",
    ),
    "periods": _entry(
        "The months ever closed: open or closed now, who closed and reopened them, and why.",
        "close_cmd",
    ),
    "pack": _entry(
        "The month-end pack: day sheets, movements by account and reason, the A/R "
        "roll-forward per payer class (CSV and PDF). Exit 1 when the roll-forward does not "
        "reconcile.",
        "close_cmd",
    ),
    "invoice": _entry(
        "The billing company's invoice for a closed month by the profile's fee model, with the "
        "collections claim by claim, the month's KPIs and the work done by tier (CSV and PDF).",
        "close_cmd",
    ),
    "cycle": _entry(
        "Run the practice through N simulated days against the payer simulator.",
        "cycle_cmd",
    ),
    "rules": _entry(
        "List every scrub rule: code, name, severity, tier, what it checks and how to fix it.",
        "rules_cmd",
    ),
    "codes": _entry(
        "Code sets from the official files you supply.",
        "codes_cmd",
    ),
    "users": _entry(
        "People, their roles and their extra queues.",
        "users_cmd",
        "web_users_cmd",
    ),
    "audit": _entry(
        "The audit log of patient-data views and changes.",
        "audit_cmd",
    ),
    "backup": _entry(
        "Copy a practice's books and files into one archive (not the second-factor key).",
        "backup_cmd",
    ),
    "restore": _entry(
        "Restore a backup into an empty database and the home's folders.",
        "backup_cmd",
    ),
    "serve": _entry(
        "Serve the web desk and the API (put TLS in front of it for anything but this machine).",
        "serve_cmd",
    ),
    "worker": _entry(
        "Run background jobs for every practice (or the one named): procrastinate on PostgreSQL, "
        "in process on SQLite.",
        "worker_cmd",
    ),
    "demo": _entry(
        "Synthesize a practice, run it through 90 simulated days, report, and serve the desk.",
        "demo_cmd",
    ),
}
