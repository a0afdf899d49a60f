"""The derived status of assignments and items as of today, for pages and lists (never stored)."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple, Protocol

from .models import ActionItem
from .rules import lifecycle


class AssignmentStatus(NamedTuple):
    """An assignment's state and what today makes of it (a named tuple: a list page makes one for each row)."""

    state: str
    label: str
    due_on: date | None
    days_left: int | None
    is_overdue: bool
    is_due_soon: bool
    is_done_late: bool
    needs_report: bool  # an ongoing item without a progress report this period

    @property
    def tone(self) -> str:
        """A CSS class; pages always show the label as text too (never colour alone)."""
        if self.is_overdue:
            return "overdue"
        if self.state == lifecycle.DONE:
            return "done-late" if self.is_done_late else "done"
        if self.state == lifecycle.BLOCKED:
            return "blocked"
        if self.is_due_soon or self.needs_report:
            return "due-soon"
        return self.state.replace("_", "-")


class _Item(Protocol):
    @property
    def is_ongoing(self) -> bool: ...


class Tracked(Protocol):
    """What status_of reads of an assignment: the stored one, or a row read as plain columns (the unit page's)."""

    @property
    def status(self) -> str: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def completed_on(self) -> date | None: ...
    @property
    def last_report_on(self) -> date | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def item(self) -> _Item: ...


def status_of(assignment: Tracked, *, today: date, due_soon_days: int) -> AssignmentStatus:
    """An assignment's state plus what today makes of it: overdue, due soon, done late, report missing."""
    item = assignment.item
    state, due = assignment.status, assignment.due_on
    return AssignmentStatus(
        state=state,
        label=lifecycle.STATE_LABELS[state],
        due_on=due,
        days_left=lifecycle.days_left(due, today) if state != lifecycle.DONE else None,
        is_overdue=lifecycle.is_overdue(state=state, due_on=due, is_ongoing=item.is_ongoing, today=today),
        is_due_soon=lifecycle.is_due_soon(
            state=state, due_on=due, is_ongoing=item.is_ongoing, today=today, window_days=due_soon_days
        ),
        is_done_late=lifecycle.is_done_late(state=state, due_on=due, completed_on=assignment.completed_on),
        needs_report=lifecycle.progress_report_missing(
            is_ongoing=item.is_ongoing,
            state=state,
            last_report_on=assignment.last_report_on,
            started_on=assignment.created_at.date(),
            today=today,
        ),
    )


def item_status(item: ActionItem, *, today: date) -> tuple[str | None, str]:
    """The item's roll-up (done when all are done, overdue when any is) and its Vietnamese label."""
    pairs = [
        (a.status, lifecycle.is_overdue(state=a.status, due_on=a.due_on, is_ongoing=item.is_ongoing, today=today))
        for a in item.assignments
        if a.is_active
    ]
    key = lifecycle.roll_up(pairs)
    return key, lifecycle.ROLL_UP_LABELS.get(key, "Chưa giao") if key else "Chưa giao đơn vị"


def relative_days(days: int | None) -> str:
    """ "còn 56 ngày", "đến hạn hôm nay", "quá hạn 5 ngày"."""
    if days is None:
        return ""
    if days > 0:
        return f"còn {days} ngày"
    if days == 0:
        return "đến hạn hôm nay"
    return f"quá hạn {-days} ngày"
