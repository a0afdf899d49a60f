"""How a plan stands in Quy chế 42's four classes on a day, month by month, and what changed between two days:
pure functions over assignments' dates, judged as of a day given to them."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .lifecycle import DONE_LATE, DONE_ON_TIME, NOT_DONE_IN_TIME, NOT_DONE_OVERDUE, classify

# The four classes in the order a report lists them: done first, then what is still open.
CLASSES = (DONE_ON_TIME, DONE_LATE, NOT_DONE_OVERDUE, NOT_DONE_IN_TIME)


@dataclass(frozen=True)
class Dated:
    """What the classes are computed from: an assignment's state, due and completion dates, and whether its
    item is ongoing (no deadline); `key` names it to the caller (its id)."""

    key: int
    state: str
    due_on: date | None
    completed_on: date | None = None
    is_ongoing: bool = False


@dataclass(frozen=True)
class Tally:
    """How many assignments fall in each class on one day, and each class's share of them."""

    on: date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, name: str) -> Decimal:
        """The class's share of all assignments, in percent (0 when there are none), to one decimal."""
        return percent(self.counts[name], self.total, empty=Decimal(0))


def percent(part: int, whole: int, *, empty: Decimal) -> Decimal:
    """part / whole in percent to one decimal, half up (1/3 is 33.3, 1/6 is 16.7); `empty` when whole is 0."""
    if not whole:
        return empty
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def class_on(assignment: Dated, day: date) -> str:
    """The assignment's class as things stood on `day` (lifecycle.classify)."""
    return classify(
        state=assignment.state,
        due_on=assignment.due_on,
        completed_on=assignment.completed_on,
        is_ongoing=assignment.is_ongoing,
        as_of=day,
    )


def tally(assignments: Iterable[Dated], day: date) -> Tally:
    """The four classes' counts on `day`."""
    counts = dict.fromkeys(CLASSES, 0)
    for assignment in assignments:
        counts[class_on(assignment, day)] += 1
    return Tally(day, counts)


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def previous_month_end(day: date) -> date:
    """The last day of the month before `day`'s month."""
    return date.fromordinal(day.replace(day=1).toordinal() - 1)


def month_ends(start: date, as_of: date, *, most: int = 36) -> list[date]:
    """Each month end from `start`'s month up to `as_of`, the last point being `as_of` itself (its month has
    not ended, or ends that day); at most `most` points, the latest kept. Empty when start is after as_of."""
    if start > as_of:
        return []
    days = []
    year, month = start.year, start.month
    while (year, month) < (as_of.year, as_of.month):
        days.append(month_end(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    days.append(as_of)
    return days[-most:]


def monthly_classes(assignments: Sequence[Dated], months: Iterable[date]) -> list[Tally]:
    """The four classes' counts on each of the given days (month ends), in their order."""
    return [tally(assignments, day) for day in months]


@dataclass(frozen=True)
class Moved:
    """An assignment whose class on `before` differs from its class on `after`."""

    key: int
    was: str
    now: str

    @property
    def is_done_since(self) -> bool:
        return self.now in (DONE_ON_TIME, DONE_LATE) and self.was not in (DONE_ON_TIME, DONE_LATE)

    @property
    def is_newly_overdue(self) -> bool:
        return self.now == NOT_DONE_OVERDUE and self.was == NOT_DONE_IN_TIME


def changes_between(assignments: Iterable[Dated], before: date, after: date) -> list[Moved]:
    """The assignments that changed class from `before` to `after`, in the given order."""
    moved = []
    for assignment in assignments:
        was, now = class_on(assignment, before), class_on(assignment, after)
        if was != now:
            moved.append(Moved(assignment.key, was, now))
    return moved


@dataclass(frozen=True)
class UnitStanding:
    """One unit's four classes on a day: `key` names the unit to the caller."""

    key: int
    tally: Tally

    @property
    def overdue(self) -> int:
        return self.tally.counts[NOT_DONE_OVERDUE]

    @property
    def on_time_share(self) -> Decimal:
        """Done on time, as a share of the assignments that were due by then or are done (what could have been
        done on time); 100 when none were."""
        counts = self.tally.counts
        judged = counts[DONE_ON_TIME] + counts[DONE_LATE] + counts[NOT_DONE_OVERDUE]
        return percent(counts[DONE_ON_TIME], judged, empty=Decimal(100))


def units_behind(by_unit: Mapping[int, Sequence[Dated]], day: date, *, most: int = 10) -> list[UnitStanding]:
    """The units most behind on `day`: most overdue assignments first, then the lowest share done on time;
    only units with something overdue or done late; at most `most`. Ties keep the order of `by_unit`."""
    standings = [UnitStanding(key, tally(assignments, day)) for key, assignments in by_unit.items()]
    behind = [s for s in standings if s.overdue or s.tally.counts[DONE_LATE]]
    behind.sort(key=lambda s: (-s.overdue, s.on_time_share))
    return behind[:most]
