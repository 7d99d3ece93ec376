"""A billing team's day, role by role, in Debian chromium over a practice built by the real
services (issue 17). Every screen is photographed (``tests/e2e/screenshots/day-*.png``) and
checked by axe-core (``node_modules``, installed by the Makefile) for accessibility violations.

- Tier 1 fixes a held claim of each hold kind: every kind the synthetic practice plants
  (registration, coverage, referring NPI, diagnosis codes, pointers, modifiers, NDC) and the two
  the practice configures (a payer's prior authorization list, the MUE table's units); a fix
  that leaves the claim held shows why beside the field; then every fixed claim is sent.
- Tier 2 filters the queue to denials without a page reload, opens a chosen one, reads its
  CARC and RARC in words, appeals it, sends a corrected claim and appeals that at level 2.
- The manager approves a write-off from the approvals queue.
- The admin onboards a person: added, a one-time password link, the person's own password,
  their first sign-in and their queue.
"""

from __future__ import annotations

import csv
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from claimdesk.codes.reference import load_config, load_reference
from claimdesk.cycle.chart import Correction, read_chart
from claimdesk.denials.table import shipped_table
from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.work import WorkKind, WorkStatus
from claimdesk.hl7.mapping import load_mappings
from claimdesk.hl7.write import charges as hl7_charges
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.scrub.findings import Finding
from claimdesk.services import tier2
from claimdesk.services.claim_editor import claim_editor
from claimdesk.services.hl7_intake import take_message
from claimdesk.services.post_remittance import post_bytes
from claimdesk.services.submit import SubmitReport, submit

sys.path.append(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parents[1] / "web"))
sys.path.append(str(Path(__file__).resolve().parents[1] / "integration"))
sys.path.append(str(Path(__file__).resolve().parents[1]))
from billing_practice import (
    AUTHORIZED_CODE,
    DESK_TIME,
    MUE_CODE,
    MUE_UNITS,
    PARTNERS,
    PASSWORD,
    USERS,
    BillingPractice,
    audited,
    build_practice,
    pdf_text,
)
from desk_browser import chromium, served, shot
from playwright.sync_api import Browser, Page, expect
from remit_practice import CO, Clp, claim_payment, file_of, remittance, svc

from unit.edi.pyx12_oracle import pyx12_errors

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
if not AXE.is_file():
    if os.environ.get("CI") == "true":
        pytest.fail(f"{AXE} is missing, and CI=true requires the accessibility check")
    pytest.skip(f"{AXE} is missing: make installs it with npm", allow_module_level=True)

# The hold kinds a person fixes, each with the claim's fields the fix types in.
PLANTED = (
    "missing_member_id",
    "missing_address_line",
    "dependent_as_self",
    "expired_coverage",
    "invalid_diagnosis",
    "non_billable_diagnosis",
    "bad_referring_npi",
    "weak_pointer",
    "missing_modifier_25",
    "missing_ndc",
)
AUTHORIZATION = "PA20261005"


@dataclass(frozen=True)
class Hold:
    kind: str
    claim_id: str
    item_id: int
    corrections: tuple[Correction, ...]


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, BillingPractice]]:
    built = build_practice(tmp_path_factory.mktemp("day"), more_holds=True)
    with served(built.config) as url:
        yield url, built
    built.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _accessible(page: Page, name: str) -> None:
    """The screen, photographed; axe-core finds no violation of its WCAG 2 A and AA rules."""
    shot(page, f"day-{name}")
    # Evaluated by the browser's debugger, as a tool would: the desk's policy runs no inline
    # script, and must not be loosened for the test.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    assert found == [], f"{name}: {found}"


def _sign_in(browser: Browser, url: str, built: BillingPractice, role: Role) -> Page:
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{url}/login")
    page.get_by_label("User name").fill(USERS[role])
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    if built.code(role):
        page.get_by_label("One-time code").fill(built.code(role))
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


# A rendering provider the practice has not set up, named by a message from its EHR.
UNKNOWN_NPI = "1003000126"

