"""Reader for PDF files with a text layer: per page, the ruled tables (merged cells marked, a table running
over several pages joined into one) and the text around them as paragraphs, in reading order."""
from __future__ import annotations

import ctypes
import re
import unicodedata
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import Table as Grid
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

from .blocks import Block, Cell, Paragraph, StyledText, Table, leading_marker
from .document import PlanImportError

SCANNED = ("tệp PDF là bản quét, không có lớp chữ: hãy dùng bản .docx hoặc PDF có lớp chữ "
           "(hoặc nhận dạng chữ OCR trước).")

# pdfplumber's defaults for ruled tables (its "lines" strategy), applied to the page's drawn lines as
# PDFium reads them: PDFium parses a page several times faster than pdfminer, and the table geometry
# stays pdfplumber's.
_SNAP = 3
_JOIN = 3
_MIN_EDGE = 3
_INTERSECTION = 3
# Rulings are drawn as short paths (a line, a thin rectangle); a long path that starts with curves is a
# drawing, and reading all its points would cost more than the rest of the page.
_LONG_PATH = 16
# Page furniture: a block wholly inside the top or bottom band of the page (running header, page number).
_HEADER_BAND = 0.12
_FOOTER_BAND = 0.92
_PAGE_NUMBER_RE = re.compile(r"^(?:trang\s*)?[\d\s/.\-–]*$", re.IGNORECASE)
_PART_RE = re.compile(r"^(?:Điều|Chương|Mục|Phần)\s+(?:\d+|[IVXLC]+)\b")
_FONT_NAME = ctypes.create_string_buffer(256)
_FONT_FLAGS = ctypes.c_int()
_ITALIC_FLAG = 0x40
# A row cut by a page break fills its cells down to the bottom edge, give or take this many lines (a paragraph
# kept whole, widow and orphan control).
_CUT_SLACK = 2.0
# PDFium reports a hyphen that ends a line as this control character.
_LINE_END_HYPHEN = "\x02"


@dataclass
class _Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    bold: bool
    italic: bool
    index: int = -1  # in the page's text layer


@dataclass
class _Line:
    chars: list[_Char]

    @property
    def x0(self) -> float:
        return self.chars[0].x0

    @property
    def x1(self) -> float:
        return self.chars[-1].x1

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.chars)

    def pieces(self) -> list[tuple[str, bool, bool]]:
        """The line's characters, a space put where the gap between two of them shows one."""
        out: list[tuple[str, bool, bool]] = []
        previous = None
        for char in self.chars:
            if previous is not None and char.x0 - previous.x1 > 0.2 * (char.bottom - char.top) \
                    and not char.text.isspace() and not previous.text.isspace():
                out.append((" ", previous.bold, previous.italic))
            out.append((char.text, char.bold, char.italic))
            previous = char
        return out

    @property
    def text(self) -> str:
        return "".join(piece for piece, _, _ in self.pieces()).strip()


@dataclass
class _PageTable:
    """One ruled table as drawn on one page: rows on the table's grid, merged slots marked."""

    rows: list[list[Cell]]
    top: float
    bottom: float
    # Per column of the last row: whether its text reaches the bottom of the cell (see _reaches_bottom).
    filled: list[bool] = field(default_factory=list)


@dataclass
class _Item:
    """A block placed on its page, so that blocks can be put in reading order."""

    top: float
    bottom: float
    block: Paragraph | _PageTable
    is_furniture: bool = False


@dataclass
class _OpenTable:
    """A table as read so far, possibly over several pages."""

    table: Table
    width: int
    first_rows: list[list[str]] = field(default_factory=list)
    filled: list[bool] = field(default_factory=list)  # of the last row of the last page's part


def _is_curved(path) -> bool:
    """Whether a path's first segments hold a curve: a drawing (a figure, a logo), not table rulings."""
    return any(pdfium_c.FPDFPathSegment_GetType(pdfium_c.FPDFPath_GetPathSegment(path, index))
               == pdfium_c.FPDF_SEGMENT_BEZIERTO for index in range(_LONG_PATH))


