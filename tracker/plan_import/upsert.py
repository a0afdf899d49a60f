"""Saves a read plan document into the database: creates what is new, updates what changed, and keeps
everything already recorded (assignments and their history are never deleted)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    ActionItem, Assignment, Indicator, ItemUnit, Plan, PlanSection, Target, Unit, UnitGroup, UnitGroupMember,
)
from ..rules.deadlines import YEARLY, parse_deadline
from ..rules.lifecycle import occurrence_due, occurrence_years
from ..rules.names import APPENDIX1, UNSPECIFIED, collective_kind, split_names
from ..rules.targets import parse_target
from ..units import UnitDirectory
from .document import PlanDocument

# Words in an indicator's heading that tell which of the plan's three ratios it is.
_RATIO_WORDS = (
    ("full_online", "toàn trình"),
    ("procedures_online", "tthc có phát sinh hồ sơ trực tuyến"),
    ("dossiers_online", "hồ sơ phát sinh trực tuyến"),
)


@dataclass
class ImportReport:
    plan: str
    sections: list[dict[str, Any]] = field(default_factory=list)
    items: int = 0
    assignments: int = 0
    targets: int = 0
    warnings: list[str] = field(default_factory=list)
    unparsed_deadlines: list[dict[str, str]] = field(default_factory=list)
    unknown_units: list[dict[str, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    changes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def _created(self, what: str) -> None:
        self.created += 1
        self.changes.append(f"tạo mới {what}")

    def _updated(self, what: str, fields: list[str]) -> None:
        self.updated += 1
        self.changes.append(f"cập nhật {what}: {', '.join(fields)}")


def _assign(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set values on obj; return the names of the attributes that changed."""
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for key in changed:
        setattr(obj, key, values[key])
    return changed


def save_plan(doc: PlanDocument, *, source_name: str, now: datetime) -> ImportReport:
    """Create or update the plan that doc describes (matched by number); flushes, the caller commits."""
    assert doc.number
    report = ImportReport(plan=doc.number, warnings=list(doc.warnings))
    directory = UnitDirectory.from_database()
    plan = db.session.scalar(
        select(Plan).where(Plan.number == doc.number).options(
            selectinload(Plan.sections),
            selectinload(Plan.items).selectinload(ActionItem.units),
            selectinload(Plan.items).selectinload(ActionItem.assignments),
        )
    )
    if plan is None:
        plan = Plan(number=doc.number, title=doc.title, year=doc.year, end_year=doc.end_year, source_name=source_name,
                    issued_on=date.fromisoformat(doc.issued_on) if doc.issued_on else None)
        db.session.add(plan)
        report._created(f"kế hoạch {doc.number}")
    else:
        # A document that does not state a title or date (e.g. a web page quoting Appendix 1) keeps the old ones.
        values: dict[str, Any] = {}
        if doc.title:
            values["title"] = doc.title
        if doc.year:
            values["year"] = doc.year
            values["end_year"] = doc.end_year
        if doc.issued_on:
            values["issued_on"] = date.fromisoformat(doc.issued_on)
        changed = _assign(plan, values)
        if changed:
            report._updated(f"kế hoạch {doc.number}", changed)
    db.session.flush()

    appendix1_units: list[Unit] = []
    if doc.has_appendix1:
        appendix1_units = _save_appendix1(plan, doc, directory, report)
    else:
        appendix1_units = _appendix1_units(plan)
    if doc.has_appendix2:
        _save_appendix2(plan, doc, directory, appendix1_units, report, now)

    report.targets = db.session.scalar(
        select(db.func.count(Target.id)).join(UnitGroup).where(UnitGroup.plan_id == plan.id)
    ) or 0
    if report.created or report.updated:
        plan.imported_at = now
        plan.source_name = source_name
    db.session.flush()
    return report


def _appendix1_units(plan: Plan) -> list[Unit]:
    """The units listed in the plan's Appendix 1 as already saved, in document order."""
    query = (
        select(Unit).join(UnitGroupMember, UnitGroupMember.unit_id == Unit.id).join(UnitGroup)
        .where(UnitGroup.plan_id == plan.id).order_by(UnitGroup.number, UnitGroupMember.position)
    )
    return list(db.session.scalars(query))


