"""KPI figures as files: the .xlsx/.csv template to fill in (columns from the plan's indicator definition),
reading a filled one (all rows or none, errors by row and column), and the .xlsx export of figures and attainment."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from .containers import ContainerRefused, check_container
from .figures import FiguresRefused, UnitKpi, figures_definition, keep_reports, refuse_report_day
from .models import Plan, Unit, User
from .rules.dates import parse_day
from .rules.indicators import SCHEME_1872, Definition, check_figures
from .rules.kpi import FIELD_LABELS, FIELDS, STATUS_LABELS, InconsistentFigures, round_percent
from .spreadsheets import as_share, saved
from .units import UnitDirectory

COLUMNS = ("unit", "as_of", *FIELDS)  # Decision 1872's template
COLUMN_LABELS = {"unit": "Đơn vị (mã hoặc tên)", "as_of": "Tính đến ngày (YYYY-MM-DD hoặc dd/mm/yyyy)", **FIELD_LABELS}
BUILT_IN = Definition(SCHEME_1872, ())


def columns_of(definition: Definition) -> tuple[str, ...]:
    """The template's column names: the unit, the date, then each figure's key."""
    return ("unit", "as_of", *definition.keys)


def column_labels(definition: Definition) -> dict[str, str]:
    """What each column holds, as row 2 of the template says it."""
    labels = {"unit": COLUMN_LABELS["unit"], "as_of": COLUMN_LABELS["as_of"]}
    for figure in definition.fields:
        labels[figure.key] = f"{figure.label} (%)" if figure.kind == "percent" else figure.label
    return labels


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
    figures: dict[str, int | str]
    definition: Definition | None = None  # the definition the figures were checked under


def template_xlsx(units: list[Unit], definition: Definition = BUILT_IN) -> bytes:
    """A workbook with the column names on row 1, their meaning on row 2, and one row per unit to fill in."""
    columns, labels = columns_of(definition), column_labels(definition)
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = "So lieu"
    sheet.append(list(columns))
    sheet.append([labels[c] for c in columns])
    for unit in units:
        sheet.append([unit.code, None, *([None] * (len(columns) - 2))])
    for index in range(1, len(columns) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 22
    return saved(book)


def template_csv(units: list[Unit], definition: Definition = BUILT_IN) -> bytes:
    """The same template as CSV (UTF-8 with BOM so spreadsheet programs read the Vietnamese correctly)."""
    columns = columns_of(definition)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for unit in units:
        writer.writerow([unit.code, "", *([""] * (len(columns) - 2))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _rows_from_xlsx(data: bytes) -> list[list[object]]:
    try:
        check_container(data)  # a decompression bomb is refused before openpyxl unpacks it
    except ContainerRefused as exc:
        raise FiguresFileError(str(exc.message)) from exc
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise FiguresFileError(f"không đọc được tệp .xlsx ({exc}).") from exc
    except Exception as exc:  # zipfile.BadZipFile and friends: the file is not a workbook at all
        raise FiguresFileError("tệp không phải là bảng tính .xlsx.") from exc
    rows: list[list[object]] = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
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
    try:
        return parse_day(text)
    except ValueError:
        raise FiguresFileError(f"ngày “{text}” không đúng dạng YYYY-MM-DD hoặc dd/mm/yyyy.", where) from None


def read_figures_file(
    data: bytes,
    filename: str,
    directory: UnitDirectory,
    units_by_code: dict[str, Unit],
    definition: Definition = BUILT_IN,
) -> list[FiguresRow]:
    """Every filled-in row of a template for the definition; the first bad row or cell rejects the whole file."""
    columns = columns_of(definition)
    rows = _rows_from_xlsx(data) if filename.lower().endswith(".xlsx") else _rows_from_csv(data)
    if not rows:
        raise FiguresFileError("tệp rỗng.")
    header = [str(c or "").strip() for c in rows[0]]
    missing = [c for c in columns if c not in header]
    if missing:
        raise FiguresFileError(
            f"thiếu cột: {', '.join(missing)} (hàng 1 phải là tên cột như trong tệp mẫu của kế hoạch đã chọn).",
            "hàng 1",
        )
    position = {c: header.index(c) for c in columns}
    result: list[FiguresRow] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {c: (row[i] if i < len(row) else None) for c, i in position.items()}
        if number == 2 and str(cells["unit"] or "").startswith(COLUMN_LABELS["unit"][:6]):
            continue  # the template's row of explanations
        if all(cells[c] in (None, "") for c in columns if c != "unit"):
            continue  # a unit left blank in the template: nothing to report
        where = f"hàng {number}"
        unit_text = str(cells["unit"] or "").strip()
        unit = units_by_code.get(unit_text.upper()) or directory.find(unit_text)
        if unit is None:
            raise FiguresFileError(
                f"không có đơn vị “{unit_text}”.", f"{where}, cột {_column_letter(position['unit'])}"
            )
        as_of = _as_of(cells["as_of"], f"{where}, cột {_column_letter(position['as_of'])}")
        try:
            figures = check_figures(definition, {key: cells[key] for key in columns[2:]})
        except InconsistentFigures as exc:
            first = exc.conflicts[0].figures[0]
            raise FiguresFileError(str(exc), f"{where}, cột {_column_letter(position[first])}") from exc
        result.append(FiguresRow(number, unit, as_of, figures, definition))
    if not result:
        raise FiguresFileError("tệp không có hàng số liệu nào được điền.")
    return result


def import_rows(
    rows: list[FiguresRow],
    *,
    today: date,
    now: datetime,
    reporter: User,
    plan: Plan | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Record every row under the plan's definition (flushes; the caller commits or, on error, rolls back all);
    `progress(done, total)`, when given, is told how many rows are checked, then all of them once kept.

    Every row is checked first, as record_figures checks one, and the first refused names its row and column;
    then all are kept at once (a later row for the same unit and date supersedes the earlier, as one by one)."""
    checked: list[tuple[int, date, dict[str, int | str]]] = []
    plan_id, definition = None, BUILT_IN
    total = len(rows)
    for index, row in enumerate(rows):
        if progress is not None and index % 500 == 0:
            progress(index, total)
        try:
            refuse_report_day(row.as_of, today)
            if index == 0:
                plan_id, definition = figures_definition(plan)
            # Figures read under this very definition were checked then: not again (half the import's time).
            same = row.definition is definition or row.definition == definition
            checked.append((row.unit.id, row.as_of, row.figures if same else check_figures(definition, row.figures)))
        except (InconsistentFigures, FiguresRefused) as exc:
            column = _column_letter(1)  # the date column (a future date)
            if isinstance(exc, InconsistentFigures):
                column = _column_letter(2 + list(row.figures).index(exc.conflicts[0].figures[0]))
            raise FiguresFileError(f"{row.unit.name}: {exc}", f"hàng {row.row}, cột {column}") from exc
    keep_reports(checked, plan_id=plan_id, now=now, reporter=reporter, source="file")
    if progress is not None:
        progress(total, total)
    return len(rows)


