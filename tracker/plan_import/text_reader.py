"""Reader for plain text and Markdown: paragraphs (hard-wrapped lines joined, list items apart, emphasis
recorded) and the three ways a text writes a table (flattened "|" cells, pipe rows, tab-indented cells)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .blocks import Block, Cell, Paragraph, StyledText, Table, fold, leading_marker
from .document import PlanImportError
from .metadata import strip_bookmarks

_BAR = "|"
_PIPE_SEPARATOR_RE = re.compile(r"^[\s|:\-+]+$")
_RULE_RE = re.compile(r"^\s*(?:[-_=]\s*){3,}$|^\s*(?:\*\s*){3,}$")
_HEADING_RE = re.compile(r"^(#{1,6})(?:\s+|$)")
_BULLET_STAR_RE = re.compile(r"^\*\s")
# Legal-document parts that open a paragraph though they carry no list marker ("Điều 2. …").
_PART_RE = re.compile(r"^(?:Điều|Chương|Mục|Phần)\s+(?:\d+|[IVXLC]+)\b")
_BREAK_TAG_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ESCAPABLE = set("\\`*_{}[]()#+-.!|")


def decode_text(data: bytes) -> str:
    """UTF-8 text (with or without BOM), NFC; anything else is refused with the line where it breaks."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PlanImportError(
            "tệp không phải văn bản UTF-8 (có thể là tệp nhị phân hoặc mã hóa khác); hãy lưu lại dưới dạng UTF-8.",
            f"dòng {line}",
        ) from exc
    return unicodedata.normalize("NFC", strip_bookmarks(text))


def read_text(data: bytes) -> list[Block]:
    """The blocks of a .txt or .md file, in order."""
    lines = [line.rstrip("\r") for line in decode_text(data).split("\n")]
    return _TextScanner(lines).blocks()


# --- Emphasis -----------------------------------------------------------------------------------------


def _is_delimiter(text: str, start: int, end: int) -> bool:
    """A run of "*" or "_" is emphasis unless it is a single mark between spaces (a bullet, a times sign),
    marks a footnote "(*)", or is an "_" inside a word (file names, identifiers)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if end - start == 1 and before.isspace() and after.isspace():
        return False
    if before == "(" and after == ")":
        return False
    return not (text[start] == "_" and before.isalnum() and after.isalnum())


def strip_emphasis(text: str, bold: bool = False, italic: bool = False) -> StyledText:
    """Remove markdown emphasis, each mark toggling bold ("**", "__") or italic ("*", "_").

    Scraped documents misplace the marks ("*Đơn vị chủ trì: *Các sở"), so a mark toggles whatever
    stands around it instead of following CommonMark's flanking rules.
    """
    if "*" not in text and "_" not in text and "\\" not in text:  # no mark: the text as it is (most cells)
        return StyledText(text, [bold] * len(text), [italic] * len(text), bold, italic)
    out: list[str] = []
    bolds: list[bool] = []
    italics: list[bool] = []
    index = 0
    while index < len(text):
        char = text[index]
        end = index + 1
        if char == "\\" and end < len(text) and text[end] in _ESCAPABLE:
            piece, end = text[end], end + 1
        elif char in "*_":
            while end < len(text) and text[end] == char:
                end += 1
            if _is_delimiter(text, index, end):
                run = end - index
                bold = not bold if run != 1 else bold
                italic = not italic if run != 2 else italic
                index = end
                continue
            piece = text[index:end]
        else:
            piece = char
        out.append(piece)
        bolds.extend([bold] * len(piece))
        italics.extend([italic] * len(piece))
        index = end
    return StyledText("".join(out), bolds, italics, bold, italic)


# --- Paragraphs ---------------------------------------------------------------------------------------


def _starts_new_line(line: str, emphasis_open: bool) -> bool:
    """Whether a hard-wrapped line begins a new paragraph (or a new line inside a cell): a list marker, a
    heading, a legal part ("Điều 2."), or emphasis opening at the start of the line (a label)."""
    stripped = line.strip()
    if _HEADING_RE.match(stripped) or _BULLET_STAR_RE.match(stripped):
        return True
    bare = stripped.lstrip("*_ ")
    if leading_marker(bare) or _PART_RE.match(bare):
        return True
    return not emphasis_open and stripped[:1] in ("*", "_") and bare != ""


# A text wrapped by hand (or by a PDF extractor) keeps its lines within a typewriter margin; a text whose
# lines run longer than this holds one paragraph a line, and joining its lines would merge paragraphs.
_MAX_WRAP_WIDTH = 110
# Below this, lines are short on their own (a letterhead, a list typed line by line), not wrapped.
_MIN_WRAP_WIDTH = 40
_LINES_TO_JUDGE = 5


def wrap_width(lines: list[str]) -> int | None:
    """The margin a hard-wrapped text was wrapped at (the 90th percentile of its line lengths), or None when
    its lines are not wrapped at all."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip() and "|" not in line)
    if not lengths:
        return None
    width = lengths[int((len(lengths) - 1) * 0.9)]
    # A few lines are too few to tell short lines from a narrow margin: they are read as wrapped.
    narrowest = _MIN_WRAP_WIDTH if len(lengths) >= _LINES_TO_JUDGE else 0
    return width if narrowest <= width <= _MAX_WRAP_WIDTH else None


