"""The practice profile: who the practice is on every claim, file, statement and letter.

A profile is a set of named settings (``billing.npi``, ``submitter.phone``, ``time_zone``...).
Each setting has one validator, so ``claimdesk practice set``, a bundle's ``practice.toml`` and
the web desk refuse the same bad values with the same words; and the settings the 837 needs are
listed once, so ``submit`` can name every missing one before it touches a claim.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address
from claimdesk.domain.providers import Provider, ProviderKind, npi_is_valid

PRACTICE_FILE = "practice.toml"  # a bundle's practice profile
ISA_ID_LENGTH = 15  # ISA06/ISA08 and the 1000A/1000B identifiers


class ProfileError(ValueError):
    """Settings that cannot be used: each problem names its setting (``""``: the file itself)
    and the reason, which says what a good value looks like."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(
            "; ".join(f"{key}: {reason}" if key else reason for key, reason in problems)
        )
        self.problems = tuple(problems)


def _text(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"is longer than {limit} characters")
        return value

    return check


def _npi(value: str) -> str:
    if not npi_is_valid(value):
        raise ValueError("is not an NPI: 10 digits whose last is the Luhn check digit")
    return value


def _tax_id(value: str) -> str:
    digits = value.replace("-", "")
    if not (len(digits) == 9 and digits.isascii() and digits.isdigit()):
        raise ValueError("is not a tax id (EIN): 9 digits, as 12-3456789 or 123456789")
    return digits


def _taxonomy(value: str) -> str:
    # NUCC health care provider taxonomy: 10 characters, ending in X (PRV03).
    if not re.fullmatch(r"[0-9]{3}[0-9A-Z]{6}X", value):
        raise ValueError("is not a NUCC taxonomy code (10 characters ending in X, 207Q00000X)")
    return value


