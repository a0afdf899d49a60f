"""The unit directory: loading it from a seed file and finding a unit by any name it goes by."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import CollectiveMapping, Unit, UnitAlias
from .rules.names import fold_name, normalize_text, unit_lookup_key
from .rules.texts import joined, t


class UnitDirectoryError(Exception):
    """The unit file is malformed; the message names the entry at fault."""


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def load_units(path: Path) -> LoadReport:
    """Create or update units (matched by code) from a JSON directory file; flushes, the caller commits."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["units"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UnitDirectoryError(
            t("không đọc được danh mục đơn vị %(path)s: %(problem)s", path=str(path), problem=str(exc))
        ) from exc
    report = LoadReport()
    existing = {u.code: u for u in db.session.scalars(select(Unit).options(selectinload(Unit.aliases)))}
    # Names already held in the database (an admin may have mapped aliases) count as claimed too.
    claimed = {a.folded_alias: u.code for u in existing.values() for a in u.aliases}
    claimed.update({u.folded_name: u.code for u in existing.values()})
    seen_names: dict[str, str] = {}
    for index, entry in enumerate(entries, start=1):
        try:
            code, name = normalize_text(entry["code"]), normalize_text(entry["name"])
        except (KeyError, TypeError) as exc:
            raise UnitDirectoryError(t("đơn vị thứ %(index)s: thiếu “code” hoặc “name”.", index=index)) from exc
        names = [name, *(normalize_text(a) for a in entry.get("aliases", []))]
        for other in names:
            owner = seen_names.setdefault(fold_name(other), code)
            if owner == code:
                owner = claimed.get(fold_name(other), code)
            if owner != code:
                raise UnitDirectoryError(
                    t("đơn vị %(code)s: tên “%(name)s” trùng với đơn vị %(owner)s.", code=code, name=other, owner=owner)
                )
        unit = existing.get(code)
        values = {
            "name": name,
            "folded_name": fold_name(name),
            "head_email": entry.get("head_email"),
            "focal_email": entry.get("focal_email"),
        }
        if unit is None:
            unit = Unit(code=code, **values)
            db.session.add(unit)
            report.created.append(code)
        else:
            changed = any(getattr(unit, k) != v for k, v in values.items())
            for key, value in values.items():
                setattr(unit, key, value)
            if changed:
                report.updated.append(code)
        wanted = {fold_name(a): a for a in names[1:] if fold_name(a) != fold_name(name)}
        current = {a.folded_alias: a for a in unit.aliases}
        # Aliases added by an admin's mapping are kept: the file only adds its own.
        missing = {folded: alias for folded, alias in wanted.items() if folded not in current}
        for folded, alias in missing.items():
            unit.aliases.append(UnitAlias(alias=alias, folded_alias=folded))
        if missing and code not in report.created and code not in report.updated:
            report.updated.append(code)
    db.session.flush()
    return report


class UnitDirectory:
    """Every unit by its folded name and aliases, and the collectives an admin mapped to units, loaded once
    for an import."""

    def __init__(self, units: list[Unit], mappings: Sequence[CollectiveMapping] = ()) -> None:
        self._by_name: dict[str, Unit] = {}
        for unit in units:
            self._by_name[unit.folded_name] = unit
            for alias in unit.aliases:
                self._by_name[alias.folded_alias] = unit
        self._collectives = {m.folded_name: mapped_units(m, units) for m in mappings}

    @classmethod
    def from_database(cls) -> UnitDirectory:
        query = select(Unit).where(Unit.is_active).options(selectinload(Unit.aliases))
        mappings = select(CollectiveMapping).options(selectinload(CollectiveMapping.units))
        return cls(list(db.session.scalars(query)), list(db.session.scalars(mappings)))

    def collective_units(self, name: str) -> list[Unit]:
        """The active units an admin mapped a collective ("UBND cấp huyện") to, by name; [] when not mapped."""
        return self._collectives.get(fold_name(name), [])

    def find(self, name: str) -> Unit | None:
        """The unit a written name stands for; a trailing note ("Bộ Công an (Trung tâm Dữ liệu quốc gia)")
        is part of what was written, not of the unit's name."""
        return self._by_name.get(fold_name(name)) or self._by_name.get(unit_lookup_key(name))


