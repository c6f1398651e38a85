"""The dashboard's figures as chart geometry: bars with x/y/width/height that Jinja draws as inline <svg>.

Plain Python, no database and no Jinja, so the arithmetic is tested in milliseconds. Every chart
also carries a sentence for screen readers (the svg's <title>, role="img") and the rows of a data
table with the same numbers: a chart is never the only place a figure is shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.service.conversations.schemas import CountByKey, Dashboard, DayCount
from bot.service.web.labels import LEAD_STATUS_NAMES, NEED_NAMES, NO_VALUE, RECOMMENDATION_NAMES

NO_NEED = "geen behoefte herkend"
NO_ADVICE = "geen advies"
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")

# Horizontal bars: a label line above each bar, in a viewBox narrow enough that the text stays
# readable when a phone scales the drawing down.
BAR_WIDTH = 360
BAR_ROW = 44  # label line, bar, space
BAR_OFFSET = 22  # from the top of a row to its bar; the label's baseline is 6 above the bar
BAR_THICKNESS = 14
# Columns per day: drawn without text (stretched to the card's width); the axis labels are HTML.
COLUMN_WIDTH = 600
COLUMN_HEIGHT = 120
COLUMN_GAP = 0.25  # share of each day's slot left empty between columns
MIN_VISIBLE = 2.0  # a value above zero never disappears into a zero-length bar


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as staff read it: "12", "35%"
    x: float
    y: float
    width: float
    height: float

    @property
    def text_y(self) -> float:
        """Baseline of the label line above a horizontal bar."""
        return self.y - 6


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one row per key, on a shared scale from 0 to `scale_max`."""

    title: str
    description: str
    bars: tuple[Bar, ...]
    scale_max: float
    width: int = BAR_WIDTH

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * BAR_ROW

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


@dataclass(frozen=True)
class ColumnChart:
    """Columns, one per day; `ticks` label the gridlines at the top, middle and bottom."""

    title: str
    description: str
    bars: tuple[Bar, ...]
    scale_max: float
    ticks: tuple[str, str, str]
    first_label: str
    last_label: str
    width: int = COLUMN_WIDTH
    height: int = COLUMN_HEIGHT

    @property
    def gridlines(self) -> tuple[float, float, float]:
        return 0.0, self.height / 2, float(self.height)

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


@dataclass(frozen=True)
class ShareFigure:
    """One share (0..1) as a big number and a bar filled that far."""

    title: str
    description: str
    shown: str
    fill: float  # width of the filled part, in the viewBox
    width: int = BAR_WIDTH
    height: int = BAR_THICKNESS


@dataclass(frozen=True)
class DayRow:
    day: str
    conversations: int
    user_messages: int
    fallbacks: int
    share: str


@dataclass(frozen=True)
class DashboardCharts:
    per_day: ColumnChart
    share_per_day: ColumnChart
    day_rows: tuple[DayRow, ...]
    fallback: ShareFigure
    needs: BarChart
    recommendations: BarChart
    leads: BarChart


def nice_max(value: float) -> float:
    """The top of a scale: the smallest of 2, 4, 6, 8, 10 x 10^n that holds `value`, so the middle
    gridline is a round number too."""
    top = 2.0
    while True:
        for step in (1, 2, 3, 4, 5):
            if value <= top * step:
                return top * step
        top *= 10


def percent(share: float | None) -> str:
    """0.125 -> "13%"; small shares keep a decimal ("3,5%"), written the Dutch way."""
    if share is None:
        return NO_VALUE
    value = share * 100
    if 0 < value < 0.05:
        return "<0,1%"  # not "0%": something was not understood
    if 0 < value < 10:
        return number(math.floor(value * 10 + 0.5) / 10) + "%"
    return f"{math.floor(value + 0.5)}%"  # half up, as people round (Python's round() goes to even)


def number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def short_date(iso_day: str) -> str:
    day = date.fromisoformat(iso_day)
    return f"{day.day} {MONTHS[day.month - 1]}"


def _length(value: float, scale_max: float, full: float) -> float:
    if value <= 0 or scale_max <= 0:
        return 0.0
    return round(max(MIN_VISIBLE, min(value, scale_max) / scale_max * full), 2)


