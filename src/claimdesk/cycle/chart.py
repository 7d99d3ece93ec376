"""What the simulated Tier 1 biller learns by reading the chart or calling the patient.

A synthetic practice's answer key (``defects.csv``, :mod:`claimdesk.synth.defects`) names each
planted defect with its correction: the diagnosis the provider documented, the referring NPI on
the order, the member id on the card, the day since which the patient has had no insurance. A
biller working a held claim looks these up and types them into the claim editor; the simulated
one does the same through the desk, so the edit is checked, re-scrubbed and audited as a
person's. A bundle without an answer key (a real practice's) gives no corrections.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from claimdesk.bundle.model import PracticeBundle
from claimdesk.domain.coverage import Coverage, Relationship, Subscriber
from claimdesk.scrub.claim_edit import ClaimForm

ANSWER_KEY = "defects.csv"
_LINE_FIELD = re.compile(r"^line (?P<number>[0-9]+) (?P<name>[a-z_]+)$")


class ChartError(ValueError):
    """The answer key cannot be read; the message names the file, row and field."""


@dataclass(frozen=True, slots=True)
class Correction:
    """One field's charted value: ``line`` None for a header field; a coverage's field names
    its coverage, and corrects only a claim to that coverage."""

    field: str
    line: int | None
    value: str
    coverage_id: str = ""


@dataclass(slots=True)
class Chart:
    """Corrections by encounter (charge entry) and by patient (registration)."""

    by_encounter: dict[str, list[Correction]] = field(default_factory=dict)
    by_patient: dict[str, list[Correction]] = field(default_factory=dict)

    def corrections(
        self, encounter_id: str, patient_account: str, coverage_id: str | None
    ) -> list[Correction]:
        return [
            c
            for c in (
                *self.by_encounter.get(encounter_id, ()),
                *self.by_patient.get(patient_account, ()),
            )
            if not c.field.startswith("coverage.") or c.coverage_id == coverage_id
        ]


def _parsed(text: str, coverage_id: str, where: str) -> list[Correction]:
    found: list[Correction] = []
    for pair in filter(None, (part.strip() for part in text.split(";"))):
        name, equals, value = pair.partition("=")
        if not equals:
            raise ChartError(f"{where}: correction {pair!r} is not field=value")
        match = _LINE_FIELD.match(name.strip())
        if match:
            found.append(Correction(match["name"], int(match["number"]), value.strip()))
        else:
            found.append(Correction(name.strip(), None, value.strip(), coverage_id))
    return found


def read_chart(bundle: Path) -> Chart:
    """The corrections in ``bundle``'s answer key; an empty chart when it has none."""
    path = bundle / ANSWER_KEY
    chart = Chart()
    if not path.is_file():
        return chart
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            corrections = _parsed(
                row.get("correction") or "", row.get("coverage_id") or "", f"{path} row {number}"
            )
            if row.get("encounter_id"):
                chart.by_encounter.setdefault(row["encounter_id"], []).extend(corrections)
            else:
                chart.by_patient.setdefault(row["patient_account"], []).extend(corrections)
    return chart


def corrected(form: ClaimForm, corrections: list[Correction]) -> ClaimForm:
    """``form`` with the charted values typed in; a line the claim does not have is skipped."""
    fields: dict[str, str] = dict(form.fields)
    lines: list[dict[str, str]] = [dict(line) for line in form.lines]
    by_number: Mapping[str, dict[str, str]] = {line["line_number"]: line for line in lines}
    for correction in corrections:
        if correction.line is None:
            fields[correction.field] = correction.value
        elif str(correction.line) in by_number:
            by_number[str(correction.line)][correction.field] = correction.value
    return ClaimForm(fields, tuple(lines))


def as_payers_know_it(bundle: PracticeBundle, chart: Chart) -> PracticeBundle:
    """``bundle`` with its coverages as the payers hold them: a payer knows its member's id and
    whether the patient is the subscriber's child, whatever the practice registered."""
    charted: dict[str, dict[str, str]] = {}
    for corrections in chart.by_patient.values():
        for c in corrections:
            if c.coverage_id:
                charted.setdefault(c.coverage_id, {})[c.field] = c.value
    return replace(
        bundle,
        coverages=tuple(_as_known(c, charted.get(c.coverage_id, {})) for c in bundle.coverages),
    )


def _as_known(coverage: Coverage, charted: dict[str, str]) -> Coverage:
    known = coverage
    if "coverage.member_id" in charted:
        known = replace(known, member_id=charted["coverage.member_id"])
    if "coverage.relationship" in charted:
        born = charted.get("coverage.subscriber.birth_date", "")
        known = replace(
            known,
            relationship=Relationship(charted["coverage.relationship"]),
            subscriber=Subscriber(
                charted.get("coverage.subscriber.last_name", ""),
                charted.get("coverage.subscriber.first_name", ""),
                date.fromisoformat(born) if born else None,
            ),
        )
    return known
