"""X12 delimiters. On read they come from the ISA; these are the ones claimdesk writes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Delimiters:
    element: str = "*"
    component: str = ":"  # ISA16
    repetition: str = "^"  # ISA11 in 5010
    segment: str = "~"


DEFAULT_DELIMITERS = Delimiters()
