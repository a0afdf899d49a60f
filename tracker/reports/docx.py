"""The report as a Vietnamese administrative document (.docx, Nghị định 30/2020/NĐ-CP): made from a Word template
with docxtpl, so that the customer can edit the header block, the title, the headings and running text, "Nơi
nhận" and the signer in Word; the tables go in as subdocuments built with python-docx.

The default template, tracker/report_templates/bao-cao.docx, is what template_document() builds (regenerate it
with tools/make_report_template.py); TRACKER_REPORT_TEMPLATE may name an edited copy. The names a template may
use are listed in tracker/report_templates/README.md."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docxtpl import DocxTemplate
from jinja2 import Environment

from ..config import DEFAULTS
from ..rules import lifecycle
from ..rules.indicators import SCHEME_1872
from ..rules.kpi import decimal_comma
from ..rules.text_input import printable
from .content import (
    BLOCKED_LABEL,
    CLASSES,
    DEFAULT_ISSUER,
    MOTTO,
    NATION,
    UNIT_HEADERS,
    Issuer,
    KpiCell,
    Report,
    TaskRow,
    dmy,
    unit_counts,
)

DEFAULT_TEMPLATE = Path(DEFAULTS["REPORT_TEMPLATE"])
FONT = "Times New Roman"
TEXT_WIDTH_CM = 16.0  # A4 (21 cm) less the 3 cm left and 2 cm right margins


# ---------------------------------------------------------------------------------------------------
# Building blocks (python-docx)


def _set_font(rpr) -> None:
    """Times New Roman for every script (Latin, East Asian, complex) in a w:rPr, with no theme font left
    to override it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _setup_document() -> DocumentObject:
    """A4 portrait, margins 2 cm (3 cm on the left), Times New Roman 13 pt, headings in bold 13 pt."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    _set_font(normal.element.get_or_add_rPr())
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if default_rpr is not None:  # what tables and any unstyled text fall back to
        _set_font(default_rpr)
        language = default_rpr.find(qn("w:lang"))
        if language is not None:  # Vietnamese spelling and proofing, not American English
            language.set(qn("w:val"), "vi-VN")
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size in (("Heading 1", 13), ("Heading 2", 13)):
        style = document.styles[name]
        style.font.name, style.font.size, style.font.bold = FONT, Pt(size), True
        style.font.italic = False
        style.font.color.rgb = None
        style.font.all_caps = False
        _set_font(style.element.get_or_add_rPr())
        color = style.element.rPr.find(qn("w:color"))
        if color is not None:
            style.element.rPr.remove(color)
        style.paragraph_format.space_before = Pt(12 if name == "Heading 1" else 6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    core = document.core_properties
    core.language = "vi-VN"
    return document


# A document number ("1872/QĐ-BVHTTDL") is not to be broken at its hyphen at the end of a line.
_DOCUMENT_NUMBER_RE = re.compile(r"\S+/\S+")


def _add_run(paragraph, text: str):
    """A run holding text ("\n" a line break; characters XML cannot carry left out)."""
    run = paragraph.add_run()
    for n, line in enumerate(printable(text).split("\n")):
        if n:
            run._r.append(OxmlElement("w:br"))
        if line:
            node = OxmlElement("w:t")
            node.text = line
            node.set(qn("xml:space"), "preserve")
            run._r.append(node)
    return run


def _keep_numbers_whole(body) -> None:
    """The hyphens of document numbers in every text of body written as non-breaking hyphens."""
    for node in list(body.iter(qn("w:t"))):
        text = node.text or ""
        if "-" not in text or not _DOCUMENT_NUMBER_RE.search(text):
            continue
        pieces: list[str | None] = []  # None stands for a non-breaking hyphen
        position = 0
        for match in _DOCUMENT_NUMBER_RE.finditer(text):
            pieces.append(text[position : match.start()])
            for n, part in enumerate(match.group().split("-")):
                if n:
                    pieces.append(None)
                pieces.append(part)
            position = match.end()
        pieces.append(text[position:])
        parent, index = node.getparent(), node.getparent().index(node)
        parent.remove(node)
        for piece in reversed(pieces):
            if piece is None:
                parent.insert(index, OxmlElement("w:noBreakHyphen"))
            elif piece:
                new = OxmlElement("w:t")
                new.text = piece
                new.set(qn("xml:space"), "preserve")
                parent.insert(index, new)


def _paragraph(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align=None,
    indent: bool = False,
    space_after: float | None = None,
):
    paragraph = container.add_paragraph()
    if text:
        run = _add_run(paragraph, text)
        run.bold, run.italic = bold or None, italic or None
        if size is not None:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if space_after is not None:
        paragraph.paragraph_format.space_after = Pt(space_after)
    return paragraph


def _rule(cell, indent_cm: float) -> None:
    """The short line drawn under the issuing agency's name and under the motto: the top border of an
    empty, tiny paragraph indented from both sides."""
    paragraph = cell.add_paragraph()
    p_pr = paragraph._p.get_or_add_pPr()
    # The border goes in before spacing and indentation are set: python-docx then puts those after it,
    # in the order the schema requires (Word refuses a file whose pPr children are out of order).
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    p_pr.append(borders)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(3), Pt(4), Pt(2)
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    mark.append(size)
    p_pr.append(mark)


def _cell_paragraph(cell, text: str, **kw):
    """The cell's first paragraph (empty in a new cell) filled with text, or a new one after it."""
    paragraph = cell.paragraphs[0] if len(cell.paragraphs) == 1 and not cell.paragraphs[0].text else None
    if paragraph is None:
        return _paragraph(cell, text, **kw)
    run = _add_run(paragraph, text)
    run.bold, run.italic = kw.get("bold") or None, kw.get("italic") or None
    if kw.get("size") is not None:
        run.font.size = Pt(kw["size"])
    if kw.get("align") is not None:
        paragraph.alignment = kw["align"]
    if kw.get("space_after") is not None:
        paragraph.paragraph_format.space_after = Pt(kw["space_after"])
    return paragraph


