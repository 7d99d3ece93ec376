import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
)

from claimdesk.domain.ledger import (
    RECEIVABLES,
    Account,
    BalanceQuery,
    Dimensions,
    Entry,
    EntryKind,
    Journal,
    LedgerError,
    Posting,
    Responsibility,
    reversal_of,
    standard_entry,
)
from claimdesk.domain.money import Money

from .strategies import (
    CLAIM_IDS,
    LINE_NUMBERS,
    PATIENT_ACCOUNTS,
    PAYER_IDS,
    dimensions,
    nonzero_money,
    responsibilities,
    standard_kinds,
)

DAY = date(2024, 5, 1)
AT = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
DIMS = Dimensions("P1", "C1", 1, "PAYA")
K = EntryKind
A = Account

# The test's own statement of double entry per kind: (debit, credit), with None for the receivable
# named by the responsibility. Written out here rather than read from the module under test.
EXPECTED_ACCOUNTS: dict[EntryKind, tuple[Account | None, Account | None]] = {
    K.CHARGE: (None, A.GROSS_CHARGES),
    K.INSURANCE_PAYMENT: (A.CASH, A.INSURANCE_AR),
    K.CONTRACTUAL_ADJUSTMENT: (A.CONTRACTUAL, A.INSURANCE_AR),
    K.OTHER_ADJUSTMENT: (A.OTHER_ADJUSTMENT, A.INSURANCE_AR),
    K.TRANSFER_TO_PATIENT: (A.PATIENT_AR, A.INSURANCE_AR),
    K.PATIENT_PAYMENT: (A.CASH, A.PATIENT_AR),
    K.WRITE_OFF: (A.WRITE_OFF, None),
    K.REFUND: (None, A.CASH),
    K.RECOUPMENT: (A.INSURANCE_AR, A.CASH),
    K.CREDIT_APPLICATION: (A.PATIENT_CREDIT, A.PATIENT_AR),
}
RESPONSIBLE_AR = {Responsibility.INSURANCE: A.INSURANCE_AR, Responsibility.PATIENT: A.PATIENT_AR}


def entry(
    kind: EntryKind,
    amount: str,
    *,
    entry_id: str = "E1",
    dims: Dimensions = DIMS,
    responsibility: Responsibility = Responsibility.INSURANCE,
) -> Entry:
    return standard_entry(
        entry_id=entry_id,
        kind=kind,
        amount=Money(amount),
        dims=dims,
        effective=DAY,
        recorded_at=AT,
        recorded_by="poster",
        responsibility=responsibility,
    )


def reverse(original: Entry, entry_id: str = "R1") -> Entry:
    return reversal_of(
        original, entry_id=entry_id, effective=DAY, recorded_at=AT, recorded_by="poster"
    )


def nonzero_balances(journal: Journal) -> dict[Account, str]:
    return {a: str(m) for a, m in journal.trial_balance().items() if m}


# -- each kind's accounts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "responsibility", "debit", "credit"),
    [
        (K.CHARGE, Responsibility.INSURANCE, A.INSURANCE_AR, A.GROSS_CHARGES),
        (K.CHARGE, Responsibility.PATIENT, A.PATIENT_AR, A.GROSS_CHARGES),
        (K.INSURANCE_PAYMENT, Responsibility.INSURANCE, A.CASH, A.INSURANCE_AR),
        (K.CONTRACTUAL_ADJUSTMENT, Responsibility.INSURANCE, A.CONTRACTUAL, A.INSURANCE_AR),
        (K.OTHER_ADJUSTMENT, Responsibility.INSURANCE, A.OTHER_ADJUSTMENT, A.INSURANCE_AR),
        (K.TRANSFER_TO_PATIENT, Responsibility.INSURANCE, A.PATIENT_AR, A.INSURANCE_AR),
        (K.PATIENT_PAYMENT, Responsibility.PATIENT, A.CASH, A.PATIENT_AR),
        (K.WRITE_OFF, Responsibility.INSURANCE, A.WRITE_OFF, A.INSURANCE_AR),
        (K.WRITE_OFF, Responsibility.PATIENT, A.WRITE_OFF, A.PATIENT_AR),
        (K.REFUND, Responsibility.INSURANCE, A.INSURANCE_AR, A.CASH),
        (K.REFUND, Responsibility.PATIENT, A.PATIENT_AR, A.CASH),
        (K.RECOUPMENT, Responsibility.INSURANCE, A.INSURANCE_AR, A.CASH),
    ],
)
def test_each_kind_debits_and_credits_its_accounts(
    kind: EntryKind, responsibility: Responsibility, debit: Account, credit: Account
) -> None:
    made = entry(kind, "42.10", responsibility=responsibility)
    assert made.postings == (
        Posting(debit, Money("42.10"), DIMS),
        Posting(credit, Money("-42.10"), DIMS),
    )
    assert made.kind is kind
    assert made.reverses is None
    assert made.amount == Money("42.10")