# A finding on the claim's coverages is answered by the patient's date with no insurance.
ANSWERS = {"patient.uninsured_since": "coverages"}


def _names(finding: Finding, corrections: tuple[Correction, ...]) -> bool:
    """The finding is on a field the corrections type into (``diagnoses[1]`` is in
    ``diagnoses``)."""
    where, line = finding.location.field.split("[")[0], finding.location.line
    return any(
        (c.field == where or c.field.startswith(f"{where}.") or ANSWERS.get(c.field) == where)
        and (line is None or c.line in (None, line))
        for c in corrections
    )


def _configured(claim: Claim, blocking: tuple[Finding, ...]) -> tuple[Correction, ...]:
    """What a biller types for the holds the practice configured: the payer's authorization
    number, and the units the MUE table allows (the charge with them)."""
    fix: list[Correction] = []
    for finding in blocking:
        if finding.location.field == "prior_authorization":
            fix.append(Correction("prior_authorization", None, AUTHORIZATION))
        elif finding.location.field == "units" and finding.location.line is not None:
            line = next(x for x in claim.lines if x.line_number == finding.location.line)
            each = line.charge.amount / line.units
            fix += [
                Correction("units", line.line_number, str(MUE_UNITS)),
                Correction("charge", line.line_number, str(each * MUE_UNITS)),
            ]
    return tuple(fix)


def _holds(built: BillingPractice) -> list[Hold]:
    """A held claim of each kind, whose every blocking finding its fix answers: the planted
    kinds fixed from the chart (the practice's answer key), the configured ones with the values
    a biller gets from the payer (an authorization number) and the MUE table (the units)."""
    bundle = built.settings.home.parent / "bundle"
    chart = read_chart(bundle)
    with (bundle / "defects.csv").open(newline="", encoding="utf-8") as handle:
        planted = list(csv.DictReader(handle))
    reference = load_reference(built.settings.home / "codes")
    config = load_config(built.settings.home)
    factory = built.config.uow_factory
    with factory() as uow:
        items = {
            c.claim_id: i.item_id
            for c in uow.claims.with_status(ClaimStatus.HELD)
            for i in uow.work_items.active_of_claim(c.claim_id, None)
            if i.kind is WorkKind.SCRUB_HOLD and i.item_id is not None
        }
        held = [c for c in uow.claims.with_status(ClaimStatus.HELD) if c.claim_id in items]

    def fixed(claim: Claim) -> tuple[Correction, ...] | None:
        """The claim's whole fix, or None when a blocking finding has none (past its filing
        limit, say)."""
        view = claim_editor(
            factory, claim.claim_id, reference=reference, config=config, now=DESK_TIME
        )
        blocking = tuple(f for f in view.findings if f.blocks_submission)
        fix = (
            *chart.corrections(
                claim.encounter.encounter_id, claim.encounter.patient_account, claim.coverage_id
            ),
            *_configured(claim, blocking),
        )
        return fix if all(_names(f, fix) for f in blocking) else None

    def planted_on(kind: str, claim: Claim) -> bool:
        return any(
            r["kind"] == kind
            and (
                r["encounter_id"] == claim.encounter.encounter_id
                or (
                    not r["encounter_id"]
                    and r["patient_account"] == claim.encounter.patient_account
                    and r["coverage_id"] in ("", claim.coverage_id)
                )
            )
            for r in planted
        )

    def configured_on(kind: str, claim: Claim) -> bool:
        code = AUTHORIZED_CODE if kind == "prior_authorization" else MUE_CODE
        line = next((x for x in claim.lines if x.procedure_code == code), None)
        return line is not None and (kind == "prior_authorization" or line.units > MUE_UNITS)

    found: list[Hold] = []
    taken: set[str] = set()
    for kind in (*PLANTED, "prior_authorization", "units"):
        on = configured_on if kind in ("prior_authorization", "units") else planted_on
        for claim in held:
            if claim.claim_id in taken or not on(kind, claim):
                continue
            if kind != "expired_coverage" and planted_on("expired_coverage", claim):
                continue  # its patient becomes self-pay: an 837 would not show this fix
            fix = fixed(claim)
            if fix is not None:
                found.append(Hold(kind, claim.claim_id, items[claim.claim_id], fix))
                taken.add(claim.claim_id)
                break
    walked = {h.kind for h in found}
    # Every family of hold: registration, coverage, referring provider, codes, authorization,
    # units.
    assert {"missing_address_line", "missing_member_id", "bad_referring_npi"} <= walked, walked
    assert {"invalid_diagnosis", "missing_modifier_25", "prior_authorization", "units"} <= walked, (
        walked
    )
    return found


