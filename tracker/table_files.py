"""Reading a list people keep in a spreadsheet (.xlsx, or .csv as Excel writes it): the heading row found and
matched to fields, and each row's cells by field, with row numbers as the spreadsheet shows them. What the
cells must hold is the caller's to check; an error names its row and column."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .containers import ContainerRefused, check_container
from .rules.names import fold_name, normalize_text
from .rules.texts import Text, t

SUFFIXES = (".xlsx", ".csv")


@dataclass(frozen=True)
class CellError:
    row: int
    column: str  # the heading as the file writes it
    message: str

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> Text:
        """ "Dòng 3, cột “Vai trò”: …", kept as a Text so pages say it in their language."""
        return t("Dòng %(row)s, cột “%(column)s”: %(message)s", row=self.row, column=self.column, message=self.message)


class TableFileError(Exception):
    """The file cannot be loaded; `errors` names each row and column at fault. Nothing was saved."""

    def __init__(self, errors: Sequence[CellError | str]) -> None:
        self.errors = [e.text if isinstance(e, CellError) else e for e in errors]
        super().__init__("\n".join(self.errors))


@dataclass
class Table:
    """The rows under the heading row; `columns` maps a field to its (index, heading as written)."""

    header_row: int
    columns: dict[str, tuple[int, str]]
    rows: list[tuple[int, list[str]]]  # (row number in the spreadsheet, cells), blank rows left out

    def cell(self, raw: list[str], key: str) -> str:
        """One row's cell for a field; "" when the file has no such column or the row is short."""
        index = self.columns[key][0] if key in self.columns else None
        return raw[index] if index is not None and index < len(raw) else ""

    def error(self, row: int, key: str, message: str) -> CellError:
        return CellError(row, self.columns[key][1], message)


def headings_for(fields: Mapping[str, str], others: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Folded heading → field, for the template's headings, other wordings people use, and the field names
    themselves (case, marks placement and punctuation do not matter)."""
    headings = {fold_name(text): key for key, texts in others.items() for text in texts}
    headings.update({fold_name(text): key for key, text in fields.items()})
    headings.update({key: key for key in fields})
    return headings


def _cells_of_xlsx(data: bytes) -> list[list[str]]:
    try:
        check_container(data)  # a decompression bomb is refused before openpyxl unpacks it
    except ContainerRefused as exc:
        raise TableFileError([exc.message]) from exc
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, IndexError, ParseError) as exc:
        # Not a workbook, or one whose XML is damaged (openpyxl parses a sheet as its rows are read).
        raise TableFileError([t("Không đọc được tệp .xlsx (tệp hỏng hoặc không phải bảng tính Excel).")]) from exc


def _cells_of_csv(data: bytes) -> list[list[str]]:
    """UTF-8 with or without a BOM; otherwise Excel's "CSV" in the Vietnamese Windows code page. Excel
    separates with ";" where the decimal mark is a comma, so the header line decides."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1258", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def read_table(
    data: bytes, filename: str, *, headings: Mapping[str, str], required: Mapping[str, str], max_rows: int, what: str
) -> Table:
    """The file's table; TableFileError when the file, its headings or its size are wrong.

    `required` maps each field the file must have a column for to the message naming it; `what` names one
    row's thing ("đơn vị", "tài khoản") for the message about a file with headings only."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise TableFileError([t("Chỉ nhận tệp .xlsx hoặc .csv (tải tệp mẫu để xem các cột).")])
    cells = _cells_of_xlsx(data) if suffix == ".xlsx" else _cells_of_csv(data)
    # Row numbers are those a spreadsheet shows: blank rows above the headings count.
    header_row = 1
    while cells and not any(c.strip() for c in cells[0]):
        cells.pop(0)
        header_row += 1
    if not cells:
        raise TableFileError([t("Tệp không có dòng nào: dòng đầu tiên phải là tiêu đề các cột.")])
    columns: dict[str, tuple[int, str]] = {}
    errors: list[CellError | str] = []
    for index, heading in enumerate(normalize_text(h) for h in cells[0]):
        key = headings.get(fold_name(heading))
        if not heading or key is None:
            continue
        if key in columns:
            errors.append(
                CellError(
                    header_row, heading, t("trùng với cột “%(column)s”; hãy giữ một cột.", column=columns[key][1])
                )
            )
        columns[key] = (index, heading)
    errors.extend(
        t("Dòng %(row)s: %(message)s", row=header_row, message=message)
        for key, message in required.items()
        if key not in columns
    )
    if errors:
        raise TableFileError(errors)
    if len(cells) - 1 > max_rows:
        raise TableFileError([t("Tệp có quá %(rows)s dòng; hãy chia thành nhiều tệp.", rows=max_rows)])
    rows = [(header_row + offset, raw) for offset, raw in enumerate(cells[1:], start=1) if any(c.strip() for c in raw)]
    if not rows:
        raise TableFileError(
            [t("Tệp chỉ có dòng tiêu đề (dòng %(row)s): chưa có %(what)s nào.", row=header_row, what=what)]
        )
    return Table(header_row, columns, rows)
