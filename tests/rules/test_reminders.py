"""Reminder entries due on a day: before and on the due date, overdue, coordinating, ongoing reports, KPI figures, digest."""

from dataclasses import FrozenInstanceError, replace
from datetime import date, timedelta

import pytest

from tracker.rules.lifecycle import BLOCKED, DONE, IN_PROGRESS, NOT_STARTED
from tracker.rules.reminders import (
    BEFORE,
    COORDINATING,
    DIGEST,
    DUE,
    KIND_ORDER,
    KINDS,
    KPI_MISSING,
    ONGOING_REPORT,
    OVERDUE,
    AssignmentFacts,
    Entry,
    ReminderRules,
    UnitFigures,
    entries_due,
    group_by_unit,
)
from tracker.rules.workdays import WorkCalendar

CALENDAR = WorkCalendar()
RULES = ReminderRules()

LEGAL_AFFAIRS = 1  # Vụ Pháp chế
IT_CENTRE = 3  # Trung tâm Công nghệ thông tin
DEPARTMENTS = tuple(range(10, 21))  # eleven units
STARTED = date(2023, 7, 15)


def day(text):
    """A date from "YYYY-MM-DD", so the tables read like a calendar."""
    return date.fromisoformat(text)


def facts(
    assignment_id,
    item_ref,
    item_id,
    unit_id,
    due_on,
    *,
    state=IN_PROGRESS,
    is_ongoing=False,
    last_report_on=None,
    started_on=STARTED,
    coordinating=(),
):
    """An assignment as the sweep reads it, with the seed's defaults."""
    return AssignmentFacts(
        assignment_id,
        item_ref,
        item_id,
        unit_id,
        state,
        due_on,
        is_ongoing,
        last_report_on,
        started_on,
        tuple(coordinating),
    )


# The 2023 seed plan: I.1 led by Vụ Pháp chế with eleven coordinating units; I.2 led collectively by
# the same eleven units with the IT Centre coordinating; I.3 (yearly) and I.4 led by the IT Centre.
I_1 = facts(101, "I.1", 1, LEGAL_AFFAIRS, day("2023-08-31"), coordinating=DEPARTMENTS)
I_2 = tuple(facts(200 + unit, "I.2", 2, unit, day("2023-10-31"), coordinating=(IT_CENTRE,)) for unit in DEPARTMENTS)
I_3 = facts(301, "I.3", 3, IT_CENTRE, day("2023-12-31"))
I_4 = facts(401, "I.4", 4, IT_CENTRE, day("2023-12-31"), state=NOT_STARTED)
SEED = (I_1, *I_2, I_3, I_4)

# An ongoing item ("Thường xuyên") last reported on 1/8: its report is missing from 1/9, a holiday.
ONGOING = facts(501, "II.1", 5, 30, None, is_ongoing=True, last_report_on=day("2023-08-01"))
# Units reporting KPI figures: one last reported in July, one as of 2/9 (August is covered).
JULY_REPORTER = UnitFigures(40, day("2023-07-31"))
SEPTEMBER_REPORTER = UnitFigures(41, day("2023-09-02"))


def due(today, assignments=SEED, figures=(), rules=RULES, *, it_centre=IT_CENTRE, calendar=CALENDAR):
    """entries_due with the seed's defaults."""
    return entries_due(day(today), assignments, figures, rules, calendar, it_centre_unit_id=it_centre)


def send_days(start, end, kind, assignments=SEED, figures=(), rules=RULES, *, unit_id=None, item_ref=None):
    """Every day from start to end (inclusive) on which an entry of that kind is due."""
    found = []
    current, last = day(start), day(end)
    while current <= last:
        entries = entries_due(current, assignments, figures, rules, CALENDAR, it_centre_unit_id=IT_CENTRE)
        if any(e.kind == kind and unit_id in (None, e.unit_id) and item_ref in (None, e.item_ref) for e in entries):
            found.append(current.isoformat())
        current += timedelta(days=1)
    return found


def lead(kind, item, days, *, cc=False):
    """The entry a lead unit gets for its assignment."""
    return Entry(item.unit_id, kind, item.item_ref, item.item_id, item.assignment_id, days, cc)


def coordinating(unit_id, about, days):
    """The entry a coordinating unit gets: one per item, naming the lead assignment it is told about."""
    return Entry(unit_id, COORDINATING, about.item_ref, about.item_id, about.assignment_id, days)


