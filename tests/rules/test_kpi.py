"""KPI figures: ratios worked out exactly, contradicting counts refused by name, targets met or not, reporting months."""

import pickle
from dataclasses import fields, replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from tracker.rules.kpi import (
    FIELD_LABELS,
    FIELDS,
    MET,
    NO_DATA,
    NOT_APPLICABLE,
    NOT_MET,
    RANGE,
    STATUS_LABELS,
    VALUE,
    Attainment,
    Conflict,
    Counts,
    InconsistentFigures,
    Milestone,
    Period,
    Ratio,
    TargetRule,
    attainment,
    check_counts,
    format_percent,
    format_points,
    is_report_missing,
    last_due_period,
    period_of,
    ratios,
    report_day_refusal,
    round_percent,
    target_in_force,
)

# Cục Bản quyền tác giả as of 15/5/2023, the plan's own worked example (Appendix 1 notes).
COPYRIGHT_OFFICE = Counts(
    procedures_total=12,
    full_online_eligible=6,
    full_online_provided=6,
    partial_online_accepting=6,
    procedures_with_dossiers=10,
    procedures_with_online_dossiers=8,
    dossiers_total=1458,
    dossiers_online=134,
)
EXAMPLE_DAY = date(2023, 5, 15)
ZEROS = Counts(**dict.fromkeys(FIELDS, 0))

NO_DATA_TEXT = "chưa có số liệu"


def conflicts_of(counts):
    """The conflicts check_counts reports, or [] when the counts agree."""
    try:
        check_counts(counts)
    except InconsistentFigures as exc:
        return exc.conflicts
    return []


def mapping_conflicts(data):
    """The conflicts Counts.from_mapping reports, or [] when it accepts the data."""
    try:
        Counts.from_mapping(data)
    except InconsistentFigures as exc:
        return exc.conflicts
    return []


def value(percent):
    """A percentage given as text, as a Decimal."""
    return Decimal(percent)


# --- The plan's example -------------------------------------------------------------------------


def test_the_plan_example_gives_the_plan_ratios():
    first, second, third = ratios(COPYRIGHT_OFFICE)
    assert first == Ratio(1, 6, 6, Fraction(1))
    assert second == Ratio(2, 8, 10, Fraction(4, 5))
    assert third == Ratio(3, 134, 1458, Fraction(134, 1458))
    assert [format_percent(r.value) for r in (first, second, third)] == ["100%", "80%", "9,2%"]


def test_the_plan_example_is_consistent():
    check_counts(COPYRIGHT_OFFICE)


def test_ratios_are_exact_and_never_rounded_early():
    third = ratios(COPYRIGHT_OFFICE)[2]
    assert third.percent == Fraction(13400, 1458)
    assert round_percent(third.value) == Decimal("9.2")


# --- Ratios and their display -------------------------------------------------------------------


def shown(numerator, denominator, text, id):
    """One row: a ratio and how it reads."""
    return pytest.param(numerator, denominator, text, id=id)


DISPLAY = [
    shown(6, 6, "100%", "whole-drops-trailing-zero"),
    shown(1, 1, "100%", "one-of-one"),
    shown(8, 10, "80%", "eighty"),
    shown(134, 1458, "9,2%", "plan-example-decimal-comma"),
    shown(1, 3, "33,3%", "third-rounds-down"),
    shown(2, 3, "66,7%", "two-thirds-rounds-up"),
    shown(1, 8, "12,5%", "eighth-exact"),
    shown(0, 5, "0%", "zero-numerator-is-zero-not-no-data"),
    shown(9, 10, "90%", "nine-tenths"),
    shown(1, 2000, "0,1%", "half-up-at-0.05"),
    shown(1, 16, "6,3%", "half-up-not-half-even-6.25"),
    shown(3, 16, "18,8%", "half-up-18.75"),
    shown(7, 2000, "0,4%", "half-up-0.35-where-floats-drift"),
    shown(29, 2000, "1,5%", "half-up-1.45-where-floats-drift"),
    shown(1, 3000, "0%", "tiny-rounds-to-zero"),
    shown(999, 1000, "99,9%", "just-under-whole"),
    shown(9999, 10000, "100%", "99.99-rounds-to-100"),
    shown(1, 7, "14,3%", "seventh"),
]


