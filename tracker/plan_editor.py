"""The plan editor's services: an admin creates a plan by hand, its sections and items, edits, moves, cancels
and restores items; assignments follow the lead units and deadline, and every save is told in words (ItemEvent)
and kept as a plan version. Each function flushes; the view commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from .assignments import PermissionDenied, actor_of
from .extensions import db
from .models import (
    ActionItem,
    Assignment,
    ItemEvent,
    ItemUnit,
    Plan,
    PlanSection,
    Unit,
    User,
)
from .models.units import CollectiveMapping
from .plan_versions import record_version
from .rules.deadlines import YEARLY, item_columns, parse_deadline, reading_words
from .rules.lifecycle import DONE, occurrence_due, occurrence_years
from .rules.names import collective_kind, fold_name, shared_head_members
from .rules.permissions import MANAGE_SETTINGS, can
from .rules.texts import joined, t
from .units import UnitDirectory

# What each recorded field is called on the item page (the view translates them).
FIELD_WORDS = {
    "task": "Nội dung",
    "lead": "Đơn vị chủ trì",
    "coordinating": "Đơn vị phối hợp",
    "expected_output": "Dự kiến kết quả",
    "deadline_text": "Thời hạn",
    "due_on": "Hạn",
    "section": "Mục",
    "position": "Thứ tự",
}
# Fields whose value is a list of unit names joined by NAME_SEPARATOR: a change is told as names added/removed.
UNIT_FIELDS = ("lead", "coordinating")
NAME_SEPARATOR = "; "
_YEAR_RANGE = (1990, 2100)


class EditRefused(Exception):
    """Nothing was saved; `problems` maps each form field at fault to what to fix, in Vietnamese."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(joined(*problems.values(), sep="; "))
        self.problems = problems


def _require_admin(actor: User | None) -> None:
    if not can(actor_of(actor), MANAGE_SETTINGS):
        raise PermissionDenied(t("Chỉ quản trị viên được sửa kế hoạch."))


# --- Deadlines --------------------------------------------------------------------------------------


def read_deadline(text: str, plan_year: int | None) -> dict[str, Any]:
    """The grammar's reading of a deadline text, for the live hint and the JSON endpoint."""
    values = item_columns(parse_deadline(text, plan_year))
    return {
        "text": text,
        "is_parsed": values["is_deadline_parsed"],
        "due_on": values["due_on"].isoformat() if values["due_on"] else None,
        "recurrence": values["recurrence"],
        "is_ongoing": values["is_ongoing"],
        "words": reading_words(
            values["due_on"], values["recurrence"], values["is_ongoing"], values["is_deadline_parsed"]
        ),
    }


# --- Plans and sections -----------------------------------------------------------------------------


@dataclass
class PlanFields:
    number: str
    title: str
    issuer: str = ""
    issued_on: date | None = None
    year: int | None = None
    end_year: int | None = None


def _check_plan(fields: PlanFields, plan: Plan | None) -> dict[str, Any]:
    problems: dict[str, str] = {}
    number = " ".join(fields.number.split())
    if not number:
        problems["number"] = t("Hãy nhập số hiệu văn bản (ví dụ 2032/QĐ-BVHTTDL).")
    elif len(number) > 80:
        problems["number"] = t("Số hiệu văn bản dài quá 80 ký tự.")
    else:
        # Compared without case in Python: SQLite's lower() leaves "Đ" as it is.
        taken = next(
            (
                plan_id
                for plan_id, other in db.session.execute(select(Plan.id, Plan.number))
                if other.casefold() == number.casefold()
            ),
            None,
        )
        if taken is not None and (plan is None or taken != plan.id):
            problems["number"] = t("Số hiệu “%(number)s” đã là của một kế hoạch khác; hãy nhập số khác.", number=number)
    if not fields.title.strip():
        problems["title"] = t("Hãy nhập tên (trích yếu) của kế hoạch.")
    for key, value in (("year", fields.year), ("end_year", fields.end_year)):
        if value is not None and not _YEAR_RANGE[0] <= value <= _YEAR_RANGE[1]:
            problems[key] = t("Năm %(year)s không hợp lệ; hãy nhập năm có 4 chữ số.", year=value)
    if fields.end_year is not None and fields.year is None and "end_year" not in problems:
        problems["year"] = t("Hãy nhập năm bắt đầu khi đã có năm kết thúc.")
    if fields.year and fields.end_year and fields.end_year < fields.year and "end_year" not in problems:
        problems["end_year"] = t(
            "Năm kết thúc (%(end_year)s) trước năm bắt đầu (%(year)s).", end_year=fields.end_year, year=fields.year
        )
    if problems:
        raise EditRefused(problems)
    return {
        "number": number,
        "title": fields.title.strip(),
        "issuer": fields.issuer.strip(),
        "issued_on": fields.issued_on,
        "year": fields.year,
        "end_year": fields.end_year,
    }