def _edges(page: pdfium.PdfPage, height: float) -> list[dict]:
    """The page's horizontal and vertical drawn segments, as pdfplumber edges (top-left origin)."""
    edges: list[dict] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        count = pdfium_c.FPDFPath_CountSegments(obj.raw)
        if count > _LONG_PATH and _is_curved(obj.raw):
            continue
        matrix = obj.get_matrix()
        paths: list[list[tuple[float, float]]] = []
        points: list[tuple[float, float]] = []
        for index in range(count):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, index)
            pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
            kind = pdfium_c.FPDFPathSegment_GetType(segment)
            px, py = matrix.on_point(x.value, y.value)
            point = (px, height - py)
            if kind != pdfium_c.FPDF_SEGMENT_LINETO and points:
                # A move starts a new run; a curve is not a ruling line.
                paths.append(points)
                points = []
            points.append(point)
            if pdfium_c.FPDFPathSegment_GetClose(segment):
                points.append(points[0])
                paths.append(points)
                points = []
        paths.append(points)
        for run in paths:
            for (x0, y0), (x1, y1) in zip(run, run[1:]):
                if abs(y0 - y1) < 0.5 and abs(x1 - x0) >= 1:
                    left, right = sorted((x0, x1))
                    edges.append({"x0": left, "x1": right, "top": y0, "bottom": y0, "width": right - left,
                                  "height": 0, "orientation": "h"})
                elif abs(x0 - x1) < 0.5 and abs(y1 - y0) >= 1:
                    top, bottom = sorted((y0, y1))
                    edges.append({"x0": x0, "x1": x0, "top": top, "bottom": bottom, "width": 0,
                                  "height": bottom - top, "orientation": "v"})
    return edges


def _grids(page: pdfium.PdfPage, height: float) -> list[Grid]:
    """The ruled tables of the page with at least two columns (a one-column box is a frame around text)."""
    edges = _edges(page, height)
    if not edges:
        return []
    edges = [e for e in merge_edges(edges, _SNAP, _SNAP, _JOIN, _JOIN)
             if (e["width"] if e["orientation"] == "h" else e["height"]) >= _MIN_EDGE]
    cells = intersections_to_cells(edges_to_intersections(edges, _INTERSECTION, _INTERSECTION))
    grids = [Grid(None, group) for group in cells_to_tables(cells)]
    return [grid for grid in grids if len(grid.columns) >= 2]


def _unwrap(text: str) -> str:
    """A cell's lines as PDFium gives them: lines broken by the narrow column are joined, a line that
    starts a list item stays on its own."""
    lines: list[str] = []
    text = text.replace(_LINE_END_HYPHEN, "-\n")  # the hyphen stays, the line break joins like any other
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        if lines and not leading_marker(line):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return unicodedata.normalize("NFC", "\n".join(lines))


def _page_table(grid: Grid, text_page: pdfium.PdfTextPage, height: float, page_number: int,
                chars: list[_Char]) -> _PageTable:
    """The grid's rows, every slot filled: a slot a merged cell covers carries that cell's text, marked
    "left" when the cell starts in the same row, "above" when it starts in a row above."""
    texts: dict[tuple, str] = {}
    for bbox in grid.cells:
        x0, top, x1, bottom = bbox
        texts[bbox] = _unwrap(text_page.get_text_bounded(x0, height - bottom, x1, height - top))
    columns = [column.bbox[0] for column in grid.columns]
    rows: list[list[Cell]] = []
    for r, row in enumerate(grid.rows):
        row_top = min(cell[1] for cell in row.cells if cell)
        cells: list[Cell] = []
        for c, bbox in enumerate(row.cells):
            where = f"trang {page_number}, hàng {r + 1}, cột {c + 1}"
            if bbox is not None:
                cells.append(Cell(texts[bbox], where))
                continue
            px, py = columns[c] + 1, row_top + 1
            cover = next((b for b in grid.cells if b[0] <= px < b[2] and b[1] <= py < b[3]), None)
            if cover is None:
                cells.append(Cell("", where))
            else:
                cells.append(Cell(texts[cover], where, "above" if cover[1] < row_top - 1 else "left"))
        rows.append(cells)
    last = grid.rows[-1]
    row_top = min(cell[1] for cell in last.cells if cell)
    covers = [bbox or next((b for b in grid.cells if b[0] <= columns[c] + 1 < b[2] and b[1] <= row_top + 1 < b[3]),
                           None) for c, bbox in enumerate(last.cells)]
    x0, _, x1, bottom = grid.bbox
    in_last_row = [char for char in chars if _inside(char, (x0, row_top, x1, bottom))]
    filled = [cover is not None and _reaches_bottom(cover, in_last_row) for cover in covers]
    return _PageTable(rows, grid.bbox[1], grid.bbox[3], filled)