@pytest.mark.parametrize("numerator, denominator, text", DISPLAY)
def test_a_ratio_reads_with_one_decimal_rounded_half_up(numerator, denominator, text):
    assert format_percent(Fraction(numerator, denominator)) == text


@pytest.mark.parametrize(
    "ratio_value, percent",
    [
        pytest.param(Fraction(134, 1458), "9.2", id="plan-example"),
        pytest.param(Fraction(1), "100.0", id="whole"),
        pytest.param(Fraction(1, 2000), "0.1", id="half-up-boundary"),
        pytest.param(Fraction(1, 16), "6.3", id="half-up-not-half-even"),
        pytest.param(Fraction(0), "0.0", id="zero"),
    ],
)
def test_round_percent_rounds_the_exact_fraction_to_one_decimal(ratio_value, percent):
    rounded = round_percent(ratio_value)
    assert rounded == Decimal(percent)
    assert rounded.as_tuple().exponent == -1


def test_no_data_reads_as_such_and_rounds_to_nothing():
    assert format_percent(None) == NO_DATA_TEXT
    assert round_percent(None) is None


@pytest.mark.parametrize(
    "field, number",
    [
        pytest.param("full_online_eligible", 1, id="indicator-1-no-eligible-procedures"),
        pytest.param("procedures_with_dossiers", 2, id="indicator-2-no-procedure-had-dossiers"),
        pytest.param("dossiers_total", 3, id="indicator-3-no-dossiers"),
    ],
)
def test_a_zero_denominator_means_no_data_never_zero_nor_an_error(field, number):
    counts = replace(COPYRIGHT_OFFICE, **{field: 0})
    ratio = ratios(counts)[number - 1]
    assert ratio.number == number
    assert ratio.denominator == 0
    assert ratio.value is None
    assert ratio.percent is None
    assert format_percent(ratio.value) == NO_DATA_TEXT


def test_all_zero_counts_are_valid_and_give_no_data_everywhere():
    check_counts(ZEROS)
    assert [r.value for r in ratios(ZEROS)] == [None, None, None]
    assert [r.number for r in ratios(ZEROS)] == [1, 2, 3]


def test_percent_is_the_value_times_a_hundred():
    assert Ratio(2, 8, 10, Fraction(4, 5)).percent == Fraction(80)


@pytest.mark.parametrize(
    "points, text",
    [
        pytest.param(30 - Fraction(13400, 1458), "20,8 điểm %", id="plan-example-gap"),
        pytest.param(Fraction(10), "10 điểm %", id="whole-points"),
        pytest.param(Fraction(0), "0 điểm %", id="met-no-gap"),
        pytest.param(Fraction(5, 100), "0,1 điểm %", id="half-up"),
        pytest.param(Fraction(1, 100), "dưới 0,1 điểm %", id="too-small-to-show-is-not-zero"),
        pytest.param(None, "", id="none-is-empty"),
    ],
)
def test_a_gap_reads_in_percentage_points(points, text):
    assert format_points(points) == text


# --- Reading entered counts ---------------------------------------------------------------------


def entered(**changes):
    """The plan example as a form would send it, with some values replaced."""
    return {**{name: str(getattr(COPYRIGHT_OFFICE, name)) for name in FIELDS}, **changes}


@pytest.mark.parametrize(
    "raw, count",
    [
        pytest.param(1458, 1458, id="int"),
        pytest.param("1458", 1458, id="digits"),
        pytest.param("1.458", 1458, id="dot-thousands"),
        pytest.param("1,458", 1458, id="comma-thousands"),
        pytest.param("1 458", 1458, id="space-thousands"),
        pytest.param("1\u00a0458", 1458, id="nbsp-thousands"),
        pytest.param(" 1458 ", 1458, id="surrounding-spaces"),
        pytest.param("1.234.567", 1234567, id="several-groups"),
        pytest.param("0", 0, id="zero"),
        pytest.param("007", 7, id="leading-zeros"),
        pytest.param(1458.0, 1458, id="whole-float-from-a-spreadsheet"),
        pytest.param(Decimal("1458"), 1458, id="decimal"),
        pytest.param("１４５８", 1458, id="full-width-digits"),
    ],
)
def test_entered_counts_are_read_as_whole_numbers(raw, count):
    counts = Counts.from_mapping(entered(dossiers_total=raw))
    assert counts.dossiers_total == count
    assert type(counts.dossiers_total) is int