def mapped_units(mapping: CollectiveMapping, active_units: list[Unit]) -> list[Unit]:
    """The units a collective stands for: those listed and, with a level, every active unit of that level;
    active ones only, by name (the order its item's rows take)."""
    chosen = {u.id: u for u in mapping.units if u.is_active}
    if mapping.level:
        chosen.update({u.id: u for u in active_units if u.level == mapping.level})
    return sorted(chosen.values(), key=lambda u: (u.name, u.id))


EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class UnitChanges:
    code: str
    name: str
    aliases: list[str]
    head_email: str
    focal_email: str
    is_active: bool = True
    level: str | None = None  # None keeps the unit's level
    groups: dict[int, int | None] = field(default_factory=dict)  # plan id -> group id (None: in no group)


class UnitInvalid(Exception):
    """The unit cannot be saved; `problems` maps each field to what to fix (Vietnamese)."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(joined(*problems.values(), sep=" "))


def save_unit(unit: Unit | None, changes: UnitChanges) -> Unit:
    """Create or update a unit (names and aliases unique after folding, addresses well formed, one group
    per plan); flushes, the caller commits. Raises UnitInvalid naming every problem."""
    problems: dict[str, str] = {}
    code, name = normalize_text(changes.code).upper(), normalize_text(changes.name)
    if not re.fullmatch(r"[A-Z0-9_.-]{2,40}", code):
        problems["code"] = t("Mã đơn vị gồm 2–40 chữ cái không dấu, chữ số, “-”, “_” hoặc “.” (ví dụ VPC).")
    if not name:
        problems["name"] = t("Hãy nhập tên đơn vị.")
    for key in ("head_email", "focal_email"):
        value = getattr(changes, key).strip()
        if value and not EMAIL_SHAPE.match(value):
            problems[key] = t("Địa chỉ thư điện tử “%(email)s” không hợp lệ.", email=value)
    others = [u for u in db.session.scalars(select(Unit).options(selectinload(Unit.aliases))) if u is not unit]
    if any(u.code == code for u in others):
        problems["code"] = t("Mã %(code)s đã dùng cho đơn vị khác.", code=code)
    taken = {u.folded_name: u.name for u in others} | {a.folded_alias: u.name for u in others for a in u.aliases}
    for written in [name, *changes.aliases]:
        owner = taken.get(fold_name(written))
        if written and owner:
            field_name = "name" if written == name else "aliases"
            problems[field_name] = t("Tên “%(name)s” đã là tên hoặc tên khác của %(owner)s.", name=written, owner=owner)
    if changes.level is not None and len(normalize_text(changes.level)) > 80:
        problems["level"] = t("Cấp của đơn vị dài tối đa 80 ký tự.")
    if problems:
        raise UnitInvalid(problems)
    if unit is None:
        unit = Unit(code=code, name=name, folded_name=fold_name(name))
        db.session.add(unit)
    unit.code, unit.name, unit.folded_name = code, name, fold_name(name)
    unit.head_email = changes.head_email.strip().lower() or None
    unit.focal_email = changes.focal_email.strip().lower() or None
    unit.is_active = changes.is_active
    if changes.level is not None:
        unit.level = normalize_text(changes.level)
    wanted = {
        fold_name(a): normalize_text(a) for a in changes.aliases if a.strip() and fold_name(a) != unit.folded_name
    }
    unit.aliases[:] = [a for a in unit.aliases if a.folded_alias in wanted]
    present = {a.folded_alias for a in unit.aliases}
    unit.aliases.extend(
        UnitAlias(alias=text, folded_alias=folded) for folded, text in wanted.items() if folded not in present
    )
    db.session.flush()
    _set_groups(unit, changes.groups)
    db.session.flush()
    return unit


def _set_groups(unit: Unit, groups: dict[int, int | None]) -> None:
    """Move the unit into the chosen group of each plan (or out of the plan's groups)."""
    from .models import UnitGroup, UnitGroupMember

    for plan_id, group_id in groups.items():
        current = db.session.scalars(
            select(UnitGroupMember)
            .join(UnitGroup)
            .where(UnitGroup.plan_id == plan_id, UnitGroupMember.unit_id == unit.id)
        ).all()
        if group_id is not None and any(m.group_id == group_id for m in current):
            continue
        for member in current:
            db.session.delete(member)
        if group_id is not None:
            group = db.session.get(UnitGroup, group_id)
            if group is None or group.plan_id != plan_id:
                raise UnitInvalid({"groups": t("Nhóm đã chọn không thuộc kế hoạch này.")})
            group.members.append(UnitGroupMember(position=len(group.members), written=unit.name, unit_id=unit.id))
