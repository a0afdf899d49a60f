"""What people read: dates, instants, numbers and percentages (tracker.formatting), and the instants the
database hands back (tracker.models.types.UTCDateTime), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask_babel import force_locale
from sqlalchemy import func, select, text

from tracker.extensions import db
from tracker.formatting import (
    DATE_PATTERN,
    DATETIME_PATTERN,
    decimal_text,
    describe_size,
    format_count,
    format_date,
    format_datetime,
    format_kpi_count,
    format_percent,
    format_percent_fraction,
    format_points,
    format_ratio,
    format_size,
    tenths_text,
    vn_long_date,
)
from tracker.models import Setting

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


# --- instants in the database ----------------------------------------------------------------------


def _stored(key: str, at: datetime) -> datetime:
    db.session.add(Setting(key=key, value={}, updated_at=at))
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Setting, key).updated_at


def test_an_instant_comes_back_aware_and_in_utc_whatever_zone_it_was_written_in(app):
    with app.app_context():
        written = datetime(2023, 9, 5, 8, 30, 15, 123456, tzinfo=HANOI)
        back = _stored("hanoi", written)
        assert back.tzinfo == UTC
        assert back == written
        assert back == datetime(2023, 9, 5, 1, 30, 15, 123456, tzinfo=UTC)


def test_a_naive_instant_is_taken_as_utc_as_the_app_has_always_stored_it(app):
    with app.app_context():
        back = _stored("naive", datetime(2023, 9, 5, 1, 30))
        assert back == datetime(2023, 9, 5, 1, 30, tzinfo=UTC) and back.tzinfo == UTC


def test_the_column_underneath_keeps_the_utc_wall_time(app):
    """No migration: SQLite's text holds the UTC time without a zone, PostgreSQL's timestamptz the instant."""
    with app.app_context():
        _stored("raw", datetime(2023, 9, 5, 8, 30, tzinfo=timezone(timedelta(hours=7))))
        raw = db.session.execute(text("SELECT updated_at FROM settings WHERE key = 'raw'")).scalar()
        if db.engine.dialect.name == "sqlite":
            assert raw == "2023-09-05 01:30:00.000000"
        else:
            assert raw == datetime(2023, 9, 5, 1, 30, tzinfo=UTC)


def test_comparisons_and_aggregates_in_sql_see_utc_too(app):
    with app.app_context():
        _stored("early", datetime(2023, 9, 5, 7, 0, tzinfo=HANOI))  # 00:00 UTC
        _stored("late", datetime(2023, 9, 5, 2, 0, tzinfo=UTC))
        cut = datetime(2023, 9, 5, 8, 0, tzinfo=HANOI)  # 01:00 UTC
        assert db.session.scalars(select(Setting.key).where(Setting.updated_at < cut)).all() == ["early"]
        oldest = db.session.scalar(select(func.min(Setting.updated_at)))
        assert oldest == datetime(2023, 9, 5, 0, 0, tzinfo=UTC) and oldest.tzinfo == UTC


# --- dates and instants as people read them ----------------------------------------------------------


def test_dates_are_written_dd_mm_yyyy():
    assert format_date(date(2023, 9, 5)) == "05/09/2023"
    assert format_date(date(987, 1, 2)) == "02/01/0987"
    assert format_date(None) == ""


def test_an_instant_is_shown_in_the_app_zone(app):
    with app.app_context():
        assert format_datetime(datetime(2023, 9, 5, 17, 5, tzinfo=UTC)) == "06/09/2023 00:05"
        assert format_datetime(None) == ""
    assert format_datetime(datetime(2023, 9, 5, 17, 5, tzinfo=UTC), UTC) == "05/09/2023 17:05"


@pytest.mark.parametrize(
    "value",
    ["0", "0.04", "0.05", "0.15", "0.25", "-0.04", "-3.45", "9.15", "9.2", "57.14", "99.95", "100", "12345.65", "1E+2"],
)
@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("keep_zero", [False, True])
def test_tenths_are_written_as_babel_writes_them(value, locale, keep_zero):
    """tenths_text writes the rounded number directly; Babel's patterns ("0.#", "0.0") are the reference."""
    rounded = Decimal(value).quantize(Decimal("0.1"))
    expected = babel_numbers.format_decimal(rounded, format="0.0" if keep_zero else "0.#", locale=Locale.parse(locale))
    assert tenths_text(Decimal(value), locale=locale, keep_zero=keep_zero) == expected


