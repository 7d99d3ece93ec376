"""A practice's own rule files, found in its folder before the shipped ones.

One mechanism for every rule table a practice may change (docs/tenancy.md): the file named
``NAME`` in the practice's folder (``HOME/practices/ID/``; the default practice's is the home)
is the practice's own. ``scrub.toml`` goes on top of the packaged payer rules
(:func:`claimdesk.codes.reference.load_config`); ``routing.toml`` and ``denials.toml`` are whole
tables that replace the shipped routing policy and denial category table. A file is validated
when it is loaded and a bad one is refused, naming the file, the entry, the field and the
reason: a practice never runs on the shipped table by mistake.
"""

from __future__ import annotations

from pathlib import Path

from claimdesk.denials.table import CategoryTable, CategoryTableError, parse_table, shipped_table
from claimdesk.routing.policy import PolicyError, RoutingPolicy, parse_policy, shipped_policy

SCRUB_FILE = "scrub.toml"
ROUTING_FILE = "routing.toml"
DENIALS_FILE = "denials.toml"
# What each file is, with the shipped table it stands in for (``practice show`` lists them).
SHIPPED = {
    SCRUB_FILE: "claimdesk/scrub/payer_rules.toml",
    ROUTING_FILE: "claimdesk/routing/routing.toml",
    DENIALS_FILE: "claimdesk/denials/categories.toml",
}


class RuleFileError(ValueError):
    """A practice's rule file cannot be used; the message names the file, entry, field and
    reason."""


def own_file(home: Path | None, name: str) -> Path | None:
    """The practice's own copy of rule file ``name`` in its folder ``home``, if it has one."""
    if home is None:
        return None
    path = home / name
    return path if path.exists() else None


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(f"{path}: cannot be read: {exc}") from exc


def load_routing(home: Path | None) -> RoutingPolicy:
    """The practice's ``routing.toml`` if it has one, else the shipped routing policy."""
    path = own_file(home, ROUTING_FILE)
    if path is None:
        return shipped_policy()
    try:
        return parse_policy(_text(path), str(path))
    except PolicyError as exc:
        raise RuleFileError(str(exc)) from exc


def load_denials(home: Path | None) -> CategoryTable:
    """The practice's ``denials.toml`` if it has one, else the shipped denial category table."""
    path = own_file(home, DENIALS_FILE)
    if path is None:
        return shipped_table()
    try:
        return parse_table(_text(path), str(path))
    except CategoryTableError as exc:
        raise RuleFileError(str(exc)) from exc


def in_effect(home: Path | None) -> dict[str, str]:
    """Each rule file and where the practice's comes from: its own file or the shipped one."""
    found: dict[str, str] = {}
    for name, shipped in SHIPPED.items():
        path = own_file(home, name)
        if path is None:
            found[name] = f"shipped ({shipped})"
        elif name == SCRUB_FILE:
            found[name] = f"{path} (over the shipped {shipped})"
        else:
            found[name] = str(path)
    return found
