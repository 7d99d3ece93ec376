"""Every route, every role: each answer matches this test's own permission table.

The table is written here by hand, independently of ``claimdesk.desk.guard``; a route the app
gains without a row here fails ``test_the_table_covers_every_route``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from desk_practice import CLAIM_T1, USERS, build_desk
from fastapi.routing import APIRoute

from claimdesk.http.api.routes import router as api_router
from claimdesk.http.pages.pages import router as pages_router
from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork

ROLES = (Role.TIER1, Role.TIER2, Role.MANAGER, Role.AUDITOR, Role.ADMIN)
T1, T2 = "{t1}", "{t2}"
READERS = (200, 200, 200, 200, 403)
ON_T2 = (404, 409, 403, 403, 404)  # an action on the Tier 2 denial nobody holds yet
FIX = {"member_id": "A12345678", "diagnoses": "J069", "pointers_1": "1"}
NOT_835 = ("era.835", b"ISA*not an 835~", "application/octet-stream")
NOT_BANK = ("bank.bai", b"hello,world", "application/octet-stream")
ALL_OK = (200, 200, 200, 200, 200)
BOOKS = (403, 403, 200, 200, 200)  # who may verify the books: the month end's readers
CLOSERS = (403, 403, 503, 403, 503)
NO_HOME_JOBS = (503, 503, 503, 403, 403)  # readers of patients who may run jobs, no data home
FEB = "2024-02"  # the small practice's charges are dated 2024-02-10
# (method, route template, concrete path, form or JSON body, expected per role in ROLES order).
# Items of a queue one neither works nor oversees answer 404: an id reveals nothing.
PAGES: list[tuple[str, str, str, dict[str, Any] | None, tuple[int, ...]]] = [
    ("GET", "/", "/", None, (303, 303, 303, 303, 303)),
    ("GET", "/queue", "/queue", None, ALL_OK),
    ("GET", "/queue.csv", "/queue.csv", None, ALL_OK),
    ("GET", "/items/{item_id}", f"/items/{T1}", None, (200, 404, 200, 200, 404)),
    ("GET", "/items/{item_id}", f"/items/{T2}", None, (404, 200, 200, 200, 404)),
    ("GET", "/search", "/search?q=Doe", None, READERS),
    ("GET", "/claims/{claim_id}", f"/claims/{CLAIM_T1}", None, READERS),
    ("GET", "/patients/{account}", "/patients/P1", None, READERS),
    # The front desk takes payments (Tier 1 and up); the receipt is for who reads patients.
    (
        "POST",
        "/patients/{account}/payments",
        "/patients/P2/payments",
        {"amount": "10.00", "method": "cash"},
        (303, 303, 303, 403, 403),
    ),
    (
        "GET",
        "/payments/{receipt}/receipt.pdf",
        "/payments/1/receipt.pdf",
        None,
        (200, 200, 200, 404, 403),  # the auditor's desk took no payment
    ),
    ("GET", "/admin/users", "/admin/users", None, (403, 403, 200, 403, 200)),
    ("GET", "/dashboard", "/dashboard", None, (403, 403, 200, 200, 403)),
    ("GET", "/audit", "/audit", None, (403, 403, 403, 200, 403)),
    (
        "POST",
        "/items/{item_id}/note",
        f"/items/{T1}/note",
        {"text": "n"},
        (303, 404, 403, 403, 404),
    ),
    (
        "POST",
        "/items/{item_id}/note",
        f"/items/{T2}/note",
        {"text": "n"},
        (404, 303, 403, 403, 404),
    ),
    # Not held yet: the holder rule refuses even the right tier (409).
    (
        "POST",
        "/items/{item_id}/escalate",
        f"/items/{T1}/escalate",
        {"reason": "r"},
        (409, 404, 403, 403, 404),
    ),
    (
        "POST",
        "/items/{item_id}/snooze",
        f"/items/{T2}/snooze",
        {"until": "2026-04-01"},
        (404, 409, 403, 403, 404),
    ),
    ("POST", "/items/{item_id}/release", f"/items/{T2}/release", {}, (404, 409, 403, 403, 404)),
    (
        "POST",
        "/items/{item_id}/close",
        f"/items/{T1}/close",
        {"outcome": "no_action_needed"},
        (409, 404, 403, 403, 404),
    ),
    (
        "POST",
        "/admin/users",
        "/admin/users",
        {"user_id": "newbie", "name": "N", "role": "tier1"},
        (403, 403, 303, 403, 303),
    ),
    (
        "POST",
        "/admin/users/{user_id}/grants",
        "/admin/users/ann/grants",
        {"queue": "t1-rejections"},
        (403, 403, 303, 403, 303),
    ),
    (
        "POST",
        "/admin/users/{user_id}/password",
        "/admin/users/newbie/password",
        {"password": "another long password"},
        # Only an admin sets another person's password (separation of duties, issue 14).
        (403, 403, 403, 403, 303),
    ),
    (
        "POST",
        "/admin/users/{user_id}/password-link",
        "/admin/users/newbie/password-link",
        {},
        # A link to choose a password is an admin's too (the manager's MANAGE_PEOPLE passes
        # the desk's check, the sign-in rule refuses it).
        (403, 403, 403, 403, 200),
    ),
    (
        "POST",
        "/admin/users/{user_id}/disable",
        "/admin/users/newbie/disable",
        {"confirm": "yes"},
        (403, 403, 303, 403, 303),
    ),
    (
        "POST",
        "/admin/users/{user_id}/enable",
        "/admin/users/newbie/enable",
        {},
        (403, 403, 303, 403, 303),
    ),
    (
        "POST",
        "/admin/users/{user_id}/revoke",
        "/admin/users/ann/revoke",
        {"queue": "t1-rejections"},
        (403, 403, 303, 403, 303),
    ),
    (
        "POST",
        "/admin/users/{user_id}/role",
        "/admin/users/newbie/role",
        {"role": "tier2"},
        # Only an admin changes roles (separation of duties).
        (403, 403, 403, 403, 303),
    ),
    # Billing actions go through an item one works and holds: not held yet answers 409.
    ("POST", "/items/{item_id}/fix", f"/items/{T1}/fix", FIX, (409, 404, 403, 403, 404)),
    ("POST", "/items/{item_id}/corrected-claim", f"/items/{T2}/corrected-claim", {}, ON_T2),
    ("POST", "/items/{item_id}/void", f"/items/{T2}/void", {"reason": "duplicate"}, ON_T2),
    ("POST", "/items/{item_id}/appeal", f"/items/{T2}/appeal", {"argument": "a"}, ON_T2),
    (
        "POST",
        "/items/{item_id}/follow-up",
        f"/items/{T2}/follow-up",
        {"channel": "call", "notes": "n"},
        ON_T2,
    ),
    (
        "POST",
        "/items/{item_id}/write-off",
        f"/items/{T2}/write-off",
        {"amount": "10.00", "reason_code": "contractual"},
        ON_T2,
    ),
    # Only a manager decides write-offs (403 to every other role, whatever the id); and a denial
    # item offers no decision: that is a Tier 3 approval item's action.
    (
        "POST",
        "/items/{item_id}/write-off/decision",
        f"/items/{T2}/write-off/decision",
        {"decision": "approve"},
        (403, 403, 403, 403, 403),
    ),
    (
        "GET",
        "/items/{item_id}/appeals/{appeal_id}/letter",
        f"/items/{T2}/appeals/1/letter",
        None,
        (404, 404, 404, 404, 404),
    ),
    ("GET", "/claims/{claim_id}/eligibility", f"/claims/{CLAIM_T1}/eligibility", None, READERS),
    ("GET", "/claims/{claim_id}/segments", f"/claims/{CLAIM_T1}/segments", None, READERS),
    ("GET", "/claims/{claim_id}/edit", f"/claims/{CLAIM_T1}/edit", None, READERS),
    ("GET", "/claims", "/claims", None, READERS),
    ("GET", "/claims.csv", "/claims.csv", None, READERS),
    # The claim is a draft, not held: those who may edit are refused by its state (409).
    ("POST", "/claims/{claim_id}/edit", f"/claims/{CLAIM_T1}/edit", {}, (409, 409, 409, 403, 403)),
    (
        "POST",
        "/claims/{claim_id}/estimate",
        f"/claims/{CLAIM_T1}/estimate",
        {},
        (303, 303, 303, 403, 403),
    ),
    ("GET", "/remittances", "/remittances", None, (403, 200, 200, 403, 403)),
    ("GET", "/eras", "/eras", None, READERS),
    ("GET", "/batches", "/batches", None, READERS),
    ("GET", "/batches/{batch_id}", "/batches/999999", None, (404, 404, 404, 404, 403)),
    ("GET", "/acknowledgments", "/acknowledgments", None, READERS),
    ("GET", "/eras.csv", "/eras.csv", None, READERS),
    ("GET", "/eras/{remittance_id}", "/eras/NO-SUCH", None, (404, 404, 404, 404, 403)),
    ("POST", "/remittances", "/remittances", {"file": NOT_835}, (403, 409, 409, 403, 403)),
    ("GET", "/deposits", "/deposits", None, (403, 200, 200, 403, 403)),
    ("GET", "/statements", "/statements", None, READERS),
    (
        "GET",
        "/statements/{statement_id}.pdf",
        "/statements/NOPE.pdf",
        None,
        (404, 404, 404, 404, 403),
    ),
    # Running statements, exporting to the agency and making a good-faith estimate write files
    # in the data home this table's desk has not (503); the rest answer as they would.
    ("POST", "/statements/run", "/statements/run", {"dry_run": "yes"}, NO_HOME_JOBS),
    (
        "GET",
        "/statements/runs/{day}/batch.pdf",
        "/statements/runs/2026-03-02/batch.pdf",
        None,
        (404, 404, 404, 404, 403),
    ),
    ("GET", "/collections", "/collections", None, READERS),
    ("POST", "/collections/review", "/collections/review", {}, (303, 303, 303, 403, 303)),
    (
        "POST",
        "/collections/{referral_id}/decision",
        "/collections/1/decision",
        {"decision": "approve"},
        (403, 403, 422, 403, 403),  # the manager: no such referral, said on the page
    ),
    ("POST", "/collections/export", "/collections/export", {}, (403, 403, 503, 403, 403)),
    (
        "GET",
        "/collections/files/{name}",
        "/collections/files/collections-20260302T090000.csv",
        None,
        (403, 403, 503, 403, 403),
    ),
    ("POST", "/gfe", "/gfe", {"encounter_id": "E3"}, (503, 503, 503, 403, 503)),
    ("GET", "/gfe/{gfe_id}", "/gfe/GFE-E3", None, (404, 404, 404, 404, 403)),
    (
        "GET",
        "/gfe/{gfe_id}/estimate.pdf",
        "/gfe/GFE-E3/estimate.pdf",
        None,
        (404, 404, 404, 404, 403),
    ),
    ("POST", "/gfe/{gfe_id}/check", "/gfe/GFE-E3/check", {}, (303, 303, 303, 403, 303)),
    (
        "POST",
        "/gfe/{gfe_id}/resolve",
        "/gfe/GFE-E3/resolve",
        {"note": "n"},
        (403, 422, 422, 403, 403),  # Tier 2 and up: no open dispute
    ),
    ("POST", "/deposits/files", "/deposits/files", {"file": NOT_BANK}, (403, 422, 422, 403, 403)),
    ("POST", "/deposits/reconcile", "/deposits/reconcile", {}, (403, 303, 303, 403, 403)),
    # The month end: reading is the books' verifiers' (manager, auditor, admin); closing a
    # manager's or an admin's, answered 503 here: this table's desk has no data home, whose
    # inbox a close must check for 835s waiting (test_close_web.py closes with one).
    ("GET", "/month-end", "/month-end", None, BOOKS),
    ("POST", "/month-end/{period}/close", f"/month-end/{FEB}/close", {}, CLOSERS),
    (
        "POST",
        "/month-end/{period}/reopen",
        f"/month-end/{FEB}/reopen",
        {"reason": "a late EOB"},
        (403, 403, 403, 403, 409),  # an admin's; February is not closed
    ),
    (
        "GET",
        "/month-end/{period}/files/{name}",
        f"/month-end/{FEB}/files/pack-{FEB}.pdf",
        None,
        BOOKS,
    ),
    (
        "GET",
        "/dashboard/claims",
        "/dashboard/claims?kpi=ar_aging&part=insurance%200-30",
        None,
        (403, 403, 200, 200, 403),
    ),
    (
        "GET",
        "/dashboard/ar",
        "/dashboard/ar?part=insurance%20billed&bucket=0-30",
        None,
        (403, 403, 200, 200, 403),
    ),
    ("GET", "/dashboard/ar.csv", "/dashboard/ar.csv?part=patient", None, (403, 403, 200, 200, 403)),
    # Taking the next item comes last: it changes which items each person holds.
    ("POST", "/queue/next", "/queue/next", {}, (303, 303, 200, 403, 200)),
    # Across one's practices (here the one): nothing left after the item just taken.
    ("POST", "/queue/next-across", "/queue/next-across", {}, (200, 200, 200, 403, 200)),
    ("POST", "/practice", "/practice", {"practice_id": "default"}, (303, 303, 303, 303, 303)),
    # Taking a chosen item: Tier 1 already holds T1 (taken as the next item above).
    ("POST", "/items/{item_id}/take", f"/items/{T1}/take", {}, (409, 404, 403, 403, 404)),
    ("POST", "/logout", "/logout", {}, (303, 303, 303, 303, 303)),
]
API: list[tuple[str, str, str, dict[str, Any] | None, tuple[int, ...]]] = [
    ("GET", "/api/v1/me", "/api/v1/me", None, ALL_OK),
    ("GET", "/api/v1/work/items", "/api/v1/work/items", None, ALL_OK),
    (
        "GET",
        "/api/v1/work/items/{item_id}",
        f"/api/v1/work/items/{T1}",
        None,
        (200, 404, 200, 200, 404),
    ),
    ("GET", "/api/v1/claims", "/api/v1/claims?q=C", None, READERS),
    ("GET", "/api/v1/claims/{claim_id}", f"/api/v1/claims/{CLAIM_T1}", None, READERS),
    ("GET", "/api/v1/patients", "/api/v1/patients?q=D", None, READERS),
    ("GET", "/api/v1/patients/{account}", "/api/v1/patients/P2", None, READERS),
    ("GET", "/api/v1/users", "/api/v1/users", None, (403, 403, 200, 403, 200)),
    ("GET", "/api/v1/summary", "/api/v1/summary", None, (403, 403, 200, 200, 403)),
    (
        "POST",
        "/api/v1/work/items/{item_id}/notes",
        f"/api/v1/work/items/{T2}/notes",
        {"text": "n"},
        (404, 200, 403, 403, 404),
    ),
    (
        "POST",
        "/api/v1/work/items/{item_id}/snooze",
        f"/api/v1/work/items/{T1}/snooze",
        {"until": "2026-04-01T08:00:00Z"},
        (409, 404, 403, 403, 404),
    ),
    (
        "POST",
        "/api/v1/work/items/{item_id}/release",
        f"/api/v1/work/items/{T1}/release",
        {},
        (409, 404, 403, 403, 404),
    ),
    (
        "POST",
        "/api/v1/work/items/{item_id}/escalate",
        f"/api/v1/work/items/{T2}/escalate",
        {"reason": "r"},
        (404, 409, 403, 403, 404),
    ),
    (
        "POST",
        "/api/v1/work/items/{item_id}/close",
        f"/api/v1/work/items/{T2}/close",
        {"outcome": "written_off"},
        (404, 409, 403, 403, 404),
    ),
    (
        "POST",
        "/api/v1/users",
        "/api/v1/users",
        {"user_id": "newbie", "name": "N", "role": "tier1"},
        (403, 403, 201, 403, 201),
    ),
    (
        "POST",
        "/api/v1/users/{user_id}/grants",
        "/api/v1/users/ann/grants",
        {"queue": "t1-rejections"},
        (403, 403, 200, 403, 200),
    ),
    (
        "POST",
        "/api/v1/users/{user_id}/disable",
        "/api/v1/users/newbie/disable",
        {},
        (403, 403, 200, 403, 200),
    ),
    # The item's billing actions: each checks the item (queue, kind, holder) before the claim.
    (
        "POST",
        "/api/v1/work/items/{item_id}/fix",
        f"/api/v1/work/items/{T1}/fix",
        {"diagnoses": ["J069"], "lines": [{"line": 1, "pointers": [1]}]},
        (409, 404, 403, 403, 404),
    ),
    (
        "POST",
        "/api/v1/work/items/{item_id}/corrected-claim",
        f"/api/v1/work/items/{T2}/corrected-claim",
        None,
        ON_T2,
    ),
    (
        "POST",
        "/api/v1/work/items/{item_id}/void",
        f"/api/v1/work/items/{T2}/void",
        {"reason": "duplicate"},
        ON_T2,
    ),
    (
        "POST",
        "/api/v1/work/items/{item_id}/appeals",
        f"/api/v1/work/items/{T2}/appeals",
        {"argument": "medically necessary"},
        ON_T2,
    ),
    (
        "GET",
        "/api/v1/work/items/{item_id}/appeals/{appeal_id}/letter",
        f"/api/v1/work/items/{T2}/appeals/1/letter",
        None,
        (404, 404, 404, 404, 404),
    ),
    (
        "POST",
        "/api/v1/work/items/{item_id}/follow-ups",
        f"/api/v1/work/items/{T2}/follow-ups",
        {"channel": "call", "notes": "called"},
        ON_T2,
    ),
    (
        "POST",
        "/api/v1/work/items/{item_id}/write-off",
        f"/api/v1/work/items/{T2}/write-off",
        {"amount": "10.00", "reason_code": "small-balance"},
        ON_T2,
    ),
    (
        "POST",
        "/api/v1/work/items/{item_id}/write-off/decision",
        f"/api/v1/work/items/{T2}/write-off/decision",
        {"approve": True},
        (403, 403, 403, 403, 403),  # only a manager decides; a denial item asks for no decision
    ),
    (
        "POST",
        "/api/v1/remittances",
        "/api/v1/remittances",
        {"name": "era.835", "x12": "ISA*not an 835~"},
        (403, 409, 409, 403, 403),
    ),
    (
        "POST",
        "/api/v1/patients/{account}/payments",
        "/api/v1/patients/P2/payments",
        {"amount": "10.00", "method": "cash"},
        (200, 200, 200, 403, 403),
    ),
    ("GET", "/api/v1/patients/{account}/account", "/api/v1/patients/P2/account", None, READERS),
    (
        "POST",
        "/api/v1/patients/{account}/credit/apply",
        "/api/v1/patients/P2/credit/apply",
        {},
        (200, 200, 200, 403, 403),
    ),
    (
        "GET",
        "/api/v1/payments/{receipt}/receipt",
        "/api/v1/payments/1/receipt",
        None,
        (200, 200, 200, 404, 403),  # the auditor's desk took no payment
    ),
    (
        "POST",
        "/api/v1/payments/{receipt}/reversal",
        "/api/v1/payments/1/reversal",
        {"reason": "chargeback"},
        (403, 200, 200, 403, 403),  # Tier 2 and managers reverse payments
    ),
    (
        "POST",
        "/api/v1/refunds",
        "/api/v1/refunds",
        {"patient_account": "P2", "amount": "1.00"},
        (403, 422, 422, 403, 403),  # Tier 2 and managers ask; P2 has no credit to refund
    ),
    (
        "POST",
        "/api/v1/refunds/{request_id}/decision",
        "/api/v1/refunds/1/decision",
        {"approve": True},
        (403, 403, 422, 403, 403),  # a manager decides; there is no request 1
    ),
    (
        "GET",
        "/api/v1/refunds/{request_id}/letter",
        "/api/v1/refunds/1/letter",
        None,
        (404, 404, 404, 404, 403),  # no refund was posted
    ),
    (
        "POST",
        "/api/v1/deposits/files",
        "/api/v1/deposits/files",
        {"name": "bank.bai", "text": "01,BANK,CLINIC,260302,,1,,,2/"},
        (403, 422, 422, 403, 403),
    ),
    (
        "POST",
        "/api/v1/deposits",
        "/api/v1/deposits",
        {"deposit_date": "2026-03-02", "amount": "12.50", "trace": "1042", "payer": "ACME"},
        (403, 200, 200, 403, 403),
    ),
    (
        "GET",
        "/api/v1/deposits/reconciliation",
        "/api/v1/deposits/reconciliation?as_of=2026-03-02",
        None,
        (403, 200, 200, 403, 403),
    ),
    (
        "POST",
        "/api/v1/deposits/reconcile",
        "/api/v1/deposits/reconcile",
        {},
        (403, 200, 200, 403, 403),
    ),
    ("GET", "/api/v1/periods", "/api/v1/periods", None, BOOKS),
    ("POST", "/api/v1/periods/{period}/close", f"/api/v1/periods/{FEB}/close", None, CLOSERS),
    (
        "POST",
        "/api/v1/periods/{period}/reopen",
        f"/api/v1/periods/{FEB}/reopen",
        {"reason": "a late EOB"},
        (403, 403, 403, 403, 409),
    ),
    ("GET", "/api/v1/periods/{period}/pack", f"/api/v1/periods/{FEB}/pack", None, BOOKS),
    # An open month has no invoice (409) for whoever may read one.
    (
        "GET",
        "/api/v1/periods/{period}/invoice",
        f"/api/v1/periods/{FEB}/invoice",
        None,
        (403, 403, 409, 409, 409),
    ),
    (
        "GET",
        "/api/v1/periods/{period}/files/{name}",
        f"/api/v1/periods/{FEB}/files/pack-{FEB}-roll-forward.csv",
        None,
        BOOKS,
    ),
    ("GET", "/api/v1/statements", "/api/v1/statements", None, READERS),
    (
        "GET",
        "/api/v1/statements/{statement_id}",
        "/api/v1/statements/NOPE",
        None,
        (404, 404, 404, 404, 403),
    ),
    (
        "GET",
        "/api/v1/statements/{statement_id}/pdf",
        "/api/v1/statements/NOPE/pdf",
        None,
        (404, 404, 404, 404, 403),
    ),
    ("GET", "/api/v1/collections", "/api/v1/collections", None, READERS),
    # Deciding writes off bad debt: managers only; there is no referral 1 (422).
    (
        "POST",
        "/api/v1/collections/{referral_id}/decision",
        "/api/v1/collections/1/decision",
        {"approve": True},
        (403, 403, 422, 403, 403),
    ),
    # Whoever works queues makes estimates, into the data home this test's desk has not (503).
    (
        "POST",
        "/api/v1/encounters/{encounter_id}/gfe",
        "/api/v1/encounters/NOPE/gfe",
        None,
        (503, 503, 503, 403, 503),
    ),
    ("GET", "/api/v1/gfe/{gfe_id}", "/api/v1/gfe/NOPE", None, (404, 404, 404, 404, 403)),
    ("GET", "/api/v1/gfe/{gfe_id}/pdf", "/api/v1/gfe/NOPE/pdf", None, (404, 404, 404, 404, 403)),
    ("GET", "/api/v1/kpis", "/api/v1/kpis", None, (403, 403, 200, 200, 403)),
    ("GET", "/api/v1/kpis/{name}", "/api/v1/kpis/ar_aging", None, (403, 403, 200, 200, 403)),
    ("GET", "/api/v1/ar", "/api/v1/ar?limit=2", None, (403, 403, 200, 200, 403)),
    ("GET", "/api/v1/ar.csv", "/api/v1/ar.csv", None, (403, 403, 200, 200, 403)),
    ("GET", "/api/v1/kpis/{name}", "/api/v1/kpis/no_such_kpi", None, (403, 403, 404, 404, 403)),
    ("POST", "/api/v1/work/next", "/api/v1/work/next", {}, (200, 200, 200, 403, 200)),
    ("POST", "/api/v1/work/next-across", "/api/v1/work/next-across", {}, (200, 200, 200, 403, 200)),
    ("GET", "/api/v1/practices", "/api/v1/practices", None, ALL_OK),
    (
        "PUT",
        "/api/v1/sessions/current/practice",
        "/api/v1/sessions/current/practice",
        {"practice_id": "default"},
        (204, 204, 204, 204, 204),
    ),
    (
        "DELETE",
        "/api/v1/sessions/current",
        "/api/v1/sessions/current",
        None,
        (204, 204, 204, 204, 204),
    ),
]
UNAUTHENTICATED = {
    ("POST", "/login"),
    ("GET", "/login"),
    ("POST", "/api/v1/sessions"),
    # A one-time password link: its token is the proof (tests/web/test_password_link.py).
    ("GET", "/password/{token}"),
    ("POST", "/password/{token}"),
}


def _concrete(path: str, t1: int, t2: int) -> str:
    return path.replace(T1, str(t1)).replace(T2, str(t2))


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_every_page_answers_as_the_table_says(
    uow_factory: Callable[[], UnitOfWork], role: Role
) -> None:
    desk = build_desk(uow_factory)
    client = desk.signed_in(role)
    csrf = client.get("/queue").text.split('name="csrf_token" value="')[1].split('"')[0]
    column = ROLES.index(role)
    for method, _template, path, body, expected in PAGES:
        url = _concrete(path, desk.tier1_item, desk.tier2_item)
        if method == "GET":
            answer = client.get(url)
        else:
            form = {k: v for k, v in (body or {}).items() if not isinstance(v, tuple)}
            files = {k: v for k, v in (body or {}).items() if isinstance(v, tuple)}
            answer = client.post(url, data={"csrf_token": csrf, **form}, files=files or None)
        assert answer.status_code == expected[column], f"{role} {method} {url}: {answer.text}"


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_every_api_route_answers_as_the_table_says(
    uow_factory: Callable[[], UnitOfWork], role: Role
) -> None:
    desk = build_desk(uow_factory)
    client = desk.client()
    headers = {"Authorization": f"Bearer {desk.api_token(client, role)}"}
    column = ROLES.index(role)
    for method, _template, path, body, expected in API:
        url = _concrete(path, desk.tier1_item, desk.tier2_item)
        answer = client.request(method, url, json=body, headers=headers)
        assert answer.status_code == expected[column], f"{role} {method} {url}: {answer.text}"
        if answer.status_code >= 400:
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["status"] == answer.status_code


def test_forms_without_the_session_csrf_token_are_refused(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory)
    client = desk.signed_in(Role.TIER1)
    for token in ("", "0" * 64):
        answer = client.post(
            f"/items/{desk.tier1_item}/note", data={"csrf_token": token, "text": "x"}
        )
        assert answer.status_code == 403
    other = desk.signed_in(Role.TIER1)
    other_csrf = other.get("/queue").text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post(
        f"/items/{desk.tier1_item}/note", data={"csrf_token": other_csrf, "text": "x"}
    )
    assert answer.status_code == 403  # another session's token does not do


def test_without_a_session_pages_redirect_and_the_api_answers_401(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory)
    client = desk.client()
    for method, _template, path, _body, _expected in PAGES:
        url = _concrete(path, desk.tier1_item, desk.tier2_item)
        answer = client.request(method, url)
        assert answer.status_code in (303, 422), f"{method} {url}"
        if answer.status_code == 303:
            assert answer.headers["location"] == "/login"
    for method, _template, path, body, _expected in API:
        url = _concrete(path, desk.tier1_item, desk.tier2_item)
        answer = client.request(method, url, json=body)
        assert answer.status_code == 401, f"{method} {url}"
        assert answer.headers["www-authenticate"] == "Bearer"


def test_the_table_covers_every_route() -> None:
    routes = {
        (method, prefix + route.path)
        for prefix, router in (("/api/v1", api_router), ("", pages_router))
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    covered = {(m, t) for m, t, *_ in PAGES + API} | UNAUTHENTICATED
    assert routes == covered


def test_member_ids_are_masked_for_the_auditor_only(uow_factory: Callable[[], UnitOfWork]) -> None:
    desk = build_desk(uow_factory)
    seen = {
        role: desk.signed_in(role).get(f"/claims/{CLAIM_T1}").text
        for role in (Role.TIER1, Role.AUDITOR)
    }
    assert "A12345678" in seen[Role.TIER1]
    assert "A12345678" not in seen[Role.AUDITOR]
    assert "•••••5678" in seen[Role.AUDITOR]
    assert USERS[Role.AUDITOR] == "aud"
