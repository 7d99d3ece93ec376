"""Read a FHIR file: a Bundle (JSON) or NDJSON (one resource a line), each resource validated
by the R4B models of ``fhir.resources``.

Every problem is reported at once, each with where it is: ``Bundle.entry[3] Coverage/cov-1``
(entries counted from 0, as FHIRPath counts) or ``line 4 Coverage/cov-1`` (lines from 1).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from pydantic import ValidationError

from claimdesk.fhir.problems import FhirProblem

# What claimdesk takes (docs/fhir.md says what each becomes).
TAKEN = (
    "Organization",
    "Practitioner",
    "Location",
    "Patient",
    "RelatedPerson",
    "Coverage",
    "ChargeItemDefinition",
    "Encounter",
    "Condition",
    "ChargeItem",
    "Claim",
)
# A transaction is applied all or nothing, as every import is; a collection is a set of
# resources. A batch (each entry on its own) or a searchset is not what an import is.
BUNDLE_TYPES = ("transaction", "collection")
# A transaction's entries create or update; claimdesk never deletes a record from a bundle.
REQUEST_METHODS = ("POST", "PUT")
NDJSON_SUFFIXES = (".ndjson", ".jsonl")


@dataclass(frozen=True, slots=True)
class Taken:
    """One resource of the file, validated: its place, its type and id, and the model."""

    where: str
    resource_type: str
    resource_id: str
    full_url: str
    model: FHIRAbstractModel


@dataclass(frozen=True, slots=True)
class FhirFile:
    """The file's resources when every one of them is good; otherwise the problems."""

    resources: tuple[Taken, ...]
    problems: tuple[FhirProblem, ...]


def read_fhir(name: str, content: bytes) -> FhirFile:
    """The resources of ``content``: NDJSON when ``name`` ends in ``.ndjson`` or ``.jsonl``,
    otherwise one Bundle in JSON."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _failed(FhirProblem(name, "", f"not UTF-8 text: {exc.reason} at byte {exc.start}"))
    if name.lower().endswith(NDJSON_SUFFIXES):
        return _checked(list(_ndjson(text)))
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        return _failed(FhirProblem(name, "", f"not JSON: {exc}"))
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        found = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        return _failed(
            FhirProblem(
                name,
                "resourceType",
                f"a JSON file holds one Bundle, not {found!r} (one resource a line: .ndjson)",
            )
        )
    return _checked(list(_bundle(data)))


def _failed(problem: FhirProblem) -> FhirFile:
    return FhirFile((), (problem,))


@dataclass(frozen=True, slots=True)
class _Raw:
    where: str  # without the resource's type and id
    full_url: str
    resource: Any
    problem: FhirProblem | None = None


def _ndjson(text: str) -> Iterator[_Raw]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            yield _Raw(where, "", json.loads(line, parse_float=Decimal))
        except json.JSONDecodeError as exc:
            yield _Raw(where, "", None, FhirProblem(where, "", f"not JSON: {exc}"))


def _bundle(data: dict[str, Any]) -> Iterator[_Raw]:
    entries = data.get("entry", [])
    # The envelope alone: each resource is validated on its own, so its problems are located.
    envelope = dict(data)
    if isinstance(entries, list):
        envelope["entry"] = [
            {k: v for k, v in entry.items() if k != "resource"}
            if isinstance(entry, dict)
            else entry
            for entry in entries
        ]
    else:
        entries = []
    for problem in _validated("Bundle", Bundle, envelope)[1]:
        yield _Raw("Bundle", "", None, problem)
    kind = data.get("type")
    if kind not in BUNDLE_TYPES:
        reason = f"{kind!r}: claimdesk takes a {' or a '.join(BUNDLE_TYPES)} Bundle"
        yield _Raw("Bundle", "", None, FhirProblem("Bundle", "type", reason))
    for index, entry in enumerate(entries):
        where = f"Bundle.entry[{index}]"
        if not isinstance(entry, dict):
            continue  # the envelope's validation reported it
        request = entry.get("request")
        method = (
            request.get("method") if kind == "transaction" and isinstance(request, dict) else None
        )
        if method is not None and method not in REQUEST_METHODS:
            reason = f"{method!r}: a transaction's entries create or update (POST or PUT)"
            yield _Raw(where, "", None, FhirProblem(where, "request.method", reason))
            continue
        if "resource" not in entry:
            yield _Raw(where, "", None, FhirProblem(where, "resource", "every entry needs one"))
            continue
        yield _Raw(where, str(entry.get("fullUrl") or ""), entry["resource"])


def _checked(raws: Sequence[_Raw]) -> FhirFile:
    problems: list[FhirProblem] = []
    taken: list[Taken] = []
    seen: dict[str, str] = {}
    for raw in raws:
        if raw.problem is not None:
            problems.append(raw.problem)
            continue
        resource = raw.resource
        if not isinstance(resource, dict):
            problems.append(FhirProblem(raw.where, "", "a resource is a JSON object"))
            continue
        kind = resource.get("resourceType")
        rid = resource.get("id")
        where = f"{raw.where} {kind}/{rid}" if rid else f"{raw.where} {kind}"
        if kind not in TAKEN:
            problems.append(
                FhirProblem(
                    where,
                    "resourceType",
                    f"claimdesk does not take {kind!r} resources (it takes {', '.join(TAKEN)})",
                )
            )
            continue
        model, found = _validated(where, get_fhir_model_class(kind), resource)
        if model is None:
            problems.extend(found)
            continue
        for key in (f"{kind}/{rid}" if rid else "", raw.full_url):
            if key and key in seen:
                problems.append(FhirProblem(where, "", f"{key} is also {seen[key]}"))
            elif key:
                seen[key] = where
        taken.append(Taken(where, kind, str(rid or ""), raw.full_url, model))
    return FhirFile(tuple(taken) if not problems else (), tuple(problems))


def _validated(
    where: str, model_class: type[FHIRAbstractModel], data: Mapping[str, Any]
) -> tuple[FHIRAbstractModel | None, list[FhirProblem]]:
    """The library's model of ``data``, or each of its validation errors, located."""
    try:
        return model_class.model_validate(data), []
    except ValidationError as exc:
        return None, [
            FhirProblem(where, _path(error["loc"]), _message(error["msg"]))
            for error in exc.errors()
        ]
    except KeyError as exc:
        # fhir.resources looks a nested resource's type up in its own table, and a type it
        # does not know (in ``contained``, say) escapes as a KeyError of that table.
        return None, [FhirProblem(where, "", f"holds a resource of no FHIR R4 type ({exc})")]


def _path(loc: Sequence[int | str]) -> str:
    """A pydantic location as FHIRPath: ``('payor', 0, 'reference')`` -> ``payor[0].reference``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _message(text: str) -> str:
    """The library's reason on one line (some of its messages wrap)."""
    return " ".join(text.split()).removeprefix("Value error, ")
