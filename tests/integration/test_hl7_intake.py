"""A message that cannot be applied is kept with where and why, applies nothing, and becomes
Tier 1 work; its resend is tried again and, once claimdesk can apply it, closes the work."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hl7_practice import NOW, USER, interface_home, write_hl7_practice
from sqlalchemy import text

from claimdesk.bootstrap import composed
from claimdesk.bundle.model import PracticeBundle
from claimdesk.domain.money import Money
from claimdesk.domain.providers import Provider, ProviderKind
from claimdesk.domain.work import WorkKind, WorkStatus
from claimdesk.hl7.ack import AckCode
from claimdesk.hl7.mapping import load_mappings
from claimdesk.services.hl7_intake import Taken, take_message
from claimdesk.services.import_bundle import import_bundle
from claimdesk.store.uow import UnitOfWork

NEWCOMER = "1003000126"  # a rendering provider the practice has not set up yet


def _dft(messages: list[str]) -> tuple[str, str]:
    """The first registration, and a visit of the same patient."""
    registration = messages[0]
    account = registration.split("PID|1||", 1)[1].split("^", 1)[0]
    visit = next(m for m in messages if "DFT^P03" in m and f"PID|1||{account}^" in m)
    return registration, visit


def _counts(uow_factory: Callable[[], UnitOfWork]) -> tuple[int, int, int]:
    with uow_factory() as uow:
        encounters, claims, entries = (
            int(uow.read.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
            for t in ("encounters", "claims", "ledger_entries")
        )
    return encounters, claims, entries


def test_a_message_not_applied_is_tier_1_work_until_its_resend_applies(
    tmp_path: Path, database_url: str
) -> None:
    bundle = tmp_path / "bundle"
    registration, visit = _dft(write_hl7_practice(bundle, patients=3, encounters=6))
    settings = interface_home(tmp_path / "home", database_url, bundle)
    rendering = visit.split("\rPV1|", 1)[1].split("|")[6]
    unknown = visit.replace(f"|{rendering}|", f"|{NEWCOMER}|", 1)
    with composed(settings, clock=lambda: NOW) as parts:

        def take(text: str) -> Taken:
            return take_message(
                parts.uow_factory,
                text,
                mappings=load_mappings(settings.practice_home),
                policy=parts.routing,
                user=USER,
                now=NOW,
            )

        # Charges before the registration: refused at PID-3, nothing stored but the message.
        early = take(visit)
        assert (early.code, [str(p.location) for p in early.problems]) == (
            AckCode.ERROR,
            ["PID-3"],
        )
        assert take(registration).code is AckCode.ACCEPTED
        assert take(visit).code is AckCode.ACCEPTED  # the same message, tried again: applied
        before = _counts(parts.uow_factory)

        kept = take(unknown.replace("|DFT0", "|NEW0", 1))
        assert kept.code is AckCode.ERROR
        assert [str(p.location) for p in kept.problems] == ["PV1-7.1"]
        assert "not a provider on file" in kept.ack
        assert _counts(parts.uow_factory) == before  # nothing of it applied
        again = take(unknown.replace("|DFT0", "|NEW0", 1))
        assert again.code is AckCode.ERROR

        with parts.uow_factory() as uow:
            items = [
                i
                for i in uow.work_items.without_claim_prefixed("hl7:")
                if i.kind is WorkKind.INTERFACE_ERROR
            ]
        assert [(i.queue, i.tier, i.status) for i in items] == [
            ("t1-front-end", 1, WorkStatus.DONE),  # the early visit's, closed by its resend
            ("t1-front-end", 1, WorkStatus.OPEN),  # one item for the message sent twice
        ]
        assert "PV1-7.1" in items[1].summary
        assert items[1].amount_at_stake > Money.zero()

        # The practice sets the provider up; the EHR resends: applied, and the work is done.
        newcomer = Provider(
            NEWCOMER, ProviderKind.INDIVIDUAL, "Ruiz", "207Q00000X", "152302255", first_name="Ana"
        )
        import_bundle(
            parts.uow_factory,
            PracticeBundle(providers=(newcomer,)),
            source="providers",
            files_sha256="",
            user=USER,
            now=NOW,
        )
        assert take(unknown.replace("|DFT0", "|NEW0", 1)).code is AckCode.ACCEPTED
        with parts.uow_factory() as uow:
            solved = uow.work_items.get(items[1].item_id or 0)
        assert solved is not None
        assert solved.status is WorkStatus.DONE

        # The EHR corrects a visit and sends it under a new control id: the earlier messages
        # for that visit are moot, and their work is done.
        wrong = unknown.replace("|DFT0", "|BAD0", 1).replace(f"|{NEWCOMER}|", "|1999999999|", 1)
        assert take(wrong).code is AckCode.ERROR
        fixed = take(unknown.replace("|DFT0", "|FIX0", 1))
        assert fixed.code is AckCode.ACCEPTED
        with parts.uow_factory() as uow:
            left = [
                i
                for i in uow.work_items.without_claim_prefixed("hl7:")
                if i.active and "BAD0" in i.problem_key
            ]
        assert left == []
        assert take(wrong).outcome == "superseded"  # resent late: not applied over the fix

        # A resend stamped with a new time (MSH-7) is the same message.
        stamp = registration.split("|")[6]
        assert take(registration.replace(stamp, "20261201000000", 1)).outcome == "already applied"

        # The same control id with another text is not the same message: refused, not stored.
        reused = take(registration.replace("|19", "|18", 1))
        assert reused.code is AckCode.REJECTED
        assert [(str(p.location), p.code) for p in reused.problems] == [("MSH-10", "205")]


def test_a_sender_that_sends_a_dft_per_charge_adds_each_to_the_visit(
    tmp_path: Path, database_url: str
) -> None:
    bundle = tmp_path / "bundle"
    messages = write_hl7_practice(bundle, patients=3, encounters=8)
    settings = interface_home(tmp_path / "home", database_url, bundle)
    mapping = settings.practice_home / "hl7.toml"
    mapping.write_text(mapping.read_text(encoding="utf-8") + 'charges = "add"\n', encoding="utf-8")
    visit = next(m for m in messages if m.count("\rFT1|") >= 2)
    account = visit.split("PID|1||", 1)[1].split("^", 1)[0]
    registration = next(m for m in messages if "ADT^" in m and f"PID|1||{account}^" in m)
    segments = visit.rstrip("\r").split("\r")
    head = [s for s in segments if not s.startswith("FT1|")]
    charges = [s for s in segments if s.startswith("FT1|")]
    # The EHR sends each charge as it is entered: one DFT a line, each numbered 1.
    one_each = [
        "\r".join([*head, "FT1|1|" + line.split("|", 2)[2]]).replace("|DFT0", f"|ONE{n}", 1) + "\r"
        for n, line in enumerate(charges)
    ]
    with composed(settings, clock=lambda: NOW) as parts:
        mappings = load_mappings(settings.practice_home)

        def take(text: str) -> Taken:
            return take_message(
                parts.uow_factory, text, mappings=mappings, policy=parts.routing, user=USER, now=NOW
            )

        assert take(registration).code is AckCode.ACCEPTED
        assert [take(m).code for m in one_each] == [AckCode.ACCEPTED] * len(one_each)
        assert take(one_each[0]).outcome == "already applied"  # a resend adds nothing
        visit_id = visit.split("\rPV1|", 1)[1].split("|")[18]
        with parts.uow_factory() as uow:
            stored = uow.encounters.get(visit_id)
        assert stored is not None
        assert [line.line_number for line in stored.lines] == list(range(1, len(charges) + 1))
        sent = sum((Money(c.split("|")[11]) for c in charges), Money.zero())
        assert stored.total_charge == sent
