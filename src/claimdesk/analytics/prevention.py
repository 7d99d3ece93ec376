"""Denial-to-prevention loop: for each denial category that recurs, the front-end scrub rules that
would have caught it, the dollars they would have saved, and whether each runs for the payers.

The map from denial categories and CARCs to scrub rule codes is data (``prevention.toml``, read
by :func:`parse_prevention`); the rules themselves and each payer's scrub configuration are
passed in, so this module stays pure.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from importlib import resources
from typing import Any

from claimdesk.analytics.results import ClaimAmount, Table
from claimdesk.denials.table import ANY_GROUP, CategoryTable
from claimdesk.domain.money import Money, total
from claimdesk.scrub.config import PayerRules

_PAYER_RULE_KEYS = frozenset(f.name for f in fields(PayerRules))


class PreventionMapError(ValueError):
    """The prevention map cannot be used; the message names the file, entry, field and reason."""


@dataclass(frozen=True, slots=True)
class Target:
    """The scrub rules that would catch a denial; none, with a note saying what would."""

    rules: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class PreventionMap:
    min_claims: int
    categories: Mapping[str, Target]
    codes: Mapping[tuple[str, str], Target]  # (group code or "" for any, CARC)
    needs: Mapping[str, str]  # rule code -> the PayerRules field it needs filled

    def target(self, category: str, group: str, carc: str) -> Target | None:
        """Most specific first: group + CARC, then CARC, then the category."""
        return (
            self.codes.get((group, carc))
            or self.codes.get((ANY_GROUP, carc))
            or self.categories.get(category)
        )

    @property
    def rule_codes(self) -> frozenset[str]:
        named = [t.rules for t in (*self.categories.values(), *self.codes.values())]
        return frozenset(code for rules in named for code in rules) | frozenset(self.needs)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, entry: str, field: str, reason: str) -> PreventionMapError:
        return PreventionMapError(f"{self.source}: {entry}, field {field!r}: {reason}")

    def target(self, body: Any, entry: str) -> Target:
        if not isinstance(body, dict):
            raise self.fail(entry, "rules", "a table with a list of rule codes is required")
        rules = body.get("rules")
        if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            raise self.fail(entry, "rules", "a list of scrub rule codes is required")
        note = body.get("note", "")
        if not isinstance(note, str):
            raise self.fail(entry, "note", "a string is required")
        if not rules and not note.strip():
            raise self.fail(entry, "note", "an entry with no rule must say what would help")
        return Target(tuple(rules), note.strip())


def parse_prevention(text: str, source: str = "prevention.toml") -> PreventionMap:
    read = _Reader(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PreventionMapError(f"{source}: not valid TOML: {exc}") from exc
    min_claims = data.get("recurring", {}).get("min_claims")
    if isinstance(min_claims, bool) or not isinstance(min_claims, int) or min_claims < 1:
        raise read.fail("[recurring]", "min_claims", "a whole number of claims, at least 1")
    raw_categories = data.get("categories", {})
    categories = {
        name: read.target(body, f"[categories.{name}]")
        for name, body in sorted(raw_categories.items())
    }
    codes: dict[tuple[str, str], Target] = {}
    for number, body in enumerate(data.get("codes", []), start=1):
        entry = f"[[codes]] entry {number}"
        carc = body.get("carc") if isinstance(body, dict) else None
        if not isinstance(carc, str) or not carc.strip():
            raise read.fail(entry, "carc", "a CARC string is required")
        group = body.get("group", ANY_GROUP)
        key = (group, carc.strip().upper())
        if key in codes:
            raise read.fail(entry, "carc", f"CARC {carc} is mapped twice")
        codes[key] = read.target(body, entry)
    needs: dict[str, str] = {}
    for code, key in data.get("needs", {}).items():
        if key not in _PAYER_RULE_KEYS:
            known = ", ".join(sorted(_PAYER_RULE_KEYS))
            raise read.fail(f"[needs] {code}", code, f"{key!r} is no scrub setting; known: {known}")
        needs[code] = key
    return PreventionMap(min_claims, categories, codes, needs)


def shipped_prevention() -> PreventionMap:
    """The map that ships with claimdesk."""
    text = resources.files("claimdesk.analytics").joinpath("prevention.toml").read_text("utf-8")
    return parse_prevention(text)


@dataclass(frozen=True, slots=True)
class RuleRef:
    """What the report says about a scrub rule (from the rule registry)."""

    code: str
    name: str
    severity: str
    summary: str


@dataclass(frozen=True, slots=True)
class RuleCoverage:
    """One rule that would have caught some of a category's denials, and where it runs."""

    rule: RuleRef
    claims: tuple[str, ...]
    would_save: Money  # denied dollars of the denials this rule maps to
    enabled_for: tuple[str, ...]  # payers (of those denials) whose scrubbing runs it
    disabled_for: tuple[str, ...]
    unconfigured_for: tuple[str, ...]  # runs, but the payer's setting it needs is empty
    needs: str = ""

    @property
    def status(self) -> str:
        if not self.disabled_for and not self.unconfigured_for:
            return "enabled"
        parts = []
        if self.disabled_for:
            parts.append(f"disabled for {', '.join(self.disabled_for)}")
        if self.unconfigured_for:
            parts.append(f"no {self.needs} for {', '.join(self.unconfigured_for)}")
        if self.enabled_for:
            parts.append(f"enabled for {', '.join(self.enabled_for)}")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.rule.code,
            "name": self.rule.name,
            "severity": self.rule.severity,
            "summary": self.rule.summary,
            "claims": len(self.claims),
            "would_save": str(self.would_save),
            "status": self.status,
            "enabled_for": list(self.enabled_for),
            "disabled_for": list(self.disabled_for),
            "unconfigured_for": list(self.unconfigured_for),
            "needs": self.needs or None,
        }


