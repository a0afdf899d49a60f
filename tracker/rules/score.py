"""A unit's score from 0 to 100 in the manner of Decision 766/QĐ-TTg, from three published parts, and its band.

The parts, each from 0 to 100:

- task delivery: of the unit's assignments already judged as of the day (Quy chế 42's classes "done on
  time", "done late" and "not done, overdue"; "not done, still in time" is not judged yet and left out),
  each counts 100 when done on time, `late_credit` when done late, 0 when overdue; the part is their mean;
- KPI attainment: of the unit's indicators with a target in force on the day, each counts its figure as a
  share of the target (100 when met, 0 without a figure); the part is their mean;
- reporting discipline: the share of the months whose KPI figures were due that the unit reported by the
  deadline, and the share of its unfinished ongoing assignments with a progress report within the period;
  the part is the mean of the shares it has.

The score is the weighted mean of the parts the unit has: a part without data for the unit (no judged
assignment, no target in force, nothing due to report) is left out and the other weights re-normalised, so
a unit is never marked down for what does not concern it. A unit with no part at all has no score. The score
is rounded half up to one decimal, and the band read from the rounded score."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import pairwise

from .lifecycle import DONE_LATE, DONE_ON_TIME, NOT_DONE_IN_TIME, NOT_DONE_OVERDUE
from .texts import t

DELIVERY, KPI, DISCIPLINE = "delivery", "kpi", "discipline"
PARTS = (DELIVERY, KPI, DISCIPLINE)
PART_LABELS = {
    DELIVERY: "Thực hiện nhiệm vụ",
    KPI: "Đạt chỉ tiêu",
    DISCIPLINE: "Chấp hành chế độ báo cáo",
}

EXCELLENT, GOOD, FAIR, AVERAGE, WEAK = "excellent", "good", "fair", "average", "weak"
BANDS = (EXCELLENT, GOOD, FAIR, AVERAGE, WEAK)
BAND_LABELS = {
    EXCELLENT: "Xuất sắc",
    GOOD: "Tốt",
    FAIR: "Khá",
    AVERAGE: "Trung bình",
    WEAK: "Yếu",
}


@dataclass(frozen=True)
class ScoreSettings:
    """What an admin may change: the parts' weights (summing to 100), the credit of a late completion (0–100),
    and the lowest score of each band but the last (descending; below `average` is weak)."""

    delivery_weight: int = 60
    kpi_weight: int = 25
    discipline_weight: int = 15
    late_credit: int = 50
    excellent: int = 90
    good: int = 80
    fair: int = 65
    average: int = 50

    def weight(self, part: str) -> int:
        return {DELIVERY: self.delivery_weight, KPI: self.kpi_weight, DISCIPLINE: self.discipline_weight}[part]

    def thresholds(self) -> tuple[tuple[str, int], ...]:
        """(band, lowest score) from the best band down, the last band having none."""
        return ((EXCELLENT, self.excellent), (GOOD, self.good), (FAIR, self.fair), (AVERAGE, self.average))


DEFAULTS = ScoreSettings()
SETTING_FIELDS = tuple(ScoreSettings.__dataclass_fields__)


def settings_problems(settings: ScoreSettings) -> dict[str, str]:
    """What is wrong with settings an admin entered, per field ("" for the whole); empty when they may be kept."""
    problems: dict[str, str] = {}
    for name in SETTING_FIELDS:
        value = getattr(settings, name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            problems[name] = t("Hãy nhập một số nguyên từ 0 đến 100.")
    if problems:
        return problems
    total = settings.delivery_weight + settings.kpi_weight + settings.discipline_weight
    if total != 100:
        problems["delivery_weight"] = t("Tổng ba trọng số phải bằng 100 (hiện là %(total)s).", total=total)
    floors = [settings.excellent, settings.good, settings.fair, settings.average]
    if any(higher <= lower for higher, lower in pairwise(floors)):
        problems["excellent"] = t("Ngưỡng các mức phải giảm dần: Xuất sắc > Tốt > Khá > Trung bình.")
    if settings.average <= 0:
        problems["average"] = t("Ngưỡng mức Trung bình phải lớn hơn 0 để còn mức Yếu.")
    return problems


@dataclass(frozen=True)
class IndicatorStanding:
    """One indicator of the unit on the day: the target in force (None: no target or not applicable) and the
    figure in the target's unit (a percentage, or a count), None when the unit reported none."""

    required: Decimal | None
    achieved: Fraction | None