def _send(built: BillingPractice, outbox: Path) -> SubmitReport:
    """The worker's submit run: every ready claim scrubbed and sent in 837 files."""
    return submit(
        built.config.uow_factory,
        outbox,
        reference=load_reference(built.settings.home / "codes"),
        config=load_config(built.settings.home),
        partners=PARTNERS,
        now=DESK_TIME,
        by="worker",
        policy=shipped_policy(),
    )


def _field_id(correction: Correction) -> str:
    if correction.line is None:
        return correction.field.replace(".", "-")
    return f"line-{correction.line}-{correction.field}"


def test_tier1_fixes_a_held_claim_of_each_kind_and_each_is_sent(
    browser: Browser, day: tuple[str, BillingPractice]
) -> None:
    url, built = day
    holds = _holds(built)
    page = _sign_in(browser, url, built, Role.TIER1)
    page.goto(f"{url}/queue?kind=scrub_hold&sort=amount&order=desc")
    expect(page.locator("#matched")).to_contain_text("item(s) match")
    _accessible(page, "tier1-holds")

    for n, hold in enumerate(holds):
        page.goto(f"{url}/items/{hold.item_id}")
        expect(page.locator("ul.findings")).to_be_visible()
        page.locator("#take-item").click()
        if n == 0:
            _accessible(page, "tier1-held-item")
        page.locator("#open-editor").click()
        expect(page).to_have_url(f"{url}/claims/{hold.claim_id}/edit")
        if hold.kind == "invalid_diagnosis":
            # A category code is a real code but not billable: saved, and still held, with why.
            page.locator("#diagnoses").fill("J01")
            page.get_by_role("button", name="Save and scrub again").click()
            expect(page.locator("#edit-result")).to_contain_text("Saved, still held")
            expect(page.locator(".field.invalid, .finding.blocking").first).to_be_visible()
            _accessible(page, "tier1-fix-still-held")
        for correction in hold.corrections:
            page.locator(f"#{_field_id(correction)}").fill(correction.value)
        page.get_by_role("button", name="Save and scrub again").click()
        expect(page.locator("#edit-result")).to_contain_text("Saved and released")
        if n == 0:  # one photograph and check of the screen; the other fixes show the same one
            _accessible(page, "tier1-fixed")

    sent = built.settings.home / "day-sent"
    report = _send(built, sent)
    files = [sent / b.file_name for b in report.batches]
    text = "".join(f.read_text() for f in files)
    for f in files:
        assert pyx12_errors(f.read_text()) == [], f.name
    with built.config.uow_factory() as uow:
        for hold in holds:
            claim = uow.claims.get(hold.claim_id)
            assert claim is not None
            if hold.kind == "expired_coverage":
                # No coverage applies: the visit is the patient's, billed on their statement.
                assert hold.claim_id in report.self_pay_ready
                assert f"CLM*{hold.claim_id}*" not in text
            else:
                assert claim.status is ClaimStatus.SUBMITTED, (hold.kind, claim.status)
                assert f"CLM*{hold.claim_id}*" in text, hold.kind
            item = uow.work_items.get(hold.item_id)
            assert item is not None
            assert item.status is WorkStatus.DONE, hold.kind
    assert f"REF*G1*{AUTHORIZATION}~" in text
    page.goto(f"{url}/batches")
    _accessible(page, "tier1-batches")