def test_from_mapping_ignores_keys_that_are_not_counts():
    assert Counts.from_mapping({**entered(), "as_of": "2023-05-15"}) == COPYRIGHT_OFFICE


@pytest.mark.parametrize(
    "raw, shown_as",
    [
        pytest.param(-3, "-3", id="negative-int"),
        pytest.param("-3", "-3", id="negative-text"),
        pytest.param("abc", "abc", id="letters"),
        pytest.param(1.5, "1.5", id="fractional-float"),
        pytest.param("1.5", "1.5", id="fractional-text-is-not-thousands"),
        pytest.param("1,5", "1,5", id="decimal-comma-is-not-thousands"),
        pytest.param("1.45.8", "1.45.8", id="misgrouped-thousands"),
        pytest.param("1.458,000", "1.458,000", id="mixed-separators"),
        pytest.param(True, "True", id="true"),
        pytest.param(False, "False", id="false"),
        pytest.param(float("nan"), "nan", id="nan"),
        pytest.param([3], "[3]", id="list"),
        pytest.param("+3", "+3", id="plus-sign"),
    ],
)
def test_a_value_that_is_not_a_non_negative_whole_number_is_refused_by_name(raw, shown_as):
    conflicts = mapping_conflicts(entered(dossiers_total=raw))
    assert conflicts == [
        Conflict(
            ("dossiers_total",),
            f"Tổng số hồ sơ TTHC phát sinh phải là số nguyên không âm (đã nhập “{shown_as}”).",
        )
    ]


@pytest.mark.parametrize("raw", [None, "", "   "], ids=["none", "empty", "blank"])
def test_a_blank_value_is_reported_missing(raw):
    assert mapping_conflicts(entered(dossiers_online=raw)) == [
        Conflict(("dossiers_online",), "Thiếu Số hồ sơ phát sinh trực tuyến.")
    ]


def test_an_absent_key_is_reported_missing():
    data = entered()
    del data["procedures_total"]
    assert mapping_conflicts(data) == [Conflict(("procedures_total",), "Thiếu Tổng số TTHC.")]


def test_every_bad_field_is_reported_once_in_field_order():
    conflicts = mapping_conflicts(entered(procedures_total="abc", dossiers_total=-1, dossiers_online=None))
    assert [c.figures for c in conflicts] == [("procedures_total",), ("dossiers_total",), ("dossiers_online",)]


def test_an_empty_mapping_reports_all_eight_fields_missing():
    conflicts = mapping_conflicts({})
    assert [c.figures for c in conflicts] == [(name,) for name in FIELDS]
    assert all(c.message == f"Thiếu {FIELD_LABELS[c.figures[0]]}." for c in conflicts)


@pytest.mark.parametrize(
    "raw",
    [2_147_483_648, "9" * 5000, 1e20, 10**5000],
    ids=["over-32-bit", "huge-text", "huge-float", "int-too-long-to-print"],
)
def test_an_impossibly_large_count_is_refused_not_crashed_on(raw):
    conflicts = mapping_conflicts(entered(dossiers_total=raw))
    assert [c.figures for c in conflicts] == [("dossiers_total",)]
    assert conflicts[0].message.startswith("Tổng số hồ sơ TTHC phát sinh quá lớn (đã nhập “")
    assert len(conflicts[0].message) < 100  # a pasted wall of digits is cut short


def test_the_exception_text_joins_every_message():
    exc = InconsistentFigures([Conflict(("a",), "Một."), Conflict(("b",), "Hai.")])
    assert str(exc) == "Một. Hai."


def test_the_exception_survives_pickling():
    with pytest.raises(InconsistentFigures) as caught:
        Counts.from_mapping({})
    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.conflicts == caught.value.conflicts
    assert str(copy) == str(caught.value)