@dataclass(frozen=True)
class UnitFacts:
    """What a unit's score is worked out from, as of one day."""

    classes: dict[str, int]  # Quy chế 42 class → number of the unit's assignments in it
    indicators: Sequence[IndicatorStanding] = ()
    figures_due: int = 0  # months whose KPI figures were due
    figures_on_time: int = 0  # of those, reported by the deadline
    ongoing_due: int = 0  # unfinished ongoing assignments, each owing a progress report per period
    ongoing_reported: int = 0  # of those, with a report within the period


@dataclass(frozen=True)
class Score:
    parts: dict[str, Fraction | None]  # each part 0–100, exact; None when left out
    score: Decimal | None  # rounded half up to one decimal; None without any part
    band: str | None


def delivery_part(classes: dict[str, int], late_credit: int) -> Fraction | None:
    """The mean over judged assignments of 100 (on time), late_credit (late), 0 (overdue)."""
    on_time, late = classes.get(DONE_ON_TIME, 0), classes.get(DONE_LATE, 0)
    judged = on_time + late + classes.get(NOT_DONE_OVERDUE, 0)
    if judged == 0:
        return None
    return Fraction(100 * on_time + late_credit * late, judged)


def indicator_share(standing: IndicatorStanding) -> Fraction | None:
    """An indicator's figure as a share of its target, 0–1 (capped at 1); None without a target in force."""
    if standing.required is None:
        return None
    if standing.achieved is None:
        return Fraction(0)
    required = Fraction(standing.required)
    if required <= 0:
        return Fraction(1)
    return min(Fraction(1), max(Fraction(0), standing.achieved / required))


def kpi_part(indicators: Sequence[IndicatorStanding]) -> Fraction | None:
    """100 × the mean share of target over the indicators with a target in force."""
    shares = [s for s in (indicator_share(i) for i in indicators) if s is not None]
    if not shares:
        return None
    return 100 * sum(shares, Fraction(0)) / len(shares)


def discipline_part(facts: UnitFacts) -> Fraction | None:
    """100 × the mean of the shares the unit has: figures on time, ongoing assignments reported."""
    shares = []
    if facts.figures_due:
        shares.append(Fraction(facts.figures_on_time, facts.figures_due))
    if facts.ongoing_due:
        shares.append(Fraction(facts.ongoing_reported, facts.ongoing_due))
    if not shares:
        return None
    return 100 * sum(shares, Fraction(0)) / len(shares)


def round_score(value: Fraction) -> Decimal:
    """A score (or part) rounded half up to one decimal, from its exact value."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def band_of(score: Decimal | None, settings: ScoreSettings = DEFAULTS) -> str | None:
    """The band a (rounded) score falls in; None without a score."""
    if score is None:
        return None
    for band, floor in settings.thresholds():
        if score >= floor:
            return band
    return WEAK


def score(facts: UnitFacts, settings: ScoreSettings = DEFAULTS) -> Score:
    """The unit's parts, its score (the weighted mean of the parts it has) and band."""
    parts = {
        DELIVERY: delivery_part(facts.classes, settings.late_credit),
        KPI: kpi_part(facts.indicators),
        DISCIPLINE: discipline_part(facts),
    }
    weights = {part: settings.weight(part) for part, value in parts.items() if value is not None}
    total = sum(weights.values())
    if total == 0:
        return Score(parts, None, None)
    weighted = Fraction(0)
    for part, weight in weights.items():
        weighted += weight * (parts[part] or 0)
    exact = weighted / total
    rounded = round_score(exact)
    return Score(parts, rounded, band_of(rounded, settings))


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """The change in score since the previous month; None when either month has none."""
    if current is None or previous is None:
        return None
    return current - previous


JUDGED_CLASSES = (DONE_ON_TIME, DONE_LATE, NOT_DONE_OVERDUE)
ALL_CLASSES = (DONE_ON_TIME, DONE_LATE, NOT_DONE_OVERDUE, NOT_DONE_IN_TIME)