def test_tier2_appeals_a_chosen_denial_corrects_it_and_appeals_again(
    browser: Browser, day: tuple[str, BillingPractice]
) -> None:
    url, built = day
    page = _sign_in(browser, url, built, Role.TIER2)
    page.goto(f"{url}/queue")
    _accessible(page, "tier2-queue")
    # Filtering swaps the results in place (htmx): the page is not loaded again.
    page.evaluate("window.stillHere = true")
    page.locator("#f-kind").select_option("denial")
    expect(page).to_have_url(
        f"{url}/queue?queue=&kind=denial&status=open&amount_from=&due_within=&sort=score&order=desc"
    )
    page.get_by_role("link", name="At stake").click()
    expect(page.locator("th[aria-sort]")).to_have_text("At stake")
    assert page.evaluate("window.stillHere") is True
    _accessible(page, "tier2-denials-by-amount")

    # The keyboard walks the rows: j selects the first, o opens it.
    first = page.locator("table.worklist tbody tr a[href^='/items/']").first.get_attribute("href")
    page.keyboard.press("j")
    expect(page.locator("table.worklist tbody tr[aria-selected='true']")).to_have_count(1)
    page.keyboard.press("o")
    expect(page).to_have_url(f"{url}{first}")
    # The chosen denial, opened and taken.
    page.goto(f"{url}/items/{built.tier2_item}")
    page.locator("#take-item").click()
    expect(page.locator("#denial-words")).not_to_be_empty()
    expect(page.locator("#denial-rarc")).to_be_visible()
    _accessible(page, "tier2-denial")
    page.keyboard.press("a")
    expect(page.locator("#note-text")).to_be_focused()
    page.keyboard.type("Called the payer: corrected claim with modifier 25 first.")
    page.locator("#add-note").click()

    claim_id = built.denial_claim
    page.get_by_label("Appeal argument").fill("The service was billed as documented.")
    page.get_by_role("button", name="Write the appeal letter").click()
    expect(page.get_by_role("link", name="appeal letter (PDF)")).to_be_visible()
    page.get_by_label("What the payer said").fill("Rep confirmed the appeal address")
    page.get_by_role("button", name="Log the follow-up").click()
    expect(page.get_by_text("Rep confirmed the appeal address").first).to_be_visible()

    # The 837 has left the outbox for the clearinghouse: it is read where it is archived.
    built.settings.sent.mkdir(parents=True, exist_ok=True)
    for file in built.settings.outbox.glob("837P-*.x12"):
        file.rename(built.settings.sent / file.name)
    page.goto(f"{url}/claims/{claim_id}/segments")
    expect(page.locator("#sent-837")).to_contain_text(f"CLM*{claim_id}*")
    expect(page.get_by_text(f"CLP*{claim_id}*")).to_be_visible()
    _accessible(page, "tier2-segments")
    # The same 835 posted again changes nothing, and says so.
    page.get_by_role("link", name="Post an ERA").click()
    page.get_by_label("835 file").set_input_files(str(next(built.settings.archive.glob("*.835"))))
    page.get_by_role("button", name="Post it").click()
    expect(page.get_by_text("This file was posted before; nothing changed.")).to_be_visible()
    _accessible(page, "tier2-era-posted-again")
    page.goto(f"{url}/items/{built.tier2_item}")

    page.get_by_role("button", name="Make a corrected claim (frequency 7)").click()
    expect(page.locator("#correction-draft")).to_contain_text(f"claim {claim_id}")
    _accessible(page, "tier2-corrected-claim-draft")
    page.get_by_label("Line 1 modifiers").fill("25")
    page.get_by_role("button", name="Save and scrub again").click()
    expect(page.locator("#edit-result")).to_contain_text("modifiers")
    _accessible(page, "tier2-corrected-claim-saved")
    with built.config.uow_factory() as uow:
        original = uow.claims.get(claim_id)
        assert original is not None
        assert original.status is ClaimStatus.CLOSED
        corrected = uow.claims.for_encounter(original.encounter.encounter_id)[-1]
        assert corrected.replaces_payer_claim_number == original.payer_claim_number
        assert corrected.status is ClaimStatus.READY

    # The payer denies the corrected claim too: its appeal is the service's second level.
    _deny(built, corrected.claim_id)
    page.goto(f"{url}/claims/{corrected.claim_id}")
    _accessible(page, "tier2-corrected-claim-denied")
    with built.config.uow_factory() as uow:
        item = next(
            i
            for i in uow.work_items.active_of_claim(corrected.claim_id, None)
            if i.kind is WorkKind.DENIAL
        )
    page.goto(f"{url}/items/{item.item_id}")
    page.locator("#take-item").click()
    expect(page.locator("#denial-carc")).to_contain_text("CO-50")
    page.get_by_label("Appeal argument").fill("Corrected with modifier 25 and still denied.")
    page.get_by_role("button", name="Write the appeal letter").click()
    expect(page.get_by_role("link", name="appeal letter (PDF)")).to_be_visible()
    _accessible(page, "tier2-level-2-appeal")
    with built.config.uow_factory() as uow:
        appeals = uow.appeals.of_claim(corrected.claim_id)
    assert [a.level for a in appeals] == [2]
    with page.expect_download() as download:
        page.get_by_role("link", name="appeal letter (PDF)").click()
    letter = download.value
    assert corrected.claim_id in letter.suggested_filename
    # The PDF's strings escape parentheses; long sentences wrap into lines of their own.
    text = pdf_text(Path(letter.path()).read_bytes()).replace("\\(", "(").replace("\\)", ")")
    assert "Request for reconsideration (level 2)" in text
    assert "corrected claim (frequency 7)" in text
    assert f"our claim {claim_id}" in text
    for action in ("view_item", "export_appeal_letter", "view_segments"):
        assert audited(built, action), action
        assert all(patient is not None for patient in audited(built, action)), action


