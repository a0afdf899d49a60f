"""Readers on files as offices make them: .docx variants built with python-docx (automatic numbering, frame
tables, tracked changes, text boxes …), the same plan converted by LibreOffice to .pdf (ruled or not,
portrait or landscape, header repeated or not), .doc, .rtf and a LibreOffice-saved .docx, all read to the
same items; and edge files (scans, passwords, renamed files, text encodings)."""

from __future__ import annotations

import io
import quopri
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from tracker.plan_import.blocks import Cell, Paragraph, Table, without_empty_columns
from tracker.plan_import.doc_reader import CONVERSION_TIMEOUT, office_program
from tracker.plan_import.document import PlanImportError
from tracker.plan_import.pdf_reader import SCANNED, _carry_merges, _cell_text, _is_cut, _share_sub_rows
from tracker.plan_import.readers import read_document
from tracker.plan_import.sources import read_blocks

# --- A synthetic plan --------------------------------------------------------------------------------------

UNITS = [
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Khoa học và Công nghệ",
    "Văn phòng UBND tỉnh",
    "Công an tỉnh",
    "Sở Giáo dục và Đào tạo",
    "UBND các xã, phường",
]
VERBS = ["Rà soát", "Xây dựng", "Tổ chức", "Triển khai", "Hoàn thiện", "Đánh giá", "Kiểm tra"]
OBJECTS = [
    "quy trình tiếp nhận hồ sơ trực tuyến",
    "kho dữ liệu dùng chung phục vụ điều hành",
    "lớp tập huấn kỹ năng số cho cán bộ cấp xã",
    "hệ thống họp trực tuyến ba cấp",
    "bộ chỉ số đánh giá mức độ hài lòng của người dân",
    "quy chế bảo đảm an toàn thông tin mạng",
    "chương trình truyền thông về dịch vụ công",
]
DEADLINES = [
    "Quý II/2026",
    "Năm 2026",
    "Tháng 9/2026",
    "Thường xuyên",
    "Giai đoạn 2026 - 2030",
    "Trước ngày 30/6/2026",
    "Quý IV/2026",
]
SECTIONS = [("I", "HOÀN THIỆN THỂ CHẾ"), ("II", "PHÁT TRIỂN HẠ TẦNG SỐ"), ("III", "ĐÀO TẠO NGUỒN NHÂN LỰC")]
HEADER = ("STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")


def _task(k: int) -> str:
    """A task text of a few lines: long enough that rows wrap and the table runs over several pages."""
    text = f"{VERBS[k % 7]} {OBJECTS[(k * 3) % 7]} trên địa bàn tỉnh"
    if k % 2:
        text += f", bảo đảm kết nối với {OBJECTS[(k + 2) % 7]} và báo cáo kết quả với Ủy ban nhân dân tỉnh"
    return text + "."


def _rows() -> list[tuple]:
    """(section, number, task, [(lead, coordinating), …], deadline): every fourth item has two sub-rows."""
    rows, k = [], 0
    for section, _ in SECTIONS:
        for number in range(1, 8):
            pairs = [(UNITS[k % 7], f"{UNITS[(k + 1) % 7]}; {UNITS[(k + 3) % 7]}")]
            if k % 4 == 3:
                pairs.append((UNITS[(k + 2) % 7], UNITS[(k + 4) % 7]))
            rows.append((section, str(number), _task(k), pairs, DEADLINES[k % 7]))
            k += 1
    return rows


def _no_borders(table) -> None:
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"
    )
    props = table._tbl.tblPr
    for old in props.findall(qn("w:tblStyle")):
        props.remove(old)
    props.append(borders)


