"""FHIR R4 (the R4B models of ``fhir.resources``) in and out of claimdesk (docs/fhir.md).

``source`` reads a Bundle or NDJSON file into resources the library's models validated;
``practice`` turns them into a :class:`claimdesk.bundle.model.PracticeBundle`, with the checks
the CSV bundle's rows get; ``writer`` writes a practice bundle as FHIR; ``billing`` writes what
claimdesk billed and what payers paid as Claim, ClaimResponse and ExplanationOfBenefit.
"""
