"""The plan pages: the list of plans (home) and one plan laid out as its appendices."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import ActionItem, ItemUnit, Plan, PlanSection, Target, UnitGroup, UnitGroupMember

bp = Blueprint("plans", __name__)


@bp.get("/")
def home():
    """The plans held; with a single plan, that plan's page straight away."""
    plans = list(db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.number)))
    if len(plans) == 1:
        return redirect(url_for("plans.show", plan_id=plans[0].id))
    return render_template("plans/index.html", plans=plans)


@bp.get("/plans/<int:plan_id>")
def show(plan_id: int):
    """Appendix 2 (sections, STT, the five columns) and Appendix 1 (groups and targets) as in the document."""
    plan = db.session.scalar(
        select(Plan).where(Plan.id == plan_id).options(
            selectinload(Plan.sections).selectinload(PlanSection.items)
            .selectinload(ActionItem.units).selectinload(ItemUnit.unit),
            selectinload(Plan.items).selectinload(ActionItem.assignments),
        )
    )
    if plan is None:
        abort(404)
    groups = list(db.session.scalars(
        select(UnitGroup).where(UnitGroup.plan_id == plan.id).order_by(UnitGroup.number).options(
            selectinload(UnitGroup.members).selectinload(UnitGroupMember.unit),
            selectinload(UnitGroup.targets).selectinload(Target.indicator),
        )
    ))
    indicators = sorted({t.indicator for g in groups for t in g.targets}, key=lambda i: i.number)
    return render_template("plans/show.html", plan=plan, groups=groups, indicators=indicators)
