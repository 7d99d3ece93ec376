"""The simulated front office: at check-in, once the day's 271s are read and before the visit is
billed, the patient's share of each captured visit is estimated and kept.

The estimate goes through the desk as the Tier 1 person's (the claim's *Eligibility and
estimate* page does the same), so it is checked and audited like a person's. The payer later
prices the claim with its own code (``payer_sim/pricing.py``), and the 835's patient share is
set against the kept estimate by the ``estimate_accuracy`` KPI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from claimdesk.desk.billing import BillingDesk
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.estimate import Estimate
from claimdesk.domain.work import WorkError
from claimdesk.services.rules import Rules
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
Collect = Callable[[str, Estimate], None]


@dataclass(slots=True)
class CheckInTally:
    estimated: int = 0
    not_estimated: int = 0  # the desk could not estimate (the message is in the audit trail)


class FrontDesk:
    def __init__(self, rules: Rules, person: str) -> None:
        self._rules = rules
        self._person = person
        self.tally = CheckInTally()

    def check_in(
        self, uow_factory: UowFactory, now: datetime, collect: Collect | None = None
    ) -> int:
        """Estimate every visit captured by now (a draft claim to a coverage) not yet estimated,
        handing each estimate to ``collect`` (the patient share taken at the desk); the number of
        estimates made."""
        with uow_factory() as uow:
            drafts = [c for c in uow.claims.with_status(ClaimStatus.DRAFT) if c.coverage_id]
            done = uow.estimates.claims_estimated([c.claim_id for c in drafts])
        waiting = [c.claim_id for c in drafts if c.claim_id not in done]
        if not waiting:
            return 0
        desk = BillingDesk(uow_factory, self._rules, lambda: now)
        actor = desk.actor_named(self._person)
        made = 0
        for claim_id in waiting:
            try:
                outcome = desk.estimate(actor, claim_id)
            except WorkError:
                self.tally.not_estimated += 1
                continue
            made += 1
            if collect is not None:
                collect(claim_id, outcome.estimate)
        self.tally.estimated += made
        return made