DIGEST_ENTRY = Entry(IT_CENTRE, DIGEST, None, None, None, None)


# --- the seed plan, day by day ------------------------------------------------------------------


def test_seven_days_before_the_lead_gets_before_and_each_coordinating_unit_gets_coordinating():
    assert due("2023-08-24") == [
        lead(BEFORE, I_1, 7),
        *(coordinating(unit, I_1, 7) for unit in DEPARTMENTS),
    ]


@pytest.mark.parametrize(
    "today",
    [
        pytest.param("2023-09-01", id="national-day"),
        pytest.param("2023-09-02", id="national-day-saturday"),
        pytest.param("2023-09-03", id="sunday"),
        pytest.param("2023-09-04", id="national-day-observed"),
        pytest.param("2023-10-28", id="saturday-before-i2-due"),
        pytest.param("2023-12-31", id="sunday-due-date"),
    ],
)
def test_nothing_at_all_on_a_day_off(today):
    everything = (*SEED, ONGOING)
    figures = (JULY_REPORTER, UnitFigures(42, None))
    assert due(today, everything, figures) == []


def test_first_overdue_reminder_falls_on_a_holiday_and_goes_out_the_next_working_day_copied_to_it():
    # Day 1 after 31/8 is 1/9 (National Day); 2-4/9 are off too, so it goes out on Tuesday 5/9,
    # together with the weekly digest that Monday's holiday pushed to Tuesday.
    assert due("2023-09-05") == [lead(OVERDUE, I_1, -5, cc=True), DIGEST_ENTRY]


def test_overdue_repeats_every_seven_days_from_day_one_not_from_the_day_it_went_out():
    assert due("2023-09-08") == [lead(OVERDUE, I_1, -8, cc=True)]
    assert due("2023-09-07") == []
    assert send_days("2023-08-25", "2023-10-06", OVERDUE) == [
        "2023-09-05",
        "2023-09-08",
        "2023-09-15",
        "2023-09-22",
        "2023-09-29",
        "2023-10-06",
    ]


def test_reminder_due_on_a_saturday_goes_out_the_friday_before_once_per_unit():
    # 3 days before 31/10 is Saturday 28/10: each of the eleven lead units hears on Friday 27/10,
    # 4 days ahead; the IT Centre coordinates all eleven assignments but hears once.
    # I.1 is still overdue, and 27/10 is 8 weeks after its day 1.
    assert due("2023-10-27") == [
        lead(OVERDUE, I_1, -57, cc=True),
        coordinating(IT_CENTRE, I_2[0], 4),
        *(lead(BEFORE, assignment, 4) for assignment in I_2),
    ]


def test_due_date_gives_due_with_zero_days_to_the_leads_and_coordinating_to_the_coordinator():
    assert due("2023-10-31") == [
        coordinating(IT_CENTRE, I_2[0], 0),
        *(lead(DUE, assignment, 0) for assignment in I_2),
    ]


BEFORE_DUE_TABLE = [
    # (item, kind, expected send days) over the weeks around each due date
    pytest.param(I_1, BEFORE, ["2023-08-24", "2023-08-28", "2023-08-30"], id="i1-before-7-3-1"),
    pytest.param(I_1, DUE, ["2023-08-31"], id="i1-due-on-a-thursday"),
    pytest.param(I_2[0], BEFORE, ["2023-10-24", "2023-10-27", "2023-10-30"], id="i2-before-3-moved-to-friday"),
    pytest.param(I_2[0], DUE, ["2023-10-31"], id="i2-due"),
    # 31/12/2023 is a Sunday: the 0- and 1-day reminders both fall on Friday 29/12, which gives one
    # DUE entry (the nearer offset) with 2 days left; the 7-day one moves from Sunday 24/12 to 22/12.
    pytest.param(I_4, BEFORE, ["2023-12-22", "2023-12-28"], id="i4-before-7-moved-and-3"),
    pytest.param(I_4, DUE, ["2023-12-29"], id="i4-due-on-sunday-goes-out-friday"),
]


@pytest.mark.parametrize("item, kind, expected", BEFORE_DUE_TABLE)
def test_before_and_due_reminders_go_out_the_working_day_before_a_day_off(item, kind, expected):
    window = (item.due_on - timedelta(days=14), item.due_on + timedelta(days=14))
    assert send_days(*(d.isoformat() for d in window), kind, (item,)) == expected


