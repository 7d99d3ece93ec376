"""Web desk fixtures: the shared two-database ``database_url`` and a desk with a small practice."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

INTEGRATION = Path(__file__).resolve().parents[1] / "integration"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# The database fixtures are the integration suite's own: SQLite and a throw-away PostgreSQL.
_integration = _load("integration_conftest", INTEGRATION / "conftest.py")
database_url = _integration.database_url
engine = _integration.engine
uow_factory = _integration.uow_factory
if str(INTEGRATION) not in sys.path:
    sys.path.append(str(INTEGRATION))
