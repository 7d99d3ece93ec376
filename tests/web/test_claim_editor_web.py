"""The claim editor's page: the form with the scrub's findings beside the fields they name;
a refused edit answers 422 with each input error beside its field and keeps what was typed
(nothing saved); a saved edit lists what changed, old and new, and the audit row keeps them;
an auditor reads the claim but gets no form."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

from desk_practice import CLAIM_T1, START, build_desk
from fastapi.testclient import TestClient

from claimdesk.config import Settings
from claimdesk.domain.claims import ClaimStatus
from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork


def _hold(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        claim = uow.claims.get(CLAIM_T1)
        assert claim is not None
        claim.move_to(ClaimStatus.HELD, by="scrub", at=START, reason="scrub: held")
        uow.claims.save(claim)
        uow.commit()


def _fields(html: str) -> dict[str, str]:
    """Every input of the editor's form, by name, as the page fills it."""
    found = re.findall(r'<input id="[^"]*" name="([^"]+)" value="([^"]*)"', html)
    return dict(found)


def _post(client: TestClient, html: str, **changed: str) -> tuple[int, str]:
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    data = {**_fields(html), **changed, "csrf_token": token}
    answer = client.post(f"/claims/{CLAIM_T1}/edit", data=data)
    return answer.status_code, answer.text


def test_the_claim_editor_page_refuses_bad_values_and_saves_good_ones(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    desk = build_desk(uow_factory)
    desk.config = dataclasses.replace(desk.config, settings=Settings(home=tmp_path / "home"))
    _hold(uow_factory)
    tier1 = desk.signed_in(Role.TIER1)
    page = tier1.get(f"/claims/{CLAIM_T1}/edit")
    assert page.status_code == 200, page.text
    shown = _fields(page.text)
    for name in (
        "patient.birth_date",
        "coverage.member_id",
        "referring_npi",
        "line-1-units",
        "line-1-ndc",
        "prior_authorization",
        "patient.address.postal_code",
    ):
        assert name in shown, name
    assert '<label for="line-1-units">Line 1 units</label>' in page.text

    status, refused = _post(
        tier1, page.text, diagnoses="J02.9 XYZ123", **{"line-1-units": "0", "patient.phone": "12"}
    )
    assert status == 422
    assert "Not saved: 3 value(s) cannot be used" in refused
    assert "&#39;XYZ123&#39; is not an ICD-10-CM code" in refused
    assert 'name="diagnoses" value="J02.9 XYZ123" maxlength="200" aria-invalid="true"' in refused
    again = _fields(tier1.get(f"/claims/{CLAIM_T1}/edit").text)
    assert again["diagnoses"] == shown["diagnoses"]  # nothing saved

    status, saved = _post(tier1, page.text, **{"patient.phone": "217-555-0199"})
    assert status == 200, saved
    assert 'id="edit-result"' in saved
    assert f"patient.phone: {shown['patient.phone'] or '(none)'} -&gt; 2175550199" in saved
    with uow_factory() as uow:
        records = uow.audit.records(limit=100, newest_first=True)
    edits = [r.record for r in records if r.record.action == "edit_claim"]
    assert [e.outcome for e in edits][:2] == ["ok", "failed"]
    assert "patient.phone" in edits[0].detail
    assert "2175550199" in edits[0].detail

    auditor = desk.signed_in(Role.AUDITOR)
    read = auditor.get(f"/claims/{CLAIM_T1}/edit")
    assert read.status_code == 200
    assert 'action="/claims/' not in read.text
