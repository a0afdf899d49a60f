"""The dashboard's rules: the four classes of Quy chế 42 on a day, month by month, what changed between two
days, and which units are most behind."""

from datetime import date
from decimal import Decimal

import pytest

from tracker.rules.lifecycle import (
    BLOCKED,
    DONE,
    DONE_LATE,
    DONE_ON_TIME,
    IN_PROGRESS,
    NOT_DONE_IN_TIME,
    NOT_DONE_OVERDUE,
    NOT_STARTED,
)
from tracker.rules.trend import (
    Dated,
    changes_between,
    class_on,
    month_end,
    month_ends,
    monthly_classes,
    previous_month_end,
    tally,
    units_behind,
)

D = date


@pytest.mark.parametrize(
    "state, due_on, completed_on, is_ongoing, day, expected",
    [
        # Done by the due date, on the day judged or before it.
        (DONE, D(2023, 8, 31), D(2023, 8, 20), False, D(2023, 9, 15), DONE_ON_TIME),
        (DONE, D(2023, 8, 31), D(2023, 8, 31), False, D(2023, 9, 15), DONE_ON_TIME),
        # Done after the due date: late, once it is done.
        (DONE, D(2023, 8, 31), D(2023, 9, 5), False, D(2023, 9, 15), DONE_LATE),
        # … and before it was done, on a day past the due date: overdue then.
        (DONE, D(2023, 8, 31), D(2023, 9, 5), False, D(2023, 9, 1), NOT_DONE_OVERDUE),
        # … and before the due date: still in time then.
        (DONE, D(2023, 8, 31), D(2023, 9, 5), False, D(2023, 8, 31), NOT_DONE_IN_TIME),
        # Not done: overdue the day after the due date, in time on the day.
        (IN_PROGRESS, D(2023, 8, 31), None, False, D(2023, 9, 1), NOT_DONE_OVERDUE),
        (BLOCKED, D(2023, 8, 31), None, False, D(2023, 8, 31), NOT_DONE_IN_TIME),
        (NOT_STARTED, None, None, False, D(2030, 1, 1), NOT_DONE_IN_TIME),
        # An ongoing item has no deadline to miss.
        (NOT_STARTED, D(2023, 1, 31), None, True, D(2023, 9, 15), NOT_DONE_IN_TIME),
        (DONE, D(2023, 1, 31), D(2023, 3, 1), True, D(2023, 9, 15), DONE_ON_TIME),
        # Done with no date recorded: taken as done on time, since when cannot be told.
        (DONE, D(2023, 8, 31), None, False, D(2023, 1, 1), DONE_ON_TIME),
    ],
)
def test_the_class_on_a_day_is_judged_from_the_dates(state, due_on, completed_on, is_ongoing, day, expected):
    assert class_on(Dated(1, state, due_on, completed_on, is_ongoing), day) == expected


@pytest.mark.parametrize(
    "start, as_of, expected",
    [
        # From the plan's month to today: every month end, then today itself.
        (D(2023, 6, 20), D(2023, 9, 15), [D(2023, 6, 30), D(2023, 7, 31), D(2023, 8, 31), D(2023, 9, 15)]),
        # Across a year and February of a leap year.
        (D(2023, 12, 1), D(2024, 3, 1), [D(2023, 12, 31), D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 1)]),
        # Today a month end: counted once.
        (D(2023, 8, 1), D(2023, 9, 30), [D(2023, 8, 31), D(2023, 9, 30)]),
        # Started this month: today alone.
        (D(2023, 9, 1), D(2023, 9, 15), [D(2023, 9, 15)]),
        # A plan starting after the day judged has no past.
        (D(2023, 10, 1), D(2023, 9, 15), []),
    ],
)
def test_month_ends_run_from_the_plans_month_to_the_day(start, as_of, expected):
    assert month_ends(start, as_of) == expected


def test_month_ends_keep_the_latest_ones():
    days = month_ends(D(2020, 1, 1), D(2023, 9, 15), most=3)
    assert days == [D(2023, 7, 31), D(2023, 8, 31), D(2023, 9, 15)]


@pytest.mark.parametrize(
    "day, end, before",
    [
        (D(2023, 9, 15), D(2023, 9, 30), D(2023, 8, 31)),
        (D(2024, 3, 1), D(2024, 3, 31), D(2024, 2, 29)),
        (D(2024, 1, 31), D(2024, 1, 31), D(2023, 12, 31)),
    ],
)
def test_month_end_and_the_end_of_the_month_before(day, end, before):
    assert month_end(day.year, day.month) == end
    assert previous_month_end(day) == before


