"""The simulated payer's pricing of a claim: its benefit rules run against the member's
accumulators, line by line.

This is the payer's side, written apart from claimdesk's estimate (``claimdesk.domain.estimate``)
on purpose: the estimate-accuracy KPI compares what the practice predicted with what this
pricing assigned, so the two must not be one function. Here each line moves the member's
accumulators (deductible met, out-of-pocket met) as it is priced, and the patient's share comes
out as the 835's PR adjustments: PR-1 deductible, PR-2 coinsurance, PR-3 copay, PR-45 the
charge above the allowed amount that an out-of-network provider may bill the patient.

The benefit rules: a kind of service listed in the tier's copay services with a copay takes that
copay once per claim (the visit) and nothing else, unless the plan stacks coinsurance on it (then
deductible, copay, coinsurance); preventive services are free where the tier says so; every other
service meets the deductible, then coinsurance. Out of network no contract applies: the tier
allows the billed charge or its maximum allowable. The out-of-pocket maximum limits cost
sharing, never the balance bill.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from claimdesk.domain.money import Money
from claimdesk.payer_sim.policy import ServiceList, TierBenefits
from claimdesk.payer_sim.state import Accumulator

PREVENTIVE, OFFICE, SPECIALIST = "preventive", "office_visit", "specialist_visit"
DIAGNOSTIC, PROCEDURE, DRUG = "diagnostic", "procedure", "drug"


def _listed(code: str, entries: Iterable[str]) -> bool:
    for entry in entries:
        low, _, high = entry.partition("-")
        if code == low or (high and len(code) == len(low) and low <= code <= high):
            return True
    return False


def kind_of(services: ServiceList, code: str, taxonomy: str) -> str:
    """The kind of service a code is, by the payer's list (a visit by the rendering provider's
    taxonomy: primary care or a specialist)."""
    code = code.upper()
    if _listed(code, services.preventive):
        return PREVENTIVE
    if _listed(code, services.visit):
        return OFFICE if not taxonomy or taxonomy in services.primary_care else SPECIALIST
    if _listed(code, services.diagnostic):
        return DIAGNOSTIC
    if _listed(code, services.drug):
        return DRUG
    return PROCEDURE


@dataclass(frozen=True, slots=True)
class LineToPrice:
    index: int
    code: str
    charge: Money
    contract_allowed: Money | None  # the contract's amount for the line; None without one
    taxonomy: str = ""  # the rendering provider's


@dataclass(frozen=True, slots=True)
class PricedLine:
    index: int
    kind: str
    allowed: Money
    contracted: bool
    deductible: Money  # PR-1
    coinsurance: Money  # PR-2
    copay: Money  # PR-3
    balance: Money  # PR-45: charge above allowed, billed to the patient out of network

    @property
    def cost_share(self) -> Money:
        return self.deductible + self.coinsurance + self.copay

    @property
    def plan_pays(self) -> Money:
        return self.allowed - self.cost_share


class ClaimPricer:
    """Prices one claim's payable lines for a member, moving the member's accumulator."""

    def __init__(
        self,
        tier: TierBenefits,
        services: ServiceList,
        accumulator: Accumulator,
        *,
        in_network: bool,
        no_rate_share: Decimal,
    ) -> None:
        self.tier = tier
        self.services = services
        self.met = accumulator
        self.in_network = in_network
        self.no_rate_share = no_rate_share
        self.copays_taken: dict[str, Money] = {}

    def price(self, lines: Iterable[LineToPrice]) -> list[PricedLine]:
        return [self._line(line) for line in sorted(lines, key=lambda ln: ln.index)]

    def _allowed(self, line: LineToPrice) -> tuple[Money, bool]:
        if not self.in_network:
            if self.tier.allowed_without_contract == "maximum":
                share = Money.rounded(line.charge.amount * self.tier.maximum_allowable)
                return min(line.charge, share), False
            return line.charge, False
        if line.contract_allowed is None:
            # In network with no rate for the code: the payer allows its share of the charge.
            return min(line.charge, Money.rounded(line.charge.amount * self.no_rate_share)), False
        return min(line.charge, line.contract_allowed), True

    def _copay_of(self, kind: str) -> Money:
        if kind not in self.tier.copay_services:
            return Money.zero()
        return self.tier.specialist_copay if kind == SPECIALIST else self.tier.copay

    def _room(self) -> Money | None:
        """What the member may still be charged this year before the plan pays everything."""
        limit = self.tier.out_of_pocket_max
        if limit is None:
            return None
        return max(limit - self.met.out_of_pocket_met, Money.zero())

    def _charge_member(self, amount: Money) -> Money:
        room = self._room()
        taken = amount if room is None else min(amount, room)
        self.met.out_of_pocket_met += taken
        return taken

    def _line(self, line: LineToPrice) -> PricedLine:
        kind = kind_of(self.services, line.code, line.taxonomy)
        allowed, contracted = self._allowed(line)
        balance = Money.zero()
        if not self.in_network and self.tier.balance_billing:
            balance = line.charge - allowed
        deductible = copay = coinsurance = Money.zero()
        copay_due = self._copay_of(kind)
        free = kind == PREVENTIVE and self.tier.preventive_free
        copay_only = bool(copay_due) and not self.tier.copay_with_coinsurance
        open_amount = allowed
        if not free and not copay_only:
            unmet = max(self.tier.deductible - self.met.deductible_met, Money.zero())
            deductible = self._charge_member(min(unmet, open_amount))
            self.met.deductible_met += deductible
            open_amount -= min(unmet, open_amount)
        if not free and copay_due:
            # One copay per visit for a kind of service: what an earlier line took is not due.
            owed = copay_due - self.copays_taken.get(kind, Money.zero())
            part = min(owed, open_amount)
            self.copays_taken[kind] = self.copays_taken.get(kind, Money.zero()) + part
            copay = self._charge_member(part)
            open_amount -= part
        if not free and not copay_only and self.tier.coinsurance:
            coinsurance = self._charge_member(
                Money.rounded(open_amount.amount * self.tier.coinsurance)
            )
        return PricedLine(
            line.index, kind, allowed, contracted, deductible, coinsurance, copay, balance
        )