def test_due_date_on_a_sunday_gives_one_due_entry_with_the_days_actually_left():
    entries = [e for e in due("2023-12-29") if e.item_ref in ("I.3", "I.4")]
    assert entries == [lead(DUE, I_3, 2), lead(DUE, I_4, 2)]


def test_overdue_across_the_new_year_holiday_is_not_copied_to_the_it_centre_about_its_own_work():
    # Day 1 after 31/12/2023 is 1/1/2024, a holiday: the reminder goes out on 2/1/2024.
    entries = [e for e in due("2024-01-02") if e.item_ref in ("I.3", "I.4")]
    assert entries == [lead(OVERDUE, I_3, -2), lead(OVERDUE, I_4, -2)]


def test_two_offsets_moved_onto_one_working_day_give_one_entry_with_the_nearer_offset():
    rules = ReminderRules(before_days=(3, 2))  # Saturday 28/10 and Sunday 29/10 both go to Friday
    assert due("2023-10-27", I_2[:1], rules=rules) == [
        coordinating(IT_CENTRE, I_2[0], 4),
        lead(BEFORE, I_2[0], 4),
    ]


def test_overdue_repeats_moved_onto_one_working_day_give_one_entry():
    rules = ReminderRules(overdue_repeat_days=1)  # 1, 2, 3 and 4/9 all move to 5/9
    assert due("2023-09-05", (I_1,), rules=rules, it_centre=None) == [lead(OVERDUE, I_1, -5)]
    assert send_days("2023-09-01", "2023-09-08", OVERDUE, (I_1,), rules=rules) == [
        "2023-09-05",
        "2023-09-06",
        "2023-09-07",
        "2023-09-08",
    ]


@pytest.mark.parametrize("state", [NOT_STARTED, IN_PROGRESS, BLOCKED])
def test_every_unfinished_state_is_reminded(state):
    assignment = replace(I_1, state=state)
    assert due("2023-08-24", (assignment,)) == [
        lead(BEFORE, assignment, 7),
        *(coordinating(unit, assignment, 7) for unit in DEPARTMENTS),
    ]


def test_done_assignments_get_nothing_all_year():
    done = tuple(replace(a, state=DONE) for a in (*SEED, ONGOING))
    for kind in (BEFORE, DUE, OVERDUE, COORDINATING, ONGOING_REPORT):
        assert send_days("2023-07-01", "2024-03-31", kind, done) == []


def test_done_assignment_of_a_collective_item_leaves_the_others_reminded():
    assignments = (replace(I_2[0], state=DONE), *I_2[1:])
    entries = due("2023-10-31", assignments)
    assert [e.unit_id for e in entries if e.kind == DUE] == list(DEPARTMENTS[1:])
    assert coordinating(IT_CENTRE, I_2[1], 0) in entries


# --- ongoing items --------------------------------------------------------------------------------


def test_ongoing_item_without_a_due_date_is_never_before_due_or_overdue():
    ongoing = replace(ONGOING, last_report_on=None)
    for kind in (BEFORE, DUE, OVERDUE, COORDINATING):
        assert send_days("2023-07-01", "2024-03-31", kind, (ongoing,)) == []


def test_ongoing_item_with_a_due_date_gets_before_and_due_but_never_overdue():
    # "Quý II/2023 và thường xuyên": due 30/6, then carried on.
    ongoing = facts(
        601,
        "II.2",
        6,
        31,
        day("2023-06-30"),
        is_ongoing=True,
        started_on=day("2023-04-03"),
        last_report_on=day("2023-06-20"),
        coordinating=(32,),
    )
    assert send_days("2023-06-01", "2023-07-31", BEFORE, (ongoing,)) == ["2023-06-23", "2023-06-27", "2023-06-29"]
    assert send_days("2023-06-01", "2023-07-31", DUE, (ongoing,)) == ["2023-06-30"]
    assert send_days("2023-06-01", "2023-07-31", COORDINATING, (ongoing,)) == [
        "2023-06-23",
        "2023-06-27",
        "2023-06-29",
        "2023-06-30",
    ]
    assert send_days("2023-06-01", "2024-06-30", OVERDUE, (ongoing,)) == []


