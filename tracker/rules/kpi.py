"""The three Appendix 1 ratios from a unit's raw counts, their consistency, target attainment and reporting months."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple, overload

from .texts import Text, known, t

FIELDS = (
    "procedures_total",
    "full_online_eligible",
    "full_online_provided",
    "partial_online_accepting",
    "procedures_with_dossiers",
    "procedures_with_online_dossiers",
    "dossiers_total",
    "dossiers_online",
)
FIELD_LABELS = {
    "procedures_total": "Tổng số TTHC",
    "full_online_eligible": "Số TTHC đủ điều kiện cung cấp DVCTT toàn trình",
    "full_online_provided": "Số TTHC đủ điều kiện và đã được cung cấp DVCTT toàn trình",
    "partial_online_accepting": "Số DVCTT một phần cho phép nộp hồ sơ trực tuyến",
    "procedures_with_dossiers": "Số TTHC cho phép nộp trực tuyến có phát sinh hồ sơ",
    "procedures_with_online_dossiers": "Số TTHC có phát sinh hồ sơ trực tuyến",
    "dossiers_total": "Tổng số hồ sơ TTHC phát sinh",
    "dossiers_online": "Số hồ sơ phát sinh trực tuyến",
}
# Decision 1872's three ratios by number (as Appendix 1 numbers them): the counts each one divides.
RATIO_KEYS = {
    1: ("full_online_provided", "full_online_eligible"),
    2: ("procedures_with_online_dossiers", "procedures_with_dossiers"),
    3: ("dossiers_online", "dossiers_total"),
}

# The largest count a report may hold: the database column is a 32-bit integer, and no unit
# handles anywhere near two billion dossiers, so a bigger figure is a typing slip.
MAX_COUNT = 2_147_483_647

# Digits alone, or groups of three split by one kind of thousands separator ("1.458", "1,458", "1 458").
_COUNT_RE = re.compile(r"[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+")
_SPACES_RE = re.compile(r"\s+")
# A pasted value quoted back in a message is cut here so the message stays readable.
_MAX_QUOTED = 30

VALUE, RANGE, NOT_APPLICABLE = "value", "range", "not_applicable"
TARGET_KINDS = (VALUE, RANGE, NOT_APPLICABLE)

MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"
STATUS_LABELS = {
    MET: "Đạt",
    NOT_MET: "Chưa đạt",
    NO_DATA: "Chưa có số liệu",
    NOT_APPLICABLE: "Không áp dụng",
}

NO_DATA_TEXT = "chưa có số liệu"


@dataclass(frozen=True)
class Conflict:
    """Figures that cannot all be right, and what is wrong with them in Vietnamese."""

    figures: tuple[str, ...]
    message: str


class InconsistentFigures(Exception):
    """Counts that cannot be recorded, with one Conflict per problem found."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = list(conflicts)
        # The list itself is the only argument so the exception survives pickling intact.
        super().__init__(self.conflicts)

    def __str__(self) -> str:
        return " ".join(conflict.message for conflict in self.conflicts)


def _quoted_input(raw: object) -> str:
    """What was entered, in Vietnamese quotation marks, cut short when long."""
    try:
        text = str(raw)
    except ValueError:  # an int too long for Python to print; its start is all a reader needs anyway
        text = ""
    if len(text) > _MAX_QUOTED or not text:
        text = text[:_MAX_QUOTED] + "…"
    return f"“{text}”"


def _parse_count(raw: object) -> int | None:
    """A count from a form, a JSON body or a spreadsheet cell; None when it is not a whole number."""
    # bool is an int to Python, but True is no one's count of dossiers.
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    # Spreadsheets and some JSON writers hand over 1458.0 for 1458; 1.5 stays refused.
    if isinstance(raw, (float, Decimal)):
        if isinstance(raw, float) and not raw.is_integer():
            return None
        if isinstance(raw, Decimal) and (not raw.is_finite() or raw != raw.to_integral_value()):
            return None
        return int(raw)
    if isinstance(raw, str):
        # NFKC turns full-width digits and odd spaces (NBSP, thin space) into plain ones.
        text = _SPACES_RE.sub(" ", unicodedata.normalize("NFKC", raw).strip())
        if text.startswith("-") and _COUNT_RE.fullmatch(text[1:].strip()):
            return -_digits(text[1:].strip())
        if _COUNT_RE.fullmatch(text):
            return _digits(text)
    return None


