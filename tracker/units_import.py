"""Loading the unit directory from an .xlsx or .csv file: every cell checked first (an error names its row and
column, and then nothing is saved), a preview of what will be created or updated, then the writes."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Unit, UnitAlias
from .plan_admin import unit_code
from .rules.names import fold_name, normalize_text
from .rules.texts import t
from .spreadsheets import saved
from .table_files import SUFFIXES, CellError, TableFileError, headings_for, read_table

# Loading units refuses a file the way any table file is refused.
UnitFileError = TableFileError
__all__ = [
    "SUFFIXES",
    "CellError",
    "UnitChange",
    "UnitFileError",
    "UnitRow",
    "load_unit_file",
    "plan_unit_file",
    "read_unit_file",
    "template_csv",
    "template_xlsx",
]
# The file's columns: field → the heading the template writes. Headings are matched folded, so case, marks
# placement and punctuation do not matter; the English field names are accepted too.
COLUMNS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "aliases": "Tên khác",
    "head_email": "Email trưởng đơn vị",
    "focal_email": "Email cán bộ đầu mối",
    "level": "Cấp",
}
_OTHER_HEADINGS = {
    "code": ("Mã", "Mã ĐV", "Ký hiệu"),
    "name": ("Tên", "Tên đầy đủ", "Đơn vị"),
    "aliases": ("Các tên khác", "Tên gọi khác", "Tên viết tắt", "Viết tắt"),
    "head_email": (
        "Thư điện tử của Thủ trưởng đơn vị",
        "Thư điện tử thủ trưởng",
        "Email thủ trưởng",
        "Email lãnh đạo",
        "Email trưởng",
    ),
    "focal_email": ("Thư điện tử của cán bộ đầu mối", "Thư điện tử đầu mối", "Email đầu mối"),
    "level": ("Cấp đơn vị", "Cấp hành chính", "Loại đơn vị"),
}
HEADINGS = headings_for(COLUMNS, _OTHER_HEADINGS)
# Levels the template offers; a file may name others, and a level already in the directory is reused as
# spelled there.
LEVELS = ("Sở", "Ban, ngành", "UBND cấp huyện", "UBND cấp xã", "Cục", "Vụ", "Tổng cục", "Đơn vị sự nghiệp")
CODE_RE = re.compile(r"[A-Z0-9_.-]{2,40}")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Aliases in one cell are separated by ";" or line breaks (a name may hold a comma: "Sở Văn hóa, Thể thao …").
_ALIAS_SPLIT_RE = re.compile(r"[;\n]+")
_ROWS_AT_MOST = 20_000
_NAME_LENGTH, _LEVEL_LENGTH, _EMAIL_LENGTH = 255, 80, 255


@dataclass
class UnitRow:
    """One unit as the file gives it; None for an empty cell (the unit keeps what it has)."""

    row: int
    name: str
    code: str | None = None
    aliases: list[str] = field(default_factory=list)
    head_email: str | None = None
    focal_email: str | None = None
    level: str | None = None


@dataclass
class UnitChange:
    """What loading one row does: create a unit, update one (each change in words), or nothing."""

    row: int
    code: str
    name: str
    action: str  # "create" | "update" | "same"
    changes: list[str] = field(default_factory=list)


def read_unit_file(data: bytes, filename: str) -> list[UnitRow]:
    """The units a file lists, every cell checked; UnitFileError naming each row and column at fault."""
    table = read_table(
        data,
        filename,
        headings=HEADINGS,
        max_rows=_ROWS_AT_MOST,
        what=t("đơn vị"),
        required={
            "name": t("thiếu cột “%(column)s” (tên đầy đủ của đơn vị, như trong văn bản).", column=COLUMNS["name"])
        },
    )
    columns = table.columns
    errors: list[CellError | str] = []
    rows: list[UnitRow] = []
    for number, raw in table.rows:

        def cell(key: str, raw: list[str] = raw) -> str:
            return table.cell(raw, key)

        def fail(key: str, message: str, number: int = number) -> None:
            errors.append(table.error(number, key, message))

        name = normalize_text(cell("name"))
        unit = UnitRow(row=number, name=name)
        if not name:
            fail("name", t("hãy ghi tên đơn vị."))
        elif len(name) > _NAME_LENGTH:
            fail("name", t("tên dài quá %(most)s ký tự.", most=_NAME_LENGTH))
        code = normalize_text(cell("code")).upper()
        if code and not CODE_RE.fullmatch(code):
            fail(
                "code",
                t(
                    "“%(code)s” không phải mã đơn vị: mã gồm 2–40 chữ cái không dấu, chữ số, “-”, “_” hoặc “.”.",
                    code=code,
                ),
            )
        unit.code = code or None
        for key in ("head_email", "focal_email"):
            value = normalize_text(cell(key)).lower()
            if value and (not EMAIL_RE.match(value) or len(value) > _EMAIL_LENGTH):
                fail(key, t("“%(email)s” không phải địa chỉ email.", email=value))
            setattr(unit, key, value or None)
        level = normalize_text(cell("level"))
        if len(level) > _LEVEL_LENGTH:
            fail("level", t("cấp dài quá %(most)s ký tự.", most=_LEVEL_LENGTH))
        unit.level = level or None
        aliases = [normalize_text(a) for a in _ALIAS_SPLIT_RE.split(cell("aliases").replace("\r", "\n"))]
        for alias in aliases:
            if len(alias) > _NAME_LENGTH:
                fail("aliases", t("tên khác “%(alias)s…” dài quá %(most)s ký tự.", alias=alias[:40], most=_NAME_LENGTH))
        unit.aliases = [a for a in aliases if a and fold_name(a) != fold_name(name)]
        rows.append(unit)
    _check_repeats(rows, columns, errors)
    if errors:
        raise UnitFileError(errors)
    return rows


def _check_repeats(rows: list[UnitRow], columns: dict[str, tuple[int, str]], errors: list) -> None:
    """A code, or a name or alias after folding, given to two rows of the file."""
    codes: dict[str, int] = {}
    names: dict[str, int] = {}
    for unit in rows:
        if unit.code:
            if unit.code in codes:
                errors.append(
                    CellError(
                        unit.row,
                        columns["code"][1],
                        t("mã %(code)s đã dùng ở dòng %(row)s.", code=unit.code, row=codes[unit.code]),
                    )
                )
            codes.setdefault(unit.code, unit.row)
        for key, written in [("name", unit.name), *(("aliases", a) for a in unit.aliases)]:
            folded = fold_name(written)
            if folded and names.get(folded, unit.row) != unit.row:
                errors.append(
                    CellError(
                        unit.row,
                        columns[key][1],
                        t("tên “%(name)s” đã có ở dòng %(row)s.", name=written, row=names[folded]),
                    )
                )
            if folded:
                names.setdefault(folded, unit.row)


def plan_unit_file(rows: list[UnitRow]) -> list[UnitChange]:
    """What loading the rows would do (nothing is written); UnitFileError when a row clashes with the
    directory: a code or name that belongs to another unit."""
    return _apply(rows, write=False)


def load_unit_file(rows: list[UnitRow]) -> list[UnitChange]:
    """Create or update the units (matched by code, else by name or alias); aliases in the file are added,
    those already recorded kept; an empty cell keeps the unit's value. Flushes, the caller commits."""
    return _apply(rows, write=True)


