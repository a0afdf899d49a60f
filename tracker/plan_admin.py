"""What an admin fixes by hand around an import: deadlines the grammar could not read, names the unit
directory did not know (mapped to a unit and remembered as an alias, or created as new units), and
collectives that name no unit ("UBND cấp huyện") mapped to several units or to every unit of a level."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import (
    ActionItem,
    Assignment,
    CollectiveMapping,
    ItemEvent,
    ItemUnit,
    PlanSection,
    Unit,
    UnitAlias,
    UnitGroup,
    UnitGroupMember,
)
from .rules.deadlines import YEARLY
from .rules.lifecycle import occurrence_due, occurrence_years
from .rules.names import APPENDIX1, UNSPECIFIED, collective_kind, fold_name, normalize_text


class AdminFixError(Exception):
    """The fix cannot be made; the message says why, in Vietnamese."""


def items_needing_a_date() -> list[ActionItem]:
    """Items whose deadline text could not be read and that nobody has dated by hand yet."""
    return list(
        db.session.scalars(
            select(ActionItem)
            .where(ActionItem.is_deadline_parsed.is_(False), ActionItem.is_due_set_by_hand.is_(False))
            .order_by(ActionItem.plan_id, ActionItem.position)
            .options(selectinload(ActionItem.section).selectinload(PlanSection.plan))
        )
    )


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
    rows = db.session.scalars(
        select(ItemUnit)
        .where(ItemUnit.kind == "unknown")
        .options(selectinload(ItemUnit.item).selectinload(ActionItem.section))
    )
    for row in rows:
        entry = found.setdefault(fold_name(row.written), UnknownName(row.written))
        if row.item not in entry.items:
            entry.items.append(row.item)
    members = db.session.scalars(
        select(UnitGroupMember).where(UnitGroupMember.unit_id.is_(None)).options(selectinload(UnitGroupMember.group))
    )
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
    rows = list(
        db.session.scalars(
            select(ItemUnit)
            .where(ItemUnit.kind == "unknown")
            .options(
                selectinload(ItemUnit.item).selectinload(ActionItem.assignments),
                selectinload(ItemUnit.item).selectinload(ActionItem.section).selectinload(PlanSection.plan),
            )
        )
    )
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


@dataclass
class Collective:
    """A collective named on items ("UBND cấp huyện"), where, and what an admin mapped it to (None: not yet)."""

    written: str
    items: list[ActionItem] = field(default_factory=list)
    mapping: CollectiveMapping | None = None
    units: list[Unit] = field(default_factory=list)  # what the mapping stands for now


def collectives() -> list[Collective]:
    """Every collective an admin mapped, and each unspecified one named on items and not mapped yet."""
    from .units import mapped_units

    mappings = list(db.session.scalars(select(CollectiveMapping).options(selectinload(CollectiveMapping.units))))
    active = list(db.session.scalars(select(Unit).where(Unit.is_active)))
    found = {m.folded_name: Collective(m.written, mapping=m, units=mapped_units(m, active)) for m in mappings}
    rows = db.session.scalars(
        select(ItemUnit)
        .where(ItemUnit.kind.in_((UNSPECIFIED, "collective")))
        .options(selectinload(ItemUnit.item).selectinload(ActionItem.section))
    )
    for row in rows:
        folded = fold_name(row.written)
        entry = found.get(folded)
        if entry is None and row.kind == UNSPECIFIED:
            entry = found[folded] = Collective(row.written)
        if entry is not None and row.item not in entry.items:
            entry.items.append(row.item)
    return sorted(found.values(), key=lambda c: (c.mapping is not None, fold_name(c.written)))


def unit_levels() -> list[str]:
    """The levels active units have ("Sở", "UBND cấp huyện" …), in order."""
    levels = db.session.scalars(select(Unit.level).where(Unit.is_active, Unit.level != "").distinct())
    return sorted(levels, key=fold_name)


def map_collective(written: str, units: list[Unit], level: str, *, actor_id: int | None, now: datetime) -> int:
    """Map a collective to the units listed and/or every active unit of `level` (nothing: unmapped), and
    apply it to every item naming it: one row per unit and, for a lead, one assignment per unit (per year
    for a yearly item); units no longer meant keep their assignments, made inactive. Future imports read
    the mapping (UnitDirectory). Returns the number of items changed. Flushes, the caller commits."""
    from .units import mapped_units

    name = normalize_text(written)
    folded = fold_name(name)
    if not folded or collective_kind(name) is None:
        raise AdminFixError(f"“{name}” không phải tên chung của nhiều đơn vị; hãy ghi nhận nó là một đơn vị.")
    level = normalize_text(level)
    if level and level not in unit_levels():
        raise AdminFixError(f"Không có đơn vị nào đang hoạt động ở cấp “{level}”.")
    mapping = db.session.scalar(select(CollectiveMapping).where(CollectiveMapping.folded_name == folded))
    if not units and not level:
        if mapping is not None:
            db.session.delete(mapping)
        wanted: list[Unit] = []
    else:
        if mapping is None:
            mapping = CollectiveMapping(written=name, folded_name=folded)
            db.session.add(mapping)
        mapping.units, mapping.level = list(units), level
        active = list(db.session.scalars(select(Unit).where(Unit.is_active)))
        wanted = mapped_units(mapping, active)
    db.session.flush()
    return _apply_collective(folded, wanted, actor_id=actor_id, now=now)


def _apply_collective(folded: str, wanted: list[Unit], *, actor_id: int | None, now: datetime) -> int:
    # In a plan with Appendix 1 groups, "các cơ quan … Phụ lục 1" already stands for those groups' units.
    with_appendix1 = set(db.session.scalars(select(UnitGroup.plan_id).distinct()))

    def meant(row: ItemUnit) -> bool:
        return (
            row.kind in (UNSPECIFIED, "collective")
            and fold_name(row.written) == folded
            and not (row.item.plan_id in with_appendix1 and collective_kind(row.written) == APPENDIX1)
        )

    item_ids = {
        row.item_id
        for row in db.session.scalars(select(ItemUnit).where(ItemUnit.kind.in_((UNSPECIFIED, "collective"))))
        if fold_name(row.written) == folded
    }
    items = db.session.scalars(
        select(ActionItem)
        .where(ActionItem.id.in_(item_ids))
        .options(
            selectinload(ActionItem.units).selectinload(ItemUnit.unit),
            selectinload(ActionItem.assignments),
            selectinload(ActionItem.section).selectinload(PlanSection.plan),
        )
    )
    changed = 0
    for item in items:
        before = [(r.role, r.written, r.kind, r.unit) for r in item.units]
        after: list[tuple[str, str, str, Unit | None]] = []
        done: set[str] = set()
        dropped: set[int] = set()
        for row in item.units:
            if not meant(row):
                after.append((row.role, row.written, row.kind, row.unit))
                continue
            if row.role == "lead" and row.unit_id is not None:
                dropped.add(row.unit_id)
            if row.role not in done:
                done.add(row.role)
                after.extend(
                    [(row.role, row.written, "collective", u) for u in wanted]
                    or [(row.role, row.written, UNSPECIFIED, None)]
                )
        if [(r, w, k, u.id if u else None) for r, w, k, u in after] == [
            (r, w, k, u.id if u else None) for r, w, k, u in before
        ]:
            continue
        changed += 1
        item.units[:] = [
            ItemUnit(role=r, position=p, written=w, kind=k, unit_id=u.id if u else None)
            for p, (r, w, k, u) in enumerate(after)
        ]
        leads = {u.id: u for r, _w, _k, u in after if r == "lead" and u is not None}
        if item.cancelled_on is None:
            for unit in leads.values():
                _ensure_assignments(item, unit, now)
        for assignment in item.assignments:
            if assignment.unit_id in dropped and assignment.unit_id not in leads:
                assignment.is_active = False
        db.session.add(
            ItemEvent(
                item_id=item.id,
                actor_id=actor_id,
                at=now,
                kind="changed",
                changes=[
                    {"field": word, "old": _units_in_words(before, role), "new": _units_in_words(after, role)}
                    for role, word in (("lead", "đơn vị chủ trì"), ("coordinating", "đơn vị phối hợp"))
                    if _units_in_words(before, role) != _units_in_words(after, role)
                ],
                reason="Gắn tên chung với các đơn vị trong danh mục",
            )
        )
    db.session.flush()
    return changed


def _units_in_words(rows: list[tuple[str, str, str, Unit | None]], role: str) -> str:
    """One role's units as a reader says them: "UBND cấp huyện (UBND huyện A, UBND huyện B); Sở X"."""
    parts: list[tuple[str, list[str]]] = []
    for r, written, kind, unit in rows:
        if r != role:
            continue
        if kind == "collective" and parts and parts[-1][0] == written:
            parts[-1][1].extend([unit.name] if unit is not None else [])
        elif kind == "collective":
            parts.append((written, [unit.name] if unit is not None else []))
        else:
            parts.append((unit.name if unit is not None else written, []))
    return "; ".join(f"{w} ({', '.join(names)})" if names else w for w, names in parts)


def group_members_by_plan(unit: Unit) -> dict[int, UnitGroupMember]:
    """The unit's Appendix 1 group membership in each plan."""
    members = db.session.scalars(
        select(UnitGroupMember).where(UnitGroupMember.unit_id == unit.id).options(selectinload(UnitGroupMember.group))
    )
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
    alias_of = {
        name: spelled_out[code]
        for name in wanted
        if _is_abbreviated(name) and (code := unit_code(name, set())) in spelled_out
    }
    created: dict[str, Unit] = {}
    for name in wanted:
        if name not in alias_of:
            created[name] = Unit(code=unit_code(name, taken), name=name, folded_name=fold_name(name))
            db.session.add(created[name])
    for alias, name in alias_of.items():
        created[name].aliases.append(UnitAlias(alias=alias, folded_alias=fold_name(alias)))
    db.session.flush()
    return list(created.values())
