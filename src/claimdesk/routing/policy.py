"""The routing policy as data: tiers, queues, category defaults and escalation thresholds.

The policy is parsed from TOML text (``routing.toml`` ships in this package); an error names the
file, the entry, the field and the reason, so a practice editing its own table can fix it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from claimdesk.domain.money import Money, MoneyError
from claimdesk.domain.work import WorkKind

ANY_CATEGORY = "*"
TIERS = (1, 2, 3)


class PolicyError(ValueError):
    """The routing table cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Route:
    kind: WorkKind
    category: str  # a category name or "*"
    tier: int
    queue: str

    def matches(self, kind: WorkKind, category: str) -> bool:
        return self.kind is kind and self.category in (ANY_CATEGORY, category)


@dataclass(frozen=True, slots=True)
class CategoryDefaults:
    recovery: Decimal
    effort_minutes: int


@dataclass(frozen=True, slots=True)
class TierRules:
    sla_days: int
    amount_threshold: Money | None  # None: no amount moves an item out of this tier
    escalation_queue: str | None  # None for the top tier


@dataclass(frozen=True, slots=True)
class RoutingPolicy:
    routes: tuple[Route, ...]
    categories: dict[str, CategoryDefaults]
    tiers: dict[int, TierRules]
    lease: timedelta
    learning_min_closed: int
    deadline_horizon_days: int
    max_urgency: Decimal
    escalation_failures: int

    def route(self, kind: WorkKind, category: str) -> Route:
        for route in self.routes:
            if route.matches(kind, category):
                return route
        raise PolicyError(f"routing table: no route for kind {kind} and category {category}")

    def category(self, name: str) -> CategoryDefaults:
        if name not in self.categories:
            known = ", ".join(sorted(self.categories))
            raise PolicyError(f"routing table: unknown category {name!r}; known: {known}")
        return self.categories[name]

    def queues(self) -> dict[str, int]:
        """Every queue the policy names, with its tier."""
        found = {route.queue: route.tier for route in self.routes}
        for tier, rules in self.tiers.items():
            if rules.escalation_queue is not None:
                found[rules.escalation_queue] = tier + 1
        return dict(sorted(found.items()))

    def queues_of_tier(self, tier: int) -> tuple[str, ...]:
        return tuple(queue for queue, of in self.queues().items() if of == tier)


class _Reader:
    """Typed field access that names the file, entry and field in every error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, entry: str, field: str, reason: str) -> PolicyError:
        return PolicyError(f"{self.source}: {entry}, field {field!r}: {reason}")

    def table(self, data: dict[str, Any], entry: str, field: str) -> dict[str, Any]:
        value = data.get(field)
        if not isinstance(value, dict):
            raise self.fail(entry, field, "a table is required")
        return value

    def integer(self, data: dict[str, Any], entry: str, field: str, minimum: int) -> int:
        value = data.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.fail(entry, field, f"an integer of at least {minimum} is required")
        return value

    def text(self, data: dict[str, Any], entry: str, field: str) -> str:
        value = data.get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(entry, field, "a non-empty string is required")
        return value.strip()

    def decimal(
        self, data: dict[str, Any], entry: str, field: str, low: Decimal, high: Decimal
    ) -> Decimal:
        # Decimals are quoted strings in the file: a TOML float would not be exact.
        value = data.get(field)
        try:
            number = Decimal(value) if isinstance(value, str) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or not low <= number <= high:
            raise self.fail(entry, field, f"a quoted decimal from {low} to {high} is required")
        return number

    def money(self, data: dict[str, Any], entry: str, field: str) -> Money | None:
        if field not in data:
            return None
        try:
            return Money(data[field]) if isinstance(data[field], str) else None
        except MoneyError as exc:
            raise self.fail(entry, field, str(exc)) from exc


def parse_policy(text: str, source: str = "routing.toml") -> RoutingPolicy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML: {exc}") from exc
    read = _Reader(source)
    policy = read.table(data, "top level", "policy")
    escalation = read.table(data, "top level", "escalation")
    categories = {
        name: CategoryDefaults(
            recovery=read.decimal(body, f"[categories.{name}]", "recovery", Decimal(0), Decimal(1)),
            effort_minutes=read.integer(body, f"[categories.{name}]", "effort_minutes", 1),
        )
        for name, body in read.table(data, "top level", "categories").items()
    }
    tiers = _tiers(read, read.table(data, "top level", "tiers"))
    routes = _routes(read, data.get("routes"), categories)
    return RoutingPolicy(
        routes=routes,
        categories=categories,
        tiers=tiers,
        lease=timedelta(minutes=read.integer(policy, "[policy]", "lease_minutes", 1)),
        learning_min_closed=read.integer(policy, "[policy]", "learning_min_closed", 1),
        deadline_horizon_days=read.integer(policy, "[policy]", "deadline_horizon_days", 1),
        max_urgency=read.decimal(policy, "[policy]", "max_urgency", Decimal(1), Decimal(100)),
        escalation_failures=read.integer(escalation, "[escalation]", "failures", 2),
    )


def _tiers(read: _Reader, data: dict[str, Any]) -> dict[int, TierRules]:
    if sorted(data) != [str(tier) for tier in TIERS]:
        raise read.fail("[tiers]", "tiers", "exactly the tables [tiers.1], [tiers.2], [tiers.3]")
    tiers: dict[int, TierRules] = {}
    for tier in TIERS:
        body, entry = data[str(tier)], f"[tiers.{tier}]"
        queue = None if tier == 3 else read.text(body, entry, "escalation_queue")
        threshold = None if tier == 3 else read.money(body, entry, "amount_threshold")
        tiers[tier] = TierRules(read.integer(body, entry, "sla_days", 1), threshold, queue)
    return tiers


def _routes(
    read: _Reader, data: object, categories: dict[str, CategoryDefaults]
) -> tuple[Route, ...]:
    if not isinstance(data, list) or not data:
        raise read.fail("top level", "routes", "at least one [[routes]] entry is required")
    routes = []
    for number, body in enumerate(data, start=1):
        entry = f"[[routes]] entry {number}"
        kind_text = read.text(body, entry, "kind")
        try:
            kind = WorkKind(kind_text)
        except ValueError as exc:
            raise read.fail(entry, "kind", f"unknown work kind {kind_text!r}") from exc
        category = read.text(body, entry, "category")
        if category != ANY_CATEGORY and category not in categories:
            raise read.fail(entry, "category", f"no [categories.{category}] table")
        tier = read.integer(body, entry, "tier", 1)
        if tier not in TIERS:
            raise read.fail(entry, "tier", "the tier must be 1, 2 or 3")
        routes.append(Route(kind, category, tier, read.text(body, entry, "queue")))
    missing = [kind for kind in WorkKind if not any(r.matches(kind, "") for r in routes)]
    if missing:
        names = ", ".join(missing)
        raise read.fail("[[routes]]", "category", f"no catch-all '*' route for kinds: {names}")
    return tuple(routes)


def shipped_policy() -> RoutingPolicy:
    """The routing table that ships with claimdesk."""
    text = resources.files("claimdesk.routing").joinpath("routing.toml").read_text("utf-8")
    return parse_policy(text, "claimdesk/routing/routing.toml")
