"""Charts of the Tier 3 figures as SVG text: data in, SVG out, no plotting library, no I/O.

``claimdesk kpi --charts DIR`` writes what :func:`report_charts` returns; a web page can inline
the same text. Geometry is computed in ``Decimal`` so one set of figures always gives the same
bytes. Every bar and point carries ``data-label`` and ``data-value`` (the exact figure) and a
``<title>`` tooltip, so a reader (or a test) can tie each mark to its number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from itertools import cycle
from xml.sax.saxutils import escape, quoteattr

from claimdesk.analytics.results import Kpi, KpiReport, Table, Unit
from claimdesk.domain.money import Money

WIDTH = 720
HEIGHT = 400
LEFT, RIGHT, TOP, BOTTOM = 80, 72, 48, 112  # margins around the plot area
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
TICKS = 5
MAX_BARS = 12  # a Pareto keeps its largest bars and folds the rest into one
OTHER = "all other"
LABEL_CHARS = 22
FONT = "font-family='sans-serif' font-size='11'"
BAR_COLOR = "#4a78b5"
LINE_COLOR = "#c0392b"
# One color per aging bucket, young to old: cool to warm.
SERIES_COLORS = ("#4a9c6d", "#9cc45a", "#f2c14e", "#f08a4b", "#c0392b", "#7f3c8d", "#555555")
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Point:
    """One labelled figure; ``value`` None means there is no figure (an empty denominator)."""

    label: str
    value: Decimal | None


@dataclass(frozen=True, slots=True)
class StackedBar:
    """One bar made of parts, in the order of the chart's series."""

    label: str
    parts: tuple[Decimal, ...]


def kpi_point(label: str, kpi: Kpi) -> Point:
    """A KPI's value as a chart point (money as its amount, a count as a number)."""
    value = kpi.value
    if isinstance(value, Money):
        return Point(label, value.amount)
    if isinstance(value, int):
        return Point(label, Decimal(value))
    return Point(label, value)


def _n(value: Decimal) -> str:
    """A coordinate: two decimals are finer than any screen pixel."""
    return format(value.quantize(Decimal("0.01")), "f")


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "\u2026"


def format_value(value: Decimal, unit: Unit) -> str:
    """A figure as a reader expects it: 12.5%, 34.2 (days), $1,234, -$20.50, 17."""
    if unit is Unit.PERCENT:
        return f"{(value * HUNDRED).quantize(Decimal('0.1'))}%"
    if unit is Unit.DAYS:
        return f"{value.quantize(Decimal('0.1'))}"
    if unit is Unit.DOLLARS:
        sign = "-" if value < 0 else ""
        whole = value == value.to_integral_value()
        amount = abs(value).quantize(Decimal(1) if whole else Decimal("0.01"))
        return f"{sign}${amount:,}"
    return f"{value.quantize(Decimal(1))}"


