"""Rising targets written as milestones ("V% by D, then +N points every month until W%"), and the Vietnamese
forms an admin types them in (dd/mm/yyyy, decimal comma)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from tracker.rules.texts import t

# More steps than this is a typing slip (ten years of months), not a plan.
MAX_STEPS = 120


class MilestoneInputError(ValueError):
    """Input that cannot become milestones; `field` names the input at fault, the message says what to fix."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Step:
    """A milestone to write: value to be reached by due_on."""

    due_on: date
    value: Decimal


def month_end(day: date) -> date:
    """The last day of day's month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month_end(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, calendar.monthrange(year, month)[1])


def rising_milestones(start_value: Decimal, start_on: date, step: Decimal, until_value: Decimal) -> list[Step]:
    """start_value by start_on, then step more at each following month end until until_value, the last step
    capped at until_value (50 by 30/9/2022, +15, until 80 → 30/9 50, 31/10 65, 30/11 80)."""
    if step <= 0:
        raise MilestoneInputError("step", t("Mức tăng mỗi tháng phải lớn hơn 0."))
    if until_value < start_value:
        raise MilestoneInputError("until_value", t("Mức cuối phải lớn hơn hoặc bằng mức đầu."))
    steps = [Step(start_on, start_value)]
    value, day = start_value, start_on
    while value < until_value:
        if len(steps) >= MAX_STEPS:
            raise MilestoneInputError(
                "step", t("Quá nhiều mốc (hơn %(most)s): hãy tăng mức tăng mỗi tháng.", most=MAX_STEPS)
            )
        value, day = min(value + step, until_value), _next_month_end(day)
        steps.append(Step(day, value))
    return steps


_DATE_RE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*$")
_NUMBER_RE = re.compile(r"^[+-]?\d+(?:,\d+)?$")


def parse_day(text: str, *, field: str, label: str) -> date:
    """A date written dd/mm/yyyy ("30/9/2022"); the error names the field by its label."""
    match = _DATE_RE.match(text or "")
    if not match:
        raise MilestoneInputError(
            field,
            t(
                "%(label)s: hãy ghi ngày theo dạng ngày/tháng/năm, ví dụ 30/09/2022 (đã nhập “%(written)s”).",
                label=label,
                written=(text or "").strip()[:30],
            ),
        )
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise MilestoneInputError(
            field, t("%(label)s: ngày %(written)s không có trong lịch.", label=label, written=text.strip())
        ) from None


def parse_number(text: str, *, field: str, label: str, at_most: Decimal | None = None) -> Decimal:
    """A number with a decimal comma ("72,5"; a point is refused because it reads as a thousands separator in
    Vietnamese); at least 0, and at most at_most when given."""
    cleaned = (text or "").strip().removesuffix("%").strip()
    if not _NUMBER_RE.match(cleaned):
        raise MilestoneInputError(
            field,
            t(
                "%(label)s: hãy ghi một số, phần thập phân sau dấu phẩy, ví dụ 72,5 (đã nhập “%(written)s”).",
                label=label,
                written=(text or "").strip()[:30],
            ),
        )
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:  # pragma: no cover — the pattern admits only numbers
        raise MilestoneInputError(field, t("%(label)s: không đọc được số.", label=label)) from None
    if value < 0:
        raise MilestoneInputError(field, t("%(label)s: không được là số âm.", label=label))
    if at_most is not None and value > at_most:
        raise MilestoneInputError(field, t("%(label)s: không được lớn hơn %(most)s.", label=label, most=at_most))
    if value != value.quantize(Decimal("0.01")):
        raise MilestoneInputError(field, t("%(label)s: chỉ ghi tối đa hai chữ số sau dấu phẩy.", label=label))
    return value


def decimal_text(value: Decimal) -> str:
    """A number the Vietnamese way, no trailing zeros: 72,5 — 80."""
    return f"{value.normalize():f}".replace(".", ",")


def parse_milestone_lines(text: str, *, field: str, at_most: Decimal | None = None) -> list[Step]:
    """Milestones one a line, "dd/mm/yyyy: value" (or "dd/mm/yyyy → value", "dd/mm/yyyy value"), in date
    order without repeats; the error names the line."""
    steps: list[Step] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = re.split(r"\s*(?:→|->|:|=|\s)\s*", line, maxsplit=1)
        if len(parts) != 2:
            raise MilestoneInputError(
                field,
                t(
                    "Các mốc, dòng %(number)s: hãy ghi “ngày/tháng/năm: giá trị”, "
                    "ví dụ 30/09/2022: 50 (đã nhập “%(written)s”).",
                    number=number,
                    written=line[:40],
                ),
            )
        day = parse_day(parts[0], field=field, label=t("Các mốc, dòng %(number)s", number=number))
        value = parse_number(parts[1], field=field, label=t("Các mốc, dòng %(number)s", number=number), at_most=at_most)
        if steps and day <= steps[-1].due_on:
            raise MilestoneInputError(
                field, t("Các mốc, dòng %(number)s: ngày phải sau ngày của dòng trước.", number=number)
            )
        steps.append(Step(day, value))
    return steps


def milestone_lines(steps: list[Step]) -> str:
    """Milestones as the form shows them, one a line: "30/09/2022: 50"."""
    return "\n".join(f"{s.due_on:%d/%m/%Y}: {decimal_text(s.value)}" for s in steps)