def _digits(text: str) -> int:
    """A matched count with its thousands separators taken out; capped before int() sees it."""
    digits = re.sub(r"[., ]", "", text).lstrip("0") or "0"
    # Python refuses int() on very long digit strings; anything this long is over MAX_COUNT anyway.
    if len(digits) > len(str(MAX_COUNT)):
        return MAX_COUNT + 1
    return int(digits)


def _is_blank(raw: object) -> bool:
    """True for a value that stands for "not entered"."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _field_problem(name: str, raw: object) -> Conflict | None:
    """What is wrong with one entered count, or None when it is a valid count."""
    label = known(FIELD_LABELS[name])
    if _is_blank(raw):
        return Conflict((name,), missing(label))
    count = _parse_count(raw)
    if count is None or count < 0:
        return Conflict((name,), not_a_count(label, raw))
    if count > MAX_COUNT:
        return Conflict((name,), too_large(label, raw))
    return None


def missing(label: str) -> str:
    """ "Thiếu <figure>."."""
    return t("Thiếu %(label)s.", label=label)


def not_a_count(label: str, raw: object) -> str:
    """The message for a figure that is not a whole number of zero or more."""
    return t("%(label)s phải là số nguyên không âm (đã nhập %(raw)s).", label=label, raw=_quoted_input(raw))


def too_large(label: str, raw: object) -> str:
    """The message for a figure over the largest count accepted."""
    return t("%(label)s quá lớn (đã nhập %(raw)s).", label=label, raw=_quoted_input(raw))


def _stored_count_problem(name: str, value: object) -> Conflict | None:
    """What is wrong with a count already in a Counts, which must be a real int, not text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _field_problem(name, value)
    return Conflict((name,), not_a_count(known(FIELD_LABELS[name]), value))


@dataclass(frozen=True)
class Counts:
    """A unit's raw counts as of a date, cumulative for the year."""

    procedures_total: int
    full_online_eligible: int
    full_online_provided: int
    partial_online_accepting: int
    procedures_with_dossiers: int
    procedures_with_online_dossiers: int
    dossiers_total: int
    dossiers_online: int

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> Counts:
        """Counts from entered values; raises InconsistentFigures naming every missing or invalid one."""
        conflicts = [problem for name in FIELDS if (problem := _field_problem(name, data.get(name))) is not None]
        if conflicts:
            raise InconsistentFigures(conflicts)
        counts: dict[str, int] = {}
        for name in FIELDS:
            count = _parse_count(data[name])
            assert count is not None  # _field_problem refused every missing or invalid count above
            counts[name] = count
        return cls(**counts)


def _named(counts: Counts, name: str) -> str:
    """A figure as messages name it: its label and its value."""
    return t("%(label)s (%(value)s)", label=known(FIELD_LABELS[name]), value=getattr(counts, name))


def _not_above(counts: Counts, smaller: str, larger: str) -> Conflict | None:
    """The conflict when `smaller` exceeds `larger`, else None."""
    if getattr(counts, smaller) <= getattr(counts, larger):
        return None
    return Conflict(
        (smaller, larger),
        t("%(smaller)s không được lớn hơn %(larger)s.", smaller=_named(counts, smaller), larger=_named(counts, larger)),
    )


def _not_below(counts: Counts, larger: str, smaller: str, reason: str) -> Conflict | None:
    """The conflict when `larger` is under `smaller`, else None; `reason` says why it may not be."""
    if getattr(counts, larger) >= getattr(counts, smaller):
        return None
    return Conflict(
        (larger, smaller),
        t(
            "%(larger)s không được nhỏ hơn %(smaller)s: %(reason)s.",
            larger=_named(counts, larger),
            smaller=_named(counts, smaller),
            reason=reason,
        ),
    )


