"""The denial category table as data: group code + CARC (+ RARC) to a category and an action.

The table is TOML (``categories.toml`` ships in this package; a practice may use its own). Errors
name the file, the entry, the field and the reason, so whoever edits the table can fix it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from claimdesk.domain.work import WorkAction

ANY_GROUP = ""
GROUPS = frozenset({"CO", "OA", "PI", "PR", "CR"})
PATIENT_GROUP = "PR"


class CategoryTableError(ValueError):
    """The category table cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    label: str
    denial: bool
    tier: int | None  # the billing tier whose step caused it; None when nothing is held
    front_end_step: str
    work_category: str  # the routing table's category for the work item
    appealable: bool
    action: WorkAction | None
    # A code the table cannot place (or one that says the payer has not decided): the amount is
    # held like a denial's until a Tier 2 biller reads it, but it is counted as "needs review".
    review: bool = False

    @property
    def held(self) -> bool:
        """Whether an adjustment of this category stays on insurance A/R as work."""
        return self.denial or self.review


@dataclass(frozen=True, slots=True)
class Classification:
    """What one adjustment means: its category and, for this code, appeal rights and action."""

    group: str
    carc: str
    rarc: str  # the remark that decided the rule, or ""
    category: Category
    appealable: bool
    action: WorkAction | None

    @property
    def is_denial(self) -> bool:
        """Whether the amount is held on insurance A/R as work (a denial, or a code to review).

        Patient responsibility moves to the patient's balance: the money is not lost.
        """
        return self.category.held and self.group != PATIENT_GROUP

    @property
    def needs_review(self) -> bool:
        return self.category.review and self.group != PATIENT_GROUP

    @property
    def counts_as_denial(self) -> bool:
        """A denial in the denial figures: held, and not merely waiting for a review."""
        return self.is_denial and not self.category.review

    @property
    def code(self) -> str:
        return f"{self.group}-{self.carc}"


@dataclass(frozen=True, slots=True)
class _Rule:
    category: str
    appealable: bool | None
    action: WorkAction | None


