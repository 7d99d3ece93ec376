"""The quick fix of a held or rejected claim (the item page and ``POST /api/v1/items/{id}/fix``):
the coverage's member and group numbers, the encounter's diagnoses, and each line's modifiers
and diagnosis pointers, saved through the claim editor, which checks, saves, scrubs and
releases (``services.claim_editor``); the editor itself covers every other field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from claimdesk.scrub.claim_edit import ClaimForm
from claimdesk.scrub.config import ScrubConfig
from claimdesk.scrub.engine import Scrubber
from claimdesk.scrub.findings import Finding
from claimdesk.scrub.reference import ReferenceData
from claimdesk.services.claim_editor import (
    ClaimEditError,
    ClaimInputError,
    claim_form,
    edit_claim,
)
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


class ClaimFixError(ValueError):
    """A fix the claim's state or data does not allow."""


@dataclass(frozen=True, slots=True)
class LineCoding:
    modifiers: tuple[str, ...]
    pointers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ClaimFix:
    member_id: str
    group_number: str
    diagnoses: tuple[str, ...]
    lines: Mapping[int, LineCoding] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FixResult:
    claim_id: str
    released: bool
    findings: tuple[Finding, ...]  # what the scrub found after the fix

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocks_submission)


def fix_claim(
    uow_factory: UowFactory,
    claim_id: str,
    fix: ClaimFix,
    *,
    reference: ReferenceData,
    config: ScrubConfig,
    now: datetime,
    by: str,
    scrubber: Scrubber | None = None,
) -> FixResult:
    """Save the corrections through the claim editor (``services.claim_editor``): scrubbed
    again, released when nothing blocks it, refused whole when a value is invalid."""
    try:
        outcome = edit_claim(
            uow_factory,
            claim_id,
            _fixed(claim_form(uow_factory, claim_id), fix),
            reference=reference,
            config=config,
            now=now,
            by=by,
            scrubber=scrubber,
        )
    except (ClaimEditError, ClaimInputError) as exc:
        raise ClaimFixError(str(exc)) from exc
    return FixResult(claim_id, outcome.released, outcome.findings)


def _fixed(form: ClaimForm, fix: ClaimFix) -> ClaimForm:
    """The editor's form with the fix's fields in it."""
    numbers = {int(line["line_number"]) for line in form.lines}
    unknown = sorted(set(fix.lines) - numbers)
    if unknown:
        raise ClaimFixError(f"the claim has no service line {unknown[0]}")
    fields = dict(form.fields)
    fields["diagnoses"] = " ".join(fix.diagnoses)
    if "coverage.member_id" in fields:
        fields["coverage.member_id"] = fix.member_id
        fields["coverage.group_number"] = fix.group_number
    lines = tuple(
        line
        if int(line["line_number"]) not in fix.lines
        else {
            **line,
            "modifiers": " ".join(fix.lines[int(line["line_number"])].modifiers),
            "diagnosis_pointers": " ".join(
                str(p) for p in fix.lines[int(line["line_number"])].pointers
            ),
        }
        for line in form.lines
    )
    return ClaimForm(fields, lines)