def create_plan(fields: PlanFields, *, actor: User, now: datetime) -> Plan:
    """A new plan entered by hand (kpi_scheme "plan"); its first version is kept."""
    _require_admin(actor)
    values = _check_plan(fields, None)
    plan = Plan(**values, kpi_scheme="plan", source_name="")
    db.session.add(plan)
    db.session.flush()
    record_version(plan, kind="edit", actor=actor, now=now, note="Tạo kế hoạch bằng tay")
    return plan


_PLAN_WORDS = {
    "number": "số hiệu",
    "title": "tên",
    "issuer": "cơ quan ban hành",
    "issued_on": "ngày ban hành",
    "year": "năm",
    "end_year": "năm kết thúc",
}


def update_plan(plan: Plan, fields: PlanFields, *, actor: User, now: datetime) -> list[str]:
    """Change a plan's particulars; returns the changes in words (none: nothing saved, no version)."""
    _require_admin(actor)
    values = _check_plan(fields, plan)
    changes = []
    for key, new in values.items():
        old = getattr(plan, key)
        if old != new:
            changes.append(f"{_PLAN_WORDS[key]}: {quoted(_shown(old))} → {quoted(_shown(new))}")
            setattr(plan, key, new)
    if changes:
        _yearly_items_follow(plan, now)
        record_version(plan, kind="edit", actor=actor, now=now, note="; ".join(changes))
    return changes


def _yearly_items_follow(plan: Plan, now: datetime) -> None:
    """A plan's years changed: each yearly item's assignments follow the years it now covers."""
    for item in plan.items:
        if item.recurrence == YEARLY and item.cancelled_on is None:
            sync_assignments(item, _lead_units(item), now=now)


def _check_section(plan: Plan, number: str, title: str, section: PlanSection | None) -> tuple[str, str]:
    number, title = " ".join(number.split()), title.strip()
    problems: dict[str, str] = {}
    if len(number) > 20:
        problems["number"] = t("Số mục dài quá 20 ký tự.")
    elif any(s.number == number and s is not section for s in plan.sections):
        problems["number"] = (
            t("Kế hoạch đã có mục “%(number)s”; hãy nhập số mục khác.", number=number)
            if number
            else t("Kế hoạch đã có một mục không số; hãy nhập số mục (I, II …).")
        )
    if not title and not number:
        problems["title"] = t("Hãy nhập số mục hoặc tên mục.")
    if problems:
        raise EditRefused(problems)
    return number, title


def add_section(plan: Plan, number: str, title: str, *, actor: User, now: datetime) -> PlanSection:
    """A new section at the end of the plan."""
    _require_admin(actor)
    number, title = _check_section(plan, number, title, None)
    section = PlanSection(number=number, title=title, position=len(plan.sections))
    plan.sections.append(section)
    db.session.flush()
    record_version(plan, kind="edit", actor=actor, now=now, note=f"Thêm mục {number or title}")
    return section


def rename_section(section: PlanSection, number: str, title: str, *, actor: User, now: datetime) -> bool:
    """Change a section's number or title; False when nothing changed."""
    _require_admin(actor)
    number, title = _check_section(section.plan, number, title, section)
    if (number, title) == (section.number, section.title):
        return False
    note = f"Mục {quoted(section.number)} → {quoted(number)}, tên {quoted(section.title)} → {quoted(title)}"
    section.number, section.title = number, title
    record_version(section.plan, kind="edit", actor=actor, now=now, note=note)
    return True


