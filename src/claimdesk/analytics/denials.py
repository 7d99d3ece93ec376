"""Denials by category, CARC and payer, as Pareto tables of the dollars denied on first pass.

Each CAS adjustment of a claim's first adjudication is classified with the denial category
table; the amounts it calls denials (never patient responsibility) add up to the initial denial
rate's numerator in dollars.
"""

from __future__ import annotations

from collections.abc import Callable

from claimdesk.analytics.facts import Facts, Period
from claimdesk.analytics.first_pass import adjudicated_in
from claimdesk.analytics.results import ClaimAmount, Kpi, Table, Unit
from claimdesk.denials.table import CategoryTable
from claimdesk.domain.money import Money, total


def denial_lines(
    facts: Facts, period: Period, table: CategoryTable
) -> list[tuple[str, ClaimAmount]]:
    """(payer, denied amount labelled "category group-CARC") per claim and code, first pass."""
    found: list[tuple[str, ClaimAmount]] = []
    for claim, payment in adjudicated_in(facts, period):
        by_code: dict[tuple[str, str], Money] = {}
        for adjustment in payment.adjustments:
            classification = table.classify(adjustment.group, adjustment.carc)
            if classification.is_denial:
                key = (classification.category.name, classification.code)
                by_code[key] = by_code.get(key, Money.zero()) + adjustment.amount
        for (category, code), amount in sorted(by_code.items()):
            found.append(
                (claim.payer_id, ClaimAmount(claim.claim_id, amount, f"{category} {code}"))
            )
    return found


def pareto(
    name: str, title: str, lines: list[tuple[str, ClaimAmount]], key: Callable[..., str]
) -> Table:
    """Rows by denied dollars, largest first, with each row's share and the running share."""
    groups: dict[str, list[ClaimAmount]] = {}
    for payer, line in lines:
        groups.setdefault(key(payer, line), []).append(line)
    grand = total(line.amount for _, line in lines)
    summed = {group: total(r.amount for r in members) for group, members in groups.items()}
    ordered = sorted(groups.items(), key=lambda kv: (-summed[kv[0]].amount, kv[0]))
    rows = []
    running = Money.zero()
    for group, members in ordered:
        amount = summed[group]
        running = running + amount
        rows.append(
            (
                group,
                len({r.claim_id for r in members}),
                amount,
                amount.amount / grand.amount if grand else None,
                running.amount / grand.amount if grand else None,
            )
        )
    return Table(name, title, ("key", "claims", "denied", "share", "cumulative"), tuple(rows))


def denials(facts: Facts, period: Period, table: CategoryTable) -> Kpi:
    return denials_of(denial_lines(facts, period, table))


def denials_of(lines: list[tuple[str, ClaimAmount]]) -> Kpi:
    """The denials KPI of :func:`denial_lines` (however they were found)."""
    return Kpi(
        name="denials",
        label="Initial denials (Pareto)",
        unit=Unit.DOLLARS,
        value=total(line.amount for _, line in lines),
        numerator=tuple(line for _, line in lines),
        denominator=None,
        numerator_label="dollars denied by first 835s, per claim and denial code",
        tables=(
            pareto(
                "denials_by_category",
                "denials by category",
                lines,
                lambda _payer, line: line.label.split(" ")[0],
            ),
            pareto(
                "denials_by_carc",
                "denials by group code and CARC",
                lines,
                lambda _payer, line: line.label.split(" ")[1],
            ),
            pareto("denials_by_payer", "denials by payer", lines, lambda payer, _line: payer),
        ),
    )
