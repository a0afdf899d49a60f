"""Working days in Vietnam: weekends and public holidays off, make-up Saturdays on, days added by hand."""

from datetime import date

import pytest

from tracker.rules.workdays import EXTRA_HOLIDAY_NAME, WorkCalendar

CALENDAR = WorkCalendar()


def day(text):
    """A date from "YYYY-MM-DD", so the tables read like a calendar."""
    return date.fromisoformat(text)


WORKDAY_TABLE = [
    pytest.param("2023-08-31", True, id="thursday-before-national-day"),
    pytest.param("2023-09-01", False, id="national-day-eve-holiday"),
    pytest.param("2023-09-02", False, id="national-day-saturday"),
    pytest.param("2023-09-03", False, id="sunday"),
    pytest.param("2023-09-04", False, id="national-day-observed-monday"),
    pytest.param("2023-09-05", True, id="tuesday-after-national-day"),
    pytest.param("2023-01-01", False, id="new-year"),
    pytest.param("2023-01-02", False, id="new-year-observed"),
    pytest.param("2023-01-03", True, id="first-workday-of-2023"),
    pytest.param("2023-01-19", True, id="thursday-before-tet"),
    pytest.param("2023-01-20", False, id="tet-29"),
    pytest.param("2023-01-21", False, id="tet-eve"),
    pytest.param("2023-01-22", False, id="tet-day-1"),
    pytest.param("2023-01-23", False, id="tet-day-2"),
    pytest.param("2023-01-24", False, id="tet-day-3"),
    pytest.param("2023-01-25", False, id="tet-day-4"),
    pytest.param("2023-01-26", False, id="tet-day-5"),
    pytest.param("2023-01-27", True, id="friday-after-tet"),
    pytest.param("2023-04-28", True, id="friday-before-hung-kings"),
    pytest.param("2023-04-29", False, id="hung-kings"),
    pytest.param("2023-04-30", False, id="liberation-day"),
    pytest.param("2023-05-01", False, id="labour-day"),
    pytest.param("2023-05-02", False, id="hung-kings-observed"),
    pytest.param("2023-05-03", False, id="liberation-day-observed"),
    pytest.param("2023-05-04", True, id="thursday-after-may-holidays"),
    pytest.param("2023-10-27", True, id="friday"),
    pytest.param("2023-10-28", False, id="saturday"),
    pytest.param("2023-10-29", False, id="plain-sunday"),
    pytest.param("2023-10-30", True, id="monday"),
    pytest.param("2024-04-29", False, id="2024-bridge-day-off-from-the-package"),
    pytest.param("2024-05-04", True, id="2024-make-up-saturday-from-the-package"),
]


@pytest.mark.parametrize("text, expected", WORKDAY_TABLE)
def test_workday_is_monday_to_friday_except_holidays(text, expected):
    assert CALENDAR.is_workday(day(text)) is expected


HOLIDAY_NAME_TABLE = [
    pytest.param("2023-09-01", "Quốc khánh", id="national-day"),
    pytest.param("2023-09-02", "Quốc khánh", id="national-day-second"),
    pytest.param("2023-09-04", "Quốc khánh (nghỉ bù)", id="national-day-observed"),
    pytest.param("2023-01-22", "Tết Nguyên Đán", id="tet"),
    pytest.param("2023-05-01", "Ngày Quốc tế Lao động", id="labour-day"),
    pytest.param("2023-09-03", None, id="plain-sunday-is-no-holiday"),
    pytest.param("2023-08-31", None, id="workday"),
    pytest.param("2024-05-04", None, id="make-up-saturday"),
]


@pytest.mark.parametrize("text, expected", HOLIDAY_NAME_TABLE)
def test_holiday_name_is_the_vietnamese_name_or_none(text, expected):
    assert CALENDAR.holiday_name(day(text)) == expected


