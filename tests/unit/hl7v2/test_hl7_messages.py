"""HL7 v2 messages read into the practice bundle's records, every problem located (ERR-2)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal

import hl7
import pytest

from claimdesk.domain.coverage import Coverage, NetworkTier, Priority, Relationship, Subscriber
from claimdesk.domain.encounters import DrugDetail, DrugUnit, Encounter, ServiceLine
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address, Guarantor, Patient, Sex
from claimdesk.hl7.ack import AckCode, acknowledgment
from claimdesk.hl7.batch import split_batch
from claimdesk.hl7.charges import added_to
from claimdesk.hl7.mapping import MappingError, SenderMapping, parse_mappings
from claimdesk.hl7.message import Code, MessageRefusedError, read_header
from claimdesk.hl7.read import accepted, read_intake
from claimdesk.hl7.write import batch_file, charges, registration

NOW = datetime(2026, 11, 30, 15, 4, 5, tzinfo=UTC)
SENDER = "RIVER_EHR"
MAPPING = {SENDER: SenderMapping(SENDER, billing_npi="1729147144")}
HOME = Address("12 Oak St", "Dublin", "OH", "430161234", "Apt 2")

PATIENT = Patient(
    account="P100",
    last_name="O'Neil & Sons",
    first_name="Ann",
    middle_name="B",
    birth_date=date(1980, 1, 2),
    sex=Sex.FEMALE,
    address=HOME,
    phone="6145550100",
    guarantor_account="G7",
)
GUARANTOR = Guarantor("G7", "Neil", "Tom", HOME, "6145550199")
PRIMARY = Coverage(
    coverage_id="C1",
    patient_account="P100",
    payer_id="SHP01",
    plan_name="Summit PPO Gold",
    member_id="SH123456789",
    group_number="G-9",
    priority=Priority.PRIMARY,
    relationship=Relationship.SELF,
    effective=date(2024, 1, 1),
    termination=None,
    network_tier=NetworkTier.TIER_2,
)
SECONDARY = Coverage(
    coverage_id="C2",
    patient_account="P100",
    payer_id="MCR01",
    plan_name="Medicare Part B",
    member_id="1EG4TE5MK73",
    group_number="",
    priority=Priority.SECONDARY,
    relationship=Relationship.SPOUSE,
    effective=date(2025, 3, 1),
    termination=date(2026, 12, 31),
    network_tier=NetworkTier.TIER_1,
    subscriber=Subscriber("Neil", "Tom", date(1950, 5, 6), "M"),
)
VISIT = Encounter(
    encounter_id="E55",
    patient_account="P100",
    rendering_npi="1316053051",
    billing_npi="1729147144",
    facility_id="OFFICE1",
    date_of_service=date(2026, 11, 20),
    diagnoses=("E119", "I10", "Z79899"),
    lines=(
        ServiceLine(
            1, "99214", Money("180.00"), Decimal(1), date(2026, 11, 20), "11", (1, 2), ("25",)
        ),
        ServiceLine(
            2,
            "J3301",
            Money("42.50"),
            Decimal("2.5"),
            date(2026, 11, 20),
            "11",
            (3,),
            drug=DrugDetail("00003029320", Decimal("1.5"), DrugUnit.MILLILITER),
        ),
    ),
    referring_npi="1608787333",
    prior_authorization="AUTH-77",
)


@dataclass
class OnFile:
    facilities: dict[str, str] = field(default_factory=lambda: {"OFFICE1": "11"})
    providers: set[str] = field(default_factory=lambda: {"1316053051", "1729147144"})
    payers: set[str] = field(default_factory=lambda: {"SHP01", "MCR01"})
    patients: set[str] = field(default_factory=lambda: {"P100"})
    fees: dict[str, Money] = field(default_factory=lambda: {"J3301": Money("16.99")})
    visits: dict[str, str] = field(default_factory=dict)  # encounter id -> patient
    coverages: dict[str, str] = field(default_factory=dict)  # coverage id -> patient

    def today(self) -> date:
        return NOW.date()

    def fee(self, code: str, modifier: str, day: date) -> Money | None:
        return self.fees.get(code)

    def visit_owner(self, encounter_id: str) -> str | None:
        return self.visits.get(encounter_id)

    def coverage_owner(self, coverage_id: str) -> str | None:
        return self.coverages.get(coverage_id)

    def place_of_service(self, facility_id: str) -> str | None:
        return self.facilities.get(facility_id)

    def has_provider(self, npi: str) -> bool:
        return npi in self.providers

    def has_payer(self, payer_id: str) -> bool:
        return payer_id in self.payers

    def has_patient(self, account: str) -> bool:
        return account in self.patients


def _registration_text() -> str:
    return registration(
        PATIENT, GUARANTOR, [PRIMARY, SECONDARY], sender=SENDER, control_id="A1", now=NOW
    )


def _read(text: str, on_file: OnFile | None = None):  # type: ignore[no-untyped-def]
    message = read_header(text)
    return read_intake(message, accepted(message, MAPPING), on_file or OnFile())


def _problems(text: str, on_file: OnFile | None = None) -> list[tuple[str, str]]:
    return [(str(p.location), p.code) for p in _read(text, on_file).problems]


def test_a_registration_reads_back_as_the_records_it_was_written_from() -> None:
    intake = _read(_registration_text())
    assert intake.problems == ()
    assert intake.bundle is not None
    assert intake.bundle.patients == (PATIENT,)
    assert intake.bundle.guarantors == (GUARANTOR,)
    assert intake.bundle.coverages == (PRIMARY, SECONDARY)
    assert intake.patient_account == "P100"


def test_a_visits_charges_read_back_as_the_encounter_with_pointers_modifiers_and_ndc() -> None:
    intake = _read(charges(VISIT, PATIENT, sender=SENDER, control_id="D1", now=NOW))
    assert intake.problems == ()
    assert intake.bundle is not None
    assert intake.bundle.encounters == (VISIT,)
    assert intake.amount == Money("222.50")


def test_the_unit_amount_times_the_quantity_when_no_extended_amount_is_sent() -> None:
    text = charges(VISIT, PATIENT, sender=SENDER, control_id="D1", now=NOW)
    # Line 2: 2.5 units at 16.99 each is 42.475, rounded half up to 42.48.
    text = text.replace("|2.5|42.50||", "|2.5||16.99|")
    intake = _read(text)
    assert intake.bundle is not None
    assert intake.bundle.encounters[0].lines[1].charge == Money("42.48")


@pytest.mark.parametrize(
    ("change", "location", "code"),
    [
        (("|99214^^CPT|25", "|9921^^CPT|25"), "FT1-25", Code.DATA_TYPE),
        (("|CG|J3301", "|CD|J3301"), "FT1[2]-6", Code.TABLE_VALUE_NOT_FOUND),
        (("J3301^^CPT|||2.5", "J3301^^CPT|||-1"), "FT1[2]-10", Code.DATA_TYPE),
        (("|180.00|", "|180.005|"), "FT1-11", Code.DATA_TYPE),
        (("E119^^I10|||F", "E119^^I9|||F"), "DG1-3.3", Code.TABLE_VALUE_NOT_FOUND),
        (("|OFFICE1|", "|ANNEX|"), "PV1-3.1", Code.UNKNOWN_KEY),
        (("|1316053051|1608787333|", "|1999999999|1608787333|"), "PV1-7.1", Code.UNKNOWN_KEY),
        (("|E55|", "||"), "PV1-19.1", Code.REQUIRED_FIELD_MISSING),
        (("00003029320^1.5^ML", "00003029320^1.5^LB"), "FT1[2]-29.3", Code.TABLE_VALUE_NOT_FOUND),
        (("|20261120||CG|99214", "|2026112||CG|99214"), "FT1-4", Code.DATA_TYPE),
    ],
)
def test_a_bad_value_in_a_dft_is_named_by_segment_field_and_reason(
    change: tuple[str, str], location: str, code: str
) -> None:
    text = charges(VISIT, PATIENT, sender=SENDER, control_id="D1", now=NOW)
    assert change[0] in text
    intake = _read(text.replace(change[0], change[1], 1))
    assert intake.bundle is None
    assert [(str(p.location), p.code) for p in intake.problems] == [(location, code)]


def test_without_an_amount_the_fee_schedule_prices_the_line() -> None:
    text = charges(VISIT, PATIENT, sender=SENDER, control_id="D1", now=NOW)
    # 2.5 units at the fee schedule's 16.99: 42.475, rounded half up to 42.48.
    intake = _read(text.replace("|2.5|42.50||", "|2.5|||"))
    assert intake.bundle is not None
    assert intake.bundle.encounters[0].lines[1].charge == Money("42.48")
    unpriced = _read(text.replace("|2.5|42.50||", "|2.5|||"), OnFile(fees={}))
    assert [(str(p.location), p.code) for p in unpriced.problems] == [
        ("FT1[2]-11", Code.REQUIRED_FIELD_MISSING)
    ]


def test_every_problem_of_a_dft_is_reported_at_once() -> None:
    text = charges(VISIT, PATIENT, sender=SENDER, control_id="D1", now=NOW)
    text = (
        text.replace("|OFFICE1|", "|NOWHERE|")
        .replace("|1316053051|1608787333|", "|1999999999|1608787333|")
        .replace("E119^^I10|||F", "E11^^I9|||F")
        .replace("|CG|99214", "|PY|99214")
        .replace("|CG|J3301", "|AJ|J3301")
    )
    assert _problems(text) == [
        ("PV1-3.1", Code.UNKNOWN_KEY),
        ("PV1-7.1", Code.UNKNOWN_KEY),
        ("DG1-3.3", Code.TABLE_VALUE_NOT_FOUND),
        ("FT1-6", Code.TABLE_VALUE_NOT_FOUND),
        ("FT1[2]-6", Code.TABLE_VALUE_NOT_FOUND),
    ]


def test_a_charge_after_today_or_a_visit_of_another_patient_is_refused() -> None:
    text = charges(VISIT, PATIENT, sender=SENDER, control_id="D1", now=NOW)
    future = text.replace("|20261120||CG|J3301", "|20261201||CG|J3301")
    assert _problems(future) == [("FT1[2]-4", Code.DATA_TYPE)]
    moved = _problems(text, OnFile(visits={"E55": "P999"}))
    assert moved == [("PV1-19.1", Code.DUPLICATE_KEY)]
    assert _problems(text, OnFile(visits={"E55": "P100"})) == []  # the same visit, restated


def test_a_coverage_of_another_patient_is_refused_unless_keyed_by_patient() -> None:
    text = _registration_text()
    taken = OnFile(coverages={"C1": "P999"})
    assert _problems(text, taken) == [("IN1-2.1", Code.DUPLICATE_KEY)]
    by_patient = {SENDER: SenderMapping(SENDER, "1729147144", coverage_key="PID-3+IN1-2")}
    message = read_header(text)
    intake = read_intake(message, accepted(message, by_patient), taken)
    assert intake.bundle is not None
    assert [c.coverage_id for c in intake.bundle.coverages] == ["P100-C1", "P100-C2"]


def test_every_bad_charge_line_is_reported_and_nothing_is_read() -> None:
    text = charges(VISIT, PATIENT, sender=SENDER, control_id="D1", now=NOW)
    text = text.replace("|CG|99214", "|PY|99214").replace("|CG|J3301", "|AJ|J3301")
    assert _problems(text) == [
        ("FT1-6", Code.TABLE_VALUE_NOT_FOUND),
        ("FT1[2]-6", Code.TABLE_VALUE_NOT_FOUND),
    ]


def test_charges_for_a_patient_not_registered_point_at_pid_3() -> None:
    text = charges(VISIT, PATIENT, sender=SENDER, control_id="D1", now=NOW)
    assert _problems(text, OnFile(patients=set())) == [("PID-3", Code.UNKNOWN_KEY)]


@pytest.mark.parametrize(
    ("change", "location", "code"),
    [
        (("|19800102|F|", "|19800230|F|"), "PID-7", Code.DATA_TYPE),
        (("|19800102|F|", "|19800102|X|"), "PID-8", Code.TABLE_VALUE_NOT_FOUND),
        (("^Dublin^OH^", "^Dublin^Ohio^"), "PID-11.4", Code.DATA_TYPE),
        (("|SHP01|", "|NOPE01|"), "IN1-3.1", Code.UNKNOWN_KEY),
        (("|20250301|20261231|", "||20261231|"), "IN1[2]-12", Code.REQUIRED_FIELD_MISSING),
        (("|G7|", "||"), "GT1-2.1", Code.REQUIRED_FIELD_MISSING),
    ],
)
def test_a_bad_value_in_a_registration_is_located(
    change: tuple[str, str], location: str, code: str
) -> None:
    text = _registration_text()
    assert change[0] in text
    assert _problems(text.replace(change[0], change[1], 1)) == [(location, code)]


@pytest.mark.parametrize(
    ("text", "location", "code"),
    [
        ("PID|1||P100\r", "MSH", Code.SEGMENT_SEQUENCE),
        ("MSH|^~\\#|EHR|RIVER_EHR|||20261130||ADT^A04|X1|P|2.5.1\r", "MSH-2", Code.DATA_TYPE),
        ("MSH|^~\\&|EHR|RIVER_EHR|||20261130||ORU^R01|X1|P|2.5.1\r", "MSH-9.1", "200"),
        ("MSH|^~\\&|EHR|RIVER_EHR|||20261130||ADT^A40|X1|P|2.5.1\r", "MSH-9.2", "201"),
        ("MSH|^~\\&|EHR|RIVER_EHR|||20261130||ADT^A04|X1|P|3.0\r", "MSH-12", "203"),
        ("MSH|^~\\&|EHR|OTHER|||20261130||ADT^A04|X1|P|2.5.1\r", "MSH-4", "204"),
        ("MSH|^~\\&|EHR|RIVER_EHR|||20261130||ADT^A04||P|2.5.1\r", "MSH-10", "101"),
    ],
)
def test_a_message_claimdesk_cannot_take_is_refused_with_where_and_why(
    text: str, location: str, code: str
) -> None:
    with pytest.raises(MessageRefusedError) as refused:
        accepted(read_header(text), MAPPING)
    assert (str(refused.value.problem.location), refused.value.problem.code) == (location, code)


def test_a_refusal_for_separators_still_names_the_control_id() -> None:
    text = "MSH|^~\\#|EHR|RIVER_EHR|||20261130||ADT^A04|X1|P|2.5.1\r"
    with pytest.raises(MessageRefusedError) as refused:
        read_header(text)
    assert refused.value.header is not None
    ack = hl7.parse(
        acknowledgment(refused.value.header, AckCode.REJECTED, [refused.value.problem], now=NOW)
    )
    assert ack.extract_field("MSA", 1, 2, 1, 1) == "X1"
    assert str(ack.segment("MSH")[6]) == "RIVER_EHR"  # MSH-6: back to the sender
    assert "the separators are |^~\\#;" in ack.extract_field("ERR", 1, 8, 1, 1)


def test_an_error_ack_parses_and_carries_msa_and_err_for_each_problem() -> None:
    text = charges(VISIT, PATIENT, sender=SENDER, control_id="D|1", now=NOW)
    text = text.replace("|CG|99214", "|PY|99214").replace("|CG|J3301", "|AJ|J3301")
    message = read_header(text)
    intake = read_intake(message, accepted(message, MAPPING), OnFile())
    ack = hl7.parse(acknowledgment(message.header, AckCode.ERROR, intake.problems, now=NOW))
    assert str(ack.segment("MSH")[9]) == "ACK^P03^ACK"
    assert ack.extract_field("MSA", 1, 1, 1, 1) == "AE"
    assert ack.extract_field("MSA", 1, 2, 1, 1) == "D|1"  # escaped on the wire, read back
    errors = ack.segments("ERR")
    assert len(errors) == 2
    assert [ack.extract_field("ERR", n, 2, 1, c) for n in (1, 2) for c in (1, 2, 3)] == [
        "FT1",
        "1",
        "6",
        "FT1",
        "2",
        "6",
    ]
    assert ack.extract_field("ERR", 1, 3, 1, 1) == Code.TABLE_VALUE_NOT_FOUND
    assert "claimdesk takes charges" in ack.extract_field("ERR", 2, 8, 1, 1)


def test_a_batch_file_splits_with_or_without_envelope_framing_or_line_ends() -> None:
    first = _registration_text()
    second = charges(VISIT, PATIENT, sender=SENDER, control_id="D1", now=NOW)
    plain = batch_file([first, second])
    enveloped = "FHS|^~\\&\nBHS|^~\\&\n" + plain.replace("\r\n", "\n") + "BTS|2\nFTS|1\n"
    framed = f"\x0b{first}\x1c\r\x0b{second}\x1c\r"
    for text in (plain, enveloped, framed):
        assert split_batch(text) == [first, second]


def test_the_mapping_file_maps_ids_and_names_every_problem() -> None:
    mapping = parse_mappings(
        '[senders.RIVER_EHR]\nbilling_npi = "1729147144"\n'
        '[senders.RIVER_EHR.locations]\nMAIN = "OFFICE1"\n'
        '[senders.RIVER_EHR.payers]\nSUMMIT = "SHP01"\n',
        "hl7.toml",
    )["RIVER_EHR"]
    assert (mapping.facility("MAIN"), mapping.facility("OFFICE1")) == ("OFFICE1", "OFFICE1")
    assert mapping.payer("SUMMIT") == "SHP01"
    with pytest.raises(MappingError) as wrong:
        parse_mappings(
            '[senders.A]\nbilling_npi = "12"\n[senders.A.providers]\nX = "12"\n'
            "[senders.A.payers]\nZ = 5\n"
            '[senders.B]\nbilling_npi = "1729147144"\nnpi = 1\ncoverage_key = "member"\n',
            "hl7.toml",
        )
    assert wrong.value.problems == [
        "hl7.toml: senders.A.billing_npi: an NPI has 10 digits, not '12'",
        "hl7.toml: senders.A.providers.X: an NPI has 10 digits, not '12'",
        "hl7.toml: senders.A.payers.Z: claimdesk's id as text, not 5",
        "hl7.toml: senders.B.npi: not a setting (billing_npi, charges, coverage_key, "
        "diagnosis_systems, locations, payers, procedure_systems, providers)",
        "hl7.toml: senders.B.coverage_key: one of IN1-2, PID-3+IN1-2, not 'member'",
    ]


def test_a_sender_that_adds_charges_adds_its_lines_to_the_visit_on_file() -> None:
    lab = ServiceLine(1, "81002", Money("12.00"), Decimal(1), date(2026, 11, 21), "11", (2, 1))
    sent = replace(VISIT, diagnoses=("R3000", "I10"), lines=(lab,))
    visit = added_to(VISIT, sent)
    assert visit.diagnoses == ("E119", "I10", "Z79899", "R3000")
    assert visit.lines[:2] == VISIT.lines
    assert visit.lines[2] == replace(lab, line_number=3, diagnosis_pointers=(2, 4))
    assert visit.total_charge == Money("234.50")
    assert visit.date_of_service == VISIT.date_of_service
    adding = parse_mappings('[senders.S]\nbilling_npi = "1729147144"\ncharges = "add"\n', "x")
    assert adding["S"].adds_charges
