"""The 766-style score: each part, the re-normalised weighted mean, rounding and bands, and the settings check."""

from decimal import Decimal
from fractions import Fraction

import pytest

from tracker.rules.lifecycle import DONE_LATE, DONE_ON_TIME, NOT_DONE_IN_TIME, NOT_DONE_OVERDUE
from tracker.rules.score import (
    AVERAGE,
    DEFAULTS,
    DELIVERY,
    DISCIPLINE,
    EXCELLENT,
    FAIR,
    GOOD,
    KPI,
    WEAK,
    IndicatorStanding,
    ScoreSettings,
    UnitFacts,
    band_of,
    delivery_part,
    discipline_part,
    kpi_part,
    score,
    settings_problems,
)


def classes(on_time=0, late=0, overdue=0, in_time=0):
    return {DONE_ON_TIME: on_time, DONE_LATE: late, NOT_DONE_OVERDUE: overdue, NOT_DONE_IN_TIME: in_time}


@pytest.mark.parametrize(
    "counts, late_credit, expected",
    [
        (classes(on_time=4), 50, Fraction(100)),
        (classes(overdue=3), 50, Fraction(0)),
        (classes(on_time=1, late=1), 50, Fraction(100 + 50, 2)),
        (classes(on_time=1, late=1, overdue=1), 50, Fraction(100 + 50 + 0, 3)),
        (classes(on_time=1, late=1, overdue=1), 0, Fraction(100 + 0 + 0, 3)),
        (classes(on_time=2, in_time=5), 50, Fraction(100)),  # in time: not judged yet
        (classes(in_time=5), 50, None),  # nothing judged: left out
        (classes(), 50, None),
    ],
)
def test_delivery_is_the_mean_over_judged_assignments(counts, late_credit, expected):
    assert delivery_part(counts, late_credit) == expected


@pytest.mark.parametrize(
    "indicators, expected",
    [
        ([IndicatorStanding(Decimal("80"), Fraction(90))], Fraction(100)),  # met: capped at the target
        ([IndicatorStanding(Decimal("80"), Fraction(40))], Fraction(50)),  # half the target
        ([IndicatorStanding(Decimal("80"), None)], Fraction(0)),  # a target and no figure
        ([IndicatorStanding(None, Fraction(40))], None),  # no target in force: left out
        ([IndicatorStanding(Decimal("0"), Fraction(0))], Fraction(100)),
        (
            [IndicatorStanding(Decimal("100"), Fraction(100)), IndicatorStanding(Decimal("30"), Fraction(6))],
            (Fraction(100) + 100 * Fraction(6, 30)) / 2,  # (100 + 20) / 2
        ),
        ([], None),
    ],
)
def test_kpi_is_the_mean_share_of_target(indicators, expected):
    assert kpi_part(indicators) == expected


@pytest.mark.parametrize(
    "facts, expected",
    [
        (UnitFacts({}, figures_due=4, figures_on_time=1), Fraction(25)),
        (UnitFacts({}, ongoing_due=2, ongoing_reported=2), Fraction(100)),
        (UnitFacts({}, figures_due=4, figures_on_time=1, ongoing_due=2, ongoing_reported=1), Fraction(25 + 50, 2)),
        (UnitFacts({}), None),
    ],
)
def test_discipline_is_the_mean_of_the_shares_the_unit_has(facts, expected):
    assert discipline_part(facts) == expected