def _reaches_bottom(box: tuple, chars: list[_Char]) -> bool:
    """Whether the text in a cell runs down to the cell's bottom edge, as the part of a row that a page
    break cuts does (a cell whose text ends higher up has nothing left for the next page)."""
    inside = [char for char in chars if not char.text.isspace() and _inside(char, box)]
    if not inside:
        return False
    line = max(char.bottom - char.top for char in inside)
    return box[3] - max(char.bottom for char in inside) <= _CUT_SLACK * line


def _chars(text_page: pdfium.PdfTextPage, height: float) -> list[_Char]:
    """The page's characters, top-left origin; their weight and slant are read later, by _style."""
    raw = text_page.raw
    chars: list[_Char] = []
    for index in range(text_page.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(raw, index) == 1:
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        code = ord("-") if chr(code) == _LINE_END_HYPHEN else code
        if code < 32 or code in (0xFFFE, 0xFFFF):
            continue
        left, bottom, right, top = text_page.get_charbox(index, loose=True)
        chars.append(_Char(chr(code), left, height - top, right, height - bottom, False, False, index))
    return chars


def _style(text_page: pdfium.PdfTextPage, chars: list[_Char]) -> None:
    """Set each character's weight and slant from its font (only for text read as paragraphs: it costs)."""
    raw = text_page.raw
    for char in chars:
        pdfium_c.FPDFText_GetFontInfo(raw, char.index, _FONT_NAME, len(_FONT_NAME), ctypes.byref(_FONT_FLAGS))
        name = _FONT_NAME.value.decode("latin-1", "replace").lower()
        char.bold = pdfium_c.FPDFText_GetFontWeight(raw, char.index) >= 600 or "bold" in name
        char.italic = bool(_FONT_FLAGS.value & _ITALIC_FLAG) or "italic" in name or "oblique" in name


def _inside(char: _Char, box: tuple) -> bool:
    middle_x, middle_y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
    return box[0] <= middle_x <= box[2] and box[1] <= middle_y <= box[3]


def _lines(chars: list[_Char]) -> list[_Line]:
    """Characters grouped into lines, top to bottom: a character whose middle lies within a line's
    height belongs to it."""
    lines: list[tuple[float, float, list[_Char]]] = []
    for char in sorted(chars, key=lambda c: (c.top + c.bottom) / 2):
        middle = (char.top + char.bottom) / 2
        if lines and lines[-1][0] <= middle <= lines[-1][1]:
            top, bottom, members = lines[-1]
            members.append(char)
            lines[-1] = (min(top, char.top), max(bottom, char.bottom), members)
        else:
            lines.append((char.top, char.bottom, [char]))
    return [_Line(sorted(members, key=lambda c: c.x0)) for _, _, members in lines
            if "".join(c.text for c in members).strip()]


def _paragraphs(lines: list[_Line], page_number: int) -> list[_Item]:
    """Lines joined into paragraphs: a paragraph ends at a wide gap, a short line ending a sentence, a
    change of weight, or before a line that opens a list item, an article, or an indented first line."""
    if not lines:
        return []
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    groups: list[list[_Line]] = []
    for line in lines:
        if groups:
            previous = groups[-1][-1]
            height = previous.bottom - previous.top
            text = line.text
            starts_new = (
                line.top - previous.bottom > 0.6 * height
                or bool(leading_marker(text)) or bool(_PART_RE.match(text))
                or previous.x1 < right - 0.15 * (right - left) and previous.text[-1:] in ".:;!?"
                or line.x0 > left + 10 and previous.x0 <= left + 3
                or line.chars[0].bold != previous.chars[-1].bold
            )
            if not starts_new:
                groups[-1].append(line)
                continue
        groups.append([line])
    items: list[_Item] = []
    for group in groups:
        pieces: list[tuple[str, bool, bool]] = []
        for line in group:
            if pieces:
                pieces.append((" ", False, False))
            pieces.extend(line.pieces())
        paragraph = StyledText.join(pieces).paragraph(f"trang {page_number}")
        if paragraph:
            items.append(_Item(group[0].top, group[-1].bottom, paragraph))
    return items


def _page_items(page: pdfium.PdfPage, page_number: int) -> tuple[list[_Item], int]:
    """The page's paragraphs and tables in reading order, and how many characters its text layer holds."""
    height = page.get_height()
    text_page = page.get_textpage()
    grids = _grids(page, height)
    chars = _chars(text_page, height)
    tables = [_page_table(grid, text_page, height, page_number, chars) for grid in grids]
    boxes = [grid.bbox for grid in grids]
    outside = [char for char in chars if not any(_inside(char, box) for box in boxes)]
    _style(text_page, outside)
    items = _paragraphs(_lines(outside), page_number)
    items += [_Item(t.top, t.bottom, t) for t in tables]
    for item in items:
        item.is_furniture = item.bottom < _HEADER_BAND * height or item.top > _FOOTER_BAND * height
    items.sort(key=lambda item: item.top)
    in_tables = sum(1 for t in tables for row in t.rows for c in row if c.text and c.merged is None)
    return items, sum(1 for c in outside if not c.text.isspace()) + in_tables


def _starts_with(text: str, prefix: str) -> bool:
    return " ".join(text.split()).startswith(" ".join(prefix.split()))


def _append(table: Table, row: int, column: int, text: str) -> None:
    """Add text to a cell and to every copy of it up the merge (a merged cell carries its whole text)."""
    chain = [row]
    while chain[-1] > 0 and table.rows[chain[-1]][column].merged == "above":
        chain.append(chain[-1] - 1)
    joined = "\n".join(part for part in (table.rows[row][column].text, text) if part)
    for index in chain:
        table.rows[index][column].text = joined
    for index in range(row + 1, len(table.rows)):
        below = table.rows[index][column]
        if below.merged != "above":
            break
        below.text = joined


def _continue(open_table: _OpenTable, part: _PageTable) -> None:
    """Add a page's part of a table that began on an earlier page: drop the header rows the page repeats
    (a merged cell may hold the header and the first row's text below it: that text is kept), then join
    a first row with no number to the last row of the page before."""
    rows = part.rows
    repeated = 0
    while repeated < min(len(rows), len(open_table.first_rows)) and all(
            _starts_with(cell.text, first) for cell, first in zip(rows[repeated], open_table.first_rows[repeated])):
        repeated += 1
    leftover: dict[int, str] = {}
    for header, first in zip(rows[:repeated], open_table.first_rows):
        for column, (cell, text) in enumerate(zip(header, first)):
            rest = " ".join(cell.text.split())[len(" ".join(text.split())):].strip()
            if rest and cell.merged is None:
                leftover[column] = rest
    rows = rows[repeated:]
    for row in rows[:1]:
        for column in leftover:
            if row[column].merged == "above":
                row[column] = Cell(leftover[column], row[column].where)
    table = open_table.table
    if rows and table.rows and _is_cut(table.rows[-1], rows[0], open_table.filled):
        last = len(table.rows) - 1
        for column, cell in enumerate(rows[0]):
            if cell.merged is None and cell.text:
                _append(table, last, column, cell.text)
        # Rows of the page merged down from the cut row's cells carry the joined text.
        for column, cell in enumerate(table.rows[last]):
            for row in rows[1:]:
                if row[column].merged != "above":
                    break
                row[column].text = cell.text
        rows = rows[1:]
    elif rows and table.rows:
        _carry_merges(table.rows[-1], rows)
    table.rows.extend(rows)
    open_table.filled = part.filled


def _carry_merges(last: list[Cell], rows: list[list[Cell]]) -> None:
    """A cell merged down over several rows that goes on past a page break is drawn empty on the new page.
    An empty cell of the page's first row continues the cell above it when it is drawn merged with the
    header the page repeats (no rule between them), when a merge already runs to the end of the page
    before, or when the row has no number under a numbered row (a sub-row of that item); the merge goes
    on down the rows the page itself shows merged with that first cell."""
    first = rows[0]
    sub_row = not first[0].text and bool(last[0].text) and all(cell.merged != "left" for cell in last)
    for column, cell in enumerate(first):
        above = last[column] if column < len(last) else None
        if cell.text or above is None or not above.text or above.merged == "left":
            continue
        if cell.merged == "above" or cell.merged is None and (above.merged == "above" or sub_row):
            first[column] = Cell(above.text, cell.where, "above")
            for row in rows[1:]:
                if row[column].merged != "above":
                    break
                row[column].text = above.text


def _is_cut(last: list[Cell], first: list[Cell], filled: list[bool]) -> bool:
    """Whether the first row of a page is the rest of the last row of the page before: it has no number,
    splits the width into the same cells (a section row spanning the table is not continued by the task
    row below it), and every cell it writes in was full down to the page's end (a new sub-row under
    cells merged from above writes where the row before had finished)."""
    if first[0].text.strip():
        return False
    if [cell.merged == "left" for cell in last] != [cell.merged == "left" for cell in first]:
        return False
    return all(filled[column] for column, cell in enumerate(first) if cell.text and cell.merged is None)


def _number_rows(table: Table, number: int) -> None:
    for r, row in enumerate(table.rows, start=1):
        for c, cell in enumerate(row, start=1):
            page = cell.where.split(",")[0]
            cell.where = f"{page}, bảng {number}, hàng {r}, cột {c}"


def read_pdf(data: bytes) -> list[Block]:
    """The paragraphs and tables of a PDF with a text layer, in reading order."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = "tệp PDF có mật khẩu: hãy gỡ mật khẩu rồi tải lại" if "password" in str(exc).lower() \
            else f"tệp PDF không đọc được ({exc})"
        raise PlanImportError(message + ".") from exc
    out: list[Block] = []
    open_table: _OpenTable | None = None
    seen_furniture: set[str] = set()
    tables_read: list[Table] = []
    text_chars = 0
    try:
        for page_number, page in enumerate(document, start=1):
            items, count = _page_items(page, page_number)
            text_chars += count
            for item in items:
                block = item.block
                if item.is_furniture:
                    text = block.text if not isinstance(block, _PageTable) else \
                        "|".join(c.text for row in block.rows for c in row)
                    # Running headers and page numbers repeat on every page: kept once, never splitting a
                    # table that runs on to the next page.
                    if text in seen_furniture or _PAGE_NUMBER_RE.match(text):
                        continue
                    seen_furniture.add(text)
                if isinstance(block, _PageTable):
                    width = len(block.rows[0])
                    if open_table is not None and open_table.width == width and not item.is_furniture:
                        _continue(open_table, block)
                        continue
                    table = Table(block.rows, f"trang {page_number}, bảng {len(tables_read) + 1}")
                    tables_read.append(table)
                    out.append(table)
                    if not item.is_furniture:
                        open_table = _OpenTable(table, width, [[c.text for c in row] for row in block.rows],
                                                 block.filled)
                else:
                    out.append(block)
                    if not item.is_furniture:
                        open_table = None
            if open_table is not None and not _ends_page(items):
                open_table = None
    finally:
        document.close()
    if text_chars == 0:
        raise PlanImportError(SCANNED)
    for number, table in enumerate(tables_read, start=1):
        _number_rows(table, number)
    return out


def _ends_page(items: list[_Item]) -> bool:
    """Whether the table is the last thing on the page (furniture aside), so it may run on to the next."""
    body = [item for item in items if not item.is_furniture]
    return bool(body) and isinstance(body[-1].block, _PageTable)
