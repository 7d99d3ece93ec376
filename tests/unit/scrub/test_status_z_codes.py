"""COD008 per the ICD-10-CM guidelines for status and history Z codes: a line that points only to
a Z77-Z99 code is held, unless a guideline or a national coverage determination makes that code
the reason for this very service (the pairs are data: scrub/first_listed_z.toml)."""

from __future__ import annotations

import pytest

from claimdesk.scrub import examples as ex
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.engine import Scrubber
from claimdesk.scrub.first_listed import shipped_first_listed

SCRUBBER = Scrubber.default()


def _held(ctx: ScrubContext) -> list[str]:
    return [i.message for i in SCRUBBER.rule("COD008").check(ctx)]


def _only(base: ScrubContext, procedure: str, diagnosis: str) -> ScrubContext:
    """One line, pointing only to ``diagnosis``."""
    return ex.diagnoses(ex.only_line(base, procedure), diagnosis)


CASES = [
    # NCD 210.14: LDCT lung cancer screening for a former smoker: Z87.891 is the indication.
    pytest.param("71271", "Z87891", False, id="71271 lung screening with Z87.891"),
    # NCD 210.14 too: the shared decision-making visit before the first LDCT.
    pytest.param("G0296", "Z87891", False, id="G0296 LDCT counseling with Z87.891"),
    # NCD 210.3: a colonoscopy for a high-risk patient; a family history of colorectal cancer
    # is what makes the patient high risk.
    pytest.param("G0105", "Z800", False, id="G0105 high-risk colonoscopy with Z80.0"),
    # NCD 20.8.1: pacemaker evaluation: the presence of the pacemaker is why it is checked.
    pytest.param("93288", "Z950", False, id="93288 pacemaker interrogation with Z95.0"),
    # NCD 190.17: INR monitoring of long-term anticoagulant therapy.
    pytest.param("85610", "Z7901", False, id="85610 INR with Z79.01"),
    # Held: a visit is not explained by a history of nicotine dependence alone (I.C.21.c.4).
    pytest.param("99213", "Z87891", True, id="99213 visit with Z87.891 held"),
    # Held: the pair is real for 71271 only; an INR is not lung screening.
    pytest.param("85610", "Z87891", True, id="85610 INR with Z87.891 held"),
    # Held: Z79.899 (other long-term drug therapy) has no allowed pair at all.
    pytest.param("85610", "Z79899", True, id="85610 with Z79.899 held"),
]


@pytest.mark.parametrize(("procedure", "diagnosis", "held"), CASES)
def test_a_status_code_holds_a_line_unless_a_guideline_makes_it_the_reason(
    base: ScrubContext, procedure: str, diagnosis: str, held: bool
) -> None:
    assert bool(_held(_only(base, procedure, diagnosis))) is held


def test_every_allowed_pair_cites_its_guideline_or_ncd() -> None:
    table = shipped_first_listed()
    assert len(table.pairs) >= 4
    for pair in table.pairs:
        assert pair.source.strip(), pair
        assert pair.diagnosis.startswith("Z")


def test_a_held_line_says_which_status_code_and_that_no_pair_allows_it(base: ScrubContext) -> None:
    (message,) = _held(_only(base, "99213", "Z87891"))
    assert "line 1 (99213) points only to history/status code(s) Z87.891" in message
