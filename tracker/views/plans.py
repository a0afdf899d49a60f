"""The plan pages: the list of plans (home) and one plan laid out as its appendices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..clock import today
from ..extensions import db
from ..figures import kpi_by_unit, load_groups
from ..models import ActionItem, Assignment, ItemUnit, Plan, PlanSection, Unit
from ..page_cache import cached_page
from ..rules.lifecycle import DONE, ROLL_UP_LABELS, roll_up
from ..rules.permissions import MONITOR, UNIT_ROLES, VIEW_MONITORING, VIEW_PLAN, VIEW_UNIT, VIEWER
from ..status_sql import is_overdue
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
@cached_page
def index():
    """The plans held; with a single plan, that plan's page straight away."""
    require(VIEW_PLAN)
    plans = list(db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.number)))
    if len(plans) == 1:
        return redirect(url_for("plans.show", plan_id=plans[0].id))
    return render_template("plans/index.html", plans=plans)


# A plan with more items than this shows one part at a time (a section of its tasks, its own targets, or
# Appendix 1's groups with every unit's figures), chosen from a list of the parts; a smaller plan shows whole.
PLAN_PAGE_ITEMS = 40
TARGETS_PART, GROUPS_PART = "chi-tieu", "phu-luc-1"


@dataclass(frozen=True)
class Members:
    """What the plan page says of a name in a role's cell: how many units it stands for, and the unit's
    name when it stands for one."""

    count: int
    name: str


def item_mentions(item_ids: list[int]) -> dict[int, dict[str, list[tuple[str, str, Members]]]]:
    """Each item's names per role, in the document's order, counted in the database (a collective's members
    are not loaded): item id → role → [(written, kind, Members)]."""
    mentions: dict[int, dict[str, list[tuple[str, str, Members]]]] = {
        item_id: {"lead": [], "coordinating": []} for item_id in item_ids
    }
    rows = db.session.execute(
        select(
            ItemUnit.item_id,
            ItemUnit.role,
            ItemUnit.written,
            ItemUnit.kind,
            func.count(ItemUnit.unit_id),
            func.min(Unit.name),
        )
        .outerjoin(Unit, Unit.id == ItemUnit.unit_id)
        .where(ItemUnit.item_id.in_(item_ids))
        .group_by(ItemUnit.item_id, ItemUnit.role, ItemUnit.written, ItemUnit.kind)
        .order_by(ItemUnit.item_id, func.min(ItemUnit.position))
    )
    for item_id, role, written, kind, count, name in rows:
        mentions[item_id].setdefault(role, []).append((written, kind, Members(count, name or "")))
    return mentions


def item_tallies(
    item_ids: list[int], today_: date
) -> tuple[dict[int, tuple[str | None, str]], dict[int, tuple[int, int]]]:
    """Each item's roll-up (key, label) as tracker.status.item_status says, and its (done, active) assignments,
    counted in the database: one row per item, state and overdue-ness."""
    pairs: dict[int, list[tuple[str, bool]]] = {item_id: [] for item_id in item_ids}
    tallies: dict[int, tuple[int, int]] = {}
    overdue = is_overdue(today_)
    for item_id, state, is_late, count in db.session.execute(
        select(Assignment.item_id, Assignment.status, overdue, func.count())
        .join(Assignment.item)
        .where(Assignment.item_id.in_(item_ids), Assignment.is_active)
        .group_by(Assignment.item_id, Assignment.status, overdue)
    ):
        pairs[item_id].append((state, bool(is_late)))
        done, active = tallies.get(item_id, (0, 0))
        tallies[item_id] = (done + (count if state == DONE else 0), active + count)
    statuses = {}
    for item_id, item_pairs in pairs.items():
        key = roll_up(item_pairs)
        statuses[item_id] = (key, ROLL_UP_LABELS.get(key, "Chưa giao") if key else "Chưa giao đơn vị")
    return statuses, tallies


@bp.get("/plans/<int:plan_id>")
@cached_page
def show(plan_id: int):
    """Appendix 2 (sections, STT, the five columns) and Appendix 1 (groups and targets) as in the document; a
    large plan one part at a time (`part`: a section's id, the plan's targets or Appendix 1), a collective's
    members on a page of their own."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    require(VIEW_PLAN)
    # The sections with their items counted (all, and cancelled ones) in the same statement.
    counted = db.session.execute(
        select(PlanSection, func.count(ActionItem.id), func.count(ActionItem.cancelled_on))
        .outerjoin(ActionItem, ActionItem.section_id == PlanSection.id)
        .where(PlanSection.plan_id == plan.id)
        .group_by(PlanSection.id)
        .order_by(PlanSection.position)
    ).all()
    sections = [section for section, _count, _cancelled in counted]
    item_counts = {section.id: count for section, count, _cancelled in counted}
    paged = sum(item_counts.values()) > PLAN_PAGE_ITEMS
    part = request.args.get("part", "")
    if paged:
        if part not in (TARGETS_PART, GROUPS_PART):
            chosen = next((s for s in sections if str(s.id) == part), None)
            chosen = chosen or next((s for s in sections if item_counts.get(s.id)), sections[0] if sections else None)
            part = str(chosen.id) if chosen else ""
        shown_sections = [s for s in sections if str(s.id) == part]
    else:
        part, shown_sections = "", sections
    items = list(
        db.session.scalars(
            select(ActionItem)
            .where(ActionItem.plan_id == plan.id, ActionItem.section_id.in_([s.id for s in shown_sections]))
            .order_by(ActionItem.position)
        )
    )
    by_section: dict[int, list[ActionItem]] = {section.id: [] for section in shown_sections}
    for item in items:
        by_section[item.section_id].append(item)
    for section in shown_sections:
        set_committed_value(section, "items", by_section[section.id])
    now = today()
    statuses, tallies = item_tallies([item.id for item in items], now)
    groups = load_groups(plan_id=plan.id)
    show_groups = not paged or part == GROUPS_PART
    indicators = sorted({t.indicator for g in groups for t in g.targets}, key=lambda i: i.number)
    # A large plan's Appendix 1 one group at a time (`group`, the first by default), with its units' figures.
    shown_groups = groups
    if paged:
        group_id = request.args.get("group", type=int)
        shown_groups = [g for g in groups if g.id == group_id] or groups[:1]
    standings: dict[int, list] = {}
    for standing in kpi_by_unit(plan_id=plan.id, groups=shown_groups) if show_groups and shown_groups else []:
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
        sections=sections,
        shown_sections=shown_sections,
        item_counts=item_counts,
        paged=paged,
        part=part,
        show_targets=not paged or part == TARGETS_PART,
        show_groups=show_groups,
        shown_groups=shown_groups,
        groups=groups,
        indicators=indicators,
        statuses=statuses,
        tallies=tallies,
        mentions=item_mentions([item.id for item in items]),
        standings=standings,
        openable_units=openable_units,
        cancelled_count=sum(cancelled for _section, _count, cancelled in counted),
        allowed_versions=allowed(VIEW_MONITORING),
    )


@bp.get("/plans/<int:plan_id>/items/<int:item_id>/units")
@cached_page
def item_units(plan_id: int, item_id: int):
    """The units an item names, each collective with its members: what the plan page opens on demand."""
    require(VIEW_PLAN)
    item = db.session.scalar(
        select(ActionItem)
        .where(ActionItem.id == item_id, ActionItem.plan_id == plan_id)
        .options(selectinload(ActionItem.units).joinedload(ItemUnit.unit))
    )
    if item is None:
        abort(404)
    return render_template("plans/item_units.html", item=item, plan=item.plan)