ONGOING_REPORT_TABLE = [
    # (last report, start, expected days in Aug–Sep 2023)
    pytest.param(
        "2023-08-01",
        "2023-07-03",
        ["2023-09-05", "2023-09-08", "2023-09-15", "2023-09-22", "2023-09-29"],
        id="missing-from-a-holiday-moves-to-5-9-then-weekly-from-1-9",
    ),
    pytest.param(
        None,
        "2023-07-03",
        [
            "2023-08-03",
            "2023-08-10",
            "2023-08-17",
            "2023-08-24",
            "2023-08-31",
            "2023-09-07",
            "2023-09-14",
            "2023-09-21",
            "2023-09-28",
        ],
        id="never-reported-counts-from-the-start",
    ),
    pytest.param("2023-09-20", "2023-07-03", [], id="reported-recently"),
    pytest.param(
        "2023-07-31",
        "2023-07-03",
        ["2023-08-31", "2023-09-07", "2023-09-14", "2023-09-21", "2023-09-28"],
        id="missing-on-day-31-after-the-report",
    ),
]


@pytest.mark.parametrize("last_report, started, expected", ONGOING_REPORT_TABLE)
def test_ongoing_report_is_asked_for_the_day_after_the_period_then_every_seven_days(last_report, started, expected):
    ongoing = replace(
        ONGOING, last_report_on=None if last_report is None else day(last_report), started_on=day(started)
    )
    assert send_days("2023-08-01", "2023-09-30", ONGOING_REPORT, (ongoing,)) == expected


def test_ongoing_report_entry_goes_to_the_lead_with_no_days():
    assert due("2023-09-05", (ONGOING,), it_centre=None) == [
        Entry(30, ONGOING_REPORT, "II.1", 5, 501, None),
    ]


def test_ongoing_report_follows_the_period_and_repeat_settings():
    rules = ReminderRules(progress_period_days=14, ongoing_repeat_days=3)
    ongoing = replace(ONGOING, last_report_on=day("2023-08-01"))  # missing from 16/8
    assert send_days("2023-08-01", "2023-08-31", ONGOING_REPORT, (ongoing,), rules=rules) == [
        "2023-08-16",
        "2023-08-21",
        "2023-08-22",
        "2023-08-25",
        "2023-08-28",
        "2023-08-31",
    ]


def test_a_finite_item_never_gets_ongoing_report():
    assert send_days("2023-07-01", "2023-12-31", ONGOING_REPORT, SEED) == []


# --- KPI figures ----------------------------------------------------------------------------------

KPI_TABLE = [
    pytest.param(
        JULY_REPORTER, ["2023-09-06", "2023-09-13", "2023-09-20", "2023-09-27"], id="august-missing-from-6-9-weekly"
    ),
    pytest.param(SEPTEMBER_REPORTER, [], id="reported-as-of-2-9-covers-august"),
    pytest.param(UnitFigures(43, day("2023-08-01")), [], id="reported-on-1-8-covers-august"),
]


@pytest.mark.parametrize("unit, expected", KPI_TABLE)
def test_kpi_missing_from_the_first_working_day_after_the_fifth_then_every_seven_days(unit, expected):
    assert send_days("2023-09-01", "2023-09-30", KPI_MISSING, (), (unit,)) == expected


def test_kpi_missing_entry_names_only_the_unit():
    assert due("2023-09-06", (), (JULY_REPORTER, SEPTEMBER_REPORTER)) == [
        Entry(40, KPI_MISSING, None, None, None, None),
    ]


def test_kpi_reminder_falling_on_a_weekend_goes_out_the_next_monday():
    # July's figures were due Saturday 5/8/2023; day 1 late is Sunday 6/8, so Monday 7/8, and each
    # weekly repeat from 6/8 lands on a Sunday too.
    unit = UnitFigures(44, day("2023-06-30"))
    assert send_days("2023-08-01", "2023-08-31", KPI_MISSING, (), (unit,)) == [
        "2023-08-07",
        "2023-08-14",
        "2023-08-21",
        "2023-08-28",
    ]


def test_kpi_due_day_setting_moves_the_reminders():
    rules = ReminderRules(kpi_due_day=10)  # August due 10/9 (Sunday): late from Monday 11/9
    assert send_days("2023-09-01", "2023-09-30", KPI_MISSING, (), (JULY_REPORTER,), rules=rules) == [
        "2023-09-11",
        "2023-09-18",
        "2023-09-25",
    ]


# --- the weekly digest ----------------------------------------------------------------------------

