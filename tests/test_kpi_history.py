"""The unit page's KPI charts: where the dates and the values go (tracker.kpi_history.axis and placed_points)."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest

from tracker.kpi_history import AXIS_Y, LEFT, PLOT_HEIGHT, RIGHT, TOP, WIDTH, Tick, axis, placed_points


def chart_geometry(points: list[tuple[date, Fraction | None]]) -> tuple[list[Tick], list[tuple[str, str]]]:
    """One chart's ticks under the axis and its placed points, as kpi_history draws each chart."""
    xs, ticks = axis([day for day, _value in points])
    return ticks, placed_points(xs, points)


def _points(count: int, value: Fraction | None = Fraction(1, 2)) -> list[tuple[date, Fraction | None]]:
    start = date(2025, 1, 31)
    return [(start + timedelta(days=30 * n), value) for n in range(count)]


@pytest.mark.parametrize(
    "count, labelled",
    [
        (1, [0]),
        (2, [0, 1]),
        (5, [0, 1, 2, 3, 4]),  # every date while five fit
        (6, [0, 2, 5]),  # past five: the first, the last and every second one not crowding the last
        (12, [0, 3, 6, 11]),
    ],
)
def test_the_dates_under_the_axis_are_the_first_the_last_and_some_between(count, labelled):
    ticks, placed = chart_geometry(_points(count))
    points = _points(count)
    assert [tick.label for tick in ticks] == [points[i][0].strftime("%d/%m") for i in labelled]
    assert len(placed) == count


def test_points_spread_across_the_plot_a_single_one_in_its_middle():
    ticks, placed = chart_geometry(_points(1))
    assert placed == [(f"{(LEFT + WIDTH - RIGHT) / 2:.1f}", f"{TOP + PLOT_HEIGHT / 2:.1f}")]
    assert ticks[0].anchor == "middle"
    ticks, placed = chart_geometry(_points(3))
    assert [x for x, _y in placed] == [f"{LEFT:.1f}", f"{(LEFT + WIDTH - RIGHT) / 2:.1f}", f"{WIDTH - RIGHT:.1f}"]
    assert [tick.anchor for tick in ticks] == ["start", "middle", "end"]


@pytest.mark.parametrize("share, height", [(Fraction(0), AXIS_Y), (Fraction(1), TOP), (Fraction(1, 300), None)])
def test_a_value_sits_at_its_percentage_of_the_plots_height(share, height):
    """0% at the axis, 100% at the top, 1/3 of a percent just above the axis."""
    _ticks, [(_x, y)] = chart_geometry(_points(1, share))
    expected = height if height is not None else AXIS_Y - float(share) * PLOT_HEIGHT
    assert y == f"{expected:.1f}"


def test_a_date_without_a_figure_has_its_label_but_no_point():
    points = [*_points(2), (date(2025, 4, 30), None)]
    ticks, placed = chart_geometry(points)
    assert len(ticks) == 3 and len(placed) == 2
