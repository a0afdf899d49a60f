"""What an admin fixes by hand around an import: deadlines the grammar could not read, and names the
unit directory did not know (mapped to a unit and remembered as an alias, or created as new units)."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import ActionItem, Assignment, ItemUnit, PlanSection, Unit, UnitAlias, UnitGroupMember
from .rules.deadlines import YEARLY
from .rules.lifecycle import occurrence_due, occurrence_years
from .rules.names import collective_kind, fold_name, normalize_text


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


# Words left out of a generated code, as people abbreviate ("Sở Khoa học và Công nghệ" is SKHCN, "Ban Quản lý
# các khu công nghiệp" BQLKCN).
_CODE_SKIPPED_WORDS = frozenset({"va", "cua", "voi", "cac", "nhung"})
_CODE_LENGTH = 16
_NAME_LENGTH = 255


def _ascii(text: str) -> str:
    """Vietnamese letters without their marks ("Đồng Tháp" → "Dong Thap")."""
    text = text.replace("Đ", "D").replace("đ", "d").replace("Ð", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


# Plural heads: "các sở, ngành", "những đơn vị có liên quan" name several units, not one.
_PLURAL_HEADS = ("các ", "những ", "mọi ")


def looks_like_one_unit(name: str) -> bool:
    """Whether an unknown name reads as one unit: not a plural ("Các bộ, ngành liên quan") and carrying no
    note in brackets ("Bộ X (chủ trì phần chính sách)"), which is more often a known unit with its role."""
    folded = normalize_text(name).casefold()
    return not folded.startswith(_PLURAL_HEADS) and "(" not in folded


def unit_code(name: str, taken: set[str]) -> str:
    """A code for a new unit: the initials of its name in capitals without marks, abbreviations kept whole
    ("Sở KH&CN" → SKHCN), "-2", "-3" … when taken. Adds the code to `taken`."""
    words = re.findall(r"[A-Za-z0-9]+", _ascii(normalize_text(name)))
    parts = []
    for word in words:
        if word.lower() in _CODE_SKIPPED_WORDS and len(words) > 1:
            continue
        parts.append(word if word.isdigit() or (word.isupper() and len(word) > 1) else word[0].upper())
    code = "".join(parts)[:_CODE_LENGTH]
    if len(code) < 2:
        code = "".join(words).upper()[:_CODE_LENGTH] or "DV"
    if len(code) < 2:
        code = f"DV{code}"
    candidate, n = code, 2
    while candidate in taken:
        candidate, n = f"{code}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _is_abbreviated(name: str) -> bool:
    """Whether a name carries an abbreviation in capitals ("Sở KH&CN", "UBND tỉnh")."""
    return any(word.isupper() and len(word) > 1 for word in re.findall(r"[A-Za-z]+", _ascii(normalize_text(name))))


def create_units_from_names(names: Iterable[str]) -> list[Unit]:
    """A new unit for each name the directory does not know, with a generated code (editable later in
    Admin › Đơn vị); names already known, collectives ("các đơn vị có liên quan") and repeats are left out.
    A name abbreviated ("Sở KH&CN") to the code of a name spelled out among the same names ("Sở Khoa học và
    Công nghệ") is one unit written two ways: it becomes that unit's alias, not a second unit.
    Flushes, the caller commits."""
    units = list(db.session.scalars(select(Unit).options(selectinload(Unit.aliases))))
    known = {u.folded_name for u in units} | {a.folded_alias for u in units for a in u.aliases}
    taken = {u.code.upper() for u in units}
    wanted: list[str] = []
    for written in names:
        name = normalize_text(written)
        folded = fold_name(name)
        if not folded or folded in known or collective_kind(name) is not None or len(name) > _NAME_LENGTH:
            continue
        known.add(folded)
        wanted.append(name)
    spelled_out: dict[str, str] = {}
    for name in wanted:
        if not _is_abbreviated(name):
            spelled_out.setdefault(unit_code(name, set()), name)
    alias_of = {name: spelled_out[code] for name in wanted if _is_abbreviated(name)
                and (code := unit_code(name, set())) in spelled_out}
    created: dict[str, Unit] = {}
    for name in wanted:
        if name not in alias_of:
            created[name] = Unit(code=unit_code(name, taken), name=name, folded_name=fold_name(name))
            db.session.add(created[name])
    for alias, name in alias_of.items():
        created[name].aliases.append(UnitAlias(alias=alias, folded_alias=fold_name(alias)))
    db.session.flush()
    return list(created.values())
