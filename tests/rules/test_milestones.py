"""Milestones of a rising target: the helper's steps at month ends, and the Vietnamese forms they are typed in."""

from datetime import date
from decimal import Decimal as D

import pytest

from tracker.rules.milestones import (
    MilestoneInputError,
    Step,
    milestone_lines,
    month_end,
    parse_day,
    parse_milestone_lines,
    parse_number,
    rising_milestones,
)


@pytest.mark.parametrize(
    "start, on, step, until, expected",
    [
        # Seed 002: 50% by 30/9/2022, +15 a month, at least 80% → 65% on 31/10, 80% on 30/11.
        (
            "50",
            date(2022, 9, 30),
            "15",
            "80",
            [(date(2022, 9, 30), "50"), (date(2022, 10, 31), "65"), (date(2022, 11, 30), "80")],
        ),
        # Provincial dossiers: 30% then +15 until 60% → the last step lands exactly.
        (
            "30",
            date(2022, 9, 30),
            "15",
            "60",
            [(date(2022, 9, 30), "30"), (date(2022, 10, 31), "45"), (date(2022, 11, 30), "60")],
        ),
        # The last step is capped: 20 + 15 + 15 = 50, then 50 → 60 is only +10.
        (
            "20",
            date(2022, 9, 30),
            "15",
            "60",
            [
                (date(2022, 9, 30), "20"),
                (date(2022, 10, 31), "35"),
                (date(2022, 11, 30), "50"),
                (date(2022, 12, 31), "60"),
            ],
        ),
        # Already there: one milestone.
        ("80", date(2022, 9, 30), "15", "80", [(date(2022, 9, 30), "80")]),
        # A start that is not a month end: the next steps are the following month ends, over the year's end and
        # into a leap February.
        (
            "10",
            date(2023, 11, 15),
            "12,5",
            "50",
            [
                (date(2023, 11, 15), "10"),
                (date(2023, 12, 31), "22.5"),
                (date(2024, 1, 31), "35"),
                (date(2024, 2, 29), "47.5"),
                (date(2024, 3, 31), "50"),
            ],
        ),
    ],
)
def test_rising_target_steps_at_each_month_end_capped_at_the_last_value(start, on, step, until, expected):
    steps = rising_milestones(D(start), on, D(step.replace(",", ".")), D(until))
    assert steps == [Step(day, D(value)) for day, value in expected]


@pytest.mark.parametrize(
    "start, step, until, field",
    [
        ("50", "0", "80", "step"),
        ("50", "-5", "80", "step"),
        ("90", "15", "80", "until_value"),
        ("0", "0.01", "100", "step"),  # 10 000 months
    ],
)
def test_helper_refuses_what_cannot_rise(start, step, until, field):
    with pytest.raises(MilestoneInputError) as caught:
        rising_milestones(D(start), date(2022, 9, 30), D(step), D(until))
    assert caught.value.field == field


@pytest.mark.parametrize(
    "text, expected",
    [
        ("30/09/2022", date(2022, 9, 30)),
        ("30/9/2022", date(2022, 9, 30)),
        (" 1/1/2023 ", date(2023, 1, 1)),
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_dates_are_read_day_month_year(text, expected):
    assert parse_day(text, field="f", label="Ngày") == expected


@pytest.mark.parametrize("text", ["2022-09-30", "09/30/2022", "31/11/2022", "29/02/2023", "", "30/9/22"])
def test_dates_not_in_dd_mm_yyyy_or_not_in_the_calendar_are_refused_naming_the_field(text):
    with pytest.raises(MilestoneInputError) as caught:
        parse_day(text, field="start_on", label="Ngày đạt mức đầu")
    assert caught.value.field == "start_on"
    assert str(caught.value).startswith("Ngày đạt mức đầu:")


@pytest.mark.parametrize("text, expected", [("50", "50"), ("72,5", "72.5"), ("80%", "80"), (" 0,25 ", "0.25")])
def test_numbers_take_a_decimal_comma(text, expected):
    assert parse_number(text, field="f", label="Giá trị") == D(expected)


@pytest.mark.parametrize(
    "text, at_most", [("72.5", None), ("abc", None), ("-1", None), ("101", D(100)), ("1,234", None), ("", None)]
)
def test_numbers_with_a_point_letters_negatives_too_large_or_too_precise_are_refused(text, at_most):
    with pytest.raises(MilestoneInputError) as caught:
        parse_number(text, field="value", label="Giá trị", at_most=at_most)
    assert caught.value.field == "value"
    assert "Giá trị:" in str(caught.value)


def test_milestone_lines_round_trip():
    steps = rising_milestones(D(50), date(2022, 9, 30), D("12.5"), D(80))
    text = milestone_lines(steps)
    assert text.splitlines() == ["30/09/2022: 50", "31/10/2022: 62,5", "30/11/2022: 75", "31/12/2022: 80"]
    assert parse_milestone_lines(text, field="m") == steps


@pytest.mark.parametrize(
    "text, line",
    [
        ("30/09/2022: 50\n31/10/2022 → 65\n31/10/2022: 70", 3),  # repeated date
        ("30/09/2022: 50\n30/08/2022: 65", 2),  # going back
        ("30/09/2022 năm mươi", 1),
        ("\n\n30/09/2022", 3),
    ],
)
def test_milestone_lines_out_of_order_or_unreadable_name_the_line(text, line):
    with pytest.raises(MilestoneInputError) as caught:
        parse_milestone_lines(text, field="milestones")
    assert f"dòng {line}" in str(caught.value)


def test_month_end():
    assert month_end(date(2022, 2, 3)) == date(2022, 2, 28)
