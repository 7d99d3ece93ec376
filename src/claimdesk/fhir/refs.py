"""What a FHIR reference names: a resource of the same file, or a record claimdesk may hold.

Inside a file a reference is ``Type/id`` or an entry's ``fullUrl`` (``urn:uuid:...``). A
record already in claimdesk is named by ``Type/KEY`` (its claimdesk key as the id) or by a
logical reference, ``{"identifier": {"system": ..., "value": KEY}}``; the import checks that
such a record exists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.reference import Reference

from claimdesk.fhir.source import Taken


@dataclass(frozen=True, slots=True)
class Named:
    """A reference resolved: the resource of the file, or else the key it names outside it
    (with the identifier system it was given in, ``""`` for ``Type/KEY``)."""

    taken: Taken | None
    key: str = ""
    system: str = ""


class Resources:
    """The file's resources, found by ``Type/id``, by ``fullUrl`` and by identifier."""

    def __init__(self, taken: Sequence[Taken]) -> None:
        self.all = tuple(taken)
        self._by_ref: dict[str, Taken] = {}
        self._by_identifier: dict[tuple[str, str, str], list[Taken]] = defaultdict(list)
        self._by_type: dict[str, list[Taken]] = defaultdict(list)
        for t in taken:
            self._by_type[t.resource_type].append(t)
            if t.resource_id:
                self._by_ref[f"{t.resource_type}/{t.resource_id}"] = t
            if t.full_url:
                self._by_ref[t.full_url] = t
            for identifier in identifiers_of(t):
                if identifier.system and identifier.value:
                    key = (t.resource_type, identifier.system, identifier.value)
                    self._by_identifier[key].append(t)

    def of_type(self, resource_type: str) -> list[Taken]:
        return list(self._by_type.get(resource_type, ()))

    def resolve(self, reference: Reference, types: tuple[str, ...]) -> Named | str:
        """What ``reference`` names among ``types``; a string says why it names nothing."""
        wanted = " or ".join(types)
        if reference.reference:
            text = reference.reference
            found = self._by_ref.get(text)
            if found is not None:
                if found.resource_type not in types:
                    return f"{text} is a {found.resource_type}, not a {wanted}"
                return Named(found)
            kind, _, key = text.partition("/")
            if kind in types and key and "/" not in key:
                return Named(None, key)
            return f"{text!r} names no resource of this file, and no {wanted} by its key"
        identifier = reference.identifier
        if identifier is None or not identifier.value:
            return f"a reference to a {wanted} needs a reference or an identifier"
        kinds = (reference.type,) if reference.type else types
        if reference.type and reference.type not in types:
            return f"a reference to a {reference.type}, not a {wanted}"
        matches = [
            t
            for kind in kinds
            for t in self._by_identifier.get((kind, identifier.system or "", identifier.value), ())
        ]
        if len(matches) > 1:
            places = ", ".join(m.where for m in matches)
            return f"identifier {identifier.value!r} names {len(matches)} resources: {places}"
        if matches:
            return Named(matches[0])
        return Named(None, identifier.value, identifier.system or "")


def identifiers_of(taken: Taken) -> list[Identifier]:
    found = getattr(taken.model, "identifier", None)
    if found is None:
        return []
    if isinstance(found, Identifier):
        return [found]
    return [i for i in found if isinstance(i, Identifier)]