def _partial_problem(counts: Counts) -> Conflict | None:
    """The conflict when more partial-online services take online dossiers than there are such procedures."""
    # When the eligible count already exceeds the total, the remainder is meaningless (negative)
    # and that conflict is reported on its own; this one is judged once it is fixed.
    if counts.full_online_eligible > counts.procedures_total:
        return None
    remainder = counts.procedures_total - counts.full_online_eligible
    if counts.partial_online_accepting <= remainder:
        return None
    return Conflict(
        ("partial_online_accepting", "procedures_total"),
        t(
            "%(partial)s không được lớn hơn số TTHC không đủ điều kiện cung cấp DVCTT toàn trình, tức %(total)s "
            "trừ %(eligible)s, bằng %(remainder)s.",
            partial=_named(counts, "partial_online_accepting"),
            total=_named(counts, "procedures_total"),
            eligible=_named(counts, "full_online_eligible"),
            remainder=remainder,
        ),
    )


def _submission_problem(counts: Counts) -> Conflict | None:
    """The conflict when more procedures had dossiers than allow online submission at all."""
    allowing = counts.full_online_provided + counts.partial_online_accepting
    if counts.procedures_with_dossiers <= allowing:
        return None
    return Conflict(
        ("procedures_with_dossiers", "partial_online_accepting"),
        t(
            "%(with_dossiers)s không được lớn hơn số TTHC cho phép nộp trực tuyến, tức %(provided)s cộng "
            "%(partial)s, bằng %(allowing)s.",
            with_dossiers=_named(counts, "procedures_with_dossiers"),
            provided=_named(counts, "full_online_provided"),
            partial=_named(counts, "partial_online_accepting"),
            allowing=allowing,
        ),
    )


def check_counts(counts: Counts) -> None:
    """Raise InconsistentFigures naming every conflict among the counts; return quietly when they agree."""
    # Counts built directly (not through from_mapping) are checked too, and the rules below
    # cannot compare values that are not counts.
    invalid = [
        problem for name in FIELDS if (problem := _stored_count_problem(name, getattr(counts, name))) is not None
    ]
    if invalid:
        raise InconsistentFigures(invalid)
    found = [
        _not_above(counts, "full_online_provided", "full_online_eligible"),
        _not_above(counts, "full_online_eligible", "procedures_total"),
        _partial_problem(counts),
        _not_above(counts, "procedures_with_online_dossiers", "procedures_with_dossiers"),
        _submission_problem(counts),
        _not_above(counts, "dossiers_online", "dossiers_total"),
        _not_below(
            counts,
            "dossiers_online",
            "procedures_with_online_dossiers",
            t("mỗi TTHC có phát sinh hồ sơ trực tuyến có ít nhất một hồ sơ trực tuyến"),
        ),
        _not_below(
            counts, "dossiers_total", "procedures_with_dossiers", t("mỗi TTHC có phát sinh hồ sơ có ít nhất một hồ sơ")
        ),
    ]
    conflicts = [conflict for conflict in found if conflict is not None]
    if conflicts:
        raise InconsistentFigures(conflicts)


class Ratio(NamedTuple):
    """An indicator as worked out from the figures: exact, never rounded here. A ratio divides two counts; a
    percentage reported directly has value = percent / 100 and no counts; a count has value = the count. A named
    tuple: a unit's KPI history makes three for each of its reports."""

    number: int
    numerator: int | None
    denominator: int | None
    value: Fraction | None
    kind: str = "ratio"

    @property
    def percent(self) -> Fraction | None:
        """The ratio times 100, exact; None without data, and for a count."""
        return None if self.value is None or self.kind == "count" else self.value * 100