@dataclass(frozen=True, slots=True)
class RecurringDenial:
    """A denial category with at least the threshold of claims denied in the period."""

    category: str
    label: str
    front_end_step: str
    claims: tuple[str, ...]
    denied: Money
    preventable: Money  # denied dollars some mapped rule would have caught (each denial once)
    codes: tuple[str, ...]  # group-CARC codes seen, most dollars first
    payers: tuple[str, ...]
    rules: tuple[RuleCoverage, ...]
    notes: tuple[str, ...]  # for codes no rule catches: what would help

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "label": self.label,
            "front_end_step": self.front_end_step,
            "claims": len(self.claims),
            "claim_ids": list(self.claims),
            "denied": str(self.denied),
            "would_save": str(self.preventable),
            "codes": list(self.codes),
            "payers": list(self.payers),
            "rules": [r.as_dict() for r in self.rules],
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class _Denial:
    payer_id: str
    claim_id: str
    amount: Money
    category: str
    group: str
    carc: str


def _denials(lines: Sequence[tuple[str, ClaimAmount]]) -> list[_Denial]:
    """The denial lines of the Pareto, whose labels read "category GROUP-CARC"."""
    found = []
    for payer_id, line in lines:
        category, code = line.label.split(" ", 1)
        group, carc = code.split("-", 1)
        found.append(_Denial(payer_id, line.claim_id, line.amount, category, group, carc))
    return found


def _coverage(
    rule: RuleRef,
    caught: list[_Denial],
    needs: str,
    payer_rules: Mapping[str, PayerRules],
    default_rules: PayerRules,
) -> RuleCoverage:
    enabled, disabled, unconfigured = [], [], []
    for payer_id in sorted({d.payer_id for d in caught}):
        settings = payer_rules.get(payer_id, default_rules)
        if rule.code in settings.disabled or rule.name in settings.disabled:
            disabled.append(payer_id)
        elif needs and not getattr(settings, needs):
            unconfigured.append(payer_id)
        else:
            enabled.append(payer_id)
    return RuleCoverage(
        rule=rule,
        claims=tuple(sorted({d.claim_id for d in caught})),
        would_save=total(d.amount for d in caught),
        enabled_for=tuple(enabled),
        disabled_for=tuple(disabled),
        unconfigured_for=tuple(unconfigured),
        needs=needs,
    )


