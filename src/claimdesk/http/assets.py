"""The registry packages the pages use, served from where the Makefile installs them
(``npm ci`` into ``node_modules``, from ``package.json``): the design system (Pico CSS,
classless) and htmx. Neither is copied into the repository.

A desk without them (installed from a wheel, or a machine without npm) serves the same pages on
claimdesk's own stylesheet with whole-page loads: every form and link works without them.
``CLAIMDESK_ASSETS`` names another ``node_modules`` folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# src/claimdesk/http/assets.py: the checkout's root is three folders up from this package.
CHECKOUT_MODULES = Path(__file__).resolve().parents[3] / "node_modules"


@dataclass(frozen=True, slots=True)
class Vendor:
    """One package's folder served under ``/vendor/<name>`` and the file a page links."""

    name: str
    folder: str  # inside node_modules
    file: str

    def path(self, modules: Path) -> Path:
        return modules / self.folder

    def href(self) -> str:
        return f"/vendor/{self.name}/{self.file}"


PICO = Vendor("pico", "@picocss/pico/css", "pico.classless.min.css")
HTMX = Vendor("htmx", "htmx.org/dist", "htmx.min.js")
VENDORS = (PICO, HTMX)


def node_modules() -> Path:
    named = os.environ.get("CLAIMDESK_ASSETS", "")
    return Path(named) if named else CHECKOUT_MODULES


def installed(modules: Path | None = None) -> dict[str, Vendor]:
    """The packages present, by name."""
    where = modules or node_modules()
    return {v.name: v for v in VENDORS if (v.path(where) / v.file).is_file()}
