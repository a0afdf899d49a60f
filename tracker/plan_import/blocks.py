"""The neutral stream every reader produces and every recogniser reads: paragraphs and tables, in
document order, each saying where it came from."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

# A cell that a merge covers: "left" continues the cell to its left (Word gridSpan, HTML colspan),
# "above" continues the cell above (Word vMerge, HTML rowspan). Such a cell carries the text of the
# cell it continues, so a recogniser can read the grid either way.
Merge = Literal["left", "above"]


@dataclass
class Cell:
    text: str  # line breaks inside the cell kept as "\n"; markdown emphasis removed
    where: str  # "dòng 212", "bảng 2, hàng 5, cột 3", "trang 9, bảng 1, hàng 4, cột 2"
    merged: Merge | None = None


@dataclass
class Table:
    rows: list[list[Cell]]
    where: str  # where the table starts
    # True when the source cannot show merges (the scraped "flattened" tables, where each cell is a
    # "|"-separated paragraph): a merged cell there is simply missing, so rows may be shorter than
    # the header. False for .docx, .html and .pdf, whose rows are expanded to the full grid.
    is_flattened: bool = False


@dataclass
class Paragraph:
    """One logical paragraph: hard-wrapped lines joined, whitespace folded, emphasis marks removed."""

    text: str  # the whole paragraph, its marker included ("a) Xây dựng …", "- Đơn vị chủ trì: …")
    where: str  # "dòng 40" (text), "đoạn 12" (.docx), "trang 3" (.pdf)
    # The leading numbering or bullet as written, when there is one: "I.", "1.", "1.2.", "2.2.1.",
    # "a)", "đ)", "(1)", "-", "+", "•", "*". Automatic Word numbering is rendered here too.
    marker: str = ""
    is_bold: bool = False  # the paragraph's first words are bold (headings, labels)
    is_italic: bool = False  # the paragraph's first words are italic
    # Emphasised spans as they were written (text of each bold or italic run), for recognisers
    # that need to tell a label from its value when the emphasis is misplaced.
    emphasis: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The text after the marker."""
        return self.text[len(self.marker) :].strip() if self.marker and self.text.startswith(self.marker) else self.text


Block = Paragraph | Table


# The leading numbering or bullet of a paragraph: bullets, "(1)", "(a)", "a)", "1.", "1.2.", "1)", "I.",
# "II.1.", "A.". It is followed by white space or ends the line ("1." alone on a line, its text below).
MARKER_RE = re.compile(
    r"^(?:[-+•*–]"
    r"|\(\d{1,3}\)|\([a-zđ]\)"
    r"|[a-zđ]\)"
    r"|\d{1,3}(?:\.\d{1,3})*[.)]"
    r"|[IVXLC]{1,7}(?:\.\d{1,3})*\."
    r"|[A-Z]\.)"
    r"(?=\s|$)"
)
_SPACE_RE = re.compile(r"[^\S\n]+")
_ANY_SPACE_RE = re.compile(r"\s+")


def leading_marker(text: str) -> str:
    """The numbering or bullet text starts with, or ""."""
    match = MARKER_RE.match(text)
    return match.group(0) if match else ""


def fold(text: str) -> str:
    """NFC text with every run of white space (line breaks included) made one space."""
    return _ANY_SPACE_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold_lines(text: str) -> str:
    """NFC text with white space folded inside each line, line breaks kept and blank lines dropped."""
    lines = (_SPACE_RE.sub(" ", line).strip() for line in unicodedata.normalize("NFC", text).split("\n"))
    return "\n".join(line for line in lines if line)


@dataclass
class StyledText:
    """Text and, per character, whether it is bold or italic (markdown marks or Word and HTML runs)."""

    text: str
    bold: list[bool]
    italic: list[bool]
    bold_open: bool = False  # markdown: the state after the last character, for the paragraph's next line
    italic_open: bool = False

    def folded(self) -> StyledText:
        """White space folded to single spaces, the flags following their characters."""
        text: list[str] = []
        bold: list[bool] = []
        italic: list[bool] = []
        for char, b, i in zip(self.text, self.bold, self.italic):
            if char.isspace():
                if not text or text[-1] == " ":
                    continue
                char = " "
            text.append(char)
            bold.append(b)
            italic.append(i)
        while text and text[-1] == " ":
            text.pop(), bold.pop(), italic.pop()
        return StyledText("".join(text), bold, italic, self.bold_open, self.italic_open)

    def spans(self) -> list[str]:
        """The emphasised stretches, as written."""
        found: list[str] = []
        start = None
        for index in range(len(self.text) + 1):
            on = index < len(self.text) and (self.bold[index] or self.italic[index])
            if on and start is None:
                start = index
            elif not on and start is not None:
                if span := fold(self.text[start:index]):
                    found.append(span)
                start = None
        return found

    def style_at(self, index: int) -> tuple[bool, bool]:
        """(bold, italic) of the first visible character at or after index."""
        while index < len(self.text) and self.text[index].isspace():
            index += 1
        return (self.bold[index], self.italic[index]) if index < len(self.text) else (False, False)

    def paragraph(self, where: str, marker: str = "") -> Paragraph | None:
        """The paragraph this text makes (white space folded), its marker found unless given; None if empty."""
        folded = self.folded()
        if not folded.text:
            return None
        marker = marker or leading_marker(folded.text)
        bold, italic = folded.style_at(0)
        body_bold, body_italic = folded.style_at(len(marker))
        return Paragraph(folded.text, where, marker, bold or body_bold, italic or body_italic, folded.spans())

    @classmethod
    def join(cls, pieces: list[tuple[str, bool, bool]]) -> StyledText:
        """Text from (text, bold, italic) pieces, as Word runs and HTML inline elements give it."""
        bold: list[bool] = []
        italic: list[bool] = []
        texts: list[str] = []
        for text, is_bold, is_italic in pieces:
            text = unicodedata.normalize("NFC", text)
            texts.append(text)
            bold.extend([is_bold] * len(text))
            italic.extend([is_italic] * len(text))
        return cls("".join(texts), bold, italic)


def without_empty_columns(rows: list[list[Cell]]) -> list[list[Cell]]:
    """The rows without the grid columns that hold no text of their own in any row: a spacer column a
    layout added, or the sliver a PDF grid makes of two rules slightly apart (its cells empty or covered
    by the cell to their left). They carry nothing, and would shift the data under a header that leaves
    them out. Each cell keeps its own place."""
    width = max((len(row) for row in rows), default=0)
    empty = {
        c
        for c in range(width)
        if all(c >= len(row) or not row[c].text.strip() or row[c].merged == "left" for row in rows)
    }
    if not empty or len(empty) == width:
        return rows
    kept: list[list[Cell]] = []
    for row in rows:
        cells: list[Cell] = []
        for c, cell in enumerate(row):
            if c in empty:
                continue
            # A merge whose first cell was dropped starts again here.
            if cell.merged == "left" and (not cells or cells[-1].text != cell.text):
                cell = Cell(cell.text, cell.where, None)
            cells.append(cell)
        kept.append(cells)
    return kept
