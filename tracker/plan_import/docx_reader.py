"""Reader for .docx documents: body paragraphs and tables in document order, each table row expanded to
the full grid with Word's merged cells marked, automatic numbering rendered as the paragraph's marker."""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from .blocks import Block, Cell, StyledText, Table, fold_lines, without_empty_columns
from .document import PlanImportError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"

# Word allows 63 columns; a span far beyond that is a broken or hostile file, not a wider table.
MAX_SPAN = 1000

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
# Elements whose text is not shown: deleted revisions, the old copy of moved text, and the fallback
# copy of a drawing (its text box is read once, from the drawing itself).
_HIDDEN = {f"{{{W}}}del", f"{{{W}}}moveFrom", _MC_FALLBACK}
# Wrappers whose children are read as if they stood in their place.
_WRAPPERS = {
    f"{{{W}}}sdt",
    f"{{{W}}}sdtContent",
    f"{{{W}}}customXml",
    f"{{{W}}}ins",
    f"{{{W}}}moveTo",
    f"{{{W}}}smartTag",
}
_TRUE = {None, "1", "true", "on"}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(element: etree._Element | None, attribute: str = "val") -> str | None:
    return None if element is None else element.get(w(attribute))


def _int(value: str | None, default: int) -> int:
    """A number attribute; a malformed one counts as absent."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _flag(element: etree._Element | None) -> bool | None:
    """An on/off property (<w:b/>, <w:b w:val="0"/>), or None when it is not set here."""
    return None if element is None else _val(element) in _TRUE


# --- The package ----------------------------------------------------------------------------------------


def _open_package(data: bytes) -> zipfile.ZipFile:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise PlanImportError(f"tệp không phải là tài liệu .docx đọc được ({exc}).") from exc
    # Its size, parts and compression were checked before any reader ran (tracker.containers, in sources).
    return package


def _part(package: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        return etree.fromstring(package.read(name), _PARSER)
    except KeyError:
        return None
    except etree.XMLSyntaxError as exc:
        raise PlanImportError(f"tệp .docx bị hỏng: phần {name} không đọc được ({exc}).") from exc


def _related(package: zipfile.ZipFile, source: str, kind: str) -> str | None:
    """The name of the part `source` relates to with relationship `kind`."""
    folder, base = posixpath.split(source)
    rels = _part(package, posixpath.join(folder, "_rels", base + ".rels"))
    if rels is None:
        return None
    for rel in rels.iter(f"{{{_REL}}}Relationship"):
        if rel.get("Type") == kind and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
    return None


# --- Styles and numbering -------------------------------------------------------------------------------


@dataclass
class _Style:
    based_on: str | None
    bold: bool | None
    italic: bool | None
    numbering: tuple[str, int] | None  # (numId, level) of a style with a list attached (headings)


class _Styles:
    """Paragraph and character styles, enough to know whether text is bold or italic and numbered."""

    def __init__(self, root: etree._Element | None):
        self.styles: dict[str, _Style] = {}
        self.default_bold = self.default_italic = False
        if root is None:
            return
        defaults = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        if defaults is not None:
            self.default_bold = bool(_flag(defaults.find(w("b"))))
            self.default_italic = bool(_flag(defaults.find(w("i"))))
        for style in root.iter(w("style")):
            run = style.find(w("rPr"))
            num = style.find(f"{w('pPr')}/{w('numPr')}")
            numbering = None
            if num is not None and _val(num.find(w("numId"))):
                numbering = (_val(num.find(w("numId"))) or "", _int(_val(num.find(w("ilvl"))), 0))
            self.styles[style.get(w("styleId"), "")] = _Style(
                _val(style.find(w("basedOn"))),
                _flag(run.find(w("b"))) if run is not None else None,
                _flag(run.find(w("i"))) if run is not None else None,
                numbering,
            )

    def _lookup(self, style_id: str | None, attribute: str):
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            value = getattr(self.styles[style_id], attribute)
            if value is not None:
                return value
            style_id = self.styles[style_id].based_on
        return None

    def bold(self, style_id: str | None) -> bool | None:
        return self._lookup(style_id, "bold")

    def italic(self, style_id: str | None) -> bool | None:
        return self._lookup(style_id, "italic")

    def numbering(self, style_id: str | None) -> tuple[str, int] | None:
        return self._lookup(style_id, "numbering")


@dataclass
class _Level:
    start: int
    format: str
    text: str
    legal: bool = False


@dataclass
class _List:
    levels: dict[int, _Level]
    counters: dict[int, int] = field(default_factory=dict)


_ROMAN = [
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
]


def _roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def _letter(number: int) -> str:
    # Word repeats the letter past z: a … z, aa … zz.
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1) if number > 0 else ""


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "lowerLetter": _letter,
    "upperLetter": lambda n: _letter(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
}
_BULLETS_KEPT = {"-", "–", "—", "+", "•", "*"}


class _Numbering:
    """Word's automatic numbering: counts each list's paragraphs and renders their numbers as written."""

    def __init__(self, root: etree._Element | None, styles: _Styles):
        self.lists: dict[str, _List] = {}
        if root is None:
            return
        abstract: dict[str, dict[int, _Level]] = {}
        linked: dict[str, str] = {}  # abstractNumId → the numbering style it takes its levels from
        for node in root.iter(w("abstractNum")):
            abstract_id = node.get(w("abstractNumId"), "")
            abstract[abstract_id] = {_int(level.get(w("ilvl")), 0): _level(level) for level in node.iter(w("lvl"))}
            if link := _val(node.find(w("numStyleLink"))):
                linked[abstract_id] = link
        nums = {node.get(w("numId"), ""): node for node in root.iter(w("num"))}
        # Lists of one abstract definition count together (Word continues the numbering) unless a list
        # restarts it.
        shared: dict[str, dict[int, int]] = {}
        for num_id, node in nums.items():
            abstract_id = self._abstract(nums, node, linked, styles)
            levels = dict(abstract.get(abstract_id, {}))
            restarts = False
            for override in node.iter(w("lvlOverride")):
                ilvl = _int(override.get(w("ilvl")), 0)
                if (replaced := override.find(w("lvl"))) is not None:
                    levels[ilvl] = _level(replaced, levels.get(ilvl))
                    restarts = True
                start = _val(override.find(w("startOverride")))
                if start is not None and ilvl in levels:
                    old = levels[ilvl]
                    levels[ilvl] = _Level(_int(start, old.start), old.format, old.text, old.legal)
                    restarts = True
            counters = {} if restarts else shared.setdefault(abstract_id, {})
            self.lists[num_id] = _List(levels, counters)

    @staticmethod
    def _abstract(nums: dict, node: etree._Element, linked: dict[str, str], styles: _Styles) -> str:
        """The abstract definition a list uses, following a list style ("numStyleLink") to the list it names."""
        abstract_id = _val(node.find(w("abstractNumId"))) or ""
        seen = set()
        while abstract_id in linked and abstract_id not in seen:
            seen.add(abstract_id)
            style = styles.numbering(linked[abstract_id])
            target = nums.get(style[0]) if style else None
            if target is None:
                break
            abstract_id = _val(target.find(w("abstractNumId"))) or ""
        return abstract_id

    def marker(self, num_id: str, ilvl: int) -> str:
        """The next number of list num_id at level ilvl, as Word shows it; "" when it cannot be rendered."""
        numbered = self.lists.get(num_id)
        if numbered is None or ilvl not in numbered.levels:
            return ""
        level = numbered.levels[ilvl]
        counters = numbered.counters
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.format == "bullet":
            return level.text if level.text in _BULLETS_KEPT else "•"
        text = level.text
        for k in range(9, 0, -1):
            if f"%{k}" in text:
                shown = numbered.levels.get(k - 1)
                if shown is None or shown.format not in _FORMATS:
                    return ""
                # Legal numbering ("isLgl") shows the upper levels as plain numbers: "II.1" becomes "2.1".
                render = _FORMATS["decimal" if level.legal else shown.format]
                text = text.replace(f"%{k}", render(counters.get(k - 1, shown.start)))
        return text.strip()


def _level(node: etree._Element, base: _Level | None = None) -> _Level:
    """A list level's definition; what it leaves out comes from `base` (the level it overrides)."""
    start = _val(node.find(w("start")))
    return _Level(
        _int(start, base.start if base else 1),
        _val(node.find(w("numFmt"))) or (base.format if base else "decimal"),
        _val(node.find(w("lvlText"))) or (base.text if base else ""),
        node.find(w("isLgl")) is not None,
    )


