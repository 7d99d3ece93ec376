"""What a statement says the patient owes and why: hand-computed, table-driven."""

from __future__ import annotations

from datetime import date

import pytest

from claimdesk.domain.ledger import Account, EntryKind
from claimdesk.domain.money import Money
from claimdesk.domain.statements import (
    CSV_COLUMNS,
    AccountFacts,
    Decision,
    HoldReason,
    Party,
    PatientPosting,
    PlanNote,
    Reason,
    StatementError,
    StatementPolicy,
    VisitFacts,
    csv_rows,
    decide,
    parse_dunning,
    shipped_dunning,
    statement_of,
    visit_of,
)

DAY = date(2026, 9, 1)
AS_OF = date(2026, 11, 30)
FACTS = VisitFacts("E1", "P1", "Jane Doe", DAY, "Ann Jones", ("99213",))
INS, PAT, GROSS = Account.INSURANCE_AR.value, Account.PATIENT_AR.value, Account.GROSS_CHARGES.value
K = EntryKind


def charge(amount: str, receivable: str = INS) -> list[PatientPosting]:
    return [_p(receivable, amount, K.CHARGE), _p(GROSS, f"-{amount}", K.CHARGE)]


def _p(account: str, amount: str, kind: K, memo: str = "", day: date = DAY) -> PatientPosting:
    return PatientPosting("E1", "P1", account, Money(amount), kind.value, memo, day)


def paid(amount: str) -> list[PatientPosting]:
    return [_p(INS, f"-{amount}", K.INSURANCE_PAYMENT), _p("cash", amount, K.INSURANCE_PAYMENT)]


def adjusted(amount: str) -> list[PatientPosting]:
    return [_p(INS, f"-{amount}", K.CONTRACTUAL_ADJUSTMENT)]


def to_patient(amount: str, code: str, day: date = date(2026, 9, 20)) -> list[PatientPosting]:
    memo = f"PR-{code} patient_share" if code else "patient share billed to the secondary payer"
    return [
        _p(INS, f"-{amount}", K.TRANSFER_TO_PATIENT, memo, day),
        _p(PAT, amount, K.TRANSFER_TO_PATIENT, memo, day),
    ]


def patient_paid(amount: str) -> list[PatientPosting]:
    return [_p(PAT, f"-{amount}", K.PATIENT_PAYMENT)]


def secondary(amount: str) -> list[PatientPosting]:
    memo = "patient share of C1 billed to the secondary payer"
    return [
        _p(PAT, f"-{amount}", K.TRANSFER_TO_PATIENT, memo),
        _p(INS, amount, K.TRANSFER_TO_PATIENT, memo),
    ]