def nice_step(span: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 x 10^k that divides ``span`` into at most TICKS steps."""
    raw = span / TICKS
    magnitude = Decimal(1).scaleb(raw.adjusted())
    for step in NICE_STEPS:
        if raw <= step * magnitude:
            return step * magnitude
    return NICE_STEPS[-1] * magnitude


@dataclass(frozen=True, slots=True)
class Scale:
    """Maps values to the vertical pixel of the plot area; always includes zero."""

    low: Decimal
    high: Decimal
    step: Decimal

    @classmethod
    def fitting(cls, values: Sequence[Decimal]) -> Scale:
        low = min([Decimal(0), *values])
        high = max([Decimal(0), *values])
        if low == high:
            high = Decimal(1)
        step = nice_step(high - low)
        return cls(
            (low / step).to_integral_value(ROUND_FLOOR) * step,
            (high / step).to_integral_value(ROUND_CEILING) * step,
            step,
        )

    def y(self, value: Decimal) -> Decimal:
        return TOP + PLOT_HEIGHT - (value - self.low) / (self.high - self.low) * PLOT_HEIGHT

    def ticks(self) -> list[Decimal]:
        count = int((self.high - self.low) / self.step)
        return [self.low + self.step * i for i in range(count + 1)]


def _open(title: str) -> list[str]:
    return [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{HEIGHT}' "
        f"viewBox='0 0 {WIDTH} {HEIGHT}' role='img' aria-label={quoteattr(title)}>",
        f"<title>{escape(title)}</title>",
        f"<rect x='0' y='0' width='{WIDTH}' height='{HEIGHT}' fill='#ffffff'/>",
        f"<text x='{WIDTH // 2}' y='24' text-anchor='middle' font-family='sans-serif' "
        f"font-size='15' font-weight='bold'>{escape(title)}</text>",
    ]


def _empty(title: str) -> str:
    lines = _open(title)
    lines.append(
        f"<text class='empty' x='{WIDTH // 2}' y='{HEIGHT // 2}' text-anchor='middle' {FONT}>"
        "no figures in the period</text>"
    )
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def _axes(scale: Scale, unit: Unit) -> list[str]:
    """Grid lines and the left axis labels; the zero line drawn darker."""
    lines = []
    for tick in scale.ticks():
        y = _n(scale.y(tick))
        color = "#888888" if tick == 0 else "#e0e0e0"
        lines.append(
            f"<line x1='{LEFT}' y1='{y}' x2='{LEFT + PLOT_WIDTH}' y2='{y}' stroke='{color}'/>"
        )
        lines.append(
            f"<text class='tick' x='{LEFT - 6}' y='{y}' text-anchor='end' "
            f"dominant-baseline='middle' {FONT}>{escape(format_value(tick, unit))}</text>"
        )
    return lines


def _x_label(label: str, x: Decimal) -> str:
    """A category label under the plot, slanted so long names fit."""
    y = TOP + PLOT_HEIGHT + 14
    return (
        f"<text class='x-label' x='{_n(x)}' y='{y}' text-anchor='end' {FONT} "
        f"transform='rotate(-35 {_n(x)} {y})'>{escape(_short(label))}</text>"
    )


def _slot(index: int, count: int) -> tuple[Decimal, Decimal]:
    """The left edge and width of slot ``index`` of ``count`` across the plot."""
    width = Decimal(PLOT_WIDTH) / count
    return LEFT + width * index, width


def _bar(
    kind: str,
    label: str,
    value: Decimal,
    x: Decimal,
    width: Decimal,
    scale: Scale,
    unit: Unit,
    color: str,
    bottom: Decimal = Decimal(0),
) -> str:
    """A bar from ``bottom`` to ``bottom + value`` (stacked bars start above the last part)."""
    top_y, bottom_y = scale.y(bottom + value), scale.y(bottom)
    y, height = min(top_y, bottom_y), abs(bottom_y - top_y)
    tip = f"{label}: {format_value(value, unit)}"
    return (
        f"<rect class={quoteattr(kind)} data-label={quoteattr(label)} "
        f"data-value={quoteattr(format(value, 'f'))} x='{_n(x)}' y='{_n(y)}' "
        f"width='{_n(width)}' height='{_n(height)}' fill='{color}'>"
        f"<title>{escape(tip)}</title></rect>"
    )


def trend_svg(title: str, points: Sequence[Point], unit: Unit) -> str:
    """A line over periods (e.g. months); a point with no figure leaves a gap in the line."""
    known = [p.value for p in points if p.value is not None]
    if not known:
        return _empty(title)
    scale = Scale.fitting(known)
    lines = _open(title)
    lines.extend(_axes(scale, unit))
    segments: list[list[str]] = [[]]
    marks = []
    for index, point in enumerate(points):
        left, width = _slot(index, len(points))
        x = left + width / 2
        lines.append(_x_label(point.label, x + 4))
        if point.value is None:
            segments.append([])
            continue
        y = scale.y(point.value)
        segments[-1].append(f"{_n(x)},{_n(y)}")
        shown = format_value(point.value, unit)
        marks.append(
            f"<circle class='point' data-label={quoteattr(point.label)} "
            f"data-value={quoteattr(format(point.value, 'f'))} cx='{_n(x)}' cy='{_n(y)}' r='4' "
            f"fill='{LINE_COLOR}'><title>{escape(f'{point.label}: {shown}')}</title></circle>"
        )
        marks.append(
            f"<text class='value' x='{_n(x)}' y='{_n(y - 9)}' text-anchor='middle' {FONT}>"
            f"{escape(shown)}</text>"
        )
    for segment in segments:
        if len(segment) > 1:
            lines.append(
                f"<polyline class='trend' points='{' '.join(segment)}' fill='none' "
                f"stroke='{LINE_COLOR}' stroke-width='2'/>"
            )
    lines.extend(marks)
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def _folded(bars: Sequence[Point]) -> list[tuple[str, Decimal]]:
    """Largest first; past MAX_BARS the rest become one "all other" bar."""
    ordered = sorted(
        ((p.label, p.value) for p in bars if p.value is not None), key=lambda b: (-b[1], b[0])
    )
    if len(ordered) <= MAX_BARS:
        return ordered
    kept = ordered[: MAX_BARS - 1]
    rest = sum((value for _, value in ordered[MAX_BARS - 1 :]), Decimal(0))
    return [*kept, (OTHER, rest)]


def pareto_svg(title: str, bars: Sequence[Point], unit: Unit = Unit.DOLLARS) -> str:
    """Bars largest first, with the cumulative share as a line on a 0-100% right-hand axis."""
    ordered = _folded(bars)
    if not ordered:
        return _empty(title)
    scale = Scale.fitting([value for _, value in ordered])
    grand = sum((value for _, value in ordered), Decimal(0))
    lines = _open(title)
    lines.extend(_axes(scale, unit))
    share_scale = Scale(Decimal(0), Decimal(1), Decimal("0.2"))
    coords: list[str] = []
    marks: list[str] = []
    running = Decimal(0)
    for index, (label, value) in enumerate(ordered):
        left, width = _slot(index, len(ordered))
        bar_left, bar_width = left + width * Decimal("0.1"), width * Decimal("0.8")
        lines.append(_bar("bar", label, value, bar_left, bar_width, scale, unit, BAR_COLOR))
        lines.append(_x_label(label, left + width / 2 + 4))
        running += value
        if grand > 0:
            share = running / grand
            x, y = left + width / 2, share_scale.y(share)
            coords.append(f"{_n(x)},{_n(y)}")
            tip = f"{label}: cumulative {format_value(share, Unit.PERCENT)}"
            marks.append(
                f"<circle class='cumulative-point' data-label={quoteattr(label)} "
                f"data-value={quoteattr(format(share, 'f'))} cx='{_n(x)}' cy='{_n(y)}' r='3' "
                f"fill='{LINE_COLOR}'><title>{escape(tip)}</title></circle>"
            )
    if coords:
        # Shares only mean something when the bars add up to a positive whole.
        lines.append(
            f"<polyline class='cumulative' points='{' '.join(coords)}' fill='none' "
            f"stroke='{LINE_COLOR}' stroke-width='2'/>"
        )
        lines.extend(marks)
        for tick in share_scale.ticks():
            lines.append(
                f"<text class='share-tick' x='{LEFT + PLOT_WIDTH + 6}' "
                f"y='{_n(share_scale.y(tick))}' dominant-baseline='middle' {FONT}>"
                f"{escape(format_value(tick, Unit.PERCENT))}</text>"
            )
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def stacked_bars_svg(
    title: str, series: Sequence[str], bars: Sequence[StackedBar], unit: Unit = Unit.DOLLARS
) -> str:
    """One bar per label, its parts stacked in series order: positive parts up from zero,
    negative parts (credit balances) down from it; a legend names the series."""
    for bar in bars:
        if len(bar.parts) != len(series):
            raise ValueError(
                f"bar {bar.label!r} has {len(bar.parts)} parts for {len(series)} series"
            )
    if not bars:
        return _empty(title)
    ups = [sum((p for p in bar.parts if p > 0), Decimal(0)) for bar in bars]
    downs = [sum((p for p in bar.parts if p < 0), Decimal(0)) for bar in bars]
    scale = Scale.fitting([*ups, *downs])
    lines = _open(title)
    lines.extend(_axes(scale, unit))
    for index, bar in enumerate(bars):
        left, width = _slot(index, len(bars))
        up, down = Decimal(0), Decimal(0)
        for name, part, color in zip(series, bar.parts, cycle(SERIES_COLORS), strict=False):
            if not part:
                continue
            bottom = up if part > 0 else down
            lines.append(
                _bar(
                    "part",
                    f"{bar.label} {name}",
                    part,
                    left + width * Decimal("0.15"),
                    width * Decimal("0.7"),
                    scale,
                    unit,
                    color,
                    bottom,
                )
            )
            if part > 0:
                up += part
            else:
                down += part
        lines.append(_x_label(bar.label, left + width / 2 + 4))
    for index, (name, color) in enumerate(zip(series, cycle(SERIES_COLORS), strict=False)):
        x = LEFT + index * 90
        lines.append(
            f"<rect class='legend' x='{x}' y='32' width='10' height='10' fill='{color}'/>"
            f"<text x='{x + 14}' y='41' {FONT}>{escape(name)}</text>"
        )
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def _column(table: Table, name: str) -> int:
    return table.columns.index(name)


def pareto_points(table: Table) -> list[Point]:
    """The denied dollars of a denials Pareto table (``denials_by_*``), one point per row."""
    key, denied = _column(table, "key"), _column(table, "denied")
    points = []
    for row in table.rows:
        amount = row[denied]
        if isinstance(amount, Money):
            points.append(Point(str(row[key]), amount.amount))
    return points


def aging_bars(table: Table) -> tuple[tuple[str, ...], list[StackedBar]]:
    """The buckets (series) and one bar per row of an aging table (``ar_aging_by_*``)."""
    buckets = table.columns[1:-1]  # between "key" and "total"
    bars = []
    for row in table.rows:
        parts = tuple(c.amount if isinstance(c, Money) else Decimal(0) for c in row[1:-1])
        bars.append(StackedBar(str(row[0]), parts))
    return buckets, bars


def _table(report: KpiReport, kpi: str, name: str) -> Table:
    return next(t for t in report.get(kpi).tables if t.name == name)


def report_charts(
    report: KpiReport, denial_trend: Sequence[Point], ar_days_trend: Sequence[Point]
) -> dict[str, str]:
    """Every chart of a report, by file name: the two monthly trends, the denial Pareto by
    category and by CARC, and insurance A/R aging by payer (largest payers first)."""
    period = f"{report.start} to {report.end}"
    buckets, aging = aging_bars(_table(report, "ar_aging", "ar_aging_by_payer"))
    largest = sorted(aging, key=lambda b: (-sum(b.parts, Decimal(0)), b.label))[:MAX_BARS]
    return {
        "initial_denial_rate_trend.svg": trend_svg(
            f"Initial denial rate by month, {period}", denial_trend, Unit.PERCENT
        ),
        "net_days_in_ar_trend.svg": trend_svg(
            f"Net days in A/R at each month end, {period}", ar_days_trend, Unit.DAYS
        ),
        "denials_pareto_by_category.svg": pareto_svg(
            f"Denied dollars by category, {period}",
            pareto_points(_table(report, "denials", "denials_by_category")),
        ),
        "denials_pareto_by_carc.svg": pareto_svg(
            f"Denied dollars by group code and CARC, {period}",
            pareto_points(_table(report, "denials", "denials_by_carc")),
        ),
        "ar_aging_by_payer.svg": stacked_bars_svg(
            f"Insurance A/R aging by payer at {report.end}", buckets, largest
        ),
    }
