"""Who claimdesk sends X12 files as, and to whom: read from the practice profile.

The submitter (loop 1000A, ISA06) and the receivers (loop 1000B, ISA08) are the profile's
``submitter.*`` and ``receiver.*`` settings; a payer with ``receiver.PAYERID.*`` has a receiver
of its own, the others go to ``receiver.*``, and without either a payer is its own receiver. The
practice itself is the billing provider (2010AA) of every claim billed under its NPI.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from claimdesk.domain.parties import Address
from claimdesk.domain.payers import Payer
from claimdesk.domain.practice import PracticeProfile
from claimdesk.domain.providers import Provider
from claimdesk.edi.x837.claim_input import Receiver, Submitter
from claimdesk.services.practice import require_for_submit
from claimdesk.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class TradingPartners:
    submitter_name: str = ""
    submitter_id: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    receiver: Receiver | None = None
    production: bool = False
    receivers: Mapping[str, Receiver] = field(default_factory=dict)  # by payer id
    billing: Provider | None = None  # the practice, as its profile names it
    pay_to: Address | None = None

    def submitter_for(self, billing: Provider) -> Submitter:
        return Submitter(
            name=self.submitter_name or billing.name,
            identifier=self.submitter_id or billing.npi,
            contact_name=self.contact_name or "Billing office",
            phone=self.phone,
            email=self.email,
        )

    def receiver_for(self, payer: Payer) -> Receiver:
        own = self.receivers.get(payer.payer_id)
        return own or self.receiver or Receiver(payer.name, payer.payer_id)

    def billing_provider(self, on_file: Provider) -> Provider:
        """The practice's own settings for a claim billed under its NPI, else the provider
        on file."""
        if self.billing is not None and self.billing.npi == on_file.npi:
            return self.billing
        return on_file


def partners_of(profile: PracticeProfile) -> TradingPartners:
    receiver_id = profile.get("receiver.id")
    return TradingPartners(
        submitter_name=profile.get("submitter.name") or profile.get("name"),
        submitter_id=profile.get("submitter.id"),
        contact_name=profile.get("submitter.contact"),
        phone=profile.get("submitter.phone"),
        email=profile.get("submitter.email"),
        receiver=Receiver(profile.get("receiver.name"), receiver_id) if receiver_id else None,
        production=profile.production,
        receivers={
            payer: Receiver(name, identifier)
            for payer, (name, identifier) in profile.payer_receivers().items()
        },
        billing=profile.billing_provider(),
        pay_to=profile.pay_to(),
    )


def stored_partners(uow_factory: Callable[[], UnitOfWork]) -> TradingPartners:
    """The trading partners the stored practice profile names."""
    with uow_factory() as uow:
        return partners_of(uow.practice.profile())


def partners_to_submit(uow_factory: Callable[[], UnitOfWork]) -> TradingPartners:
    """The stored trading partners, once the profile names all an 837 needs; else
    :class:`ProfileIncompleteError` naming each missing setting."""
    with uow_factory() as uow:
        profile = uow.practice.profile()
    require_for_submit(profile)
    return partners_of(profile)