def _ratio(number: int, numerator: int, denominator: int) -> Ratio:
    """A ratio whose value is None when there is nothing to divide by."""
    # 0/0 is "no dossiers yet", not 0%: a unit must not show as failing before anything happened.
    value = None if denominator == 0 else Fraction(numerator, denominator)
    return Ratio(number, numerator, denominator, value)


def ratios(counts: Counts) -> tuple[Ratio, Ratio, Ratio]:
    """The three indicators of Appendix 1, numbered 1 to 3 as the plan numbers them."""
    return (
        _ratio(1, counts.full_online_provided, counts.full_online_eligible),
        _ratio(2, counts.procedures_with_online_dossiers, counts.procedures_with_dossiers),
        _ratio(3, counts.dossiers_online, counts.dossiers_total),
    )


def _round_tenths(value: Fraction, scale: int = 1) -> Decimal:
    """value × scale rounded half up (away from zero) to one decimal, from its exact value: whole numbers only, no
    Fraction made on the way (a KPI page rounds hundreds of ratios)."""
    numerator, denominator = value.numerator, value.denominator
    # floor(|v| × scale × 10 + 1/2), as integers: (20·scale·|p| + q) // 2q
    whole = (20 * scale * abs(numerator) + denominator) // (2 * denominator)
    return Decimal(-whole if numerator < 0 else whole).scaleb(-1)


@overload
def round_percent(value: Fraction) -> Decimal: ...
@overload
def round_percent(value: None) -> None: ...
@overload
def round_percent(value: Fraction | None) -> Decimal | None: ...
def round_percent(value: Fraction | None) -> Decimal | None:
    """A ratio as a percentage with one decimal, rounded half up from the exact fraction."""
    if value is None:
        return None
    # Rounding the exact fraction (not a float) keeps 1/16 at 6,3% rather than 6,2%.
    return _round_tenths(value if isinstance(value, Fraction) else Fraction(value), 100)


def decimal_comma(number: Decimal) -> str:
    """A one-decimal number the Vietnamese way: decimal comma, no trailing ",0"."""
    return f"{number:.1f}".removesuffix(".0").replace(".", ",")


def format_percent(value: Fraction | None) -> str:
    """A ratio as Vietnamese text: "9,2%", "100%", or "chưa có số liệu" without data."""
    percent = round_percent(value)
    return NO_DATA_TEXT if percent is None else f"{decimal_comma(percent)}%"


def format_points(points: Fraction | None) -> str:
    """A gap in percentage points: "20,8 điểm %"; empty when there is none."""
    if points is None:
        return ""
    rounded = _round_tenths(Fraction(points))
    # A gap too small to show must not read as "0": the target is still not met.
    if rounded == 0 and points > 0:
        return t("dưới 0,1 điểm %")
    return t("%(gap)s điểm %%", gap=decimal_comma(rounded))


@dataclass(frozen=True)
class Milestone:
    """A step of a rising target: the percentage due by a date."""

    due_on: date
    value: Decimal


@dataclass(frozen=True)
class TargetRule:
    """A group's target for one indicator: a value, a range met at its lower bound, or not applicable."""

    kind: str
    low: Decimal | None = None
    high: Decimal | None = None
    note: str = ""
    milestones: tuple[Milestone, ...] = ()


def target_in_force(target: TargetRule, as_of: date) -> Decimal | None:
    """The percentage (a count for a count indicator) that must be met on as_of; None when not applicable."""
    if target.kind not in TARGET_KINDS:
        raise ValueError(f"unknown target kind: {target.kind!r}")
    if target.kind == NOT_APPLICABLE:
        return None
    if not target.milestones:
        return target.low
    steps = sorted(target.milestones, key=lambda m: m.due_on)
    reached = [m for m in steps if m.due_on <= as_of]
    if reached:
        return reached[-1].value
    # Before the first step the plain target (if the cell gave one) is what applies.
    return target.low if target.low is not None else steps[0].value