def _apply(rows: list[UnitRow], *, write: bool) -> list[UnitChange]:
    units = list(db.session.scalars(select(Unit).options(selectinload(Unit.aliases))))
    by_code = {u.code: u for u in units}
    by_name = {u.folded_name: u for u in units} | {a.folded_alias: u for u in units for a in u.aliases}
    levels = {fold_name(u.level): u.level for u in units if u.level} | {fold_name(lv): lv for lv in LEVELS}
    taken_codes = {u.code for u in units} | {r.code for r in rows if r.code}
    errors: list[CellError] = []
    changes: list[UnitChange] = []
    planned: list[tuple[UnitRow, Unit | None, str]] = []
    for row in rows:
        unit = by_code.get(row.code) if row.code else None
        named = by_name.get(fold_name(row.name))
        if unit is None:
            unit = named
        elif named is not None and named is not unit:
            errors.append(
                CellError(
                    row.row,
                    COLUMNS["name"],
                    t(
                        "tên “%(name)s” là tên của đơn vị %(other)s, không phải của đơn vị mã %(code)s.",
                        name=row.name,
                        other=named.code,
                        code=row.code,
                    ),
                )
            )
            continue
        for alias in row.aliases:
            owner = by_name.get(fold_name(alias))
            if owner is not None and owner is not unit:
                errors.append(
                    CellError(
                        row.row,
                        COLUMNS["aliases"],
                        t(
                            "tên “%(alias)s” đã là tên của đơn vị %(code)s (%(name)s).",
                            alias=alias,
                            code=owner.code,
                            name=owner.name,
                        ),
                    )
                )
        if unit is not None and row.code and row.code != unit.code and row.code in by_code:
            errors.append(CellError(row.row, COLUMNS["code"], t("mã %(code)s đã dùng cho đơn vị khác.", code=row.code)))
        code = row.code or (unit.code if unit is not None else unit_code(row.name, taken_codes))
        planned.append((row, unit, code))
    if errors:
        raise UnitFileError(errors)
    for row, unit, code in planned:
        level = levels.setdefault(fold_name(row.level), row.level) if row.level else None
        wanted = {
            "code": code,
            "name": row.name,
            "head_email": row.head_email,
            "focal_email": row.focal_email,
            "level": level,
        }
        if unit is None:
            changes.append(UnitChange(row.row, code, row.name, "create"))
            if write:
                unit = Unit(
                    code=code,
                    name=row.name,
                    folded_name=fold_name(row.name),
                    head_email=row.head_email,
                    focal_email=row.focal_email,
                    level=level or "",
                    is_active=True,
                )
                unit.aliases = [UnitAlias(alias=a, folded_alias=fold_name(a)) for a in _distinct(row.aliases)]
                db.session.add(unit)
            continue
        words = []
        for key, label in (
            ("code", "mã"),
            ("name", "tên"),
            ("head_email", "email trưởng đơn vị"),
            ("focal_email", "email cán bộ đầu mối"),
            ("level", "cấp"),
        ):
            new, old = wanted[key], getattr(unit, key)
            if new is not None and new != old:
                words.append(f"{label} “{old or '(trống)'}” → “{new}”")
                if write:
                    setattr(unit, key, new)
        present = {unit.folded_name, *(a.folded_alias for a in unit.aliases)}
        added = [a for a in _distinct(row.aliases) if fold_name(a) not in present]
        if added:
            words.append("thêm tên khác " + "; ".join(f"“{a}”" for a in added))
        if write:
            unit.folded_name = fold_name(unit.name)
            unit.aliases.extend(UnitAlias(alias=a, folded_alias=fold_name(a)) for a in added)
        changes.append(UnitChange(row.row, code, row.name, "update" if words else "same", words))
    if write:
        db.session.flush()
    return changes