# --- Text ------------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, package: zipfile.ZipFile):
        main = _related(package, "", _OFFICE_DOCUMENT) or "word/document.xml"
        document = _part(package, main)
        if document is None:
            raise PlanImportError("tệp .docx không có phần nội dung (word/document.xml): hãy lưu lại bằng Word.")
        self.document: etree._Element = document
        self.styles = _Styles(_part(package, _related(package, main, _STYLES) or "word/styles.xml"))
        self.numbering = _Numbering(
            _part(package, _related(package, main, _NUMBERING) or "word/numbering.xml"), self.styles
        )
        self.out: list[Block] = []
        self.paragraph_count = 0
        self.table_count = 0

    def blocks(self) -> list[Block]:
        body = self.document.find(w("body"))
        if body is None:
            return []
        self._body(body)
        return self.out

    def _body(self, element: etree._Element) -> None:
        for child in self._children(element):
            if child.tag == w("p"):
                self._body_paragraph(child)
            elif child.tag == w("tbl"):
                if self._is_layout(child):
                    # A one-column table that frames the text (the whole plan, or its appendix with the
                    # task table inside): its content is read as if it stood in the body.
                    for row in self._rows(child):
                        for cell, _, _ in row:
                            if cell is not None:
                                self._body(cell)
                    continue
                self.table_count += 1
                self.out.append(self._table(child, self.table_count))

    def _is_layout(self, table: etree._Element) -> bool:
        """A table of one column whose cells hold tables: a frame, not a table of the plan."""
        rows = list(self._rows(table))
        return (
            bool(rows)
            and all(len(row) == 1 and row[0][0] is not None for row in rows)
            and any(inner.tag == w("tbl") for row in rows for inner in self._children(row[0][0]))
        )

    def _children(self, element: etree._Element):
        """The block-level children of element, content controls and revision marks unwrapped."""
        for child in element:
            if child.tag in _WRAPPERS:
                yield from self._children(child)
            elif child.tag not in _HIDDEN:
                yield child

    def _runs(
        self, paragraph: etree._Element, boxes: list[etree._Element] | None = None
    ) -> list[tuple[str, bool, bool]]:
        """The paragraph's text as (text, bold, italic) pieces, line breaks as "\\n"; the text boxes anchored
        in it are not part of it: they are added to `boxes`, to be read as paragraphs of their own."""
        style = _val(paragraph.find(f"{w('pPr')}/{w('pStyle')}"))
        pieces: list[tuple[str, bool, bool]] = []

        def walk(element: etree._Element, bold: bool, italic: bool) -> None:
            for child in element:
                tag = child.tag
                if tag in _HIDDEN or tag == w("pPr") or tag == w("rPr"):
                    continue
                if tag == w("txbxContent"):
                    if boxes is not None:
                        boxes.append(child)
                    continue
                if tag == w("r"):
                    run_bold, run_italic = self._run_style(child, style)
                    walk(child, run_bold, run_italic)
                elif tag == w("t"):
                    pieces.append((child.text or "", bold, italic))
                elif tag in (w("tab"), w("ptab")):
                    pieces.append((" ", bold, italic))
                elif tag in (w("br"), w("cr")):
                    pieces.append(("\n", bold, italic))
                elif tag == w("noBreakHyphen"):
                    pieces.append(("-", bold, italic))
                elif isinstance(tag, str):
                    walk(child, bold, italic)

        walk(paragraph, False, False)
        return pieces

    def _run_style(self, run: etree._Element, paragraph_style: str | None) -> tuple[bool, bool]:
        props = run.find(w("rPr"))
        run_style = _val(props.find(w("rStyle"))) if props is not None else None
        found = []
        for tag, lookup, default in (
            ("b", self.styles.bold, self.styles.default_bold),
            ("i", self.styles.italic, self.styles.default_italic),
        ):
            value = _flag(props.find(w(tag))) if props is not None else None
            for source in (run_style, paragraph_style):
                if value is None:
                    value = lookup(source)
            found.append(default if value is None else value)
        return found[0], found[1]

    def _marker(self, paragraph: etree._Element) -> str:
        props = paragraph.find(w("pPr"))
        numbering = None
        num = props.find(w("numPr")) if props is not None else None
        if num is not None:
            num_id = _val(num.find(w("numId")))
            if num_id and num_id != "0":
                numbering = (num_id, _int(_val(num.find(w("ilvl"))), 0))
            elif num_id == "0":
                return ""
        if numbering is None and props is not None:
            numbering = self.styles.numbering(_val(props.find(w("pStyle"))))
        return self.numbering.marker(*numbering) if numbering else ""

    def _paragraph_text(self, paragraph: etree._Element) -> str:
        """A paragraph inside a table cell: its number or bullet, then its text, line breaks kept."""
        marker = self._marker(paragraph)
        boxes: list[etree._Element] = []
        text = "".join(piece for piece, _, _ in self._runs(paragraph, boxes))
        if marker:
            # Automatic numbering is not part of the text: a cell numbered by Word shows only its number.
            text = f"{marker} {text}" if text.strip() else marker
        return "\n".join([text] + [self._cell_text(box) for box in boxes])

    def _body_paragraph(self, element: etree._Element) -> None:
        marker = self._marker(element)
        boxes: list[etree._Element] = []
        pieces = self._runs(element, boxes)
        if marker:
            pieces = [(marker + " ", False, False), *pieces]
        paragraph = StyledText.join(pieces).paragraph(f"đoạn {self.paragraph_count + 1}", marker)
        if paragraph:
            self.paragraph_count += 1
            self.out.append(paragraph)
        for box in boxes:
            self._body(box)

    def _cell_text(self, cell: etree._Element) -> str:
        lines: list[str] = []
        for child in self._children(cell):
            if child.tag == w("p"):
                lines.append(self._paragraph_text(child))
            elif child.tag == w("tbl"):
                # A table inside a cell is read as part of the cell's text, a line per inner cell.
                for row in self._rows(child):
                    lines.extend(self._cell_text(inner) for inner, _, _ in row if inner is not None)
        return fold_lines("\n".join(lines))

    def _rows(self, table: etree._Element):
        """Each row as (cell element, grid span, vMerge value) with gridBefore/gridAfter as (None, n, None)."""
        for row in self._children(table):
            if row.tag != w("tr"):
                continue
            props = row.find(w("trPr"))
            if props is not None and props.find(w("del")) is not None:
                continue  # a row deleted with changes tracked
            before = min(_int(_val(props.find(w("gridBefore"))), 0), MAX_SPAN) if props is not None else 0
            after = min(_int(_val(props.find(w("gridAfter"))), 0), MAX_SPAN) if props is not None else 0
            cells: list[tuple[etree._Element | None, int, str | None]] = [(None, before, None)] if before else []
            for cell in self._children(row):
                if cell.tag != w("tc"):
                    continue
                cell_props = cell.find(w("tcPr"))
                span = _int(_val(cell_props.find(w("gridSpan"))), 1) if cell_props is not None else 1
                merge = cell_props.find(w("vMerge")) if cell_props is not None else None
                cells.append(
                    (cell, min(max(span, 1), MAX_SPAN), None if merge is None else (_val(merge) or "continue"))
                )
            if after:
                cells.append((None, after, None))
            yield cells

    def _table(self, table: etree._Element, number: int) -> Table:
        rows: list[list[Cell]] = []
        above: list[Cell] = []
        for r_index, row in enumerate(self._rows(table), start=1):
            cells: list[Cell] = []
            for element, span, merge in row:
                column = len(cells)
                if element is None:
                    # Grid columns this row skips (w:gridBefore/w:gridAfter): no cell there.
                    cells.extend(Cell("", f"bảng {number}, hàng {r_index}, cột {column + k + 1}") for k in range(span))
                    continue
                if merge == "continue":
                    for k in range(span):
                        text = above[column + k].text if column + k < len(above) else ""
                        cells.append(Cell(text, f"bảng {number}, hàng {r_index}, cột {column + k + 1}", "above"))
                    continue
                text = self._cell_text(element)
                cells.append(Cell(text, f"bảng {number}, hàng {r_index}, cột {column + 1}"))
                cells.extend(
                    Cell(text, f"bảng {number}, hàng {r_index}, cột {column + k + 1}", "left") for k in range(1, span)
                )
            rows.append(cells)
            above = cells
        return Table(without_empty_columns(rows), f"bảng {number}")


def read_docx_blocks(data: bytes) -> list[Block]:
    """The paragraphs and tables of a .docx file, in document order."""
    with _open_package(data) as package:
        return _Reader(package).blocks()