def plan_docx(*, landscape: bool = True, repeat_header: bool = True, ruled: bool = True, font: str = "") -> bytes:
    """The synthetic plan as a .docx: letterhead, a numbered heading, the task table (sections merged across,
    sub-rows under a merged number, task and deadline)."""
    document = docx.Document()
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Mm(20))
    if font:
        style = document.styles["Normal"]
        style.font.name, style.font.size = font, Pt(13)
    document.add_paragraph("ỦY BAN NHÂN DÂN TỈNH BẮC NAM")
    document.add_paragraph("Số: 45/KH-UBND")
    document.add_paragraph().add_run("KẾ HOẠCH").bold = True
    document.add_paragraph("Triển khai chuyển đổi số năm 2026")
    document.add_paragraph().add_run("PHỤ LỤC: DANH MỤC NHIỆM VỤ").bold = True
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, HEADER):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
    if repeat_header:
        table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    current = None
    for section_number, number, task, pairs, deadline in _rows():
        if section_number != current:
            current = section_number
            cells = table.add_row().cells
            cells[0].text = section_number
            cells[1].text = dict(SECTIONS)[section_number]
            cells[1].merge(cells[4])
        first = None
        for lead, coordinating in pairs:
            cells = table.add_row().cells
            cells[2].text, cells[3].text = lead, coordinating
            if first is None:
                first = cells
                cells[0].text, cells[1].text, cells[4].text = number, task, deadline
            else:
                for column in (0, 1, 4):
                    first[column].merge(cells[column])
    if not ruled:
        _no_borders(table)
    document.add_paragraph("Nơi nhận: như trên.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def plan_paragraphs_docx() -> bytes:
    """The synthetic plan written as paragraphs, as offices type them: Times New Roman 14, justified, first
    lines indented, space after each paragraph, italic labels on lines of their own; long enough that
    paragraphs run over page breaks."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(14)

    def paragraph(text: str = "", label: str = "", bold: bool = False):
        written = document.add_paragraph()
        written.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        written.paragraph_format.first_line_indent = Mm(10)
        written.paragraph_format.space_after = Pt(6)
        if label:
            written.add_run(label).italic = True
        written.add_run(text).bold = bold

    paragraph("ỦY BAN NHÂN DÂN TỈNH BẮC NAM")
    paragraph("Số: 45/KH-UBND")
    paragraph("KẾ HOẠCH", bold=True)
    paragraph("III. NHIỆM VỤ VÀ GIẢI PHÁP", bold=True)
    for k, (_, number, task, pairs, deadline) in enumerate(_rows()[:12]):
        paragraph(
            f"{number}. {task} Nội dung gồm rà soát hiện trạng, đề xuất giải pháp, tổ chức thực hiện "
            f"và tổng hợp kết quả theo từng quý, bảo đảm đúng tiến độ đề ra trong kế hoạch này.",
            bold=k % 3 == 0,
        )
        paragraph(pairs[0][0] + ".", "Đơn vị chủ trì: ")
        paragraph(pairs[0][1] + ".", "Đơn vị phối hợp: ")
        paragraph(deadline + ".", "Thời gian thực hiện: ")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def items_of(data: bytes, filename: str) -> list[tuple[str, str, str, str, str]]:
    """Each item read from the file: number, task, lead, coordinating, deadline, white space folded."""

    def fold(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).split())

    doc = read_document(data, filename)
    return [
        (item.stt, fold(item.task), fold(item.lead), fold(item.coordinating), fold(item.deadline))
        for section in doc.sections
        for item in section.items
    ]


def test_synthetic_plan_docx_reads_every_item():
    found = items_of(plan_docx(), "ke-hoach.docx")
    rows = _rows()
    assert len(found) == len(rows) == 21
    for (number, task, lead, coordinating, deadline), (_, stt, text, pairs, due) in zip(found, rows):
        assert (number, task, deadline) == (stt, text, due)
        assert lead == " ".join(pair[0] for pair in pairs)
        assert coordinating == " ".join(pair[1] for pair in pairs)


# --- Conversions by LibreOffice --------------------------------------------------------------------------

VARIANTS = {
    "landscape-repeated-header": {},
    "portrait-header-once": {"landscape": False, "repeat_header": False},
    "portrait-no-rules": {"landscape": False, "ruled": False},
    "landscape-no-rules-header-once": {"ruled": False, "repeat_header": False},
    "portrait-sans-13pt": {"landscape": False, "font": "Arial"},
}


def _convert(sources: list[Path], target: str, folder: Path) -> None:
    program = office_program()
    assert program is not None
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(folder / "out"),
            *map(str, sources),
        ],
        capture_output=True,
        timeout=CONVERSION_TIMEOUT * 2,
        check=True,
    )


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, bytes]:
    """Every variant as LibreOffice writes it: NAME.pdf for each variant; the first one also as .doc, .rtf
    and a LibreOffice-saved .docx."""
    if office_program() is None:
        pytest.skip("LibreOffice (soffice) is not installed: conversions to .pdf/.doc/.rtf cannot be tried here")
    folder = tmp_path_factory.mktemp("office")
    sources = []
    for name, options in VARIANTS.items():
        path = folder / f"{name}.docx"
        path.write_bytes(plan_docx(**options))
        sources.append(path)
    (folder / "paragraphs.docx").write_bytes(plan_paragraphs_docx())
    _convert([*sources, folder / "paragraphs.docx"], "pdf", folder)
    for target in ("doc", "rtf"):
        _convert(sources[:1], target, folder)
    resaved = folder / "resaved"
    resaved.mkdir()
    (resaved / "libreoffice.docx").write_bytes(sources[0].read_bytes())
    _convert([resaved / "libreoffice.docx"], "docx:MS Word 2007 XML", folder)
    return {path.name: path.read_bytes() for path in (folder / "out").iterdir()}


@pytest.mark.parametrize("name", VARIANTS)
def test_pdf_made_by_libreoffice_reads_as_the_docx(converted, name):
    """Ruled or not, header repeated on every page or not, portrait or landscape, another font: the PDF gives
    the items of the .docx it was made from (rows cut by page breaks joined, sub-rows kept)."""
    expected = items_of(plan_docx(**VARIANTS[name]), "ke-hoach.docx")
    assert items_of(converted[f"{name}.pdf"], "ke-hoach.pdf") == expected


def test_pdf_of_a_paragraph_plan_reads_as_the_docx(converted):
    """Paragraphs running over page breaks are joined again; labelled lines spaced apart stay apart."""
    expected = items_of(plan_paragraphs_docx(), "ke-hoach.docx")
    assert len(expected) == 12
    assert items_of(converted["paragraphs.pdf"], "ke-hoach.pdf") == expected


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("landscape-repeated-header.doc", "ke-hoach.doc"),
        ("landscape-repeated-header.doc", "ke-hoach.docx"),  # a .doc renamed .docx
        ("landscape-repeated-header.rtf", "ke-hoach.doc"),  # an RTF saved with the .doc name
        ("libreoffice.docx", "ke-hoach.docx"),
    ],
)
def test_word_files_written_by_libreoffice_read_as_the_docx(converted, name, filename):
    assert items_of(converted[name], filename) == items_of(plan_docx(), "ke-hoach.docx")


def test_pdf_table_without_rules_is_read_as_a_table_not_as_paragraphs(converted):
    blocks = read_blocks(converted["portrait-no-rules.pdf"], "ke-hoach.pdf")
    [table] = [b for b in blocks if isinstance(b, Table)]
    assert [c.text for c in table.rows[0]] == list(HEADER)
    assert not any("Sở Nội vụ" in b.text for b in blocks if isinstance(b, Paragraph)), "no cell text left loose"


# --- .docx as offices write them ---------------------------------------------------------------------------

TASKS = [
    ("1", "Rà soát quy trình tiếp nhận hồ sơ trực tuyến", "Sở Nội vụ", "Văn phòng UBND tỉnh", "Quý II/2026"),
    ("2", "Xây dựng kho dữ liệu dùng chung", "Sở Khoa học và Công nghệ", "Các sở, ban, ngành tỉnh", "Năm 2026"),
    ("3", "Tổ chức tập huấn kỹ năng số", "Sở Nội vụ", "UBND các xã, phường", "Tháng 9/2026"),
]


def _letterhead(document) -> None:
    document.add_paragraph("ỦY BAN NHÂN DÂN TỈNH BẮC NAM")
    document.add_paragraph("Số: 45/KH-UBND")
    document.add_paragraph("KẾ HOẠCH")


def _task_table(document, rows=TASKS, header=HEADER):
    table = document.add_table(rows=0, cols=len(header))
    table.style = "Table Grid"
    for values in [header, *rows]:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = value
    return table


def _list(document, number: int, levels: str) -> None:
    """A numbering definition (abstract and list both numbered `number`); levels as <w:lvl> elements."""
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{number}">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{number}"><w:abstractNumId w:val="{number}"/></w:num>'))


def _level(ilvl: int, fmt: str, text: str, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{extra}'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


def _number(paragraph, num_id: int, ilvl: int = 0) -> None:
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _replace_runs(paragraph, xml: str) -> None:
    for run in list(paragraph._p.iter(qn("w:r"))):
        run.getparent().remove(run)
    paragraph._p.append(parse_xml(xml))


def numbered_stt_column(document) -> None:
    _letterhead(document)
    _list(document, 90, _level(0, "decimal", "%1"))
    table = _task_table(document, [("", *row[1:]) for row in TASKS])
    for row in table.rows[1:]:
        _number(row.cells[0].paragraphs[0], 90)


def numbered_paragraph_items(document) -> None:
    _letterhead(document)
    _list(document, 91, _level(0, "lowerLetter", "%1)"))
    document.add_paragraph("III. NHIỆM VỤ VÀ GIẢI PHÁP")
    for _, task, lead, coordinating, deadline in TASKS:
        _number(document.add_paragraph(task), 91)
        document.add_paragraph(f"- Đơn vị chủ trì: {lead}")
        document.add_paragraph(f"- Đơn vị phối hợp: {coordinating}")
        document.add_paragraph(f"- Thời gian hoàn thành: {deadline}")


def table_inside_a_frame_table(document) -> None:
    _letterhead(document)
    frame = document.add_table(rows=1, cols=1).cell(0, 0)
    frame.paragraphs[0].text = "Phụ lục: Danh mục nhiệm vụ"
    frame._tc.append(_task_table(document)._tbl)
    frame._tc.append(parse_xml(f"<w:p {nsdecls('w')}/>"))


def header_over_two_rows(document) -> None:
    _letterhead(document)
    table = document.add_table(rows=2, cols=5)
    table.style = "Table Grid"
    top, bottom = table.rows[0].cells, table.rows[1].cells
    top[0].text, top[1].text, top[2].text, top[4].text = "TT", "Nhiệm vụ", "Đơn vị thực hiện", "Thời hạn"
    bottom[2].text, bottom[3].text = "Chủ trì", "Phối hợp"
    top[2].merge(top[3])
    for column in (0, 1, 4):
        top[column].merge(bottom[column])
    for values in TASKS:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = value


def body_in_a_content_control(document) -> None:
    _letterhead(document)
    _task_table(document)
    body = document.element.body
    control = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent/></w:sdt>")
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            control[1].append(child)
    body.insert(0, control)


def tracked_changes(document) -> None:
    _letterhead(document)
    table = _task_table(document)
    lead = table.rows[1].cells[2].paragraphs[0]._p
    lead.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="1" w:author="A"><w:r><w:delText>, Sở Tài chính</w:delText></w:r></w:del>'
        )
    )
    _replace_runs(
        table.rows[2].cells[4].paragraphs[0],
        f'<w:del {nsdecls("w")} w:id="2" w:author="A"><w:r><w:delText>Năm 2025</w:delText></w:r></w:del>',
    )
    table.rows[2].cells[4].paragraphs[0]._p.append(
        parse_xml(f'<w:ins {nsdecls("w")} w:id="3" w:author="A"><w:r><w:t>Năm 2026</w:t></w:r></w:ins>')
    )
    table.rows[3]._tr.get_or_add_trPr().append(parse_xml(f'<w:del {nsdecls("w")} w:id="4" w:author="A"/>'))


def breaks_and_tabs_in_cells(document) -> None:
    _letterhead(document)
    table = _task_table(document)
    _replace_runs(
        table.rows[1].cells[3].paragraphs[0],
        f"<w:r {nsdecls('w')}><w:t>- Văn phòng UBND tỉnh;</w:t><w:br/><w:t>- Sở Tài chính</w:t></w:r>",
    )
    _replace_runs(
        table.rows[2].cells[1].paragraphs[0],
        f"<w:r {nsdecls('w')}><w:t>Xây dựng kho dữ liệu</w:t><w:tab/><w:t>dùng chung</w:t></w:r>",
    )


def empty_first_column(document) -> None:
    _letterhead(document)
    _task_table(document, [("", *row) for row in TASKS], ("", *HEADER))


def letterhead_in_a_text_box(document) -> None:
    paragraph = document.add_paragraph()
    paragraph._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><mc:AlternateContent>'
            '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>'
            "<w:txbxContent><w:p><w:r><w:t>ỦY BAN NHÂN DÂN TỈNH BẮC NAM</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>Số: 45/KH-UBND</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData>"
            "</a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r>"
            "<w:t>ỦY BAN NHÂN DÂN TỈNH BẮC NAM</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>"
            "</mc:AlternateContent></w:r>"
        )
    )
    document.add_paragraph("KẾ HOẠCH")
    _task_table(document)


def list_style_numbering_continued(document) -> None:
    """Headings numbered through a list style, the second part of the plan a second list that continues the
    first (Word counts on), sub-items in legal numbering ("2.1" under "II")."""
    _letterhead(document)
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="70"><w:numStyleLink w:val="PlanList"/></w:abstractNum>'
        ),
    )
    _list(
        document,
        71,
        '<w:styleLink w:val="PlanList"/>'
        + _level(0, "upperRoman", "%1.")
        + _level(1, "decimal", "%1.%2.", "<w:isLgl/>"),
    )
    for num_id in (70, 72):
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="70"/></w:num>'))
    document.styles.element.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="numbering" w:styleId="PlanList"><w:name w:val="PlanList"/>'
            '<w:pPr><w:numPr><w:numId w:val="71"/></w:numPr></w:pPr></w:style>'
        )
    )
    for num_id, title, tasks in ((70, "NHIỆM VỤ CHUNG", TASKS[:2]), (72, "NHIỆM VỤ CỤ THỂ", TASKS[2:])):
        _number(document.add_paragraph(title), num_id)
        for _, task, lead, _, deadline in tasks:
            _number(document.add_paragraph(task), num_id, 1)
            document.add_paragraph(f"- Đơn vị chủ trì: {lead}")
            document.add_paragraph(f"- Thời gian hoàn thành: {deadline}")


def _as_read(rows=TASKS, numbers=None, coordinating=True):
    return [
        (numbers[k] if numbers else stt, task, lead, coord if coordinating else "", due)
        for k, (stt, task, lead, coord, due) in enumerate(rows)
    ]


DOCX_VARIANTS = [
    (numbered_stt_column, _as_read()),
    (numbered_paragraph_items, _as_read(numbers=["a", "b", "c"])),
    (table_inside_a_frame_table, _as_read()),
    (header_over_two_rows, _as_read()),
    (body_in_a_content_control, _as_read()),
    (tracked_changes, _as_read(TASKS[:2])),
    (
        breaks_and_tabs_in_cells,
        [
            (*TASKS[0][:3], "- Văn phòng UBND tỉnh; - Sở Tài chính", TASKS[0][4]),
            ("2", "Xây dựng kho dữ liệu dùng chung", *TASKS[1][2:]),
            TASKS[2],
        ],
    ),
    (empty_first_column, _as_read()),
    (letterhead_in_a_text_box, _as_read()),
    (list_style_numbering_continued, _as_read(numbers=["1.1", "1.2", "2.1"], coordinating=False)),
]


@pytest.mark.parametrize(("build", "expected"), DOCX_VARIANTS, ids=[build.__name__ for build, _ in DOCX_VARIANTS])
def test_docx_as_offices_write_it_reads_its_items(build, expected):
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    assert items_of(out.getvalue(), "ke-hoach.docx") == expected


def test_text_box_paragraphs_are_paragraphs_of_their_own():
    document = docx.Document()
    letterhead_in_a_text_box(document)
    out = io.BytesIO()
    document.save(out)
    found = [b.text for b in read_blocks(out.getvalue(), "ke-hoach.docx") if isinstance(b, Paragraph)]
    assert found[:3] == ["ỦY BAN NHÂN DÂN TỈNH BẮC NAM", "Số: 45/KH-UBND", "KẾ HOẠCH"], "the fallback copy is not read"


# --- PDF page breaks and tables without rules, rule by rule --------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "spaced", "text"),
    [
        # the producer writes the space at a wrap: a line without one was cut inside a date or a range
        ([("Tháng ", True), ("12/202", False), ("6", False)], True, "Tháng 12/2026"),
        ([("Năm 2025 ", True), ("2030", False)], True, "Năm 2025 2030"),
        ([("III.1", False), (".1", False)], True, "III.1.1"),
        # a number ending a justified line (no space written there) before a word
        ([("Quyết định số 12", False), ("ngày 5/3/2026", False)], True, "Quyết định số 12 ngày 5/3/2026"),
        # a hyphen may have had a space after it
        ([("Năm 2025-", False), ("2030", False)], True, "Năm 2025- 2030"),
        # a word ends the line: the next one is another word
        ([("Sở Nội", False), ("vụ", False)], True, "Sở Nội vụ"),
        # a producer that writes no space at wraps says nothing about where words end
        ([("Năm 2025-", False), ("2030", False)], False, "Năm 2025- 2030"),
        # a list item starts its own line
        ([("- Sở Nội vụ;", False), ("- Sở Tài chính", False)], True, "- Sở Nội vụ;\n- Sở Tài chính"),
    ],
)
def test_a_cell_cut_inside_a_date_by_a_narrow_column_is_one_word_again(lines, spaced, text):
    assert _cell_text(lines, spaced) == text


def _row(*texts: str, merged: tuple = ()) -> list[Cell]:
    return [Cell(text, f"cột {c + 1}", merged[c] if c < len(merged) else None) for c, text in enumerate(texts)]


@pytest.mark.parametrize(
    ("last", "first", "filled", "ruled", "is_cut"),
    [
        # the rest of a row: no number, same cells, written only where the row before was full
        (
            _row("1", "Rà soát quy trình", "Sở Nội vụ"),
            _row("", "tiếp nhận hồ sơ", ""),
            [False, True, False],
            True,
            True,
        ),
        # a new sub-row under merged cells writes where the row before had finished
        (
            _row("1", "Rà soát", "Sở Nội vụ"),
            _row("", "Xây dựng kho", "Sở Tài chính"),
            [False, True, False],
            True,
            False,
        ),
        # a numbered row is never the rest of another
        (_row("1", "Rà soát", "Sở Nội vụ"), _row("2", "kho dữ liệu", ""), [True, True, True], True, False),
        # a section row across the table is not continued by the row below it
        (
            _row("A.", "BỘ Y TẾ", "BỘ Y TẾ", merged=(None, None, "left")),
            _row("", "Bộ Y tế", "Sở Nội vụ"),
            [True, True, True],
            True,
            False,
        ),
        # without rules a cell's end is not drawn: a cell going on mid-sentence counts as full
        (_row("1", "Rà soát", "Sở Nội vụ"), _row("", "tiếp nhận hồ sơ", ""), [False, False, False], False, True),
        (_row("1", "Rà soát", "Sở Nội vụ"), _row("", "tiếp nhận hồ sơ", ""), [False, False, False], True, False),
    ],
)
def test_a_row_is_joined_over_a_page_break_only_when_cut(last, first, filled, ruled, is_cut):
    assert _is_cut(last, first, filled, ruled) is is_cut


@pytest.mark.parametrize(
    ("last", "rows", "expected"),
    [
        # a sub-row with no number under a numbered row: its empty cells continue the cells above
        (
            _row("2", "Xây dựng kho", "Sở Nội vụ"),
            [_row("", "", "Sở Tài chính")],
            [[("2", "above"), ("Xây dựng kho", "above"), ("Sở Tài chính", None)]],
        ),
        # an empty cell drawn merged with the repeated header goes on with the merge, down the page's own merge
        (
            _row("", "Tổ chức", "Công an tỉnh"),
            [_row("", "", "Sở Tài chính", merged=(None, "above")), _row("", "", "Sở Nội vụ", merged=(None, "above"))],
            [
                [("", None), ("Tổ chức", "above"), ("Sở Tài chính", None)],
                [("", None), ("Tổ chức", "above"), ("Sở Nội vụ", None)],
            ],
        ),
        # an empty cell under a merge that already runs to the end of the page before goes on with it
        (
            _row("", "Tổ chức", "Công an tỉnh", merged=(None, "above")),
            [_row("", "", "Sở Tài chính")],
            [[("", None), ("Tổ chức", "above"), ("Sở Tài chính", None)]],
        ),
        # a numbered row keeps its empty cells
        (
            _row("2", "Xây dựng kho", "Sở Nội vụ"),
            [_row("3", "Tổ chức", "")],
            [[("3", None), ("Tổ chức", None), ("", None)]],
        ),
    ],
)
def test_cells_merged_over_a_page_break_carry_their_text(last, rows, expected):
    _carry_merges(last, rows)
    assert [[(c.text, c.merged) for c in row] for row in rows] == expected


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # lead-first table: a sub-row shares the number and units it leaves empty before its first text
        (
            [_row("1", "Sở Nội vụ", "Rà soát", "Quý II"), _row("", "", "Tổ chức", "Năm 2026")],
            [("1", "Sở Nội vụ", "Rà soát", "Quý II"), ("1", "Sở Nội vụ", "Tổ chức", "Năm 2026")],
        ),
        # under a numbered row it also shares what it leaves empty after (the merged deadline)
        (
            [_row("1", "Rà soát", "Sở Nội vụ", "Quý II"), _row("", "", "Công an tỉnh", "")],
            [("1", "Rà soát", "Sở Nội vụ", "Quý II"), ("1", "Rà soát", "Công an tỉnh", "Quý II")],
        ),
        # an unnumbered item keeps its own empty cells after its first text
        (
            [_row("", "Sở Nội vụ", "Rà soát", "Quý II"), _row("", "", "Tổ chức", "")],
            [("", "Sở Nội vụ", "Rà soát", "Quý II"), ("", "Sở Nội vụ", "Tổ chức", "")],
        ),
        # a section row ("E." | "BỘ Y TẾ") shares nothing with the item below it
        (
            [_row("E.", "BỘ Y TẾ", "", ""), _row("", "Bộ Y tế", "Tổ chức", "Năm 2026")],
            [("E.", "BỘ Y TẾ", "", ""), ("", "Bộ Y tế", "Tổ chức", "Năm 2026")],
        ),
    ],
)
def test_sub_rows_of_a_table_without_rules_share_the_cells_they_leave_empty(rows, expected):
    _share_sub_rows(rows, 1)
    assert [tuple(c.text for c in row) for row in rows] == expected


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([_row("", "STT", "Nhiệm vụ"), _row("", "1", "Rà soát")], [["STT", "Nhiệm vụ"], ["1", "Rà soát"]]),
        # a sliver column covered by the cell on its left in every row
        (
            [_row("STT", "STT", "Nhiệm vụ", merged=(None, "left")), _row("1", "", "Rà soát")],
            [["STT", "Nhiệm vụ"], ["1", "Rà soát"]],
        ),
        # a column with a heading but no values is kept
        ([_row("STT", "Ghi chú"), _row("1", "")], [["STT", "Ghi chú"], ["1", ""]]),
    ],
)
def test_columns_with_no_text_of_their_own_are_left_out(rows, expected):
    assert [[c.text for c in row] for row in without_empty_columns(rows)] == expected


# --- Edge files -----------------------------------------------------------------------------------------------


def test_image_only_pdf_says_it_is_a_scan():
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(page).text((100, 100), "KE HOACH so 45/KH-UBND", fill="black")
    out = io.BytesIO()
    page.save(out, "PDF", resolution=150)
    with pytest.raises(PlanImportError) as caught:
        read_blocks(out.getvalue(), "ban-quet.pdf")
    assert caught.value.message == SCANNED and "bản quét, không có lớp chữ" in SCANNED


def test_pdf_with_an_open_password_asks_to_remove_it(tmp_path):
    if office_program() is None:
        pytest.skip("LibreOffice (soffice) is not installed: an encrypted PDF cannot be made here")
    source = tmp_path / "ke-hoach.docx"
    source.write_bytes(plan_docx())
    _convert(
        [source],
        'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"matkhau"}}',
        tmp_path,
    )
    with pytest.raises(PlanImportError) as caught:
        read_blocks((tmp_path / "out" / "ke-hoach.pdf").read_bytes(), "ke-hoach.pdf")
    assert caught.value.message.startswith("tệp PDF có mật khẩu")


def test_word_file_with_a_password_asks_to_remove_it():
    # Word saves an encrypted .docx as an OLE container holding the "EncryptedPackage" stream.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100
    with pytest.raises(PlanImportError) as caught:
        read_blocks(data, "ke-hoach.docx")
    assert caught.value.message.startswith("tệp Word có mật khẩu")


def test_spreadsheet_named_docx_is_named_for_what_it_is():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(PlanImportError) as caught:
        read_blocks(out.getvalue(), "ke-hoach.docx")
    assert "bảng tính Excel" in caught.value.message


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes Vietnamese: a letter with its vowel mark, then the tone as a combining mark."""
    out = bytearray()
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONE_MARKS))
        out += base.encode("cp1258") + "".join(p for p in parts if p in _TONE_MARKS).encode("cp1258")
    return bytes(out)


