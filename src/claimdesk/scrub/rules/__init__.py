"""The rule modules, one per area; importing this package registers every rule."""

from . import (
    authorization,
    coding,
    coverage,
    dates,
    duplicates,
    ncci,
    payer,
    providers,
    registration,
)

AREAS = (
    registration,
    coverage,
    coding,
    ncci,
    providers,
    dates,
    duplicates,
    authorization,
    payer,
)

__all__ = ["AREAS"]
