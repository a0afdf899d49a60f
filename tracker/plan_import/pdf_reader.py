"""Reader for PDF files with a text layer: per page, the ruled tables (merged cells marked, a table running
over several pages joined into one) and the text around them as paragraphs, in reading order."""

from __future__ import annotations

import bisect
import ctypes
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import Table as Grid
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

from .blocks import Block, Cell, Paragraph, StyledText, Table, leading_marker, without_empty_columns
from .document import PlanImportError

SCANNED = (
    "tệp PDF là bản quét, không có lớp chữ: hãy dùng bản .docx hoặc PDF có lớp chữ (hoặc nhận dạng chữ OCR trước)."
)

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
# Paragraphs spaced apart: lines this many line heights further apart than the page's usual lines.
_PARAGRAPH_GAP = 0.3
# A page whose producer ends this share of its wrapped lines with a space writes the space at every wrap.
_SPACED_BREAKS = 0.3
# A number cut by a narrow column: a line ending in a digit or "/" without a space, the next line going on
# with a digit, "/" or "." ("12/202" | "6", "III.1" | ".1"). Words cut inside are not told from words a
# justified line ends with (no space is written there either), nor a hyphen that had a space after it.
_CUT_WORD_END_RE = re.compile(r"[\d/]$")
_CUT_WORD_START_RE = re.compile(r"[\d/.]")
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
            if (
                previous is not None
                and char.x0 - previous.x1 > 0.2 * (char.bottom - char.top)
                and not char.text.isspace()
                and not previous.text.isspace()
            ):
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
    ruled: bool = True  # False for a table drawn without rules, whose rows are guessed from the text
    columns: list[tuple[float, float]] = field(default_factory=list)  # without rules: the columns' x ranges


@dataclass
class _Item:
    """A block placed on its page, so that blocks can be put in reading order."""

    top: float
    bottom: float
    block: Paragraph | _PageTable
    is_furniture: bool = False
    indented: bool = False  # a paragraph whose first line starts right of the page's text edge
    runs_out: bool = False  # a paragraph whose last line reaches the page's right text edge


@dataclass
class _OpenTable:
    """A table as read so far, possibly over several pages."""

    table: Table
    width: int
    first_rows: list[list[str]] = field(default_factory=list)
    filled: list[bool] = field(default_factory=list)  # of the last row of the last page's part
    ruled: bool = True
    columns: list[tuple[float, float]] = field(default_factory=list)  # of the last page's part, without rules


def _is_curved(path) -> bool:
    """Whether a path's first segments hold a curve: a drawing (a figure, a logo), not table rulings."""
    return any(
        pdfium_c.FPDFPathSegment_GetType(pdfium_c.FPDFPath_GetPathSegment(path, index))
        == pdfium_c.FPDF_SEGMENT_BEZIERTO
        for index in range(_LONG_PATH)
    )


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
            for (x0, y0), (x1, y1) in itertools.pairwise(run):
                if abs(y0 - y1) < 0.5 and abs(x1 - x0) >= 1:
                    left, right = sorted((x0, x1))
                    edges.append(
                        {
                            "x0": left,
                            "x1": right,
                            "top": y0,
                            "bottom": y0,
                            "width": right - left,
                            "height": 0,
                            "orientation": "h",
                        }
                    )
                elif abs(x0 - x1) < 0.5 and abs(y1 - y0) >= 1:
                    top, bottom = sorted((y0, y1))
                    edges.append(
                        {
                            "x0": x0,
                            "x1": x0,
                            "top": top,
                            "bottom": bottom,
                            "width": 0,
                            "height": bottom - top,
                            "orientation": "v",
                        }
                    )
    return edges


