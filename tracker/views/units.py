"""The unit page: a unit head's home — the unit's assignments as lead and as coordinator, and its targets."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..clock import today
from ..extensions import db
from ..forms import StatusForm
from ..models import ActionItem, Assignment, ItemUnit, PlanSection, Target, Unit, UnitGroup, UnitGroupMember
from ..rules.lifecycle import next_states
from ..rules.permissions import UPDATE_ASSIGNMENT, VIEW_UNIT
from ..status import item_status, status_of
from .access import allowed, require

bp = Blueprint("units", __name__)


@bp.get("/units/<code>")
def show(code: str):
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        abort(404)
    require(VIEW_UNIT, unit=unit.id)
    now = today()
    window = current_app.config["DUE_SOON_DAYS"]
    lead = list(db.session.scalars(
        select(Assignment).where(Assignment.unit_id == unit.id, Assignment.is_active)
        .join(ActionItem).join(PlanSection)
        .order_by(ActionItem.plan_id, PlanSection.position, ActionItem.position, Assignment.occurrence)
        .options(selectinload(Assignment.item).selectinload(ActionItem.section).selectinload(PlanSection.plan),
                 selectinload(Assignment.events))
    ))
    rows = [(a, status_of(a, today=now, due_soon_days=window)) for a in lead]
    # Overdue first, then by days left, so what needs doing is on top.
    rows.sort(key=lambda r: (not r[1].is_overdue, r[1].state == "done",
                             r[1].days_left if r[1].days_left is not None else 10**6))
    coordinating = list(db.session.scalars(
        select(ActionItem).join(ItemUnit).where(ItemUnit.unit_id == unit.id, ItemUnit.role == "coordinating")
        .distinct().order_by(ActionItem.plan_id, ActionItem.position)
        .options(selectinload(ActionItem.section), selectinload(ActionItem.assignments))
    ))
    coordinating_rows = [(item, item_status(item, today=now)) for item in coordinating]
    groups = list(db.session.scalars(
        select(UnitGroup).join(UnitGroupMember).where(UnitGroupMember.unit_id == unit.id)
        .options(selectinload(UnitGroup.targets).selectinload(Target.indicator), selectinload(UnitGroup.members))
    ))
    can_update = allowed(UPDATE_ASSIGNMENT, unit=unit.id)
    forms = {}
    if can_update:
        for assignment, _status in rows:
            form = StatusForm(prefix=f"a{assignment.id}")
            options = [s for s in next_states(assignment.status) if s != "done"]
            form.to_state.choices = [(c, label) for c, label in form.to_state.choices if c in options]
            form.version.data = assignment.version
            forms[assignment.id] = form
    counts = {
        "overdue": sum(1 for _, s in rows if s.is_overdue),
        "due_soon": sum(1 for _, s in rows if s.is_due_soon),
        "blocked": sum(1 for _, s in rows if s.state == "blocked"),
        "done": sum(1 for _, s in rows if s.state == "done"),
        "total": len(rows),
    }
    return render_template("units/show.html", unit=unit, rows=rows, coordinating_rows=coordinating_rows,
                           groups=groups, forms=forms, counts=counts)
