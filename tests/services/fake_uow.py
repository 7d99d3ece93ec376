"""An in-memory unit of work: fake repositories with the methods the services call, no database.

Each fake keeps its aggregate in a dict or a domain journal, so a service test runs in
milliseconds and asserts what the service did (entries posted, statuses moved, records kept).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from types import TracebackType
from typing import Any

from claimdesk.domain.claims import Claim
from claimdesk.domain.ledger import Account, BalanceQuery, Entry, Journal
from claimdesk.domain.money import Money
from claimdesk.domain.payers import ContractRate, Payer
from claimdesk.domain.periods import ClosedPeriods
from claimdesk.domain.practice import PracticeProfile
from claimdesk.domain.recovery import WriteOffRequest
from claimdesk.domain.work import HistoryEvent, WorkItem
from claimdesk.store.repositories.remittances import PostedPayment, StoredRemittance
from claimdesk.store.repositories.users import User


class FakeClaims:
    def __init__(self, claims: Sequence[Claim]) -> None:
        self.by_id = {c.claim_id: c for c in claims}

    def get(self, claim_id: str) -> Claim | None:
        return self.by_id.get(claim_id)

    def get_many(self, claim_ids: Sequence[str]) -> dict[str, Claim]:
        return {c: self.by_id[c] for c in claim_ids if c in self.by_id}

    def by_payer_number(self, numbers: Sequence[str]) -> dict[str, str]:
        return {
            c.payer_claim_number: c.claim_id
            for c in self.by_id.values()
            if c.payer_claim_number and c.payer_claim_number in numbers
        }

    def with_secondary_coverage(self, claim_ids: Sequence[str]) -> set[str]:
        """No claim has a secondary coverage: nothing is billed on."""
        return set()

    def secondary_link(self, claim_id: str) -> None:
        """No claim is a secondary claim: every one is billed to a first payer."""

    def secondaries_among(self, claim_ids: Sequence[str]) -> set[str]:
        """No claim is a secondary claim."""
        return set()

    def secondary_of(self, primary_claim_id: str) -> None:
        """No claim has a secondary claim made from it."""

    def save_many(self, moved: Sequence[tuple[Claim, int]]) -> None:
        for claim, _stored in moved:
            self.by_id[claim.claim_id] = claim


class FakeLedger:
    def __init__(self, entries: Sequence[Entry]) -> None:
        self.journal = Journal(entries)
        self.by_id = {e.entry_id: e for e in entries}
        self.appended: list[Entry] = []

    def append(self, entry: Entry) -> None:
        self.journal.post(entry)
        self.by_id[entry.entry_id] = entry
        self.appended.append(entry)

    def append_many(self, entries: Sequence[Entry]) -> None:
        for entry in entries:
            self.append(entry)

    def get_many(self, entry_ids: Sequence[str]) -> dict[str, Entry]:
        return {e: self.by_id[e] for e in entry_ids if e in self.by_id}

    def balance(self, query: BalanceQuery) -> Money:
        return self.journal.balance(query)

    def balances_of_claims(self, claim_ids: Sequence[str], query: BalanceQuery) -> dict[str, Money]:
        return {c: self.journal.balance(replace(query, claim_id=c)) for c in claim_ids}

    def balances_by_patient(self, query: BalanceQuery) -> dict[str, Money]:
        sums: dict[str, Money] = {}
        for entry in self.journal:
            for p in entry.postings:
                who = p.dims.patient_account
                if who is not None and query.matches(p):
                    sums[who] = sums.get(who, Money.zero()) + p.amount
        return sums

    def balances_by_line(self, claim_id: str, accounts: frozenset[Account]) -> dict[int, Money]:
        sums: dict[int, Money] = {}
        for entry in self.journal:
            for p in entry.postings:
                line = p.dims.line_number
                if p.account in accounts and p.dims.claim_id == claim_id and line is not None:
                    sums[line] = sums.get(line, Money.zero()) + p.amount
        return sums


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

    def of_claim(self, claim_id: str) -> list[WriteOffRequest]:
        return [r for _n, r in sorted(self.by_id.items()) if r.claim_id == claim_id]


class FakeRemittances:
    """Remittances, claim payments and 835 files as the rows the poster hands over."""

    def __init__(self) -> None:
        self.files: dict[str, dict[str, Any]] = {}
        self.remittances: dict[str, dict[str, Any]] = {}
        self.payments: list[dict[str, Any]] = []

    def file_outcome(self, sha256: str) -> str | None:
        found = self.files.get(sha256)
        return None if found is None else str(found["outcome"])

    def record_file(self, values: dict[str, Any]) -> None:
        self.files[values["sha256"]] = values

    def remittance_by_key(
        self, payer_key: str, payee_key: str, trace_number: str
    ) -> StoredRemittance | None:
        assert not self.remittances, "one remittance per test: none was stored before it"
        return None

    def save_remittance(self, values: dict[str, Any]) -> None:
        self.remittances[values["remittance_id"]] = values

    def payment_positions(self, remittance_id: str) -> dict[int, str]:
        return {
            p["position_index"]: p["status"]
            for p in self.payments
            if p["remittance_id"] == remittance_id
        }

    def drop_held_payments(self, remittance_id: str) -> None:
        self.payments = [
            p
            for p in self.payments
            if not (p["remittance_id"] == remittance_id and p["status"] == "held")
        ]

    def add_payments(self, values: list[dict[str, Any]]) -> dict[int, int]:
        ids: dict[int, int] = {}
        for row in values:
            self.payments.append(row)
            ids[row["position_index"]] = len(self.payments)
        return ids

    def standing(self, claim_ids: Sequence[str]) -> dict[str, list[PostedPayment]]:
        """Each claim's posted payments not reversed, from the rows this fake has taken."""
        found: dict[str, list[PostedPayment]] = {}
        for n, p in enumerate(self.payments, start=1):
            if p["claim_id"] in claim_ids and p["status"] == "posted" and p["clp_status"] != "22":
                found.setdefault(p["claim_id"], []).append(
                    PostedPayment(n, p["claim_id"], tuple(p["entry_ids"]), p["payer_claim_number"])
                )
        return found

    def mark_reversed(self, payment_ids: Iterable[int]) -> None:
        assert not list(payment_ids), "no reversal: no claim payment is reversed"