def _widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths, written both in the grid (LibreOffice reads it) and on each cell (Word does)."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        column.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _keep_rows_whole(table) -> None:
    for row in table.rows:
        cant_split = OxmlElement("w:cantSplit")
        cant_split.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(cant_split)


def _fill(
    cell,
    value: object,
    *,
    bold: bool = False,
    align=None,
    size: float = 12,
) -> None:
    """A table cell's text (12 pt unless told), one paragraph per line of the value."""
    text = dmy(value) if isinstance(value, date) else ("" if value is None else str(value))
    lines = text.split("\n") or [""]
    for n, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = 1.0
        if align is not None:
            paragraph.alignment = align
        run = _add_run(paragraph, line)
        run.font.size = Pt(size)
        run.bold = bold or None


def _table(
    document,
    headers: list[str],
    rows: list[list[object]],
    widths_cm: list[float],
    *,
    numeric_from: int | None = None,
    bold_last: bool = False,
    size: float = 12,
):
    """A bordered table whose header row repeats on each page and whose rows are never split across pages."""
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    centre = WD_ALIGN_PARAGRAPH.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _fill(cell, header, bold=True, align=centre, size=size)
    _repeat_header(table.rows[0])
    for n, values in enumerate(rows, start=1):
        is_bold = bold_last and n == len(rows)
        for column, (cell, value) in enumerate(zip(table.rows[n].cells, values, strict=True)):
            numeric = column == 0 or (numeric_from is not None and column >= numeric_from)
            _fill(cell, value, bold=is_bold, align=centre if numeric else None, size=size)
    _widths(table, widths_cm)
    _keep_rows_whole(table)
    _paragraph(document, space_after=0)
    return table


def _task_text(row: TaskRow) -> str:
    return f"{row.reference}. {row.task}"


# ---------------------------------------------------------------------------------------------------
# The tables (subdocuments)


def _status_table(document, report: Report) -> None:
    t = report.totals
    rows: list[list[object]] = []
    for n, outcome in enumerate(CLASSES, start=1):
        share = t.share(t.count(outcome))
        rows.append(
            [
                n,
                lifecycle.CLASS_LABELS[outcome],
                t.count(outcome),
                f"{decimal_comma(share)}%" if share is not None else "",
            ]
        )
    blocked_share = t.share(t.blocked)
    rows.append(
        [
            "",
            f"Trong đó: {BLOCKED_LABEL.lower()} (chưa hoàn thành)",
            t.blocked,
            f"{decimal_comma(blocked_share)}%" if blocked_share is not None else "",
        ]
    )
    rows.append(["", "Tổng số", t.total, "100%" if t.total else ""])
    _table(
        document, ["STT", "Tình trạng", "Số lượng", "Tỷ lệ"], rows, [1.3, 9.2, 2.7, 2.8], numeric_from=2, bold_last=True
    )