def _grids(page: pdfium.PdfPage, height: float) -> list[Grid]:
    """The ruled tables of the page with at least two columns (a one-column box is a frame around text)."""
    edges = _edges(page, height)
    if not edges:
        return []
    edges = [
        e
        for e in merge_edges(edges, _SNAP, _SNAP, _JOIN, _JOIN)
        if (e["width"] if e["orientation"] == "h" else e["height"]) >= _MIN_EDGE
    ]
    cells = intersections_to_cells(edges_to_intersections(edges, _INTERSECTION, _INTERSECTION))
    # No page: pdfplumber's Table only needs one to extract text, and only its cells' geometry is used here.
    grids = [Grid(None, group) for group in cells_to_tables(cells)]  # type: ignore[arg-type]
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


def _cell_text(lines: list[tuple[str, bool]], spaced: bool) -> str:
    """A cell's text from its lines (text, whether it ends in a space), unwrapped. Where the producer writes
    the space at a wrap, a number without one after it was cut by a narrow column: "12/202" and "6" are
    "12/2026"."""
    parts: list[str] = []
    glued = False
    for text, ends_in_space in lines:
        if parts and glued and _CUT_WORD_START_RE.match(text):
            parts[-1] += text
        else:
            parts.append(text)
        glued = spaced and not ends_in_space and bool(_CUT_WORD_END_RE.search(text))
    return _unwrap("\n".join(parts))


def _page_table(grid: Grid, page_number: int, chars: list[_Char], spaced: bool) -> _PageTable:
    """The grid's rows, every slot filled: a slot a merged cell covers carries that cell's text, marked
    "left" when the cell starts in the same row, "above" when it starts in a row above."""
    columns = [column.bbox[0] for column in grid.columns]
    tops = [min(cell[1] for cell in row.cells if cell) for row in grid.rows]
    # slot (row, column) → the cell that covers it, its own or a merged one starting above or to the left
    covers: dict[tuple[int, int], tuple] = {}
    for r, row in enumerate(grid.rows):
        for c, bbox in enumerate(row.cells):
            px, py = columns[c] + 1, tops[r] + 1
            cover = bbox or next((b for b in grid.cells if b[0] <= px < b[2] and b[1] <= py < b[3]), None)
            if cover is not None:
                covers[(r, c)] = cover
    # Each character goes to the cell its middle lies in: a capital's stacked marks reach above its line,
    # into the cell above, and must not be read there.
    found: dict[tuple, list[_Char]] = {bbox: [] for bbox in grid.cells}
    for char in chars:
        middle_x, middle_y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
        r, c = bisect.bisect_right(tops, middle_y) - 1, bisect.bisect_right(columns, middle_x) - 1
        cover = covers.get((r, c))
        if cover is not None and cover[0] <= middle_x <= cover[2] and cover[1] <= middle_y <= cover[3]:
            found[cover].append(char)
    texts = {
        bbox: _cell_text([(line.text, line.chars[-1].text == " ") for line in _lines(members)], spaced)
        for bbox, members in found.items()
    }
    rows: list[list[Cell]] = []
    for r, row in enumerate(grid.rows):
        cells: list[Cell] = []
        for c in range(len(row.cells)):
            where = f"trang {page_number}, hàng {r + 1}, cột {c + 1}"
            cover = covers.get((r, c))
            if cover is None:
                cells.append(Cell("", where))
            elif cover is row.cells[c]:
                cells.append(Cell(texts[cover], where))
            else:
                cells.append(Cell(texts[cover], where, "above" if cover[1] < tops[r] - 1 else "left"))
        rows.append(cells)
    last = len(grid.rows) - 1
    filled = [
        (last, c) in covers and _reaches_bottom(covers[(last, c)], found[covers[(last, c)]])
        for c in range(len(columns))
    ]
    return _PageTable(rows, grid.bbox[1], grid.bbox[3], filled)