def recurring_denials(
    lines: Sequence[tuple[str, ClaimAmount]],
    table: CategoryTable,
    plan: PreventionMap,
    rules: Mapping[str, RuleRef],
    payer_rules: Mapping[str, PayerRules],
    *,
    default_rules: PayerRules | None = None,
    min_claims: int | None = None,
) -> tuple[RecurringDenial, ...]:
    """Categories with at least ``min_claims`` (default: the map's) denied claims, most denied
    dollars first, each with the rules that would have caught its denials.

    ``lines`` are :func:`claimdesk.analytics.denials.denial_lines`: (payer, denied amount
    labelled "category GROUP-CARC"). ``payer_rules`` is each payer's resolved scrub
    configuration; a payer missing from it gets ``default_rules``.
    """
    unknown = sorted(plan.rule_codes - set(rules))
    if unknown:
        raise PreventionMapError(f"the prevention map names unknown rule(s) {', '.join(unknown)}")
    threshold = plan.min_claims if min_claims is None else min_claims
    fallback = default_rules or PayerRules()
    by_category: dict[str, list[_Denial]] = {}
    for denial in _denials(lines):
        by_category.setdefault(denial.category, []).append(denial)
    found = []
    for name, denials in by_category.items():
        claims = tuple(sorted({d.claim_id for d in denials}))
        if len(claims) < threshold:
            continue
        category = table.categories[name]
        caught: dict[str, list[_Denial]] = {}
        notes: dict[str, None] = {}
        prevented: list[Money] = []
        # One lookup per code, not per denial: a category's denials share a few codes.
        targets = {
            (group, carc): plan.target(name, group, carc)
            for group, carc in {(d.group, d.carc) for d in denials}
        }
        for denial in denials:
            target = targets[(denial.group, denial.carc)]
            if target is None or not target.rules:
                notes[target.note if target else f"no prevention entry for {name}"] = None
                continue
            prevented.append(denial.amount)
            for code in target.rules:
                caught.setdefault(code, []).append(denial)
        preventable = total(prevented)
        coverages = [
            _coverage(rules[code], members, plan.needs.get(code, ""), payer_rules, fallback)
            for code, members in caught.items()
        ]
        coverages.sort(key=lambda c: (-c.would_save.amount, c.rule.code))
        amounts: dict[str, list[Money]] = {}
        for d in denials:
            amounts.setdefault(f"{d.group}-{d.carc}", []).append(d.amount)
        by_code = {code: total(listed) for code, listed in amounts.items()}
        found.append(
            RecurringDenial(
                category=name,
                label=category.label,
                front_end_step=category.front_end_step,
                claims=claims,
                denied=total(d.amount for d in denials),
                preventable=preventable,
                codes=tuple(sorted(by_code, key=lambda c: (-by_code[c].amount, c))),
                payers=tuple(sorted({d.payer_id for d in denials})),
                rules=tuple(coverages),
                notes=tuple(notes),
            )
        )
    found.sort(key=lambda r: (-r.denied.amount, r.category))
    return tuple(found)


PREVENTION_COLUMNS = (
    "category",
    "claims",
    "denied",
    "would save",
    "rule",
    "rule name",
    "severity",
    "rule claims",
    "rule would save",
    "status",
    "note",
)


def prevention_table(found: Sequence[RecurringDenial], min_claims: int) -> Table:
    """One row per recurring category and rule (a category no rule catches: one row, no rule)."""
    rows: list[tuple[str | int | Money | None, ...]] = []
    for r in found:
        head = (r.category, len(r.claims), r.denied, r.preventable)
        note = " ".join(r.notes)
        for c in r.rules:
            rule = (c.rule.code, c.rule.name, c.rule.severity, len(c.claims), c.would_save)
            rows.append((*head, *rule, c.status, note))
        if not r.rules:
            rows.append((*head, None, None, None, None, None, "no rule", note))
    return Table(
        "denial_prevention",
        f"recurring denials (at least {min_claims} claims) and the rules that would catch them",
        PREVENTION_COLUMNS,
        tuple(rows),
    )
