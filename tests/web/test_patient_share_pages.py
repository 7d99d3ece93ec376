"""The patient's-share pages of the web desk (issue 16), on SQLite and PostgreSQL: running the
statements from the Statements page (dry run first), the Collections page (propose, decide by
another manager, export and download the agency file, recoveries), good-faith estimates (make,
view, the $400 flag and its hold) and the estimates on the patient page. Each form is checked,
carries the session's CSRF token, shows a refusal as a message and saves nothing refused."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from desk_practice import USERS, Desk
from fastapi.testclient import TestClient
from httpx import Response
from share_desk import SECOND_MANAGER, TODAY, bill_more, build_share_desk, signed_in_as

from claimdesk.domain.coverage import NetworkTier
from claimdesk.domain.estimate import PlanTier
from claimdesk.domain.money import Money
from claimdesk.domain.statements import HoldReason
from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
ANN, BO, MEG, AUD = (USERS[r] for r in (Role.TIER1, Role.TIER2, Role.MANAGER, Role.AUDITOR))


def _csrf(client: TestClient, path: str = "/statements") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return page.text.split('name="csrf_token" value="')[1].split('"')[0]


def _post(client: TestClient, path: str, **form: str) -> Response:
    return client.post(path, data={"csrf_token": _csrf(client), **form})


def _section(html: str, table_id: str) -> str:
    return html.split(f'id="{table_id}"')[1].split("</table>")[0]


def _runs(uow_factory: UowFactory) -> int:
    with uow_factory() as uow:
        return len(uow.statements.runs())


def _actions(uow_factory: UowFactory) -> list[tuple[str, str, str]]:
    with uow_factory() as uow:
        return [(r.record.user_id, r.record.action, r.record.outcome) for r in uow.audit.records()]


def _desk(uow_factory: UowFactory, tmp_path: Path) -> Desk:
    return build_share_desk(uow_factory, tmp_path / "home")


def test_the_statements_page_runs_a_dry_run_then_the_run_and_opens_the_batch(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    desk = _desk(uow_factory, tmp_path)
    ann = desk.signed_in(Role.TIER1)
    auditor = desk.signed_in(Role.AUDITOR)
    page = auditor.get("/statements")
    assert page.status_code == 200
    assert 'id="dry-run"' not in page.text  # an auditor runs nothing
    refused = auditor.post("/statements/run", data={"csrf_token": _csrf(auditor), "dry_run": "no"})
    assert refused.status_code == 403
    assert "an auditor may not run jobs" in refused.text
    forged = ann.post("/statements/run", data={"dry_run": "no"})
    assert forged.status_code == 403
    assert "Form expired" in forged.text
    assert _runs(uow_factory) == 0

    # P2's account is held: the dry run says who would get a statement, and why not.
    with uow_factory() as uow:
        uow.statements.hold("P2", HoldReason.DISPUTE, "disputes the bill", at=TODAY, by=ANN)
        uow.commit()
    dry = ann.post("/statements/run", data={"csrf_token": _csrf(ann), "dry_run": "yes"})
    assert dry.status_code == 200, dry.text
    assert "Dry run for 2024-07-15: nothing was kept" in dry.text
    assert "G1-20240715" in _section(dry.text, "would-send")
    assert '<td>P2</td><td class="num">150.00</td><td>on hold: dispute</td>' in _section(
        dry.text, "skipped"
    )
    assert 'id="run"' in dry.text
    assert _runs(uow_factory) == 0  # a dry run keeps nothing

    run = ann.post("/statements/run", data={"csrf_token": _csrf(ann), "dry_run": "no"})
    assert run.status_code == 200, run.text
    assert "Statements of 2024-07-15: run" in run.text
    assert 'href="/statements/runs/2024-07-15/batch.pdf"' in run.text
    batch = ann.get("/statements/runs/2024-07-15/batch.pdf")
    assert batch.headers["content-type"] == "application/pdf"
    assert batch.content.startswith(b"%PDF")
    assert ann.get("/statements/runs/2024-07-14/batch.pdf").status_code == 404
    again = ann.post("/statements/run", data={"csrf_token": _csrf(ann), "dry_run": "no"})
    assert "already run, nothing sent again" in again.text
    assert _runs(uow_factory) == 1
    listed = ann.get("/statements")
    assert '<td>2024-07-15</td><td class="num">1</td><td class="num">1</td>' in listed.text
    actions = _actions(uow_factory)
    assert (ANN, "run_job", "ok") in actions
    assert (AUD, "run_job", "denied") in actions
    assert (ANN, "view_statement_batch", "not_found") in actions


def test_the_collections_page_proposes_decides_exports_and_shows_recoveries(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    desk = _desk(uow_factory, tmp_path)
    ann = desk.signed_in(Role.TIER1)
    meg = desk.signed_in(Role.MANAGER)
    other = signed_in_as(desk, SECOND_MANAGER)
    auditor = desk.signed_in(Role.AUDITOR)
    before = ann.get("/collections")
    assert before.status_code == 200
    assert "No account is due." in before.text  # no statement was sent yet
    ran = ann.post("/statements/run", data={"csrf_token": _csrf(ann), "dry_run": "no"})
    assert ran.status_code == 200, ran.text

    due = meg.get("/collections")
    candidates = _section(due.text, "candidates")
    assert '<td>G1</td><td class="num">35.00</td><td>2024-03-15</td>' in candidates
    assert '<td>P2</td><td class="num">150.00</td><td>2024-03-15</td>' in candidates
    assert _post(meg, "/collections/review").status_code == 303
    pending = _section(meg.get("/collections").text, "pending")
    assert "<td>1</td><td>G1</td>" in pending
    assert "<td>2</td><td>P2</td>" in pending

    # Nobody approves their own proposal: the service's reason, on the page; nothing changes.
    own = meg.post(
        "/collections/1/decision", data={"csrf_token": _csrf(meg), "decision": "approve"}
    )
    assert own.status_code == 422
    assert "you proposed it; another manager must decide it" in own.text
    assert "Nothing changed." in own.text
    assert "<td>1</td><td>G1</td>" in _section(own.text, "pending")
    # Tier 1 and the auditor see the referrals but may not decide or download.
    assert 'id="approve-1"' not in ann.get("/collections").text
    denied = auditor.post(
        "/collections/1/decision", data={"csrf_token": _csrf(auditor), "decision": "approve"}
    )
    assert denied.status_code == 403
    forged = other.post("/collections/1/decision", data={"decision": "approve"})
    assert forged.status_code == 403
    assert "<td>1</td><td>G1</td>" in _section(meg.get("/collections").text, "pending")

    approve = {"csrf_token": _csrf(other), "decision": "approve"}
    assert other.post("/collections/1/decision", data=approve).status_code == 303
    reject = {"csrf_token": _csrf(other), "decision": "reject"}
    assert other.post("/collections/2/decision", data=reject).status_code == 303
    page = other.get("/collections")
    assert f'<td>1</td><td>G1</td><td class="num">35.00</td><td>{SECOND_MANAGER}</td>' in (
        _section(page.text, "approved")
    )
    assert "referral 2 (P2, by max)" in page.text

    exported = other.post("/collections/export", data={"csrf_token": _csrf(other)})
    assert exported.status_code == 303, exported.text
    name = exported.headers["location"].split("exported=")[1]
    shown = other.get(exported.headers["location"])
    assert f'href="/collections/files/{name}"' in shown.text
    download = other.get(f"/collections/files/{name}")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    (row,) = list(csv.DictReader(io.StringIO(download.text)))
    assert (row["referral"], row["account"], row["name"], row["balance"]) == (
        "1",
        "G1",
        "John Doe",
        "35.00",
    )
    assert row["dates_of_service"] == "2024-02-10"
    assert row["referred_on"] == "2024-07-15"
    assert ann.get(f"/collections/files/{name}").status_code == 403
    assert other.get("/collections/files/collections-20990101T000000.csv").status_code == 422
    assert other.get("/collections/files/..%2Fsecret.csv").status_code in (404, 422)
    nothing = other.post("/collections/export", data={"csrf_token": _csrf(other)})
    assert nothing.headers["location"] == "/collections?exported=none"

    referred = _section(ann.get("/collections").text, "referred")
    assert '<td class="num">35.00</td><td class="num">0.00</td><td class="num">35.00</td>' in (
        referred
    )
    # Jane's guarantor pays 20.00 at the desk: a recovery, shown beside what was written off.
    paid = ann.post(
        "/patients/P1/payments",
        data={"csrf_token": _csrf(ann), "amount": "20.00", "method": "check", "reference": "101"},
    )
    assert paid.status_code == 303, paid.text
    referred = _section(ann.get("/collections").text, "referred")
    assert '<td class="num">35.00</td><td class="num">20.00</td><td class="num">15.00</td>' in (
        referred
    )
    assert "<td>2024-07-15</td>" in referred
    actions = _actions(uow_factory)
    assert (MEG, "decide_collections", "failed") in actions
    assert (AUD, "decide_collections", "denied") in actions
    assert (SECOND_MANAGER, "download_collections_export", "ok") in actions
    assert (ANN, "download_collections_export", "denied") in actions


def test_a_good_faith_estimate_is_made_viewed_and_flagged_400_over(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    desk = _desk(uow_factory, tmp_path)
    ann = desk.signed_in(Role.TIER1)
    patient = ann.get("/patients/P2")
    assert "No good-faith estimate was made for this patient." in patient.text
    assert '<option value="E3">E3 (2024-02-10)</option>' in patient.text
    # Jane's visits went to her Acme plan: none of them is offered, and one asked for is refused.
    assert 'value="E1"' not in ann.get("/patients/P1").text
    insured = ann.post("/gfe", data={"csrf_token": _csrf(ann), "encounter_id": "E1"})
    assert insured.status_code == 422
    assert "encounter E1: the patient has coverage on 2024-02-10" in insured.text
    auditor = desk.signed_in(Role.AUDITOR)
    refused = auditor.post("/gfe", data={"csrf_token": _csrf(auditor), "encounter_id": "E3"})
    assert refused.status_code == 403
    assert ann.post("/gfe", data={"encounter_id": "E3"}).status_code == 403
    with uow_factory() as uow:
        assert uow.good_faith.of_encounter("E1") is None
        assert uow.good_faith.of_encounter("E3") is None

    made = ann.post("/gfe", data={"csrf_token": _csrf(ann), "encounter_id": "E3"})
    assert made.status_code == 303, made.text
    assert made.headers["location"] == "/gfe/GFE-E3"
    page = ann.get("/gfe/GFE-E3")
    assert '<dd id="gfe-total">150.00</dd>' in page.text
    assert '<dd id="gfe-billed">150.00</dd>' in page.text
    assert "within $400 of the estimate" in page.text
    pdf = ann.get("/gfe/GFE-E3/estimate.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert ann.get("/gfe/GFE-NOPE").status_code == 404
    # The patient page shows the estimate beside what the visit left to the patient.
    visits = _section(ann.get("/patients/P2").text, "visits")
    assert '<a href="/gfe/GFE-E3">150.00 (GFE)</a></td><td class="num">150.00</td>' in visits

    bill_more(uow_factory, "400.00")
    flagged = ann.get("/gfe/GFE-E3")
    assert "Billed exceeds the good-faith estimate by $400 or more (400.00 over)" in flagged.text
    assert "dispute eligible" in flagged.text
    assert "Not checked yet" in flagged.text
    checked = ann.post("/gfe/GFE-E3/check", data={"csrf_token": _csrf(ann)})
    assert checked.status_code == 303
    held = ann.get("/gfe/GFE-E3")
    assert '<dd id="gfe-status">dispute</dd>' in held.text
    assert "Statements and collections of account P2 are held (dispute)" in held.text
    assert 'id="resolve"' not in held.text  # Tier 2 ends a dispute
    patient = ann.get("/patients/P2")
    assert "dispute eligible: statements and collections held" in patient.text
    assert "Statements are held: dispute." in patient.text
    dry = ann.post("/statements/run", data={"csrf_token": _csrf(ann), "dry_run": "yes"})
    assert '<td>P2</td><td class="num">550.00</td><td>on hold: dispute</td>' in dry.text

    bo = desk.signed_in(Role.TIER2)
    blank = bo.post("/gfe/GFE-E3/resolve", data={"csrf_token": _csrf(bo), "note": " "})
    assert blank.status_code == 422
    assert '<dd id="gfe-status">dispute</dd>' in bo.get("/gfe/GFE-E3").text
    resolved = bo.post(
        "/gfe/GFE-E3/resolve", data={"csrf_token": _csrf(bo), "note": "bill corrected"}
    )
    assert resolved.status_code == 303
    done = bo.get("/gfe/GFE-E3")
    assert '<dd id="gfe-status">resolved</dd>' in done.text
    assert "The dispute was resolved: bill corrected" in done.text
    assert "Statements are held" not in bo.get("/patients/P2").text


def test_the_patient_page_sets_the_estimate_beside_what_insurance_left(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    desk = _desk(uow_factory, tmp_path)
    ann = desk.signed_in(Role.TIER1)
    visits = _section(ann.get("/patients/P1").text, "visits")
    # No estimate given yet: the column is empty beside the 45.00 insurance left on C1.
    assert '<td class="num">190.00</td><td class="num">100.00</td><td class="num">45.00</td>' in (
        visits
    )
    # Jane's plan: a 25.00 office visit copay, no deductible (the plan/tier directory).
    with uow_factory() as uow:
        tier = PlanTier(
            "ACME",
            "Acme PPO",
            NetworkTier.TIER_1,
            Money("25.00"),
            Decimal(0),
            Money.zero(),
            Money("5000.00"),
        )
        uow.plan_tiers.put(tier, at=TODAY, by=ANN)
        uow.commit()
    made = ann.post("/claims/C1/estimate", data={"csrf_token": _csrf(ann)})
    assert made.status_code == 303, made.text
    visits = _section(ann.get("/patients/P1").text, "visits")
    row = visits.split('href="/claims/C1"')[1].split("</tr>")[0]
    cells = [c.split("<")[0] for c in row.split('<td class="num">')[1:]]
    # Charge, insurance paid, adjusted, the estimate given (the copay), what insurance left to
    # the patient (a 20.00 deductible the estimate did not foresee, and the copay), paid, owed.
    assert cells == ["190.00", "100.00", "45.00", "25.00", "45.00", "10.00", "0.00", "35.00"]
    # C2 had no estimate: nothing is shown beside the 10.00 left to the patient.
    other = visits.split('href="/claims/C2"')[1].split("</tr>")[0]
    assert '<td class="num"></td><td class="num">10.00</td>' in other