def _reaches_bottom(box: tuple, chars: list[_Char]) -> bool:
    """Whether the text in a cell runs down to the cell's bottom edge, as the part of a row that a page
    break cuts does (a cell whose text ends higher up has nothing left for the next page)."""
    inside = [char for char in chars if not char.text.isspace()]
    if not inside:
        return False
    line = max(char.bottom - char.top for char in inside)
    return box[3] - max(char.bottom for char in inside) <= _CUT_SLACK * line


def _chars(text_page: pdfium.PdfTextPage, height: float) -> tuple[list[_Char], bool]:
    """The page's characters, top-left origin (their weight and slant are read later, by _style), and
    whether the page's producer writes the space where a line wraps (most wrapped lines end in one)."""
    raw = text_page.raw
    chars: list[_Char] = []
    breaks = spaced = 0
    for index in range(text_page.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(raw, index) == 1:
            # PDFium marks the end of a line with a line break of its own making.
            if pdfium_c.FPDFText_GetUnicode(raw, index) == 13:
                breaks += 1
                spaced += bool(chars) and chars[-1].text == " "
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        code = ord("-") if chr(code) == _LINE_END_HYPHEN else code
        if code < 32 or code in (0xFFFE, 0xFFFF):
            continue
        left, bottom, right, top = text_page.get_charbox(index, loose=True)
        chars.append(_Char(chr(code), left, height - top, right, height - bottom, False, False, index))
    return chars, spaced >= _SPACED_BREAKS * breaks > 0


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
    return [
        _Line(sorted(members, key=lambda c: c.x0))
        for _, _, members in lines
        if "".join(c.text for c in members).strip()
    ]


def _middle(line: _Line) -> float:
    return (line.top + line.bottom) / 2


def _paragraphs(lines: list[_Line], page_number: int) -> list[_Item]:
    """Lines joined into paragraphs: a paragraph ends at a wide gap, a short line ending a sentence, a
    change of weight, or before a line that opens a list item, an article, or an indented first line."""
    if not lines:
        return []
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    # The distance between the middles of two lines of one paragraph (middles, not edges: an italic font's
    # box is taller than the upright one's); paragraphs spaced apart show a wider one. Taken low in the
    # page's range, as a page may hold more one-line paragraphs than lines running on.
    pitches = sorted(_middle(b) - _middle(a) for a, b in itertools.pairwise(lines))
    usual = pitches[len(pitches) // 5] if pitches else 0.0
    groups: list[list[_Line]] = []
    for line in lines:
        if groups:
            previous = groups[-1][-1]
            height = previous.bottom - previous.top
            text = line.text
            starts_new = (
                line.top - previous.bottom > 0.6 * height
                or _middle(line) - _middle(previous) > usual + _PARAGRAPH_GAP * height
                or bool(leading_marker(text))
                or bool(_PART_RE.match(text))
                or (previous.x1 < right - 0.15 * (right - left) and previous.text[-1:] in ".:;!?")
                or (line.x0 > left + 10 and previous.x0 <= left + 3)
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
            items.append(
                _Item(
                    group[0].top,
                    group[-1].bottom,
                    paragraph,
                    indented=group[0].x0 > left + 10,
                    runs_out=group[-1].x1 >= right - 0.15 * (right - left),
                )
            )
    return items


def _goes_on(last: Paragraph, ending: _Item, item: _Item) -> bool:
    """Whether the first paragraph of a page is the rest of the last paragraph of the page before: that one
    fills its last line (a paragraph's own last line stops short), this one opens no list item or article
    and is not indented as a first line is, and the sentence runs on (the paragraph before has no closing
    stop, or this one starts with a small letter)."""
    paragraph = item.block
    if (
        not isinstance(paragraph, Paragraph)
        or paragraph.marker
        or item.indented
        or not ending.runs_out
        or _PART_RE.match(paragraph.text)
    ):
        return False
    return last.text[-1:] not in ".:;!?" or paragraph.text[:1].islower()


# --- Tables drawn without rules ---------------------------------------------------------------------------
# Their columns are the gaps that run down a stretch of lines: a gap between two characters this many line
# heights wide (and at least _MIN_GAP points) may part two cells, while word spaces, even stretched by
# justified text, stay narrower.
_GAP = 0.5
_MIN_GAP = 4.0
# A stretch of lines is a table when it has at least this many columns, and this many of its lines show
# three separate stretches of text (a letterhead or a signature block shows two).
_MIN_COLUMNS = 3
_MIN_SPLIT_LINES = 2
# Lines further apart than this many line heights are not in the same table.
_TABLE_LINE_GAP = 5.0
# A row starts after a gap this many line heights taller than the usual gap between lines of the table.
_ROW_GAP = 0.5
# A line that crosses the columns (a section row written across the table) stays in the table when one of
# the next few lines is laid out in the columns again.
_LOOK_AHEAD = 2
# A cell of the first column that holds only a number starts a row ("1", "2.1", "II", "A.", "a)").
_ROW_NUMBER_RE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|[IVXLC]{1,7}(?:\.\d{1,3})*\.?|[A-ZĐ]\.?|[a-zđ]\))$")


def _height(line: _Line) -> float:
    return line.bottom - line.top


def _segments(line: _Line, gap: float) -> list[tuple[float, float]]:
    """The x ranges of a line's stretches of text, parted where two characters are at least gap apart."""
    out: list[tuple[float, float]] = []
    for char in line.chars:
        if char.text.isspace():
            continue
        if out and char.x0 - out[-1][1] < gap:
            out[-1] = (out[-1][0], max(out[-1][1], char.x1))
        else:
            out.append((char.x0, char.x1))
    return out


def _union(ink: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """Stretches of ink (x ranges) of several lines merged where less than `gap` apart: the columns."""
    merged: list[list[float]] = []
    for x0, x1 in sorted(ink):
        if merged and x0 < merged[-1][1] + gap:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(x0, x1) for x0, x1 in merged]


def _holes(ink: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """The gaps at least `gap` wide between the stretches of ink (x ranges) of several lines."""
    merged = _union(ink, gap)
    return [(left[1], right[0]) for left, right in itertools.pairwise(merged)]


def _keeps(before: list[tuple[float, float]], after: list[tuple[float, float]]) -> bool:
    """Whether every gap of `before` still has a gap of `after` inside it (no line was written across it)."""
    return all(any(a0 >= b0 - 0.5 and a1 <= b1 + 0.5 for a0, a1 in after) for b0, b1 in before)


@dataclass
class _Stretch:
    """Lines laid out in columns: their indexes, those written across the columns, and the gap size."""

    members: list[int]
    crossing: set[int]
    gap: float
    ink: list[tuple[float, float]]


def _stretch(lines: list[_Line], seed: int, gap: float, columns: list[tuple[float, float]] | None = None) -> _Stretch:
    """The lines around `seed` that keep its column gaps open (a line across them is kept when the columns
    go on just below it). Given the columns of a table going on from the page before, the lines from `seed`
    down that keep to them (a line across them only if it opens a numbered section)."""
    carried = columns is not None
    ink = list(columns) if columns is not None else list(_segments(lines[seed], gap))
    members: list[int] = [] if carried else [seed]
    crossing: set[int] = set()

    def fits(index: int) -> bool:
        added = ink + _segments(lines[index], gap)
        return _keeps(_holes(ink, gap), _holes(added, gap))

    def near(upper: _Line, lower: _Line) -> bool:
        return lower.top - upper.bottom <= _TABLE_LINE_GAP * max(_height(upper), _height(lower))

    index = seed if carried else seed + 1
    while index < len(lines) and (index == seed or near(lines[index - 1], lines[index])):
        if fits(index):
            ink += _segments(lines[index], gap)
            members.append(index)
            index += 1
            continue
        ahead = next(
            (
                k
                for k in range(index + 1, min(index + 1 + _LOOK_AHEAD, len(lines)))
                if fits(k) and len(_segments(lines[k], gap)) >= 2 and near(lines[k - 1], lines[k])
            ),
            None,
        )
        if ahead is None or (not members and not _ROW_NUMBER_RE.match(lines[index].text.split(" ", 1)[0])):
            break
        crossing.update(range(index, ahead))
        members.extend(range(index, ahead))
        index = ahead
    if carried:
        return _Stretch(members, crossing, gap, ink)
    index = seed - 1
    while index >= 0 and near(lines[index], lines[index + 1]) and fits(index):
        ink += _segments(lines[index], gap)
        members.insert(0, index)
        index -= 1
    return _Stretch(members, crossing, gap, ink)


def _text_tables(
    lines: list[_Line], page_number: int, columns: list[tuple[float, float]] | None = None, spaced: bool = False
) -> tuple[list[_PageTable], list[_Line]]:
    """The page's tables drawn without rules, found by the column gaps that run down their lines, and the
    lines left over for paragraphs. `columns` are those of a table without rules that ended the page
    before: the lines at the top of this page that keep to them go on with it."""
    tables: list[_PageTable] = []
    used: set[int] = set()
    index = 0
    if columns and lines:
        gap = max(_MIN_GAP, _GAP * _height(lines[0]))
        stretch = _stretch(lines, 0, gap, columns)
        if stretch.members:
            tables.append(
                _text_table(
                    [lines[k] for k in stretch.members],
                    [k in stretch.crossing for k in stretch.members],
                    stretch,
                    page_number,
                    spaced,
                )
            )
            used.update(stretch.members)
            index = stretch.members[-1] + 1
    while index < len(lines):
        gap = max(_MIN_GAP, _GAP * _height(lines[index]))
        if len(_segments(lines[index], gap)) < _MIN_COLUMNS:
            index += 1
            continue
        stretch = _stretch(lines, index, gap)
        split = sum(1 for k in stretch.members if len(_segments(lines[k], gap)) >= _MIN_COLUMNS)
        if len(_holes(stretch.ink, gap)) + 1 < _MIN_COLUMNS or split < _MIN_SPLIT_LINES:
            index += 1
            continue
        tables.append(
            _text_table(
                [lines[k] for k in stretch.members],
                [k in stretch.crossing for k in stretch.members],
                stretch,
                page_number,
                spaced,
            )
        )
        used.update(stretch.members)
        index = stretch.members[-1] + 1
    return tables, [line for k, line in enumerate(lines) if k not in used]


def _share_sub_rows(rows: list[list[Cell]], start: int) -> None:
    """A table drawn without rules cannot show cells merged down over several rows. A row that leaves its
    first cells empty under a row of the same item is a sub-row of it: it shares the cells it leaves empty
    before its first text (the number, the units), and all it leaves empty under a numbered row."""
    for index in range(max(start, 1), len(rows)):
        row, above = rows[index], rows[index - 1]
        first = next((c for c, cell in enumerate(row) if cell.text), 0)
        if first == 0 or any(cell.merged == "left" for cell in row + above) or _is_heading_row(above):
            continue
        numbered = bool(_ROW_NUMBER_RE.match(above[0].text))
        rows[index] = [
            Cell(a.text, cell.where, "above") if not cell.text and a.text and (c < first or numbered) else cell
            for c, (cell, a) in enumerate(zip(row, above))
        ]


def _is_heading_row(row: list[Cell]) -> bool:
    """A section row of a wide table: text only in its first two cells ("E." | "BỘ Y TẾ")."""
    return len(row) > 3 and not any(cell.text for cell in row[2:])


def _text_table(
    lines: list[_Line], crossing: list[bool], stretch: _Stretch, page_number: int, spaced: bool
) -> _PageTable:
    """A table drawn without rules, from its lines and its column gaps: a row starts at a number in the first
    column, where a column starts again after a blank, after a wider gap between lines, and around a line
    written across the columns (a section row, kept in the column it starts in and merged to the right)."""
    bounds = [(x0 + x1) / 2 for x0, x1 in _holes(stretch.ink, stretch.gap)]
    width = len(bounds) + 1

    def column(x: float) -> int:
        return sum(1 for bound in bounds if x > bound)

    cells_per_line: list[list[list[_Char]]] = []
    for line in lines:
        cells: list[list[_Char]] = [[] for _ in range(width)]
        for char in line.chars:
            cells[column((char.x0 + char.x1) / 2)].append(char)
        cells_per_line.append(cells)
    spacings = sorted(b.top - a.bottom for a, b in itertools.pairwise(lines))
    usual = spacings[len(spacings) // 2] if spacings else 0.0
    rows: list[list[list[tuple[str, bool]]]] = []  # per row, per column: (line text, ends in a space)
    spans: list[int | None] = []  # per row: the column a crossing line starts in, else None
    started: list[bool] = [False] * width
    # Columns whose cell in the row before goes on past the start of this row: a cell merged over the
    # sub-rows of an item runs on beside the next sub-row, mid-sentence, until its text ends.
    flowing: set[int] = set()
    for k, (line, cells) in enumerate(zip(lines, cells_per_line)):
        texts = [_Line(chars).text if chars else "" for chars in cells]
        ends = [bool(chars) and chars[-1].text == " " for chars in cells]
        if crossing[k]:
            start = column((line.x0 + line.chars[0].x1) / 2)
            span = spans[-1] if rows and k and crossing[k - 1] else None
            if span is None:
                rows.append([[] for _ in range(width)])
                spans.append(start)
                span = start
            rows[-1][span].append((line.text, line.chars[-1].text == " "))
            continue
        previous = cells_per_line[k - 1] if k else [[] for _ in range(width)]  # (no line before: empty cells)
        restarted = (
            bool(rows) and spans[-1] is None and any(texts[c] and not previous[c] and started[c] for c in range(width))
        )
        new_row = (
            not rows
            or spans[-1] is not None
            or restarted
            or bool(_ROW_NUMBER_RE.match(texts[0]))
            or line.top - lines[k - 1].bottom > usual + _ROW_GAP * _height(line)
        )
        if new_row:
            # Only beside a cell that starts again (a sub-row of the same item) can a cell run on.
            flowing = (
                {
                    c
                    for c in range(width)
                    if texts[c] and previous[c] and texts[c][:1].islower() and c and not _ROW_NUMBER_RE.match(texts[0])
                }
                if restarted
                else set()
            )
            if not any(text for c, text in enumerate(texts) if c not in flowing):
                flowing = set()  # nothing new begins beside it: the row starts with these lines
            rows.append([[] for _ in range(width)])
            spans.append(None)
            started = [False] * width
        for c, text in enumerate(texts):
            if c in flowing:
                if text:
                    rows[-2][c].append((text, ends[c]))
                    continue
                flowing.discard(c)
            if text:
                rows[-1][c].append((text, ends[c]))
                started[c] = True
    table_rows: list[list[Cell]] = []
    for r, (row, span) in enumerate(zip(rows, spans)):
        out: list[Cell] = []
        for c, parts in enumerate(row):
            where = f"trang {page_number}, hàng {r + 1}, cột {c + 1}"
            if span is not None and c > span:
                out.append(Cell(out[span].text, where, "left"))
            else:
                out.append(Cell(_cell_text(parts, spaced), where))
        table_rows.append(out)
    # The first row is the header, or on a later page may go on from the page before: _continue shares it.
    _share_sub_rows(table_rows, 2)
    # A column reaches the end of the table when it has text on one of its last lines (cells of a row cut by
    # a page break end a line or so apart).
    bottom, height = lines[-1].bottom, _height(lines[-1])
    filled = [
        any(
            cells[c] and not crossing[k] and bottom - lines[k].bottom <= _CUT_SLACK * height
            for k, cells in enumerate(cells_per_line)
        )
        for c in range(width)
    ]
    return _PageTable(
        table_rows, lines[0].top, lines[-1].bottom, filled, ruled=False, columns=_union(stretch.ink, stretch.gap)
    )


def _page_items(
    page: pdfium.PdfPage, page_number: int, columns: list[tuple[float, float]] | None = None
) -> tuple[list[_Item], int]:
    """The page's paragraphs and tables in reading order, and how many characters its text layer holds;
    `columns` are those of a table without rules that ended the page before."""
    height = page.get_height()
    text_page = page.get_textpage()
    grids = _grids(page, height)
    chars, spaced = _chars(text_page, height)
    boxes = [grid.bbox for grid in grids]
    tables = [
        _page_table(grid, page_number, [char for char in chars if _inside(char, box)], spaced)
        for grid, box in zip(grids, boxes)
    ]
    outside = [char for char in chars if not any(_inside(char, box) for box in boxes)]
    _style(text_page, outside)
    unruled, lines = _text_tables(_lines(outside), page_number, columns, spaced)
    tables += unruled
    items = _paragraphs(lines, page_number)
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
    # The two parts are unwrapped as one cell: a line that goes on mid-sentence joins the one before.
    joined = _unwrap("\n".join(part for part in (table.rows[row][column].text, text) if part))
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
        _starts_with(cell.text, first) for cell, first in zip(rows[repeated], open_table.first_rows[repeated])
    ):
        repeated += 1
    leftover: dict[int, str] = {}
    for header, first in zip(rows[:repeated], open_table.first_rows):
        for column, (cell, text) in enumerate(zip(header, first)):
            rest = " ".join(cell.text.split())[len(" ".join(text.split())) :].strip()
            if rest and cell.merged is None:
                leftover[column] = rest
    rows = rows[repeated:]
    if leftover and not rows:
        rows = [[Cell("", cell.where) for cell in part.rows[repeated - 1]]]
    for row in rows[:1]:
        for column, text in leftover.items():
            cell = row[column]
            if cell.merged == "above":
                row[column] = Cell(text, cell.where)
            elif cell.merged is None:
                # Text read into the header (a table without rules has no line under it) is the top of the
                # cell below it.
                row[column] = Cell(_unwrap(f"{text}\n{cell.text}"), cell.where)
    table = open_table.table
    if rows and table.rows and _is_cut(table.rows[-1], rows[0], open_table.filled, part.ruled):
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
    elif rows and table.rows and part.ruled:
        _carry_merges(table.rows[-1], rows)
    start = len(table.rows)
    table.rows.extend(rows)
    if not part.ruled:
        _share_sub_rows(table.rows, start)
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
        if cell.merged == "above" or (cell.merged is None and (above.merged == "above" or sub_row)):
            first[column] = Cell(above.text, cell.where, "above")
            for row in rows[1:]:
                if row[column].merged != "above":
                    break
                row[column].text = above.text


def _is_cut(last: list[Cell], first: list[Cell], filled: list[bool], ruled: bool) -> bool:
    """Whether the first row of a page is the rest of the last row of the page before: it has no number,
    splits the width into the same cells (a section row spanning the table is not continued by the task
    row below it), and every cell it writes in was full down to the page's end (a new sub-row under
    cells merged from above writes where the row before had finished). Without rules a cell's end is
    not drawn: a cell that goes on mid-sentence (a small letter) counts as full."""
    if first[0].text.strip():
        return False
    if [cell.merged == "left" for cell in last] != [cell.merged == "left" for cell in first]:
        return False
    return all(
        filled[column] or (not ruled and cell.text[:1].islower())
        for column, cell in enumerate(first)
        if cell.text and cell.merged is None
    )


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
        message = (
            "tệp PDF có mật khẩu: hãy gỡ mật khẩu rồi tải lại"
            if "password" in str(exc).lower()
            else f"tệp PDF không đọc được ({exc})"
        )
        raise PlanImportError(message + ".") from exc
    out: list[Block] = []
    open_table: _OpenTable | None = None
    # The paragraph that ended the page before (its place in `out`, its item): the next page may go on with it.
    ending: tuple[int, _Item] | None = None
    seen_furniture: set[str] = set()
    tables_read: list[Table] = []
    text_chars = 0
    try:
        for page_number, page in enumerate(document, start=1):
            carried = open_table.columns if open_table is not None and not open_table.ruled else None
            items, count = _page_items(page, page_number, carried)
            text_chars += count
            # The text a paragraph running over the page break continues in: the body, and near the page's
            # edges whatever is not a page number or a running header already seen (the body's first lines
            # may lie close to the top).
            flowing = [item for item in items if not item.is_furniture or not _repeats(item, seen_furniture)]
            last, rest = (out[ending[0]], flowing[0].block) if ending is not None and flowing else (None, None)
            if (
                ending is not None
                and isinstance(last, Paragraph)
                and isinstance(rest, Paragraph)  # (what _goes_on requires)
                and _goes_on(last, ending[1], flowing[0])
            ):
                out[ending[0]] = Paragraph(
                    f"{last.text} {rest.text}",
                    last.where,
                    last.marker,
                    last.is_bold,
                    last.is_italic,
                    last.emphasis + rest.emphasis,
                )
                items.remove(flowing[0])
            ending = None
            for item in items:
                block = item.block
                if (
                    item.is_furniture
                    and isinstance(block, _PageTable)
                    and open_table is not None
                    and open_table.width == len(block.rows[0])
                    and not _repeats(item, seen_furniture)
                ):
                    item.is_furniture = False  # a short rest of the table the page before ended with
                if item.is_furniture:
                    # Running headers and page numbers repeat on every page: kept once, never splitting a
                    # table that runs on to the next page.
                    if _repeats(item, seen_furniture):
                        continue
                    seen_furniture.add(_furniture_text(item))
                if isinstance(block, _PageTable):
                    width = len(block.rows[0])
                    if open_table is not None and open_table.width == width and not item.is_furniture:
                        _continue(open_table, block)
                        open_table.columns = block.columns
                        continue
                    table = Table(block.rows, f"trang {page_number}, bảng {len(tables_read) + 1}")
                    tables_read.append(table)
                    out.append(table)
                    if not item.is_furniture:
                        open_table = _OpenTable(
                            table,
                            width,
                            [[c.text for c in row] for row in block.rows],
                            block.filled,
                            block.ruled,
                            block.columns,
                        )
                else:
                    out.append(block)
                    if not item.is_furniture:
                        open_table = None
                    if item is flowing[-1]:
                        ending = (len(out) - 1, item)
            if open_table is not None and not _ends_page(items):
                open_table = None
    finally:
        document.close()
    if text_chars == 0:
        raise PlanImportError(SCANNED)
    for number, table in enumerate(tables_read, start=1):
        _number_rows(table, number)
        table.rows = without_empty_columns(table.rows)
    return out


def _furniture_text(item: _Item) -> str:
    block = item.block
    return block.text if isinstance(block, Paragraph) else "|".join(c.text for row in block.rows for c in row)


def _repeats(item: _Item, seen: set[str]) -> bool:
    """Whether a block near the page's top or bottom edge is a page number or a running header or footer
    already met on an earlier page."""
    text = _furniture_text(item)
    return text in seen or bool(_PAGE_NUMBER_RE.match(text))


def _ends_page(items: list[_Item]) -> bool:
    """Whether the table is the last thing on the page (furniture aside), so it may run on to the next."""
    body = [item for item in items if not item.is_furniture]
    return bool(body) and isinstance(body[-1].block, _PageTable)