def _logical_lines(
    lines: list[tuple[int, str]], wrap: int | None = None, *, in_cell: bool = False
) -> list[list[tuple[int, str]]]:
    """Hard-wrapped lines grouped into paragraphs: a group starts at a line that opens a new item, and at
    every line of running text that is not wrapped. (A short line does not end a paragraph: scraped texts
    break a paragraph's first line early, where the page indented it.)"""
    groups: list[list[tuple[int, str]]] = []
    bold = italic = False
    for number, line in lines:
        if not groups or (wrap is None and not in_cell) or _starts_new_line(line, bold or italic):
            groups.append([])
        groups[-1].append((number, line))
        state = strip_emphasis(line, bold, italic)
        bold, italic = state.bold_open, state.italic_open
    return groups


def _heading_free(line: str) -> tuple[str, bool]:
    """The line without a markdown heading's "#" marks, and whether it was a heading."""
    match = _HEADING_RE.match(line.strip())
    return (line.strip()[match.end() :], True) if match else (line, False)


def _paragraph(group: list[tuple[int, str]]) -> Paragraph | None:
    first, is_heading = _heading_free(group[0][1])
    raw = " ".join([first.strip()] + [line.strip() for _, line in group[1:]])
    paragraph = strip_emphasis(raw).paragraph(f"dòng {group[0][0]}")
    if paragraph and is_heading:
        paragraph.is_bold = True
    return paragraph


def _cell_text(lines: list[tuple[int, str]]) -> str:
    """A cell's lines: hard wraps joined, a line per list item or label, emphasis removed."""
    parts: list[str] = []
    bold = italic = False
    for group in _logical_lines([(number, line) for number, line in lines if not _RULE_RE.match(line)], in_cell=True):
        first, _ = _heading_free(group[0][1])
        raw = " ".join([first.strip()] + [line.strip() for _, line in group[1:]])
        styled = strip_emphasis(raw, bold, italic)
        bold, italic = styled.bold_open, styled.italic_open
        if text := fold(styled.text):
            parts.append(text)
    return "\n".join(parts)


def _pipe_cell_text(text: str) -> str:
    """A pipe-table cell: "<br>" is a line break written in the only way a one-line row allows."""
    parts = (_cell_text([(0, part)]) for part in _BREAK_TAG_RE.split(text))
    return "\n".join(part for part in parts if part)


# --- Tables -------------------------------------------------------------------------------------------


# A row of a table copied as text from Word or a spreadsheet has at least three cells between tabs.
_TAB_ROW_CELLS = 3


def _is_tab_row(line: str) -> bool:
    return len(list(line.split("\t"))) >= _TAB_ROW_CELLS and bool(line.split("\t", maxsplit=1)[0].strip())


def _is_bar(line: str) -> bool:
    return line.strip() == _BAR


