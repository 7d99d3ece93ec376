"""The pages' registry packages (issue 17): the design system and htmx are served from where the
Makefile installs them, and a desk without them serves the same pages on its own stylesheet."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from desk_practice import build_desk

from claimdesk.http.assets import CHECKOUT_MODULES, HTMX, PICO, installed
from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork

if not installed(CHECKOUT_MODULES):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHECKOUT_MODULES} lacks the pages' packages, and CI=true requires them")
    pytest.skip(
        f"{CHECKOUT_MODULES} is missing: make installs it with npm", allow_module_level=True
    )


def test_the_pages_link_the_design_system_and_htmx_and_both_are_served(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    client = build_desk(uow_factory).signed_in(Role.TIER2)
    page = client.get("/queue").text
    assert f'<link rel="stylesheet" href="{PICO.href()}">' in page
    assert f'<script src="{HTMX.href()}" defer></script>' in page
    # The worklist swaps its results in place with htmx, and its links still load whole pages.
    assert 'id="results" hx-target="#results"' in page
    for vendor in (PICO, HTMX):
        served = client.get(vendor.href())
        assert served.status_code == 200, vendor.name
        assert served.headers["Cache-Control"].startswith("public")
    assert client.get("/static/keys.js").status_code == 200


def test_without_the_packages_the_pages_stand_on_their_own_stylesheet(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMDESK_ASSETS", str(tmp_path / "no-modules"))
    client = build_desk(uow_factory).signed_in(Role.TIER2)
    page = client.get("/queue")
    assert page.status_code == 200
    assert "/vendor/" not in page.text
    assert '<link rel="stylesheet" href="/static/desk.css">' in page.text
    assert client.get(HTMX.href()).status_code == 404