def _deny(built: BillingPractice, claim_id: str) -> None:
    """The corrected claim is sent, and the payer's 835 denies it (CO-50, with appeal rights)."""
    factory = built.config.uow_factory
    with factory() as uow:
        claim = uow.claims.get(claim_id)
        assert claim is not None
        lines = claim.lines
    _send(built, built.settings.home / "day-corrected")
    denied = claim_payment(
        claim_id,
        *(
            svc(
                claim_id,
                line.line_number,
                line.procedure_code,
                str(line.charge.amount),
                "0.00",
                (CO, "50", str(line.charge.amount)),
            )
            for line in lines
        ),
        status=Clp.DENIED,
    )
    posted = post_bytes(
        factory,
        file_of(remittance("DAY-T2", denied, paid_on=DESK_TIME.date())),
        name="day-denial.835",
        now=DESK_TIME,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )
    assert posted.ok, posted.problems


def test_the_manager_approves_a_write_off_from_the_approvals_queue(
    browser: Browser, day: tuple[str, BillingPractice]
) -> None:
    url, built = day
    page = _sign_in(browser, url, built, Role.MANAGER)
    page.goto(f"{url}/queue")
    page.locator("#f-queue").select_option("t3-approvals")
    expect(page.locator(f"a[href='/items/{built.approval_item}']")).to_be_visible()
    _accessible(page, "manager-approvals")
    page.locator(f"a[href='/items/{built.approval_item}']").click()
    page.locator("#take-item").click()
    _accessible(page, "manager-approval-item")
    page.get_by_role("button", name="Approve the write-off").click()
    expect(page.locator("#write-off-status")).to_have_text("posted")
    with built.config.uow_factory() as uow:
        item = uow.work_items.get(built.approval_item)
        left = tier2.insurance_balance(uow, built.write_off_claim)
    assert item is not None
    assert item.status is WorkStatus.DONE
    assert not left.is_positive()

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Denial trend by month")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Denied dollars by category"))).to_be_visible()
    expect(page.get_by_role("heading", name="Insurance billed A/R aging by payer")).to_be_visible()
    _accessible(page, "manager-dashboard")
    page.locator("#ar-total a").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^A\/R as of \d{4}-\d\d-\d\d"))
    ).to_be_visible()
    expect(page.locator("tbody tr").first).to_be_visible()
    _accessible(page, "manager-aging-claims")