MOVE_TABLE = [
    # (method, day, expected)
    pytest.param("next_workday", "2023-09-01", "2023-09-05", id="next-after-national-day"),
    pytest.param("next_workday", "2023-09-02", "2023-09-05", id="next-from-national-day-saturday"),
    pytest.param("next_workday", "2023-09-05", "2023-09-05", id="next-of-a-workday-is-itself"),
    pytest.param("next_workday", "2023-10-28", "2023-10-30", id="next-from-saturday-is-monday"),
    pytest.param("next_workday", "2023-01-20", "2023-01-27", id="next-after-tet"),
    pytest.param("next_workday", "2023-12-30", "2024-01-02", id="next-across-new-year"),
    pytest.param("previous_workday", "2023-09-04", "2023-08-31", id="previous-before-national-day"),
    pytest.param("previous_workday", "2023-09-01", "2023-08-31", id="previous-from-national-day"),
    pytest.param("previous_workday", "2023-10-28", "2023-10-27", id="previous-from-saturday-is-friday"),
    pytest.param("previous_workday", "2023-10-27", "2023-10-27", id="previous-of-a-workday-is-itself"),
    pytest.param("previous_workday", "2023-05-03", "2023-04-28", id="previous-before-may-holidays"),
    pytest.param("previous_workday", "2024-01-01", "2023-12-29", id="previous-across-new-year"),
]


@pytest.mark.parametrize("method, text, expected", MOVE_TABLE)
def test_previous_and_next_workday_skip_days_off(method, text, expected):
    assert getattr(CALENDAR, method)(day(text)) == day(expected)


def test_extra_holiday_is_a_day_off_with_a_generic_name():
    calendar = WorkCalendar(extra_holidays=[day("2023-12-29")])
    assert not calendar.is_workday(day("2023-12-29"))
    assert calendar.holiday_name(day("2023-12-29")) == EXTRA_HOLIDAY_NAME
    assert calendar.previous_workday(day("2023-12-31")) == day("2023-12-28")
    assert calendar.next_workday(day("2023-12-29")) == day("2024-01-02")


def test_extra_workday_makes_a_saturday_a_working_day():
    calendar = WorkCalendar(extra_workdays=[day("2023-10-28")])
    assert calendar.is_workday(day("2023-10-28"))
    assert calendar.holiday_name(day("2023-10-28")) is None
    assert calendar.next_workday(day("2023-10-28")) == day("2023-10-28")
    assert calendar.previous_workday(day("2023-10-29")) == day("2023-10-28")


def test_extra_workday_overrides_a_package_holiday():
    calendar = WorkCalendar(extra_workdays=[day("2023-09-04")])
    assert calendar.is_workday(day("2023-09-04"))
    assert calendar.holiday_name(day("2023-09-04")) is None
    assert calendar.next_workday(day("2023-09-01")) == day("2023-09-04")


def test_extra_holiday_overrides_a_package_make_up_saturday():
    calendar = WorkCalendar(extra_holidays=[day("2024-05-04")])
    assert not calendar.is_workday(day("2024-05-04"))


def test_extra_days_do_not_change_the_calendar_without_them():
    WorkCalendar(extra_holidays=[day("2023-08-31")])
    assert CALENDAR.is_workday(day("2023-08-31"))


def test_a_day_both_off_and_working_is_refused():
    with pytest.raises(ValueError, match="28/10/2023"):
        WorkCalendar(extra_holidays=[day("2023-10-28")], extra_workdays=[day("2023-10-28")])


def test_extra_days_accept_any_iterable_once():
    calendar = WorkCalendar(extra_holidays=(d for d in [day("2023-08-31")]))
    assert not calendar.is_workday(day("2023-08-31"))
    assert not calendar.is_workday(day("2023-08-31"))


def test_years_far_apart_are_read_as_asked():
    assert not CALENDAR.is_workday(day("2030-09-02"))
    assert CALENDAR.holiday_name(day("2020-01-01")) == "Tết Dương lịch"
