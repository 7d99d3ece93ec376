"""The whole report: scoping by payer, provider and facility, explanations, JSON shape."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest

from claimdesk.analytics.facts import Scope
from claimdesk.analytics.report import KPI_NAMES, UnknownKpiError, build_report, explain_kpi
from claimdesk.denials.table import shipped_table

from .test_first_pass import MARCH, practice


def test_report_has_every_kpi_and_is_json() -> None:
    report = build_report(practice(), MARCH, table=shipped_table())
    assert tuple(k.name for k in report.kpis) == KPI_NAMES
    payload = json.loads(json.dumps(report.as_dict()))
    clean = payload["kpis"][0]
    assert clean["name"] == "clean_claim_rate"
    assert clean["display"] == "57.1%"
    assert clean["numerator"]["claims"] == 4
    assert clean["denominator"]["claims"] == 7


def test_scope_by_payer_keeps_only_that_payers_claims() -> None:
    report = build_report(practice(), MARCH, Scope(payer_id="P2"), table=shipped_table())
    assert report.get("initial_denial_rate").value == Decimal(1)
    assert [r.claim_id for r in report.get("clean_claim_rate").denominator or ()] == ["C4"]


def test_scope_by_provider_and_facility() -> None:
    facts = practice()
    moved = tuple(
        replace(c, rendering_npi="1234567893", facility_id="F2") if c.claim_id == "C1" else c
        for c in facts.claims
    )
    facts = replace(facts, claims=moved)
    by_provider = build_report(
        facts, MARCH, Scope(provider_npi="1234567893"), table=shipped_table()
    )
    assert [r.claim_id for r in by_provider.get("clean_claim_rate").numerator] == ["C1"]
    by_facility = build_report(facts, MARCH, Scope(facility_id="F1"), table=shipped_table())
    assert "C1" not in [r.claim_id for r in by_facility.get("clean_claim_rate").denominator or ()]


def test_explain_lists_the_claims_counted() -> None:
    explanation = explain_kpi(practice(), "initial_denial_rate", MARCH, table=shipped_table())
    assert [r.claim_id for r in explanation.numerator] == ["C4", "C5"]
    assert [r.claim_id for r in explanation.denominator or ()] == [
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
        "C8",
    ]
    assert explanation.as_dict()["numerator"]["total"] == "230.00"


def test_explain_refuses_an_unknown_name() -> None:
    with pytest.raises(UnknownKpiError, match="no KPI named 'denial_rate'; known: clean_claim"):
        explain_kpi(practice(), "denial_rate", MARCH, table=shipped_table())