def _units_table(document, report: Report) -> None:
    rows: list[list[object]] = [[n, u.unit, *unit_counts(u.tally)] for n, u in enumerate(report.units, start=1)]
    rows.append(["", "Tổng cộng", *unit_counts(report.totals)])
    _table(document, list(UNIT_HEADERS), rows, [1.3, 3.9, 1.8, 1.8, 1.8, 1.8, 1.8, 1.8], numeric_from=2, bold_last=True)


def _cancelled_table(document, report: Report) -> None:
    rows: list[list[object]] = [
        [n, f"{r.reference}. {r.task}", r.lead, dmy(r.cancelled_on), r.reason]
        for n, r in enumerate(report.cancelled, start=1)
    ]
    _table(
        document,
        ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Ngày bãi bỏ", "Lý do"],
        rows,
        [1.3, 5.5, 3.2, 2.4, 3.6],
        size=11,
    )


def _kpi_cell_text(cell: KpiCell) -> str:
    return "\n".join(cell.parts())


def _kpi_table(document, report: Report) -> None:
    headers = ["STT", "Đơn vị", "Số liệu đến ngày", *[f"Chỉ tiêu ({i.number})" for i in report.indicators]]
    widths = [1.3, 3.5, 2.4] + [(TEXT_WIDTH_CM - 7.2) / max(len(report.indicators), 1)] * len(report.indicators)
    table_rows: list[list[object]] = []
    group_rows: list[int] = []
    group = None
    for n, row in enumerate(report.kpi, start=1):
        if row.group != group:
            group = row.group
            group_rows.append(len(table_rows) + 1)
            table_rows.append([group, *[""] * (len(headers) - 1)])
        table_rows.append([n, row.unit, row.as_of or "—", *[_kpi_cell_text(cell) for cell in row.cells]])
    table = _table(document, headers, table_rows, widths, numeric_from=2, size=11)
    for index in group_rows:  # "Nhóm 1" across the whole row
        cells = table.rows[index].cells
        merged = cells[0].merge(cells[-1])
        for paragraph in merged.paragraphs[1:]:
            paragraph._p.getparent().remove(paragraph._p)
        paragraph = merged.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for run in paragraph.runs:
            run.bold = True


def _completed_table(document, report: Report) -> None:
    rows: list[list[object]] = [
        [
            n,
            _task_text(r),
            r.unit,
            r.due_on or r.deadline_text,
            f"{dmy(r.completed_on)}\n({'quá hạn' if r.is_late else 'đúng hạn'})",
            r.evidence.text,
        ]
        for n, r in enumerate(report.completed, start=1)
    ]
    _table(
        document,
        ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Ngày hoàn thành", "Kết quả (văn bản)"],
        rows,
        [1.3, 4.3, 2.6, 2.3, 2.3, 3.2],
        size=11,
    )


def _blocked_table(document, report: Report) -> None:
    rows: list[list[object]] = [
        [n, _task_text(r), r.unit, r.due_on or r.deadline_text, r.difficulty, r.proposal or "—"]
        for n, r in enumerate(report.blocked, start=1)
    ]
    _table(
        document,
        ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Khó khăn, vướng mắc", "Đề xuất"],
        rows,
        [1.3, 3.5, 2.4, 2.3, 3.4, 3.1],
        size=11,
    )


TABLES = {
    "status_table": _status_table,
    "units_table": _units_table,
    "cancelled_table": _cancelled_table,
    "kpi_table": _kpi_table,
    "completed_table": _completed_table,
    "blocked_table": _blocked_table,
}


# ---------------------------------------------------------------------------------------------------
# The template