def _stored(value: object) -> object:
    """A stored figure as a cell: a count as a number, a reported percentage as a number too."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _export_sheet(book: Workbook, title: str, standings: list[UnitKpi]) -> None:
    """One sheet of the export: standings sharing one definition (so one set of columns)."""
    definition = standings[0].definition or BUILT_IN
    fields = definition.fields
    sheet = book.create_sheet(title)
    header = ["Kế hoạch", "Nhóm", "Đơn vị", "Tính đến ngày", *[f.label for f in fields]]
    percent_columns: set[int] = set()
    for result in standings[0].results:
        number, counted = result.indicator.number, result.ratio is not None and result.ratio.kind == "count"
        counted = counted or (definition.scheme != SCHEME_1872 and result.indicator.kind == "count")
        if counted:
            header += [f"Số liệu ({number})", f"Chỉ tiêu ({number})", f"Đánh giá ({number})", f"Thiếu ({number})"]
        else:
            percent_columns.update((len(header) + 1, len(header) + 2))
            header += [f"Tỷ lệ ({number})", f"Chỉ tiêu ({number})", f"Đánh giá ({number})", f"Thiếu ({number}), điểm %"]
    sheet.append(header)
    for standing in standings:
        figures = standing.latest.figures if standing.latest else {}
        row: list[object] = [
            standing.plan.number,
            standing.group.name,
            standing.unit.name,
            standing.latest.as_of if standing.latest else None,
            *[_stored(figures.get(f.key)) for f in fields],
        ]
        for result in standing.results:
            counted = definition.scheme != SCHEME_1872 and result.indicator.kind == "count"
            required, gap = result.attainment.required, result.attainment.gap_points
            if counted:
                value = result.ratio.value if result.ratio else None
                row += [
                    float(value) if value is not None else None,
                    float(required) if required is not None else None,
                    STATUS_LABELS[result.attainment.status],
                    float(gap) if gap is not None else None,
                ]
                continue
            percent = round_percent(result.ratio.value) if result.ratio else None
            row += [
                as_share(percent),
                as_share(required),
                STATUS_LABELS[result.attainment.status],
                round_percent(gap / 100) if gap is not None else None,
            ]
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        cells[3].number_format = "DD/MM/YYYY"
        for cell in cells:
            if cell.column in percent_columns and isinstance(cell.value, (float, Decimal)):
                cell.number_format = "0.0%"


def export_xlsx(standings: list[UnitKpi]) -> bytes:
    """Figures and attainment: one row per unit and plan, counts as numbers, ratios as percentages; the
    plans under Decision 1872's definition on the first sheet, each plan with its own indicators on its own."""
    book = Workbook()
    book.remove(book.worksheets[0])  # the new workbook's empty sheet
    built_in = [s for s in standings if s.plan.kpi_scheme == SCHEME_1872]
    own: dict[int, list[UnitKpi]] = {}
    for standing in standings:
        if standing.plan.kpi_scheme != SCHEME_1872:
            own.setdefault(standing.plan.id, []).append(standing)
    if built_in or not own:
        if built_in:
            _export_sheet(book, "So lieu va muc dat", built_in)
        else:
            book.create_sheet("So lieu va muc dat").append(["Kế hoạch", "Nhóm", "Đơn vị", "Tính đến ngày"])
    for plan_id, rows in own.items():
        title = "".join(c if c.isalnum() else "-" for c in rows[0].plan.number)[:24]
        _export_sheet(book, f"{title}-{plan_id}"[:31], rows)
    return saved(book)