WORD_FILTERED_HTML = """<html><head>
<meta http-equiv=Content-Type content="text/html; charset=windows-1258">
<meta name=Generator content="Microsoft Word 15 (filtered)">
<style><!-- p.MsoNormal {margin:0cm; font-size:14.0pt; mso-style-priority:1;} --></style></head>
<body lang=EN-US><div class=WordSection1>
<table class=MsoNormalTable border=0 cellpadding=0><tr><td valign=top style='padding:0cm 5.4pt 0cm 5.4pt'>
<p class=MsoNormal align=center><b><span lang=VI>ỦY BAN NHÂN DÂN<o:p></o:p></span></b></p>
<p class=MsoNormal align=center><span lang=VI>Số: 45/KH-UBND</span></p></td>
<td valign=top><p class=MsoNormal align=center><b><span lang=VI>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</span></b></p></td>
</tr></table>
<p class=MsoNormal align=center><b><span lang=VI>KẾ HOẠCH</span></b></p>
<p class=MsoListParagraph style='margin-left:18.0pt;text-indent:-18.0pt'><span lang=VI>I.<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span><b><span lang=VI>NHIỆM VỤ</span>
</b></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;border:none'>
<tr style='page-break-inside:avoid'>
<td style='border:solid windowtext 1.0pt'><p class=MsoNormal><b><span lang=VI>STT</span></b></p></td>
<td style='border:solid windowtext 1.0pt'><p class=MsoNormal><b><span lang=VI>Nội dung nhiệm vụ</span></b></p></td>
<td style='border:solid windowtext 1.0pt'><p class=MsoNormal><b><span lang=VI>Cơ quan chủ trì</span></b></p></td>
<td style='border:solid windowtext 1.0pt'><p class=MsoNormal><b><span lang=VI>Cơ quan phối hợp</span></b></p></td>
<td style='border:solid windowtext 1.0pt'><p class=MsoNormal><b><span lang=VI>Thời gian hoàn thành</span></b></p>
</td></tr>
<tr><td><p class=MsoNormal align=center><span lang=VI>1<o:p></o:p></span></p></td>
<td><p class=MsoNormal><span lang=VI>Rà soát quy trình tiếp nhận hồ sơ trực tuyến</span></p></td>
<td><p class=MsoNormal><span lang=VI>Sở Nội vụ</span></p></td>
<td><p class=MsoNormal><span lang=VI>- Văn phòng UBND tỉnh;<o:p></o:p></span></p>
<p class=MsoNormal><span lang=VI>- Sở Tài chính</span></p></td>
<td><p class=MsoNormal><span lang=VI>Quý II/2026</span></p></td></tr>
<tr><td><p class=MsoNormal align=center><span lang=VI>2</span></p></td>
<td><p class=MsoNormal><span lang=VI>Xây dựng kho dữ liệu dùng chung<o:p>&nbsp;</o:p></span></p></td>
<td><p class=MsoNormal><span lang=VI>Sở Khoa học và Công nghệ</span></p></td>
<td><p class=MsoNormal><span lang=VI>Các sở, ban, ngành tỉnh</span></p></td>
<td><p class=MsoNormal><span lang=VI>Năm 2026</span></p></td></tr></table>
<p class=MsoNormal><span lang=VI><o:p>&nbsp;</o:p></span></p></div></body></html>"""
WORD_HTML_ITEMS = [
    (
        "1",
        "Rà soát quy trình tiếp nhận hồ sơ trực tuyến",
        "Sở Nội vụ",
        "- Văn phòng UBND tỉnh; - Sở Tài chính",
        "Quý II/2026",
    ),
    ("2", "Xây dựng kho dữ liệu dùng chung", "Sở Khoa học và Công nghệ", "Các sở, ban, ngành tỉnh", "Năm 2026"),
]