def test_counts_fields_are_the_declared_fields_in_order():
    assert tuple(f.name for f in fields(Counts)) == FIELDS
    assert tuple(FIELD_LABELS) == FIELDS


# --- Consistency rules --------------------------------------------------------------------------


def broken(changes, figures, parts, id):
    """One rule broken on its own: the plan example with `changes`, the figures named, text the message holds."""
    return pytest.param(changes, figures, parts, id=id)


RULES = [
    broken(
        {"full_online_provided": 7},
        ("full_online_provided", "full_online_eligible"),
        [
            "Số TTHC đủ điều kiện và đã được cung cấp DVCTT toàn trình (7)",
            "Số TTHC đủ điều kiện cung cấp DVCTT toàn trình (6)",
        ],
        "provided-not-above-eligible",
    ),
    broken(
        {
            "procedures_total": 5,
            "partial_online_accepting": 0,
            "procedures_with_dossiers": 6,
            "procedures_with_online_dossiers": 6,
        },
        ("full_online_eligible", "procedures_total"),
        ["Số TTHC đủ điều kiện cung cấp DVCTT toàn trình (6)", "Tổng số TTHC (5)"],
        "eligible-not-above-total",
    ),
    broken(
        {"partial_online_accepting": 7},
        ("partial_online_accepting", "procedures_total"),
        [
            "Số DVCTT một phần cho phép nộp hồ sơ trực tuyến (7)",
            "Tổng số TTHC (12)",
            "Số TTHC đủ điều kiện cung cấp DVCTT toàn trình (6)",
            "bằng 6",
        ],
        "partial-not-above-procedures-not-eligible",
    ),
    broken(
        {
            "procedures_with_online_dossiers": 11,
            "dossiers_total": 2000,
            "dossiers_online": 200,
            "procedures_with_dossiers": 10,
        },
        ("procedures_with_online_dossiers", "procedures_with_dossiers"),
        ["Số TTHC có phát sinh hồ sơ trực tuyến (11)", "Số TTHC cho phép nộp trực tuyến có phát sinh hồ sơ (10)"],
        "procedures-with-online-dossiers-not-above-procedures-with-dossiers",
    ),
    broken(
        {"procedures_with_dossiers": 13},
        ("procedures_with_dossiers", "partial_online_accepting"),
        [
            "Số TTHC cho phép nộp trực tuyến có phát sinh hồ sơ (13)",
            "Số TTHC đủ điều kiện và đã được cung cấp DVCTT toàn trình (6)",
            "Số DVCTT một phần cho phép nộp hồ sơ trực tuyến (6)",
            "bằng 12",
        ],
        "procedures-with-dossiers-not-above-those-allowing-online-submission",
    ),
    broken(
        {"dossiers_online": 1500},
        ("dossiers_online", "dossiers_total"),
        ["Số hồ sơ phát sinh trực tuyến (1500) không được lớn hơn Tổng số hồ sơ TTHC phát sinh (1458)."],
        "online-dossiers-not-above-all-dossiers",
    ),
    broken(
        {"dossiers_online": 5},
        ("dossiers_online", "procedures_with_online_dossiers"),
        ["Số hồ sơ phát sinh trực tuyến (5) không được nhỏ hơn Số TTHC có phát sinh hồ sơ trực tuyến (8)"],
        "online-dossiers-at-least-one-per-procedure-with-online-dossiers",
    ),
    broken(
        {"dossiers_total": 9, "dossiers_online": 9, "procedures_with_online_dossiers": 8},
        ("dossiers_total", "procedures_with_dossiers"),
        ["Tổng số hồ sơ TTHC phát sinh (9) không được nhỏ hơn Số TTHC cho phép nộp trực tuyến có phát sinh hồ sơ (10)"],
        "dossiers-at-least-one-per-procedure-with-dossiers",
    ),
]


