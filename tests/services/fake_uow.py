"""An in-memory unit of work: fake repositories with the methods the services call, no database.

Each fake keeps its aggregate in a dict or a domain journal, so a service test runs in
milliseconds and asserts what the service did (entries posted, statuses moved, records kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from types import TracebackType

from claimdesk.domain.claims import Claim
from claimdesk.domain.ledger import BalanceQuery, Entry, Journal
from claimdesk.domain.money import Money
from claimdesk.domain.practice import PracticeProfile
from claimdesk.domain.recovery import WriteOffRequest
from claimdesk.domain.work import HistoryEvent, WorkItem
from claimdesk.store.repositories.users import User


class FakeClaims:
    def __init__(self, claims: Sequence[Claim]) -> None:
        self.by_id = {c.claim_id: c for c in claims}

    def get(self, claim_id: str) -> Claim | None:
        return self.by_id.get(claim_id)

    def save_many(self, moved: Sequence[tuple[Claim, int]]) -> None:
        for claim, _stored in moved:
            self.by_id[claim.claim_id] = claim


class FakeLedger:
    def __init__(self, entries: Sequence[Entry]) -> None:
        self.journal = Journal(entries)
        self.appended: list[Entry] = []

    def append(self, entry: Entry) -> None:
        self.journal.post(entry)
        self.appended.append(entry)

    def balance(self, query: BalanceQuery) -> Money:
        return self.journal.balance(query)


class FakeWriteOffs:
    def __init__(self) -> None:
        self.by_id: dict[int, WriteOffRequest] = {}

    def add(self, request: WriteOffRequest) -> WriteOffRequest:
        stored = replace(request, request_id=len(self.by_id) + 1)
        self.by_id[len(self.by_id) + 1] = stored
        return stored

    def get(self, request_id: int) -> WriteOffRequest | None:
        return self.by_id.get(request_id)

    def save(self, request: WriteOffRequest) -> None:
        assert request.request_id in self.by_id
        self.by_id[request.request_id] = request


class FakeUsers:
    def __init__(self, users: Sequence[User]) -> None:
        self.by_id = {u.user_id: u for u in users}

    def get(self, user_id: str) -> User | None:
        return self.by_id.get(user_id)


class FakePractice:
    def profile(self) -> PracticeProfile:
        return PracticeProfile({})


class FakeWorkItems:
    """No open items: the service may look for work to close and finds none."""

    def active_of_claim(self, claim_id: str, problem_key: str | None) -> list[WorkItem]:
        return []

    def update(self, item: WorkItem, events: Sequence[HistoryEvent]) -> None:
        raise AssertionError("no work item was open")


class FakeUnitOfWork:
    def __init__(
        self, *, claims: Sequence[Claim], entries: Sequence[Entry], users: Sequence[User]
    ) -> None:
        self.claims = FakeClaims(claims)
        self.ledger = FakeLedger(entries)
        self.write_offs = FakeWriteOffs()
        self.users = FakeUsers(users)
        self.practice = FakePractice()
        self.work_items = FakeWorkItems()
        self.commits = 0

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    def commit(self) -> None:
        self.commits += 1
