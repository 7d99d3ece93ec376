"""Net days in A/R, aging, A/R over 90 days, net and patient collection rates from hand-built
postings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from claimdesk.analytics.facts import Facts, LedgerFact, Period
from claimdesk.analytics.patient_collections import patient_collection_rate
from claimdesk.analytics.receivables import (
    LARGEST_PATIENTS,
    PatientPart,
    ar_aging,
    ar_over_90,
    bucket_of,
    net_collection_rate,
    net_days_in_ar,
)
from claimdesk.analytics.results import Side
from claimdesk.domain.ledger import Account
from claimdesk.domain.money import Money

from .builders import claim, posting

QUARTER = Period(date(2024, 4, 1), date(2024, 6, 30))
INS, PAT, GROSS = Account.INSURANCE_AR.value, Account.PATIENT_AR.value, Account.GROSS_CHARGES.value
CASH, CONTRACTUAL = Account.CASH.value, Account.CONTRACTUAL.value


def entry(
    claim_id: str, day: date, kind: str, *sides: tuple[str, str], payer: str = "P1"
) -> list[LedgerFact]:
    return [
        posting(claim_id, account, amount, day, kind=kind, payer=payer) for account, amount in sides
    ]


def practice() -> Facts:
    """R1 served 6/15, paid with a patient share; R2 served 3/1, unpaid; R3 served 4/15, held
    (never billed); R4 served 3/31, paid on 4/20 and the payment reversed on 4/25."""
    submitted = (date(2024, 3, 1), "submitted")
    claims = (
        claim("R1", submitted, dos=date(2024, 6, 15)),
        claim("R2", submitted, dos=date(2024, 3, 1), payer="P2", charge="200.00"),
        claim("R3", (date(2024, 4, 15), "held"), dos=date(2024, 4, 15), charge="50.00"),
        claim("R4", submitted, dos=date(2024, 3, 31)),
    )
    ledger = [
        *entry("R1", date(2024, 6, 15), "charge", (INS, "100.00"), (GROSS, "-100.00")),
        *entry("R1", date(2024, 6, 25), "insurance_payment", (CASH, "60.00"), (INS, "-60.00")),
        *entry(
            "R1",
            date(2024, 6, 25),
            "contractual_adjustment",
            (CONTRACTUAL, "30.00"),
            (INS, "-30.00"),
        ),
        *entry("R1", date(2024, 6, 25), "transfer_to_patient", (PAT, "10.00"), (INS, "-10.00")),
        *entry("R2", date(2024, 3, 1), "charge", (INS, "200.00"), (GROSS, "-200.00"), payer="P2"),
        *entry("R3", date(2024, 4, 15), "charge", (INS, "50.00"), (GROSS, "-50.00")),
        *entry("R4", date(2024, 3, 31), "charge", (INS, "100.00"), (GROSS, "-100.00")),
        *entry("R4", date(2024, 4, 20), "insurance_payment", (CASH, "70.00"), (INS, "-70.00")),
        *entry(
            "R4",
            date(2024, 4, 20),
            "contractual_adjustment",
            (CONTRACTUAL, "30.00"),
            (INS, "-30.00"),
        ),
        *entry("R4", date(2024, 4, 25), "reversal", (CASH, "-70.00"), (INS, "70.00")),
        *entry("R4", date(2024, 4, 25), "reversal", (CONTRACTUAL, "-30.00"), (INS, "30.00")),
    ]
    return Facts(claims=claims, ledger=tuple(ledger))


def test_buckets_follow_the_days_since_service() -> None:
    assert [bucket_of(n) for n in (0, 30, 31, 60, 61, 90, 91, 120, 121, 400)] == [
        "0-30",
        "0-30",
        "31-60",
        "31-60",
        "61-90",
        "61-90",
        "91-120",
        "91-120",
        "120+",
        "120+",
    ]


def test_net_days_in_ar_divides_net_ar_by_average_daily_net_revenue_of_90_days() -> None:
    kpi = net_days_in_ar(practice(), QUARTER)
    # Ledger A/R at 6/30 is 360.00 (R1 10.00 patient, R2 200.00, R3 50.00, R4 100.00). Net A/R
    # (HFMA: net of contractual allowances) takes off the contractual adjustment still to come on
    # claims not adjudicated yet: P1's adjudicated claims were adjusted 30.00 on 100.00 of
    # charges (R1; R4's adjustment was reversed), 30%; P2 has none, so the practice's 30% too.
    # R2 200.00 - 60.00 = 140.00, R3 50.00 - 15.00 = 35.00, R4 100.00 - 30.00 = 70.00.
    assert sorted((r.claim_id, r.amount) for r in kpi.numerator) == [
        ("R1", Money("10.00")),
        ("R2", Money("140.00")),
        ("R3", Money("35.00")),
        ("R4", Money("70.00")),
    ]
    # Net revenue 4/2..6/30 = charges 150.00 - contractual 30.00 (R4's reversed) = 120.00.
    assert [(r.claim_id, r.amount) for r in kpi.denominator or ()] == [
        ("R1", Money("70.00")),
        ("R3", Money("50.00")),
    ]
    # 255.00 net A/R / (120.00 / 90 a day) = 191.25 days; gross A/R would say 270.
    assert kpi.value == Decimal("191.25")


def test_aging_by_payer_and_patient() -> None:
    kpi = ar_aging(practice(), QUARTER)
    # The whole figure (ledger receivables) is 360.00; R3 (held, never sent) is unbilled A/R,
    # shown apart from the billed aging: 100.00 (R4) + 200.00 (R2) billed, 50.00 unbilled,
    # 10.00 patient.
    assert kpi.value == Money("360.00")
    tables = {t.name: t for t in kpi.tables}
    zero = Money.zero()
    assert tables["ar_aging_by_payer"].rows == (
        ("P1", zero, zero, zero, Money("100.00"), zero, Money("100.00")),
        ("P2", zero, zero, zero, zero, Money("200.00"), Money("200.00")),
    )
    assert tables["ar_aging_unbilled_by_payer"].rows == (
        ("P1", zero, zero, Money("50.00"), zero, zero, Money("50.00")),
    )
    # The largest patient balances, then the whole patient A/R by bucket.
    assert tables["ar_aging_by_patient"].rows == (
        ("A1", Money("10.00"), zero, zero, zero, zero, Money("10.00")),
        ("patient A/R", Money("10.00"), zero, zero, zero, zero, Money("10.00")),
    )
    assert tables["ar_aging_by_patient"].title == "patient A/R aging: the 1 largest of 1 patients"
    assert {(r.claim_id, r.label) for r in kpi.numerator} == {
        ("R1", "patient 0-30"),
        ("R2", "insurance billed 120+"),
        ("R3", "insurance unbilled 61-90"),
        ("R4", "insurance billed 91-120"),
    }
    insurance = [row[-1] for t in kpi.tables[:2] for row in t.rows]
    patient = tables["ar_aging_by_patient"].rows[-1][-1]
    assert sum(insurance, Money.zero()) + patient == kpi.value


def test_the_patient_table_names_the_20_largest_and_totals_every_patient() -> None:
    owing = {f"A{n:02d}": {"0-30": Money(f"{n}.00"), "31-60": Money("1.00")} for n in range(1, 26)}
    part = PatientPart.of(owing)
    assert (part.patients, len(part.largest)) == (25, LARGEST_PATIENTS)
    assert list(part.largest)[:3] == ["A25", "A24", "A23"]
    assert part.buckets["0-30"] == Money("325.00")
    assert part.buckets["31-60"] == Money("25.00")
    assert part.total == Money("350.00")


def test_a_claim_sent_after_the_day_is_unbilled_that_day() -> None:
    # R5 is charged 5/1 and first submitted 7/2: at 6/30 its 80.00 is unbilled A/R.
    facts = practice()
    late = claim("R5", (date(2024, 7, 2), "submitted"), dos=date(2024, 5, 1), charge="80.00")
    charge = entry("R5", date(2024, 5, 1), "charge", (INS, "80.00"), (GROSS, "-80.00"))
    facts = Facts(claims=(*facts.claims, late), ledger=(*facts.ledger, *charge))
    tables = {t.name: t for t in ar_aging(facts, QUARTER).tables}
    assert [row[0::6] for row in tables["ar_aging_unbilled_by_payer"].rows] == [
        ("P1", Money("130.00"))
    ]
    assert ar_over_90(facts, QUARTER).value == Decimal("300.00") / Decimal("310.00")


def test_ar_over_90_counts_billed_ar_only() -> None:
    kpi = ar_over_90(practice(), QUARTER)
    assert sorted(r.claim_id for r in kpi.denominator or ()) == ["R1", "R2", "R4"]
    assert sorted(r.claim_id for r in kpi.numerator) == ["R2", "R4"]
    assert kpi.value == Decimal("300.00") / Decimal("310.00")


def test_net_collection_rate_nets_reversed_payments() -> None:
    kpi = net_collection_rate(practice(), QUARTER)
    assert [(r.claim_id, r.amount) for r in kpi.numerator] == [("R1", Money("60.00"))]
    assert kpi.value == Decimal("0.5")


def test_empty_books_have_no_ratio() -> None:
    empty = Facts()
    for calculate in (net_days_in_ar, ar_over_90, net_collection_rate):
        kpi = calculate(empty, QUARTER)
        assert kpi.value is None
        assert kpi.empty_reason
        assert kpi.display().startswith("n/a (")
    assert net_days_in_ar(empty, QUARTER).empty_reason == (
        "net patient revenue of the 90 days to 2024-06-30 is 0.00"
    )
    assert ar_aging(empty, QUARTER).value == Money.zero()


def test_patient_collection_rate_is_patient_cash_over_patient_responsibility() -> None:
    # Assigned in the quarter: R1's transfer 40.00 + R2's self-pay charge 100.00, less 10.00 of
    # R1 moved back to a secondary = 130.00 (R3's 50.00 transfer on 3/31 is before the
    # quarter). Paid: 60.00 on no claim (20.00 of it left as credit) less a 15.00 returned
    # check, and 5.00 refunded on R1 = 40.00. An insurance payment (it names its payer) is no
    # patient money. 40 / 130.
    ledger = (
        *entry("R1", date(2024, 4, 2), "transfer_to_patient", (PAT, "40.00"), (INS, "-40.00")),
        *entry("R1", date(2024, 4, 9), "transfer_to_patient", (PAT, "-10.00"), (INS, "10.00")),
        *entry("R2", date(2024, 5, 1), "charge", (PAT, "100.00"), (GROSS, "-100.00"), payer=None),
        *entry("R3", date(2024, 3, 31), "transfer_to_patient", (PAT, "50.00"), (INS, "-50.00")),
        *entry("R3", date(2024, 4, 3), "insurance_payment", (CASH, "70.00"), (INS, "-70.00")),
        posting(None, CASH, "60.00", date(2024, 5, 2), kind="patient_payment", payer=None),
        posting(None, PAT, "-40.00", date(2024, 5, 2), kind="patient_payment", payer=None),
        posting(None, CASH, "-15.00", date(2024, 5, 9), kind="reversal", payer=None),
        *entry("R1", date(2024, 6, 1), "refund", (PAT, "5.00"), (CASH, "-5.00"), payer=None),
    )
    kpi = patient_collection_rate(Facts(ledger=ledger), QUARTER)
    # Both sides are sums of postings, counted as postings: paid 60.00, the returned 15.00 and
    # R1's refund; assigned R1's two transfers and R2's charge. Their claims are not counted.
    assert kpi.numerator_summary() == Side(None, Money("40.00"), 3)
    assert kpi.denominator_summary() == Side(None, Money("130.00"), 3)
    # The rows behind them (``--explain``): the money paid at the desk is on no claim.
    assert sorted(r.claim_id for r in kpi.numerator) == ["", "R1"]
    assert kpi.value == Decimal("40.00") / Decimal("130.00")


def test_no_patient_responsibility_has_no_patient_collection_rate() -> None:
    kpi = patient_collection_rate(Facts(), QUARTER)
    assert kpi.value is None
    assert kpi.empty_reason == "no patient responsibility was assigned in the period"


def test_copays_paid_at_the_desk_on_no_claim_are_a_posting_of_no_claim() -> None:
    ledger = (
        *entry("R1", date(2024, 4, 2), "transfer_to_patient", (PAT, "40.00"), (INS, "-40.00")),
        posting(None, CASH, "25.00", date(2024, 4, 2), kind="patient_payment", payer=None),
        posting(None, PAT, "-25.00", date(2024, 4, 2), kind="patient_payment", payer=None),
    )
    kpi = patient_collection_rate(Facts(ledger=ledger), QUARTER)
    assert kpi.numerator_summary() == Side(None, Money("25.00"), 1)
    assert kpi.as_dict()["numerator"]["claims"] is None
    assert [r.claim_id for r in kpi.numerator] == [""]
