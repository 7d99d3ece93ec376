"""The billing company's desk: one desk per client practice, the practice a person works in
now, and the next item across every practice granted to them.

Each practice's desk works on that practice's store alone (docs/tenancy.md), so whatever a route
asks for is looked up in the current practice only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from threading import Lock

from claimdesk.desk.billing import BillingDesk
from claimdesk.desk.close import CloseDesk
from claimdesk.desk.guard import Actor, Capability, ForbiddenError
from claimdesk.desk.statements import StatementDesk
from claimdesk.domain.work import WorkItem
from claimdesk.services import work_queue
from claimdesk.services.users import queues_by_practice
from claimdesk.store.repositories.users import User


@dataclass(frozen=True, slots=True)
class PracticeItem:
    """A work item with the practice it belongs to."""

    practice: str
    item: WorkItem


class CompanyDesk:
    def __init__(
        self,
        make: Callable[[str], BillingDesk],
        home_practice: str,
        make_close: Callable[[str], CloseDesk] | None = None,
        make_statements: Callable[[str], StatementDesk] | None = None,
    ) -> None:
        self._make = make
        self._make_close = make_close
        self._make_statements = make_statements
        # The practice the server was started in: a new session's, when granted to its person.
        self.home_practice = home_practice
        self._desks: dict[str, BillingDesk] = {}
        self._close_desks: dict[str, CloseDesk] = {}
        self._statement_desks: dict[str, StatementDesk] = {}
        self._lock = Lock()

    def desk(self, practice_id: str) -> BillingDesk:
        with self._lock:
            found = self._desks.get(practice_id)
            if found is None:
                found = self._desks[practice_id] = self._make(practice_id)
            return found

    def close_desk(self, practice_id: str) -> CloseDesk:
        """The month-end desk of ``practice_id`` (close, reopen, pack, invoice), on the same
        store as its billing desk."""
        if self._make_close is None:
            raise RuntimeError("this company desk was built without month-end desks")
        make = self._make_close
        with self._lock:
            found = self._close_desks.get(practice_id)
        if found is None:
            # Made outside the lock: it may ask for the practice's billing desk (its store).
            made = make(practice_id)
            with self._lock:
                found = self._close_desks.setdefault(practice_id, made)
        return found

    def statement_desk(self, practice_id: str) -> StatementDesk:
        """The patient statement desk of ``practice_id``, on the same store as its billing
        desk."""
        if self._make_statements is None:
            raise RuntimeError("this company desk was built without statement desks")
        make = self._make_statements
        with self._lock:
            found = self._statement_desks.get(practice_id)
        if found is None:
            # Made outside the lock: it asks for the practice's billing desk (its store).
            made = make(practice_id)
            with self._lock:
                found = self._statement_desks.setdefault(practice_id, made)
        return found

    @property
    def home(self) -> BillingDesk:
        return self.desk(self.home_practice)

    def practice_for(self, user: User, chosen: str) -> str:
        """The practice a session works in: the one it chose, else the server's when granted,
        else the first granted (an ungranted one is refused by the practice's desk)."""
        if chosen:
            return chosen
        open_to = self.home.practices_open_to(user)
        if self.home_practice in open_to or not open_to:
            return self.home_practice
        return open_to[0]

    def next_across(self, actor: Actor) -> PracticeItem | None:
        """Take the best open item (by the queue's own score) of the actor's queues across
        every practice granted to them (``actor.practices``, checked when the actor was made),
        leased in its practice: one query for their queues everywhere, one for each practice's
        best priority (one per practice on SQLite), then the take in the practice that has the
        best, on its own connection."""
        if not actor.can(Capability.WORK):
            raise ForbiddenError(f"{actor.called} takes no items")
        home = self.home
        with home.uow_factory() as uow:
            queues = queues_by_practice(uow, actor.user, actor.practices, home.policy)
        queues = {practice: mine for practice, mine in queues.items() if mine}
        best: tuple[Decimal, str] | None = None
        for practice, top in self._best_priorities(queues).items():
            if best is None or top > best[0]:
                best = (top, practice)
        if best is None:
            return None
        practice = best[1]
        there = Actor(actor.user, queues[practice], practice, actor.practices)
        taken = self.desk(practice).next_item(there)
        return None if taken is None else PracticeItem(practice, taken)

    def _best_priorities(self, queues: dict[str, tuple[str, ...]]) -> dict[str, Decimal]:
        found = work_queue.best_open_across(self.home.uow_factory, queues)
        if found is not None:
            return found
        best: dict[str, Decimal] = {}
        for practice, mine in queues.items():
            top = work_queue.best_open_priority(self.desk(practice).uow_factory, mine)
            if top is not None:
                best[practice] = top
        return best
