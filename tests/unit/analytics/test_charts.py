"""The SVG renderer: valid SVG, marks proportional to the figures, gaps, stacking, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from claimdesk.analytics.charts import (
    MAX_BARS,
    OTHER,
    Point,
    StackedBar,
    format_value,
    nice_step,
    pareto_svg,
    report_charts,
    stacked_bars_svg,
    trend_svg,
)
from claimdesk.analytics.report import build_report
from claimdesk.analytics.results import Unit
from claimdesk.denials.table import shipped_table

from .test_first_pass import MARCH, practice

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def marks(root: ET.Element, tag: str, kind: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{NS}{tag}") if e.get("class") == kind]


def number(element: ET.Element, name: str) -> Decimal:
    return Decimal(element.get(name, ""))


def zero_line(root: ET.Element) -> Decimal:
    """The y of the axis line drawn for zero (the darker grid line)."""
    line = next(e for e in root.iter(f"{NS}line") if e.get("stroke") == "#888888")
    return number(line, "y1")


def test_pareto_bars_are_largest_first_and_proportional_to_their_values() -> None:
    values = {"coding": "300", "authorization": "1200", "duplicate": "60", "bundling": "600"}
    root = parse(pareto_svg("Denials", [Point(k, Decimal(v)) for k, v in values.items()]))
    bars = marks(root, "rect", "bar")
    assert [b.get("data-label") for b in bars] == [
        "authorization",
        "bundling",
        "coding",
        "duplicate",
    ]
    ratios = {number(b, "height") / number(b, "data-value") for b in bars}
    assert max(ratios) - min(ratios) < Decimal("0.001")  # same pixels per dollar for every bar
    bottom = zero_line(root)
    assert all(number(b, "y") + number(b, "height") == bottom for b in bars)
    left = [number(b, "x") for b in bars]
    assert left == sorted(left)


def test_pareto_cumulative_line_climbs_to_one_hundred_percent() -> None:
    root = parse(pareto_svg("Denials", [Point("a", Decimal(50)), Point("b", Decimal(150))]))
    shares = [number(p, "data-value") for p in marks(root, "circle", "cumulative-point")]
    assert shares == [Decimal("0.75"), Decimal(1)]
    heights = [number(p, "cy") for p in marks(root, "circle", "cumulative-point")]
    assert heights[0] > heights[1]  # a larger share sits higher on the page
    assert len(marks(root, "polyline", "cumulative")) == 1


def test_pareto_folds_the_small_bars_into_all_other() -> None:
    points = [Point(f"c{i:02}", Decimal(100 - i)) for i in range(MAX_BARS + 3)]
    bars = marks(parse(pareto_svg("Denials", points)), "rect", "bar")
    assert len(bars) == MAX_BARS
    assert bars[-1].get("data-label") == OTHER
    folded = sum((p.value or Decimal(0) for p in points[MAX_BARS - 1 :]), Decimal(0))
    assert number(bars[-1], "data-value") == folded


def test_trend_leaves_a_gap_where_a_month_has_no_figure() -> None:
    points = [
        Point("2024-01", Decimal("0.10")),
        Point("2024-02", Decimal("0.05")),
        Point("2024-03", None),
        Point("2024-04", Decimal("0.20")),
        Point("2024-05", Decimal("0.15")),
    ]
    root = parse(trend_svg("Initial denial rate", points, Unit.PERCENT))
    circles = marks(root, "circle", "point")
    assert [c.get("data-label") for c in circles] == ["2024-01", "2024-02", "2024-04", "2024-05"]
    assert len(marks(root, "polyline", "trend")) == 2  # the line breaks at March
    bottom = zero_line(root)
    rises = {number(c, "data-value"): bottom - number(c, "cy") for c in circles}
    per_unit = {rise / value for value, rise in rises.items()}
    assert max(per_unit) - min(per_unit) < Decimal("0.001")
    texts = [t.text for t in root.iter(f"{NS}text") if t.get("class") == "value"]
    assert texts == ["10.0%", "5.0%", "20.0%", "15.0%"]


def test_stacked_bars_stack_positive_parts_up_and_credits_down() -> None:
    series = ("0-30", "31-60", "61-90")
    bars = [
        StackedBar("P1", (Decimal(100), Decimal(50), Decimal(0))),
        StackedBar("P2", (Decimal(200), Decimal(0), Decimal(-40))),
    ]
    root = parse(stacked_bars_svg("Aging", series, bars))
    parts = {p.get("data-label"): p for p in marks(root, "rect", "part")}
    assert set(parts) == {"P1 0-30", "P1 31-60", "P2 0-30", "P2 61-90"}  # zero parts not drawn
    bottom = zero_line(root)
    first, second = parts["P1 0-30"], parts["P1 31-60"]
    assert number(first, "y") + number(first, "height") == bottom
    assert number(second, "y") + number(second, "height") == number(first, "y")
    assert number(first, "height") == 2 * number(second, "height")
    credit = parts["P2 61-90"]
    assert number(credit, "y") == bottom  # hangs below the zero line
    assert number(parts["P2 0-30"], "height") == 5 * number(credit, "height")
    legend = [t.text for t in root.iter(f"{NS}text") if t.text in series]
    assert legend == list(series)


def test_stacked_bars_refuse_a_bar_with_the_wrong_number_of_parts() -> None:
    with pytest.raises(ValueError, match="bar 'P1' has 1 parts for 2 series"):
        stacked_bars_svg("Aging", ("a", "b"), [StackedBar("P1", (Decimal(1),))])


def test_labels_are_escaped_and_read_back_unchanged() -> None:
    label = 'A&B <"payer">'
    root = parse(pareto_svg(f"Denials of {label}", [Point(label, Decimal(5))]))
    assert marks(root, "rect", "bar")[0].get("data-label") == label
    assert root.get("aria-label") == f"Denials of {label}"


def test_no_figures_gives_a_valid_chart_that_says_so() -> None:
    for svg in (
        trend_svg("Trend", [Point("2024-01", None)], Unit.DAYS),
        pareto_svg("Pareto", []),
        stacked_bars_svg("Aging", ("0-30",), []),
    ):
        root = parse(svg)
        assert [t.text for t in root.iter(f"{NS}text") if t.get("class") == "empty"] == [
            "no figures in the period"
        ]


@pytest.mark.parametrize(
    ("span", "step"),
    [("1", "0.2"), ("7", "2"), ("12", "2.5"), ("450", "100"), ("0.08", "0.02"), ("1000", "200")],
)
def test_axis_steps_are_round_numbers(span: str, step: str) -> None:
    assert nice_step(Decimal(span)) == Decimal(step)


def test_values_read_as_their_unit() -> None:
    assert format_value(Decimal("0.1234"), Unit.PERCENT) == "12.3%"
    assert format_value(Decimal("34.26"), Unit.DAYS) == "34.3"
    assert format_value(Decimal("1234"), Unit.DOLLARS) == "$1,234"
    assert format_value(Decimal("-20.5"), Unit.DOLLARS) == "-$20.50"
    assert format_value(Decimal("17"), Unit.COUNT) == "17"


def test_report_charts_draw_every_chart_of_a_report() -> None:
    report = build_report(practice(), MARCH, table=shipped_table())
    charts = report_charts(
        report, [Point("2024-03", Decimal("0.25"))], [Point("2024-03", Decimal("31.5"))]
    )
    assert sorted(charts) == [
        "ar_aging_by_payer.svg",
        "denials_pareto_by_carc.svg",
        "denials_pareto_by_category.svg",
        "initial_denial_rate_trend.svg",
        "net_days_in_ar_trend.svg",
    ]
    pareto = parse(charts["denials_pareto_by_category.svg"])
    table = report.get("denials").tables[0]
    drawn = {b.get("data-label"): number(b, "data-value") for b in marks(pareto, "rect", "bar")}
    assert drawn == {str(row[0]): row[2].amount for row in table.rows}  # type: ignore[union-attr]
    for svg in charts.values():
        parse(svg)
