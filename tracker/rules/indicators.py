"""A plan's indicator definition (Decision 1872's built-in one, or the plan's own), the figures it asks for,
the checks those figures must pass, and what each indicator reads from them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .kpi import (
    FIELD_LABELS,
    FIELDS,
    MAX_COUNT,
    RATIO_KEYS,
    Conflict,
    Counts,
    InconsistentFigures,
    Ratio,
    _is_blank,
    _parse_count,
    _quoted_input,
    check_counts,
    missing,
    not_a_count,
    ratios,
    too_large,
)
from .texts import t

SCHEME_1872, SCHEME_PLAN = "dvctt_1872", "plan"
RATIO, PERCENT, COUNT = "ratio", "percent", "count"
KINDS = (RATIO, PERCENT, COUNT)
SCHEME_LABELS = {SCHEME_1872: t("DVCTT theo Quyết định 1872"), SCHEME_PLAN: t("Chỉ tiêu riêng của kế hoạch")}

# A directly reported percentage: digits with one decimal comma or point ("72,5", "72.5", "100").
_PERCENT_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)?")


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator as the rules see it: what kind it is and which figures (by key and label) it reads."""

    number: int
    name: str
    kind: str
    numerator_key: str
    denominator_key: str = ""
    numerator_label: str = ""
    denominator_label: str = ""
    unit_of_measure: str = "%"


@dataclass(frozen=True)
class FigureField:
    """A figure a unit is asked for: its key, its label, and whether it is a count or a percentage."""

    key: str
    label: str
    kind: str  # COUNT or PERCENT


@dataclass(frozen=True)
class Definition:
    """The indicators a plan measures and the figures a unit reports for them."""

    scheme: str
    indicators: tuple[IndicatorSpec, ...]

    @property
    def fields(self) -> tuple[FigureField, ...]:
        """The figures asked for, in the indicators' order, each key once."""
        if self.scheme == SCHEME_1872:
            return tuple(FigureField(name, FIELD_LABELS[name], COUNT) for name in FIELDS)
        seen: dict[str, FigureField] = {}
        for spec in self.indicators:
            if spec.kind == PERCENT:
                wanted = [(spec.numerator_key, spec.numerator_label or spec.name, PERCENT)]
            elif spec.kind == COUNT:
                wanted = [(spec.numerator_key, spec.numerator_label or spec.name, COUNT)]
            else:
                wanted = [
                    (spec.numerator_key, spec.numerator_label, COUNT),
                    (spec.denominator_key, spec.denominator_label, COUNT),
                ]
            for key, label, kind in wanted:
                if key and key not in seen:
                    seen[key] = FigureField(key, label or key, kind)
        return tuple(seen.values())

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    def label(self, key: str) -> str:
        return next((f.label for f in self.fields if f.key == key), key)


def spec_1872(number: int, name: str) -> IndicatorSpec:
    """One of Decision 1872's three ratios as a spec (its counts are RATIO_KEYS[number])."""
    numerator, denominator = RATIO_KEYS.get(number, ("", ""))
    return IndicatorSpec(
        number,
        name,
        RATIO,
        numerator,
        denominator,
        FIELD_LABELS.get(numerator, ""),
        FIELD_LABELS.get(denominator, ""),
        "%",
    )


def definition_problems(specs: Sequence[IndicatorSpec]) -> list[str]:
    """What keeps a plan's own indicators from being reported on: an unknown kind, a missing key or label."""
    problems: list[str] = []
    for spec in specs:
        if spec.kind not in KINDS:
            problems.append(
                t("Chỉ tiêu (%(number)s): loại “%(kind)s” không hợp lệ.", number=spec.number, kind=spec.kind)
            )
        if not spec.numerator_key:
            problems.append(t("Chỉ tiêu (%(number)s) chưa có số liệu nào để báo cáo.", number=spec.number))
        if spec.kind == RATIO and not spec.denominator_key:
            problems.append(t("Chỉ tiêu (%(number)s) là tỷ lệ nhưng chưa có mẫu số.", number=spec.number))
        if spec.kind == RATIO and spec.numerator_key == spec.denominator_key:
            problems.append(
                t("Chỉ tiêu (%(number)s): tử số và mẫu số phải là hai số liệu khác nhau.", number=spec.number)
            )
    return problems