PLAN = [
    Dated(1, DONE, D(2023, 7, 31), D(2023, 7, 20)),  # on time in July
    Dated(2, DONE, D(2023, 7, 31), D(2023, 9, 5)),  # overdue in August, done late in September
    Dated(3, IN_PROGRESS, D(2023, 8, 31)),  # overdue from September
    Dated(4, NOT_STARTED, D(2023, 12, 31)),  # in time throughout
    Dated(5, BLOCKED, None, None, True),  # ongoing: in time throughout
]


def test_the_trend_counts_each_class_at_each_month_end():
    months = [D(2023, 6, 30), D(2023, 7, 31), D(2023, 8, 31), D(2023, 9, 15)]
    counts = [t.counts for t in monthly_classes(PLAN, months)]
    #          on time, late, overdue, in time
    expected = [(0, 0, 0, 5), (1, 0, 0, 4), (1, 0, 1, 3), (1, 1, 1, 2)]
    assert [(c[DONE_ON_TIME], c[DONE_LATE], c[NOT_DONE_OVERDUE], c[NOT_DONE_IN_TIME]) for c in counts] == expected


@pytest.mark.parametrize(
    "assignments, shares",
    [
        (PLAN, {DONE_ON_TIME: "20", DONE_LATE: "20", NOT_DONE_OVERDUE: "20", NOT_DONE_IN_TIME: "40"}),
        (PLAN[:3], {DONE_ON_TIME: "33.3", DONE_LATE: "33.3", NOT_DONE_OVERDUE: "33.3", NOT_DONE_IN_TIME: "0"}),
        (
            PLAN[:3] + PLAN[:3] + PLAN[3:4],
            {DONE_ON_TIME: "28.6", DONE_LATE: "28.6", NOT_DONE_OVERDUE: "28.6", NOT_DONE_IN_TIME: "14.3"},
        ),
        ([], {DONE_ON_TIME: "0", DONE_LATE: "0", NOT_DONE_OVERDUE: "0", NOT_DONE_IN_TIME: "0"}),
    ],
)
def test_shares_are_percent_of_all_assignments(assignments, shares):
    counted = tally(assignments, D(2023, 9, 15))
    assert {name: counted.share(name) for name in shares} == {name: Decimal(v) for name, v in shares.items()}


def test_what_changed_since_the_end_of_last_month():
    moved = changes_between(PLAN, D(2023, 8, 31), D(2023, 9, 15))
    assert [(m.key, m.was, m.now) for m in moved] == [
        (2, NOT_DONE_OVERDUE, DONE_LATE),
        (3, NOT_DONE_IN_TIME, NOT_DONE_OVERDUE),
    ]
    assert [m.key for m in moved if m.is_done_since] == [2]
    assert [m.key for m in moved if m.is_newly_overdue] == [3]
    assert changes_between(PLAN, D(2023, 9, 15), D(2023, 9, 15)) == []


def test_units_most_behind_come_first_by_overdue_then_share_on_time():
    by_unit = {
        10: [Dated(1, IN_PROGRESS, D(2023, 8, 1)), Dated(2, DONE, D(2023, 8, 1), D(2023, 7, 1))],
        # Two overdue: first.
        20: [Dated(3, NOT_STARTED, D(2023, 8, 1)), Dated(4, BLOCKED, D(2023, 9, 1))],
        # One overdue like unit 10, but nothing on time: before it.
        30: [Dated(5, IN_PROGRESS, D(2023, 8, 1)), Dated(6, DONE, D(2023, 8, 1), D(2023, 8, 20))],
        # Late only: behind, after the overdue ones.
        40: [Dated(7, DONE, D(2023, 8, 1), D(2023, 8, 2))],
        # Nothing overdue or late: not behind.
        50: [Dated(8, DONE, D(2023, 8, 1), D(2023, 8, 1)), Dated(9, NOT_STARTED, D(2023, 12, 1))],
    }
    behind = units_behind(by_unit, D(2023, 9, 15))
    assert [(s.key, s.overdue, s.on_time_share) for s in behind] == [
        (20, 2, 0),
        (30, 1, 0),
        (10, 1, 50),
        (40, 0, 0),
    ]
    assert [s.key for s in units_behind(by_unit, D(2023, 9, 15), most=2)] == [20, 30]