@pytest.mark.parametrize("changes, figures, parts", RULES)
def test_each_rule_broken_on_its_own_is_one_conflict_naming_both_figures(changes, figures, parts):
    conflicts = conflicts_of(replace(COPYRIGHT_OFFICE, **changes))
    assert [c.figures for c in conflicts] == [figures]
    message = conflicts[0].message
    for part in parts:
        assert part in message
    for name in figures:
        assert FIELD_LABELS[name] in message


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"full_online_provided": 6, "full_online_eligible": 6}, id="provided-equal-eligible"),
        pytest.param(
            {
                "full_online_eligible": 12,
                "full_online_provided": 6,
                "partial_online_accepting": 0,
                "procedures_with_dossiers": 6,
                "procedures_with_online_dossiers": 6,
            },
            id="all-procedures-eligible-none-partial",
        ),
        pytest.param({"procedures_with_dossiers": 12}, id="every-procedure-allowing-online-had-dossiers"),
        pytest.param({"dossiers_online": 1458}, id="every-dossier-online"),
        pytest.param({"dossiers_online": 8}, id="one-online-dossier-per-procedure"),
        pytest.param({"dossiers_total": 10, "dossiers_online": 8}, id="one-dossier-per-procedure"),
    ],
)
def test_figures_at_the_limit_of_a_rule_are_accepted(changes):
    assert conflicts_of(replace(COPYRIGHT_OFFICE, **changes)) == []


def test_several_broken_rules_are_all_reported_in_rule_order():
    counts = replace(COPYRIGHT_OFFICE, full_online_provided=7, procedures_with_dossiers=14, dossiers_online=1500)
    conflicts = conflicts_of(counts)
    assert [c.figures for c in conflicts] == [
        ("full_online_provided", "full_online_eligible"),
        ("procedures_with_dossiers", "partial_online_accepting"),
        ("dossiers_online", "dossiers_total"),
    ]
    with pytest.raises(InconsistentFigures) as caught:
        check_counts(counts)
    assert str(caught.value) == " ".join(c.message for c in conflicts)


def test_eligible_above_total_is_reported_alone_not_as_a_negative_remainder():
    counts = replace(COPYRIGHT_OFFICE, procedures_total=4)
    conflicts = conflicts_of(counts)
    assert [c.figures for c in conflicts] == [("full_online_eligible", "procedures_total")]


def test_counts_built_directly_with_bad_values_are_refused_not_compared():
    counts = replace(COPYRIGHT_OFFICE, dossiers_total=-3, dossiers_online="134")
    conflicts = conflicts_of(counts)
    assert conflicts == [
        Conflict(("dossiers_total",), "Tổng số hồ sơ TTHC phát sinh phải là số nguyên không âm (đã nhập “-3”)."),
        Conflict(("dossiers_online",), "Số hồ sơ phát sinh trực tuyến phải là số nguyên không âm (đã nhập “134”)."),
    ]


# --- Targets ------------------------------------------------------------------------------------

# Group 3 (Cục Bản quyền tác giả among them): 100%, 50%, 30%.
GROUP3 = (
    TargetRule(VALUE, low=value("100")),
    TargetRule(VALUE, low=value("50")),
    TargetRule(VALUE, low=value("30")),
)
# Vụ Kế hoạch, Tài chính: indicator 1 done elsewhere, indicator 3 a 20–30% band.
CUSTOMS_NOTE = "Thực hiện thông qua Cơ chế một cửa Quốc gia, trên phần mềm của Tổng cục Hải quan cung cấp."
PLANNING_FINANCE_1 = TargetRule(NOT_APPLICABLE, note=CUSTOMS_NOTE)
PLANNING_FINANCE_3 = TargetRule(RANGE, low=value("20"), high=value("30"))
# Bà Rịa–Vũng Tàu, Decision 2139/QĐ-UBND (2022): a rising target.
RAMP = TargetRule(
    VALUE,
    milestones=(
        Milestone(date(2022, 9, 30), value("50")),
        Milestone(date(2022, 10, 31), value("65")),
        Milestone(date(2022, 11, 30), value("80")),
    ),
)


def test_the_plan_example_against_group_3_targets():
    first, second, third = (attainment(r, t, EXAMPLE_DAY) for r, t in zip(ratios(COPYRIGHT_OFFICE), GROUP3))
    assert first == Attainment(MET, value("100"), Fraction(0))
    assert second == Attainment(MET, value("50"), Fraction(0))
    assert third == Attainment(NOT_MET, value("30"), 30 - Fraction(13400, 1458))
    assert format_points(third.gap_points) == "20,8 điểm %"


