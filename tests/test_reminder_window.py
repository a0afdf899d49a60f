"""The sweep reads only the assignments today's window lets through (so its cost follows the reminders due,
not the assignments held) — and finds exactly the entries a full read finds, day after day, on the
database the suite runs on."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import Assignment
from tracker.plan_import import import_document
from tracker.reminders import _facts, _figures, it_centre
from tracker.rules import reminders as rules
from tracker.rules.workdays import WorkCalendar

from .test_query_counts import synthetic_plan


def _scatter(app, seed: int) -> int:
    """A 60-item plan whose assignments get due dates, states and last reports spread over half a year."""
    pick = random.Random(seed)
    with app.app_context():
        import_document(synthetic_plan(60, "60/QĐ-THU"), "window.txt", now=utcnow())
        assignments = list(db.session.scalars(select(Assignment)))
        for assignment in assignments:
            assignment.due_on = date(2023, 7, 1) + timedelta(days=pick.randrange(200))
            assignment.status = pick.choice(("not_started", "in_progress", "blocked", "done"))
            assignment.last_report_on = pick.choice((None, date(2023, 6, 1) + timedelta(days=pick.randrange(150))))
            assignment.created_at = datetime(2023, 6, 1, 2, tzinfo=UTC) + timedelta(days=pick.randrange(60))
            assignment.version += 1
        db.session.commit()
        return len(assignments)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"overdue_repeat_days": 3, "ongoing_repeat_days": 5, "progress_period_days": 20, "before_days": (10, 2)},
    ],
)
def test_the_window_finds_every_entry_a_full_read_finds(seeded, changes):
    total = _scatter(seeded, seed=len(changes))
    calendar = WorkCalendar()
    reminder_rules = replace(rules.ReminderRules(), **changes)
    read_in_window = 0
    with seeded.app_context():
        centre = it_centre()
        day = date(2023, 8, 25)  # includes the National Day holiday (1–4/9/2023) and its weekend
        while day <= date(2023, 11, 30):
            window = rules.todays_window(day, reminder_rules, calendar)
            if window is not None:
                full, _ = _facts(day)
                narrow, _ = _facts(day, window)
                everything = rules.entries_due(
                    day, full, _figures(), reminder_rules, calendar, it_centre_unit_id=centre.id
                )
                found = rules.entries_due(
                    day, narrow, _figures(), reminder_rules, calendar, it_centre_unit_id=centre.id
                )
                assert found == everything, day
                read_in_window += len(narrow)
            else:
                assert rules.entries_due(day, [], [], reminder_rules, calendar, it_centre_unit_id=centre.id) == []
            day += timedelta(days=1)
    working_days = sum(1 for n in range(98) if calendar.is_workday(date(2023, 8, 25) + timedelta(days=n)))
    # The point of the window: on an average day it reads a fraction of the open assignments.
    assert read_in_window < 0.5 * total * working_days


def test_no_figures_are_read_on_a_day_without_a_kpi_reminder():
    calendar = WorkCalendar()
    default = rules.ReminderRules()
    # Figures for August are due on 5/9/2023: the 6th is the first day late, then every 7 days.
    assert rules.todays_window(date(2023, 9, 6), default, calendar).kpi_day
    assert not rules.todays_window(date(2023, 9, 7), default, calendar).kpi_day
    assert rules.todays_window(date(2023, 9, 13), default, calendar).kpi_day
    off = replace(default, enabled=frozenset(rules.KINDS) - {rules.KPI_MISSING})
    assert not rules.todays_window(date(2023, 9, 6), off, calendar).kpi_day
    assert rules.todays_window(date(2023, 9, 2), default, calendar) is None  # a Saturday (and a holiday)


def test_the_weekly_digest_counts_everything_and_names_the_most_overdue(seeded):
    from tracker.monitoring import Filters, list_assignments
    from tracker.reminders import DIGEST_ROWS, plan_day

    with seeded.app_context():
        import_document(synthetic_plan(60, "60/QĐ-THU"), "digest.txt", now=utcnow())
        for n, assignment in enumerate(db.session.scalars(select(Assignment).order_by(Assignment.id))):
            assignment.due_on = date(2023, 9, 1) - timedelta(days=n)
            assignment.version += 1
        db.session.commit()
        monday = date(2023, 10, 30)
        overdue = list_assignments(Filters(cls="overdue"), today=monday, per_page=1)
        assert overdue.total > DIGEST_ROWS
        centre = it_centre()
        draft = next(d for d in plan_day(monday).drafts if d.unit_id == centre.id)
        text = draft.body_text
        assert f"- Quá hạn: {overdue.total} phân công ({DIGEST_ROWS} phân công quá hạn lâu nhất dưới đây)." in text
        listed = text.split("- Quá hạn:")[1].split("- Gặp vướng mắc:")[0]
        assert listed.count("  * ") == DIGEST_ROWS
        oldest = overdue.rows[0].due_on  # the list's first row is the most overdue
        assert f"hạn {oldest:%d/%m/%Y}, quá hạn {(monday - oldest).days} ngày" in listed
