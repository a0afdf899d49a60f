"""The lifecycle rules of tracker.rules.lifecycle as SQL conditions, each under its rule's name, so that a list
filtered or counted in the database says what the Python rule says of each row (tests/test_status_sql.py
checks every one against its twin on generated assignments, on SQLite and PostgreSQL).

Each function takes the day it judges by (never the clock) and returns a SQLAlchemy boolean expression over
Assignment; those that need the item (is_ongoing) expect the query to join ActionItem on Assignment.item_id.
Every expression is two-valued: a missing date makes it false or true as the rule says, never SQL's NULL, so
it can be negated, counted with CASE or used in ORDER BY safely.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, not_, or_

from .models import ActionItem, Assignment
from .rules import lifecycle
from .rules.lifecycle import BLOCKED, DONE, DONE_LATE, DONE_ON_TIME, IN_PROGRESS, NOT_STARTED, OVERDUE

Condition = ColumnElement[bool]


def in_state(state: str) -> Condition:
    """The assignment is in this state (one of lifecycle.STATES)."""
    if state not in lifecycle.STATES:
        raise ValueError(f"unknown assignment state: {state!r}")
    return Assignment.status == state


def is_done() -> Condition:
    """state == DONE."""
    return in_state(DONE)


def is_overdue(today: date) -> Condition:
    """lifecycle.is_overdue: not done and past the due date; never an ongoing item or one without a due date."""
    return and_(
        Assignment.status != DONE,
        not_(ActionItem.is_ongoing),
        Assignment.due_on.is_not(None),
        Assignment.due_on < today,
    )


def is_done_late() -> Condition:
    """lifecycle.is_done_late: done after the due date (both dates known)."""
    return and_(
        Assignment.status == DONE,
        Assignment.due_on.is_not(None),
        Assignment.completed_on.is_not(None),
        Assignment.completed_on > Assignment.due_on,
    )


def is_done_on_time() -> Condition:
    """lifecycle.is_done_on_time: done and not late."""
    return and_(Assignment.status == DONE, not_(is_done_late()))


def is_due_soon(today: date, window_days: int = 7) -> Condition:
    """lifecycle.is_due_soon: not done, not ongoing, due within the next window_days days (today included)."""
    return and_(
        Assignment.status != DONE,
        not_(ActionItem.is_ongoing),
        Assignment.due_on.is_not(None),
        Assignment.due_on >= today,
        Assignment.due_on <= today + timedelta(days=window_days),
    )


def monitoring_class(name: str, today: date) -> Condition:
    """lifecycle.monitoring_class(...) == name: the monitoring desk's class, overdue winning over the state."""
    overdue = is_overdue(today)
    if name == OVERDUE:
        return overdue
    if name == DONE_ON_TIME:
        return and_(not_(overdue), is_done_on_time())
    if name == DONE_LATE:
        return and_(not_(overdue), is_done_late())
    if name in (NOT_STARTED, IN_PROGRESS, BLOCKED):
        return and_(not_(overdue), in_state(name))
    raise ValueError(f"unknown monitoring class: {name!r}")


def outcome(name: str, as_of: date) -> Condition:
    """lifecycle.classify(...) == name: the four outcomes of Quy chế 42/2014/QĐ-TTg as things stood on as_of."""
    completed, due = Assignment.completed_on, Assignment.due_on
    # Done after as_of was not done yet on as_of; done with no date recorded is taken as done.
    done = and_(Assignment.status == DONE, or_(completed.is_(None), completed <= as_of))
    no_deadline = or_(due.is_(None), ActionItem.is_ongoing)
    late = and_(completed.is_not(None), due.is_not(None), completed > due)
    if name == lifecycle.DONE_ON_TIME:
        return and_(done, or_(no_deadline, not_(late)))
    if name == lifecycle.DONE_LATE:
        return and_(done, not_(no_deadline), late)
    if name == lifecycle.NOT_DONE_OVERDUE:
        return and_(not_(done), not_(no_deadline), due < as_of)
    if name == lifecycle.NOT_DONE_IN_TIME:
        return and_(not_(done), or_(no_deadline, due >= as_of))
    raise ValueError(f"unknown outcome: {name!r}")