def test_a_not_applicable_target_is_not_applicable_whatever_the_figures():
    result = attainment(ratios(COPYRIGHT_OFFICE)[0], PLANNING_FINANCE_1, EXAMPLE_DAY)
    assert result == Attainment(NOT_APPLICABLE, None, None)
    assert attainment(ratios(ZEROS)[0], PLANNING_FINANCE_1, EXAMPLE_DAY).status == NOT_APPLICABLE
    assert attainment(None, PLANNING_FINANCE_1, None).status == NOT_APPLICABLE
    assert PLANNING_FINANCE_1.note == CUSTOMS_NOTE
    assert target_in_force(PLANNING_FINANCE_1, EXAMPLE_DAY) is None


def reached(numerator, denominator, target, status, required, gap, id):
    """One attainment row: numerator/denominator against a target on the example day."""
    return pytest.param(numerator, denominator, target, status, required, gap, id=id)


ATTAINMENT = [
    reached(9, 10, TargetRule(VALUE, low=value("90")), MET, "90", 0, "nine-tenths-meets-90-exactly"),
    reached(89, 100, TargetRule(VALUE, low=value("90")), NOT_MET, "90", 1, "89-misses-90-by-one-point"),
    reached(20, 100, PLANNING_FINANCE_3, MET, "20", 0, "range-met-at-its-lower-bound"),
    reached(35, 100, PLANNING_FINANCE_3, MET, "20", 0, "range-above-its-upper-bound-still-met"),
    reached(19, 100, PLANNING_FINANCE_3, NOT_MET, "20", 1, "range-below-lower-bound"),
    reached(1999, 10000, PLANNING_FINANCE_3, NOT_MET, "20", Fraction(1, 100), "range-missed-by-a-hair"),
    reached(
        9999,
        10000,
        TargetRule(VALUE, low=value("100")),
        NOT_MET,
        "100",
        Fraction(1, 100),
        "99.99-shown-as-100-does-not-meet-100",
    ),
    reached(19, 200, TargetRule(VALUE, low=value("9.5")), MET, "9.5", 0, "decimal-target-met-exactly"),
]


@pytest.mark.parametrize("numerator, denominator, target, status, required, gap", ATTAINMENT)
def test_attainment_compares_the_exact_ratio_with_the_target(numerator, denominator, target, status, required, gap):
    ratio = Ratio(3, numerator, denominator, Fraction(numerator, denominator))
    assert attainment(ratio, target, EXAMPLE_DAY) == Attainment(status, Decimal(required), Fraction(gap))


def test_planning_finance_indicator_3_at_20_percent_meets_the_20_30_band():
    counts = replace(COPYRIGHT_OFFICE, dossiers_total=500, dossiers_online=100)
    result = attainment(ratios(counts)[2], PLANNING_FINANCE_3, EXAMPLE_DAY)
    assert result == Attainment(MET, value("20"), Fraction(0))
    assert STATUS_LABELS[result.status] == "Đạt"


@pytest.mark.parametrize(
    "ratio, target, as_of, required",
    [
        pytest.param(None, GROUP3[2], EXAMPLE_DAY, "30", id="no-ratio"),
        pytest.param(Ratio(3, 0, 0, None), GROUP3[2], EXAMPLE_DAY, "30", id="zero-denominator"),
        pytest.param(Ratio(3, 1, 2, Fraction(1, 2)), GROUP3[2], None, "30", id="no-date-fixed-target"),
        pytest.param(Ratio(3, 1, 2, Fraction(1, 2)), RAMP, None, None, id="no-date-rising-target"),
        pytest.param(Ratio(3, 1, 2, Fraction(1, 2)), None, EXAMPLE_DAY, None, id="no-target"),
    ],
)
def test_without_a_ratio_a_date_or_a_target_there_is_no_data(ratio, target, as_of, required):
    result = attainment(ratio, target, as_of)
    assert result == Attainment(NO_DATA, None if required is None else Decimal(required), None)