def move_section(section: PlanSection, direction: str, *, actor: User, now: datetime) -> bool:
    """Swap a section with the one above ("up") or below ("down"); False at either end."""
    _require_admin(actor)
    plan = section.plan
    sections = list(plan.sections)
    index = sections.index(section)
    other = index + (-1 if direction == "up" else 1)
    if direction not in ("up", "down") or not 0 <= other < len(sections):
        return False
    sections[index], sections[other] = sections[other], sections[index]
    for position, row in enumerate(sections):
        row.position = position
    _renumber_items(plan)
    record_version(plan, kind="edit", actor=actor, now=now, note=f"Chuyển mục {section.number or section.title}")
    return True


def _renumber_items(plan: Plan) -> None:
    """Item positions follow the sections' order, then each section's own order."""
    position = 0
    for section in sorted(plan.sections, key=lambda s: s.position):
        for item in sorted(section.items, key=lambda i: i.position):
            position += 1
            item.position = position


# --- Units named on an item -------------------------------------------------------------------------


def split_typed(names: list[str]) -> list[str]:
    """The names as typed, one per box: blanks dropped, spaces tidied, repeats dropped, ";" kept out."""
    result: list[str] = []
    for name in names:
        name = " ".join(name.replace(";", ",").split())
        if name and fold_name(name) not in {fold_name(n) for n in result}:
            result.append(name)
    return result


def _collective_units(name: str) -> list[Unit] | None:
    """The units an admin mapped a collective to (listed units and every active unit of its level)."""
    mapping = db.session.scalar(select(CollectiveMapping).where(CollectiveMapping.folded_name == fold_name(name)))
    if mapping is None:
        return None
    units = {u.id: u for u in mapping.units}
    if mapping.level:
        for unit in db.session.scalars(select(Unit).where(Unit.level == mapping.level, Unit.is_active)):
            units.setdefault(unit.id, unit)
    return sorted(units.values(), key=lambda u: u.name) or None


def resolve_names(names: list[str], directory: UnitDirectory) -> list[tuple[str, str, Unit | None]]:
    """(written, kind, unit) rows for typed names: a directory unit; a collective mapped to units (one row per
    unit) or left unspecified; a shared-head list of known units; else "unknown" (flagged for the admin)."""
    rows: list[tuple[str, str, Unit | None]] = []
    for name in names:
        unit = directory.find(name)
        if unit is not None:
            rows.append((name, "unit", unit))
        elif collective_kind(name) is not None:
            mapped = _collective_units(name)
            if mapped:
                rows.extend((name, "collective", u) for u in mapped)
            else:
                rows.append((name, "unspecified", None))
        elif len(members := shared_head_members(name)) > 1 and all(directory.find(m) for m in members):
            rows.extend((name, "collective", directory.find(m)) for m in members)
        else:
            rows.append((name, "unknown", None))
    return rows


def _written(item: ActionItem, role: str) -> list[str]:
    return [written for written, _kind, _units in item.mentions(role)]


def _lead_units(item: ActionItem) -> list[Unit]:
    seen: dict[int, Unit] = {}
    for row in item.units:
        if row.role == "lead" and row.unit is not None:
            seen.setdefault(row.unit.id, row.unit)
    return list(seen.values())


def _set_units(item: ActionItem, lead: list[str], coordinating: list[str], directory: UnitDirectory) -> None:
    rows = [("lead", *r) for r in resolve_names(lead, directory)] + [
        ("coordinating", *r) for r in resolve_names(coordinating, directory)
    ]
    current = [(u.role, u.written, u.kind, u.unit_id) for u in item.units]
    wanted = [(role, written, kind, unit.id if unit else None) for role, written, kind, unit in rows]
    if current != wanted:
        item.units[:] = [
            ItemUnit(role=role, position=p, written=written, kind=kind, unit=unit, unit_id=unit.id if unit else None)
            for p, (role, written, kind, unit) in enumerate(rows)
        ]
    item.lead_text = NAME_SEPARATOR.join(lead)
    item.coordinating_text = NAME_SEPARATOR.join(coordinating)


