"""A one-time password link (issue 17, administration): an admin makes one for a person from
the People page; the person opens it signed out, chooses a password and signs in with it. The
link opens once: used, replaced by a newer one or past its day, it says so and sets nothing.
A manager cannot make one (separation of duties), nor an admin for themself. Each step is
audited, the choice as the person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from desk_practice import PASSWORD, USERS, build_desk
from fastapi.testclient import TestClient

from claimdesk.routing.access import Role
from claimdesk.security.accounts import PASSWORD_LINK_HOURS
from claimdesk.store.uow import UnitOfWork

ANN = USERS[Role.TIER1]
CHOSEN = "plum orchard lantern seventeen"


def _csrf(client: TestClient) -> str:
    return client.get("/admin/users").text.split('name="csrf_token" value="')[1].split('"')[0]


def _link(client: TestClient, user_id: str) -> str:
    """The path of the link an admin makes on the People page."""
    made = client.post(f"/admin/users/{user_id}/password-link", data={"csrf_token": _csrf(client)})
    assert made.status_code == 200, made.text
    url = made.text.split('id="password-link" readonly value="')[1].split('"')[0]
    return "/password/" + url.split("/password/")[1]


def _sign_in(client: TestClient, user_id: str, password: str) -> int:
    answer = client.post("/login", data={"user_id": user_id, "password": password})
    return answer.status_code


def test_a_person_chooses_their_password_through_the_link_an_admin_made(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory)
    admin = desk.signed_in(Role.ADMIN)
    ann_session = desk.signed_in(Role.TIER1)
    assert f'id="link-{ANN}"' in admin.get("/admin/users").text
    path = _link(admin, ANN)

    person = desk.client()  # signed out
    form = person.get(path)
    assert form.status_code == 200
    assert f"For {ANN}." in form.text
    differs = person.post(path, data={"password": CHOSEN, "again": CHOSEN + "x"})
    assert differs.status_code == 422
    assert "the two entries differ" in differs.text
    weak = person.post(path, data={"password": "password1234", "again": "password1234"})
    assert weak.status_code == 422
    assert "easily guessed" in weak.text
    done = person.post(path, data={"password": CHOSEN, "again": CHOSEN})
    assert done.status_code == 200
    assert f"{ANN}: your password is set; sign in with it" in done.text

    assert _sign_in(desk.client(), ANN, PASSWORD) == 401
    assert _sign_in(desk.client(), ANN, CHOSEN) == 303  # no change asked: she chose it
    assert ann_session.get("/queue").status_code == 303  # her old session ended
    used = person.get(path)
    assert used.status_code == 410
    assert "used, replaced by a newer one or expired" in used.text
    assert person.post(path, data={"password": CHOSEN, "again": CHOSEN}).status_code == 410

    with uow_factory() as uow:
        done_by = [
            (r.record.user_id, r.record.action, r.record.target)
            for r in uow.audit.records(limit=30, newest_first=True)
        ]
    assert (USERS[Role.ADMIN], "password_link", f"user {ANN}") in done_by
    assert (ANN, "set_password_by_link", f"user {ANN}") in done_by


def test_a_newer_link_replaces_the_first_and_a_link_lasts_a_day(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory)
    admin = desk.signed_in(Role.ADMIN)
    first, second = _link(admin, ANN), _link(admin, ANN)
    person = desk.client()
    assert person.get(first).status_code == 410
    assert person.get(second).status_code == 200
    desk.clock.advance(timedelta(hours=PASSWORD_LINK_HOURS, seconds=1))
    late = person.post(second, data={"password": CHOSEN, "again": CHOSEN})
    assert late.status_code == 410
    assert _sign_in(desk.client(), ANN, CHOSEN) == 401
    assert person.get("/password/" + "x" * 43).status_code == 410


def test_only_an_admin_makes_a_link_and_not_for_themself(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory)
    manager, admin = desk.signed_in(Role.MANAGER), desk.signed_in(Role.ADMIN)
    refused = manager.post(f"/admin/users/{ANN}/password-link", data={"csrf_token": _csrf(manager)})
    assert refused.status_code == 403
    own = admin.post(
        f"/admin/users/{USERS[Role.ADMIN]}/password-link", data={"csrf_token": _csrf(admin)}
    )
    assert own.status_code == 403
    assert "signed in, not by a link" in own.text
