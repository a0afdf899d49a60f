"""Reader for HTML documents: paragraphs and tables in document order, colspan and rowspan expanded to the
full grid and marked, <br> and block boundaries inside cells kept as line breaks."""

from __future__ import annotations

import re
from typing import Literal

from bs4 import BeautifulSoup, NavigableString, Tag

from .blocks import Block, Cell, StyledText, Table, fold_lines, without_empty_columns

_SKIPPED = {"script", "style", "head", "noscript", "template", "title", "meta", "link", "svg", "button", "select"}
_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "center",
    "dd",
    "dt",
    "dl",
    "ul",
    "ol",
    "hr",
    "pre",
    "form",
    "header",
    "footer",
    "nav",
    "main",
    "aside",
    "address",
    "figure",
    "figcaption",
    "caption",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "tfoot",
    "body",
}
_BOLD_TAGS = {"b", "strong", "h1", "h2", "h3", "h4", "h5", "h6", "th"}
_ITALIC_TAGS = {"i", "em", "cite", "dfn"}
_BOLD_STYLE_RE = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.IGNORECASE)
_ITALIC_STYLE_RE = re.compile(r"font-style\s*:\s*(italic|oblique)", re.IGNORECASE)
# Spans larger than any real table: a cap keeps a hostile page from building a huge grid.
_MAX_SPAN = 1000


def _span(tag: Tag, attribute: str) -> int:
    try:
        value = int(str(tag.get(attribute, "1")).strip() or "1")
    except ValueError:
        return 1
    return min(max(value, 1), _MAX_SPAN)


def _roman(number: int) -> str:
    out = ""
    for value, letters in [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ]:
        while number >= value:
            out += letters
            number -= value
    return out


def _list_marker(item: Tag) -> str:
    """The number or bullet a browser shows before an <li>."""
    parent = item.parent
    if not isinstance(parent, Tag) or parent.name != "ol":
        return "•" if isinstance(parent, Tag) and parent.name == "ul" else ""
    try:
        number = int(str(item.get("value") or ""))
    except ValueError:
        try:
            start = int(str(parent.get("start") or "1"))
        except ValueError:
            start = 1
        siblings = list(parent.find_all("li", recursive=False))
        number = start + next(i for i, li in enumerate(siblings) if li is item)
    kind = str(parent.get("type") or "1")
    if kind in ("a", "A") and number > 0:
        shown = chr(ord("a") + (number - 1) % 26)
        shown = shown.upper() if kind == "A" else shown
    elif kind in ("i", "I"):
        shown = _roman(number).upper() if kind == "I" else _roman(number)
    else:
        shown = str(number)
    return f"{shown}."


class _HtmlReader:
    def __init__(self):
        self.out: list[Block] = []
        self.pieces: list[tuple[str, bool, bool]] = []
        self.marker = ""
        self.paragraph_count = 0
        self.table_count = 0

    def flush(self) -> None:
        pieces, marker = self.pieces, self.marker
        self.pieces, self.marker = [], ""
        if marker and "".join(text for text, _, _ in pieces).strip():
            pieces = [(marker + " ", False, False), *pieces]
        paragraph = StyledText.join(pieces).paragraph(f"đoạn {self.paragraph_count + 1}", marker)
        if paragraph:
            self.paragraph_count += 1
            self.out.append(paragraph)

    def walk(self, node: Tag, bold: bool = False, italic: bool = False) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, CDATA or doctype
                    self.pieces.append((str(child), bold, italic))
                continue
            if not isinstance(child, Tag) or child.name in _SKIPPED:
                continue
            name = child.name
            if name == "table":
                self.flush()
                self.table_count += 1
                self.out.append(self.table(child, self.table_count))
                continue
            if name == "br":
                self.flush()  # an explicit line break ends the line the author wrote
                continue
            style = str(child.get("style") or "")
            child_bold = bold or name in _BOLD_TAGS or bool(_BOLD_STYLE_RE.search(style))
            child_italic = italic or name in _ITALIC_TAGS or bool(_ITALIC_STYLE_RE.search(style))
            if name in _BLOCK_TAGS:
                self.flush()
                if name == "li":
                    self.marker = _list_marker(child)
                self.walk(child, child_bold, child_italic)
                self.flush()
            else:
                self.walk(child, child_bold, child_italic)

    def cell_text(self, cell: Tag) -> str:
        """A cell's text: <br> and block boundaries as line breaks, an inner table a line per cell."""
        parts: list[str] = []

        def collect(node: Tag) -> None:
            for child in node.children:
                if isinstance(child, NavigableString):
                    if type(child) is NavigableString:
                        parts.append(re.sub(r"\s+", " ", str(child)))
                elif isinstance(child, Tag) and child.name not in _SKIPPED:
                    if child.name == "br":
                        parts.append("\n")
                    elif child.name in _BLOCK_TAGS or child.name == "table":
                        parts.append("\n")
                        if child.name == "li" and (marker := _list_marker(child)):
                            parts.append(marker + " ")
                        collect(child)
                        parts.append("\n")
                    else:
                        collect(child)

        collect(cell)
        return fold_lines("".join(parts))

    def table(self, table: Tag, number: int) -> Table:
        """The table's rows on the full grid: a colspan's extra columns merged "left", a rowspan's rows
        below merged "above", each carrying the text of the cell it continues."""
        rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
        # (row, column) → cell, filled by spans from the rows above
        grid: dict[tuple[int, int], Cell] = {}
        out: list[list[Cell]] = []
        for r, tr in enumerate(rows):
            column = 0
            for td in tr.find_all(["td", "th"], recursive=False):
                while (r, column) in grid:
                    column += 1
                text = self.cell_text(td)
                width, height = _span(td, "colspan"), min(_span(td, "rowspan"), len(rows) - r)
                for down in range(height):
                    for across in range(width):
                        merged: Literal["left", "above"] | None = "above" if down else ("left" if across else None)
                        where = f"bảng {number}, hàng {r + down + 1}, cột {column + across + 1}"
                        grid[(r + down, column + across)] = Cell(text, where, merged)
                column += width
            last = max((c for (row, c) in grid if row == r), default=-1)
            out.append(
                [grid.get((r, c)) or Cell("", f"bảng {number}, hàng {r + 1}, cột {c + 1}") for c in range(last + 1)]
            )
        return Table(without_empty_columns(out), f"bảng {number}")


def read_html_blocks(data: bytes | str) -> list[Block]:
    """The paragraphs and tables of an HTML page, in document order."""
    soup = BeautifulSoup(data, "lxml")
    reader = _HtmlReader()
    root = soup.body or soup
    reader.walk(root)
    reader.flush()
    return reader.out