DIGEST_TABLE = [
    pytest.param("2023-09-11", True, id="monday"),
    pytest.param("2023-09-05", True, id="tuesday-after-a-monday-holiday"),
    pytest.param("2023-09-12", False, id="ordinary-tuesday"),
    pytest.param("2023-09-06", False, id="wednesday-after-the-moved-digest"),
    pytest.param("2023-01-27", True, id="friday-after-tet-week"),
    pytest.param("2023-01-30", True, id="monday-after-tet"),
    pytest.param("2023-05-04", True, id="thursday-after-may-holidays"),
]


@pytest.mark.parametrize("today, expected", DIGEST_TABLE)
def test_digest_goes_to_the_it_centre_on_the_first_working_day_from_the_digest_weekday(today, expected):
    assert (DIGEST_ENTRY in due(today, ())) is expected


def test_digest_follows_the_weekday_setting():
    rules = ReminderRules(digest_weekday=4)  # Friday: 1/9 is a holiday, so that week's goes out Tuesday 5/9
    assert send_days("2023-08-21", "2023-09-17", DIGEST, (), rules=rules) == [
        "2023-08-25",
        "2023-09-05",
        "2023-09-08",
        "2023-09-15",
    ]


def test_no_digest_and_no_copy_without_an_it_centre():
    assert due("2023-09-05", it_centre=None) == [lead(OVERDUE, I_1, -5)]


# --- switches -------------------------------------------------------------------------------------

# One day per kind on which it occurs, with the seed, an ongoing item and the KPI reporters.
EVERYTHING = (*SEED, ONGOING)
FIGURES = (JULY_REPORTER, SEPTEMBER_REPORTER)
KIND_DAYS = [
    pytest.param(BEFORE, "2023-08-24", id=BEFORE),
    pytest.param(COORDINATING, "2023-08-24", id=COORDINATING),
    pytest.param(DUE, "2023-08-31", id=DUE),
    pytest.param(OVERDUE, "2023-09-05", id=OVERDUE),
    pytest.param(ONGOING_REPORT, "2023-09-05", id=ONGOING_REPORT),
    pytest.param(KPI_MISSING, "2023-09-06", id=KPI_MISSING),
    pytest.param(DIGEST, "2023-09-11", id=DIGEST),
]


def test_kind_days_cover_every_kind():
    assert {p.values[0] for p in KIND_DAYS} == set(KINDS)


@pytest.mark.parametrize("kind, today", KIND_DAYS)
def test_a_switched_off_kind_produces_nothing_and_leaves_the_others_alone(kind, today):
    everything = due(today, EVERYTHING, FIGURES)
    assert any(e.kind == kind for e in everything)
    rules = ReminderRules(enabled=frozenset(KINDS) - {kind})
    assert due(today, EVERYTHING, FIGURES, rules) == [e for e in everything if e.kind != kind]


@pytest.mark.parametrize("kind, today", KIND_DAYS)
def test_a_kind_switched_on_alone_produces_only_its_entries(kind, today):
    everything = due(today, EVERYTHING, FIGURES)
    rules = ReminderRules(enabled=frozenset({kind}))
    assert due(today, EVERYTHING, FIGURES, rules) == [e for e in everything if e.kind == kind]


def test_nothing_switched_on_produces_nothing():
    rules = ReminderRules(enabled=frozenset())
    assert send_days("2023-08-01", "2023-12-31", DIGEST, EVERYTHING, FIGURES, rules) == []
    assert due("2023-09-05", EVERYTHING, FIGURES, rules) == []


def test_coordinators_get_nothing_when_coordinators_get_before_is_off():
    rules = ReminderRules(coordinators_get_before=False)
    assert due("2023-08-24", rules=rules) == [lead(BEFORE, I_1, 7)]


def test_days_off_added_to_the_calendar_move_reminders_too():
    calendar = WorkCalendar(extra_holidays=[day("2023-08-24")])
    assert due("2023-08-24", (I_1,), calendar=calendar) == []
    assert due("2023-08-23", (I_1,), calendar=calendar) == [
        lead(BEFORE, I_1, 8),
        *(coordinating(unit, I_1, 8) for unit in DEPARTMENTS),
    ]


def test_overdue_is_not_copied_when_copy_it_centre_on_overdue_is_off():
    rules = ReminderRules(copy_it_centre_on_overdue=False)
    assert due("2023-09-05", rules=rules) == [lead(OVERDUE, I_1, -5), DIGEST_ENTRY]


# --- coordinating units ---------------------------------------------------------------------------