def test_insurance_payment_credits_insurance_ar_and_debits_cash() -> None:
    journal = Journal([entry(K.CHARGE, "100.00"), entry(K.INSURANCE_PAYMENT, "80", entry_id="E2")])
    assert nonzero_balances(journal) == {
        A.INSURANCE_AR: "20.00",
        A.GROSS_CHARGES: "-100.00",
        A.CASH: "80.00",
    }


def test_transfer_to_patient_moves_ar_from_insurance_to_patient() -> None:
    journal = Journal([entry(K.CHARGE, "100"), entry(K.TRANSFER_TO_PATIENT, "25", entry_id="E2")])
    ins = journal.balance(BalanceQuery(accounts=frozenset({A.INSURANCE_AR})))
    pat = journal.balance(BalanceQuery(accounts=frozenset({A.PATIENT_AR})))
    assert (ins, pat) == (Money("75.00"), Money("25.00"))
    assert journal.balance(BalanceQuery(claim_id="C1")) == Money("100.00")


def test_patient_write_off_and_refund_use_patient_ar() -> None:
    patient = Responsibility.PATIENT
    journal = Journal(
        [
            entry(K.CHARGE, "50", responsibility=patient),
            entry(K.PATIENT_PAYMENT, "60", entry_id="E2"),
            entry(K.REFUND, "10", entry_id="E3", responsibility=patient),
            entry(K.CHARGE, "30", entry_id="E4", responsibility=patient),
            entry(K.WRITE_OFF, "30", entry_id="E5", responsibility=patient),
        ]
    )
    assert nonzero_balances(journal) == {
        A.GROSS_CHARGES: "-80.00",
        A.CASH: "50.00",
        A.WRITE_OFF: "30.00",
    }
    assert journal.balance(BalanceQuery(accounts=frozenset({A.INSURANCE_AR}))) == Money(0)


def test_recoupment_reopens_insurance_ar_and_takes_cash_back() -> None:
    journal = Journal(
        [
            entry(K.CHARGE, "100"),
            entry(K.INSURANCE_PAYMENT, "100", entry_id="E2"),
            entry(K.RECOUPMENT, "40", entry_id="E3"),
        ]
    )
    assert journal.balance() == Money("40.00")
    assert journal.trial_balance()[A.CASH] == Money("60.00")


def test_a_claim_story_ends_with_a_zero_balance_and_the_cash_collected() -> None:
    dims = Dimensions("P1", "C1", None, "PAYA")
    steps = [
        (K.CHARGE, "200.00"),
        (K.INSURANCE_PAYMENT, "120.00"),
        (K.CONTRACTUAL_ADJUSTMENT, "50.00"),
        (K.TRANSFER_TO_PATIENT, "30.00"),
        (K.PATIENT_PAYMENT, "30.00"),
    ]
    journal = Journal()
    for number, (kind, amount) in enumerate(steps, start=1):
        journal.post(entry(kind, amount, entry_id=f"E{number}", dims=dims))
    assert journal.balance(BalanceQuery(claim_id="C1")) == Money(0)
    assert journal.balance(BalanceQuery(accounts=frozenset({A.PATIENT_AR}))) == Money(0)
    trial = journal.trial_balance()
    assert set(trial) == set(A)
    assert {account: amount for account, amount in trial.items() if amount} == {
        A.GROSS_CHARGES: Money("-200.00"),
        A.CONTRACTUAL: Money("50.00"),
        A.CASH: Money("150.00"),
    }
    # Before the patient paid, the claim's balance sat on patient A/R.
    partial = Journal(list(journal)[:4])
    assert partial.balance(BalanceQuery(claim_id="C1")) == Money("30.00")
    assert partial.balance(
        BalanceQuery(accounts=frozenset({A.PATIENT_AR}), patient_account="P1")
    ) == Money("30.00")