def test_the_admin_onboards_a_person_who_signs_in_and_works(
    browser: Browser, day: tuple[str, BillingPractice]
) -> None:
    url, built = day
    page = _sign_in(browser, url, built, Role.ADMIN)
    page.goto(f"{url}/admin/users")
    _accessible(page, "admin-people")
    page.get_by_label("User name", exact=True).fill("dee")
    page.get_by_label("Full name", exact=True).fill("Dee Newhire")
    page.get_by_label("Role", exact=True).select_option("tier1")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("dee").first).to_be_visible()
    page.locator("#link-dee").click()
    link = page.locator("#password-link").input_value()
    _accessible(page, "admin-password-link")
    # The link as the admin sends it: the desk's address as the admin reached it.
    assert link.startswith(f"{url}/password/")
    newcomer = browser.new_page()
    newcomer.goto(link)
    _accessible(newcomer, "newcomer-password")
    chosen = "a long first password of dee"
    newcomer.get_by_label("New password").fill(chosen)
    newcomer.get_by_label("The same again").fill(chosen)
    newcomer.keyboard.press("Enter")
    # The password is chosen: the person is sent to sign in with it.
    expect(newcomer.get_by_role("status")).to_contain_text("dee: your password is set")
    _accessible(newcomer, "newcomer-sign-in")
    newcomer.get_by_label("User name").fill("dee")
    newcomer.get_by_label("Password", exact=True).fill(chosen)
    newcomer.keyboard.press("Enter")
    expect(newcomer.get_by_role("button", name="Sign out")).to_be_visible()
    newcomer.goto(f"{url}/queue")
    # A Tier 1 person works the Tier 1 queues from the first day.
    expect(newcomer.get_by_text("Queues you work: t1-")).to_be_visible()
    expect(newcomer.locator("#next-item")).to_be_visible()
    _accessible(newcomer, "newcomer-queue")
    with built.config.uow_factory() as uow:
        records = [r.record for r in uow.audit.records(limit=200, newest_first=True)]
    assert any(r.action == "set_password_by_link" and r.user_id == "dee" for r in records)


def test_tier1_reads_where_an_ehr_message_went_wrong(
    browser: Browser, day: tuple[str, BillingPractice]
) -> None:
    """A charge message from the EHR names a provider the practice has not set up: Tier 1
    finds the interface error in the front-end queue, with the segment, field and reason."""
    url, built = day
    settings = built.settings
    with built.config.uow_factory() as uow:
        claim = uow.claims.get(built.write_off_claim)
        assert claim is not None
        visit = claim.encounter
        patient = uow.patients.get(visit.patient_account)
        assert patient is not None
    (settings.practice_home / "hl7.toml").write_text(
        f'[senders.RIVERBEND_EHR]\nbilling_npi = "{visit.billing_npi}"\n', encoding="utf-8"
    )
    message = hl7_charges(
        replace(visit, encounter_id="EHR-0001", rendering_npi=UNKNOWN_NPI),
        patient,
        sender="RIVERBEND_EHR",
        control_id="DFT-E2E-1",
        now=DESK_TIME,
    )
    taken = take_message(
        built.config.uow_factory,
        message,
        mappings=load_mappings(settings.practice_home),
        policy=shipped_policy(),
        user="hl7",
        now=DESK_TIME,
    )
    assert [str(p.location) for p in taken.problems] == ["PV1-7.1"]
    page = _sign_in(browser, url, built, Role.TIER1)
    page.goto(f"{url}/queue")
    page.locator("#f-kind").select_option("interface_error")
    row = page.locator("tbody tr", has_text="interface_error")
    expect(row).to_have_count(1)
    _accessible(page, "tier1-interface-errors")
    row.get_by_role("link").first.click()
    reason = re.compile(r"PV1-7\.1: the rendering provider \d{10} is not a provider on file")
    expect(page.get_by_text(reason)).to_be_visible()
    expect(page.get_by_text("DFT^P03 DFT-E2E-1 from RIVERBEND_EHR")).to_be_visible()
    _accessible(page, "tier1-interface-error-item")