@pytest.mark.parametrize(
    "value",
    ["0", "0.0", "-0.0", "9.50", "100", "1E+2", "1E-7", "-3.25", "1234.5", "0.000001", "123456789.123456789", "2.5E+3"],
)
@pytest.mark.parametrize("locale", ["vi", "en"])
def test_numbers_are_written_as_babel_writes_them(value, locale):
    """decimal_text writes the number directly; Babel's "0.#" without quantization is the reference."""
    expected = babel_numbers.format_decimal(
        Decimal(value), format="0.#", locale=Locale.parse(locale), decimal_quantization=False
    )
    assert decimal_text(Decimal(value), locale=locale) == expected


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2023, 9, 5, 17, 5, tzinfo=UTC),
        datetime(2023, 12, 31, 16, 59, 59, tzinfo=UTC),
        datetime(2024, 2, 29, 0, 0),  # naive: taken as UTC
        datetime(999, 1, 1, 3, 7, tzinfo=UTC),
        datetime(2024, 6, 30, 23, 30, tzinfo=ZoneInfo("Europe/Paris")),
    ],
)
@pytest.mark.parametrize("zone", [UTC, ZoneInfo("Asia/Ho_Chi_Minh"), ZoneInfo("America/New_York")])
def test_dates_and_instants_are_written_as_babel_writes_them(moment, zone):
    """The filters write dd/mm/yyyy (HH:MM) directly; Babel's CLDR patterns are the reference."""
    vi = Locale.parse("vi")
    assert format_date(moment.date()) == babel_dates.format_date(moment.date(), DATE_PATTERN, locale=vi)
    assert format_datetime(moment, zone) == babel_dates.format_datetime(
        moment, DATETIME_PATTERN, tzinfo=zone, locale=vi
    )


@pytest.mark.parametrize(
    "day, text",
    [
        (date(2023, 2, 5), "ngày 05 tháng 02 năm 2023"),
        (date(2023, 1, 31), "ngày 31 tháng 01 năm 2023"),
        (date(2023, 3, 1), "ngày 01 tháng 3 năm 2023"),
        (date(2023, 11, 15), "ngày 15 tháng 11 năm 2023"),
    ],
)
def test_a_documents_long_date_follows_decree_30(day, text):
    assert vn_long_date(day) == text


# --- numbers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [
        ("9.50", "9,5"),
        ("100", "100"),
        ("1E+2", "100"),
        ("0.0", "0"),
        ("-3.25", "-3,25"),
        ("1234.5", "1234,5"),
        ("0.000001", "0,000001"),
    ],
)
def test_a_number_is_written_as_it_is_with_a_decimal_comma_and_no_grouping(value, text):
    assert decimal_text(Decimal(value)) == text
    assert format_percent(Decimal(value)) == f"{text}%"
    assert format_percent(Decimal(value), sign=False) == text
    assert decimal_text(Decimal(value), locale="en") == text.replace(",", ".")


def test_percent_of_nothing_is_empty():
    assert format_percent(None) == ""
    assert format_ratio(None) == ""
    assert format_points(None) == ""
    assert format_percent_fraction(None) == ""
    assert format_size(None) == ""


def test_ratios_sizes_and_points_follow_the_interface_language(app):
    with app.test_request_context():
        assert format_ratio(Fraction(1, 16)) == "6,3%"  # rounded half up from the exact fraction
        assert format_ratio(Fraction(1, 2)) == "50%"
        assert format_percent_fraction(Fraction(925, 10)) == "92,5%"
        assert format_points(Fraction(208, 10)) == "20,8 điểm %"
        assert format_size(600) == "0,6 KB"
        assert format_size(1024) == "1 KB"
        assert format_size(1_468_006) == "1,4 MB"
        with force_locale("en"):
            assert format_ratio(Fraction(1, 16)) == "6.3%"
            assert format_size(600) == "0.6 KB"


@pytest.mark.parametrize(
    "size, shown",
    [(532, "532 byte"), (1024, "1,0 KB"), (1280, "1,2 KB"), (12_700, "12,4 KB"), (3_250_000, "3,1 MB")],
)
def test_sizes_and_counts_in_the_cli_are_vietnamese(size, shown):
    assert describe_size(size) == shown
    assert describe_size(5 * 1024**4) == "5120,0 GB"
    assert format_count(1_106_806) == "1.106.806"
    assert format_count(999) == "999"


@pytest.mark.parametrize(
    "value, shown",
    [
        (None, ""),
        (12, "12"),
        (Decimal("12.000"), "12"),
        (Decimal("2.25"), "2,3"),  # half up, from the exact value
        (Fraction(1, 3), "0,3"),
        (Fraction(-5, 2), "-2,5"),
    ],
)
def test_a_kpi_count_is_whole_or_has_one_decimal(value, shown):
    assert format_kpi_count(value) == shown
