"""Writing tables to .xlsx the same way everywhere: text always as text (never run as a formula, control
characters XML cannot carry left out), dates as dates shown dd/mm/yyyy, numbers with their format, a bold
header row that repeats on each printed page, landscape A4 one page wide."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from .rules.text_input import printable

DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0.0%"


def as_share(percent: Decimal | None) -> Decimal | None:
    """A percentage as the fraction a cell formatted 0.0% holds: 78.6 → 0.786 exactly (a float division
    would store 0.7859999999999999)."""
    return None if percent is None else Decimal(percent) / 100


def put(sheet, row: int, column: int, value: object) -> None:
    """A value in a cell: text always as text (a task reading "=1+1" is not a formula, Word's line break \x0b a
    line break), dates as dates."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, datetime):
        value = value.date()
    elif isinstance(value, str):
        value = printable(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT


def add_sheet(
    book: Workbook,
    title: str,
    headers: list[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    formats: dict[int, str] | None = None,
    bold_last: bool = False,
) -> Worksheet:
    """A sheet of the book: the headers in bold on row 1 (frozen, filtered, printed on every page), then the
    rows; `formats` gives a number format by column (from 1), `bold_last` bolds a totals row."""
    sheet = book.create_sheet(title)
    for column, header in enumerate(headers, start=1):
        put(sheet, 1, column, header)
        sheet.cell(row=1, column=column).font = Font(bold=True)
        sheet.cell(row=1, column=column).alignment = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            put(sheet, r, column, value)
            cell = sheet.cell(row=r, column=column)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if formats and column in formats and isinstance(value, (int, float, Decimal)):
                cell.number_format = formats[column]
            if bold_last and r == len(rows) + 1:
                cell.font = Font(bold=True)
    for column, (width, header) in enumerate(zip(widths, headers, strict=True), start=1):
        # Wide enough for the header on one line: LibreOffice does not grow a wrapped header row's height.
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = max(width, len(header) + 3)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    fit_on_a4(sheet)
    sheet.print_title_rows = "1:1"
    return sheet


def fit_on_a4(sheet) -> None:
    """Printed (or converted to PDF) landscape on A4, as wide as one page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


def saved(book: Any) -> bytes:
    """The workbook as .xlsx bytes, every text cell of every sheet written as text: a name an admin typed as
    "=HYPERLINK(…)" or "+1" is shown, never run as a formula, and XML-unsafe characters are left out."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = printable(cell.value)
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