def bar_chart(title: str, items: list[tuple[str, int]], what: str) -> BarChart:
    """Horizontal bars for (label, count) pairs, in the order given; `what` names the counted things."""
    scale_max = nice_max(max((count for _, count in items), default=0))
    bars = tuple(
        Bar(label, count, number(count), 0.0, float(row * BAR_ROW + BAR_OFFSET), _length(count, scale_max, BAR_WIDTH),
            float(BAR_THICKNESS))
        for row, (label, count) in enumerate(items)
    )
    listed = ", ".join(f"{label} {number(count)}" for label, count in items if count)
    total = sum(count for _, count in items)
    description = f"{title}, {number(total)} {what}: {listed}." if listed else f"{title}: nog geen {what}."
    return BarChart(title, description, bars, scale_max)


def column_chart(title: str, description: str, points: list[tuple[str, float | None, str]], scale_max: float,
                 tick: Callable[[float], str] = number) -> ColumnChart:
    """Columns for (iso day, value or None, value as text); None draws nothing (no data that day)."""
    slot = COLUMN_WIDTH / max(1, len(points))
    width = round(slot * (1 - COLUMN_GAP), 2)
    bars = []
    for index, (day, value, shown) in enumerate(points):
        height = _length(value or 0, scale_max, COLUMN_HEIGHT)
        bars.append(Bar(short_date(day), value or 0, shown, round(index * slot + (slot - width) / 2, 2),
                        round(COLUMN_HEIGHT - height, 2), width, height))
    first = short_date(points[0][0]) if points else ""
    last = short_date(points[-1][0]) if points else ""
    return ColumnChart(title, description, tuple(bars), scale_max, (tick(scale_max), tick(scale_max / 2), tick(0)),
                       first, last)


def conversations_per_day(figures: Dashboard) -> ColumnChart:
    title = "Gesprekken per dag"
    if figures.conversations:
        busiest = max(figures.per_day, key=lambda day: day.conversations)
        description = (f"{title}, laatste {figures.days} dagen: {figures.conversations} in totaal, "
                       f"de meeste op {short_date(busiest.day)} ({busiest.conversations}).")
    else:
        description = f"{title}, laatste {figures.days} dagen: nog geen gesprekken."
    points = [(day.day, day.conversations, number(day.conversations)) for day in figures.per_day]
    return column_chart(title, description, points, nice_max(max((day.conversations for day in figures.per_day),
                                                                  default=0)))


def _day_share(day: DayCount) -> float | None:
    return day.fallbacks / day.user_messages if day.user_messages else None


def fallback_share_per_day(figures: Dashboard) -> ColumnChart:
    title = "Niet begrepen per dag"
    if figures.fallback_share is None:
        description = f"{title}, laatste {figures.days} dagen: nog geen berichten."
    else:
        description = (f"{title}, aandeel van de berichten, laatste {figures.days} dagen; "
                       f"over de hele periode {percent(figures.fallback_share)}.")
    shares = [_day_share(day) for day in figures.per_day]
    # Percent on a scale that fits the worst day (not always 0-100%: shares are mostly small).
    top = min(1.0, nice_max(max((share * 100 for share in shares if share), default=0)) / 100)
    points = [(day.day, share, percent(share)) for day, share in zip(figures.per_day, shares, strict=True)]
    return column_chart(title, description, points, top, tick=percent)


def fallback_figure(figures: Dashboard) -> ShareFigure:
    shown = percent(figures.fallback_share)
    if figures.fallback_share is None:
        description = "Niet begrepen: nog geen berichten in deze periode."
    else:
        description = (f"{shown} van de berichten niet begrepen "
                       f"({figures.fallbacks} van {figures.user_messages}).")
    fill = _length(figures.fallback_share or 0, 1.0, BAR_WIDTH)
    return ShareFigure("Niet begrepen", description, shown, fill)


def _named(counts: list[CountByKey], names: dict[str, str], unknown: str) -> list[tuple[str, int]]:
    return [(names.get(item.key, item.key) if item.key else unknown, item.count) for item in counts]


def dashboard_charts(figures: Dashboard) -> DashboardCharts:
    rows = tuple(DayRow(short_date(d.day), d.conversations, d.user_messages, d.fallbacks, percent(_day_share(d)))
                 for d in reversed(figures.per_day))  # newest first: the day staff look for
    return DashboardCharts(
        per_day=conversations_per_day(figures),
        share_per_day=fallback_share_per_day(figures),
        day_rows=rows,
        fallback=fallback_figure(figures),
        needs=bar_chart("Behoeften", _named(figures.needs, NEED_NAMES, NO_NEED), "gesprekken"),
        recommendations=bar_chart("Adviezen", _named(figures.recommendations, RECOMMENDATION_NAMES, NO_ADVICE),
                                  "gesprekken"),
        leads=bar_chart("Leads per status", _named(figures.leads_by_status, LEAD_STATUS_NAMES, "onbekend"), "leads"),
    )