def _save_appendix1(plan: Plan, doc: PlanDocument, directory: UnitDirectory, report: ImportReport) -> list[Unit]:
    indicators = {i.number: i for i in db.session.scalars(select(Indicator).where(Indicator.plan_id == plan.id))}
    by_number: dict[int, Indicator] = {}
    for number, name in enumerate(doc.indicators, start=1):
        folded = name.casefold()
        ratio = next((key for key, words in _RATIO_WORDS if words in folded), None)
        indicator = indicators.get(number)
        if indicator is None:
            indicator = Indicator(plan_id=plan.id, number=number, name=name, ratio=ratio)
            db.session.add(indicator)
            report._created(f"chỉ tiêu ({number})")
        elif changed := _assign(indicator, {"name": name, "ratio": ratio}):
            report._updated(f"chỉ tiêu ({number})", changed)
        by_number[number] = indicator
    db.session.flush()

    groups = {
        g.number: g for g in db.session.scalars(
            select(UnitGroup).where(UnitGroup.plan_id == plan.id)
            .options(selectinload(UnitGroup.members), selectinload(UnitGroup.targets))
        )
    }
    members_in_order: list[Unit] = []
    for row in doc.groups:
        group = groups.get(row.number)
        label = row.name
        if group is None:
            group = UnitGroup(plan_id=plan.id, number=row.number, name=row.name, declared_size=row.declared_size)
            db.session.add(group)
            report._created(label)
        elif changed := _assign(group, {"name": row.name, "declared_size": row.declared_size}):
            report._updated(label, changed)

        wanted = []
        for position, written in enumerate(row.members):
            unit = directory.find(written)
            if unit is None:
                report.unknown_units.append({"name": written, "where": f"{row.where} ({row.name})"})
            else:
                members_in_order.append(unit)
            wanted.append((position, written, unit.id if unit else None))
        current = [(m.position, m.written, m.unit_id) for m in group.members]
        if current != wanted:
            group.members[:] = [UnitGroupMember(position=p, written=w, unit_id=u) for p, w, u in wanted]
            if group.id is not None and current:
                report._updated(label, ["đơn vị trong nhóm"])

        targets = {t.indicator_id: t for t in group.targets}
        db.session.flush()
        for number, cell in enumerate(row.targets, start=1):
            indicator = by_number[number]
            parsed = parse_target(cell)
            values = {"kind": parsed.kind, "value_min": parsed.value_min, "value_max": parsed.value_max,
                      "note": parsed.note, "text": parsed.text}
            target = targets.get(indicator.id)
            what = f"chỉ tiêu ({number}) của {label}"
            if target is None:
                group.targets.append(Target(indicator_id=indicator.id, **values))
                report._created(what)
            elif changed := _assign(target, values):
                report._updated(what, changed)
    db.session.flush()
    return members_in_order


def _resolve(cell: str, role: str, directory: UnitDirectory, appendix1_units: list[Unit],
             where: str, report: ImportReport) -> list[tuple[str, str, Unit | None]]:
    """The (written name, kind, unit) rows for one lead/coordinating cell, in order."""
    rows: list[tuple[str, str, Unit | None]] = []
    names = split_names(cell, lambda n: directory.find(n) is not None or collective_kind(n) is not None)
    for name in names:
        unit = directory.find(name)
        kind = collective_kind(name)
        if unit is not None:
            rows.append((name, "unit", unit))
        elif kind == APPENDIX1 and appendix1_units:
            rows.extend((name, "collective", u) for u in appendix1_units)
        elif kind is not None:
            if kind == APPENDIX1:
                report.warnings.append(
                    f"{where}: “{name}” là các đơn vị của Phụ lục 1, nhưng kế hoạch chưa có Phụ lục 1; "
                    "giữ nguyên tên, chưa giao cho đơn vị nào."
                )
            rows.append((name, UNSPECIFIED, None))
        else:
            report.unknown_units.append({"name": name, "where": f"{where} ({role})"})
            rows.append((name, "unknown", None))
    return rows


