"""Which days are working days in Vietnam: public holidays and make-up Saturdays from the holidays package,
plus the days the government adds."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import MAXYEAR, MINYEAR, date, timedelta

import holidays

COUNTRY = "VN"
# Names as Vietnamese documents give them ("Quốc khánh (nghỉ bù)"), whatever the server's locale.
LANGUAGE = "vi"
# A day off the government announces on top of the public holidays (a bridge day before Tết, say)
# has no name in the package.
EXTRA_HOLIDAY_NAME = "Ngày nghỉ theo thông báo của Chính phủ"

_ONE_DAY = timedelta(days=1)


class WorkCalendar:
    """Working days in Vietnam: Monday–Friday except public holidays (holidays package, country "VN")."""

    def __init__(self, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()) -> None:
        # extra_holidays: days off decided by the government beyond the package;
        # extra_workdays: Saturdays made working days to make up for a bridge day off.
        self._extra_holidays = frozenset(extra_holidays)
        self._extra_workdays = frozenset(extra_workdays)
        both = self._extra_holidays & self._extra_workdays
        if both:
            days = ", ".join(f"{day:%d/%m/%Y}" for day in sorted(both))
            raise ValueError(f"days both off and working: {days}")
        # One year of holidays is built the first time a day near it is asked about.
        self._holidays_by_year: dict[int, dict[date, str]] = {}
        self._package_workdays: set[date] = set()

    def _load(self, year: int) -> None:
        """Read one year's holidays and make-up working days from the package, once."""
        if year in self._holidays_by_year or not MINYEAR <= year <= MAXYEAR:
            return
        found = holidays.country_holidays(COUNTRY, years=year, language=LANGUAGE)
        self._holidays_by_year[year] = dict(found)
        self._package_workdays.update(found.weekend_workdays)

    def _package_holiday(self, day: date) -> str | None:
        """The package's name for a public holiday (or a swapped day off) on the day; None otherwise."""
        self._load(day.year)
        return self._holidays_by_year.get(day.year, {}).get(day)

    def _is_package_workday(self, day: date) -> bool:
        """True for a Saturday or Sunday the package knows was made a working day."""
        # A make-up Saturday in late December or early January is filed under the year of the day
        # off it pays for, so the neighbouring years are read too.
        for year in (day.year - 1, day.year, day.year + 1):
            self._load(year)
        return day in self._package_workdays

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday that makes the day a day off; None for a working day or a plain weekend."""
        if day in self._extra_workdays:
            return None
        name = self._package_holiday(day)
        if name is not None:
            return name
        return EXTRA_HOLIDAY_NAME if day in self._extra_holidays else None

    def is_workday(self, day: date) -> bool:
        """True for Monday–Friday that is no holiday, and for a Saturday or Sunday made a working day."""
        if day in self._extra_workdays:
            return True
        if day in self._extra_holidays or self._package_holiday(day) is not None:
            return False
        return day.weekday() < 5 or self._is_package_workday(day)

    def previous_workday(self, day: date) -> date:
        """The day itself if a workday, else the closest earlier workday."""
        while not self.is_workday(day):
            day -= _ONE_DAY
        return day

    def next_workday(self, day: date) -> date:
        """The day itself if a workday, else the closest later workday."""
        while not self.is_workday(day):
            day += _ONE_DAY
        return day
