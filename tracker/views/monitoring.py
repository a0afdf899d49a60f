"""The IT Centre's desk: every overdue assignment across units, most overdue first."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..clock import today
from ..extensions import db
from ..models import ActionItem, Assignment, PlanSection
from ..rules.permissions import VIEW_MONITORING
from .access import require

bp = Blueprint("monitoring", __name__)
PER_PAGE = 50


@bp.get("/monitoring")
def overdue():
    """Overdue = past its due date as of today, not done, and not an ongoing item."""
    require(VIEW_MONITORING)
    now = today()
    page = max(request.args.get("page", 1, type=int), 1)
    condition = (
        Assignment.is_active, Assignment.status != "done", Assignment.due_on < now,
        ActionItem.is_ongoing.is_(False),
    )
    total = db.session.scalar(select(func.count(Assignment.id)).join(ActionItem).where(*condition)) or 0
    rows = list(db.session.scalars(
        select(Assignment).join(ActionItem).where(*condition)
        .order_by(Assignment.due_on, Assignment.id).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
        .options(selectinload(Assignment.unit),
                 selectinload(Assignment.item).selectinload(ActionItem.section).selectinload(PlanSection.plan))
    ))
    return render_template("monitoring/overdue.html", rows=rows, total=total, page=page, per_page=PER_PAGE,
                           as_of=now)