def _save_appendix2(plan: Plan, doc: PlanDocument, directory: UnitDirectory, appendix1_units: list[Unit],
                    report: ImportReport, now: datetime) -> None:
    sections = {s.number: s for s in plan.sections}
    items = {(i.section_id, i.stt): i for i in plan.items}
    years = occurrence_years(plan.year, plan.end_year) if plan.year else []
    seen_items: set[int] = set()
    position = 0
    for s_position, row in enumerate(doc.sections):
        section = sections.get(row.number)
        label = f"mục {row.number}" if row.number else "mục (không số)"
        if section is None:
            section = PlanSection(number=row.number, title=row.title, position=s_position)
            plan.sections.append(section)
            sections[row.number] = section
            report._created(label)
        elif changed := _assign(section, {"title": row.title, "position": s_position}):
            report._updated(label, changed)
        db.session.flush()
        report.sections.append({"number": row.number, "title": row.title, "items": len(row.items)})

        for item_row in row.items:
            position += 1
            reference = f"{row.number}.{item_row.stt}" if row.number else item_row.stt
            deadline = parse_deadline(item_row.deadline, plan.year)
            values = {
                "task": item_row.task, "lead_text": item_row.lead, "coordinating_text": item_row.coordinating,
                "expected_output": item_row.expected_output, "deadline_text": item_row.deadline,
                "position": position,
            }
            item = items.get((section.id, item_row.stt))
            keep_manual_date = (
                item is not None and item.is_due_set_by_hand and item.deadline_text == item_row.deadline
            )
            if not keep_manual_date:
                values.update(due_on=deadline.due_on, recurrence=deadline.recurrence,
                              is_ongoing=deadline.is_ongoing, is_deadline_parsed=deadline.is_parsed,
                              is_due_set_by_hand=False)
                if deadline.recurrence == YEARLY:
                    # A yearly duty is tracked as one assignment a year, each due on that day of its year:
                    # the item keeps the first year's day, and no occurrence is "ongoing" without end.
                    values.update(due_on=deadline.yearly_due_on, is_ongoing=False)
            if item is None:
                item = ActionItem(plan=plan, section=section, stt=item_row.stt, **values)
                db.session.add(item)
                report._created(f"nhiệm vụ {reference}")
                changed: list[str] = []
            else:
                changed = _assign(item, values)
            if not deadline.is_parsed and not keep_manual_date:
                report.unparsed_deadlines.append({"item": reference, "text": item_row.deadline})

            wanted = [
                ("lead", written, kind, unit_id)
                for written, kind, unit_id in _resolve(item_row.lead, "đơn vị chủ trì", directory,
                                                       appendix1_units, f"{item_row.where}, nhiệm vụ {reference}",
                                                       report)
            ] + [
                ("coordinating", written, kind, unit_id)
                for written, kind, unit_id in _resolve(item_row.coordinating, "đơn vị phối hợp", directory,
                                                       appendix1_units, f"{item_row.where}, nhiệm vụ {reference}",
                                                       report)
            ]
            current = [(u.role, u.written, u.kind, u.unit_id) for u in item.units]
            if current != [(r, w, k, u.id if u else None) for r, w, k, u in wanted]:
                item.units[:] = [
                    ItemUnit(role=r, position=p, written=w, kind=k, unit_id=u.id if u else None)
                    for p, (r, w, k, u) in enumerate(wanted)
                ]
                if item.id is not None:
                    changed.append("đơn vị")
            _sync_assignments(item, [u for r, _, _, u in wanted if r == "lead" and u is not None],
                              years, reference, report, now)
            if changed and item.id is not None:
                report._updated(f"nhiệm vụ {reference}", changed)
            db.session.flush()
            seen_items.add(item.id)
            report.items += 1
            report.assignments += sum(1 for a in item.assignments if a.is_active)

    for item in plan.items:
        if item.id not in seen_items and item.id is not None:
            report.warnings.append(
                f"nhiệm vụ {item.reference} có trong dữ liệu nhưng không còn trong văn bản: giữ nguyên, không xóa."
            )


def _sync_assignments(item: ActionItem, lead_units: list[Unit], years: list[int], reference: str,
                      report: ImportReport, now: datetime) -> None:
    """One active assignment per lead unit (per year for a yearly item); a unit no longer named keeps
    its assignment, made inactive, with its history."""
    occurrences = (years or [0]) if item.recurrence == YEARLY else [0]
    wanted = {(u.id, year): u for u in lead_units for year in occurrences}
    existing = {(a.unit_id, a.occurrence): a for a in item.assignments}
    for (unit_id, year), unit in wanted.items():
        due = occurrence_due(item.due_on, year) if year else item.due_on
        what = f"phân công nhiệm vụ {reference} cho {unit.code}" + (f" năm {year}" if year else "")
        assignment = existing.get((unit_id, year))
        if assignment is None:
            item.assignments.append(Assignment(unit_id=unit_id, occurrence=year, due_on=due, created_at=now))
            report._created(what)
            continue
        changed = _assign(assignment, {"is_active": True, "due_on": due})
        if changed:
            report._updated(what, ["giao lại" if c == "is_active" else "hạn" for c in changed])
    for key, assignment in existing.items():
        if key not in wanted and assignment.is_active:
            assignment.is_active = False
            year = f" năm {assignment.occurrence}" if assignment.occurrence else ""
            report._updated(f"phân công nhiệm vụ {reference} cho {assignment.unit.code}{year}", ["thôi giao"])
