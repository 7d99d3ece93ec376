"""Administering people on the People page (issue 17): a role changes only by an admin, never
one's own, and ends the person's sessions; a granted queue is taken back; disabling asks to
confirm and ends sessions at once; a disabled person is enabled again and signs in; each is
audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from desk_practice import START, USERS, build_desk
from fastapi.testclient import TestClient

from claimdesk.routing.access import AccessError, Role
from claimdesk.security.accounts import change_role
from claimdesk.store.uow import UnitOfWork

ANN = USERS[Role.TIER1]


def _csrf(client: TestClient) -> str:
    return client.get("/admin/users").text.split('name="csrf_token" value="')[1].split('"')[0]


def _post(client: TestClient, path: str, **form: str) -> int:
    return client.post(path, data={"csrf_token": _csrf(client), **form}).status_code


def test_roles_queues_and_disabling_are_administered_on_the_people_page(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory)
    admin, manager = desk.signed_in(Role.ADMIN), desk.signed_in(Role.MANAGER)
    ann = desk.signed_in(Role.TIER1)
    assert ann.get("/queue").status_code == 200

    assert _post(manager, f"/admin/users/{ANN}/role", role="tier2") == 403
    assert _post(admin, f"/admin/users/{USERS[Role.ADMIN]}/role", role="tier1") == 403
    assert _post(admin, f"/admin/users/{ANN}/role", role="tier2") == 303
    with uow_factory() as uow:
        changed = uow.users.get(ANN)
    assert changed is not None
    assert changed.role is Role.TIER2
    assert ann.get("/queue").status_code == 303  # her session ended: sign in again

    assert _post(manager, f"/admin/users/{ANN}/grants", queue="t1-rejections") == 303
    with uow_factory() as uow:
        assert uow.users.grants(ANN) == ("t1-rejections",)
    page = admin.get("/admin/users").text
    assert f'id="revoke-{ANN}-t1-rejections"' in page
    assert _post(manager, f"/admin/users/{ANN}/revoke", queue="t1-rejections") == 303
    with uow_factory() as uow:
        assert uow.users.grants(ANN) == ()

    unconfirmed = admin.post(f"/admin/users/{ANN}/disable", data={"csrf_token": _csrf(admin)})
    assert unconfirmed.status_code == 409
    assert "tick the box to confirm" in unconfirmed.text
    with uow_factory() as uow:
        still = uow.users.get(ANN)
    assert still is not None
    assert still.active
    assert _post(admin, f"/admin/users/{ANN}/disable", confirm="yes") == 303
    assert f'id="enable-{ANN}"' in admin.get("/admin/users").text
    assert _post(manager, f"/admin/users/{ANN}/enable") == 303
    desk.signed_in(Role.TIER1)  # signs in again

    with uow_factory() as uow:
        done = [
            (r.record.action, r.record.detail)
            for r in uow.audit.records(limit=60, newest_first=True)
        ]
    assert ("change_role", "tier1 -> tier2") in done
    assert ("revoke_queue", "t1-rejections") in done
    assert any(action == "enable_user" for action, _ in done)


def test_an_admin_always_remains(uow_factory: Callable[[], UnitOfWork]) -> None:
    """Only an admin changes roles and never their own, so the one who acts stays an admin."""
    build_desk(uow_factory)
    root, meg = USERS[Role.ADMIN], USERS[Role.MANAGER]
    with pytest.raises(AccessError, match="cannot change their own role"):
        change_role(uow_factory, root, Role.MANAGER, by=root, now=START)
    with pytest.raises(AccessError, match="a manager cannot change roles"):
        change_role(uow_factory, root, Role.MANAGER, by=meg, now=START)
    change_role(uow_factory, meg, Role.ADMIN, by=root, now=START)
    change_role(uow_factory, root, Role.MANAGER, by=meg, now=START)
    with pytest.raises(AccessError, match="cannot change their own role"):
        change_role(uow_factory, meg, Role.TIER2, by=meg, now=START)
    with uow_factory() as uow:
        assert [u.user_id for u in uow.users.list() if u.role is Role.ADMIN] == [meg]
