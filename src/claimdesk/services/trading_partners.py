"""Who claimdesk sends X12 files as, and to whom: the data home's ``submission.toml``.

    [submitter]            # loop 1000A and ISA06; defaults from the billing organization
    name = "Riverbend Family Medicine Group"
    id = "RFMG001"         # the ETIN the receiver assigned (at most 15 characters for ISA06)
    contact = "Billing office"
    phone = "6145550100"   # PER needs a phone or an email
    email = ""

    [receiver]             # a clearinghouse for every payer; without it each payer receives
    name = "Acme Clearinghouse"
    id = "ACMECH"

    production = false     # ISA15: T (test) until the partner says to go live

Without the file, the submitter is the billing organization (its name, its NPI as id) and each
payer is its own receiver (its name, its payer id).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimdesk.domain.payers import Payer
from claimdesk.domain.providers import Provider
from claimdesk.edi.claim_input import Receiver, Submitter

FILE_NAME = "submission.toml"
ISA_ID_LENGTH = 15  # ISA06 / ISA08


class TradingPartnerError(ValueError):
    """``submission.toml`` cannot be used; the message names the file, table and key."""


@dataclass(frozen=True, slots=True)
class TradingPartners:
    submitter_name: str = ""
    submitter_id: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    receiver: Receiver | None = None
    production: bool = False

    def submitter_for(self, billing: Provider) -> Submitter:
        return Submitter(
            name=self.submitter_name or billing.name,
            identifier=self.submitter_id or billing.npi,
            contact_name=self.contact_name or "Billing office",
            phone=self.phone,
            email=self.email,
        )

    def receiver_for(self, payer: Payer) -> Receiver:
        return self.receiver or Receiver(payer.name, payer.payer_id)


def _text(table: dict[str, Any], key: str, where: str, limit: int | None = None) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise TradingPartnerError(f"{where}: {key} must be a string")
    value = value.strip()
    if limit is not None and len(value) > limit:
        raise TradingPartnerError(f"{where}: {key} {value!r} is longer than {limit} characters")
    return value


def parse_trading_partners(text: str, source: str = FILE_NAME) -> TradingPartners:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TradingPartnerError(f"{source}: not TOML: {exc}") from exc
    unknown = sorted(set(data) - {"submitter", "receiver", "production"})
    if unknown:
        raise TradingPartnerError(f"{source}: unknown key(s) {', '.join(unknown)}")
    submitter = data.get("submitter", {})
    where = f"{source}: [submitter]"
    extra = sorted(set(submitter) - {"name", "id", "contact", "phone", "email"})
    if extra:
        raise TradingPartnerError(f"{where}: unknown key(s) {', '.join(extra)}")
    receiver_table = data.get("receiver")
    receiver = None
    if receiver_table is not None:
        rwhere = f"{source}: [receiver]"
        name = _text(receiver_table, "name", rwhere)
        identifier = _text(receiver_table, "id", rwhere, ISA_ID_LENGTH)
        if not name or not identifier:
            raise TradingPartnerError(f"{rwhere}: needs both name and id")
        receiver = Receiver(name, identifier)
    production = data.get("production", False)
    if not isinstance(production, bool):
        raise TradingPartnerError(f"{source}: production must be true or false")
    return TradingPartners(
        submitter_name=_text(submitter, "name", where),
        submitter_id=_text(submitter, "id", where, ISA_ID_LENGTH),
        contact_name=_text(submitter, "contact", where),
        phone=_text(submitter, "phone", where),
        email=_text(submitter, "email", where),
        receiver=receiver,
        production=production,
    )


def load_trading_partners(home: Path) -> TradingPartners:
    path = home / FILE_NAME
    if not path.exists():
        return TradingPartners()
    return parse_trading_partners(path.read_text(encoding="utf-8"), str(path))
