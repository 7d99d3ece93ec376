"""A desk over a practice built by the real services: a synthetic practice with planted defects is
imported and submitted (defects held), the payer simulator answers the 837s (999, 277CA) and pays
them in 835s with denials, which are posted. One person per role signs in with a password.

Each tier's target item is made the next one its person takes, through the queue service: the
items ranked above it are taken and snoozed, then the target is put back in the queue.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from claimdesk.bootstrap import shipped_rules
from claimdesk.bundle.reader import read_bundle
from claimdesk.codes.reference import load_config, load_reference
from claimdesk.codes.store import import_file
from claimdesk.config import Settings
from claimdesk.denials.table import shipped_table
from claimdesk.desk.config import DeskConfig
from claimdesk.domain.money import Money
from claimdesk.domain.work import WorkItem, WorkKind
from claimdesk.payer_sim.files import answer_files, deliver_remittances
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.world import PayerWorld
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.security import totp
from claimdesk.security.accounts import SignInPolicy, enable_totp, set_password
from claimdesk.security.secret_box import box_from_file
from claimdesk.services import tier2, work_queue
from claimdesk.services.acknowledgments import ingest_tier1_path
from claimdesk.services.import_folder import import_folder
from claimdesk.services.post_remittance import post_bytes
from claimdesk.services.setup import set_up
from claimdesk.services.submit import submit
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.services.users import add_user
from claimdesk.store.engine import make_engine
from claimdesk.store.uow import UnitOfWork, unit_of_work_factory
from claimdesk.synth.practice import write_practice

# The synthetic practice's today in this file's bundles, and the days of visits before it.
REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365

PASSWORD = "correct horse battery staple"
POLICY = shipped_policy()
USERS = {Role.ADMIN: "root", Role.TIER1: "ann", Role.TIER2: "bo", Role.MANAGER: "meg"}
SUBMITTED = datetime(REFERENCE_DATE.year, REFERENCE_DATE.month, REFERENCE_DATE.day, 18, tzinfo=UTC)
ANSWERED = SUBMITTED + timedelta(days=1)
PAID = SUBMITTED + timedelta(days=45)
DESK_TIME = PAID + timedelta(hours=2)
PARTNERS = TradingPartners(submitter_id="RFMG001", contact_name="Billing", phone="6145550100")
FIXABLE_RULE = "COD014"  # modifier 25 missing on a visit billed with a procedure


@dataclass
class BillingPractice:
    engine: Engine
    settings: Settings
    config: DeskConfig
    held_claim: str  # held only for a missing modifier 25 on line 1
    tier1_item: int
    denial_claim: str  # denied with appeal rights and a payer claim number
    tier2_item: int
    write_off_claim: str
    approval_item: int
    # Second-factor secrets of the roles that must use one.
    secrets: dict[str, str]

    def code(self, role: Role) -> str:
        """The one-time code at the desk's (fixed) time; "" for a role without one."""
        secret = self.secrets.get(USERS[role])
        return "" if secret is None else totp.code_at(secret, DESK_TIME)


def _bring_to_top(
    uow_factory: Callable[[], UnitOfWork], user: str, wanted: Callable[[WorkItem], bool]
) -> WorkItem:
    """Take items as ``user`` until one is wanted, snoozing the rest; put the wanted one back."""
    snooze_until = DESK_TIME + timedelta(days=30)
    while True:
        item = work_queue.next_item(uow_factory, user, now=DESK_TIME, policy=POLICY)
        assert item is not None, f"no wanted item in the queues of {user}"
        assert item.item_id is not None
        if wanted(item):
            return work_queue.release(uow_factory, item.item_id, user, now=DESK_TIME)
        work_queue.snooze(uow_factory, item.item_id, user, until=snooze_until, now=DESK_TIME)


# The practice's own configuration of two more hold kinds, as a practice sets them up: a payer
# list of codes needing prior authorization (scrub.toml), and the CMS MUE table (codes import).
AUTHORIZED_CODE = "J3301"
MUE_CODE, MUE_UNITS = "J3301", 3


def _configure_more_holds(settings: Settings, tmp: Path) -> None:
    (settings.home / "scrub.toml").write_text(
        f'[defaults]\nprior_auth_codes = ["{AUTHORIZED_CODE}"]\n', encoding="utf-8"
    )
    table = tmp / "mue.csv"
    table.write_text(
        '"HCPCS/CPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator",'
        '"MUE Rationale"\n'
        f'"{MUE_CODE}","{MUE_UNITS}","1 Line Edit","Clinical: the e2e practice\'s table"\n',
        encoding="utf-8",
    )
    import_file(settings.home / "codes", "mue", table)


