"""The payers' provider line: where the simulated Tier 1 biller asks for an authorization after
the service (a retro authorization), as billers do when a claim is held for one (AUT002).

A payer grants it at the staff policy's ``retro_authorization_rate``, one seeded draw per claim
(asking again gets the same answer), and gives a number the claim then carries (REF*G1). The
payer simulator pays an authorization-required code when the claim carries a number.
"""

from __future__ import annotations

import random
from decimal import Decimal


class PayerLine:
    def __init__(self, seed: int, grant_rate: Decimal) -> None:
        self._seed = seed
        self._grant_rate = grant_rate

    def retro_authorization(self, payer_id: str, claim_id: str) -> str | None:
        """The authorization number the payer gives for the claim's services, or None."""
        draw = random.Random(f"{self._seed}:{payer_id}:{claim_id}")
        if Decimal(str(draw.random())) >= self._grant_rate:
            return None
        return f"RA{draw.randrange(10**7, 10**8)}"
