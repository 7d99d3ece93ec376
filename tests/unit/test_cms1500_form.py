"""The CMS-1500 (02/12) without a store: its layout on the print grid, the NUCC text rules, what
each box holds, the claims the form refuses, and that the paper claim says what the 837P says.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import Decimal
from itertools import combinations

import pytest

from claimdesk.domain.claims import FrequencyCode
from claimdesk.domain.coverage import Relationship
from claimdesk.domain.encounters import DrugDetail, DrugUnit
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address
from claimdesk.domain.payers import Payer, PayerKind
from claimdesk.domain.practice import (
    PracticeProfile,
    ProfileError,
    checked_changes,
    parse_practice_file,
)
from claimdesk.edi.x837.read import read_837
from claimdesk.edi.x837.write import write_837p
from claimdesk.forms import grid, text
from claimdesk.forms.cms1500 import FormError, FormPage, cms1500
from claimdesk.forms.cms1500_layout import BOX, SERVICE_LINES, SLOTS, Slot, line_slots
from unit.edi.claim_builders import (
    BILLING,
    CLINIC,
    ENVELOPE,
    MEDICAID,
    REFERRING,
    RENDERING,
    claim,
    claim_input,
    coverage,
    line,
    random_claim,
    secondary_input,
)
from unit.edi.pyx12_oracle import pyx12_errors

SIGNED = date(2024, 5, 3)

# Alternatives for one place: a page's item 28 holds the total or CONTINUED, never both.
ALTERNATIVES = {frozenset({"28.dollars", "28.continued"}), frozenset({"28.cents", "28.continued"})}


def _every_slot() -> dict[str, Slot]:
    slots = dict(SLOTS)
    for number in range(1, SERVICE_LINES + 1):
        slots |= {f"24.{number}.{key}": slot for key, slot in line_slots(number).items()}
    return slots


def test_every_slot_lies_inside_its_box_on_the_grid() -> None:
    page = grid.Rect(0, 0, grid.PAGE_WIDTH, grid.PAGE_HEIGHT)
    for name, slot in _every_slot().items():
        box = BOX[slot.box]
        assert box.rect.holds(slot.rect), (name, slot, box)
        assert page.holds(slot.rect), name
        assert slot.column >= 1, name
        assert slot.column + slot.width - 1 <= grid.LAST_COLUMN, name


def test_no_two_slots_share_a_cell() -> None:
    cells: dict[tuple[int, int], str] = {}
    clashes = []
    for name, slot in _every_slot().items():
        for column in range(slot.column, slot.column + slot.width):
            other = cells.setdefault((slot.line, column), name)
            if other != name and frozenset({other, name}) not in ALTERNATIVES:
                clashes.append((other, name))
    assert clashes == []


def test_the_grid_is_ten_characters_and_six_lines_an_inch() -> None:
    assert grid.x(11) - grid.x(1) == pytest.approx(72.0)  # 10 columns, one inch
    assert grid.y(7) - grid.y(1) == pytest.approx(72.0)  # 6 lines, one inch
    assert pytest.approx(grid.COLUMN) == grid.ADVANCE + grid.SPACING
    # Column 80 and line 63 (the form's footer) still fit on a Letter sheet.
    assert grid.x(grid.LAST_COLUMN + 1) < grid.PAGE_WIDTH
    assert grid.y(63 + 1) < grid.PAGE_HEIGHT


def test_boxes_do_not_overlap_one_another() -> None:
    def inner(key: str) -> grid.Rect:
        r = BOX[key].rect
        return grid.Rect(r.left + 0.5, r.top + 0.5, r.right - 0.5, r.bottom - 0.5)

    def overlap(a: grid.Rect, b: grid.Rect) -> bool:
        return a.left < b.right and b.left < a.right and a.top < b.bottom and b.top < a.bottom

    # The row boxes of items 1-33; the service line cells below 24's header are their own.
    keys = [k for k in BOX if "." not in k or k.split(".")[1] in {"city", "state", "zip", "phone"}]
    assert [(a, b) for a, b in combinations(keys, 2) if overlap(inner(a), inner(b))] == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (("O'Brien-Smith", "José", "q."), "OBRIEN-SMITH, JOSE, Q"),
        (("Van Der Berg", "Zoë", ""), "VAN DER BERG, ZOE"),
        (("Smith~Jones", "Mary-Kate", "Ann"), "SMITHJONES, MARY-KATE, A"),
    ],
)
def test_names_are_last_first_middle_initial_in_capitals(
    given: tuple[str, str, str], expected: str
) -> None:
    assert text.last_first_middle(*given) == expected


def test_addresses_zip_codes_phones_dates_and_money_follow_nucc() -> None:
    assert text.address("123 N. Main St., #101") == "123 N MAIN ST 101"
    assert text.city_state_zip("San Diego", "CA", "921081234") == "SAN DIEGO CA 92108-1234"
    assert text.zip_code("43215") == "43215"
    assert text.phone_parts("(614) 555-0100") == ("614", "5550100")
    assert text.phone_parts("555-0100") == ("", "")
    assert text.date_parts(date(2026, 3, 9), century=True) == ("03", "09", "2026")
    assert text.six_digit_date(date(2026, 3, 9)) == "030926"
    assert text.money_parts(Money("1234.5")) == ("1234", "50")
    assert text.money_parts(Money("40")) == ("40", "00")


def _entries(page: FormPage) -> dict[str, str]:
    return {e.name: e.text for e in page.entries}


def test_a_claim_fills_each_box_as_nucc_says() -> None:
    drug = DrugDetail("00409123401", Decimal("2"), DrugUnit.MILLILITER)
    lines = (
        line(1, modifiers=("25",), pointers=(2, 1)),
        replace(line(2, code="J1100", charge="15.50", units="2"), drug=drug),
    )
    given = claim_input(
        claim=claim(lines=lines, prior_authorization="AU-77 12"),
        referring=REFERRING,
    )

    [page] = cms1500(given, signed_on=SIGNED)

    e = _entries(page)
    assert e["1.GROUP HEALTH PLAN"] == "X"  # a commercial plan with a group number
    assert e["1a"] == "XYZ123456789"
    assert e["2"] == "GARCIA, ANA, M"
    assert (e["3.month"], e["3.day"], e["3.year"], e["3.female"]) == ("06", "01", "1980", "X")
    assert e["4"] == "GARCIA, ANA, M"  # the patient is the insured
    assert e["6.self"] == "X"
    assert (e["5"], e["5.city"], e["5.state"], e["5.zip"]) == (
        "12 ELM ST",
        "SPRINGFIELD",
        "IL",
        "62704",
    )
    assert e["7"] == "12 ELM ST"
    assert e["11"] == "GRP7788"
    assert e["11c"] == "PPO GOLD"
    assert e["11d.no"] == "X"
    assert "9" not in e
    assert (e["10a.no"], e["10b.no"], e["10c.no"]) == ("X", "X", "X")
    assert (e["12"], e["13"]) == ("SIGNATURE ON FILE", "SIGNATURE ON FILE")
    assert (e["17.qualifier"], e["17"], e["17b"]) == ("DN", "SEAN OBRIEN", REFERRING.npi)
    assert (e["21.indicator"], e["21.A"], e["21.B"]) == ("0", "J069", "R059")
    assert e["23"] == "AU7712"  # no hyphens or spaces
    first = {k: v for k, v in e.items() if k.startswith("24.1.")}
    assert first == {
        "24.1.from.month": "04",
        "24.1.from.day": "22",
        "24.1.from.year": "24",
        "24.1.to.month": "04",
        "24.1.to.day": "22",
        "24.1.to.year": "24",
        "24.1.place": "11",
        "24.1.procedure": "99213",
        "24.1.modifier.1": "25",
        "24.1.pointer": "BA",
        "24.1.dollars": "125",
        "24.1.cents": "00",
        "24.1.units": "1",
        "24.1.rendering": RENDERING.npi,
    }
    assert e["24.2.supplemental"] == "N400409123401 ML2"
    assert (e["24.2.procedure"], e["24.2.dollars"], e["24.2.cents"], e["24.2.units"]) == (
        "J1100",
        "15",
        "50",
        "2",
    )
    assert (e["25"], e["25.ein"], e["26"], e["27.yes"]) == ("123456789", "X", "C-1001", "X")
    assert (e["28.dollars"], e["28.cents"]) == ("140", "50")  # 125.00 + 15.50
    assert "29.dollars" not in e
    assert (e["31"], e["31.date"]) == ("SIGNATURE ON FILE", "050324")
    assert (e["32.1"], e["32.2"], e["32.3"], e["32a"]) == (
        "RIVERBEND CLINIC",
        "100 MAIN STREET SUITE 200",
        "SPRINGFIELD IL 62701-1234",
        CLINIC.npi,
    )
    assert (e["33.1"], e["33.area"], e["33.number"], e["33a"]) == (
        "RIVERBEND FAMILY PRACTICE LLC",
        "555",
        "1234567",
        BILLING.npi,
    )
    assert "page" not in e


def test_dollars_are_right_justified_against_their_cents() -> None:
    [page] = cms1500(claim_input(), signed_on=SIGNED)
    dollars = next(e for e in page.entries if e.name == "24.1.dollars")
    assert (dollars.text, dollars.column) == ("125", 52)  # ends in column 54, cents from 56


def test_a_dependent_and_a_secondary_claim_name_the_insured_and_the_prior_payer() -> None:
    child = claim_input(coverage=coverage(relationship=Relationship.CHILD))
    [page] = cms1500(child, signed_on=SIGNED)
    e = _entries(page)
    assert (e["4"], e["6.child"], e["11a.year"], e["11a.male"]) == (
        "GARCIA, LUIS",
        "X",
        "1978",
        "X",
    )
    assert "7" not in e  # the 837 has no address for an insured who is not the patient

    [page] = cms1500(secondary_input(line_level=False), signed_on=SIGNED)
    e = _entries(page)
    assert (e["1.MEDICAID"], e["1a"], e["11d.yes"]) == ("X", "MCD55", "X")
    assert (e["9"], e["9a"], e["9d"]) == ("GARCIA, ANA, M", "XYZ123456789", "PPO GOLD")
    assert (e["29.dollars"], e["29.cents"]) == ("100", "50")  # the prior payer's AMT*D


def test_a_replacement_claim_carries_its_code_and_the_original_number() -> None:
    replacement = claim_input(
        claim=claim(frequency=FrequencyCode.REPLACEMENT, replaces="PAYER-CLAIM-9")
    )
    [page] = cms1500(replacement, signed_on=SIGNED)
    assert (page.get("22.code"), page.get("22.reference")) == ("7", "PAYER-CLAIM-9")


def test_eight_lines_make_two_pages_with_the_total_on_the_last() -> None:
    lines = tuple(line(n, charge=f"{10 * n}.00") for n in range(1, 9))
    first, second = cms1500(claim_input(claim=claim(lines=lines)), signed_on=SIGNED)

    assert (first.get("page"), second.get("page")) == ("PAGE 1 OF 2", "PAGE 2 OF 2")
    assert [first.get(f"24.{n}.dollars") for n in range(1, 7)] == [
        "10",
        "20",
        "30",
        "40",
        "50",
        "60",
    ]
    assert [second.get(f"24.{n}.dollars") for n in range(1, 7)] == ["70", "80", "", "", "", ""]
    assert (first.get("28.continued"), first.get("28.dollars")) == ("CONTINUED", "")
    assert (second.get("28.dollars"), second.get("28.cents")) == ("360", "00")
    # Every page repeats the claim: the member, the patient, the diagnoses, the billing NPI.
    for name in ("1a", "2", "21.A", "26", "33a"):
        assert first.get(name) == second.get(name) != "", name


def test_what_the_form_cannot_hold_is_refused_naming_the_box() -> None:
    self_pay = Payer("SELF", "Self pay", PayerKind.SELF_PAY, 365, 365)
    cases = [
        (
            claim_input(
                claim=claim(payer=self_pay),
                coverage=coverage(payer=self_pay),
                payer=self_pay,
            ),
            "box 1: a self-pay claim is billed to the patient",
        ),
        (
            claim_input(claim=claim(lines=(line(1, charge="100000.00"),))),
            "box 24F line 1: '100000' is longer than the box's 5 characters",
        ),
        (
            claim_input(coverage=coverage(member_id="M" * 30)),
            "box 1a: 'MMMMMMMMMMMMMMMMMMMMMMMMMMMMMM' is longer than the box's 29 characters",
        ),
        (
            claim_input(claim=claim("C-" + "9" * 20)),
            "box 26: 'C-99999999999999999999' is longer than the box's 13 characters",
        ),
        (
            claim_input(claim=claim(diagnoses=("J06.9", "NOT A CODE"))),
            "box 21: 'NOT A CODE' is not an ICD-10-CM code",
        ),
    ]
    for given, reason in cases:
        with pytest.raises(FormError, match=r"^claim C-") as caught:
            cms1500(given, signed_on=SIGNED)
        assert reason in str(caught.value)


def test_the_carrier_block_names_the_payer_and_where_its_paper_goes() -> None:
    where = Address("PO Box 14079", "Lexington", "KY", "405124079")
    [page] = cms1500(
        claim_input(payer=MEDICAID, claim=claim(payer=MEDICAID), coverage=coverage(payer=MEDICAID)),
        signed_on=SIGNED,
        carrier_address=where,
    )
    assert [page.get(f"carrier.{n}") for n in range(1, 5)] == [
        "STATE MEDICAID",
        "PO BOX 14079",
        "LEXINGTON KY 40512-4079",
        "",
    ]


@pytest.mark.parametrize("seed", range(4))
def test_the_paper_claim_says_what_the_837p_says(seed: int) -> None:
    """Seeded varied claims (names with marks, 1 to 50 lines, dependents, replacements): each
    box the 837 also carries holds the 837's value, read back from the written 837."""
    rng = random.Random(seed)
    for n in range(40):
        given = random_claim(rng, seed * 1000 + n)
        [read] = read_837(write_837p([given], ENVELOPE)).claims
        pages = cms1500(given, signed_on=SIGNED)
        last = pages[-1]
        for page in pages:
            assert page.get("26") == read.claim_id
            assert page.get("1a") == read.subscriber.subscriber.name.id  # type: ignore[union-attr]
            assert page.get("33a") == read.billing.provider.name.id  # type: ignore[union-attr]
            assert page.get("23") == read.prior_authorization
            codes = [page.get(f"21.{letter}") for letter in "ABCDEFGHIJKL"]
            assert [c for c in codes if c] == list(read.diagnoses)
            if read.frequency_code in ("7", "8"):
                assert page.get("22.code") == read.frequency_code
                assert page.get("22.reference") == read.original_payer_claim_number
            referring = read.referring
            assert page.get("17b") == (referring.name.id if referring else "")
        assert read.total_charge is not None
        assert f"{last.get('28.dollars')}.{last.get('28.cents')}" == str(read.total_charge)
        assert len(pages) == -(-len(read.lines) // SERVICE_LINES)
        for index, sent in enumerate(read.lines):
            page = pages[index // SERVICE_LINES]
            at = f"24.{index % SERVICE_LINES + 1}"
            assert sent.procedure is not None
            assert sent.charge is not None
            assert page.get(f"{at}.procedure") == sent.procedure.code
            modifiers = [page.get(f"{at}.modifier.{m}") for m in range(1, 5)]
            assert [m for m in modifiers if m] == list(sent.procedure.modifiers)
            assert f"{page.get(f'{at}.dollars')}.{page.get(f'{at}.cents')}" == str(sent.charge)
            assert Decimal(page.get(f"{at}.units")) == sent.units
            assert [ord(p) - ord("A") + 1 for p in page.get(f"{at}.pointer")] == list(
                sent.diagnosis_pointers
            )
            [served] = sent.dates
            assert page.get(f"{at}.from.day") == f"{served.start.day:02d}"
        rendering = read.rendering
        if rendering is not None:
            assert pages[0].get("24.1.rendering") == rendering.name.id


def test_a_paper_payer_is_a_profile_setting_checked_like_the_others() -> None:
    settings = parse_practice_file(
        '[paper.WC1]\nonly = true\naddress1 = "PO Box 9"\ncity = "Columbus"\n'
        'state = "OH"\nzip = "43216-4079"\n[paper.AUTO2]\nonly = false\n'
    )
    profile = PracticeProfile(settings)
    assert settings["paper.WC1.zip"] == "432164079"
    assert profile.paper_payers() == {"WC1"}
    assert profile.paper_address("WC1") == Address("PO Box 9", "Columbus", "OH", "432164079")
    assert profile.paper_address("AUTO2") is None  # no address set: the payer's name alone
    with pytest.raises(ProfileError) as bad:
        checked_changes({"paper.WC1.zip": "4321", "paper.WC1.fax": "1"})
    assert [key for key, _reason in bad.value.problems] == ["paper.WC1.zip", "paper.WC1.fax"]


def test_a_workers_comp_claim_is_employment_related_on_paper_and_in_the_837() -> None:
    carrier = Payer("WC01", "Keystone Workers Comp", PayerKind.WORKERS_COMP, 365, 180)
    given = claim_input(
        claim=claim(payer=carrier),
        coverage=coverage(payer=carrier),
        payer=carrier,
        related_causes=("EM",),
    )
    [page] = cms1500(given, signed_on=SIGNED)
    e = _entries(page)
    assert (e.get("10a.yes"), e.get("10b.no"), e.get("10c.no")) == ("X", "X", "X")
    assert "10a.no" not in e
    x12 = write_837p([given], ENVELOPE)
    assert "*Y*A*Y*Y**EM~" in x12  # CLM09, then CLM10 empty and CLM11-1 EM
    assert pyx12_errors(x12) == []


def test_a_claim_to_medicare_as_primary_says_none_in_item_11() -> None:
    medicare = Payer("MCR01", "Medicare Part B", PayerKind.MEDICARE, 365, 120)
    given = claim_input(
        claim=claim(payer=medicare),
        coverage=replace(coverage(payer=medicare), group_number=""),
        payer=medicare,
    )
    [page] = cms1500(given, signed_on=SIGNED)
    assert _entries(page)["11"] == "NONE"