@pytest.mark.parametrize(
    "as_of, required",
    [
        pytest.param(date(2022, 9, 15), "50", id="before-the-first-milestone-takes-the-first"),
        pytest.param(date(2022, 9, 30), "50", id="on-the-first-milestone"),
        pytest.param(date(2022, 10, 15), "50", id="between-first-and-second"),
        pytest.param(date(2022, 10, 31), "65", id="on-the-second-milestone"),
        pytest.param(date(2022, 11, 29), "65", id="day-before-the-third"),
        pytest.param(date(2022, 11, 30), "80", id="on-the-third-milestone"),
        pytest.param(date(2022, 12, 31), "80", id="after-the-last-milestone"),
    ],
)
def test_a_rising_target_requires_the_latest_milestone_reached(as_of, required):
    assert target_in_force(RAMP, as_of) == Decimal(required)


def test_milestones_in_any_order_give_the_same_target():
    shuffled = replace(RAMP, milestones=tuple(reversed(RAMP.milestones)))
    assert [target_in_force(shuffled, d) for d in (date(2022, 9, 1), date(2022, 11, 1))] == [
        Decimal("50"),
        Decimal("65"),
    ]


def test_before_the_first_milestone_the_plain_target_applies_when_given():
    target = replace(RAMP, low=value("30"))
    assert target_in_force(target, date(2022, 9, 15)) == Decimal("30")
    assert target_in_force(target, date(2022, 9, 30)) == Decimal("50")


def test_without_milestones_the_plain_target_applies_on_any_day():
    assert target_in_force(GROUP3[2], date(2000, 1, 1)) == Decimal("30")
    assert target_in_force(PLANNING_FINANCE_3, date(2099, 1, 1)) == Decimal("20")


def test_an_unknown_target_kind_is_an_error():
    with pytest.raises(ValueError):
        target_in_force(TargetRule("percentage", low=value("10")), EXAMPLE_DAY)


@pytest.mark.parametrize(
    "as_of, status, required, gap",
    [
        pytest.param(date(2022, 10, 31), MET, "65", 0, id="70-meets-65-on-31-october"),
        pytest.param(date(2022, 11, 30), NOT_MET, "80", 10, id="70-misses-80-on-30-november-by-10"),
    ],
)
def test_the_same_ratio_meets_or_misses_a_rising_target_by_date(as_of, status, required, gap):
    seventy = Ratio(3, 70, 100, Fraction(7, 10))
    result = attainment(seventy, RAMP, as_of)
    assert result == Attainment(status, Decimal(required), Fraction(gap))
    if status == NOT_MET:
        assert format_points(result.gap_points) == "10 điểm %"


def test_every_status_has_a_vietnamese_label():
    assert STATUS_LABELS == {
        MET: "Đạt",
        NOT_MET: "Chưa đạt",
        NO_DATA: "Chưa có số liệu",
        NOT_APPLICABLE: "Không áp dụng",
    }


# --- Reporting periods --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, period",
    [
        pytest.param(date(2023, 8, 1), Period(2023, 8), id="first-day"),
        pytest.param(date(2023, 8, 31), Period(2023, 8), id="last-day"),
        pytest.param(date(2024, 2, 29), Period(2024, 2), id="leap-day"),
        pytest.param(datetime(2023, 12, 31, 23, 59), Period(2023, 12), id="datetime"),
    ],
)
def test_a_day_falls_in_its_month(day, period):
    assert period_of(day) == period


def test_a_period_knows_its_days_and_label():
    august = Period(2023, 8)
    assert (august.first_day, august.last_day, august.label) == (date(2023, 8, 1), date(2023, 8, 31), "tháng 8/2023")
    assert Period(2024, 2).last_day == date(2024, 2, 29)
    assert Period(2023, 2).last_day == date(2023, 2, 28)


@pytest.mark.parametrize(
    "period, due_day, deadline",
    [
        pytest.param(Period(2023, 8), 5, date(2023, 9, 5), id="august-due-5-september"),
        pytest.param(Period(2023, 12), 5, date(2024, 1, 5), id="december-due-5-january-next-year"),
        pytest.param(Period(2023, 1), 31, date(2023, 2, 28), id="clamped-to-february"),
        pytest.param(Period(2024, 1), 30, date(2024, 2, 29), id="clamped-to-leap-february"),
        pytest.param(Period(2023, 3), 31, date(2023, 4, 30), id="clamped-to-april"),
        pytest.param(Period(2023, 7), 1, date(2023, 8, 1), id="due-first-of-next-month"),
    ],
)
def test_a_month_is_due_on_due_day_of_the_next_month(period, due_day, deadline):
    assert period.deadline(due_day) == deadline


