"""NM1 for a provider identified by NPI, as the 837, 270 and 276 writers send it."""

from __future__ import annotations

from claimdesk.domain.providers import Provider, ProviderKind, npi_is_valid
from claimdesk.edi.x12.writer import SegmentWriter, X12WriteError


def npi(value: str, record: str, field: str) -> str:
    if not npi_is_valid(value.strip()):
        raise X12WriteError(record, field, f"{value!r} is not a valid NPI")
    return value.strip()


def provider_name(
    w: SegmentWriter,
    entity: str,
    provider: Provider,
    record: str,
    who: str,
    *,
    individual_only: bool = False,
) -> None:
    """NM1 for a provider: person or organization, identified by NPI (NM108 XX)."""
    person = provider.kind is ProviderKind.INDIVIDUAL
    if individual_only and not person:
        raise X12WriteError(record, f"{who} NM102", "must be a person, not an organization")
    w.add(
        "NM1",
        entity,
        provider.kind.value,
        w.required_text(provider.name, 60, record, f"{who} NM103 name"),
        w.text(provider.first_name, 35) if person else "",
        "",
        "",
        "",
        "XX",
        npi(provider.npi, record, f"{who} NM109 NPI"),
    )