class CategoryTable:
    def __init__(
        self,
        categories: dict[str, Category],
        rules: dict[tuple[str, str, str], _Rule],
        fallback: str,
    ) -> None:
        self.categories = categories
        self._rules = rules
        self._fallback = fallback

    @property
    def carcs(self) -> frozenset[str]:
        return frozenset(carc for _group, carc, _rarc in self._rules)

    def classify(self, group: str, carc: str, rarcs: Iterable[str] = ()) -> Classification:
        """The most specific rule: group+CARC+RARC, group+CARC, CARC+RARC, CARC, fallback."""
        remarks = tuple(rarcs)
        for rule_group in (group, ANY_GROUP):
            for rarc in remarks:
                rule = self._rules.get((rule_group, carc, rarc))
                if rule is not None:
                    return self._classification(group, carc, rarc, rule)
            rule = self._rules.get((rule_group, carc, ""))
            if rule is not None:
                return self._classification(group, carc, "", rule)
        if group == PATIENT_GROUP:
            # Any patient-responsibility code without a rule of its own is still the patient's.
            rule = _Rule("patient_share", None, None)
            if "patient_share" in self.categories:
                return self._classification(group, carc, "", rule)
        return self._classification(group, carc, "", _Rule(self._fallback, None, None))

    def _classification(self, group: str, carc: str, rarc: str, rule: _Rule) -> Classification:
        category = self.categories[rule.category]
        appealable = category.appealable if rule.appealable is None else rule.appealable
        return Classification(
            group=group,
            carc=carc,
            rarc=rarc,
            category=category,
            appealable=appealable,
            action=rule.action or category.action,
        )


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, entry: str, field: str, reason: str) -> CategoryTableError:
        return CategoryTableError(f"{self.source}: {entry}, field {field!r}: {reason}")

    def text(self, data: dict[str, Any], entry: str, field: str, default: str | None = None) -> str:
        value = data.get(field, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(entry, field, "a non-empty string is required")
        return value.strip()

    def flag(self, data: dict[str, Any], entry: str, field: str) -> bool | None:
        value = data.get(field)
        if value is not None and not isinstance(value, bool):
            raise self.fail(entry, field, "true or false is required")
        return value

    def action(self, data: dict[str, Any], entry: str) -> WorkAction | None:
        if "action" not in data:
            return None
        name = self.text(data, entry, "action")
        try:
            return WorkAction(name)
        except ValueError as exc:
            known = ", ".join(a.value for a in WorkAction)
            raise self.fail(entry, "action", f"unknown action {name!r}; known: {known}") from exc


def parse_table(text: str, source: str = "categories.toml") -> CategoryTable:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CategoryTableError(f"{source}: not valid TOML: {exc}") from exc
    read = _Reader(source)
    raw_categories = data.get("categories")
    if not isinstance(raw_categories, dict) or not raw_categories:
        raise read.fail("top level", "categories", "at least one [categories.NAME] is required")
    categories = {
        name: _category(read, name, body) for name, body in sorted(raw_categories.items())
    }
    fallback = read.text(data.get("fallback", {}), "[fallback]", "category")
    if fallback not in categories:
        raise read.fail("[fallback]", "category", f"no [categories.{fallback}] table")
    codes = data.get("codes", {}).get("rules")
    if not isinstance(codes, list) or not codes:
        raise read.fail("[codes]", "rules", "a non-empty list of code rules is required")
    rules: dict[tuple[str, str, str], _Rule] = {}
    for number, body in enumerate(codes, start=1):
        entry = f"[codes] rule {number}"
        if not isinstance(body, dict):
            raise read.fail(entry, "rules", 'each rule is a table such as { carc = "45" }')
        carc = read.text(body, entry, "carc").upper()
        group = body.get("group", ANY_GROUP)
        if group != ANY_GROUP and group not in GROUPS:
            raise read.fail(entry, "group", f"{group!r} is not one of {', '.join(sorted(GROUPS))}")
        rarc = body.get("rarc", "")
        if not isinstance(rarc, str):
            raise read.fail(entry, "rarc", "a remark code string is required")
        category = read.text(body, entry, "category")
        if category not in categories:
            raise read.fail(entry, "category", f"no [categories.{category}] table")
        key = (group, carc, rarc.strip().upper())
        if key in rules:
            raise read.fail(entry, "carc", f"a rule for {'/'.join(filter(None, key))} exists")
        rules[key] = _Rule(category, read.flag(body, entry, "appealable"), read.action(body, entry))
    return CategoryTable(categories, rules, fallback)


def _category(read: _Reader, name: str, body: Any) -> Category:
    entry = f"[categories.{name}]"
    if not isinstance(body, dict):
        raise read.fail(entry, name, "a table is required")
    denial = read.flag(body, entry, "denial")
    if denial is None:
        raise read.fail(entry, "denial", "true or false is required")
    review = bool(read.flag(body, entry, "review"))
    if denial and review:
        raise read.fail(entry, "review", "a category is a denial or needs review, not both")
    held = denial or review
    tier = body.get("tier")
    if held and tier not in (1, 2, 3):
        raise read.fail(entry, "tier", "a held category names the tier 1, 2 or 3 that works it")
    action = read.action(body, entry)
    if held and action is None:
        raise read.fail(entry, "action", "a held category needs a recommended action")
    return Category(
        name=name,
        label=read.text(body, entry, "label"),
        denial=denial,
        review=review,
        tier=tier if held else None,
        front_end_step=read.text(body, entry, "front_end_step"),
        work_category=read.text(body, entry, "work_category"),
        appealable=bool(read.flag(body, entry, "appealable")),
        action=action,
    )


def shipped_table() -> CategoryTable:
    """The category table that ships with claimdesk."""
    text = resources.files("claimdesk.denials").joinpath("categories.toml").read_text("utf-8")
    return parse_table(text, "claimdesk/denials/categories.toml")
