"""A unit's KPI history on its page: each indicator's trend as a small line chart, and the table of the figures of
every report. Worked out here once per standing (coordinates placed, numbers written as people read them), so
the template only writes the texts out: a unit reporting monthly has a dozen reports, three indicators, and
each value appears in a chart, its text alternative and the table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from .figures import UnitStanding
from .formatting import format_date, format_kpi_count, format_percent, interface_locale, ratio_text
from .labels import gettext
from .rules.indicators import SCHEME_1872

# The chart's box (SVG user units): the plot sits inside the margins, 0% at its foot, 100% at its top.
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 320, 150, 34, 14, 10, 30
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
AXIS_Y = TOP + PLOT_HEIGHT
DOSSIERS = ("dossiers_online", "dossiers_total")  # the 1872 counts the table adds, as "online/all"
MOST_LABELS = 5  # dates under the axis: every one up to this many, else the first, the last and some between


@dataclass(frozen=True)
class ChartBox:
    """The chart's box as the template draws it."""

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    axis_y: int = AXIS_Y
    right_x: int = WIDTH - RIGHT


class Tick(NamedTuple):
    """A date under the axis (named tuples, these and the table's rows: a page makes dozens)."""

    x: str
    anchor: str  # SVG text-anchor: the first date starts at its point, the last ends at it
    label: str  # dd/mm


@dataclass(frozen=True)
class Chart:
    """One indicator's percentages over the reports, ready to draw."""

    number: int
    name: str
    description: str  # the text alternative: each date with its value, then the level to reach
    required: str | None  # the level to reach ("30%"), drawn as a dashed line
    target_y: str | None
    ticks: list[Tick]
    points: list[tuple[str, str]]  # (x, y) of each reading with a value
    polyline: str  # the points joined, when there are two or more


class HistoryRow(NamedTuple):
    """One report in the table, newest first: its date and each indicator's value."""

    as_of: str
    values: list[str]
    dossiers: str | None  # Decision 1872's "online dossiers / all dossiers", for that scheme only


@dataclass(frozen=True)
class History:
    charts: list[Chart]
    numbers: list[int]  # the table's columns: every indicator, in order
    rows: list[HistoryRow]
    shows_dossiers: bool
    box: ChartBox = ChartBox()


def _figure(figures: dict, name: str) -> str:
    value = figures.get(name)
    return "" if value is None else str(value)


def _height(share: Fraction | Decimal) -> float:
    """Where a share of the whole (0,5 for 50%) sits: 0 at the plot's foot, 1 at its top."""
    return TOP + PLOT_HEIGHT - float(share) * PLOT_HEIGHT


def axis(days: list[date]) -> tuple[list[str], list[Tick]]:
    """Where each date's points go across the plot (evenly spread, a single one in its middle) and which dates are
    written under the axis: every one up to MOST_LABELS, else the first, the last and some between. The same for
    every chart of a history (the same dates), so worked out once for them all."""
    count = len(days)
    step = (WIDTH - LEFT - RIGHT) / (count - 1 if count > 1 else 1)
    every = (count + 4) // MOST_LABELS if count > MOST_LABELS else 1
    xs, ticks = [], []
    for index, day in enumerate(days):
        x = f"{LEFT + index * step if count > 1 else (LEFT + WIDTH - RIGHT) / 2:.1f}"
        xs.append(x)
        first, last = index == 0, index == count - 1
        if first or last or (index % every == 0 and count - 1 - index >= every):
            anchor = "start" if first and count > 1 else ("end" if last and count > 1 else "middle")
            ticks.append(Tick(x, anchor, day.strftime("%d/%m")))
    return xs, ticks


def placed_points(xs: list[str], points: list[tuple[date, Fraction | None]]) -> list[tuple[str, str]]:
    """(x, y) of each value of a chart (a share: 0,5 for 50%) on the axis `xs`: its height from the plot's foot."""
    return [(x, f"{_height(value):.1f}") for x, (_day, value) in zip(xs, points, strict=True) if value is not None]


def _description(
    days: list[str], points: list[tuple[date, Fraction | None]], texts: list[str], required: str | None
) -> str:
    """A chart's text alternative: "31/01/2025: 9,2%; 28/02/2025: chưa có số liệu. Mức phải đạt: 30%"."""
    no_data = gettext("chưa có số liệu")
    readings = "; ".join(
        f"{day}: {no_data if value is None else text}"
        for day, (_as_of, value), text in zip(days, points, texts, strict=True)
    )
    if required is None:
        return readings
    return readings + ". " + gettext("Mức phải đạt: %(value)s", value=required)


def kpi_history(standing: UnitStanding) -> History:
    """The charts (percentage indicators that apply) and the table of a standing's reports."""
    numbers = [result.indicator.number for result in standing.results]
    counted = {result.indicator.number for result in standing.results if result.indicator.kind == "count"}
    trends = {number: standing.trend(number) for number in numbers}
    # Each value and date written once: the table and the charts' text alternatives show the same.
    locale = interface_locale()
    texts = {
        number: [
            format_kpi_count(value) if number in counted else ratio_text(value, locale)
            for _day, value in trends[number]
        ]
        for number in numbers
    }
    days = [format_date(report.as_of) for report in standing.history]
    xs, ticks = axis([report.as_of for report in standing.history])  # every chart's dates are the reports'
    charts = []
    for result in standing.results:
        if (result.rule is not None and result.rule.kind == "not_applicable") or result.indicator.kind == "count":
            continue
        number = result.indicator.number
        points = trends[number]
        required = result.attainment.required
        required_text = None if required is None else format_percent(required)
        placed = placed_points(xs, points)
        charts.append(
            Chart(
                number=number,
                name=result.indicator.name,
                description=_description(days, points, texts[number], required_text),
                required=required_text,
                target_y=None if required is None else f"{_height(required / 100):.1f}",
                ticks=ticks,
                points=placed,
                polyline=" ".join(f"{x},{y}" for x, y in placed) if len(placed) > 1 else "",
            )
        )
    shows_dossiers = standing.plan.kpi_scheme == SCHEME_1872
    rows = [
        HistoryRow(
            days[row],
            [texts[number][row] for number in numbers],
            "/".join(_figure(report.figures, name) for name in DOSSIERS) if shows_dossiers else None,
        )
        for row, report in reversed(list(enumerate(standing.history)))
    ]
    return History(charts=charts, numbers=numbers, rows=rows, shows_dossiers=shows_dossiers)
