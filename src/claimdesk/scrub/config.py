"""Payer configuration for scrubbing: which rules run and what each payer requires.

Configuration is data (TOML): a ``[defaults]`` table, then ``[kinds.<payer kind>]`` and
``[payers.<payer id>]`` tables, each overriding the one before. The package ships
``payer_rules.toml``; a data home may add its own file with the same layout on top.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from claimdesk.domain.patterns import PatternError, check_pattern
from claimdesk.domain.payers import Payer

# Claim fields a payer may require (PAY001), by the name used in configuration.
REQUIRED_FIELD_NAMES = frozenset(
    {
        "referring_npi",
        "prior_authorization",
        "group_number",
        "subscriber_birth_date",
        "patient_phone",
        "facility_npi",
    }
)

_LIST_KEYS = ("disabled", "prior_auth_codes", "noncovered_codes", "required_fields")
_INT_KEYS = ("eligibility_max_age_days", "timely_filing_warning_days")
_STR_KEYS = ("prior_auth_pattern",)
_BOOL_KEYS = ("requires_ndc",)


class ScrubConfigError(ValueError):
    """A configuration file that cannot be used; the message names the table and key."""


@dataclass(frozen=True, slots=True)
class PayerRules:
    """What scrubbing needs to know about one payer, after every override."""

    disabled: frozenset[str] = frozenset()  # rule codes or names that do not run
    prior_auth_codes: frozenset[str] = frozenset()  # procedure codes needing authorization
    noncovered_codes: frozenset[str] = frozenset()  # procedure codes the payer never covers
    required_fields: tuple[str, ...] = ()  # see REQUIRED_FIELD_NAMES
    prior_auth_pattern: str = ""  # regular expression an authorization number must match
    eligibility_max_age_days: int = 30  # an eligibility check older than this is stale
    timely_filing_warning_days: int = 30  # warn this many days before the filing limit
    requires_ndc: bool = False  # drug lines must name the NDC given (837 loop 2410)


@dataclass(frozen=True, slots=True)
class ScrubConfig:
    """Raw tables, validated when read; ``rules_for`` resolves them for one payer."""

    defaults: Mapping[str, Any] = field(default_factory=dict)
    kinds: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    payers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    _resolved: dict[str, PayerRules] = field(default_factory=dict, compare=False, repr=False)

    def rules_for(self, payer: Payer | None) -> PayerRules:
        """Defaults, then the payer kind's table, then the payer's own table (memoized)."""
        key = "" if payer is None else payer.payer_id
        resolved = self._resolved.get(key)
        if resolved is None:
            resolved = _apply(PayerRules(), self.defaults, "defaults")
            if payer is not None:
                for where, table in (
                    (f"kinds.{payer.kind.value}", self.kinds.get(payer.kind.value)),
                    (f"payers.{payer.payer_id}", self.payers.get(payer.payer_id)),
                ):
                    if table:
                        resolved = _apply(resolved, table, where)
            self._resolved[key] = resolved
        return resolved

    def layered(self, other: ScrubConfig) -> ScrubConfig:
        """This configuration with ``other`` on top (a data home's file over the package's)."""
        return ScrubConfig(
            defaults={**self.defaults, **other.defaults},
            kinds=_merge(self.kinds, other.kinds),
            payers=_merge(self.payers, other.payers),
        )


def _merge(
    base: Mapping[str, Mapping[str, Any]], top: Mapping[str, Mapping[str, Any]]
) -> dict[str, Mapping[str, Any]]:
    merged: dict[str, Mapping[str, Any]] = {key: dict(value) for key, value in base.items()}
    for key, value in top.items():
        merged[key] = {**merged.get(key, {}), **value}
    return merged


def _apply(rules: PayerRules, table: Mapping[str, Any], where: str) -> PayerRules:
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ScrubConfigError(f"{where}: {key} must be a list of strings")
            if key == "required_fields":
                unknown = sorted(set(value) - REQUIRED_FIELD_NAMES)
                if unknown:
                    known = ", ".join(sorted(REQUIRED_FIELD_NAMES))
                    raise ScrubConfigError(
                        f"{where}: required_fields has unknown field(s) {', '.join(unknown)}; "
                        f"known: {known}"
                    )
                changes[key] = tuple(value)
            else:
                changes[key] = frozenset(value)
        elif key in _INT_KEYS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ScrubConfigError(f"{where}: {key} must be a whole number of days")
            changes[key] = value
        elif key in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise ScrubConfigError(f"{where}: {key} must be true or false")
            changes[key] = value
        elif key in _STR_KEYS:
            if not isinstance(value, str):
                raise ScrubConfigError(f"{where}: {key} must be a string")
            try:
                check_pattern(value)
            except PatternError as exc:
                raise ScrubConfigError(
                    f"{where}: {key} is not a regular expression claimdesk runs: {exc}"
                ) from exc
            changes[key] = value
        else:
            raise ScrubConfigError(f"{where}: unknown key {key!r}")
    return replace(rules, **changes)


def parse_config(text: str, source: str = "configuration") -> ScrubConfig:
    """Read a configuration from TOML text; errors name ``source``, the table and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScrubConfigError(f"{source}: not TOML: {exc}") from exc
    unknown = sorted(set(data) - {"defaults", "kinds", "payers"})
    if unknown:
        raise ScrubConfigError(f"{source}: unknown table(s) {', '.join(unknown)}")
    defaults = data.get("defaults", {})
    _apply(PayerRules(), defaults, f"{source}: defaults")
    sections: dict[str, dict[str, Mapping[str, Any]]] = {}
    for name in ("kinds", "payers"):
        tables = data.get(name, {})
        for key, table in tables.items():
            # Validate now, so a bad key is reported when the file is read, not at scrub time.
            _apply(PayerRules(), table, f"{source}: {name}.{key}")
        sections[name] = tables
    return ScrubConfig(defaults=defaults, kinds=sections["kinds"], payers=sections["payers"])
