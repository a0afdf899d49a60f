"""The unit directory: loading it from a seed file and finding a unit by any name it goes by."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Unit, UnitAlias
from .rules.names import fold_name, normalize_text


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
        raise UnitDirectoryError(f"không đọc được danh mục đơn vị {path}: {exc}") from exc
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
            raise UnitDirectoryError(f"đơn vị thứ {index}: thiếu “code” hoặc “name”.") from exc
        names = [name, *(normalize_text(a) for a in entry.get("aliases", []))]
        for other in names:
            owner = seen_names.setdefault(fold_name(other), code)
            if owner == code:
                owner = claimed.get(fold_name(other), code)
            if owner != code:
                raise UnitDirectoryError(f"đơn vị {code}: tên “{other}” trùng với đơn vị {owner}.")
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
    """Every unit by its folded name and aliases, loaded once for an import."""

    def __init__(self, units: list[Unit]):
        self._by_name: dict[str, Unit] = {}
        for unit in units:
            self._by_name[unit.folded_name] = unit
            for alias in unit.aliases:
                self._by_name[alias.folded_alias] = unit

    @classmethod
    def from_database(cls) -> UnitDirectory:
        query = select(Unit).where(Unit.is_active).options(selectinload(Unit.aliases))
        return cls(list(db.session.scalars(query)))

    def find(self, name: str) -> Unit | None:
        return self._by_name.get(fold_name(name))