@dataclass(frozen=True)
class Attainment:
    """Whether an indicator meets its target, the percentage (or count) required, and by how much it falls short
    (percentage points, or the count's own unit)."""

    status: str
    required: Decimal | None
    gap_points: Fraction | None


def attainment(ratio: Ratio | None, target: TargetRule | None, as_of: date | None) -> Attainment:
    """How a ratio stands against its target on as_of, compared exactly (9/10 meets 90%)."""
    if target is None:
        return Attainment(NO_DATA, None, None)
    if target.kind == NOT_APPLICABLE:
        return Attainment(NOT_APPLICABLE, None, None)
    # Without a date only a target that does not change over time can be named.
    required = target_in_force(target, as_of) if as_of is not None else (None if target.milestones else target.low)
    if ratio is None or ratio.value is None or as_of is None or required is None:
        return Attainment(NO_DATA, required, None)
    # A count is held against a target count (the gap is in its own unit); the rest as percentages.
    shortfall = Fraction(required) - (ratio.value if ratio.kind == "count" else ratio.value * 100)
    if shortfall <= 0:
        return Attainment(MET, required, Fraction(0))
    return Attainment(NOT_MET, required, shortfall)


@dataclass(frozen=True, order=True)
class Period:
    """A reporting month."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"no month {self.month}")
        if not date.min.year <= self.year <= date.max.year:
            raise ValueError(f"no year {self.year}")

    @property
    def first_day(self) -> date:
        """The first day of the month."""
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        """The last day of the month."""
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self) -> str:
        """The month as Vietnamese text: "tháng 8/2023" (a Text, so pages say it in their language)."""
        return t("tháng %(month)s/%(year)s", month=self.month, year=self.year)

    def next(self) -> Period:
        """The month after this one."""
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    def previous(self) -> Period:
        """The month before this one."""
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def deadline(self, due_day: int = 5) -> date:
        """The day the month's figures are due: due_day of the next month, or that month's last day if shorter."""
        if due_day < 1:
            raise ValueError(f"due_day must be at least 1, not {due_day}")
        following = self.next()
        return date(following.year, following.month, min(due_day, following.last_day.day))


def period_of(day: date) -> Period:
    """The reporting month a day falls in."""
    return Period(day.year, day.month)


def last_due_period(today: date, due_day: int = 5) -> Period | None:
    """The latest month whose figures were due before today; on the deadline day itself the unit still has time."""
    # Last month's deadline falls in this month; if it has not passed, the month before is the
    # latest due (its deadline was last month). Only year, month and day are read, so a datetime works too.
    current = Period(today.year, today.month)
    if current == Period(date.min.year, 1):
        return None
    last_month = current.previous()
    if last_month.deadline(due_day) < date(today.year, today.month, today.day):
        return last_month
    if last_month == Period(date.min.year, 1):
        return None
    return last_month.previous()


def is_report_missing(period: Period, latest_as_of: date | None) -> bool:
    """True when no report dates from the period's first day on; a later report covers it, figures being cumulative."""
    return latest_as_of is None or latest_as_of < period.first_day


# No figures of this product's plans are older than this: an earlier date is a typing slip (1023, 2003 for 2023).
EARLIEST_REPORT_DAY = date(2000, 1, 1)


def report_day_refusal(as_of: date, today: date) -> Text | None:
    """Why figures cannot be dated `as_of` (after today, or before 2000), or None when they can."""
    if as_of > today:
        return t(
            "Ngày số liệu (%(as_of)s) không được sau hôm nay (%(today)s).",
            as_of=f"{as_of:%d/%m/%Y}",
            today=f"{today:%d/%m/%Y}",
        )
    if as_of < EARLIEST_REPORT_DAY:
        return t(
            "Ngày số liệu (%(as_of)s) không được trước %(earliest)s: hãy kiểm tra lại năm.",
            as_of=f"{as_of:%d/%m/%Y}",
            earliest=f"{EARLIEST_REPORT_DAY:%d/%m/%Y}",
        )
    return None
