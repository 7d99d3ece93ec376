"""Who may work which queue: a role gives its tier's queues; a manager may grant more."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from claimdesk.routing.policy import RoutingPolicy


class Role(StrEnum):
    TIER1 = "tier1"
    TIER2 = "tier2"
    MANAGER = "manager"  # tier 3
    AUDITOR = "auditor"  # reads everything, works nothing
    ADMIN = "admin"  # manages people; works only the queues granted
    SYSTEM = "system"  # a program (the worker, the simulated cycle): runs jobs, never signs in


ROLE_TIER: dict[Role, int] = {Role.TIER1: 1, Role.TIER2: 2, Role.MANAGER: 3}


class AccessError(PermissionError):
    """A person tried something their role does not allow."""


def can_work(role: Role) -> bool:
    return role not in (Role.AUDITOR, Role.SYSTEM)


def can_manage(role: Role) -> bool:
    """Managers and admins add people and grant queues."""
    return role in (Role.MANAGER, Role.ADMIN)


def allowed_queues(role: Role, granted: Iterable[str], policy: RoutingPolicy) -> tuple[str, ...]:
    """The queues a person may take items from, in name order."""
    if not can_work(role):
        return ()
    own = policy.queues_of_tier(ROLE_TIER[role]) if role in ROLE_TIER else ()
    return tuple(sorted(set(own) | set(granted)))


def check_grant(by_role: Role, to_role: Role, queue: str, policy: RoutingPolicy) -> None:
    if not can_manage(by_role):
        raise AccessError(f"a {by_role} cannot grant queues; a manager or admin can")
    if not can_work(to_role):
        raise AccessError(f"an {to_role} is read-only and cannot be granted queue {queue}")
    if queue not in policy.queues():
        known = ", ".join(policy.queues())
        raise AccessError(f"unknown queue {queue!r}; queues: {known}")


def check_add(by_role: Role, new_role: Role) -> None:
    if not can_manage(by_role):
        raise AccessError(f"a {by_role} cannot add people; a manager or admin can")
    if new_role in (Role.ADMIN, Role.SYSTEM) and by_role is not Role.ADMIN:
        raise AccessError(f"only an admin can add an {new_role} user")
