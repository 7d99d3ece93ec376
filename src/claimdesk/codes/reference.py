"""Load the scrubbing reference data: installed ICD-10-CM plus the user's imported code files."""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from pathlib import Path

from claimdesk.codes import builtin
from claimdesk.codes.icd10 import shared_code_set
from claimdesk.codes.store import read_rows
from claimdesk.rule_files import SCRUB_FILE, own_file
from claimdesk.scrub.config import ScrubConfig, parse_config
from claimdesk.scrub.reference import (
    CodeSpan,
    DiagnosisCodeSet,
    DiagnosisFacts,
    MueLimit,
    PtpEdit,
    ReferenceData,
)


def _day(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


class _SharedDiagnoses:
    """The process's shared ICD-10-CM code set, built on the first lookup.

    Loading reference data should not pay for the MCE and the ICD-10-CM table when no
    diagnosis is ever looked up.
    """

    def facts(self, code: str, day: date) -> DiagnosisFacts:
        return shared_code_set().facts(code, day)


def load_reference(codes_dir: Path, diagnoses: DiagnosisCodeSet | None = None) -> ReferenceData:
    """Reference data with every lookup precomputed (dicts and frozensets) for the engine."""
    hcpcs_rows = read_rows(codes_dir, "hcpcs")
    modifiers = set(builtin.MODIFIERS)
    hcpcs: dict[str, CodeSpan] | None = None
    if hcpcs_rows is not None:
        hcpcs = {}
        for row in hcpcs_rows:
            span = CodeSpan(_day(row["added"]), _day(row["termination"]))
            if row["kind"] == "modifier":
                modifiers.add(row["code"])
            else:
                hcpcs[row["code"]] = span
    ptp: dict[tuple[str, str], tuple[PtpEdit, ...]] = {}
    for row in read_rows(codes_dir, "ncci-ptp") or ():
        effective = _day(row["effective"])
        if effective is None:
            raise ValueError(f"{codes_dir}: ncci-ptp row without an effective date")
        edit = PtpEdit(
            row["column1"],
            row["column2"],
            effective,
            _day(row["deletion"]),
            row["modifier_indicator"],
        )
        key = (edit.column1, edit.column2)
        ptp[key] = (*ptp.get(key, ()), edit)
    mue = {
        row["code"]: MueLimit(row["code"], int(row["units"]), row["adjudication_indicator"])
        for row in read_rows(codes_dir, "mue") or ()
    }
    taxonomy_rows = read_rows(codes_dir, "taxonomy")
    pos_rows = read_rows(codes_dir, "pos")
    return ReferenceData(
        diagnoses=diagnoses if diagnoses is not None else _SharedDiagnoses(),
        modifiers=frozenset(modifiers),
        places_of_service=(
            frozenset(row["code"] for row in pos_rows)
            if pos_rows is not None
            else builtin.PLACES_OF_SERVICE
        ),
        hcpcs=hcpcs,
        ptp=ptp,
        mue=mue,
        taxonomies=(
            frozenset(row["code"] for row in taxonomy_rows) if taxonomy_rows is not None else None
        ),
    )


def shipped_reference() -> ReferenceData:
    """claimdesk's own code sets only (no imported file): what a desk without a data home, or
    a practice that imported nothing, checks against."""
    return ReferenceData(
        diagnoses=_SharedDiagnoses(),
        modifiers=frozenset(builtin.MODIFIERS),
        places_of_service=builtin.PLACES_OF_SERVICE,
    )


def load_config(home: Path | None = None) -> ScrubConfig:
    """The packaged payer configuration, with the practice's ``scrub.toml`` on top if present."""
    packaged = files("claimdesk.scrub").joinpath("payer_rules.toml").read_text(encoding="utf-8")
    config = parse_config(packaged, "payer_rules.toml")
    override = own_file(home, SCRUB_FILE)
    if override is not None:
        config = config.layered(parse_config(override.read_text(encoding="utf-8"), str(override)))
    return config