def build_practice(tmp: Path, *, more_holds: bool = False) -> BillingPractice:
    """The practice; ``more_holds`` also holds claims for prior authorization and units."""
    bundle = tmp / "bundle"
    write_practice(
        bundle,
        patients=60,
        encounters=160,
        seed=11,
        defect_rate=0.1,
        as_of=REFERENCE_DATE,
        days=PERIOD_DAYS,
    )
    settings = Settings(home=tmp / "home")
    set_up(settings)
    imported = import_folder(settings, bundle, user="e2e", now=SUBMITTED)
    assert imported.report is not None, imported.errors
    if more_holds:
        _configure_more_holds(settings, tmp)
    engine = make_engine(settings.effective_database_url)
    uow_factory = unit_of_work_factory(engine)
    report = submit(
        uow_factory,
        settings.outbox,
        reference=load_reference(settings.home / "codes"),
        config=load_config(settings.home),
        partners=PARTNERS,
        now=SUBMITTED,
        by="e2e",
        policy=shipped_policy(),
    )
    with uow_factory() as uow:
        # Held for the modifier only (with more holds configured, for the modifier among
        # others), and far enough inside the filing window to be sent later.
        held = next(
            h.claim_id
            for h in report.held
            if (FIXABLE_RULE in h.rules if more_holds else set(h.rules) == {FIXABLE_RULE})
            and (claim := uow.claims.get(h.claim_id)) is not None
            and (DESK_TIME.date() - claim.encounter.date_of_service).days < 200
        )

    read = read_bundle(bundle)
    assert read.bundle is not None
    simulator = PayerSimulator(PayerWorld.from_bundle(read.bundle))
    answers, _ = answer_files(
        simulator, settings.outbox.glob("837P-*.x12"), settings.inbox, ANSWERED.date()
    )
    for path in answers:
        ingest_tier1_path(uow_factory, path, now=ANSWERED, policy=shipped_policy())
    for path in deliver_remittances(simulator, settings.inbox, PAID.date()):
        posted = post_bytes(
            uow_factory,
            path.read_bytes(),
            name=path.name,
            now=PAID,
            by="e2e",
            table=shipped_table(),
            policy=shipped_policy(),
        )
        assert posted.ok, posted.problems
        settings.archive.mkdir(parents=True, exist_ok=True)
        path.rename(settings.archive / path.name)

    root = USERS[Role.ADMIN]
    add_user(uow_factory, user_id=root, name="Root Admin", role=Role.ADMIN, by=root, now=PAID)
    for role, user_id in USERS.items():
        if role is not Role.ADMIN:
            add_user(
                uow_factory, user_id=user_id, name=user_id.title(), role=role, by=root, now=PAID
            )
    sign_in_policy = SignInPolicy(box_from_file(settings.totp_key_file))
    secrets: dict[str, str] = {}
    for role, user_id in USERS.items():
        set_password(uow_factory, user_id, PASSWORD, by=user_id, now=PAID)
        if sign_in_policy.needs_second_factor(role):
            secrets[user_id] = enable_totp(uow_factory, user_id, by=root, box=sign_in_policy.box)

    def has_claim_number(claim_id: str | None) -> bool:
        with uow_factory() as uow:
            claim = uow.claims.get(claim_id or "")
            return claim is not None and bool(claim.payer_claim_number)

    def owed(claim_id: str | None) -> Money:
        with uow_factory() as uow:
            return tier2.insurance_balance(uow, claim_id or "")

    tier1 = _bring_to_top(
        uow_factory,
        USERS[Role.TIER1],
        lambda i: i.kind is WorkKind.SCRUB_HOLD and i.claim_id == held,
    )
    # A denial worked by Tier 2 through the service asks Tier 3 to approve a write-off.
    written = _bring_to_top(
        uow_factory,
        USERS[Role.TIER2],
        lambda i: i.kind is WorkKind.DENIAL and owed(i.claim_id) > Money("100.00"),
    )
    assert written.claim_id is not None
    request_id = tier2.request_write_off(
        uow_factory,
        written.claim_id,
        amount=owed(written.claim_id),
        reason_code="contractual",
        note="contractual: the payer will not pay this code",
        by=USERS[Role.TIER2],
        now=DESK_TIME,
        policy=POLICY,
    )
    tier2_item = _bring_to_top(
        uow_factory,
        USERS[Role.TIER2],
        lambda i: (
            i.kind is WorkKind.DENIAL
            and i.appeal_rights
            and i.claim_id != written.claim_id
            and has_claim_number(i.claim_id)
        ),
    )
    approval = _bring_to_top(
        uow_factory,
        USERS[Role.MANAGER],
        lambda i: i.problem_key == f"write_off:{request_id}",
    )
    assert tier1.item_id is not None
    assert tier2_item.item_id is not None
    assert approval.item_id is not None
    assert tier2_item.claim_id is not None
    config = DeskConfig(
        uow_factory=uow_factory,
        rules=shipped_rules(),
        sign_in=sign_in_policy,
        clock=lambda: DESK_TIME,
        settings=settings,
        secure_cookies=False,
    )
    return BillingPractice(
        engine=engine,
        settings=settings,
        config=config,
        held_claim=held,
        tier1_item=tier1.item_id,
        denial_claim=tier2_item.claim_id,
        tier2_item=tier2_item.item_id,
        write_off_claim=written.claim_id,
        approval_item=approval.item_id,
        secrets=secrets,
    )


def pdf_text(data: bytes) -> str:
    """The PDF's content streams, inflated where compressed (FlateDecode)."""
    texts = [data.decode("latin-1")]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            texts.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(texts)


def audited(built: BillingPractice, action: str) -> list[str | None]:
    """The patient each audit row of ``action`` names, oldest first."""
    with built.config.uow_factory() as uow:
        records = uow.audit.records(limit=10_000, newest_first=False)
    return [s.record.patient_account for s in records if s.record.action == action]
