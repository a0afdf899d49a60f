"""The plan pages: the list of plans (home) and one plan laid out as its appendices."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..clock import today
from ..extensions import db
from ..figures import kpi_by_unit, load_groups
from ..models import ActionItem, ItemUnit, Plan, PlanSection
from ..rules.permissions import MONITOR, UNIT_ROLES, VIEW_MONITORING, VIEW_PLAN, VIEW_UNIT, VIEWER
from ..status import item_status
from .access import allowed, require

bp = Blueprint("plans", __name__)


@bp.get("/")
def home():
    """Each role where it works: a unit's people on their unit page, the IT Centre and the leadership on the
    dashboard, everyone else on the plan (or the list of plans)."""
    if current_user.role in UNIT_ROLES and current_user.unit is not None:
        return redirect(url_for("units.show", code=current_user.unit.code))
    if current_user.role in (MONITOR, VIEWER):
        return redirect(url_for("dashboard.show"))
    return redirect(url_for("plans.index"))


@bp.get("/plans")
def index():
    """The plans held; with a single plan, that plan's page straight away."""
    require(VIEW_PLAN)
    plans = list(db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.number)))
    if len(plans) == 1:
        return redirect(url_for("plans.show", plan_id=plans[0].id))
    return render_template("plans/index.html", plans=plans)


@bp.get("/plans/<int:plan_id>")
def show(plan_id: int):
    """Appendix 2 (sections, STT, the five columns) and Appendix 1 (groups and targets) as in the document."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    require(VIEW_PLAN)
    sections = list(
        db.session.scalars(select(PlanSection).where(PlanSection.plan_id == plan.id).order_by(PlanSection.position))
    )
    items = list(
        db.session.scalars(
            select(ActionItem)
            .where(ActionItem.plan_id == plan.id)
            .order_by(ActionItem.position)
            .options(selectinload(ActionItem.units).joinedload(ItemUnit.unit), selectinload(ActionItem.assignments))
        )
    )
    by_section: dict[int, list[ActionItem]] = {section.id: [] for section in sections}
    for item in items:
        by_section[item.section_id].append(item)
    for section in sections:
        set_committed_value(section, "items", by_section[section.id])
    set_committed_value(plan, "sections", sections)
    set_committed_value(plan, "items", items)
    now = today()
    statuses = {item.id: item_status(item, today=now) for item in items}
    groups = load_groups(plan_id=plan.id)
    indicators = sorted({t.indicator for g in groups for t in g.targets}, key=lambda i: i.number)
    standings: dict[int, list] = {}
    for standing in kpi_by_unit(plan_id=plan.id, groups=groups):
        standings.setdefault(standing.group.id, []).append(standing)
    # A unit's name links to its page only for those who may open it (a unit's people: their own unit only).
    openable_units = {
        s.unit.id
        for group_standings in standings.values()
        for s in group_standings
        if allowed(VIEW_UNIT, unit=s.unit.id)
    }
    return render_template(
        "plans/show.html",
        plan=plan,
        groups=groups,
        indicators=indicators,
        statuses=statuses,
        standings=standings,
        openable_units=openable_units,
        cancelled_count=sum(1 for item in items if item.cancelled_on),
        allowed_versions=allowed(VIEW_MONITORING),
    )
