"""A bounded load on the real web desk: ``claimdesk serve`` on loopback and N API clients.

Each client is a Tier 1 person who signs in once, then for the whole run takes the next item
of the scrub queue, adds a note to it and releases it (three writes), reads its queue, its item
and a claim search (three reads). Every answer that is not the expected success (2xx, or 404
when the queue is empty) and every connection failure is an error. Used by the test of the
desk under concurrent clients on SQLite and PostgreSQL (issue 14).
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cli_home import CLERK, CliHome

from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.security.accounts import set_password
from claimdesk.services.users import add_user, grant_queue
from claimdesk.store.engine import make_engine
from claimdesk.store.uow import unit_of_work_factory

SCRUB_QUEUE = "t1-scrub"
PASSWORD = "load-test-passphrase-4417"
STARTUP_SECONDS = 60.0
REQUEST_TIMEOUT_SECONDS = 60.0


@dataclass(slots=True)
class LoadResult:
    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def add_people(home: CliHome, count: int) -> list[str]:
    """``count`` Tier 1 people with a password of their own, each allowed the scrub queue (added
    by the home's admin through the services, in this process: quicker than a program per
    step)."""
    people = [f"load{n}" for n in range(1, count + 1)]
    now = datetime.now(UTC)
    engine = make_engine(home.database_url)
    try:
        uow_factory = unit_of_work_factory(engine)
        for person in people:
            add_user(uow_factory, user_id=person, name=person, role=Role.TIER1, by=CLERK, now=now)
            grant_queue(
                uow_factory,
                user_id=person,
                queue=SCRUB_QUEUE,
                by=CLERK,
                now=now,
                policy=shipped_policy(),
            )
            # Each person chooses their own (one an admin set must be changed at sign-in).
            set_password(uow_factory, person, PASSWORD, by=person, now=now)
    finally:
        engine.dispose()
    return people


def start_server(home: CliHome, port: int) -> subprocess.Popen[str]:
    server = home.start("serve", "--port", str(port))
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped: {server.communicate()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


class _Client:
    def __init__(self, port: int, person: str, result: LoadResult, lock: threading.Lock) -> None:
        self._port, self._person, self._result, self._lock = port, person, result, lock
        self._token = ""

    def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, ok: tuple[int, ...]
    ) -> Any:
        headers = {"Content-Type": "application/json"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        connection = http.client.HTTPConnection(
            "127.0.0.1", self._port, timeout=REQUEST_TIMEOUT_SECONDS
        )
        failure = ""
        answer: Any = None
        try:
            connection.request(
                method, "/api/v1" + path, None if body is None else json.dumps(body), headers
            )
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            if response.status not in ok:
                failure = f"{method} {path}: {response.status} {text[:200]}"
            elif text:
                answer = json.loads(text)
        except (OSError, http.client.HTTPException) as exc:
            failure = f"{method} {path}: {type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with self._lock:
            self._result.requests += 1
            if failure:
                self._result.errors[failure] += 1
        return answer

    def run(self, until: float) -> None:
        signed = self._call(
            "POST", "/sessions", {"user_id": self._person, "password": PASSWORD}, ok=(201,)
        )
        if signed is None:
            return
        self._token = signed["token"]
        while time.monotonic() < until:
            self._call("GET", "/work/items", ok=(200,))
            taken = self._call("POST", "/work/next", ok=(200,))
            item = None if taken is None else taken.get("item")
            if item is not None:
                item_id = item["id"]
                self._call("GET", f"/work/items/{item_id}", ok=(200,))
                self._call("POST", f"/work/items/{item_id}/notes", {"text": "load test"}, ok=(200,))
                self._call("POST", f"/work/items/{item_id}/release", ok=(200,))
            self._call("GET", "/claims?q=CE", ok=(200,))


def drive(port: int, people: list[str], seconds: float) -> LoadResult:
    """One client per person, all at once, for ``seconds``."""
    result, lock = LoadResult(), threading.Lock()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_Client(port, person, result, lock).run, args=(until,))
        for person in people
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result