class FakeContracts:
    def __init__(self, rates: Sequence[ContractRate] = ()) -> None:
        self.rates = list(rates)

    def for_payer(self, payer_id: str) -> list[ContractRate]:
        return [r for r in self.rates if r.payer_id == payer_id]


class FakePayers:
    def __init__(self, payers: Sequence[Payer] = ()) -> None:
        self.by_id = {p.payer_id: p for p in payers}

    def get(self, payer_id: str) -> Payer | None:
        return self.by_id.get(payer_id)


class FakeUsers:
    def __init__(self, users: Sequence[User]) -> None:
        self.by_id = {u.user_id: u for u in users}

    def get(self, user_id: str) -> User | None:
        return self.by_id.get(user_id)


class FakePractice:
    def profile(self) -> PracticeProfile:
        return PracticeProfile({})


class FakePeriods:
    """No month is closed: every entry posts on its own date."""

    def closed(self) -> ClosedPeriods:
        return ClosedPeriods(frozenset())

    def closed_for_posting(self) -> ClosedPeriods:
        return self.closed()


class FakeWorkItems:
    """No open items: the service may look for work to close and finds none."""

    def active_of_claim(self, claim_id: str, problem_key: str | None) -> list[WorkItem]:
        return []

    def on_claims(self, claim_ids: Sequence[str]) -> dict[tuple[str, str], tuple[bool, int]]:
        return {}

    def update(self, item: WorkItem, events: Sequence[HistoryEvent]) -> None:
        raise AssertionError("no work item was open")


class FakeUnitOfWork:
    def __init__(
        self,
        *,
        claims: Sequence[Claim],
        entries: Sequence[Entry],
        users: Sequence[User] = (),
        payers: Sequence[Payer] = (),
        rates: Sequence[ContractRate] = (),
    ) -> None:
        self.claims = FakeClaims(claims)
        self.ledger = FakeLedger(entries)
        self.remittances = FakeRemittances()
        self.contracts = FakeContracts(rates)
        self.payers = FakePayers(payers)
        self.write_offs = FakeWriteOffs()
        self.users = FakeUsers(users)
        self.practice = FakePractice()
        self.work_items = FakeWorkItems()
        self.periods = FakePeriods()
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