def _is_pipe_row(line: str) -> bool:
    return line.count(_BAR) >= 2 and not _is_bar(line)


@dataclass
class _Segment:
    """The cells of a flattened table between two row boundaries, before empty cells are placed."""

    cells: list[list[tuple[int, str]]]
    bars: list[int]  # per cell, the number of the "|" line before it
    bars_before: int  # "|" lines before the first cell
    bars_after: int  # "|" lines after the last cell
    after_line: int  # number of the first of those

    def head(self, count: int) -> _Segment:
        after = self.bars[count] if count < len(self.cells) else self.after_line
        return _Segment(
            self.cells[:count],
            self.bars[:count],
            self.bars_before,
            1 if count < len(self.cells) else self.bars_after,
            after,
        )

    def tail(self, count: int) -> _Segment:
        start = len(self.cells) - count
        return _Segment(self.cells[start:], self.bars[start:], 1, self.bars_after, self.after_line)


def _place_empties(extra: int, filled: int, following: int, width: int) -> tuple[int, int]:
    """How many of `extra` surplus "|" lines between two rows are empty cells ending the first row and
    how many are empty cells starting the next; the rest were spacer rows. Rows are most often as wide as
    the table, so the split that makes them so wins; then no spacer row; then empties at the row end."""
    room_end, room_start = max(width - filled, 0), max(width - following, 0)
    # The best split is always one of these corners (each makes one of the wishes above come true).
    trailing_options = {0, min(extra, room_end), max(min(extra - room_start, room_end), 0)}
    best: tuple[tuple[int, bool, int], int, int] | None = None
    for trailing in trailing_options:
        for leading in {0, min(extra - trailing, room_start)}:
            score = (
                (filled + trailing == width) + (leading + following == width),
                extra == trailing + leading,
                trailing,
            )
            if best is None or score > best[0]:
                best = (score, trailing, leading)
    assert best is not None
    return best[1], best[2]


def _flattened_rows(segments: list[_Segment]) -> list[list[Cell]]:
    """Rows from the segments, with the empty cells the surplus "|" lines stand for."""
    width = max(len(segment.cells) for segment in segments)
    rows: list[list[Cell]] = []
    first = segments[0]
    leading = min(first.bars_before - 1, max(width - len(first.cells), 0))
    leading_line = first.bars[0] - leading + 1
    for index, segment in enumerate(segments):
        row = [Cell("", f"dòng {leading_line + k}") for k in range(leading)]
        row += [Cell(_cell_text(lines), f"dòng {lines[0][0]}") for lines in segment.cells]
        if index + 1 < len(segments):
            following = len(segments[index + 1].cells)
            trailing, leading = _place_empties(segment.bars_after - 2, len(row), following, width)
            leading_line = segment.after_line + segment.bars_after - leading
        else:
            trailing = min(max(segment.bars_after - 1, 0), max(width - len(row), 0))
        row += [Cell("", f"dòng {segment.after_line + k}") for k in range(trailing)]
        rows.append(row)
    return rows


def _header_width(segments: list[_Segment], index: int, *, narrower: bool = True) -> int:
    """The width of the table that may start at the end of segments[index]: the widest of the next rows
    (of those narrower than that segment, a wider one being itself glued to something)."""
    size = len(segments[index].cells)
    following = segments[index + 1 : index + 13]
    return max((len(s.cells) for s in following if len(s.cells) < size or not narrower), default=0)


# The rows right after a row glued to the next table are that table's own, never as wide as the glued row.
_ROWS_AFTER_GLUE = 3


def _has_text(cells: list[list[tuple[int, str]]]) -> bool:
    return any(_cell_text(lines) for lines in cells)


