"""KPIs across a billing company's client practices.

Each practice's figure is a ratio, an average, an amount or a count over its own claims; the
company's figure is the same ratio of the practices' numerators and denominators added up
(HFMA's measures are ratios of sums: averaging the practices' rates would weigh a practice of
ten claims like one of ten thousand). The practices' stores are apart, so their claims never
overlap and their sides add.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from claimdesk.analytics.receivables import net_days_value
from claimdesk.analytics.results import Kpi, KpiReport, Side
from claimdesk.domain.money import Money, total

# How each KPI's value follows from its sides (``analytics.report`` names them).
_CLAIMS_RATIO = frozenset(
    {"clean_claim_rate", "first_pass_resolution_rate", "initial_denial_rate", "estimate_accuracy"}
)
_DOLLARS_RATIO = frozenset(
    {"initial_denial_rate_dollars", "ar_over_90", "net_collection_rate", "patient_collection_rate"}
)
_AMOUNT = frozenset({"denials", "ar_aging", "underpayment_recovered"})
_COUNT = frozenset({"productivity"})


class UncombinableKpiError(ValueError):
    """A KPI this module has no rule to add up across practices."""


def _added(sides: Sequence[Side | None]) -> Side | None:
    present = [s for s in sides if s is not None]
    if not present:
        return None
    counted = [s.claims for s in present]
    return Side(
        None if None in counted else sum(n for n in counted if n is not None),
        total(s.amount for s in present),
        sum(s.rows for s in present),
    )


def _days_waited(kpi: Kpi) -> int:
    """The days a practice's claims waited, summed: its average times its claims."""
    if kpi.value is None or not isinstance(kpi.value, Decimal):
        return 0
    return int((kpi.value * (kpi.numerator_summary().claims or 0)).to_integral_value())


def _value(
    name: str, kpis: Sequence[Kpi], top: Side, bottom: Side | None
) -> Decimal | Money | int | None:
    if name in _AMOUNT:
        return top.amount
    if name in _COUNT:
        return sum(k.value for k in kpis if isinstance(k.value, int))
    if bottom is None:
        raise UncombinableKpiError(f"{name}: a ratio without a denominator")
    if name in _CLAIMS_RATIO:
        if not bottom.claims or top.claims is None:
            return None
        return Decimal(top.claims) / Decimal(bottom.claims)
    if name in _DOLLARS_RATIO:
        return None if not bottom.amount.is_positive() else top.amount.amount / bottom.amount.amount
    if name == "net_days_in_ar":
        return net_days_value(top.amount, bottom.amount)
    if name == "days_to_pay":
        waited = sum(_days_waited(k) for k in kpis)
        return None if not bottom.claims else Decimal(waited) / Decimal(bottom.claims)
    raise UncombinableKpiError(f"{name}: no rule adds it up across practices")


def combined_kpi(kpis: Sequence[Kpi]) -> Kpi:
    """One KPI of several practices (the same KPI of each), from its summed sides. The
    breakdowns (aging by payer, Paretos, productivity per person) stay each practice's."""
    first = kpis[0]
    top = _added([k.numerator_summary() for k in kpis])
    bottom = _added([k.denominator_summary() for k in kpis])
    assert top is not None, "a numerator side is always summed"
    value = _value(first.name, kpis, top, bottom)
    reasons = sorted({k.empty_reason for k in kpis if k.empty_reason})
    return Kpi(
        name=first.name,
        label=first.label,
        unit=first.unit,
        value=value,
        numerator=(),
        denominator=None if first.denominator_summary() is None else (),
        numerator_label=first.numerator_label,
        denominator_label=first.denominator_label,
        empty_reason="" if value is not None else "; ".join(reasons),
        numerator_side=top,
        denominator_side=bottom,
    )


def combined_report(reports: Mapping[str, KpiReport]) -> KpiReport:
    """The practices' reports of one period added up, KPI by KPI, in report order."""
    found = list(reports.values())
    first = found[0]
    return KpiReport(
        start=first.start,
        end=first.end,
        payer_id=None,
        kpis=tuple(combined_kpi([r.get(k.name) for r in found]) for k in first.kpis),
    )