# (case, postings, charge, insurance paid, insurance adjusted, owed by reason, payments,
#  patient adjustments, balance)
VISITS = [
    (
        "deductible then coinsurance, part paid",
        [*charge("200.00"), *paid("80.00"), *adjusted("50.00"), *to_patient("50.00", "1"),
         *to_patient("20.00", "2"), *patient_paid("30.00")],
        "200.00", "80.00", "50.00",
        {Reason.DEDUCTIBLE: "50.00", Reason.COINSURANCE: "20.00"},
        "30.00", "0.00", "40.00",
    ),
    (
        "copay, its payment reversed (a bounced check)",
        [*charge("150.00"), *paid("100.00"), *adjusted("25.00"), *to_patient("25.00", "3"),
         *patient_paid("25.00"), _p(PAT, "25.00", K.PATIENT_PAYMENT)],
        "150.00", "100.00", "25.00", {Reason.COPAY: "25.00"}, "0.00", "0.00", "25.00",
    ),
    (
        "not covered by the plan (PR-96)",
        [*charge("120.00"), *to_patient("120.00", "96")],
        "120.00", "0.00", "0.00", {Reason.NON_COVERED: "120.00"}, "0.00", "0.00", "120.00",
    ),
    (
        "primary's deductible billed on to the secondary, which leaves coinsurance",
        [*charge("300.00"), *paid("150.00"), *adjusted("50.00"), *to_patient("100.00", "1"),
         *secondary("100.00"), *paid("80.00"), *to_patient("20.00", "2")],
        "300.00", "230.00", "50.00",
        {Reason.DEDUCTIBLE: "100.00", Reason.COINSURANCE: "20.00", Reason.SECONDARY: "-100.00"},
        "0.00", "0.00", "20.00",
    ),
    (
        "self-pay visit with a small-balance write-off",
        [*charge("90.00", PAT), *patient_paid("85.00"), _p(PAT, "-5.00", K.WRITE_OFF)],
        "90.00", "0.00", "0.00", {Reason.SELF_PAY: "90.00"}, "85.00", "5.00", "0.00",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("postings", "charged", "ins_paid", "ins_adjusted", "owed", "payments", "adjustments", "left"),
    [case[1:] for case in VISITS],
    ids=[case[0] for case in VISITS],
)
def test_what_a_visit_says_the_patient_owes_and_why(
    postings: list[PatientPosting],
    charged: str,
    ins_paid: str,
    ins_adjusted: str,
    owed: dict[Reason, str],
    payments: str,
    adjustments: str,
    left: str,
) -> None:
    visit = visit_of(FACTS, postings)

    assert visit.charge == Money(charged)
    assert visit.insurance_paid == Money(ins_paid)
    assert visit.insurance_adjusted == Money(ins_adjusted)
    assert dict(visit.owed) == {r: Money(m) for r, m in owed.items()}
    assert visit.payments == Money(payments)
    assert visit.adjustments == Money(adjustments)
    assert visit.balance == Money(left)
    assert visit.resolved


def test_a_visit_with_insurance_open_is_not_resolved() -> None:
    visit = visit_of(FACTS, [*charge("100.00"), *to_patient("20.00", "3")])

    assert not visit.resolved
    assert visit.insurance_open == Money("80.00")


def _account(*visits: list[PatientPosting], **kwargs: object) -> AccountFacts:
    party = Party("G1", "John Doe", ("5 Oak Ave", "Springfield, IL 62702"))
    return AccountFacts(party, tuple(visit_of(FACTS, v) for v in visits), Money.zero(), **kwargs)  # type: ignore[arg-type]


OWING_40 = [*charge("100.00"), *paid("60.00"), *to_patient("40.00", "2")]
POLICY = StatementPolicy(AS_OF, 30, Money("5.00"), shipped_dunning())

# (case, account, sent, reason)
DECISIONS = [
    ("balance due, never sent", _account(OWING_40), True, ""),
    (
        "on hold for a dispute",
        _account(OWING_40, hold=HoldReason.DISPUTE),
        False,
        "on hold: dispute",
    ),
    (
        "insurance still open",
        _account([*charge("100.00"), *to_patient("20.00", "3")]),
        False,
        "insurance not resolved on 1 visit(s)",
    ),
    (
        "below the minimum",
        _account([*charge("100.00"), *paid("95.01"), *to_patient("4.99", "2")]),
        False,
        "balance 4.99 below the minimum 5.00",
    ),
    (
        "the cycle has not come round",
        _account(OWING_40, last_statement=date(2026, 11, 1)),
        False,
        "cycle: last statement 2026-11-01, next on or after 2026-12-01",
    ),
    ("the cycle came round", _account(OWING_40, last_statement=date(2026, 10, 31)), True, ""),
    (
        "a credit balance",
        _account([*charge("100.00"), *paid("60.00"), *to_patient("40.00", "2"),
                  *patient_paid("50.00")]),
        False,
        "credit balance 10.00",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("facts", "sent", "reason"), [c[1:] for c in DECISIONS], ids=[c[0] for c in DECISIONS]
)
def test_who_gets_a_statement(facts: AccountFacts, sent: bool, reason: str) -> None:
    found = decide(facts, POLICY)

    assert (found.send, found.reason) == (sent, reason)
    assert isinstance(found, Decision)


@pytest.mark.parametrize(
    ("age", "level"),
    [(0, "current"), (29, "current"), (30, "30_days"), (61, "60_days"), (119, "90_days"),
     (120, "120_days"), (400, "120_days")],
)  # fmt: skip
def test_dunning_by_the_age_of_the_oldest_balance(age: int, level: str) -> None:
    assert shipped_dunning().level_for(age).name == level


def test_a_statement_dunns_by_the_day_the_balance_became_the_patients() -> None:
    # Transferred 2026-09-20; as of 2026-11-30 that is 71 days: the 60-day message.
    statement = statement_of(_account(OWING_40), POLICY, statement_id="S1", practice={})

    assert (statement.balance, statement.oldest_age) == (Money("40.00"), 71)
    assert statement.dunning_level == "60_days"
    assert statement.due_date == date(2026, 12, 30)


def test_a_plan_in_good_standing_replaces_the_dunning_message() -> None:
    note = PlanNote("PP00001", date(2026, 12, 15), Money("25.00"))
    statement = statement_of(_account(OWING_40, plan=note), POLICY, statement_id="S1", practice={})

    assert statement.dunning_level == "payment_plan"
    assert statement.message == "Payment plan PP00001: next installment 25.00 due 2026-12-15."


def test_the_csv_has_a_row_per_visit_and_a_total_row() -> None:
    statement = statement_of(_account(OWING_40), POLICY, statement_id="S1", practice={})

    visit, last = csv_rows(statement)
    assert len(visit) == len(last) == len(CSV_COLUMNS)
    assert visit[6] == "visit"
    assert visit[-4:] == ("0.00", "0.00", "40.00", "")
    assert last[6] == "total"
    assert last[-2] == "40.00"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("levels = 3", "[[levels]]: at least one level is required"),
        ('[[levels]]\ndays = 5\nname = "a"\nmessage = "m"', "#1: days: the first level starts"),
        ('[[levels]]\ndays = 0\nname = "a"\nmessage = ""', "#1: message: a message is required"),
        (
            '[[levels]]\ndays = 0\nname = "a"\nmessage = "m"\n'
            '[[levels]]\ndays = 0\nname = "b"\nmessage = "m"',
            "#2: days: levels must be in increasing days",
        ),
    ],
)
def test_a_bad_dunning_file_is_refused_naming_entry_and_field(text: str, problem: str) -> None:
    with pytest.raises(StatementError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        parse_dunning(text, "dunning.toml")