# --- Assignments ------------------------------------------------------------------------------------


def sync_assignments(item: ActionItem, lead_units: list[Unit], *, now: datetime) -> None:
    """One active assignment per lead unit (per year of the plan for a yearly item); a unit no longer lead
    keeps its assignment, made inactive, never deleted; the open (not done) ones take the item's due date."""
    plan = item.plan
    years = occurrence_years(plan.year, plan.end_year) if plan.year else []
    occurrences = (years or [0]) if item.recurrence == YEARLY else [0]
    wanted = {(u.id, year) for u in lead_units for year in occurrences}
    existing = {(a.unit_id, a.occurrence): a for a in item.assignments}
    for unit_id, year in sorted(wanted):
        due = occurrence_due(item.due_on, year) if year else item.due_on
        assignment = existing.get((unit_id, year))
        if assignment is None:
            item.assignments.append(Assignment(unit_id=unit_id, occurrence=year, due_on=due, created_at=now))
            continue
        assignment.is_active = True
        if assignment.status != DONE and assignment.due_on != due:
            assignment.due_on = due
    for key, assignment in existing.items():
        if key not in wanted and assignment.is_active:
            assignment.is_active = False
    db.session.flush()


# --- Items ------------------------------------------------------------------------------------------


@dataclass
class ItemFields:
    section_id: int | None
    task: str
    lead: list[str]
    coordinating: list[str]
    expected_output: str = ""
    deadline_text: str = ""
    due_on: date | None = None  # set by hand: wins over the reading of deadline_text


def _check_item(plan: Plan, fields: ItemFields) -> tuple[PlanSection, dict[str, Any]]:
    problems: dict[str, str] = {}
    section = next((s for s in plan.sections if s.id == fields.section_id), None)
    if section is None:
        problems["section"] = (
            t("Kế hoạch chưa có mục nào: hãy thêm một mục trước.")
            if not plan.sections
            else t("Hãy chọn mục của nhiệm vụ.")
        )
    if not fields.task.strip():
        problems["task"] = t("Hãy nhập nội dung nhiệm vụ.")
    if not split_typed(fields.lead):
        problems["lead"] = t("Hãy nhập ít nhất một đơn vị chủ trì.")
    if fields.due_on and plan.year and not (plan.year - 1 <= fields.due_on.year <= (plan.end_year or plan.year) + 5):
        problems["due_on"] = t(
            "Ngày %(day)s nằm ngoài thời gian của kế hoạch %(plan)s.", day=f"{fields.due_on:%d/%m/%Y}", plan=plan.number
        )
    deadline_text = fields.deadline_text.strip()
    if not deadline_text and fields.due_on is None:
        problems["deadline_text"] = t("Hãy nhập thời hạn như văn bản ghi, hoặc đặt ngày hạn.")
    if problems:
        raise EditRefused(problems)
    assert section is not None
    values: dict[str, Any]
    if fields.due_on is not None:
        values = {
            "due_on": fields.due_on,
            "recurrence": None,
            "is_ongoing": False,
            "is_deadline_parsed": True,
            "is_due_set_by_hand": True,
        }
        reading = parse_deadline(deadline_text, plan.year) if deadline_text else None
        if reading is not None and reading.recurrence == YEARLY:
            values["recurrence"] = YEARLY
    else:
        values = {**item_columns(parse_deadline(deadline_text, plan.year)), "is_due_set_by_hand": False}
    values.update(task=fields.task.strip(), expected_output=fields.expected_output.strip(), deadline_text=deadline_text)
    return section, values


def _next_stt(section: PlanSection) -> str:
    numbers = [int(i.stt) for i in section.items if i.stt.isdigit()]
    return str(max(numbers, default=0) + 1)


def _event(
    item: ActionItem, kind: str, changes: list[dict[str, str]], *, actor: User, now: datetime, reason: str = ""
) -> ItemEvent:
    event = ItemEvent(item_id=item.id, actor=actor, at=now, kind=kind, changes=changes, reason=reason)
    db.session.add(event)
    return event