def test_lead_unit_named_among_its_coordinators_gets_only_its_lead_entry():
    assignment = replace(I_1, coordinating_unit_ids=(LEGAL_AFFAIRS, 10))
    assert due("2023-08-24", (assignment,)) == [lead(BEFORE, assignment, 7), coordinating(10, assignment, 7)]


def test_unit_leading_its_share_of_an_item_is_not_also_told_as_coordinator():
    # Unit 10 leads its own I.2 assignment and is named as coordinator of unit 11's.
    mine = I_2[0]
    theirs = replace(I_2[1], coordinating_unit_ids=(IT_CENTRE, 10))
    assert due("2023-10-31", (mine, theirs)) == [
        coordinating(IT_CENTRE, mine, 0),
        lead(DUE, mine, 0),
        lead(DUE, theirs, 0),
    ]


def test_coordinator_of_a_collective_item_is_told_about_the_lowest_numbered_assignment():
    entries = [e for e in due("2023-10-27") if e.kind == COORDINATING]
    assert entries == [coordinating(IT_CENTRE, I_2[0], 4)]


def test_coordinator_of_assignments_with_different_due_dates_hears_the_nearest():
    sooner = facts(701, "III.1", 7, 50, day("2023-10-31"), coordinating=(IT_CENTRE,))
    later = facts(702, "III.1", 7, 51, day("2023-11-03"), coordinating=(IT_CENTRE,))
    assert due("2023-10-27", (later, sooner), it_centre=None) == [
        coordinating(IT_CENTRE, sooner, 4),
        lead(BEFORE, sooner, 4),
        lead(BEFORE, later, 7),
    ]


def test_coordinators_are_not_told_when_the_item_is_overdue():
    assert [e.kind for e in due("2023-09-08")] == [OVERDUE]


# --- settings -------------------------------------------------------------------------------------

VALIDATE_TABLE = [
    pytest.param(RULES, [], id="defaults-are-valid"),
    pytest.param(ReminderRules(before_days=()), [], id="no-before-reminders-is-valid"),
    pytest.param(ReminderRules(kpi_due_day=28, digest_weekday=6), [], id="upper-bounds-are-valid"),
    pytest.param(
        ReminderRules(before_days=(7, -1, -3)),
        ["Số ngày nhắc trước hạn phải là số nguyên không âm (đã nhập -1, -3)."],
        id="negative-offsets",
    ),
    pytest.param(
        ReminderRules(before_days=(7, 3, 3, 1, 1, 1)), ["Số ngày nhắc trước hạn bị lặp: 1, 3."], id="duplicate-offsets"
    ),
    pytest.param(
        ReminderRules(overdue_repeat_days=0),
        ["Chu kỳ nhắc lại nhiệm vụ quá hạn phải từ 1 ngày trở lên (đang là 0)."],
        id="overdue-repeat-zero",
    ),
    pytest.param(
        ReminderRules(ongoing_repeat_days=-7),
        ["Chu kỳ nhắc lại báo cáo nhiệm vụ thường xuyên phải từ 1 ngày trở lên (đang là -7)."],
        id="ongoing-repeat-negative",
    ),
    pytest.param(
        ReminderRules(kpi_repeat_days=0),
        ["Chu kỳ nhắc lại báo cáo số liệu KPI phải từ 1 ngày trở lên (đang là 0)."],
        id="kpi-repeat-zero",
    ),
    pytest.param(
        ReminderRules(progress_period_days=0),
        ["Thời hạn giữa hai lần báo cáo tiến độ nhiệm vụ thường xuyên phải từ 1 ngày trở lên (đang là 0)."],
        id="progress-period-zero",
    ),
    pytest.param(
        ReminderRules(kpi_due_day=29),
        ["Hạn nộp số liệu KPI phải là một ngày từ 1 đến 28 của tháng sau (đang là 29)."],
        id="kpi-day-29",
    ),
    pytest.param(
        ReminderRules(kpi_due_day=0),
        ["Hạn nộp số liệu KPI phải là một ngày từ 1 đến 28 của tháng sau (đang là 0)."],
        id="kpi-day-0",
    ),
    pytest.param(
        ReminderRules(digest_weekday=7),
        ["Ngày gửi bản tổng hợp hằng tuần phải từ 0 (thứ Hai) đến 6 (Chủ nhật) (đang là 7)."],
        id="weekday-7",
    ),
    pytest.param(
        ReminderRules(digest_weekday=-1),
        ["Ngày gửi bản tổng hợp hằng tuần phải từ 0 (thứ Hai) đến 6 (Chủ nhật) (đang là -1)."],
        id="weekday-negative",
    ),
    pytest.param(
        ReminderRules(enabled=frozenset({BEFORE, "weekly", "sms"})),
        ["Không có loại nhắc việc: sms, weekly."],
        id="unknown-kinds",
    ),
    pytest.param(
        ReminderRules(overdue_repeat_days=True),
        ["Chu kỳ nhắc lại nhiệm vụ quá hạn phải từ 1 ngày trở lên (đang là True)."],
        id="bool-is-no-number",
    ),
    pytest.param(
        ReminderRules(before_days=(-1, -1), kpi_repeat_days=0, digest_weekday=9),
        [
            "Số ngày nhắc trước hạn phải là số nguyên không âm (đã nhập -1, -1).",
            "Số ngày nhắc trước hạn bị lặp: -1.",
            "Chu kỳ nhắc lại báo cáo số liệu KPI phải từ 1 ngày trở lên (đang là 0).",
            "Ngày gửi bản tổng hợp hằng tuần phải từ 0 (thứ Hai) đến 6 (Chủ nhật) (đang là 9).",
        ],
        id="every-problem-at-once",
    ),
]