def _distinct(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(fold_name(name), name)
    return list(seen.values())


def _safe(value: str) -> str:
    """A CSV cell a spreadsheet would run as a formula, quoted to be read as text (the .xlsx marks its cells
    as text instead)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _template_rows(units: list[Unit]) -> list[list[str]]:
    if units:
        return [
            [u.code, u.name, "; ".join(a.alias for a in u.aliases), u.head_email or "", u.focal_email or "", u.level]
            for u in units
        ]
    return [
        [
            "SVHTTDL",
            "Sở Văn hóa, Thể thao và Du lịch",
            "Sở VHTTDL",
            "giamdoc.svhttdl@example.org",
            "daumoi.svhttdl@example.org",
            "Sở",
        ],
        ["UBNDHCD", "UBND huyện Châu Đức", "UBND H. Châu Đức", "chutich.chauduc@example.org", "", "UBND cấp huyện"],
    ]


def template_xlsx(units: list[Unit]) -> bytes:
    """The directory as a workbook to fill in or correct: headings on row 1, one unit a row."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one sheet, active
    sheet.title = "Don vi"
    sheet.append(list(COLUMNS.values()))
    for values in _template_rows(units):
        sheet.append(values)
    for column, width in zip("ABCDEF", (14, 48, 36, 32, 32, 18)):
        sheet.column_dimensions[column].width = width
    return saved(book)


def template_csv(units: list[Unit]) -> bytes:
    """The same as CSV, UTF-8 with a BOM so Excel shows the Vietnamese letters."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS.values())
    writer.writerows([_safe(v) for v in values] for values in _template_rows(units))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
