"""The composition root: the one place that builds what a face works with.

Every face (the terminal, the HTTP server, the worker, the simulated cycle) opens a
:class:`Composition` on its settings and takes from it the unit-of-work factory, the practice's
rule tables, the code sets, the scrub configuration, the trading partners, the clock and its desk.
Below this module nothing opens a database or loads a rule table of its own accord: services and
the desk are handed what they apply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from claimdesk.analytics.prevention import shipped_prevention
from claimdesk.codes.reference import load_config, load_reference
from claimdesk.config import Settings
from claimdesk.denials.table import CategoryTable
from claimdesk.desk.config import DeskConfig
from claimdesk.desk.desk import Desk
from claimdesk.domain.benefits import shipped_catalog
from claimdesk.routing.access import Role
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.rule_files import load_denials, load_routing
from claimdesk.scrub.config import ScrubConfig
from claimdesk.scrub.reference import ReferenceData
from claimdesk.security.accounts import MFA_ALWAYS, SignInPolicy
from claimdesk.security.secret_box import box_from_file
from claimdesk.services.rules import Rules
from claimdesk.services.trading_partners import TradingPartners, stored_partners
from claimdesk.store.engine import make_engine
from claimdesk.store.uow import UnitOfWork, unit_of_work_factory
from claimdesk.transport.config import TransportConfig, load_transport

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from claimdesk.desk.billing import BillingDesk
    from claimdesk.desk.close import CloseDesk
    from claimdesk.desk.deposits import DepositDesk
    from claimdesk.desk.paper import PaperDesk
    from claimdesk.desk.patients import PatientDesk
    from claimdesk.desk.statements import StatementDesk
    from claimdesk.domain.statements import Dunning


def utc_now() -> datetime:
    return datetime.now(UTC)


def shipped_rules() -> Rules:
    """The rule tables claimdesk ships: routing, denial categories, denial prevention, service
    categories."""
    return practice_rules(None)


def practice_rules(home: Path | None) -> Rules:
    """The rule tables of the practice whose folder is ``home``: its own ``routing.toml`` and
    ``denials.toml`` where it has them (:mod:`claimdesk.rule_files`), else the shipped ones."""
    return Rules(
        routing=load_routing(home),
        denials=load_denials(home),
        prevention=shipped_prevention(),
        services=shipped_catalog(),
    )


class Composition:
    """What one run of a face needs, each piece built on first use and then shared."""

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self.clock = clock
        self._stores: dict[str, tuple[Callable[[], UnitOfWork], Settings]] = {}
        self._rules: dict[str, Rules] = {}
        self._engines: list[Engine] = []

    @cached_property
    def engine(self) -> Engine:
        """The practice's store."""
        return make_engine(self.settings.effective_database_url)

    @cached_property
    def company_engine(self) -> Engine:
        """The company store (people, grants, the practices): the default practice's own."""
        if self.settings.on_default_practice:
            return self.engine
        return make_engine(self.settings.company_database_url)

    @cached_property
    def uow_factory(self) -> Callable[[], UnitOfWork]:
        return unit_of_work_factory(self.engine, self.company_engine, self.settings.practice_id)

    def practice_store(self, practice_id: str) -> tuple[Callable[[], UnitOfWork], Settings]:
        """Units of work and settings of another registered practice (the web desk's practice
        switcher), its engine built once and closed with this composition."""
        if practice_id == self.settings.practice_id:
            return self.uow_factory, self.settings
        found = self._stores.get(practice_id)
        if found is None:
            settings = replace(self.settings, practice=practice_id)
            engine = make_engine(settings.effective_database_url)
            self._engines.append(engine)
            factory = unit_of_work_factory(engine, self.company_engine, practice_id)
            found = self._stores[practice_id] = (factory, settings)
        return found

    def rules_of(self, practice_id: str) -> Rules:
        """The rule tables of another registered practice (the web desk's practice switcher),
        loaded from its folder once."""
        if practice_id == self.settings.practice_id:
            return self.rules
        found = self._rules.get(practice_id)
        if found is None:
            _factory, settings = self.practice_store(practice_id)
            found = self._rules[practice_id] = practice_rules(settings.practice_home)
        return found

    @cached_property
    def routing(self) -> RoutingPolicy:
        """The practice's routing policy, alone: the queue commands need no other table."""
        return load_routing(self.settings.practice_home)

    @cached_property
    def denials(self) -> CategoryTable:
        return load_denials(self.settings.practice_home)

    @cached_property
    def rules(self) -> Rules:
        return Rules(
            routing=self.routing,
            denials=self.denials,
            prevention=shipped_prevention(),
            services=shipped_catalog(),
        )

    @cached_property
    def reference(self) -> ReferenceData:
        # The code sets are large: loaded once per run, and only by the faces that scrub.
        return load_reference(self.settings.home / "codes")

    @cached_property
    def scrub_config(self) -> ScrubConfig:
        # Payer rules per practice: its own scrub.toml over the packaged one.
        return load_config(self.settings.practice_home)

    def partners(self) -> TradingPartners:
        """The practice's trading partners as its stored profile names them now."""
        return stored_partners(self.uow_factory)

    @cached_property
    def transport(self) -> TransportConfig | None:
        """The trading partners' SFTP servers (the practice's ``transport.toml``, checked:
        ``TransportConfigError`` names a bad field); None when the practice has none."""
        return load_transport(self.settings.practice_home)

    @cached_property
    def sign_in_policy(self) -> SignInPolicy:
        """The sign-in checks: the second-factor key from its file (made on first use) and the
        roles that need a second factor besides those that always do."""
        roles = frozenset(
            Role(name.strip()) for name in self.settings.mfa_roles.split(",") if name.strip()
        )
        return SignInPolicy(box_from_file(self.settings.totp_key_file), MFA_ALWAYS | roles)

    def desk(self, *, sealing: bool = True) -> Desk:
        """The queue and people part of the desk (the terminal's start-up stays small).
        ``sealing=False`` leaves out the second-factor key, which is created on first use: a
        restored home waits for the key file the backup left out on purpose."""
        return Desk(
            self.uow_factory,
            self.routing,
            self.clock,
            box=self.sign_in_policy.box if sealing else None,
            anchor=self.settings.audit_anchor_file,
        )

    def deposit_desk(self) -> DepositDesk:
        """The bank part of the desk: bank files, deposits by hand, reconciliation."""
        from claimdesk.desk.deposits import DepositDesk

        return DepositDesk(
            self.uow_factory,
            self.routing,
            self.clock,
            anchor=self.settings.audit_anchor_file,
        )

    def patient_desk(self) -> PatientDesk:
        """The patient-account part of the desk: payments, receipts, credit, refunds."""
        from claimdesk.desk.patients import PatientDesk

        return PatientDesk(
            self.uow_factory,
            self.rules.routing,
            self.clock,
            anchor=self.settings.audit_anchor_file,
        )

    @cached_property
    def dunning(self) -> Dunning:
        """The dunning messages: the practice's own ``dunning.toml`` in its folder, else the
        shipped ones (docs/statements.md)."""
        from claimdesk.services.statements import practice_dunning

        return practice_dunning(self.settings.practice_home)

    def paper_desk(self) -> PaperDesk:
        """The paper claim part of the desk: a stored claim's CMS-1500."""
        from claimdesk.desk.paper import PaperDesk

        return PaperDesk(
            self.uow_factory,
            self.routing,
            self.clock,
            anchor=self.settings.audit_anchor_file,
        )

    def statement_desk(self) -> StatementDesk:
        """The patient statement part of the desk: runs, statements, holds, payment plans."""
        from claimdesk.desk.statements import StatementDesk

        return StatementDesk(
            self.uow_factory,
            self.rules.routing,
            self.clock,
            dunning=self.dunning,
            archive=self.settings.archive,
            anchor=self.settings.audit_anchor_file,
        )

    def billing_desk(self, *, letters: Path | None = None) -> BillingDesk:
        # Imported here: the billing desk's imports would double the queue commands' start-up.
        from claimdesk.desk.billing import BillingDesk

        return BillingDesk(
            self.uow_factory,
            self.rules,
            self.clock,
            self.settings,
            letters,
            anchor=self.settings.audit_anchor_file,
        )

    def close_desk(self) -> CloseDesk:
        """The month-end part of the desk: close, reopen, pack, invoice."""
        from claimdesk.desk.close import CloseDesk

        return CloseDesk(
            self.uow_factory,
            self.rules.routing,
            self.clock,
            self.settings,
            self.rules.denials,
            anchor=self.settings.audit_anchor_file,
        )

    def desk_config(self, *, secure_cookies: bool = True) -> DeskConfig:
        return DeskConfig(
            uow_factory=self.uow_factory,
            rules=self.rules,
            sign_in=self.sign_in_policy,
            clock=self.clock,
            secure_cookies=secure_cookies,
            settings=self.settings,
            practice=self.settings.practice_id,
            practice_stores=self.practice_store,
            practice_rules=self.rules_of,
        )

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()
        if "engine" in self.__dict__:
            self.engine.dispose()
        if "company_engine" in self.__dict__:
            self.company_engine.dispose()


@contextmanager
def composed(
    settings: Settings, *, clock: Callable[[], datetime] = utc_now
) -> Iterator[Composition]:
    """A composition for one command, job or server; its database engine is closed after."""
    parts = Composition(settings, clock=clock)
    try:
        yield parts
    finally:
        parts.close()