def test_balance_queries_filter_by_every_dimension() -> None:
    journal = Journal(
        [
            entry(K.CHARGE, "10", entry_id="E1", dims=Dimensions("P1", "C1", 1, "PAYA")),
            entry(K.CHARGE, "20", entry_id="E2", dims=Dimensions("P1", "C1", 2, "PAYA")),
            entry(K.CHARGE, "40", entry_id="E3", dims=Dimensions("P1", "C2", 1, "PAYB")),
            entry(K.CHARGE, "80", entry_id="E4", dims=Dimensions("P2", None, None, None)),
        ]
    )
    assert journal.balance() == Money("150.00")
    assert journal.balance(BalanceQuery(patient_account="P1")) == Money("70.00")
    assert journal.balance(BalanceQuery(claim_id="C1")) == Money("30.00")
    assert journal.balance(BalanceQuery(claim_id="C1", line_number=2)) == Money("20.00")
    assert journal.balance(BalanceQuery(line_number=1)) == Money("50.00")
    assert journal.balance(BalanceQuery(payer_id="PAYB")) == Money("40.00")
    assert journal.balance(BalanceQuery(patient_account="P3")) == Money(0)
    revenue = BalanceQuery(accounts=frozenset({A.GROSS_CHARGES}))
    assert journal.balance(revenue) == Money("-150.00")
    assert BalanceQuery().accounts == RECEIVABLES == {A.INSURANCE_AR, A.PATIENT_AR}


# -- entries refuse to be unbalanced ----------------------------------------------------------


def _posting(account: Account, amount: str) -> Posting:
    return Posting(account, Money(amount), DIMS)


def _raw_entry(
    postings: tuple[Posting, ...], kind: EntryKind = K.CHARGE, reverses: str | None = None
) -> Entry:
    return Entry("X1", kind, DAY, AT, "poster", postings, reverses=reverses)


@pytest.mark.parametrize(
    ("postings", "kind", "reverses", "message"),
    [
        ((_posting(A.CASH, "1"),), K.CHARGE, None, "at least two postings"),
        ((), K.CHARGE, None, "at least two postings"),
        (
            (_posting(A.CASH, "1"), _posting(A.INSURANCE_AR, "-0.99")),
            K.CHARGE,
            None,
            "postings sum to 0.01, not zero",
        ),
        ((_posting(A.CASH, "0"), _posting(A.INSURANCE_AR, "0")), K.CHARGE, None, "every posting"),
        (
            (_posting(A.CASH, "1"), _posting(A.INSURANCE_AR, "-1")),
            K.REVERSAL,
            None,
            "only a reversal",
        ),
        (
            (_posting(A.CASH, "1"), _posting(A.INSURANCE_AR, "-1")),
            K.CHARGE,
            "E0",
            "only a reversal",
        ),
    ],
)
def test_an_entry_must_balance_and_be_consistent(
    postings: tuple[Posting, ...], kind: EntryKind, reverses: str | None, message: str
) -> None:
    with pytest.raises(LedgerError, match=f"entry X1: .*{message}"):
        _raw_entry(postings, kind, reverses)


def test_an_entry_may_have_more_than_two_postings() -> None:
    split = _raw_entry(
        (_posting(A.CASH, "70"), _posting(A.CONTRACTUAL, "30"), _posting(A.INSURANCE_AR, "-100"))
    )
    assert split.amount == Money("100.00")


def test_standard_entry_refuses_zero_and_reversal_kind() -> None:
    with pytest.raises(LedgerError, match="every posting is zero"):
        entry(K.CHARGE, "0")
    with pytest.raises(LedgerError, match="reversal_of"):
        entry(K.REVERSAL, "5")


def test_reversal_of_negates_every_posting() -> None:
    original = entry(K.CONTRACTUAL_ADJUSTMENT, "12.34")
    undo = reverse(original)
    assert undo.kind is K.REVERSAL
    assert undo.reverses == "E1"
    assert undo.memo == "reverses E1"
    assert undo.postings == (
        Posting(A.CONTRACTUAL, Money("-12.34"), DIMS),
        Posting(A.INSURANCE_AR, Money("12.34"), DIMS),
    )


# -- the journal never lets anything change ----------------------------------------------------


def test_entries_and_postings_are_frozen() -> None:
    made = entry(K.CHARGE, "10")
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.memo = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.postings[0].amount = Money("99")  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.postings[0].dims.claim_id = "C9"  # type: ignore[misc]


