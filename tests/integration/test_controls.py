"""The controls a HIPAA auditor asks for (issue 14), on SQLite and PostgreSQL: separation of
duties on queues, passwords and write-offs, and sign-in per NIST SP 800-63B (second factor by
role, one-time codes used once, common passwords refused, throttling per name and address)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from remit_practice import NOW, ensure_person, seed
from sqlalchemy import Engine, select

from claimdesk.domain.ledger import Account, BalanceQuery
from claimdesk.domain.money import Money
from claimdesk.routing.access import AccessError, Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.security import totp
from claimdesk.security.accounts import (
    LockedError,
    PasswordChangeRequiredError,
    SecondFactorKeyError,
    SecondFactorMissingError,
    SignInError,
    SignInPolicy,
    enable_totp,
    set_password,
    sign_in,
)
from claimdesk.security.passwords import PasswordRuleError
from claimdesk.security.secret_box import box_from_file
from claimdesk.services.tier2 import Tier2Error, decide_write_off, request_write_off
from claimdesk.services.users import grant_queue
from claimdesk.store.tables.users import CredentialRow
from claimdesk.store.uow import UnitOfWork

M = Money
Factory = Callable[[], UnitOfWork]
PASSWORD = "correct horse battery staple"
POLICY = shipped_policy()
INSURANCE = frozenset({Account.INSURANCE_AR})


def owed(uow_factory: Factory, claim_id: str) -> Money:
    with uow_factory() as uow:
        return uow.ledger.balance(BalanceQuery(accounts=INSURANCE, claim_id=claim_id))


def write_off(uow_factory: Factory, amount: str, by: str, claim_id: str = "C2") -> int:
    return request_write_off(
        uow_factory,
        claim_id,
        amount=M(amount),
        reason_code="small-balance",
        note="",
        by=by,
        now=NOW,
        policy=POLICY,
    )


def pending(uow_factory: Factory, request_id: int) -> bool:
    with uow_factory() as uow:
        request = uow.write_offs.get(request_id)
    assert request is not None
    return request.pending


# Separation of duties.


def test_nobody_grants_themself_a_queue(uow_factory: Factory) -> None:
    ensure_person(uow_factory, "meg", Role.MANAGER)
    ensure_person(uow_factory, "max", Role.MANAGER)
    with pytest.raises(AccessError, match="nobody grants themself"):
        grant_queue(
            uow_factory, user_id="meg", queue="t2-denials", by="meg", now=NOW, policy=POLICY
        )
    with pytest.raises(AccessError, match="nobody grants themself"):
        grant_queue(
            uow_factory, user_id="root", queue="t1-front-end", by="root", now=NOW, policy=POLICY
        )
    ensure_person(uow_factory, "ann", Role.TIER1)
    assert grant_queue(
        uow_factory, user_id="ann", queue="t2-denials", by="meg", now=NOW, policy=POLICY
    )


def test_nobody_approves_their_own_write_off(uow_factory: Factory) -> None:
    seed(uow_factory)  # C2 owes 190.00
    meg = ensure_person(uow_factory, "meg", Role.MANAGER)
    max_ = ensure_person(uow_factory, "max", Role.MANAGER)
    request = write_off(uow_factory, "150.00", meg)  # above the manager's 100.00
    assert pending(uow_factory, request)
    with pytest.raises(Tier2Error, match="another manager must decide it"):
        decide_write_off(uow_factory, request, approve=True, by=meg, now=NOW)
    assert owed(uow_factory, "C2") == M("190.00")
    decide_write_off(uow_factory, request, approve=True, by=max_, now=NOW)
    assert owed(uow_factory, "C2") == M("40.00")


# Hand-computed: Tier 2's limit is 100.00 per claim, all its requests together.
CUMULATIVE = [
    # (requests in order, which of them post at once)
    (("60.00", "40.00"), (True, True)),  # 100.00 in all: at the limit
    (("60.00", "40.01"), (True, False)),  # 100.01: the second waits
    (("99.99", "0.01", "0.01"), (True, True, False)),
    (("30.00",) * 5, (True, True, True, False, False)),  # 90.00 posted, then 120.00, 150.00
]


@pytest.mark.parametrize(("amounts", "at_once"), CUMULATIVE)
def test_small_write_offs_on_one_claim_add_up_against_the_limit(
    uow_factory: Factory, amounts: tuple[str, ...], at_once: tuple[bool, ...]
) -> None:
    seed(uow_factory)  # C2 owes 190.00
    bo = ensure_person(uow_factory, "bo", Role.TIER2)
    requests = [write_off(uow_factory, amount, bo) for amount in amounts]
    assert tuple(not pending(uow_factory, r) for r in requests) == at_once
    posted = sum((M(a) for a, now in zip(amounts, at_once, strict=True) if now), M("0.00"))
    assert owed(uow_factory, "C2") == M("190.00") - posted


def test_a_rejected_request_does_not_count_against_the_limit(uow_factory: Factory) -> None:
    seed(uow_factory)
    bo = ensure_person(uow_factory, "bo", Role.TIER2)
    meg = ensure_person(uow_factory, "meg", Role.MANAGER)
    big = write_off(uow_factory, "150.00", bo)
    decide_write_off(uow_factory, big, approve=False, by=meg, now=NOW)
    assert not pending(uow_factory, write_off(uow_factory, "100.00", bo))


def test_tier1_write_offs_always_wait_for_approval(uow_factory: Factory) -> None:
    seed(uow_factory)
    ann = ensure_person(uow_factory, "ann", Role.TIER1)
    request = write_off(uow_factory, "0.01", ann)
    assert pending(uow_factory, request)
    assert owed(uow_factory, "C2") == M("190.00")


# Passwords.


def policy_for(tmp_path: Path, mfa_roles: frozenset[Role] = frozenset()) -> SignInPolicy:
    box = box_from_file(tmp_path / "keys" / "totp.key")
    return SignInPolicy(box) if not mfa_roles else SignInPolicy(box, mfa_roles)


def test_only_an_admin_sets_another_persons_password_and_it_must_change(
    uow_factory: Factory, tmp_path: Path
) -> None:
    policy = policy_for(tmp_path)
    meg = ensure_person(uow_factory, "meg", Role.MANAGER)
    max_ = ensure_person(uow_factory, "max", Role.MANAGER)
    ann = ensure_person(uow_factory, "ann", Role.TIER1)
    set_password(uow_factory, max_, PASSWORD, by=max_, now=NOW)
    for target in (max_, ann):
        with pytest.raises(AccessError, match="an admin can"):
            set_password(uow_factory, target, "a manager's chosen phrase", by=meg, now=NOW)
    set_password(uow_factory, ann, "temporary phrase from root", by="root", now=NOW)
    with pytest.raises(PasswordChangeRequiredError):
        sign_in(uow_factory, ann, "temporary phrase from root", now=NOW, policy=policy)
    with pytest.raises(PasswordChangeRequiredError, match="common, breached"):
        sign_in(
            uow_factory,
            ann,
            "temporary phrase from root",
            now=NOW,
            policy=policy,
            new_password="passwordpassword",
        )
    signed = sign_in(
        uow_factory,
        ann,
        "temporary phrase from root",
        now=NOW,
        policy=policy,
        new_password="ann's own quiet orchard",
    )
    assert signed.user.user_id == ann
    with pytest.raises(SignInError):
        sign_in(uow_factory, ann, "temporary phrase from root", now=NOW, policy=policy)
    assert sign_in(uow_factory, ann, "ann's own quiet orchard", now=NOW, policy=policy)


@pytest.mark.parametrize(
    "weak",
    ["passwordpassword", "password1234", "qwertyuiop123", "111111111111", "annannannann"],
)
def test_common_and_guessable_passwords_are_refused(uow_factory: Factory, weak: str) -> None:
    ann = ensure_person(uow_factory, "ann", Role.TIER1)
    with pytest.raises(PasswordRuleError, match="common, breached or easily guessed"):
        set_password(uow_factory, ann, weak, by=ann, now=NOW)


# Second factor.


def enrolled(uow_factory: Factory, user_id: str, role: Role, policy: SignInPolicy) -> str:
    ensure_person(uow_factory, user_id, role)
    set_password(uow_factory, user_id, PASSWORD, by=user_id, now=NOW)
    return enable_totp(uow_factory, user_id, by="root", box=policy.box)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER, Role.AUDITOR])
def test_privileged_roles_cannot_sign_in_without_a_second_factor(
    uow_factory: Factory, tmp_path: Path, role: Role
) -> None:
    policy = policy_for(tmp_path)
    user_id = "root" if role is Role.ADMIN else ensure_person(uow_factory, "who", role)
    ensure_person(uow_factory, "root", Role.ADMIN)
    set_password(uow_factory, user_id, PASSWORD, by=user_id, now=NOW)
    with pytest.raises(SecondFactorMissingError, match="one-time code"):
        sign_in(uow_factory, user_id, PASSWORD, now=NOW, policy=policy)
    secret = enable_totp(uow_factory, user_id, by="root", box=policy.box)
    code = totp.code_at(secret, NOW)
    assert sign_in(uow_factory, user_id, PASSWORD, code, now=NOW, policy=policy)


def test_other_roles_need_a_second_factor_when_configured(
    uow_factory: Factory, tmp_path: Path
) -> None:
    ann = ensure_person(uow_factory, "ann", Role.TIER1)
    set_password(uow_factory, ann, PASSWORD, by=ann, now=NOW)
    assert sign_in(uow_factory, ann, PASSWORD, now=NOW, policy=policy_for(tmp_path))
    strict = policy_for(tmp_path, frozenset({Role.TIER1}))
    with pytest.raises(SecondFactorMissingError):
        sign_in(uow_factory, ann, PASSWORD, now=NOW, policy=strict)


def test_a_one_time_code_is_accepted_once(uow_factory: Factory, tmp_path: Path) -> None:
    policy = policy_for(tmp_path)
    secret = enrolled(uow_factory, "meg", Role.MANAGER, policy)
    code = totp.code_at(secret, NOW)
    assert sign_in(uow_factory, "meg", PASSWORD, code, now=NOW, policy=policy)
    for later in (timedelta(0), timedelta(seconds=20)):
        with pytest.raises(SignInError, match="one-time code is wrong"):
            sign_in(uow_factory, "meg", PASSWORD, code, now=NOW + later, policy=policy)
    # An earlier step's code, still inside the drift window, is refused too.
    earlier = totp.code_at(secret, NOW - timedelta(seconds=30))
    with pytest.raises(SignInError):
        sign_in(uow_factory, "meg", PASSWORD, earlier, now=NOW, policy=policy)
    following = NOW + timedelta(seconds=30)
    assert sign_in(
        uow_factory, "meg", PASSWORD, totp.code_at(secret, following), now=following, policy=policy
    )


def test_second_factor_secrets_are_stored_sealed(
    uow_factory: Factory, engine: Engine, tmp_path: Path
) -> None:
    policy = policy_for(tmp_path)
    secret = enrolled(uow_factory, "meg", Role.MANAGER, policy)
    with engine.connect() as connection:
        stored = connection.execute(
            select(CredentialRow.totp_secret).where(CredentialRow.user_id == "meg")
        ).scalar_one()
    assert stored is not None
    assert secret not in stored
    assert policy.box.open(stored) == secret
    other_key = policy_for(tmp_path / "elsewhere")
    with pytest.raises(SecondFactorKeyError, match="does not open with this key file"):
        sign_in(uow_factory, "meg", PASSWORD, totp.code_at(secret, NOW), now=NOW, policy=other_key)


# Throttling.


def test_five_failures_lock_a_name(uow_factory: Factory, tmp_path: Path) -> None:
    policy = policy_for(tmp_path)
    ann = ensure_person(uow_factory, "ann", Role.TIER1)
    set_password(uow_factory, ann, PASSWORD, by=ann, now=NOW)
    for minute in range(5):
        with pytest.raises(SignInError):
            sign_in(
                uow_factory,
                ann,
                "wrong guess",
                now=NOW + timedelta(minutes=minute),
                policy=policy,
                client="10.0.0.9",
            )
    with pytest.raises(LockedError, match="for this name"):
        sign_in(uow_factory, ann, PASSWORD, now=NOW + timedelta(minutes=5), policy=policy)


def test_spraying_guesses_over_many_names_locks_the_address(
    uow_factory: Factory, tmp_path: Path
) -> None:
    """4 guesses at each of 15 names (each under the per-name limit of 5) from one address:
    the address is locked after 20 failures; another address still signs in."""
    policy = policy_for(tmp_path)
    names = [ensure_person(uow_factory, f"user{n:02}", Role.TIER1) for n in range(15)]
    set_password(uow_factory, "user00", PASSWORD, by="user00", now=NOW)
    answers: list[str] = []
    for guess in range(4):
        for name in names:
            at = NOW + timedelta(seconds=10 * len(answers))
            try:
                sign_in(
                    uow_factory, name, f"guess {guess}", now=at, policy=policy, client="203.0.113.7"
                )
            except LockedError as locked:
                answers.append(str(locked))
            except SignInError:
                answers.append("wrong")
    tries = len(answers)
    limit = policy.throttle.max_client_failures
    assert limit == 20
    assert answers[:limit] == ["wrong"] * limit
    assert all("from this address" in answer for answer in answers[limit:])
    later = NOW + timedelta(seconds=10 * tries)
    with pytest.raises(LockedError, match="from this address"):
        sign_in(uow_factory, "user00", PASSWORD, now=later, policy=policy, client="203.0.113.7")
    assert sign_in(uow_factory, "user00", PASSWORD, now=later, policy=policy, client="198.51.100.2")
