"""Providers: NPI check digits, providers on file, taxonomy, and who may bill for whom."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimdesk.domain.providers import ProviderKind, npi_is_valid
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.findings import BillingTier, Severity
from claimdesk.scrub.registry import rule
from claimdesk.scrub.rule import Issue

ERROR, WARNING, T1 = Severity.ERROR, Severity.WARNING, BillingTier.TIER_1
NPI_REFERENCE = "CMS NPI standard: Luhn check digit over 80840 + the first 9 digits"
NUCC_TAXONOMY = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")
TAX_ID = re.compile(r"^[0-9]{2}-?[0-9]{7}$")
NPI_FIX = "Re-enter the NPI from the NPPES registry; a typo changes the check digit."


def _npi_issue(npi: str, role: str, field: str) -> Iterator[Issue]:
    if npi and not npi_is_valid(npi):
        yield Issue(f"{role} NPI {npi} fails the NPI check digit", field)


@rule(
    "PRV001",
    "billing-npi-check-digit",
    ERROR,
    T1,
    summary="The billing provider's NPI fails the check digit.",
    fix=NPI_FIX,
    reference=f"005010X222A1 2010AA NM109; {NPI_REFERENCE}",
)
def billing_npi(ctx: ScrubContext) -> Iterator[Issue]:
    yield from _npi_issue(ctx.claim.encounter.billing_npi, "billing", "billing_npi")


@rule(
    "PRV002",
    "rendering-npi-check-digit",
    ERROR,
    T1,
    summary="The rendering provider's NPI fails the check digit.",
    fix=NPI_FIX,
    reference=f"005010X222A1 2310B NM109; {NPI_REFERENCE}",
)
def rendering_npi(ctx: ScrubContext) -> Iterator[Issue]:
    yield from _npi_issue(ctx.claim.encounter.rendering_npi, "rendering", "rendering_npi")


@rule(
    "PRV003",
    "referring-npi-check-digit",
    ERROR,
    T1,
    summary="The referring provider's NPI fails the check digit.",
    fix=NPI_FIX,
    reference=f"005010X222A1 2310A NM109; {NPI_REFERENCE}",
)
def referring_npi(ctx: ScrubContext) -> Iterator[Issue]:
    yield from _npi_issue(ctx.claim.encounter.referring_npi, "referring", "referring_npi")


@rule(
    "PRV004",
    "facility-npi-check-digit",
    ERROR,
    T1,
    summary="The service facility's NPI fails the check digit.",
    fix=NPI_FIX,
    reference=f"005010X222A1 2310C NM109; {NPI_REFERENCE}",
)
def facility_npi(ctx: ScrubContext) -> Iterator[Issue]:
    if ctx.facility is not None:
        yield from _npi_issue(ctx.facility.npi, "facility", "facility.npi")


@rule(
    "PRV005",
    "provider-not-on-file",
    ERROR,
    T1,
    summary="The billing or rendering NPI is not a provider on file.",
    fix="Add the provider (name, NPI, taxonomy, tax id) to the practice's provider list.",
    reference="005010X222A1 2010AA / 2310B (billing and rendering provider)",
)
def provider_not_on_file(ctx: ScrubContext) -> Iterator[Issue]:
    encounter = ctx.claim.encounter
    for role, npi in (("billing", encounter.billing_npi), ("rendering", encounter.rendering_npi)):
        if npi not in ctx.providers:
            yield Issue(f"{role} NPI {npi} is not a provider on file", f"{role}_npi")


@rule(
    "PRV006",
    "taxonomy-missing",
    ERROR,
    T1,
    summary="The billing or rendering provider has no taxonomy code.",
    fix="Enter the provider's NUCC taxonomy code as registered in NPPES.",
    reference="005010X222A1 2000A PRV03 / 2310B PRV03 (provider taxonomy code)",
)
def taxonomy_missing(ctx: ScrubContext) -> Iterator[Issue]:
    encounter = ctx.claim.encounter
    for role, npi in (("billing", encounter.billing_npi), ("rendering", encounter.rendering_npi)):
        provider = ctx.providers.get(npi)
        if provider is not None and not provider.taxonomy.strip():
            yield Issue(f"{role} provider {npi} has no taxonomy code", f"{role}_npi")


@rule(
    "PRV007",
    "taxonomy-unknown",
    ERROR,
    T1,
    summary="A provider's taxonomy is not shaped like a NUCC code or not in the imported NUCC set.",
    fix="Correct the taxonomy code from the provider's NPPES record.",
    reference="NUCC Health Care Provider Taxonomy code set (imported file)",
)
def taxonomy_unknown(ctx: ScrubContext) -> Iterator[Issue]:
    known = ctx.reference.taxonomies
    encounter = ctx.claim.encounter
    for role, npi in (("billing", encounter.billing_npi), ("rendering", encounter.rendering_npi)):
        provider = ctx.providers.get(npi)
        if provider is None or not provider.taxonomy.strip():
            continue
        taxonomy = provider.taxonomy
        if not NUCC_TAXONOMY.match(taxonomy):
            yield Issue(
                f"{role} provider {npi}: taxonomy {taxonomy!r} is not a NUCC code",
                f"{role}_npi",
            )
        elif known is not None and taxonomy not in known:
            yield Issue(
                f"{role} provider {npi}: taxonomy {taxonomy} is not in the NUCC code set",
                f"{role}_npi",
            )


@rule(
    "PRV008",
    "individual-bills-for-another",
    ERROR,
    T1,
    summary="An individual is the billing provider for a service another clinician rendered.",
    fix=(
        "Bill under the group (organization NPI) the rendering clinician reassigned benefits "
        "to, or correct the rendering provider."
    ),
    reference="005010X222A1 2010AA / 2310B; CMS reassignment of benefits (CMS-855R)",
)
def individual_bills_for_another(ctx: ScrubContext) -> Iterator[Issue]:
    encounter = ctx.claim.encounter
    billing = ctx.providers.get(encounter.billing_npi)
    if (
        billing is not None
        and billing.kind is ProviderKind.INDIVIDUAL
        and encounter.rendering_npi != encounter.billing_npi
    ):
        yield Issue(
            f"individual {encounter.billing_npi} bills for a service rendered by "
            f"{encounter.rendering_npi}",
            "billing_npi",
        )


@rule(
    "PRV009",
    "billing-tax-id-invalid",
    ERROR,
    T1,
    summary="The billing provider's tax id is not 9 digits.",
    fix="Enter the billing provider's EIN (or SSN) as 9 digits.",
    reference="005010X222A1 2010AA REF*EI (billing provider tax identification)",
)
def billing_tax_id(ctx: ScrubContext) -> Iterator[Issue]:
    billing = ctx.providers.get(ctx.claim.encounter.billing_npi)
    if billing is not None and not TAX_ID.match(billing.tax_id):
        yield Issue(
            f"billing provider {billing.npi}: tax id {billing.tax_id!r} is not 9 digits",
            "billing_npi",
        )
