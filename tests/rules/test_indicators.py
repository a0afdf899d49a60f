"""Indicator definitions as data: the figures a definition asks for, the checks every definition's figures pass
(whole numbers ≥ 0, numerator ≤ denominator, a percentage 0–100 with a decimal comma), what each indicator
reads, and counts judged against a target count; Decision 1872's definition keeps its own cross-checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from tracker.rules.indicators import (
    COUNT,
    PERCENT,
    RATIO,
    SCHEME_1872,
    SCHEME_PLAN,
    Definition,
    IndicatorSpec,
    check_figures,
    definition_problems,
    readings,
    spec_1872,
)
from tracker.rules.kpi import FIELDS, MET, NO_DATA, NOT_MET, InconsistentFigures, Milestone, TargetRule, attainment

OWN = Definition(
    SCHEME_PLAN,
    (
        IndicatorSpec(1, "Tỷ lệ hồ sơ trực tuyến", RATIO, "online", "received", "Số hồ sơ trực tuyến", "Tổng số hồ sơ"),
        IndicatorSpec(2, "Tỷ lệ thanh toán trực tuyến", PERCENT, "paid", numerator_label="Tỷ lệ thanh toán"),
        IndicatorSpec(3, "Số cuộc họp", COUNT, "meetings", numerator_label="Số cuộc họp", unit_of_measure="cuộc"),
        # Shares its denominator with (1): asked once.
        IndicatorSpec(4, "Tỷ lệ hồ sơ đúng hạn", RATIO, "on_time", "received", "Số hồ sơ đúng hạn", "Tổng số hồ sơ"),
    ),
)
GOOD = {"online": "60", "received": "100", "paid": "45,5", "meetings": 12, "on_time": 90}
BUILT_IN = Definition(SCHEME_1872, tuple(spec_1872(n, f"({n})") for n in (1, 2, 3)))
EXAMPLE = dict(zip(FIELDS, (12, 6, 6, 6, 10, 8, 1458, 134)))


def test_a_definition_asks_for_each_figure_once_with_its_own_label():
    assert [(f.key, f.label, f.kind) for f in OWN.fields] == [
        ("online", "Số hồ sơ trực tuyến", COUNT),
        ("received", "Tổng số hồ sơ", COUNT),
        ("paid", "Tỷ lệ thanh toán", PERCENT),
        ("meetings", "Số cuộc họp", COUNT),
        ("on_time", "Số hồ sơ đúng hạn", COUNT),
    ]


def test_the_1872_definition_asks_for_the_eight_counts():
    assert BUILT_IN.keys == FIELDS
    assert BUILT_IN.label("dossiers_online") == "Số hồ sơ phát sinh trực tuyến"


def test_good_figures_are_stored_as_whole_numbers_and_a_decimal_string():
    assert check_figures(OWN, GOOD) == {"online": 60, "received": 100, "paid": "45.5", "meetings": 12, "on_time": 90}


@pytest.mark.parametrize(
    "changes, figures, words",
    [
        (
            {"online": "120"},
            ("online", "received"),
            "Số hồ sơ trực tuyến (120) không được lớn hơn Tổng số hồ sơ (100).",
        ),
        ({"on_time": 101}, ("on_time", "received"), "Số hồ sơ đúng hạn (101) không được lớn hơn Tổng số hồ sơ (100)."),
        ({"online": "-1"}, ("online",), "Số hồ sơ trực tuyến phải là số nguyên không âm"),
        ({"online": "1,5"}, ("online",), "Số hồ sơ trực tuyến phải là số nguyên không âm"),
        ({"meetings": True}, ("meetings",), "Số cuộc họp phải là số nguyên không âm"),
        ({"meetings": "9" * 40}, ("meetings",), "Số cuộc họp quá lớn"),
        ({"received": ""}, ("received",), "Thiếu Tổng số hồ sơ."),
        ({"paid": "100,1"}, ("paid",), "Tỷ lệ thanh toán phải là tỷ lệ phần trăm từ 0 đến 100"),
        ({"paid": "-5"}, ("paid",), "Tỷ lệ thanh toán phải là tỷ lệ phần trăm từ 0 đến 100"),
        ({"paid": "abc"}, ("paid",), "Tỷ lệ thanh toán phải là tỷ lệ phần trăm từ 0 đến 100"),
        ({"paid": None}, ("paid",), "Thiếu Tỷ lệ thanh toán."),
    ],
)
def test_bad_figures_are_refused_naming_the_indicators_own_labels(changes, figures, words):
    with pytest.raises(InconsistentFigures) as refused:
        check_figures(OWN, {**GOOD, **changes})
    [conflict] = refused.value.conflicts
    assert conflict.figures == figures
    assert words in conflict.message


@pytest.mark.parametrize(
    "raw, stored",
    [("72,5", "72.5"), ("72.5", "72.5"), (72.5, "72.5"), (100, "100"), ("0", "0"), ("45 %", "45"), ("100,0", "100")],
)
def test_a_percentage_takes_a_decimal_comma_or_point(raw, stored):
    assert check_figures(OWN, {**GOOD, "paid": raw})["paid"] == stored


def test_the_1872_cross_checks_stay_for_that_definition_only():
    # More procedures with online dossiers than online dossiers breaks a 1872 cross-check...
    with pytest.raises(InconsistentFigures) as refused:
        check_figures(BUILT_IN, {**EXAMPLE, "dossiers_online": 5})
    assert "Số hồ sơ phát sinh trực tuyến (5) không được nhỏ hơn" in str(refused.value)
    # ...while a plan's own definition has only the general checks.
    assert check_figures(OWN, {**GOOD, "online": 0, "on_time": 0})["online"] == 0


def test_each_kind_reads_its_figures():
    values = readings(OWN, check_figures(OWN, GOOD))
    assert (values[1].kind, values[1].value, values[1].percent) == (RATIO, Fraction(3, 5), 60)
    assert (values[2].kind, values[2].value, values[2].percent) == (PERCENT, Fraction(455, 1000), Fraction(91, 2))
    assert (values[3].kind, values[3].value, values[3].percent) == (COUNT, 12, None)


def test_a_zero_denominator_is_no_data_never_zero_percent():
    values = readings(OWN, {**check_figures(OWN, GOOD), "online": 0, "received": 0, "on_time": 0})
    assert values[1].value is None and values[4].value is None
    assert attainment(values[1], TargetRule("value", Decimal(50)), date(2022, 10, 31)).status == NO_DATA


def test_figures_missing_a_key_read_as_no_data():
    assert readings(OWN, {"online": 1}) == {1: None, 2: None, 3: None, 4: None}


def test_the_1872_definition_reads_the_ratios_as_decision_1872_computes_them():
    values = readings(BUILT_IN, EXAMPLE)
    assert [values[n].value for n in (1, 2, 3)] == [1, Fraction(4, 5), Fraction(134, 1458)]


@pytest.mark.parametrize(
    "count, target, status, gap",
    [
        (12, TargetRule("value", Decimal(10)), MET, 0),
        (10, TargetRule("value", Decimal(10)), MET, 0),
        (8, TargetRule("value", Decimal(10)), NOT_MET, 2),
        (8, TargetRule("range", Decimal(5), Decimal(20)), MET, 0),
        # A rising count target: 5 by 30/9, 10 by 31/10 — on 31/10 ten are due.
        (
            8,
            TargetRule(
                "value",
                None,
                milestones=(Milestone(date(2022, 9, 30), Decimal(5)), Milestone(date(2022, 10, 31), Decimal(10))),
            ),
            NOT_MET,
            2,
        ),
    ],
)
def test_a_count_is_held_against_a_target_count(count, target, status, gap):
    reading = readings(OWN, {**check_figures(OWN, GOOD), "meetings": count})[3]
    result = attainment(reading, target, date(2022, 10, 31))
    assert (result.status, result.gap_points) == (status, gap)


def test_a_reported_percentage_is_compared_as_a_percentage_against_the_milestone_in_force():
    reading = readings(OWN, check_figures(OWN, GOOD))[2]
    rising = TargetRule(
        "value",
        Decimal(50),
        milestones=(Milestone(date(2022, 9, 30), Decimal(40)), Milestone(date(2022, 10, 31), Decimal(55))),
    )
    assert attainment(reading, rising, date(2022, 10, 15)).status == MET  # 45,5% ≥ 40%
    late = attainment(reading, rising, date(2022, 10, 31))
    assert (late.status, late.gap_points) == (NOT_MET, Fraction(19, 2))  # 55 − 45,5


@pytest.mark.parametrize(
    "spec, words",
    [
        (IndicatorSpec(1, "x", "share", "a"), "loại “share” không hợp lệ"),
        (IndicatorSpec(1, "x", RATIO, "a"), "chưa có mẫu số"),
        (IndicatorSpec(1, "x", RATIO, "a", "a"), "hai số liệu khác nhau"),
        (IndicatorSpec(1, "x", COUNT, ""), "chưa có số liệu nào"),
    ],
)
def test_a_definition_that_cannot_be_reported_on_says_why(spec, words):
    [problem] = definition_problems([spec])
    assert words in problem


def test_a_sound_definition_has_no_problems():
    assert definition_problems(OWN.indicators) == []
