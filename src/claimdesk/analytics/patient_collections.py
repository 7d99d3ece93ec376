"""The patient's side of the Tier 3 report: the patient collection rate, with the patient A/R
aging table of statements and the summary (``analytics.patient_aging``) beside it."""

from __future__ import annotations

from claimdesk.analytics.facts import Facts, Period
from claimdesk.analytics.patient_aging import AgedBalance, PatientAging, aging_tables
from claimdesk.analytics.receivables import (
    patient_collection_kpi,
    patient_facts,
    posted,
    sum_by_claim,
)
from claimdesk.analytics.results import Kpi


def patient_collection_rate(facts: Facts, period: Period) -> Kpi:
    """Patient payments / patient responsibility assigned, both posted in the period; with the
    patient A/R aging at the period's end when the facts hold it (the practice's report)."""
    paid_facts, assigned_facts = patient_facts(facts, period)
    paid, assigned = sum_by_claim(paid_facts), sum_by_claim(assigned_facts)
    aging = PatientAging(
        period.end,
        tuple(
            AgedBalance(b.patient_account, b.guarantor_account, b.since, b.amount)
            for b in facts.patient_balances
        ),
    )
    return patient_collection_kpi(
        posted(paid_facts),
        posted(assigned_facts),
        (tuple(paid), tuple(assigned)),
        aging_tables(aging.summary()) if facts.patient_balances else (),
    )