def test_the_default_due_day_is_the_fifth():
    assert Period(2023, 8).deadline() == date(2023, 9, 5)


def test_periods_order_by_year_then_month():
    assert Period(2022, 12) < Period(2023, 1) < Period(2023, 2)


@pytest.mark.parametrize("year, month", [(2023, 0), (2023, 13)], ids=["month-0", "month-13"])
def test_a_period_needs_a_real_month(year, month):
    with pytest.raises(ValueError):
        Period(year, month)


def test_a_due_day_below_one_is_an_error():
    with pytest.raises(ValueError):
        Period(2023, 8).deadline(0)


@pytest.mark.parametrize(
    "today, due_day, period",
    [
        pytest.param(date(2023, 9, 5), 5, Period(2023, 7), id="on-augusts-deadline-july-is-latest-due"),
        pytest.param(date(2023, 9, 6), 5, Period(2023, 8), id="day-after-augusts-deadline"),
        pytest.param(date(2023, 9, 30), 5, Period(2023, 8), id="end-of-september"),
        pytest.param(date(2023, 9, 1), 5, Period(2023, 7), id="start-of-september"),
        pytest.param(date(2024, 1, 5), 5, Period(2023, 11), id="on-decembers-deadline"),
        pytest.param(date(2024, 1, 6), 5, Period(2023, 12), id="after-decembers-deadline-across-the-year"),
        pytest.param(date(2024, 1, 3), 5, Period(2023, 11), id="early-january"),
        pytest.param(date(2023, 3, 1), 31, Period(2023, 1), id="clamped-deadline-28-february-passed"),
        pytest.param(date(2023, 2, 28), 31, Period(2022, 12), id="on-clamped-deadline"),
        pytest.param(datetime(2023, 9, 6, 8, 0), 5, Period(2023, 8), id="datetime"),
        pytest.param(date(1, 2, 6), 5, Period(1, 1), id="first-month-of-the-calendar"),
    ],
)
def test_the_last_due_period_is_the_latest_whose_deadline_has_passed(today, due_day, period):
    assert last_due_period(today, due_day) == period


@pytest.mark.parametrize("today", [date(1, 1, 31), date(1, 2, 5)], ids=["in-january-year-1", "on-its-deadline"])
def test_before_any_month_was_due_there_is_no_last_due_period(today):
    assert last_due_period(today) is None


def test_the_default_due_day_for_the_last_due_period_is_the_fifth():
    assert last_due_period(date(2023, 9, 6)) == Period(2023, 8)


@pytest.mark.parametrize(
    "latest_as_of, missing",
    [
        pytest.param(None, True, id="never-reported"),
        pytest.param(date(2023, 7, 31), True, id="last-report-before-the-month"),
        pytest.param(date(2023, 8, 1), False, id="report-on-the-first-day"),
        pytest.param(date(2023, 8, 31), False, id="report-at-month-end"),
        pytest.param(date(2023, 9, 4), False, id="later-report-covers-the-month"),
    ],
)
def test_a_report_is_missing_until_one_dates_from_the_month_on(latest_as_of, missing):
    assert is_report_missing(Period(2023, 8), latest_as_of) is missing


@pytest.mark.parametrize(
    ("as_of", "refused"),
    [
        (date(2023, 9, 15), None),
        (date(2000, 1, 1), None),
        (date(2023, 9, 16), "Ngày số liệu (16/09/2023) không được sau hôm nay (15/09/2023)."),
        (date(1999, 12, 31), "Ngày số liệu (31/12/1999) không được trước 01/01/2000: hãy kiểm tra lại năm."),
        (date(1023, 9, 1), "Ngày số liệu (01/09/1023) không được trước 01/01/2000: hãy kiểm tra lại năm."),
    ],
)
def test_figures_are_dated_from_2000_to_today(as_of, refused):
    assert report_day_refusal(as_of, date(2023, 9, 15)) == refused