@pytest.mark.parametrize("rules, expected", VALIDATE_TABLE)
def test_validate_names_every_problem_in_vietnamese(rules, expected):
    assert rules.validate() == expected


def test_invalid_rules_are_refused_rather_than_half_applied():
    with pytest.raises(ValueError, match="Chu kỳ nhắc lại nhiệm vụ quá hạn"):
        due("2023-09-05", rules=ReminderRules(overdue_repeat_days=0))


def test_rules_are_frozen():
    with pytest.raises(FrozenInstanceError):
        RULES.before_days = (1,)


# --- order and grouping ---------------------------------------------------------------------------


def test_kinds_and_their_order_list_all_seven_once():
    assert sorted(KINDS) == sorted(KIND_ORDER) and len(set(KINDS)) == 7
    assert KIND_ORDER == (OVERDUE, DUE, BEFORE, COORDINATING, ONGOING_REPORT, KPI_MISSING, DIGEST)


def test_group_by_unit_gives_one_list_per_unit_in_kind_order_then_item_reference():
    unit_3 = [
        Entry(3, OVERDUE, "I.10", 10, 1010, -2, True),
        Entry(3, DUE, "I.2", 2, 1002, 0),
        Entry(3, BEFORE, "I.2", 2, 2002, 3),
        Entry(3, BEFORE, "I.10", 10, 2010, 3),
        Entry(3, BEFORE, "II.1", 11, 2011, 3),
        Entry(3, COORDINATING, "I.1", 1, 101, 7),
        Entry(3, ONGOING_REPORT, "IV.1", 41, 4001, None),
        Entry(3, ONGOING_REPORT, "IX.1", 91, 9001, None),
        Entry(3, KPI_MISSING, None, None, None, None),
        DIGEST_ENTRY,
    ]
    unit_1 = [Entry(1, BEFORE, "I.1", 1, 101, 7)]
    shuffled = [
        unit_3[8],
        unit_3[2],
        unit_1[0],
        unit_3[9],
        unit_3[4],
        unit_3[0],
        unit_3[7],
        unit_3[5],
        unit_3[3],
        unit_3[1],
        unit_3[6],
    ]
    grouped = group_by_unit(shuffled)
    assert list(grouped) == [1, 3]
    assert grouped == {1: unit_1, 3: unit_3}


def test_group_by_unit_of_nothing_is_empty():
    assert group_by_unit([]) == {}


def test_entries_due_lists_each_unit_in_kind_order():
    entries = due("2023-09-05", EVERYTHING, FIGURES)
    assert entries == [
        lead(OVERDUE, I_1, -5, cc=True),
        DIGEST_ENTRY,
        Entry(30, ONGOING_REPORT, "II.1", 5, 501, None),
    ]
    assert list(group_by_unit(entries)) == [1, 3, 30]


def test_assignments_and_figures_may_be_one_shot_iterables():
    entries = entries_due(day("2023-08-24"), iter(SEED), iter(FIGURES), RULES, CALENDAR, it_centre_unit_id=IT_CENTRE)
    assert entries == due("2023-08-24")