def _state(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError("is not a two-letter state code (OH)")
    return value


def _zip_plus_four(value: str) -> str:
    # 2010AA N403: the billing provider's ZIP code must carry its four-digit extension.
    digits = value.replace("-", "")
    if not (len(digits) == 9 and digits.isascii() and digits.isdigit()):
        raise ValueError("is not a ZIP+4 code: nine digits, as 43215-1234")
    return digits


def _zip(value: str) -> str:
    digits = value.replace("-", "")
    if not (len(digits) in (5, 9) and digits.isascii() and digits.isdigit()):
        raise ValueError("is not a ZIP code: five or nine digits, as 43215 or 43215-1234")
    return digits


def _phone(value: str) -> str:
    digits = re.sub(r"[\s().-]", "", value)
    if not re.fullmatch(r"[2-9][0-9]{9}", digits):
        raise ValueError("is not a ten-digit US phone number (614-555-0100)")
    return digits


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValueError("is not an email address")
    return value


def _identifier(value: str) -> str:
    if len(value) > ISA_ID_LENGTH or not re.fullmatch(r"[A-Za-z0-9]+", value):
        raise ValueError(f"is not an X12 id: letters and digits, at most {ISA_ID_LENGTH}")
    return value


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("is not an IANA time zone (America/New_York)") from exc
    return value


def _percent(value: str) -> str:
    if not re.fullmatch(r"\d{1,2}(\.\d{1,2})?|100(\.0{1,2})?", value, re.ASCII):
        raise ValueError("is not a percentage from 0 to 100 with at most 2 decimals (6.5)")
    return value


def _dollars(value: str) -> str:
    if not re.fullmatch(r"\d{1,9}(\.\d{1,2})?", value, re.ASCII):
        raise ValueError("is not an amount in dollars with at most 2 decimals (250.00)")
    return value


def _yes_no(value: str) -> str:
    lowered = value.lower()
    if lowered not in {"true", "false"}:
        raise ValueError("must be true or false")
    return lowered


def _business_days(value: str) -> str:
    if not value.isascii() or not value.isdigit() or int(value) > 60:
        raise ValueError("must be a whole number of business days from 0 to 60")
    return str(int(value))


def _days(low: int, high: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
            raise ValueError(f"must be a whole number of days from {low} to {high}")
        return str(int(value))

    return check


def _count(low: int, high: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return str(int(value))

    return check


# Patient statements (docs/statements.md): a statement every 30 days, none under $5.00, and a
# payment plan's installment missed once its grace days have passed.
DEFAULT_STATEMENT_CYCLE_DAYS = 30
# Collections (docs/collections.md): three statements and 120 days unpaid, the 120-day dunning
# level's "may be referred for collection".
DEFAULT_COLLECTIONS_AFTER_STATEMENTS = 3
DEFAULT_COLLECTIONS_AFTER_DAYS = 120
DEFAULT_STATEMENT_MIN_BALANCE = "5.00"
# An agency keeps a share of what it collects and a referral costs the patient's goodwill: a
# small balance is cheaper written off (small-balance adjustment) than referred.
DEFAULT_COLLECTIONS_MIN_BALANCE = "25.00"
DEFAULT_PLAN_GRACE_DAYS = 10

# ERA/EFT reassociation waits this many business days for the other side (docs/deposits.md).
DEFAULT_DEPOSIT_WAIT_DAYS = 5


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    meaning: str
    check: Callable[[str], str]
    needed_to_submit: bool = False


_SETTINGS = (
    Setting(
        "name", "legal name of the practice (billing provider name, 2010AA NM103)", _text(60), True
    ),
    Setting("billing.npi", "billing provider NPI (2010AA NM109)", _npi, True),
    Setting("billing.tax_id", "billing provider EIN (2010AA REF*EI)", _tax_id, True),
    Setting("billing.taxonomy", "billing provider taxonomy (2000A PRV03)", _taxonomy, True),
    Setting("billing.address1", "billing street address, no PO box (2010AA N301)", _text(55), True),
    Setting("billing.address2", "billing address, second line (2010AA N302)", _text(55)),
    Setting("billing.city", "billing city (2010AA N401)", _text(30), True),
    Setting("billing.state", "billing state (2010AA N402)", _state, True),
    Setting("billing.zip", "billing ZIP+4 (2010AA N403)", _zip_plus_four, True),
    Setting("pay_to.address1", "pay-to address, if payments go elsewhere (2010AB N301)", _text(55)),
    Setting("pay_to.address2", "pay-to address, second line (2010AB N302)", _text(55)),
    Setting("pay_to.city", "pay-to city (2010AB N401)", _text(30)),
    Setting("pay_to.state", "pay-to state (2010AB N402)", _state),
    Setting("pay_to.zip", "pay-to ZIP code (2010AB N403)", _zip_plus_four),
    Setting(
        "submitter.id", "submitter id the receiver assigned (ISA06, 1000A NM109)", _identifier, True
    ),
    Setting("submitter.name", "submitter name (1000A NM103; default: the legal name)", _text(60)),
    Setting("submitter.contact", "contact person or office (1000A PER02)", _text(60), True),
    Setting("submitter.phone", "contact phone (1000A PER04)", _phone, True),
    Setting("submitter.email", "contact email (1000A PER06)", _email),
    Setting("receiver.id", "clearinghouse id for every payer (ISA08, 1000B NM109)", _identifier),
    Setting("receiver.name", "clearinghouse name (1000B NM103)", _text(60)),
    Setting("production", "true once the clearinghouse says to go live (ISA15 P, else T)", _yes_no),
    Setting("time_zone", "the practice's time zone: what 'today' means", _zone, True),
    Setting("signature", "who signs statements and letters", _text(80)),
    Setting(
        "deposits.wait_days",
        "business days an ERA or a deposit waits for the other before it is work (default 5)",
        _business_days,
    ),
    Setting(
        "statements.cycle_days",
        "days between an account's statements (default 30)",
        _days(1, 365),
    ),
    Setting(
        "statements.min_balance",
        "no statement for a patient balance below this many dollars (default 5.00)",
        _dollars,
    ),
    Setting(
        "plans.grace_days",
        "days after its due date before a payment plan installment counts as missed (default 10)",
        _days(0, 60),
    ),
    Setting(
        "collections.after_statements",
        "statements an account is sent before it may go to collections (default 3)",
        _count(1, 99),
    ),
    Setting(
        "collections.after_days",
        "days a patient balance is unpaid before it may go to collections (default 120)",
        _days(1, 3650),
    ),
    Setting(
        "collections.min_balance",
        "no referral to collections for an account owing less than this many dollars "
        "(default 25.00)",
        _dollars,
    ),
    # The billing company's fee model for the monthly invoice (docs/close.md).
    Setting("fee.percent", "invoice: percent of the month's collections (6.5)", _percent),
    Setting("fee.per_claim", "invoice: dollars per claim submitted in the month", _dollars),
    Setting("fee.flat", "invoice: flat dollars per month", _dollars),
    Setting("fee.minimum", "invoice: the least a month is billed, in dollars", _dollars),
)
SETTINGS: Mapping[str, Setting] = {s.key: s for s in _SETTINGS}
# Per payer: receiver.PAYERID.id and receiver.PAYERID.name (1000B for that payer's files).
_PAYER_RECEIVER = re.compile(r"receiver\.([A-Za-z0-9]+)\.(id|name)")
# Per payer that takes paper only: paper.PAYERID.only, and the address its CMS-1500s are mailed
# to (printed in the form's carrier block).
_PAPER_PAYER = re.compile(r"paper\.([A-Za-z0-9]+)\.(only|address1|address2|city|state|zip)")
_PAPER_SETTINGS: dict[str, tuple[str, Callable[[str], str]]] = {
    "only": ("true when payer {} takes paper claims only: submit prints a CMS-1500", _yes_no),
    "address1": ("street where payer {} takes paper claims (CMS-1500 carrier block)", _text(55)),
    "address2": ("second address line for payer {}'s paper claims", _text(55)),
    "city": ("city where payer {} takes paper claims", _text(30)),
    "state": ("state where payer {} takes paper claims", _state),
    "zip": ("ZIP code where payer {} takes paper claims", _zip),
}


def setting_of(key: str) -> Setting:
    """The setting named ``key``; per-payer receivers are ``receiver.PAYERID.id|name``."""
    found = SETTINGS.get(key)
    if found is not None:
        return found
    paper = _PAPER_PAYER.fullmatch(key)
    if paper is not None:
        meaning, check = _PAPER_SETTINGS[paper.group(2)]
        return Setting(key, meaning.format(paper.group(1)), check)
    match = _PAYER_RECEIVER.fullmatch(key)
    if match is None:
        known = ", ".join(SETTINGS)
        raise ProfileError(
            [
                (
                    key,
                    f"no such practice setting (known: {known}, receiver.PAYERID.id|name, "
                    f"paper.PAYERID.{'|'.join(_PAPER_SETTINGS)})",
                )
            ]
        )
    payer, part = match.groups()
    if part == "id":
        return Setting(key, f"receiver id for payer {payer} (ISA08, 1000B NM109)", _identifier)
    return Setting(key, f"receiver name for payer {payer} (1000B NM103)", _text(60))


def checked_value(key: str, value: str) -> str:
    """``value`` as stored for ``key`` (digits only for NPI, phone, ZIP); raises ProfileError."""
    setting = setting_of(key)
    text = value.strip()
    if not text:
        return ""
    try:
        return setting.check(text)
    except ValueError as exc:
        raise ProfileError([(key, f"{value!r} {exc}")]) from exc


def checked_changes(changes: Mapping[str, str]) -> dict[str, str]:
    """Every value checked; one :class:`ProfileError` naming every bad setting."""
    checked: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for key, value in changes.items():
        try:
            checked[key] = checked_value(key, value)
        except ProfileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ProfileError(problems)
    return checked


def _flatten(table: Mapping[str, Any], prefix: str, out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, f"{name}.", out)
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, str | int):
            out[name] = str(value)
        else:
            raise ProfileError([(name, "must be text, a number or true/false")])


def parse_practice_file(text: str) -> dict[str, str]:
    """The checked settings of a ``practice.toml``; one :class:`ProfileError` names every bad
    setting."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError([("", f"not TOML: {exc}")]) from exc
    flat: dict[str, str] = {}
    _flatten(data, "", flat)
    return checked_changes(flat)


@dataclass(frozen=True, slots=True)
class PracticeProfile:
    """The stored settings (checked values by key)."""

    values: Mapping[str, str]

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    def missing_to_submit(self) -> tuple[Setting, ...]:
        """The settings an 837 needs that are not set, in the order ``practice show`` lists."""
        missing = [s for s in _SETTINGS if s.needed_to_submit and not self.get(s.key)]
        if self.get("receiver.id") and not self.get("receiver.name"):
            missing.append(SETTINGS["receiver.name"])
        return tuple(missing)

    @property
    def time_zone(self) -> ZoneInfo | None:
        zone = self.get("time_zone")
        return ZoneInfo(zone) if zone else None

    @property
    def deposit_wait_days(self) -> int:
        wait = self.get("deposits.wait_days")
        return int(wait) if wait else DEFAULT_DEPOSIT_WAIT_DAYS

    @property
    def statement_cycle_days(self) -> int:
        days = self.get("statements.cycle_days")
        return int(days) if days else DEFAULT_STATEMENT_CYCLE_DAYS

    @property
    def statement_min_balance(self) -> Money:
        return Money(self.get("statements.min_balance") or DEFAULT_STATEMENT_MIN_BALANCE)

    @property
    def collections_after_statements(self) -> int:
        found = self.get("collections.after_statements")
        return int(found) if found else DEFAULT_COLLECTIONS_AFTER_STATEMENTS

    @property
    def collections_after_days(self) -> int:
        found = self.get("collections.after_days")
        return int(found) if found else DEFAULT_COLLECTIONS_AFTER_DAYS

    @property
    def collections_min_balance(self) -> Money:
        return Money(self.get("collections.min_balance") or DEFAULT_COLLECTIONS_MIN_BALANCE)

    @property
    def plan_grace_days(self) -> int:
        days = self.get("plans.grace_days")
        return int(days) if days else DEFAULT_PLAN_GRACE_DAYS

    @property
    def production(self) -> bool:
        return self.get("production") == "true"

    def billing_provider(self) -> Provider | None:
        """The practice as billing provider (2010AA), once its settings are complete."""
        if not all(self.get(k) for k in ("name", "billing.npi", "billing.tax_id")):
            return None
        return Provider(
            npi=self.get("billing.npi"),
            kind=ProviderKind.ORGANIZATION,
            name=self.get("name"),
            taxonomy=self.get("billing.taxonomy"),
            tax_id=self.get("billing.tax_id"),
            address=self._address("billing"),
        )

    def pay_to(self) -> Address | None:
        return self._address("pay_to")

    def _address(self, prefix: str) -> Address | None:
        address = Address(
            line1=self.get(f"{prefix}.address1"),
            city=self.get(f"{prefix}.city"),
            state=self.get(f"{prefix}.state"),
            postal_code=self.get(f"{prefix}.zip"),
            line2=self.get(f"{prefix}.address2"),
        )
        return address if address.is_complete() else None

    def paper_payers(self) -> frozenset[str]:
        """The payers that take paper claims only (``paper.PAYERID.only``)."""
        return frozenset(
            match.group(1)
            for key, value in self.values.items()
            if (match := _PAPER_PAYER.fullmatch(key)) is not None
            and match.group(2) == "only"
            and value == "true"
        )

    def paper_address(self, payer_id: str) -> Address | None:
        """Where ``payer_id`` takes paper claims, once its street, city, state and ZIP are set."""
        return self._address(f"paper.{payer_id}")

    def payer_receivers(self) -> dict[str, tuple[str, str]]:
        """(name, id) of the receiver named for each payer that has one of its own."""
        receivers: dict[str, tuple[str, str]] = {}
        for key in self.values:
            match = _PAYER_RECEIVER.fullmatch(key)
            if match is not None and match.group(2) == "id":
                payer = match.group(1)
                name = self.get(f"receiver.{payer}.name") or payer
                receivers[payer] = (name, self.values[key])
        return receivers