def _parse_percent(raw: object) -> Decimal | None:
    """A percentage from a form, JSON or a cell, decimal comma or point; None when it is not a number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, Decimal)):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(str(raw))
    elif isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip().removesuffix("%").strip()
        if not _PERCENT_RE.fullmatch(text):
            return None
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:
            return None
    else:
        return None
    return value if value.is_finite() else None


def _count_problem(field: FigureField, raw: object) -> tuple[int | None, Conflict | None]:
    if _is_blank(raw):
        return None, Conflict((field.key,), missing(field.label))
    count = _parse_count(raw)
    if count is None or count < 0:
        return None, Conflict((field.key,), not_a_count(field.label, raw))
    if count > MAX_COUNT:
        return None, Conflict((field.key,), too_large(field.label, raw))
    return count, None


def _percent_problem(field: FigureField, raw: object) -> tuple[str | None, Conflict | None]:
    if _is_blank(raw):
        return None, Conflict((field.key,), missing(field.label))
    value = _parse_percent(raw)
    if value is None or not Decimal(0) <= value <= Decimal(100):
        return None, Conflict(
            (field.key,),
            t(
                "%(label)s phải là tỷ lệ phần trăm từ 0 đến 100, ví dụ 72,5 (đã nhập %(raw)s).",
                label=field.label,
                raw=_quoted_input(raw),
            ),
        )
    return format(value.normalize(), "f"), None


def check_figures(definition: Definition, data: Mapping[str, object]) -> dict[str, int | str]:
    """The figures to store (key → whole number, or a decimal string for a percentage); raises
    InconsistentFigures naming, with the indicator's own labels, every figure missing, invalid or in conflict."""
    if definition.scheme == SCHEME_1872:
        counts = Counts.from_mapping(data)
        check_counts(counts)
        return {name: getattr(counts, name) for name in FIELDS}
    values: dict[str, int | str] = {}
    conflicts: list[Conflict] = []
    for field in definition.fields:
        checker = _percent_problem if field.kind == PERCENT else _count_problem
        value, problem = checker(field, data.get(field.key))
        if problem is not None:
            conflicts.append(problem)
        else:
            values[field.key] = value  # type: ignore[assignment]
    if conflicts:
        raise InconsistentFigures(conflicts)
    for spec in definition.indicators:
        if spec.kind != RATIO:
            continue
        numerator, denominator = values.get(spec.numerator_key), values.get(spec.denominator_key)
        if isinstance(numerator, int) and isinstance(denominator, int) and numerator > denominator:
            conflicts.append(
                Conflict(
                    (spec.numerator_key, spec.denominator_key),
                    t(
                        "%(numerator_label)s (%(numerator)s) không được lớn hơn %(denominator_label)s "
                        "(%(denominator)s).",
                        numerator_label=definition.label(spec.numerator_key),
                        numerator=numerator,
                        denominator_label=definition.label(spec.denominator_key),
                        denominator=denominator,
                    ),
                )
            )
    if conflicts:
        raise InconsistentFigures(conflicts)
    return values


def _stored_count(figures: Mapping[str, object], key: str) -> int | None:
    value = figures.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def reading(spec: IndicatorSpec, figures: Mapping[str, object]) -> Ratio | None:
    """What an indicator reads from stored figures: a ratio (None value when the denominator is 0), a
    percentage (as a fraction of 1) or a count; None when the figures do not hold what it needs."""
    if spec.kind == RATIO:
        numerator = _stored_count(figures, spec.numerator_key)
        denominator = _stored_count(figures, spec.denominator_key)
        if numerator is None or denominator is None:
            return None
        value = None if denominator == 0 else Fraction(numerator, denominator)
        return Ratio(spec.number, numerator, denominator, value)
    if spec.kind == PERCENT:
        percent = _parse_percent(figures.get(spec.numerator_key))
        if percent is None:
            return None
        return Ratio(spec.number, None, None, Fraction(percent) / 100, kind=PERCENT)
    count = _stored_count(figures, spec.numerator_key)
    if count is None:
        return None
    return Ratio(spec.number, count, None, Fraction(count), kind=COUNT)


def readings(definition: Definition, figures: Mapping[str, object] | None) -> dict[int, Ratio | None]:
    """Each indicator's reading by number; the 1872 ratios exactly as Decision 1872 computes them."""
    if figures is None:
        return {}
    if definition.scheme == SCHEME_1872:
        try:
            counts = Counts(**{name: figures[name] for name in FIELDS})  # type: ignore[arg-type]
        except KeyError:
            return {}
        by_number: dict[int, Ratio | None] = {r.number: r for r in ratios(counts)}
        return {spec.number: by_number.get(spec.number) for spec in definition.indicators}
    return {spec.number: reading(spec, figures) for spec in definition.indicators}
