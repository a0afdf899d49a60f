"""What an admin fixes by hand after an import: deadlines the grammar could not read, and names the
unit directory did not know (the mapping is remembered as an alias, so the next import knows it)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import ActionItem, Assignment, ItemUnit, PlanSection, Unit, UnitAlias, UnitGroupMember
from .rules.deadlines import YEARLY
from .rules.lifecycle import occurrence_due, occurrence_years
from .rules.names import fold_name


class AdminFixError(Exception):
    """The fix cannot be made; the message says why, in Vietnamese."""


def items_needing_a_date() -> list[ActionItem]:
    """Items whose deadline text could not be read and that nobody has dated by hand yet."""
    return list(db.session.scalars(
        select(ActionItem).where(ActionItem.is_deadline_parsed.is_(False), ActionItem.is_due_set_by_hand.is_(False))
        .order_by(ActionItem.plan_id, ActionItem.position)
        .options(selectinload(ActionItem.section).selectinload(PlanSection.plan))
    ))


def set_due_date(item: ActionItem, due_on: date) -> None:
    """Date an item by hand; its assignments follow, and a re-import keeps the date while the text is
    unchanged. Flushes, the caller commits."""
    plan = item.section.plan
    if plan.year and not (plan.year - 1 <= due_on.year <= (plan.end_year or plan.year) + 5):
        raise AdminFixError(f"Ngày {due_on:%d/%m/%Y} nằm ngoài thời gian của kế hoạch {plan.number}.")
    item.due_on, item.is_due_set_by_hand = due_on, True
    for assignment in item.assignments:
        assignment.due_on = occurrence_due(due_on, assignment.occurrence) if assignment.occurrence else due_on
    db.session.flush()


@dataclass
class UnknownName:
    """A name the directory did not know, and where it was written."""

    written: str
    items: list[ActionItem] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


def unknown_names() -> list[UnknownName]:
    """Every unknown unit name from the imports, with the items and Appendix 1 groups that use it."""
    found: dict[str, UnknownName] = {}
    rows = db.session.scalars(select(ItemUnit).where(ItemUnit.kind == "unknown").options(
        selectinload(ItemUnit.item).selectinload(ActionItem.section)))
    for row in rows:
        entry = found.setdefault(fold_name(row.written), UnknownName(row.written))
        if row.item not in entry.items:
            entry.items.append(row.item)
    members = db.session.scalars(select(UnitGroupMember).where(UnitGroupMember.unit_id.is_(None))
                                 .options(selectinload(UnitGroupMember.group)))
    for member in members:
        found.setdefault(fold_name(member.written), UnknownName(member.written)).groups.append(member.group.name)
    return sorted(found.values(), key=lambda n: fold_name(n.written))


def map_name_to_unit(written: str, unit: Unit, *, now: datetime) -> int:
    """Remember `written` as an alias of `unit` and apply it where the name was unknown: lead rows get
    their assignments. Returns the number of places updated. Flushes, the caller commits."""
    folded = fold_name(written)
    if folded != unit.folded_name and all(a.folded_alias != folded for a in unit.aliases):
        taken = db.session.scalar(select(UnitAlias).where(UnitAlias.folded_alias == folded))
        if taken is not None or db.session.scalar(select(Unit.id).where(Unit.folded_name == folded)) is not None:
            raise AdminFixError(f"Tên “{written}” đã là tên của một đơn vị khác trong danh mục.")
        unit.aliases.append(UnitAlias(alias=written, folded_alias=folded))
    updated = 0
    rows = list(db.session.scalars(select(ItemUnit).where(ItemUnit.kind == "unknown").options(
        selectinload(ItemUnit.item).selectinload(ActionItem.assignments),
        selectinload(ItemUnit.item).selectinload(ActionItem.section).selectinload(PlanSection.plan))))
    for row in rows:
        if fold_name(row.written) != folded:
            continue
        row.kind, row.unit_id = "unit", unit.id
        updated += 1
        if row.role == "lead":
            _ensure_assignments(row.item, unit, now)
    for member in db.session.scalars(select(UnitGroupMember).where(UnitGroupMember.unit_id.is_(None))):
        if fold_name(member.written) == folded:
            member.unit_id = unit.id
            updated += 1
    db.session.flush()
    return updated


def _ensure_assignments(item: ActionItem, unit: Unit, now: datetime) -> None:
    plan = item.section.plan
    years = (occurrence_years(plan.year, plan.end_year) if plan.year else []) or [0]
    occurrences = years if item.recurrence == YEARLY else [0]
    existing = {(a.unit_id, a.occurrence): a for a in item.assignments}
    for year in occurrences:
        assignment = existing.get((unit.id, year))
        if assignment is None:
            due = occurrence_due(item.due_on, year) if year else item.due_on
            item.assignments.append(Assignment(unit_id=unit.id, occurrence=year, due_on=due, created_at=now))
        else:
            assignment.is_active = True


def group_members_by_plan(unit: Unit) -> dict[int, UnitGroupMember]:
    """The unit's Appendix 1 group membership in each plan."""
    members = db.session.scalars(select(UnitGroupMember).where(UnitGroupMember.unit_id == unit.id)
                                 .options(selectinload(UnitGroupMember.group)))
    result: dict[int, UnitGroupMember] = {}
    for member in members:
        result[member.group.plan_id] = member
    return result
