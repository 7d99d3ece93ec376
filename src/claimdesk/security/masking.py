"""Member ids shown only to roles that work with payers (HIPAA minimum necessary)."""

from __future__ import annotations

from claimdesk.routing.access import Role

SEES_MEMBER_IDS = frozenset({Role.TIER1, Role.TIER2, Role.MANAGER})
VISIBLE_TAIL = 4


def mask_member_id(member_id: str) -> str:
    """All but the last four characters hidden; short ids are hidden entirely."""
    if len(member_id) <= VISIBLE_TAIL:
        return "•" * len(member_id)
    return "•" * (len(member_id) - VISIBLE_TAIL) + member_id[-VISIBLE_TAIL:]


def member_id_for(role: Role, member_id: str) -> str:
    return member_id if role in SEES_MEMBER_IDS else mask_member_id(member_id)
