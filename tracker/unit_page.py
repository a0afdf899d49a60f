"""What the unit page shows of a unit's work, as plain data for the view: its assignments as lead (what needs
doing on top, ordered by the database), the items it coordinates with their roll-up, and the counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from .extensions import db
from .models import ActionItem, Assignment, ItemUnit, PlanSection
from .rules.lifecycle import BLOCKED, DONE, OVERDUE
from .status import AssignmentStatus, item_status, status_of
from .status_sql import is_done, is_overdue


@dataclass(frozen=True)
class UnitWork:
    rows: list[tuple[Assignment, AssignmentStatus]]  # active lead assignments, what needs doing first
    coordinating_rows: list[tuple[ActionItem, tuple[str | None, str]]]  # (item, its roll-up key and label)
    counts: dict[str, int]  # overdue, due_soon, blocked, done, total


def lead_order(today: date) -> tuple:
    """Overdue first, then the open ones by days left (soonest first), those without a due date, then the
    done ones; the plan's order within each."""
    no_days_left = or_(is_done(), Assignment.due_on.is_(None))
    return (
        case((is_overdue(today), 0), else_=1),
        case((is_done(), 1), else_=0),
        case((no_days_left, 1), else_=0),
        case((no_days_left, None), else_=Assignment.due_on),
        ActionItem.plan_id,
        PlanSection.position,
        ActionItem.position,
        Assignment.occurrence,
    )


def unit_work(unit_id: int, *, today: date, due_soon_days: int) -> UnitWork:
    """The unit's active lead assignments with their status as of today, the items it coordinates, the
    counts at the top of the page: two queries (and one for the coordinated items' assignments)."""
    lead = db.session.scalars(
        select(Assignment)
        .where(Assignment.unit_id == unit_id, Assignment.is_active)
        .join(Assignment.item)
        .join(ActionItem.section)
        .join(PlanSection.plan)
        .order_by(*lead_order(today))
        .options(contains_eager(Assignment.item).contains_eager(ActionItem.section).contains_eager(PlanSection.plan))
    )
    rows = [(a, status_of(a, today=today, due_soon_days=due_soon_days)) for a in lead]
    coordinating = db.session.scalars(
        select(ActionItem)
        .join(ActionItem.section)
        .where(
            ActionItem.id.in_(
                select(ItemUnit.item_id).where(ItemUnit.unit_id == unit_id, ItemUnit.role == "coordinating")
            )
        )
        .order_by(ActionItem.plan_id, ActionItem.position)
        .options(contains_eager(ActionItem.section), selectinload(ActionItem.assignments))
    )
    counts = {
        OVERDUE: sum(1 for _, s in rows if s.is_overdue),
        "due_soon": sum(1 for _, s in rows if s.is_due_soon),
        BLOCKED: sum(1 for _, s in rows if s.state == BLOCKED),
        DONE: sum(1 for _, s in rows if s.state == DONE),
        "total": len(rows),
    }
    return UnitWork(rows, [(item, item_status(item, today=today)) for item in coordinating], counts)