@pytest.mark.parametrize("filename", ["ke-hoach.htm", "ke-hoach.doc"])
def test_web_page_filtered_by_word_in_windows_1258_reads_its_items(filename):
    """Word's "Web Page, Filtered": mso- styles, <o:p>, list numbers typed in spans, Vietnamese in
    Windows-1258 with combining tone marks; websites also hand such pages out as .doc."""
    data = cp1258(WORD_FILTERED_HTML)
    assert items_of(data, filename) == WORD_HTML_ITEMS
    assert read_document(data, filename).number == "45/KH-UBND"


def test_single_file_web_page_reads_its_html_part():
    """Word's "Single File Web Page" (.mht), which websites also hand out as .doc: the page in a MIME part."""
    data = (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_NextPart_01"\r\n\r\n'
        b"------=_NextPart_01\r\nContent-Location: file:///C:/ke-hoach.htm\r\n"
        b'Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset="windows-1258"\r\n\r\n'
        + quopri.encodestring(cp1258(WORD_FILTERED_HTML))
        + b"\r\n------=_NextPart_01--\r\n"
    )
    assert items_of(data, "ke-hoach.doc") == WORD_HTML_ITEMS


PLAN_TEXT = (
    "Số: 45/KH-UBND\nKẾ HOẠCH\n"
    "a) Rà soát quy trình tiếp nhận hồ sơ trực tuyến\n- Đơn vị chủ trì: Sở Nội vụ\n"
    "- Thời gian hoàn thành: Quý II/2026\n"
)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.replace("\n", "\r\n").encode("utf-8"),  # Windows line ends
        lambda text: text.encode("utf-16"),  # Notepad's "Unicode" (little-endian, byte order mark)
        lambda text: "\ufeff".encode("utf-16-be") + text.encode("utf-16-be"),
        lambda text: text.replace("\n", "\r\n").encode("utf-8-sig"),
    ],
    ids=["crlf", "utf-16-le", "utf-16-be", "utf-8-bom-crlf"],
)
def test_text_from_windows_reads_as_utf8_text(encode):
    assert items_of(encode(PLAN_TEXT), "ke-hoach.txt") == items_of(PLAN_TEXT.encode("utf-8"), "ke-hoach.txt")


def test_text_in_a_windows_code_page_is_refused_naming_the_line():
    data = b"So 45\r\nKe hoach\r\n" + cp1258("Đơn vị chủ trì: Sở Nội vụ\r\n")
    with pytest.raises(PlanImportError) as caught:
        read_blocks(data, "ke-hoach.txt")
    assert "UTF-8" in caught.value.message and caught.value.where == "dòng 3"
