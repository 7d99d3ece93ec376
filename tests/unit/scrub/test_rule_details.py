"""Rule behaviour beyond the documented examples: dates, exceptions and edge cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from claimdesk.domain.coverage import Priority
from claimdesk.scrub import examples as ex
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.engine import Scrubber
from claimdesk.scrub.reference import PtpEdit

SCRUBBER = Scrubber.default()


def _codes(ctx: ScrubContext, code: str) -> list[str]:
    return [i.message for i in SCRUBBER.rule(code).check(ctx)]


def test_ptp_edit_outside_its_dates_does_not_apply(base: ScrubContext) -> None:
    ctx = ex.add_line(ex.add_line(base, "93000"), "93005")
    assert _codes(ctx, "NCC001")
    deleted = PtpEdit("93000", "93005", date(2020, 1, 1), date(2025, 12, 31), "0")
    reference = replace(base.reference, ptp={("93000", "93005"): (deleted,)})
    assert _codes(replace(ctx, reference=reference), "NCC001") == []


def test_ptp_pairs_only_lines_of_the_same_day(base: ScrubContext) -> None:
    ctx = ex.add_line(base, "20610", modifiers=("RT",), date_of_service=date(2026, 3, 9))
    assert _codes(ctx, "NCC002") == []
    assert _codes(ctx, "COD014") == []


def test_indicator_nine_is_never_an_edit(base: ScrubContext) -> None:
    edit = PtpEdit("20610", "99213", date(2020, 1, 1), None, "9")
    reference = replace(base.reference, ptp={("20610", "99213"): (edit,)})
    ctx = replace(ex.add_line(base, "20610", modifiers=("RT",)), reference=reference)
    assert _codes(ctx, "NCC001") == []
    assert _codes(ctx, "NCC002") == []


def test_mue_line_limit_applies_per_line_not_per_day(base: ScrubContext) -> None:
    ctx = ex.add_line(ex.add_line(base, "20610", modifiers=("RT",)), "20610", modifiers=("LT",))
    ctx = ex.line(ex.line(ctx, 3, units=Decimal(2)), 4, units=Decimal(2))
    assert _codes(ctx, "NCC003") == []


def test_venipuncture_does_not_need_modifier_25(base: ScrubContext) -> None:
    assert _codes(ex.add_line(base, "36415"), "COD014") == []


def test_repeat_modifiers_are_not_duplicates(base: ScrubContext) -> None:
    repeat = ex.add_line(base, "83036", modifiers=("91",))
    assert _codes(repeat, "DUP002") == []
    history = ex.billed_elsewhere(ex.line(base, 1, modifiers=("76",)))
    assert _codes(history, "DUP001") == []


def test_a_claim_is_not_its_own_duplicate(base: ScrubContext) -> None:
    ctx = ex.billed_elsewhere(base)
    own = replace(
        ctx,
        history=replace(
            ctx.history,
            claims_by_service={
                k: frozenset({base.claim_id}) for k in ctx.history.claims_by_service
            },
        ),
    )
    assert _codes(own, "DUP001") == []


def test_age_conflict_skips_invalid_codes_and_uses_age_on_service_date(
    base: ScrubContext,
) -> None:
    child = ex.patient(ex.diagnoses(base, "Z00121", "I10"), birth_date=date(2008, 3, 11))
    assert _codes(child, "COD004") == []  # 17 on the date of service
    adult = ex.patient(ex.diagnoses(base, "Z00121", "I10"), birth_date=date(2008, 3, 10))
    assert _codes(adult, "COD004") == ["diagnosis 1 (Z00.121) conflicts with the patient's age 18"]


def test_minor_subscriber_rule_is_for_commercial_plans_only(base: ScrubContext) -> None:
    child = ex.patient(base, birth_date=date(2016, 6, 1))
    assert _codes(child, "REG008")
    assert base.payer is not None
    medicaid = replace(child, payer=replace(base.payer, kind=ex.PayerKind.MEDICAID))
    assert _codes(medicaid, "REG008") == []


def test_inactive_secondary_is_not_checked_for_completeness(base: ScrubContext) -> None:
    ended = ex.other_coverage(
        base,
        member_id="",
        termination=date(2025, 1, 1),
        effective=date(2020, 1, 1),
        priority=Priority.SECONDARY,
    )
    assert _codes(ended, "COV008") == []


def test_subscriber_birth_date_required_field_reads_the_patient_for_self(
    base: ScrubContext,
) -> None:
    ctx = ex.rules(base, required_fields=("subscriber_birth_date", "group_number"))
    assert _codes(ctx, "PAY001") == []
    no_group = ex.coverage(ctx, group_number="")
    assert _codes(no_group, "PAY001") == ["Summit Health Plan requires group number"]
