"""Hypothesis strategies shared by the domain tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import strategies as st

from claimdesk.domain.ledger import Dimensions, EntryKind, Responsibility
from claimdesk.domain.money import Money

# Amounts a practice could really see, in cents: up to ten million dollars either way.
REALISTIC_CENTS = 10**9

cents = st.integers(min_value=-REALISTIC_CENTS, max_value=REALISTIC_CENTS)
money = cents.map(Money.from_cents)
nonzero_money = cents.filter(bool).map(Money.from_cents)
positive_money = st.integers(min_value=1, max_value=REALISTIC_CENTS).map(Money.from_cents)

# Few distinct values on purpose, so generated postings share dimensions and balance queries
# over them match more than one posting.
PATIENT_ACCOUNTS = ("P1", "P2")
CLAIM_IDS = ("C1", "C2")
LINE_NUMBERS = (1, 2)
PAYER_IDS = ("PAYA", "PAYB")

dimensions = st.builds(
    Dimensions,
    patient_account=st.sampled_from(PATIENT_ACCOUNTS),
    claim_id=st.none() | st.sampled_from(CLAIM_IDS),
    line_number=st.none() | st.sampled_from(LINE_NUMBERS),
    payer_id=st.none() | st.sampled_from(PAYER_IDS),
)

standard_kinds = st.sampled_from([kind for kind in EntryKind if kind is not EntryKind.REVERSAL])
responsibilities = st.sampled_from(list(Responsibility))

business_days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
aware_datetimes = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