def _header_block(document) -> None:
    """The issuer and the nation side by side, each with its short rule, the number and the dateline."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # A little wider than the text (16 cm) so that the nation's name fits on one line.
    _widths(table, [7.0, 9.6])
    left, right = table.rows[0].cells
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _cell_paragraph(left, "{{ issuer.parent }}", size=12, align=centre, space_after=0)
    _cell_paragraph(left, "{{ issuer.agency }}", size=12, bold=True, align=centre, space_after=0)
    _rule(left, 2.3)
    _cell_paragraph(left, "{{ issuer.number }}", size=13, align=centre, space_after=0)
    _cell_paragraph(right, NATION, size=12, bold=True, align=centre, space_after=0)
    _cell_paragraph(right, MOTTO, size=13, bold=True, align=centre, space_after=0)
    _rule(right, 1.55)
    _cell_paragraph(right, "{{ report.dateline }}", size=13, italic=True, align=centre, space_after=0)


def _signature_block(document, recipients: str = "issuer.recipients") -> None:
    """ "Nơi nhận" (the template's list named by `recipients`) on the left, the signer's block on the right."""
    table = document.add_table(rows=1, cols=2)
    _widths(table, [8.0, 8.0])
    _keep_rows_whole(table)  # the signer's title and name on one page
    left, right = table.rows[0].cells
    _cell_paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True, space_after=0)
    _cell_paragraph(left, f"{{%p for line in {recipients} %}}", size=11, space_after=0)
    _cell_paragraph(left, "- {{ line }}", size=11, space_after=0)
    _cell_paragraph(left, "{%p endfor %}", size=11, space_after=0)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _cell_paragraph(right, "{{ issuer.signer_title }}", size=13, bold=True, align=centre, space_after=0)
    _cell_paragraph(right, "{%p if issuer.signer_name %}", size=13, align=centre, space_after=0)
    for _ in range(4):  # room for the signature and the seal
        _cell_paragraph(right, "", size=13, align=centre, space_after=0)
    _cell_paragraph(right, "{{ issuer.signer_name }}", size=13, bold=True, align=centre, space_after=0)
    _cell_paragraph(right, "{%p endif %}", size=13, align=centre, space_after=0)


def template_document() -> DocumentObject:
    """The default Word template (tracker/report_templates/bao-cao.docx): today's layout, with docxtpl's
    placeholders where the report's words and tables go."""
    document = _setup_document()
    document.core_properties.author = " ".join(DEFAULT_ISSUER.lines).title()
    _header_block(document)
    _paragraph(document, space_after=6)
    _paragraph(document, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _paragraph(document, "{{ report.subtitle }}", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    _paragraph(
        document,
        "Căn cứ {{ report.plan_reference }}, {{ issuer.name }} báo cáo kết quả thực hiện {{ report.period }} như sau:",
        indent=True,
    )
    _paragraph(document, "{%p if report.as_of_note %}")
    _paragraph(document, "{{ report.as_of_note }}", italic=True, indent=True)
    _paragraph(document, "{%p endif %}")

    document.add_heading("I. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ", level=1)
    _paragraph(document, "{{ report.summary }}", indent=True)
    document.add_heading("1. Tổng hợp theo tình trạng (tính đến ngày {{ as_of }})", level=2)
    _paragraph(document, "{{p status_table }}")
    document.add_heading("2. Kết quả theo đơn vị chủ trì", level=2)
    _paragraph(document, "{{p units_table }}")
    _paragraph(document, "{%p if report.cancelled %}")
    document.add_heading("3. Nhiệm vụ đã bãi bỏ", level=2)
    _paragraph(document, "Các nhiệm vụ đã bãi bỏ không tính vào số nhiệm vụ chưa hoàn thành hay quá hạn:", indent=True)
    _paragraph(document, "{{p cancelled_table }}")
    _paragraph(document, "{%p endif %}")

    _paragraph(document, "{%p if is_1872 %}")
    document.add_heading("II. KẾT QUẢ THỰC HIỆN CHỈ TIÊU CUNG CẤP, SỬ DỤNG DỊCH VỤ CÔNG TRỰC TUYẾN", level=1)
    _paragraph(document, "{%p else %}")
    document.add_heading("II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", level=1)
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p if report.kpi %}")
    _paragraph(
        document,
        "Số liệu mới nhất của từng đơn vị tính đến ngày {{ as_of }}, so với chỉ tiêu được giao tại Phụ lục 1 của "
        "Kế hoạch (tỷ lệ làm tròn đến một chữ số thập phân, mức thiếu tính bằng điểm phần trăm). Các chỉ tiêu:",
        indent=True,
    )
    _paragraph(document, "{%p for indicator in report.indicators %}")
    _paragraph(document, "({{ indicator.number }}) {{ indicator.name }};", indent=True, space_after=2)
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, space_after=0)
    _paragraph(document, "{{p kpi_table }}")
    _paragraph(document, "{%p else %}")
    _paragraph(document, "Kế hoạch không có bảng giao chỉ tiêu.", indent=True)
    _paragraph(document, "{%p endif %}")

    document.add_heading("III. NHIỆM VỤ HOÀN THÀNH TRONG KỲ", level=1)
    _paragraph(document, "{%p if report.completed %}")
    _paragraph(
        document,
        "Các nhiệm vụ hoàn thành từ ngày {{ start }} đến ngày {{ as_of }} và văn bản kết quả:",
        indent=True,
    )
    _paragraph(document, "{{p completed_table }}")
    _paragraph(document, "{%p else %}")
    _paragraph(document, "Không có nhiệm vụ nào hoàn thành {{ report.period }}.", indent=True)
    _paragraph(document, "{%p endif %}")

    document.add_heading("IV. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT", level=1)
    _paragraph(document, "{%p if report.blocked %}")
    _paragraph(
        document,
        "Các nhiệm vụ đang gặp vướng mắc tính đến ngày {{ as_of }}, với khó khăn và đề xuất của đơn vị chủ trì:",
        indent=True,
    )
    _paragraph(document, "{{p blocked_table }}")
    _paragraph(document, "{%p else %}")
    _paragraph(document, "Tính đến ngày {{ as_of }}, không có nhiệm vụ nào gặp vướng mắc.", indent=True)
    _paragraph(document, "{%p endif %}")

    _paragraph(document, "{{ issuer.name }} trân trọng báo cáo./.", indent=True, space_after=12)
    _signature_block(document)
    return document


# ---------------------------------------------------------------------------------------------------
# The report


def _clean(value: object) -> object:
    """Every value the template writes, as XML can carry it (Jinja's finalize)."""
    return printable(value) if isinstance(value, str) else value


def issuer_context(issuer: Issuer) -> dict[str, Any]:
    """The issuer as a template's `issuer` tags read it (the report's and the urging letter's)."""
    return {
        "parent": "\n".join(issuer.parent_lines),
        "agency": "\n".join(issuer.lines),
        "name": issuer.name,
        "number": issuer.number,
        "place": issuer.place,
        "recipients": issuer.recipients,
        "signer_title": issuer.signer_title,
        "signer_name": issuer.signer_name,
    }


def rendered(document: DocxTemplate, context: dict[str, Any], *, title: str, issuer: Issuer) -> bytes:
    """A template filled in (every value escaped and made printable), its numbers kept whole, titled, as bytes."""
    # Autoescape: a "<" or "&" in a task is text, not markup.
    document.render(context, Environment(autoescape=True, finalize=_clean), autoescape=True)
    _keep_numbers_whole(document.docx.element.body)
    core = document.docx.core_properties
    core.title = printable(title)
    core.author = printable(" ".join(issuer.lines).title())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_docx(report: Report, template: Path | str | None = None) -> bytes:
    """The report as a Vietnamese administrative document (A4, Times New Roman 13 pt), made from `template`
    (the default template unless told)."""
    document = DocxTemplate(str(template or DEFAULT_TEMPLATE))
    issuer = report.issuer
    context: dict[str, Any] = {
        "report": report,
        "issuer": issuer_context(issuer),
        "as_of": dmy(report.as_of),
        "start": dmy(report.start),
        "end": dmy(report.end),
        "is_1872": report.kpi_scheme == SCHEME_1872,
    }
    for name, build in TABLES.items():
        subdocument = document.new_subdoc()
        build(subdocument, report)
        context[name] = subdocument
    return rendered(
        document, context, title=f"Báo cáo {report.subtitle[0].lower()}{report.subtitle[1:]}", issuer=issuer
    )