def test_a_postings_list_is_frozen_into_a_tuple() -> None:
    postings = [_posting(A.CASH, "5"), _posting(A.INSURANCE_AR, "-5")]
    made = Entry("X1", K.INSURANCE_PAYMENT, DAY, AT, "poster", postings)  # type: ignore[arg-type]
    journal = Journal([made])
    postings.append(_posting(A.CASH, "1000"))
    assert isinstance(made.postings, tuple)
    assert len(made.postings) == 2
    assert journal.trial_balance()[A.CASH] == Money("5.00")


def test_iterating_gives_a_snapshot() -> None:
    journal = Journal([entry(K.CHARGE, "10")])
    iterator = iter(journal)
    journal.post(entry(K.CHARGE, "20", entry_id="E2"))
    assert [e.entry_id for e in iterator] == ["E1"]
    assert [e.entry_id for e in journal] == ["E1", "E2"]
    assert len(journal) == 2


def _journal_state(journal: Journal) -> tuple[object, ...]:
    return (
        tuple(journal),
        journal.trial_balance(),
        tuple(journal.is_reversed(e.entry_id) for e in journal),
    )


def _refusals() -> list[tuple[str, Callable[[Entry, Entry], Entry], str]]:
    """(name, make a bad entry from (the charge, its reversal), expected message)."""
    return [
        ("duplicate id", lambda c, r: entry(K.CHARGE, "1", entry_id="E1"), "already in the"),
        (
            "duplicate id of a reversal",
            lambda c, r: entry(K.CHARGE, "1", entry_id="R1"),
            "already in the",
        ),
        (
            "unknown original",
            lambda c, r: dataclasses.replace(reverse(c, "R9"), reverses="NOPE"),
            "reverses unknown entry NOPE",
        ),
        ("already reversed", lambda c, r: reverse(c, "R2"), "E1 has already been reversed"),
        ("reversal of a reversal", lambda c, r: reverse(r, "R2"), "cannot itself be reversed"),
    ]


@pytest.mark.parametrize(("name", "make", "message"), _refusals())
def test_refused_entries_leave_the_journal_unchanged(
    name: str, make: Callable[[Entry, Entry], Entry], message: str
) -> None:
    charge = entry(K.CHARGE, "100")
    journal = Journal([charge, entry(K.INSURANCE_PAYMENT, "60", entry_id="E2")])
    undo = journal.post(reverse(charge))
    before = _journal_state(journal)
    with pytest.raises(LedgerError, match=message):
        journal.post(make(charge, undo))
    assert _journal_state(journal) == before, name


@pytest.mark.parametrize(
    ("name", "postings"),
    [
        (
            "wrong amount",
            (_posting(A.INSURANCE_AR, "-90"), _posting(A.GROSS_CHARGES, "90")),
        ),
        (
            "postings out of order",
            (_posting(A.GROSS_CHARGES, "100"), _posting(A.INSURANCE_AR, "-100")),
        ),
        (
            "other account",
            (_posting(A.PATIENT_AR, "-100"), _posting(A.GROSS_CHARGES, "100")),
        ),
        (
            "other dims",
            (
                Posting(A.INSURANCE_AR, Money("-100"), Dimensions("P1", "C2", 1, "PAYA")),
                Posting(A.GROSS_CHARGES, Money("100"), Dimensions("P1", "C2", 1, "PAYA")),
            ),
        ),
        (
            "same direction as the original",
            (_posting(A.INSURANCE_AR, "100"), _posting(A.GROSS_CHARGES, "-100")),
        ),
        (
            "an extra zero-sum pair",
            (
                _posting(A.INSURANCE_AR, "-100"),
                _posting(A.GROSS_CHARGES, "100"),
                _posting(A.CASH, "1"),
                _posting(A.CASH, "-1"),
            ),
        ),
    ],
)
def test_a_reversal_that_does_not_mirror_exactly_is_refused(
    name: str, postings: tuple[Posting, ...]
) -> None:
    journal = Journal([entry(K.CHARGE, "100")])
    before = _journal_state(journal)
    bad = _raw_entry(postings, K.REVERSAL, reverses="E1")
    with pytest.raises(LedgerError, match="does not mirror the postings of E1"):
        journal.post(bad)
    assert _journal_state(journal) == before, name
    assert not journal.is_reversed("E1")
    original = journal.get("E1")
    assert original is not None
    journal.post(reverse(original))
    assert journal.is_reversed("E1")


