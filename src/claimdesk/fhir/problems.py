"""A problem found in a FHIR file: where (the resource), which element, and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FhirProblem:
    """One located error; ``where`` names the resource (``Bundle.entry[3] Coverage/cov-1`` or
    ``line 4 Coverage/cov-1``), ``element`` the element's FHIRPath within it (``payor[0]``)."""

    where: str
    element: str
    reason: str

    def __str__(self) -> str:
        inside = f"{self.element}: " if self.element else ""
        return f"{self.where}: {inside}{self.reason}"

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "element": self.element, "reason": self.reason}
