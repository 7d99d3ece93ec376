"""Shared fixtures: the real ICD-10-CM code set (loaded once) and the example reference data."""

from __future__ import annotations

import pytest

from claimdesk.codes.builtin import MODIFIERS, PLACES_OF_SERVICE
from claimdesk.codes.icd10 import shared_code_set
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.examples import base_context, example_reference
from claimdesk.scrub.reference import ReferenceData


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    return example_reference(shared_code_set(), MODIFIERS, PLACES_OF_SERVICE)


@pytest.fixture
def base(reference: ReferenceData) -> ScrubContext:
    return base_context(reference)