def test_check_refuses_without_posting() -> None:
    journal = Journal([entry(K.CHARGE, "10")])
    journal.check(entry(K.CHARGE, "10", entry_id="E2"))
    assert len(journal) == 1
    with pytest.raises(LedgerError, match="already in the journal"):
        journal.check(entry(K.CHARGE, "10"))
    assert journal.get("E2") is None
    assert journal.get("E1") == entry(K.CHARGE, "10")


# -- properties over generated histories --------------------------------------------------------

ModelPosting = tuple[Account, int, Dimensions]


def _expected_postings(
    kind: EntryKind, cents: int, dims: Dimensions, responsibility: Responsibility
) -> list[ModelPosting]:
    debit, credit = EXPECTED_ACCOUNTS[kind]
    receivable = RESPONSIBLE_AR[responsibility]
    return [(debit or receivable, cents, dims), (credit or receivable, -cents, dims)]


def _matches(query: BalanceQuery, account: Account, dims: Dimensions) -> bool:
    wanted = (query.patient_account, query.claim_id, query.line_number, query.payer_id)
    actual = (dims.patient_account, dims.claim_id, dims.line_number, dims.payer_id)
    return account in query.accounts and all(
        w is None or w == a for w, a in zip(wanted, actual, strict=True)
    )


balance_queries = st.builds(
    BalanceQuery,
    accounts=st.frozensets(st.sampled_from(list(Account)), min_size=1),
    patient_account=st.none() | st.sampled_from(PATIENT_ACCOUNTS),
    claim_id=st.none() | st.sampled_from(CLAIM_IDS),
    line_number=st.none() | st.sampled_from(LINE_NUMBERS),
    payer_id=st.none() | st.sampled_from(PAYER_IDS),
)

# Every query the generated dimensions can tell apart, so "every affected balance" is checked.
ALL_QUERIES = [
    BalanceQuery(frozenset({account}), patient, claim_id, line, payer)
    for account in Account
    for patient in (None, *PATIENT_ACCOUNTS)
    for claim_id in (None, *CLAIM_IDS)
    for line in (None, *LINE_NUMBERS)
    for payer in (None, *PAYER_IDS)
]


def _all_balances(journal: Journal) -> list[Money]:
    return [journal.balance(q) for q in ALL_QUERIES]