def _split_glued(segments: list[_Segment]) -> list[list[_Segment] | list[tuple[int, str]]]:
    """Tables (lists of segments) and the text between them (cells' lines) from one run of "|"-separated
    cells. Without blank lines, a table's last row, the text after it (body, caption, signature) and
    the next table's header row read as one long row: a row wider than its table is cut into the end of
    the table, the text, and the header of the next table, as wide as the rows that follow it."""
    parts: list[list[_Segment] | list[tuple[int, str]]] = []
    table: list[_Segment] = []
    width = 0
    for index, segment in enumerate(segments):
        size = len(segment.cells)
        header = _header_width(segments, index)
        widest_after = _header_width(segments, index, narrower=False)
        widest_next = max((len(s.cells) for s in segments[index + 1 : index + 1 + _ROWS_AFTER_GLUE]), default=0)
        leading = segment.bars_before - 2 if table and segment.bars_before > 2 else 0
        kept = max(min(width - leading, size - header), 0) if table else 0
        # A run's first row is cut only when clearly wider than all that follow: a header row is often
        # wider than the section and continuation rows under it. Later, a row is glued only when it is
        # wider than the rows on both sides of it (a table that opens with merged section rows widens at
        # its header) and holds some text between the end of the table and the next header.
        if table:
            glued = size > width and widest_next < size and _has_text(segment.cells[kept : size - header])
        else:
            glued = 0 < widest_after < size - 1
        if not glued:
            table.append(segment)
            width = max(width, size)
            continue
        if kept:
            table.append(segment.head(kept))
        if table:
            parts.append(table)
        for lines in segment.cells[kept : size - header]:
            parts.append(lines)
        table = [segment.tail(header)] if header else []
        width = header
    if table:
        parts.append(table)
    return parts