def _tie_to_version(events: list[ItemEvent], plan: Plan, *, actor: User, now: datetime, note: str) -> None:
    version = record_version(plan, kind="edit", actor=actor, now=now, note=note)
    for event in events:
        event.version_id = version.id
    db.session.flush()


def add_item(plan: Plan, fields: ItemFields, *, actor: User, now: datetime) -> ActionItem:
    """A new item at the end of its section, with its units and their assignments; one event and one version."""
    _require_admin(actor)
    section, values = _check_item(plan, fields)
    last = max((i.position for i in plan.items), default=0)
    item = ActionItem(plan=plan, section=section, stt=_next_stt(section), position=last + 1, notes={}, **values)
    db.session.add(item)
    _set_units(item, split_typed(fields.lead), split_typed(fields.coordinating), UnitDirectory.from_database())
    db.session.flush()
    _renumber_items(plan)
    sync_assignments(item, _lead_units(item), now=now)
    changes = [
        {"field": "task", "old": "", "new": item.task},
        {"field": "lead", "old": "", "new": item.lead_text},
        {"field": "deadline_text", "old": "", "new": item.deadline_text or _day(item.due_on)},
    ]
    if item.coordinating_text:
        changes.insert(2, {"field": "coordinating", "old": "", "new": item.coordinating_text})
    event = _event(item, "created", changes, actor=actor, now=now)
    db.session.flush()
    _tie_to_version([event], plan, actor=actor, now=now, note=f"Thêm nhiệm vụ {item.reference}")
    return item


def _day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def edit_item(item: ActionItem, fields: ItemFields, *, actor: User, now: datetime) -> list[dict[str, str]]:
    """Save an item's form: its text, units (assignments follow), deadline (open assignments' due dates
    follow) and section (moved to the end of it). Returns the changes; none means nothing was saved."""
    _require_admin(actor)
    if item.cancelled_on is not None:
        raise EditRefused({"task": t("Nhiệm vụ đã bãi bỏ: hãy khôi phục trước khi sửa.")})
    plan = item.plan
    section, values = _check_item(plan, fields)
    lead, coordinating = split_typed(fields.lead), split_typed(fields.coordinating)
    changes: list[dict[str, str]] = []
    before = {
        "section": item.section.number or item.section.title,
        "task": item.task,
        "lead": NAME_SEPARATOR.join(_written(item, "lead")),
        "coordinating": NAME_SEPARATOR.join(_written(item, "coordinating")),
        "expected_output": item.expected_output,
        "deadline_text": item.deadline_text,
    }
    after = {
        "section": section.number or section.title,
        "task": values["task"],
        "lead": NAME_SEPARATOR.join(lead),
        "coordinating": NAME_SEPARATOR.join(coordinating),
        "expected_output": values["expected_output"],
        "deadline_text": values["deadline_text"],
    }
    for key, old in before.items():
        if old != after[key]:
            changes.append({"field": key, "old": old, "new": after[key]})
    read_before = (item.due_on, item.recurrence, item.is_ongoing, item.is_deadline_parsed)
    read_after = (values["due_on"], values["recurrence"], values["is_ongoing"], values["is_deadline_parsed"])
    if read_before != read_after or item.is_due_set_by_hand != values["is_due_set_by_hand"]:
        changes.append(
            {
                "field": "due_on",
                "old": _reading_of(*read_before, item.is_due_set_by_hand),
                "new": _reading_of(*read_after, values["is_due_set_by_hand"]),
            }
        )
    units_before = [(u.role, u.written, u.kind, u.unit_id) for u in item.units]
    if section is not item.section:
        # To the end of the new section, with the next free number there.
        item.stt = _next_stt(section)
        item.position = max((i.position for i in plan.items), default=0) + 1
        item.section = section
    for key, value in values.items():
        setattr(item, key, value)
    _set_units(item, lead, coordinating, UnitDirectory.from_database())
    units_after = [(u.role, u.written, u.kind, u.unit_id) for u in item.units]
    if not changes and units_before == units_after:
        return []
    db.session.flush()
    _renumber_items(plan)
    sync_assignments(item, _lead_units(item), now=now)
    event = _event(
        item, "moved" if [c["field"] for c in changes] == ["section"] else "changed", changes, actor=actor, now=now
    )
    db.session.flush()
    _tie_to_version([event], plan, actor=actor, now=now, note=f"Sửa nhiệm vụ {item.reference}")
    return changes


