"""The urging letter (công văn đôn đốc) as a .docx laid out per Nghị định 30/2020/NĐ-CP (Phụ lục I, công văn):
made from a Word template with docxtpl, so that the customer can edit the wording, "Nơi nhận" and the signer's
block in Word; the lists of overdue items go in as one subdocument built with python-docx.

The default template, tracker/report_templates/cong-van-don-doc.docx, is what letter_template_document() builds
(regenerate it with tools/make_report_template.py); TRACKER_LETTER_TEMPLATE may name an edited copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate

from ..config import DEFAULTS
from ..urging_letter import Letter
from .content import DEFAULT_ISSUER, MOTTO, NATION
from .docx import (
    _cell_paragraph,
    _paragraph,
    _rule,
    _setup_document,
    _signature_block,
    _table,
    _widths,
    issuer_context,
    rendered,
)

DEFAULT_LETTER_TEMPLATE = Path(DEFAULTS["LETTER_TEMPLATE"])
ITEM_HEADERS = ["STT", "Nhiệm vụ", "Thời hạn", "Số ngày quá hạn"]
ITEM_WIDTHS = [1.2, 10.3, 2.5, 2.0]  # 16 cm: the text's width


def _units_table(document, letter: Letter) -> None:
    """For each unit addressed, its name and the number of its overdue items, then a table of them."""
    several_plans = len(letter.plans) > 1
    for n, unit in enumerate(letter.units, start=1):
        heading = _paragraph(
            document, f"{n}. {unit.name}: {len(unit.items)} nhiệm vụ quá hạn", bold=True, space_after=4
        )
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.first_line_indent = Cm(1)
        rows: list[list[object]] = [
            [
                k,
                f"{item.reference}. {item.task}" + (f"\n(Kế hoạch {item.plan})" if several_plans else ""),
                item.due_on,
                item.days_overdue,
            ]
            for k, item in enumerate(unit.items, start=1)
        ]
        _table(document, ITEM_HEADERS, rows, ITEM_WIDTHS, numeric_from=2, size=12)


def _header_block(document) -> None:
    """Two rows side by side: the issuer and the nation, each with its short rule; then the number with the
    subject under it and the dateline, on one line as the decree sets them."""
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [7.0, 9.6])  # a little wider than the text so that the nation's name fits on one line
    (issuer, nation), (number, dateline) = (row.cells for row in table.rows)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _cell_paragraph(issuer, "{{ issuer.parent }}", size=12, align=centre, space_after=0)
    _cell_paragraph(issuer, "{{ issuer.agency }}", size=12, bold=True, align=centre, space_after=0)
    _rule(issuer, 2.3)
    _cell_paragraph(nation, NATION, size=12, bold=True, align=centre, space_after=0)
    _cell_paragraph(nation, MOTTO, size=13, bold=True, align=centre, space_after=0)
    _rule(nation, 1.55)
    _cell_paragraph(number, "{{ issuer.number }}", size=13, align=centre, space_after=2)
    _cell_paragraph(number, "{{ letter.subject }}", size=12, align=centre, space_after=0)
    _cell_paragraph(dateline, "{{ letter.dateline }}", size=13, italic=True, align=centre, space_after=0)


def _addressees(document) -> None:
    """ "Kính gửi: Cục A." on one line, or "Kính gửi:" and the units one a line under it."""
    _paragraph(document, space_after=6)
    _paragraph(document, "{%p if letter.addressed_to_one %}")
    _paragraph(
        document, "Kính gửi: {{ letter.addressed_to_one }}.", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12
    )
    _paragraph(document, "{%p else %}")
    kinh_gui = _paragraph(document, "Kính gửi:", size=14, space_after=0)
    kinh_gui.paragraph_format.left_indent = Cm(4.5)
    _paragraph(document, "{%p for line in letter.addressees %}")
    line = _paragraph(document, "{{ line }}", size=14, space_after=0)
    line.paragraph_format.left_indent = Cm(6.5)
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, space_after=6)
    _paragraph(document, "{%p endif %}")


def _page_numbers(document) -> None:
    """Page numbers at the top centre from page 2 on (the first page has none), as the decree sets them."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"), ("end", None)):
        if kind is not None:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = " PAGE "
        else:
            node = OxmlElement("w:t")
            node.text = text
        run._r.append(node)


def letter_template_document():
    """The default Word template (tracker/report_templates/cong-van-don-doc.docx), with docxtpl's placeholders
    where the letter's words and lists go."""
    document = _setup_document()
    document.core_properties.author = " ".join(DEFAULT_ISSUER.lines).title()
    _page_numbers(document)
    _header_block(document)
    _addressees(document)
    _paragraph(document, "{{ letter.opening }}", indent=True)
    _paragraph(document, "{{p units_table }}")
    _paragraph(
        document,
        "Để bảo đảm tiến độ chung, {{ issuer.name }} đề nghị {{ letter.you }} khẩn trương chỉ đạo hoàn thành các "
        "nhiệm vụ nêu trên và cập nhật kết quả, tiến độ thực hiện trên Hệ thống theo dõi thực hiện kế hoạch; trường "
        "hợp gặp khó khăn, vướng mắc, đề nghị nêu rõ khó khăn, vướng mắc và đề xuất giải pháp để {{ issuer.name }} "
        "tổng hợp, báo cáo Lãnh đạo Bộ xem xét, chỉ đạo.",
        indent=True,
    )
    _paragraph(document, "Trân trọng./.", indent=True, space_after=12)
    _signature_block(document, recipients="letter.recipients")
    return document


def letter_docx(letter: Letter, template: Path | str | None = None) -> bytes:
    """The letter as a Vietnamese administrative document (A4, Times New Roman 13 pt), made from `template`
    (the default template unless told)."""
    document = DocxTemplate(str(template or DEFAULT_LETTER_TEMPLATE))
    issuer = letter.issuer
    context: dict[str, Any] = {
        "letter": letter,
        "issuer": issuer_context(issuer),
        "as_of": letter.as_of,
    }
    subdocument = document.new_subdoc()
    _units_table(subdocument, letter)
    context["units_table"] = subdocument
    return rendered(
        document, context, title=f"Công văn đôn đốc thực hiện nhiệm vụ quá hạn ngày {letter.as_of}", issuer=issuer
    )