class _TextScanner:
    """Walks the lines once, cutting them into paragraphs and tables."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.wrap = wrap_width(lines)
        self.out: list[Block] = []
        self.pending: list[tuple[int, str]] = []

    def blocks(self) -> list[Block]:
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            if not line.strip():
                self._flush()
                index += 1
            elif line.startswith("\t"):
                self._flush()
                index = self._tab_table(index)
            elif _is_tab_row(line):
                self._flush()
                index = self._tab_separated_table(index)
            elif _is_bar(line) and index + 1 < len(self.lines) and _is_pipe_row(self.lines[index + 1]):
                index += 1  # a stray "|" line the scraper left before a pipe table
            elif _is_pipe_row(line):
                self._flush()
                index = self._pipe_table(index)
            elif _is_bar(line):
                self._flush()
                index = self._flattened_table(index)
            elif _RULE_RE.match(line):
                self._flush()  # a horizontal rule under a letterhead: no text
                index += 1
            else:
                self.pending.append((index + 1, line))
                index += 1
        self._flush()
        return self.out

    def _flush(self) -> None:
        for group in _logical_lines(self.pending, self.wrap):
            if paragraph := _paragraph(group):
                self.out.append(paragraph)
        self.pending = []

    def _flattened_table(self, start: int) -> int:
        """Scraped tables whose cells are paragraphs between lines holding only "|": a row ends where two
        such lines meet, more of them stand for empty cells, and a blank line ends the run."""
        lines = self.lines
        index = start
        while index < len(lines) and _is_bar(lines[index]):
            index += 1
        segments: list[_Segment] = []
        segment = _Segment([], [], index - start, 0, 0)
        while index < len(lines) and lines[index].strip():
            cell_start = index
            cell: list[tuple[int, str]] = []
            while index < len(lines) and lines[index].strip() and not _is_bar(lines[index]):
                cell.append((index + 1, lines[index]))
                index += 1
            if any(_HEADING_RE.match(line.strip()) for _, line in cell):
                # A page heading ("## Văn bản liên quan") is never inside a cell: the table ended before it.
                index = cell_start
                if segment.cells:
                    segment.bars_after, segment.after_line = 1, cell_start
                    segments.append(segment)
                break
            segment.bars.append(cell_start)  # the line number (1-based) of the "|" line just before
            segment.cells.append(cell)
            bar_start = index
            while index < len(lines) and _is_bar(lines[index]):
                index += 1
            bars = index - bar_start
            if bars != 1 or index >= len(lines) or not lines[index].strip():
                segment.bars_after, segment.after_line = bars, bar_start + 1
                segments.append(segment)
                segment = _Segment([], [], bars, 0, 0)
        trailing_text: list[tuple[int, str]] = []
        if segments and segments[-1].bars_after == 0:
            # A row always ends with "|": text running to the blank line after the last one is not a cell.
            last = segments[-1]
            trailing_text = last.cells.pop()
            last.bars.pop()
            last.bars_after, last.after_line = 1, trailing_text[0][0] - 1
            if not last.cells:
                segments.pop()
        for part in _split_glued(segments):
            if part and isinstance(part[0], _Segment):
                rows = _flattened_rows(part)
                self.out.append(Table(rows, f"dòng {part[0].bars[0] - part[0].bars_before + 1}", is_flattened=True))
            else:
                self.pending = [line for line in part if not isinstance(line, _Segment)]  # (all of them)
                self._flush()
        self.pending = trailing_text
        return index

    def _pipe_table(self, start: int) -> int:
        """A table written one row a line with "|" between cells (Markdown and similar)."""
        rows: list[list[Cell]] = []
        index = start
        while index < len(self.lines) and _is_pipe_row(self.lines[index]):
            line = self.lines[index]
            index += 1
            if _PIPE_SEPARATOR_RE.match(line):
                continue
            body = line.strip()
            body = body[1:] if body.startswith(_BAR) else body
            body = body[:-1] if body.endswith(_BAR) and not body.endswith("\\|") else body
            texts = re.split(r"(?<!\\)\|", body)
            rows.append(
                [Cell(_pipe_cell_text(text), f"dòng {index}, cột {col}") for col, text in enumerate(texts, start=1)]
            )
        if rows:
            self.out.append(Table(rows, f"dòng {start + 1}"))
        return index

    def _tab_separated_table(self, start: int) -> int:
        """A table copied from Word or a spreadsheet: a row a line, cells separated by tabs, as many as the
        header has. A cell holding several paragraphs breaks its row over lines: while a row is short of the
        header's width and the next line fits in what is missing, that line carries on the row (its first
        part ends the row's last cell, the rest are the next cells). A blank line ends the table."""
        rows: list[list[Cell]] = []
        width = 0
        index = start
        while index < len(self.lines) and self.lines[index].strip():
            line, number = self.lines[index], index + 1
            parts = [strip_emphasis(part).text.strip() for part in line.split("\t")]
            index += 1
            last = rows[-1] if len(rows) > 1 else None  # the header row is never carried on
            if last is not None and len(last) < width and len(last) + len(parts) - 1 <= width:
                last[-1].text = "\n".join(t for t in (last[-1].text, parts[0]) if t)
                last.extend(Cell(text, f"dòng {number}, cột {len(last) + 1}") for text in parts[1:])
                continue
            rows.append([Cell(text, f"dòng {number}, cột {col}") for col, text in enumerate(parts, start=1)])
            width = width or len(parts)
        self.out.append(Table(rows, f"dòng {start + 1}"))
        return index

    def _tab_table(self, start: int) -> int:
        """A table whose cells each start on a tab-indented line and run on over untabbed lines; a blank
        line ends the row, an untabbed line after it ends the table."""
        rows: list[list[Cell]] = []
        row: list[Cell] | None = None
        cell_lines: list[str] = []
        index = start

        def close_cell() -> None:
            if row is not None and cell_lines:
                row[-1].text = "\n".join(fold(line) for line in cell_lines if fold(line))
                cell_lines.clear()

        while index < len(self.lines):
            line = self.lines[index]
            if line.startswith("\t"):
                close_cell()
                if row is None:
                    row = []
                    rows.append(row)
                row.append(Cell("", f"dòng {index + 1}"))
                cell_lines.append(strip_emphasis(line[1:]).text)
            elif not line.strip():
                close_cell()
                row = None
            elif row is not None:
                cell_lines.append(strip_emphasis(line).text)
            else:
                break
            index += 1
        close_cell()
        if max(len(row) for row in rows) < 2:
            # Tab-indented paragraphs, not a table: no row has two cells.
            for number in range(start, index):
                if self.lines[number].strip():
                    self.pending.append((number + 1, self.lines[number]))
                else:
                    self._flush()
            return index
        self.out.append(Table(rows, f"dòng {start + 1}", is_flattened=True))
        return index
