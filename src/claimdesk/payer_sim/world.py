"""What the simulated payers know to be true: members, coverage dates, contracts, plans.

A real payer knows its members and its contracts; the simulator learns them from the practice
bundle (the same registrations claimdesk imports) and from the policy. Mistakes a practice
makes on its claims are judged against this truth.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from claimdesk.bundle.model import PracticeBundle
from claimdesk.codes.icd10 import shared_code_set
from claimdesk.domain.coverage import Coverage
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Patient
from claimdesk.domain.payers import ContractRate, Payer, rate_on
from claimdesk.domain.providers import Provider
from claimdesk.payer_sim.policy import SimPolicy, TierBenefits, default_policy
from claimdesk.scrub.reference import DiagnosisCodeSet


@dataclass(frozen=True, slots=True)
class Member:
    """One coverage on a payer's file with the person it covers."""

    coverage: Coverage
    patient: Patient


@dataclass(frozen=True, slots=True)
class Allowed:
    amount: Money
    contracted: bool  # False: no contract rate, a share of the charge was allowed


class PayerWorld:
    """The payers' truth plus the policy that says how each payer behaves."""

    def __init__(
        self,
        *,
        policy: SimPolicy,
        codes: DiagnosisCodeSet,
        payers: Iterable[Payer],
        providers: Iterable[Provider],
        members: Iterable[Member],
        contracts: Iterable[ContractRate],
    ) -> None:
        self.policy = policy
        self.codes = codes
        self.payers: Mapping[str, Payer] = MappingProxyType({p.payer_id: p for p in payers})
        self.providers: Mapping[str, Provider] = MappingProxyType({p.npi: p for p in providers})
        by_member: dict[tuple[str, str], list[Member]] = {}
        for member in members:
            coverage = member.coverage
            if coverage.member_id:
                by_member.setdefault((coverage.payer_id, coverage.member_id), []).append(member)
        self._members = {key: tuple(found) for key, found in by_member.items()}
        by_payer: dict[str, list[ContractRate]] = {}
        for rate in contracts:
            by_payer.setdefault(rate.payer_id, []).append(rate)
        self._contracts = by_payer

    @classmethod
    def from_bundle(
        cls,
        bundle: PracticeBundle,
        policy: SimPolicy | None = None,
        codes: DiagnosisCodeSet | None = None,
    ) -> PayerWorld:
        patients = {p.account: p for p in bundle.patients}
        return cls(
            policy=policy or default_policy(),
            codes=codes or shared_code_set(),
            payers=bundle.payers,
            providers=bundle.providers,
            members=(
                Member(c, patients[c.patient_account])
                for c in bundle.coverages
                if c.patient_account in patients
            ),
            contracts=bundle.contracts,
        )

    def members(self, payer_id: str, member_id: str) -> tuple[Member, ...]:
        return self._members.get((payer_id, member_id), ())

    def member(
        self,
        payer_id: str,
        member_id: str,
        *,
        first_name: str = "",
        birth_date: date | None = None,
    ) -> Member | None:
        """The member with this id; a family sharing one id is told apart by birth date, then
        first name (as a payer matches a dependent)."""
        found = self.members(payer_id, member_id)
        if len(found) <= 1:
            return found[0] if found else None
        if birth_date is not None:
            born = [m for m in found if m.patient.birth_date == birth_date]
            if born:
                found = tuple(born)
        if first_name:
            named = [m for m in found if m.patient.first_name.upper() == first_name.upper()]
            if named:
                return named[0]
        return found[0]

    def contract_allowed(
        self, payer_id: str, code: str, modifiers: tuple[str, ...], day: date, units: Decimal
    ) -> Money | None:
        """The contract's rate for the line times its units (to the cent); None without a rate.

        A rate for the line's first modifier (a pricing modifier such as 26) wins over the
        code's plain rate.
        """
        rates = self._contracts.get(payer_id, [])
        rate = None
        if modifiers:
            rate = rate_on(rates, code, day, modifiers[0])
        rate = rate or rate_on(rates, code, day)
        return None if rate is None else Money.rounded(rate.allowed.amount * units)

    def allowed(
        self,
        payer_id: str,
        code: str,
        modifiers: tuple[str, ...],
        day: date,
        units: Decimal,
        charge: Money,
    ) -> Allowed:
        """The contract's allowed amount for the line, never more than the charge; without any
        rate the policy's share of the charge is allowed."""
        amount = self.contract_allowed(payer_id, code, modifiers, day, units)
        if amount is None:
            share = self.policy.for_payer(payer_id).no_rate_share
            return Allowed(min(charge, Money.rounded(charge.amount * share)), contracted=False)
        return Allowed(min(charge, amount), contracted=True)

    def benefits(self, coverage: Coverage) -> TierBenefits:
        """The plan's cost share for the coverage's network tier."""
        plan = self.policy.plan(coverage.payer_id, coverage.plan_name)
        return plan.for_tier(coverage.network_tier)
