"""Every date, number and percentage shown to people, in one place, on Babel.

The official Vietnamese forms: dates dd/mm/yyyy (never Babel's two-digit year) and "ngày 05 tháng 02 năm
2023"; instants in the configured zone (Asia/Ho_Chi_Minh) as dd/mm/yyyy HH:MM; numbers with a decimal comma
and no grouping ("1234,5"). Numbers that follow the interface language (sizes, ratios) take the point in
English. The Jinja filters (tracker.views) and the reports call these."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from fractions import Fraction
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from babel.numbers import format_decimal as _babel_decimal
from flask import current_app

from .labels import get_locale, gettext
from .rules.kpi import round_percent
from .rules.texts import Text, t

# Dates as Vietnamese documents write them, dd/MM/yyyy (and dd/MM/yyyy HH:mm) in Babel's (CLDR) patterns; the
# functions below write them directly, tests/test_formatting.py holds them to Babel's output.
DATE_PATTERN = "dd/MM/yyyy"
DATETIME_PATTERN = "dd/MM/yyyy HH:mm"
_TENTHS = Decimal("0.1")


# A page formats hundreds of numbers and dates: the locales and number patterns are read once per process, not
# parsed again for each value (Babel does so when given their names).
@cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@cache
def _pattern(text: str) -> NumberPattern:
    return parse_pattern(text)


def _decimal(value: Decimal | int, pattern: str, locale: str) -> str:
    return _babel_decimal(value, format=_pattern(pattern), locale=_locale(locale))


def format_date(value: date | None) -> str:
    """Official Vietnamese date form dd/mm/yyyy; empty without a date. Written directly (a page writes dozens):
    the pattern has digits only."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


def format_datetime(value: datetime | None, zone: tzinfo | None = None) -> str:
    """An instant shown in `zone` (the app's TIMEZONE by default) as dd/mm/yyyy HH:MM; a naive one is taken as
    UTC, as Babel takes it."""
    if value is None:
        return ""
    zone = zone or ZoneInfo(current_app.config["TIMEZONE"])
    local = (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).astimezone(zone)
    return f"{format_date(local)} {local.hour:02d}:{local.minute:02d}"


def vn_long_date(day: date) -> Text:
    """ "ngày 05 tháng 02 năm 2023", "ngày 15 tháng 11 năm 2023": a zero before days under 10 and months
    1 and 2 only, as Nghị định 30/2020/NĐ-CP writes a document's date."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return t("ngày %(day)s tháng %(month)s năm %(year)s", day=format(day.day, "02d"), month=month, year=day.year)


def interface_locale() -> str:
    """The locale numbers follow on a page: English's decimal point, else the Vietnamese comma."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "vi"


def decimal_text(value: Decimal | int, *, locale: str = "vi") -> str:
    """A number as written, without trailing zeros: "9,5", "100", "0,125" (the point in "en"). Written directly
    (a KPI page writes dozens); tests/test_formatting.py holds it to Babel's "0.#" without quantization."""
    text = f"{Decimal(value):f}"  # digits only, never an exponent
    if "." in text:
        text = text.rstrip("0").removesuffix(".")
    return text if locale == "en" else text.replace(".", ",")


def tenths_text(value: Decimal, *, locale: str | None = None, keep_zero: bool = False) -> str:
    """A number rounded to one decimal: "9,2"; "9" for 9,0 unless `keep_zero` ("9,0"). The interface's
    decimal mark unless a locale is given. Written directly (a KPI page writes hundreds); tests/test_formatting.py
    holds it to Babel's output."""
    text = f"{value.quantize(_TENTHS):f}"  # digits only, no grouping: what Babel writes for "0.0" (and "0.#")
    if not keep_zero and text.endswith(".0"):
        text = text[:-2]
    return text if (locale or interface_locale()) == "en" else text.replace(".", ",")


def format_percent(value: Decimal | None, sign: bool = True) -> str:
    """A percentage the Vietnamese way: no trailing zeros, decimal comma ("9,5%")."""
    if value is None:
        return ""
    text = decimal_text(value)
    return f"{text}%" if sign else text


def format_size(size: int | None) -> str:
    """A file's size with the interface's decimal mark: "0,6 KB" under a megabyte, "1,4 MB" from one."""
    if size is None:
        return ""
    unit, scale = ("KB", 1024) if size < 1024 * 1024 else ("MB", 1024 * 1024)
    return f"{tenths_text(Decimal(size) / scale)} {unit}"


def format_ratio(value: Fraction | None) -> str:
    """An exact ratio as a percentage rounded to one decimal for display: "9,2%" (never rounded earlier)."""
    return ratio_text(value, interface_locale())


def ratio_text(value: Fraction | None, locale: str) -> str:
    """format_ratio in a locale the caller worked out once (a KPI history writes dozens of ratios)."""
    return "" if value is None else _ratio_text(value.numerator, value.denominator, locale)


@lru_cache(maxsize=4096)
def _ratio_text(numerator: int, denominator: int, locale: str) -> str:
    """format_ratio's text, kept: a KPI panel shows the same ratios several times (chart, its text, the table).
    Kept by the fraction's two integers: hashing a Fraction itself costs more than writing it out."""
    percent = round_percent(Fraction(numerator, denominator))
    return "" if percent is None else f"{tenths_text(percent, locale=locale)}%"


def format_points(points: Fraction | None) -> str:
    """A gap in percentage points: "20,8 điểm %"."""
    if points is None:
        return ""
    rounded = round_percent(points / 100)
    assert rounded is not None  # a Fraction in, a percentage out
    return gettext("%(value)s điểm %%", value=tenths_text(rounded))


def format_percent_fraction(value: Fraction | None) -> str:
    """A percentage already multiplied by 100 (a Ratio's .percent) for display; empty when there is none."""
    return "" if value is None else format_ratio(value / 100)


def format_kpi_count(value: Decimal | Fraction | int | None) -> str:
    """A count (or a count target) for display: whole numbers as they are, others with one decimal (rounded half
    up) and a decimal comma."""
    if value is None:
        return ""
    number = Fraction(str(value)) if isinstance(value, Decimal) else Fraction(value)
    if number.denominator == 1:
        return str(number.numerator)
    rounded = round_percent(number / 100)
    assert rounded is not None  # a Fraction in, a number out
    return tenths_text(rounded, locale="vi")


def format_count(number: int) -> str:
    """1234567 → "1.234.567" (Vietnamese digit grouping)."""
    return _decimal(number, "#,##0", "vi")


def describe_size(size: int) -> str:
    """A file size for people, in Vietnamese: "532 byte", "12,4 KB", "3,1 MB", "2,0 GB"."""
    if size < 1024:
        return f"{size} byte"
    value = Decimal(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            return f"{tenths_text(value, locale='vi', keep_zero=True)} {unit}"
    raise AssertionError("unreachable")
