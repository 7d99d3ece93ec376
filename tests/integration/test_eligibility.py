"""Eligibility on SQLite and PostgreSQL: 270 out for unbilled claims' coverages, 271 answers in,
stored per coverage, problems become Tier 1 work items and a later clean answer closes them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text
from store_practice import NOW
from tier1_practice import (
    ACTIVE_PLAN,
    INACTIVE_PLAN,
    UowFactory,
    answer_271,
    import_small_practice,
    request_for,
)

from claimdesk.codes.reference import load_config
from claimdesk.domain.benefits import AllowedBasis, ServiceCategory, shipped_catalog
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.coverage import NetworkTier
from claimdesk.domain.money import Money
from claimdesk.domain.work import Outcome, WorkKind, WorkStatus
from claimdesk.edi.x12.composites import Procedure
from claimdesk.edi.x270.write import VERSION
from claimdesk.edi.x271.read import PROCEDURE_QUALIFIER, BenefitCode
from claimdesk.edi.x271.write import BenefitAnswer
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.eligibility import (
    InquiryReport,
    eligibility_result,
    ingest_eligibility,
    problem_key,
    results_for_claims,
    send_inquiries,
)
from claimdesk.services.estimates import estimate_encounter, import_directory
from claimdesk.services.trading_partners import TradingPartners

DOS = date(2024, 2, 10)
CONFIG = load_config(None)


def _send(
    uow_factory: UowFactory,
    outbox: Path,
    *,
    now: datetime = NOW,
    max_age_days: int | None = None,
) -> InquiryReport:
    return send_inquiries(
        uow_factory,
        outbox,
        partners=TradingPartners(),
        config=CONFIG,
        now=now,
        max_age_days=max_age_days,
        policy=shipped_policy(),
    )


def _trace(uow_factory: UowFactory) -> str:
    with uow_factory() as uow:
        return uow.eligibility.checks_of(["COV1"])[-1].trace_number


def _items(uow_factory: UowFactory, claim_id: str) -> list[tuple[WorkStatus, str]]:
    with uow_factory() as uow:
        return [
            (item.status, item.summary)
            for item in uow.work_items.active_of_claim(claim_id, problem_key("COV1"))
        ]


def test_inquiry_then_active_answer_is_stored_per_coverage(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    import_small_practice(uow_factory)
    report = _send(uow_factory, tmp_path)
    # E1 and E2 share coverage COV1 and their date of service: one request; E3 is self-pay.
    assert report.requests == 1
    assert len(report.files) == 1
    sent = Path(report.files[0]).read_text()
    assert VERSION in sent
    assert "NM1*IL*1*DOE*JOHN****MI*A12345678~" in sent
    assert "DTP*291*D8*20240210~" in sent

    trace = _trace(uow_factory)
    answer = ingest_eligibility(
        uow_factory,
        answer_271([request_for(trace, DOS)]),
        source="271-a.x12",
        now=NOW,
        policy=shipped_policy(),
    )
    assert (answer.answered, answer.active, answer.problems, answer.unmatched) == (1, 1, [], [])

    with uow_factory() as uow:
        check = uow.eligibility.checks_of(["COV1"])[-1]
        figures = {(b.service_type, b.network): b for b in uow.eligibility.benefits(check.check_id)}
    assert check.active is True
    assert check.plan == "ACME PPO"
    assert check.authorization_required is True
    assert check.authorization_codes == ()  # EB11 = Y without EB13: the whole plan
    assert check.messages == ("NETWORK TIER 1 - PREFERRED",)
    assert check.raw_response is not None
    assert check.raw_response.startswith("HL*")
    assert "EB*C**30**" in check.raw_response
    whole_plan_in = figures[("30", "in")]
    assert whole_plan_in.coinsurance == Decimal("0.2")
    assert whole_plan_in.deductible == Money("1500.00")
    assert whole_plan_in.deductible_remaining == Money("40.00")
    assert whole_plan_in.out_of_pocket_remaining == Money("2100.50")
    assert figures[("98", "in")].copay == Money("25.00")
    assert figures[("30", "out")].coinsurance == Decimal("0.4")
    assert figures[("30", "out")].deductible_remaining is None

    result = eligibility_result(check)
    assert result is not None
    assert (result.coverage_id, result.service_date, result.active) == ("COV1", DOS, True)
    assert result.authorization_required is True

    # Reading the same file again changes nothing; a fresh check is not sent again.
    again = ingest_eligibility(
        uow_factory,
        answer_271([request_for(trace, DOS)]),
        source="271-a.x12",
        now=NOW,
        policy=shipped_policy(),
    )
    assert again.already_read
    assert again.answered == 0
    later = _send(uow_factory, tmp_path, now=NOW + timedelta(days=3))
    assert (later.requests, later.up_to_date) == (0, 1)


def test_procedures_needing_authorization_are_stored_with_the_check(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    import_small_practice(uow_factory)
    _send(uow_factory, tmp_path)
    trace = _trace(uow_factory)
    per_procedure = tuple(
        BenefitAnswer(
            BenefitCode.BENEFIT_DESCRIPTION,
            (),
            authorization_required=True,
            procedure=Procedure(PROCEDURE_QUALIFIER, code),
        )
        for code in ("73721", "20610")
    )
    text = answer_271([request_for(trace, DOS)], benefits=(ACTIVE_PLAN[0], *per_procedure))
    report = ingest_eligibility(
        uow_factory, text, source="271-codes.x12", now=NOW, policy=shipped_policy()
    )
    assert (report.answered, report.active) == (1, 1)

    with uow_factory() as uow:
        check = uow.eligibility.checks_of(["COV1"])[-1]
        claims = [c for c in uow.claims.with_status(ClaimStatus.DRAFT) if c.coverage_id == "COV1"]
    assert check.authorization_codes == ("20610", "73721")
    # Only procedures need authorization, so the plan-level flag stays unset.
    assert check.authorization_required is None
    result = eligibility_result(check)
    assert result is not None
    assert result.authorization_codes == frozenset({"20610", "73721"})
    assert not result.authorization_required
    assert claims
    found = results_for_claims(claims, [check])
    assert {r.authorization_codes for r in found.values()} == {frozenset({"20610", "73721"})}


def test_problems_become_work_items_and_a_clean_answer_closes_them(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    import_small_practice(uow_factory)
    _send(uow_factory, tmp_path)
    first = ingest_eligibility(
        uow_factory,
        answer_271([request_for(_trace(uow_factory), DOS)], reject="72"),
        source="271-reject.x12",
        now=NOW,
        policy=shipped_policy(),
    )
    assert first.answered == 1
    assert first.active == 0
    assert first.work_items_opened == 2  # claims CE1 and CE2
    with uow_factory() as uow:
        check = uow.eligibility.checks_of(["COV1"])[-1]
        item = uow.work_items.active_for("CE1", problem_key("COV1"))
    assert (check.active, check.problem, check.reject_reason, check.follow_up) == (
        False,
        "unknown_member",
        "72",
        "C",
    )
    assert item is not None
    assert item.kind is WorkKind.ELIGIBILITY_FAILURE
    assert item.tier == 1
    assert item.queue == "t1-front-end"
    assert "AAA reject reason 72: the member id is invalid or missing" in item.summary
    assert "Check the member id with the patient's insurance card" in item.summary
    with uow_factory() as uow:
        claim = uow.claims.get("CE1")
        assert claim is not None
        results = results_for_claims([claim], uow.eligibility.checks_of(["COV1"]))
    assert results["CE1"].active is False
    assert "member id is invalid" in results["CE1"].reason

    # Still pending within the limit: no new request; with a limit of 0 days it is stale.
    assert _send(uow_factory, tmp_path, now=NOW).requests == 0
    stale = _send(uow_factory, tmp_path, now=NOW + timedelta(days=1), max_age_days=0)
    assert stale.requests == 1
    inactive = ingest_eligibility(
        uow_factory,
        answer_271([request_for(_trace(uow_factory), DOS)], benefits=INACTIVE_PLAN, control=901),
        source="271-inactive.x12",
        now=NOW + timedelta(days=1),
        policy=shipped_policy(),
    )
    assert inactive.work_items_opened == 0  # the same problem is already open on both claims
    assert "inactive on 2024-02-10" in inactive.problems[0]
    # Each message names the visits it is about (both share the coverage and the day).
    assert inactive.problems[0].startswith("encounters E1, E2, coverage COV1 on 2024-02-10: ")

    _send(uow_factory, tmp_path, now=NOW + timedelta(days=2), max_age_days=0)
    clean = ingest_eligibility(
        uow_factory,
        answer_271([request_for(_trace(uow_factory), DOS)], control=902),
        source="271-clean.x12",
        now=NOW + timedelta(days=2),
        policy=shipped_policy(),
    )
    assert clean.work_items_closed == 2
    assert _items(uow_factory, "CE1") == []
    assert _items(uow_factory, "CE2") == []
    with uow_factory() as uow:
        closed = uow.work_items.get(item.item_id or 0)
    assert closed is not None
    assert closed.outcome is Outcome.PROBLEM_SOLVED


def test_answers_for_traces_we_never_sent_are_reported_not_stored(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    import_small_practice(uow_factory)
    report = ingest_eligibility(
        uow_factory,
        answer_271([request_for("NOT-OURS", DOS)]),
        source="271-x.x12",
        now=NOW,
        policy=shipped_policy(),
    )
    assert report.unmatched == ["NOT-OURS"]
    assert report.answered == 0


def test_coverage_without_member_id_is_not_sent_but_becomes_work(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    import_small_practice(uow_factory)
    with uow_factory() as uow:
        uow.read.execute(text("UPDATE coverages SET member_id = '' WHERE coverage_id = 'COV1'"))
        uow.commit()
    report = _send(uow_factory, tmp_path)
    assert report.requests == 0
    assert report.files == []
    assert report.not_sent == [
        "encounters E1, E2, coverage COV1 on 2024-02-10: no member id to ask the payer about"
    ]
    assert report.work_items == 1
    summary = _items(uow_factory, "CE1")[0][1]
    assert "Enter the member id from the patient's insurance card" in summary


def test_a_coverage_the_270_cannot_carry_is_named_with_its_encounters(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    import_small_practice(uow_factory)
    with uow_factory() as uow:
        uow.read.execute(text("UPDATE coverages SET member_id = 'A1*2' WHERE coverage_id = 'COV1'"))
        uow.commit()
    report = _send(uow_factory, tmp_path)
    assert report.requests == 0
    [message] = report.not_sent
    assert message.startswith("encounters E1, E2, coverage COV1 on 2024-02-10: ")
    assert message.endswith("'A1*2' contains an X12 delimiter")
    assert message.count("COV1") == 1


def test_estimate_uses_contract_rate_directory_tier_and_271_remaining(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    import_small_practice(uow_factory)
    directory = tmp_path / "plans.csv"
    # Tier 1 is a high-deductible design (no copay: the visit goes to the deductible); tier 2
    # names every optional column.
    directory.write_text(
        "payer_id,plan_name,network_tier,copay,coinsurance,deductible,out_of_pocket_max,"
        "specialist_copay,copay_services,preventive_free,copay_with_coinsurance,"
        "allowed_without_contract,maximum_allowable,balance_billing\n"
        "ACME,Acme PPO,1,0.00,0.1,1000.00,4000.00,,,,,,,\n"
        "ACME,Acme PPO,2,45.00,0.3,2000.00,8000.00,60.00,office_visit,yes,no,maximum,0.7,no\n"
    )
    assert import_directory(uow_factory, directory, now=NOW, by="alice") == 2
    assert import_directory(uow_factory, directory, now=NOW, by="alice") == 0
    with uow_factory() as uow:
        stored = uow.plan_tiers.get("ACME", "Acme PPO", NetworkTier.TIER_2)
    assert stored is not None
    assert stored.specialist_copay == Money("60.00")
    assert stored.copay_services == frozenset({ServiceCategory.OFFICE_VISIT})
    assert (stored.preventive_free, stored.balance_billing) == (True, False)
    assert (stored.allowed_without_contract, stored.maximum_allowable) == (
        AllowedBasis.MAXIMUM,
        Decimal("0.7"),
    )

    # No 271 yet: tier 1 of the directory, nothing of the deductible met.
    # Line 1 (99213-25 by a family physician, an office visit; no rate for the modifier, so the
    # plain 92.50 rate): no copay in this plan, so all 92.50 to the deductible. Line 2 (90686,
    # flu vaccine, ACIP: preventive, free in network) owes nothing on its 40.00 charge.
    before = estimate_encounter(uow_factory, "E1", catalog=shipped_catalog(), now=NOW, by="alice")
    lines = before.estimate.lines
    assert [(e.line.allowed, e.line.allowed_basis) for e in lines] == [
        (Money("92.50"), "contract"),
        (Money("40.00"), "charge"),
    ]
    assert [e.line.category for e in lines] == [
        ServiceCategory.OFFICE_VISIT,
        ServiceCategory.PREVENTIVE,
    ]
    assert [e.benefit for e in lines] == [
        "office_visit: deductible, then 10% coinsurance",
        "preventive: no cost sharing",
    ]
    assert before.estimate.patient == Money("92.50")
    assert before.estimate.insurer == Money("40.00")

    _send(uow_factory, tmp_path)
    ingest_eligibility(
        uow_factory,
        answer_271([request_for(_trace(uow_factory), DOS)]),
        source="a",
        now=NOW,
        policy=shipped_policy(),
    )
    # With the 271: 40.00 deductible left. Line 1: deductible 40.00, then 10% of 52.50 = 5.25
    # -> 45.25. Line 2: still free. Patient 45.25, plan 132.50 - 45.25 = 87.25.
    after = estimate_encounter(
        uow_factory, "E1", catalog=shipped_catalog(), now=NOW + timedelta(minutes=1), by="alice"
    )
    assert [e.patient for e in after.estimate.lines] == [Money("45.25"), Money(0)]
    assert after.estimate.patient == Money("45.25")
    assert after.estimate.insurer == Money("87.25")
    with uow_factory() as uow:
        kept = uow.estimates.for_encounter("E1")
    assert [e.patient for e in kept] == [Money("92.50"), Money("45.25")]
    assert kept[-1].sources == {
        "copay": "directory",
        "coinsurance": "directory",
        "deductible_remaining": "271",
        "out_of_pocket_remaining": "271",
    }
