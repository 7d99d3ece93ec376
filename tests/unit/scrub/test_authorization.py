"""AUT002: the 271 names the procedures that need authorization; only their lines are held."""

from __future__ import annotations

from dataclasses import replace

from claimdesk.scrub import examples as ex
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.engine import Scrubber
from claimdesk.scrub.rule import Issue

SCRUBBER = Scrubber.default()


def _issues(ctx: ScrubContext) -> list[Issue]:
    return list(SCRUBBER.rule("AUT002").check(ctx))


def test_a_line_with_a_listed_code_is_held_naming_the_line(base: ScrubContext) -> None:
    ctx = ex.eligibility(base, authorization_codes=frozenset({"83036", "20610"}))
    (issue,) = _issues(ctx)
    assert issue.line == 2
    assert issue.message.startswith("line 2 (83036):")
    assert "says 83036 needs authorization" in issue.message


def test_a_claim_without_a_listed_code_is_clean(base: ScrubContext) -> None:
    ctx = ex.eligibility(base, authorization_codes=frozenset({"20610"}))
    assert _issues(ctx) == []


def test_listed_codes_outweigh_a_plan_wide_flag(base: ScrubContext) -> None:
    ctx = ex.eligibility(
        base, authorization_required=True, authorization_codes=frozenset({"20610"})
    )
    assert _issues(ctx) == []


def test_a_plan_wide_flag_without_codes_holds_the_claim(base: ScrubContext) -> None:
    (issue,) = _issues(ex.eligibility(base, authorization_required=True))
    assert issue.line is None
    assert "says authorization is required" in issue.message


def test_an_authorization_number_on_the_claim_satisfies_the_rule(base: ScrubContext) -> None:
    ctx = ex.encounter(
        ex.eligibility(base, authorization_codes=frozenset({"83036"})),
        prior_authorization="PA12345",
    )
    assert _issues(ctx) == []


def test_the_claims_own_number_satisfies_the_rule_for_its_payer(base: ScrubContext) -> None:
    """A secondary payer authorizes under its own number, kept on its claim (migration 0029);
    the visit, shared with the primary's claim, has none."""
    held = ex.eligibility(base, authorization_codes=frozenset({"83036"}))
    assert held.claim.encounter.prior_authorization == ""
    own = replace(held, claim=replace(held.claim, prior_authorization="SEC-778"))
    assert own.claim.authorization == "SEC-778"
    assert _issues(own) == []