@pytest.mark.parametrize(
    "facts, expected_score, expected_band",
    [
        # All three parts: (60×100 + 25×50 + 15×0) / 100 = 72.5
        (
            UnitFacts(classes(on_time=2), [IndicatorStanding(Decimal("80"), Fraction(40))], figures_due=1),
            Decimal("72.5"),
            FAIR,
        ),
        # Delivery alone (no target, nothing due): the score is the delivery part, 150/2 = 75
        (UnitFacts(classes(on_time=1, late=1)), Decimal("75.0"), FAIR),
        # Delivery 100 and discipline 0, no KPI: (60×100 + 15×0) / 75 = 80
        (UnitFacts(classes(on_time=1), ongoing_due=1), Decimal("80.0"), GOOD),
        # Delivery 200/3 and KPI 100: (60×200/3 + 25×100) / 85 = 6500/85 = 76.470… → 76.5
        (
            UnitFacts(classes(on_time=1, late=2), [IndicatorStanding(Decimal("50"), Fraction(70))]),
            Decimal("76.5"),
            FAIR,
        ),
        (UnitFacts(classes(overdue=1)), Decimal("0.0"), WEAK),
        (UnitFacts(classes(on_time=9, late=1)), Decimal("95.0"), EXCELLENT),
        (UnitFacts(classes(in_time=3)), None, None),  # nothing to judge yet: no score
    ],
)
def test_score_is_the_weighted_mean_of_the_parts_present(facts, expected_score, expected_band):
    result = score(facts)
    assert result.score == expected_score
    assert result.band == expected_band


def test_left_out_part_is_none_and_others_renormalised():
    result = score(UnitFacts(classes(on_time=1), ongoing_due=2, ongoing_reported=1))
    assert result.parts == {DELIVERY: Fraction(100), KPI: None, DISCIPLINE: Fraction(50)}
    # (60×100 + 15×50) / (60 + 15) = 6750 / 75 = 90
    assert result.score == Decimal("90.0")
    assert result.band == EXCELLENT


def test_score_rounds_half_up_and_bands_on_the_rounded_score():
    # Delivery 1/3 on time of 3 with credit 0 is 33.33…; weights 100/0/0 keep it alone.
    only_delivery = ScoreSettings(delivery_weight=100, kpi_weight=0, discipline_weight=0, late_credit=0)
    assert score(UnitFacts(classes(on_time=1, overdue=2)), only_delivery).score == Decimal("33.3")
    # A KPI part of 89.95 rounds half up to 90.0, which is excellent; the band reads the rounded score.
    halves = ScoreSettings(delivery_weight=0, kpi_weight=100, discipline_weight=0)
    result = score(UnitFacts({}, [IndicatorStanding(Decimal("100"), Fraction(8995, 100))]), halves)
    assert (result.score, result.band) == (Decimal("90.0"), EXCELLENT)
    assert band_of(Decimal("89.9")) == GOOD
    assert band_of(Decimal("90.0")) == EXCELLENT


@pytest.mark.parametrize(
    "value, band",
    [
        (Decimal("100"), EXCELLENT),
        (Decimal("90"), EXCELLENT),
        (Decimal("89.9"), GOOD),
        (Decimal("80"), GOOD),
        (Decimal("79.9"), FAIR),
        (Decimal("65"), FAIR),
        (Decimal("64.9"), AVERAGE),
        (Decimal("50"), AVERAGE),
        (Decimal("49.9"), WEAK),
        (Decimal("0"), WEAK),
        (None, None),
    ],
)
def test_default_bands_follow_decision_766(value, band):
    assert band_of(value, DEFAULTS) == band


def test_bands_follow_the_settings():
    strict = ScoreSettings(excellent=95, good=85, fair=70, average=55)
    assert band_of(Decimal("92"), strict) == GOOD
    assert band_of(Decimal("54"), strict) == WEAK


@pytest.mark.parametrize(
    "changes, fields",
    [
        ({}, set()),
        ({"delivery_weight": 50}, {"delivery_weight"}),  # 50 + 25 + 15 = 90
        ({"delivery_weight": 100, "kpi_weight": 0, "discipline_weight": 0}, set()),
        ({"good": 90}, {"excellent"}),  # not descending
        ({"fair": 85}, {"excellent"}),
        ({"average": 0, "fair": 10, "good": 20, "excellent": 30}, {"average"}),
        ({"late_credit": 101}, {"late_credit"}),
        ({"kpi_weight": -1}, {"kpi_weight"}),
    ],
)
def test_settings_are_checked(changes, fields):
    problems = settings_problems(ScoreSettings(**{**DEFAULTS.__dict__, **changes}))
    assert set(problems) == fields