class JournalMachine(RuleBasedStateMachine):
    """Random histories of standard entries and reversals, checked against a plain model."""

    originals = Bundle("originals")
    reversals = Bundle("reversals")

    @initialize()
    def start(self) -> None:
        self.journal = Journal()
        self.model: dict[str, list[ModelPosting]] = {}
        self.order: list[str] = []
        self.count = 0

    def _next_id(self) -> str:
        self.count += 1
        return f"E{self.count}"

    @rule(
        target=originals,
        kind=standard_kinds,
        amount=nonzero_money,
        dims=dimensions,
        responsibility=responsibilities,
    )
    def post_standard(
        self, kind: EntryKind, amount: Money, dims: Dimensions, responsibility: Responsibility
    ) -> Entry:
        made = standard_entry(
            entry_id=self._next_id(),
            kind=kind,
            amount=amount,
            dims=dims,
            effective=DAY,
            recorded_at=AT,
            recorded_by="poster",
            responsibility=responsibility,
        )
        assert self.journal.post(made) is made
        self.model[made.entry_id] = _expected_postings(kind, amount.cents, dims, responsibility)
        self.order.append(made.entry_id)
        return made

    @rule(target=reversals, original=consumes(originals))
    def reverse_earlier(self, original: Entry) -> Entry:
        before = _all_balances(self.journal)
        undo = reverse(original, self._next_id())
        self.journal.post(undo)
        self.model[undo.entry_id] = [(a, -c, d) for a, c, d in self.model[original.entry_id]]
        self.order.append(undo.entry_id)
        assert self.journal.is_reversed(original.entry_id)
        # The reversal takes away exactly what the original added, on every balance.
        contribution = [
            sum(c for a, c, d in self.model[original.entry_id] if _matches(q, a, d))
            for q in ALL_QUERIES
        ]
        after = _all_balances(self.journal)
        assert [b.cents - x.cents for b, x in zip(before, after, strict=True)] == contribution
        return undo

    def _refused(self, bad: Entry, message: str) -> None:
        before = (tuple(self.journal), self.journal.trial_balance())
        with pytest.raises(LedgerError, match=message):
            self.journal.post(bad)
        assert (tuple(self.journal), self.journal.trial_balance()) == before

    @rule(original=originals, kind=standard_kinds, amount=nonzero_money)
    def duplicate_id_is_refused(self, original: Entry, kind: EntryKind, amount: Money) -> None:
        bad = standard_entry(
            entry_id=original.entry_id,
            kind=kind,
            amount=amount,
            dims=original.postings[0].dims,
            effective=DAY,
            recorded_at=AT,
            recorded_by="poster",
        )
        self._refused(bad, "already in the journal")

    @rule(undo=reversals)
    def reversing_a_reversal_is_refused(self, undo: Entry) -> None:
        self._refused(reverse(undo, f"X{self.count}"), "cannot itself be reversed")

    @rule(undo=reversals)
    def reversing_twice_is_refused(self, undo: Entry) -> None:
        original = self.journal.get(undo.reverses or "")
        assert original is not None
        self._refused(reverse(original, f"X{self.count}"), "already been reversed")

    @rule(original=originals, amount=nonzero_money)
    def a_reversal_that_does_not_mirror_is_refused(self, original: Entry, amount: Money) -> None:
        dims = original.postings[0].dims
        bad = Entry(
            f"X{self.count}",
            K.REVERSAL,
            DAY,
            AT,
            "poster",
            (Posting(A.CASH, amount, dims), Posting(A.WRITE_OFF, -amount, dims)),
            reverses=original.entry_id,
        )
        self._refused(bad, "does not mirror")

    @rule(amount=nonzero_money, dims=dimensions)
    def reversing_an_unknown_entry_is_refused(self, amount: Money, dims: Dimensions) -> None:
        bad = Entry(
            f"X{self.count}",
            K.REVERSAL,
            DAY,
            AT,
            "poster",
            (Posting(A.CASH, amount, dims), Posting(A.WRITE_OFF, -amount, dims)),
            reverses="UNKNOWN",
        )
        self._refused(bad, "reverses unknown entry UNKNOWN")

    @invariant()
    def entries_are_what_was_posted_in_order(self) -> None:
        assert [e.entry_id for e in self.journal] == self.order
        assert len(self.journal) == len(self.order)

    @invariant()
    def trial_balance_sums_to_zero_and_matches_the_model(self) -> None:
        trial = self.journal.trial_balance()
        assert sum(m.cents for m in trial.values()) == 0
        for account in Account:
            expected = sum(c for ps in self.model.values() for a, c, _ in ps if a is account)
            assert trial[account].cents == expected

    @rule(queries=st.lists(balance_queries, min_size=1, max_size=10))
    def balance_queries_equal_the_model(self, queries: list[BalanceQuery]) -> None:
        postings = [p for ps in self.model.values() for p in ps]
        for query in queries:
            expected = sum(c for a, c, d in postings if _matches(query, a, d))
            assert self.journal.balance(query).cents == expected, query


JournalMachine.TestCase.settings = settings(max_examples=50, stateful_step_count=25, deadline=None)
TestJournalMachine = JournalMachine.TestCase


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(standard_kinds, nonzero_money, dimensions, responsibilities),
        min_size=1,
        max_size=15,
    ),
    st.data(),
)
def test_generated_histories_balance_and_reversals_restore_every_balance(
    specs: list[tuple[EntryKind, Money, Dimensions, Responsibility]], data: st.DataObject
) -> None:
    journal = Journal()
    expected: list[ModelPosting] = []
    for number, (kind, amount, dims, responsibility) in enumerate(specs, start=1):
        journal.post(
            standard_entry(
                entry_id=f"E{number}",
                kind=kind,
                amount=amount,
                dims=dims,
                effective=DAY,
                recorded_at=AT,
                recorded_by="poster",
                responsibility=responsibility,
            )
        )
        expected += _expected_postings(kind, amount.cents, dims, responsibility)
    assert sum(m.cents for m in journal.trial_balance().values()) == 0
    query = data.draw(balance_queries)
    assert journal.balance(query).cents == sum(c for a, c, d in expected if _matches(query, a, d))

    # Reverse the most recent entries, newest first: each step restores the balances of the
    # journal as it was before that entry.
    history = list(journal)
    snapshots = [_all_balances(Journal(history[:n])) for n in range(len(history))]
    undo_count = data.draw(st.integers(min_value=1, max_value=len(history)))
    for step in range(1, undo_count + 1):
        target = history[-step]
        journal.post(reverse(target, f"R{step}"))
        assert _all_balances(journal) == snapshots[len(history) - step]
    assert sum(m.cents for m in journal.trial_balance().values()) == 0
