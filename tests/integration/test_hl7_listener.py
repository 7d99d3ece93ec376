"""The EHR's messages through the MLLP listener (``claimdesk hl7 listen``, a real process on
loopback) make the same books as the practice imported as a bundle; sent again, nothing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import hl7
from hl7_practice import books, bundle_home, exchange, interface_home, write_hl7_practice

PROGRAM = Path(sys.executable).with_name("claimdesk")
STARTUP_SECONDS = 60


def _acks(port: int, messages: list[str]) -> list[str]:
    """Every message's MSA-1, sent one after another on one connection."""
    codes = []
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        for message in messages:
            ack = hl7.parse(exchange(connection, message).replace("\r\n", "\r"))
            codes.append(str(ack.extract_field("MSA", 1, 1, 1, 1)))
    return codes


def test_the_ehr_stream_through_the_listener_makes_the_books_of_the_bundle(
    tmp_path: Path, database_url: str
) -> None:
    bundle = tmp_path / "bundle"
    messages = write_hl7_practice(bundle)
    expected = books(bundle_home(tmp_path / "by-bundle", f"sqlite:///{tmp_path / 'b.db'}", bundle))
    settings = interface_home(tmp_path / "by-hl7", database_url, bundle)
    env = {
        **os.environ,
        "CLAIMDESK_HOME": str(settings.home),
        "CLAIMDESK_DATABASE_URL": database_url,
    }
    listener = subprocess.Popen(
        [str(PROGRAM), "hl7", "listen", "--port", "0", "--frame-timeout", "30"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert listener.stdout is not None
        first = listener.stdout.readline()
        assert "listening for HL7 v2 (MLLP) on 127.0.0.1:" in first, listener.stderr
        port = int(first.rsplit(":", 1)[1])
        assert _acks(port, messages) == ["AA"] * len(messages)
        after_first = books(settings)
        # The interface engine resends everything (a replay after an outage): nothing changes.
        assert _acks(port, messages) == ["AA"] * len(messages)
        assert books(settings) == after_first
    finally:
        listener.send_signal(signal.SIGTERM)
        out, err = listener.communicate(timeout=STARTUP_SECONDS)
    assert listener.returncode == 0, err
    assert f"stopped; {2 * len(messages)} message(s) taken" in out
    assert after_first == expected
