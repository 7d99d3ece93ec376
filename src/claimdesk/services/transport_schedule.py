"""When the worker exchanges files with each partner: every ``every_minutes`` (transport.toml).

The worker's send and fetch jobs tick every minute; each partner is due once its interval has
passed since the last exchange the worker began with it, whatever that exchange's outcome (a
clearinghouse that is down is tried again at the next interval, not every minute, which would
hammer its login). The times are kept in the practice's ``transport/schedule.json``; a file
that cannot be read makes every partner due (it only spaces exchanges out) and is written anew.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from claimdesk.services.transport import TransportReport
from claimdesk.services.x12_envelopes import write_outbox_file
from claimdesk.transport.config import Partner, TransportConfig

SCHEDULE_FILE = "schedule.json"
_log = logging.getLogger(__name__)


def _times(state: Path) -> dict[str, dict[str, str]]:
    path = state / SCHEDULE_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        _log.warning("%s cannot be read; every partner is due", path)
        return {}
    return data if isinstance(data, dict) else {}


def _last(times: dict[str, dict[str, str]], partner: str, direction: str) -> datetime | None:
    entry = times.get(partner)
    value = entry.get(direction) if isinstance(entry, dict) else None
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def due(state: Path, partners: Sequence[Partner], direction: str, now: datetime) -> list[Partner]:
    """The partners whose interval has passed since the last exchange in ``direction``."""
    times = _times(state)
    found = []
    for partner in partners:
        last = _last(times, partner.name, direction)
        if last is None or now - last >= timedelta(minutes=partner.every_minutes):
            found.append(partner)
    return found


def begun(state: Path, partner: str, direction: str, now: datetime) -> None:
    """Note that the worker begins an exchange in ``direction`` with ``partner`` at ``now``."""
    times = _times(state)
    entry = times.get(partner)
    times[partner] = {**(entry if isinstance(entry, dict) else {}), direction: now.isoformat()}
    write_outbox_file(state, SCHEDULE_FILE, json.dumps(times, indent=2, sort_keys=True))


def on_schedule(
    state: Path,
    config: TransportConfig,
    direction: str,
    now: datetime,
    exchange: Callable[[str], TransportReport],
) -> TransportReport:
    """``exchange`` (a send or fetch with one partner, by name) with each partner now due."""
    report = TransportReport(direction)
    for partner in due(state, list(config.partners.values()), direction, now):
        begun(state, partner.name, direction, now)
        report.merge(exchange(partner.name))
    return report
