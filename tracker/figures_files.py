"""KPI figures as files: the .xlsx/.csv template to fill in, reading a filled one (all rows or none),
and the .xlsx export of figures and attainment."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .figures import UnitKpi, counts_of, record_figures
from .models import Unit, User
from .rules.kpi import FIELD_LABELS, FIELDS, STATUS_LABELS, Counts, InconsistentFigures, round_percent
from .units import UnitDirectory

COLUMNS = ("unit", "as_of", *FIELDS)
COLUMN_LABELS = {"unit": "Đơn vị (mã hoặc tên)", "as_of": "Tính đến ngày (YYYY-MM-DD hoặc dd/mm/yyyy)", **FIELD_LABELS}


class FiguresFileError(Exception):
    """The file cannot be taken; `where` names the row and column at fault. Nothing is stored."""

    def __init__(self, message: str, where: str | None = None):
        self.message, self.where = message, where
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class FiguresRow:
    row: int
    unit: Unit
    as_of: date
    counts: Counts


def _safe(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula is written as plain text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def template_xlsx(units: list[Unit]) -> bytes:
    """A workbook with the column names on row 1, their meaning on row 2, and one row per unit to fill in."""
    book = Workbook()
    sheet = book.active
    sheet.title = "So lieu"
    sheet.append(list(COLUMNS))
    sheet.append([COLUMN_LABELS[c] for c in COLUMNS])
    for unit in units:
        sheet.append([_safe(unit.code), None, *([None] * len(FIELDS))])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv(units: list[Unit]) -> bytes:
    """The same template as CSV (UTF-8 with BOM so spreadsheet programs read the Vietnamese correctly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for unit in units:
        writer.writerow([unit.code, "", *([""] * len(FIELDS))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _rows_from_xlsx(data: bytes) -> list[list[object]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise FiguresFileError(f"không đọc được tệp .xlsx ({exc}).") from exc
    except Exception as exc:  # zipfile.BadZipFile and friends: the file is not a workbook at all
        raise FiguresFileError("tệp không phải là bảng tính .xlsx.") from exc
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows


def _rows_from_csv(data: bytes) -> list[list[object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FiguresFileError("tệp .csv phải được lưu với mã UTF-8.") from exc
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _as_of(value: object, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    raise FiguresFileError(f"ngày “{text}” không đúng dạng YYYY-MM-DD hoặc dd/mm/yyyy.", where)


def read_figures_file(data: bytes, filename: str, directory: UnitDirectory, units_by_code: dict[str, Unit]) -> list[FiguresRow]:
    """Every filled-in row of a template; the first bad row or cell rejects the whole file."""
    rows = _rows_from_xlsx(data) if filename.lower().endswith(".xlsx") else _rows_from_csv(data)
    if not rows:
        raise FiguresFileError("tệp rỗng.")
    header = [str(c or "").strip() for c in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise FiguresFileError(f"thiếu cột: {', '.join(missing)} (hàng 1 phải là tên cột như trong tệp mẫu).",
                               "hàng 1")
    position = {c: header.index(c) for c in COLUMNS}
    result: list[FiguresRow] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {c: (row[i] if i < len(row) else None) for c, i in position.items()}
        if number == 2 and str(cells["unit"] or "").startswith(COLUMN_LABELS["unit"][:6]):
            continue  # the template's row of explanations
        if all(cells[c] in (None, "") for c in COLUMNS if c != "unit"):
            continue  # a unit left blank in the template: nothing to report
        where = f"hàng {number}"
        unit_text = str(cells["unit"] or "").strip()
        unit = units_by_code.get(unit_text.upper()) or directory.find(unit_text)
        if unit is None:
            raise FiguresFileError(f"không có đơn vị “{unit_text}”.", f"{where}, cột {_column_letter(position['unit'])}")
        as_of = _as_of(cells["as_of"], f"{where}, cột {_column_letter(position['as_of'])}")
        try:
            counts = Counts.from_mapping({name: cells[name] for name in FIELDS})
        except InconsistentFigures as exc:
            first = exc.conflicts[0].figures[0]
            raise FiguresFileError(str(exc), f"{where}, cột {_column_letter(position[first])}") from exc
        result.append(FiguresRow(number, unit, as_of, counts))
    if not result:
        raise FiguresFileError("tệp không có hàng số liệu nào được điền.")
    return result


def import_rows(rows: list[FiguresRow], *, today: date, now: datetime, reporter: User) -> int:
    """Record every row (flushes; the caller commits or, on error, rolls back all of them)."""
    from .figures import FiguresRefused

    for row in rows:
        try:
            record_figures(row.unit, row.counts, as_of=row.as_of, today=today, now=now, reporter=reporter,
                           source="file")
        except (InconsistentFigures, FiguresRefused) as exc:
            column = "?"
            if isinstance(exc, InconsistentFigures):
                column = _column_letter(COLUMNS.index(exc.conflicts[0].figures[0]))
            raise FiguresFileError(f"{row.unit.name}: {exc}", f"hàng {row.row}, cột {column}") from exc
    return len(rows)


def export_xlsx(standings: list[UnitKpi]) -> bytes:
    """Figures and attainment: one row per unit and plan, counts as numbers, ratios as percentages."""
    book = Workbook()
    sheet = book.active
    sheet.title = "So lieu va muc dat"
    header = ["Kế hoạch", "Nhóm", "Đơn vị", "Tính đến ngày", *[FIELD_LABELS[f] for f in FIELDS]]
    for number in (1, 2, 3):
        header += [f"Tỷ lệ ({number})", f"Chỉ tiêu ({number})", f"Đánh giá ({number})", f"Thiếu ({number}), điểm %"]
    sheet.append(header)
    for standing in standings:
        counts = counts_of(standing.latest) if standing.latest else None
        row: list[object] = [standing.plan.number, standing.group.name, _safe(standing.unit.name),
                             standing.latest.as_of if standing.latest else None,
                             *([getattr(counts, f) for f in FIELDS] if counts else [None] * len(FIELDS))]
        for result in standing.results:
            percent = round_percent(result.ratio.value) if result.ratio else None
            required = result.attainment.required
            gap = result.attainment.gap_points
            row += [float(percent) / 100 if percent is not None else None,
                    float(required) / 100 if required is not None else None,
                    STATUS_LABELS[result.attainment.status],
                    float(round_percent(gap / 100)) if gap is not None else None]
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        row[3].number_format = "DD/MM/YYYY"
        for cell in row[4 + len(FIELDS):]:
            if isinstance(cell.value, float) and cell.column_letter and sheet.cell(1, cell.column).value.startswith(("Tỷ lệ", "Chỉ tiêu")):
                cell.number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
