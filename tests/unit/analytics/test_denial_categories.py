"""The denial Pareto names a code the category table does not know "needs_review", and leaves
out a secondary's OA-23 (the prior payer's adjudication restated, not a denial)."""

from __future__ import annotations

from datetime import date

from claimdesk.analytics.denials import denials
from claimdesk.analytics.facts import Facts, Period
from claimdesk.denials.table import shipped_table
from claimdesk.domain.money import Money

from .builders import claim, payment

MARCH = Period(date(2024, 3, 1), date(2024, 3, 31))


def test_unknown_codes_show_as_needs_review_and_oa_23_is_not_a_denial() -> None:
    facts = Facts(
        claims=(
            claim("C1", (date(2024, 3, 1), "submitted"), (date(2024, 3, 9), "denied")),
            claim("C2", (date(2024, 3, 1), "submitted"), (date(2024, 3, 9), "paid")),
        ),
        payments=(
            # C1: $100 charge, $60 denied for medical necessity, $40 under a code nobody knows.
            payment(
                1,
                "C1",
                date(2024, 3, 9),
                paid="0.00",
                clp_status="4",
                denied="100.00",
                adjustments=(("CO", "50", "60.00"), ("CO", "999", "40.00")),
            ),
            # C2: a secondary's 835 paying $20 after the primary's $80 restated as OA-23.
            payment(
                2,
                "C2",
                date(2024, 3, 9),
                paid="20.00",
                adjustments=(("OA", "23", "80.00"),),
            ),
        ),
    )
    kpi = denials(facts, MARCH, shipped_table())
    by_name = {t.name: t for t in kpi.tables}
    assert [row[:3] for row in by_name["denials_by_category"].rows] == [
        ("medical_necessity", 1, Money("60.00")),
        ("needs_review", 1, Money("40.00")),
    ]
    assert [row[0] for row in by_name["denials_by_carc"].rows] == ["CO-50", "CO-999"]
