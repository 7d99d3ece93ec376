"""Coordination of benefits: what a secondary (or tertiary) payer's remittance means for our books.

A later payer's 835 balances against the full charge (CLP03 = CLP04 + the CAS amounts), so its
adjustments restate what the prior payers already paid and adjusted: CARC 23 ("the impact of
prior payer(s) adjudication"), and with some payers a repeated contractual CO-45. Those amounts
were posted when the prior payer's 835 came; on the later payer's claim only the part the prior
payers left open is at stake. So the restated amounts are reconciled against what the prior
payers settled, line by line, and never posted twice (ASC X12 835 TR3, 1.10.2.13 "coordination
of benefits" and its COB posting examples).

The secondary's expected payment follows its coordination method (the payer's setting):

- ``standard``: it pays up to its own allowed amount less what the prior payers paid, never more
  than the balance they left: ``min(open, allowed - prior paid) - its patient share``.
- ``non_duplication``: it pays its normal benefit (its allowed less the cost share it applies)
  less what the prior payers paid: ``min(open, allowed - its patient share - prior paid)``.
- ``carve_out``: it applies its cost share to what the prior payers left of its allowed:
  ``min(open, (allowed - prior paid) - its patient share)``.
- ``medicare_secondary``: Medicare as secondary payer pays the lowest of its normal benefit, the
  higher allowed less the primary's payment, and the amount the provider must accept (the
  primary's allowed) less the primary's payment (42 CFR 411.33(e)), never more than the balance.

Every figure is floored at zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from claimdesk.domain.money import Money
from claimdesk.domain.payers import CobMethod

PRIOR_PAYER_CARC = "23"  # CARC 23: the impact of prior payer(s) adjudication


@dataclass(frozen=True, slots=True)
class PriorPayers:
    """What the payers before this one did, per line of our claim."""

    method: CobMethod
    paid: Mapping[int, Money]  # what they paid
    settled: Mapping[int, Money]  # what they paid and adjusted off (the charge no longer open)
    allowed: Mapping[int, Money]  # what they allowed (the provider's obligation: MSP)

    def open_on(self, line: int, charge: Money) -> Money:
        """What the prior payers left open on a line: this payer's share to settle."""
        return max(charge - self.settled.get(line, Money.zero()), Money.zero())


def expected_secondary_payment(
    prior: PriorPayers,
    *,
    line: int,
    charge: Money,
    allowed: Money,
    patient_share: Money,
) -> Money:
    """What this later payer should have paid on a line under its coordination method;
    ``allowed`` is its own contracted allowed amount, ``patient_share`` the PR it assigned."""
    zero = Money.zero()
    open_amount = prior.open_on(line, charge)
    paid_before = prior.paid.get(line, zero)
    method = prior.method
    if method is CobMethod.STANDARD:
        owed = min(open_amount, max(allowed - paid_before, zero)) - patient_share
    elif method is CobMethod.NON_DUPLICATION:
        owed = min(open_amount, allowed - patient_share - paid_before)
    elif method is CobMethod.CARVE_OUT:
        owed = min(open_amount, max(allowed - paid_before, zero) - patient_share)
    else:
        obligated = prior.allowed.get(line, charge)
        owed = min(
            open_amount,
            allowed - patient_share,  # its normal benefit as primary
            max(allowed, obligated) - paid_before,
            obligated - paid_before,
        )
    return max(owed, zero)


def spread(amount: Money, weights: Sequence[Money]) -> list[Money]:
    """``amount`` shared in proportion to ``weights`` to the cent; the last share takes the
    rounding, so the shares always sum to ``amount``."""
    whole = sum((w.amount for w in weights), Money.zero().amount)
    if not weights:
        return []
    if not whole:
        return [Money.zero()] * (len(weights) - 1) + [amount]
    shares = [Money.rounded(amount.amount * w.amount / whole) for w in weights[:-1]]
    return [*shares, amount - sum(shares, Money.zero())]