def _reading_of(due_on: date | None, recurrence: str | None, is_ongoing: bool, is_parsed: bool, by_hand: bool) -> str:
    words = reading_words(due_on, recurrence, is_ongoing, is_parsed)
    return f"{words} (đặt bằng tay)" if by_hand else words


def move_item(item: ActionItem, direction: str, *, actor: User, now: datetime) -> bool:
    """Swap an item with its neighbour in its section ("up"/"down"); False at either end."""
    _require_admin(actor)
    items = sorted(item.section.items, key=lambda i: i.position)
    index = items.index(item)
    other = index + (-1 if direction == "up" else 1)
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return False
    neighbour = items[other]
    item.position, neighbour.position = neighbour.position, item.position
    db.session.flush()
    old, new = str(index + 1), str(other + 1)
    event = _event(item, "moved", [{"field": "position", "old": old, "new": new}], actor=actor, now=now)
    db.session.flush()
    _tie_to_version([event], item.plan, actor=actor, now=now, note=f"Chuyển nhiệm vụ {item.reference}")
    return True


def cancel_item(item: ActionItem, reason: str, *, actor: User, now: datetime, today: date) -> None:
    """Cancel ("bãi bỏ") an item with a reason: its assignments become inactive (kept, with their history),
    so it leaves the units' lists and reminders."""
    _require_admin(actor)
    reason = reason.strip()
    if not reason:
        raise EditRefused({"reason": t("Hãy nhập lý do bãi bỏ (ví dụ số quyết định sửa đổi).")})
    if item.cancelled_on is not None:
        raise EditRefused({"reason": t("Nhiệm vụ đã bãi bỏ ngày %(day)s.", day=f"{item.cancelled_on:%d/%m/%Y}")})
    item.cancelled_on, item.cancel_reason = today, reason
    for assignment in item.assignments:
        assignment.is_active = False
    db.session.flush()
    event = _event(item, "cancelled", [], actor=actor, now=now, reason=reason)
    db.session.flush()
    _tie_to_version([event], item.plan, actor=actor, now=now, note=f"Bãi bỏ nhiệm vụ {item.reference}: {reason}")


def restore_item(item: ActionItem, *, actor: User, now: datetime) -> bool:
    """Undo a cancellation: the lead units' assignments are active again. False when it was not cancelled."""
    _require_admin(actor)
    if item.cancelled_on is None:
        return False
    item.cancelled_on, item.cancel_reason = None, ""
    sync_assignments(item, _lead_units(item), now=now)
    event = _event(item, "restored", [], actor=actor, now=now)
    db.session.flush()
    _tie_to_version([event], item.plan, actor=actor, now=now, note=f"Khôi phục nhiệm vụ {item.reference}")
    return True


# --- History in words -------------------------------------------------------------------------------


def quoted(text: str) -> str:
    return f"“{text}”"


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def change_words(change: dict[str, str], field_word: str | None = None) -> str:
    """One recorded change as the item page says it: "Thời hạn: “Tháng 8/2023” → “Tháng 10/2023”",
    "Đơn vị chủ trì: thêm Sở Y tế; bỏ Vụ Pháp chế"."""
    word = field_word or FIELD_WORDS.get(change.get("field", ""), change.get("field", ""))
    old, new = change.get("old") or "", change.get("new") or ""
    if change.get("field") in UNIT_FIELDS:
        before = [n for n in old.split(NAME_SEPARATOR) if n]
        after = [n for n in new.split(NAME_SEPARATOR) if n]
        added = [n for n in after if n not in before]
        removed = [n for n in before if n not in after]
        parts = ([f"thêm {', '.join(added)}"] if added else []) + ([f"bỏ {', '.join(removed)}"] if removed else [])
        if parts:
            return f"{word}: {'; '.join(parts)}"
    if not old:
        return f"{word}: {quoted(new)}"
    return f"{word}: {quoted(_shown(old))} → {quoted(_shown(new))}"
