"""The claim's eligibility page shows the newest estimate line by line, with the benefit that
applied to each line."""

from __future__ import annotations

from collections.abc import Callable

from desk_practice import CLAIM_T1, build_desk

from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork


def test_the_newest_estimate_shows_each_lines_benefit(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory)
    client = desk.signed_in(Role.TIER1)
    page = client.get(f"/claims/{CLAIM_T1}/eligibility")
    assert page.status_code == 200
    assert "No estimate yet." in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    made = client.post(f"/claims/{CLAIM_T1}/estimate", data={"csrf_token": csrf})
    assert made.status_code == 303, made.text
    page = client.get(f"/claims/{CLAIM_T1}/eligibility")
    lines = page.text.split('id="estimate-lines"')[1].split("</table>")[0]
    # E1: an office visit (99213-25 at the 92.50 contract rate) and a flu vaccine (90686, ACIP:
    # preventive). No directory entry and no 271 are on file, so nothing is owed, but each line
    # still says which benefit priced it.
    assert '<td class="benefit">preventive: no cost sharing</td>' in lines
    assert '<td class="benefit">office_visit: deductible</td>' in lines
    assert "92.50 (contract)" in lines
