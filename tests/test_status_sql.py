"""Each SQL form of a lifecycle rule (tracker.status_sql) selects exactly the assignments its Python twin
(tracker.rules.lifecycle) says yes to, on generated assignments of every kind: each state, due before, on and
after today or not at all, ongoing items or not, done before, on and after the due date (or with no date),
inactive assignments and cancelled items. Runs on SQLite, and on PostgreSQL with TRACKER_TEST_DATABASE_URL."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tracker import status_sql
from tracker.extensions import db
from tracker.models import ActionItem, Assignment, Plan, PlanSection, Unit
from tracker.monitoring import CLASSES, matrix, matrix_totals
from tracker.rules import lifecycle

TODAY = date(2023, 9, 15)
DUE_OFFSETS = (None, -30, -1, 0, 1, 7, 8, 30)  # days from today; 7 and 8 straddle the due-soon window
# completed_on: none, or (the due date or today, plus days)
COMPLETED = (None, ("due", -1), ("due", 0), ("due", 1), ("today", -2), ("today", 1))


def _day(offset: int | None) -> date | None:
    return None if offset is None else TODAY + timedelta(days=offset)


def _completed(spec: tuple[str, int] | None, due: date | None) -> date | None:
    if spec is None:
        return None
    anchor, days = spec
    base = TODAY if anchor == "today" else due
    return None if base is None else base + timedelta(days=days)


@pytest.fixture
def generated(app):
    """Every combination of state, due date, ongoing, completion date and active, as assignments of a few
    items (a cancelled one among them) of two units; yields the app with them committed."""
    with app.app_context():
        plan = Plan(number="1/KH-TEST", title="Kế hoạch thử", year=2023)
        section = PlanSection(plan=plan, number="I", title="Mục I", position=1)
        units = [Unit(code=f"U{n}", name=f"Đơn vị {n}", folded_name=f"don vi {n}", is_active=True) for n in (1, 2)]
        items = {}
        for is_ongoing, cancelled in itertools.product((False, True), (False, True)):
            items[is_ongoing, cancelled] = ActionItem(
                plan=plan,
                section=section,
                stt=f"{len(items) + 1}",
                position=len(items) + 1,
                task="Nhiệm vụ thử",
                is_ongoing=is_ongoing,
                cancelled_on=TODAY - timedelta(days=3) if cancelled else None,
            )
        db.session.add_all([plan, section, *units, *items.values()])
        combos = itertools.product(
            lifecycle.STATES, DUE_OFFSETS, COMPLETED, (False, True), (True, False), (False, True)
        )
        for n, (state, due_offset, completed, is_ongoing, is_active, cancelled) in enumerate(combos):
            due = _day(due_offset)
            db.session.add(
                Assignment(
                    item=items[is_ongoing, cancelled],
                    unit=units[(n // 4) % 2],  # the last two factors vary fastest,
                    occurrence=n,
                    due_on=due,
                    status=state,
                    is_active=is_active and not cancelled,
                    created_at=datetime(2023, 1, 1, tzinfo=UTC),
                    completed_on=_completed(completed, due),
                )
            )
        db.session.commit()
    return app


def _rows() -> list[Assignment]:
    return list(db.session.scalars(select(Assignment).join(ActionItem, Assignment.item_id == ActionItem.id)))


def _selected(condition) -> set[int]:  # type: ignore[no-untyped-def]
    query = select(Assignment.id).join(ActionItem, Assignment.item_id == ActionItem.id).where(condition)
    return set(db.session.scalars(query))


def _python(rule: Callable[[Assignment], bool]) -> set[int]:
    return {a.id for a in _rows() if rule(a)}


def _facts(a: Assignment) -> dict:
    return {"state": a.status, "due_on": a.due_on, "is_ongoing": a.item.is_ongoing}


def test_the_data_has_every_kind_of_assignment(generated):
    with generated.app_context():
        rows = _rows()
        assert len(rows) == 4 * len(DUE_OFFSETS) * len(COMPLETED) * 2 * 2 * 2
        kinds = {lifecycle.monitoring_class(**_facts(a), completed_on=a.completed_on, today=TODAY) for a in rows}
        assert kinds == set(lifecycle.MONITORING_CLASSES)


@pytest.mark.parametrize(
    "day", [TODAY - timedelta(days=5), TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=25)]
)
def test_each_rule_in_sql_selects_what_its_python_twin_says(generated, day):
    """The SQL form of each named rule against the rule itself, as of several days."""
    twins = {
        "is_overdue": (
            status_sql.is_overdue(day),
            lambda a: lifecycle.is_overdue(**_facts(a), today=day),
        ),
        "is_done_late": (
            status_sql.is_done_late(),
            lambda a: lifecycle.is_done_late(state=a.status, due_on=a.due_on, completed_on=a.completed_on),
        ),
        "is_done_on_time": (
            status_sql.is_done_on_time(),
            lambda a: lifecycle.is_done_on_time(state=a.status, due_on=a.due_on, completed_on=a.completed_on),
        ),
        "is_due_soon": (
            status_sql.is_due_soon(day, 7),
            lambda a: lifecycle.is_due_soon(**_facts(a), today=day, window_days=7),
        ),
        "is_done": (status_sql.is_done(), lambda a: a.status == lifecycle.DONE),
        **{
            f"in_state({state})": (status_sql.in_state(state), lambda a, state=state: a.status == state)
            for state in lifecycle.STATES
        },
    }
    with generated.app_context():
        differing = {name: _selected(sql) ^ _python(rule) for name, (sql, rule) in twins.items()}
        assert {name: ids for name, ids in differing.items() if ids} == {}
        # Each rule says yes to some rows and no to others: the comparison is not vacuous.
        everything = {a.id for a in _rows()}
        for name, (_sql, rule) in twins.items():
            assert set() < _python(rule) < everything, name


@pytest.mark.parametrize("day", [TODAY, TODAY + timedelta(days=31)])
def test_the_monitoring_classes_in_sql_partition_the_assignments_as_the_rule_does(generated, day):
    with generated.app_context():
        rows = _rows()
        for name in lifecycle.MONITORING_CLASSES:
            expected = {
                a.id
                for a in rows
                if lifecycle.monitoring_class(**_facts(a), completed_on=a.completed_on, today=day) == name
            }
            assert _selected(status_sql.monitoring_class(name, day)) == expected, name
        # Every active assignment is counted once in the matrix, in the class the rule gives it.
        active = [a for a in rows if a.is_active]
        counted = {
            name: sum(
                1
                for a in active
                if lifecycle.monitoring_class(**_facts(a), completed_on=a.completed_on, today=day) == name
            )
            for name in CLASSES
        }
        assert matrix_totals(today=day) == counted
        assert sum(counted.values()) == len(active)
        by_unit, total = matrix(today=day)
        assert total == 2
        assert {name: sum(c[name] for _, c in by_unit) for name in CLASSES} == counted


@pytest.mark.parametrize("as_of", [TODAY - timedelta(days=25), TODAY, TODAY + timedelta(days=2)])
def test_the_four_outcomes_in_sql_are_what_classify_says(generated, as_of):
    with generated.app_context():
        rows = _rows()
        outcomes = (lifecycle.DONE_ON_TIME, lifecycle.DONE_LATE, lifecycle.NOT_DONE_IN_TIME, lifecycle.NOT_DONE_OVERDUE)
        for name in outcomes:
            expected = {
                a.id
                for a in rows
                if lifecycle.classify(
                    state=a.status,
                    due_on=a.due_on,
                    completed_on=a.completed_on,
                    is_ongoing=a.item.is_ongoing,
                    as_of=as_of,
                )
                == name
            }
            assert expected, name
            assert _selected(status_sql.outcome(name, as_of)) == expected, name


def test_an_unknown_name_is_refused():
    with pytest.raises(ValueError):
        status_sql.in_state("cancelled")
    with pytest.raises(ValueError):
        status_sql.monitoring_class("late", TODAY)
    with pytest.raises(ValueError):
        status_sql.outcome("overdue", TODAY)
