"""The paragraph recogniser: labelled blocks, unit headings and sentences that name their unit become items;
descriptive text becomes nothing; an assignment that fits no list is reported, never dropped or invented."""

from __future__ import annotations

import re

import pytest

from tracker.plan_import.blocks import Cell, Paragraph, Table
from tracker.plan_import.document import PlanDocument
from tracker.plan_import.paragraphs import recognise_paragraphs
from tracker.plan_import.sources import read_blocks

from .documents import PROVINCIAL_PLAN

_MARKER_RE = re.compile(r"^(?:[-+•*]|\(\d+\)|[a-zđ]\)|\d+(?:\.\d+)*\.|[IVX]+\.)(?=\s|$)")


def blocks(text: str) -> list[Paragraph | Table]:
    """One paragraph per line ("dòng N"), an indented line going on with the one above; a line wrapped in ** is
    a bold heading, a line "|" a table."""
    out: list[Paragraph | Table] = []
    for number, line in enumerate(text.strip("\n").splitlines(), start=1):
        if line.startswith("    ") and out and isinstance(out[-1], Paragraph):
            out[-1].text += " " + line.strip()
            continue
        line = line.strip()
        if not line:
            continue
        if line == "|":
            out.append(Table([[Cell("TT", f"dòng {number}")]], f"dòng {number}", is_flattened=True))
            continue
        bold = line.startswith("**") and line.endswith("**")
        line = line.strip("*") if bold else line
        marker = _MARKER_RE.match(line)
        out.append(
            Paragraph(
                line, f"dòng {number}", marker.group(0) if marker else "", is_bold=bold, emphasis=[line] if bold else []
            )
        )
    return out


def read(text: str) -> PlanDocument:
    doc = PlanDocument()
    recognise_paragraphs(blocks(text), doc)
    return doc


def items(doc: PlanDocument) -> list[dict]:
    return [
        {
            "section": s.number,
            "stt": i.stt,
            "subrow": i.subrow,
            "task": i.task,
            "lead": i.lead,
            "coordinating": i.coordinating,
            "deadline": i.deadline,
            "output": i.expected_output,
        }
        for s in doc.sections
        for i in s.items
    ]


# --- Labelled paragraphs -------------------------------------------------------------------------------------


def test_each_label_block_under_a_heading_is_an_item_whose_task_is_the_bullet_before_it():
    doc = read("""
**III. NHIỆM VỤ, GIẢI PHÁP**
**4. Nâng cao phẩm chất, năng lực cho đội ngũ cán bộ**
- Tăng cường công tác giáo dục chính trị, tư tưởng cho đội ngũ cán bộ.
- Nâng cao nhận thức, ý thức trách nhiệm của đội ngũ cán bộ.
Đơn vị thực hiện: Các Sở, ngành, đơn vị, UBND cấp xã.
Đơn vị phối hợp: Sở Tư pháp.
Thời gian thực hiện: Thường xuyên.
- Tổ chức tập huấn, bồi dưỡng kiến thức, kỹ năng xây dựng pháp luật.
Đơn vị chủ trì tham mưu thực hiện: Sở Tư pháp.
Đơn vị phối hợp thực hiện: Văn phòng UBND tỉnh; các cơ quan, đơn vị, địa phương

liên quan.
Thời gian thực hiện: Theo kế hoạch công tác tư pháp hàng năm.
""")
    assert items(doc) == [
        {
            "section": "III",
            "stt": "4",
            "subrow": None,
            "task": "Tăng cường công tác giáo dục chính trị, tư tưởng cho đội ngũ cán bộ.\n"
            "- Nâng cao nhận thức, ý thức trách nhiệm của đội ngũ cán bộ.",
            "lead": "Các Sở, ngành, đơn vị, UBND cấp xã",
            "coordinating": "Sở Tư pháp",
            "deadline": "Thường xuyên",
            "output": "",
        },
        {
            "section": "III",
            "stt": "4",
            "subrow": 2,
            "task": "Tổ chức tập huấn, bồi dưỡng kiến thức, kỹ năng xây dựng pháp luật.",
            "lead": "Sở Tư pháp",
            "coordinating": "Văn phòng UBND tỉnh; các cơ quan, đơn vị, địa phương liên quan",
            "deadline": "Theo kế hoạch công tác tư pháp hàng năm",
            "output": "",
        },
    ]
    assert [i.where for i in doc.sections[0].items] == ["dòng 3", "dòng 8"]  # where each task is written
    assert doc.not_understood == [] and doc.warnings == []


@pytest.mark.parametrize(
    "label, field",
    [
        ("Đơn vị chủ trì", "lead"),
        ("Đơn vị chủ trì thực hiện", "lead"),
        ("Đơn vị chủ trì tham mưu thực hiện", "lead"),
        ("Cơ quan chủ trì", "lead"),
        ("Cơ quan thực hiện", "lead"),
        ("Đơn vị thực hiện", "lead"),
        ("Chủ trì thực hiện", "lead"),
        ("Chủ trì", "lead"),
        ("Cơ quan, đơn vị chủ trì", "lead"),
        ("Phối hợp", "coordinating"),
        ("Phối hợp thực hiện", "coordinating"),
        ("Đơn vị phối hợp", "coordinating"),
        ("Cơ quan phối hợp thực hiện", "coordinating"),
        ("Thời gian thực hiện", "deadline"),
        ("Thời gian hoàn thành", "deadline"),
        ("Thời hạn", "deadline"),
        ("Tiến độ thực hiện", "deadline"),
        ("Thời gian hoàn tất", "deadline"),
        ("Thời điểm hoàn thành", "deadline"),
        ("Mốc hoàn thành", "deadline"),
        ("Đơn vị đầu mối", "lead"),
        ("Sản phẩm", "output"),
        ("Kết quả dự kiến", "output"),
    ],
)
@pytest.mark.parametrize("dash", ["- ", ""])
def test_every_label_wording_is_read_with_or_without_a_dash(label, field, dash):
    other = "Chủ trì: Sở Nội vụ" if field in ("deadline", "output") else "Thời gian thực hiện: Quý IV/2025"
    doc = read(f"""
II. NỘI DUNG
1. Rà soát thủ tục hành chính nội bộ.
{dash}{label}: Sở Tư pháp.
{dash}{other}
""")
    [item] = items(doc)
    assert item["task"] == "Rà soát thủ tục hành chính nội bộ."
    assert item[field] == "Sở Tư pháp"


def test_a_label_without_colon_counts_only_when_emphasis_sets_it_apart():
    labelled = [
        Paragraph("1. Rà soát thủ tục.", "dòng 1", "1."),
        Paragraph("Chủ trì thực hiện Sở Nội vụ", "dòng 2", is_italic=True, emphasis=["Chủ trì thực hiện"]),
    ]
    doc = PlanDocument()
    recognise_paragraphs(labelled, doc)
    assert [i["lead"] for i in items(doc)] == ["Sở Nội vụ"]

    doc = read("""
II. NỘI DUNG
1. Rà soát thủ tục hành chính nội bộ.
Chủ trì, phối hợp với các sở xây dựng kế hoạch.
""")
    assert items(doc) == []


def test_a_content_label_gives_the_task_and_a_heading_alone_is_the_task_when_there_is_none():
    doc = read("""
**II. NỘI DUNG**
**1. Phổ biến, giáo dục Luật Việc làm**
- Nội dung thực hiện: Tổ chức phổ biến, giáo dục Luật Việc làm bằng các hình thức đa dạng.
- Cơ quan thực hiện: Sở Nội vụ chủ trì tham mưu Ủy ban nhân dân Thành phố ban hành Kế hoạch; Sở Tư pháp và
    các sở, ban, ngành chủ động tổ chức triển khai.
- Thời gian thực hiện: Năm 2025
và các năm tiếp theo.
**4. Tổ chức kiểm tra việc thi hành Luật Việc làm**
- Cơ quan thực hiện: Sở Nội vụ, các sở, ban, ngành Thành phố trong phạm vi chức năng, nhiệm vụ của mình và các
    cơ quan, tổ chức khác có liên quan.
- Thời gian thực hiện: Năm 2026 và các năm tiếp theo.
""")
    first, last = doc.sections[0].items
    assert first.task == "Tổ chức phổ biến, giáo dục Luật Việc làm bằng các hình thức đa dạng."
    assert first.lead == "Sở Nội vụ"  # the unit the sentence says "chủ trì"; the whole sentence is kept as a note
    assert first.notes["Cơ quan thực hiện"].startswith("Sở Nội vụ chủ trì tham mưu")
    assert first.deadline == "Năm 2025 và các năm tiếp theo"
    assert last.task == "Tổ chức kiểm tra việc thi hành Luật Việc làm"
    assert last.lead == "Sở Nội vụ, các sở, ban, ngành Thành phố và các cơ quan, tổ chức khác có liên quan"


def test_numbered_blocks_structure_content_organisation_and_result_inside_an_article():
    # An excerpt quoted in an article: the article's own text makes nothing.
    doc = read("""
# Bộ Xây dựng yêu cầu nghiên cứu mô hình giao dịch nhà đất
Theo Quyết định 110/QĐ-BXD năm 2025, Bộ Xây dựng đã đề ra 09 nhiệm vụ trọng tâm.
Theo tiểu mục 8 mục II Kế hoạch ban hành kèm theo Quyết định 110/QĐ-BXD, Bộ Xây dựng yêu cầu như sau:
Phối hợp với các Bộ Tư pháp, Tài chính nghiên cứu mô hình giao dịch chứng khoán.
(1) Nội dung thực hiện:
- Phối hợp với các Bộ Tư pháp, Tài chính nghiên cứu mô hình giao dịch chứng khoán;
- Hoàn thiện hệ thống phần mềm, kết nối liên thông dữ liệu.
(2) Tổ chức thực hiện:
- Đơn vị thực hiện: Cục Quản lý nhà và thị trường bất động sản, Trung tâm thông tin.
- Đơn vị phối hợp: Văn phòng Bộ và các đơn vị liên quan
Thời gian thực hiện: Quý II/2025.
(3) Kết quả
Tổng hợp, báo cáo kết quả thực hiện theo nhiệm vụ được giao.
Việc triển khai nhiệm vụ cần phải đảm bảo yêu cầu sau:
- Thường xuyên phối hợp chặt chẽ với các Bộ, ngành, địa phương để tổ chức thực hiện tốt các nhiệm vụ.
""")
    assert items(doc) == [
        {
            "section": "II",
            "stt": "8",
            "subrow": None,  # the part of the plan the article says it quotes
            "task": "Phối hợp với các Bộ Tư pháp, Tài chính nghiên cứu mô hình giao dịch chứng khoán;\n"
            "- Hoàn thiện hệ thống phần mềm, kết nối liên thông dữ liệu.",
            "lead": "Cục Quản lý nhà và thị trường bất động sản, Trung tâm thông tin",
            "coordinating": "Văn phòng Bộ và các đơn vị liên quan",
            "deadline": "Quý II/2025",
            "output": "Tổng hợp, báo cáo kết quả thực hiện theo nhiệm vụ được giao",
        }
    ]
    assert doc.not_understood == []


def test_a_lettered_item_ending_with_a_colon_introduces_each_labelled_bullet_below_it():
    doc = read("""
II. NHIỆM VỤ, GIẢI PHÁP
2. Hoàn thiện hạ tầng
a) Nâng cấp hệ thống thông tin giải quyết thủ tục hành chính của tỉnh:
- Triển khai thanh toán trực tuyến trên Cổng dịch vụ công.
- Đơn vị thực hiện: Sở Thông tin và Truyền thông.
- Triển khai ký số trên thiết bị di động.
- Đơn vị thực hiện: Sở Nội vụ.
- Kinh phí: Ngân sách tỉnh.
- Thời gian thực hiện: Tháng 10/2023.
""")
    first, second = doc.sections[0].items
    assert (doc.sections[0].number, doc.sections[0].title) == ("2", "Hoàn thiện hạ tầng")
    assert first.task == (
        "Nâng cấp hệ thống thông tin giải quyết thủ tục hành chính của tỉnh:\n"
        "- Triển khai thanh toán trực tuyến trên Cổng dịch vụ công."
    )
    assert second.task.endswith("\n- Triển khai ký số trên thiết bị di động.")
    assert (first.stt, first.subrow, second.stt, second.subrow) == ("a", None, "a", 2)
    # A label the importer does not interpret stays in the block, as a note.
    assert (second.deadline, second.notes) == ("Tháng 10/2023", {"Kinh phí": "Ngân sách tỉnh"})


def test_the_seed_style_provincial_plan_reads_each_sub_item_as_an_item():
    doc = PlanDocument()
    recognise_paragraphs(read_blocks(PROVINCIAL_PLAN.encode("utf-8"), "ke-hoach-tinh.txt"), doc)
    assert [(s.number, s.title, [(i.stt, i.subrow) for i in s.items]) for s in doc.sections] == [
        ("1", "Nâng cao chất lượng tiếp nhận hồ sơ", [("a", None), ("b", None), ("c", None)]),
        ("2", "Hoàn thiện hạ tầng", [("a", None), ("a", 2), ("đ", None)]),
    ]
    last = doc.sections[1].items[2]
    assert (last.lead, last.expected_output, last.deadline) == (
        "Sở Nội vụ",
        "Kho dữ liệu số hóa",
        "Trước ngày 15/12/2023",
    )
    assert doc.sections[1].items[1].lead == "Sở Thông tin và Truyền thông; Sở Nội vụ"


# --- Unit headings -----------------------------------------------------------------------------------------


def test_a_unit_heading_is_the_lead_of_every_paragraph_under_it():
    doc = read("""
**VI. TỔ CHỨC THỰC HIỆN**
**1. Sở Khoa học và Công nghệ**
a) Chủ trì, tham mưu hoàn thiện thể chế phát triển kinh tế số.
b) Xây dựng, vận hành các nền tảng số dùng chung của tỉnh.
**5. Sở Công Thương**
Chủ trì triển khai các nhiệm vụ tại mục (IV) (3) của Kế hoạch.
Tăng cường quản lý, thanh tra thương mại điện tử.
**10. Công an tỉnh**
a) Chủ trì tham mưu về hạ tầng định danh điện tử.
c) Phối hợp với các đơn vị trong việc nghiên cứu, tham mưu triển khai Kế hoạch.
**13. Báo và Phát thanh, Truyền hình tỉnh và các cơ quan báo chí đóng trên địa bàn**
Chủ trì, phối hợp chặt chẽ với Sở Khoa học và Công nghệ, các sở, ngành, địa phương triển khai tuyên truyền.
""")
    assert [(i["section"], i["stt"], i["subrow"], i["lead"], i["coordinating"]) for i in items(doc)] == [
        ("VI", "1.a", None, "Sở Khoa học và Công nghệ", ""),
        ("VI", "1.b", None, "Sở Khoa học và Công nghệ", ""),
        ("VI", "5", None, "Sở Công Thương", ""),
        ("VI", "5", 2, "Sở Công Thương", ""),
        ("VI", "10.a", None, "Công an tỉnh", ""),
        ("VI", "10.c", None, "Công an tỉnh", ""),  # letters may skip; "các đơn vị" alone names no unit
        (
            "VI",
            "13",
            None,
            "Báo và Phát thanh, Truyền hình tỉnh và các cơ quan báo chí đóng trên địa bàn",
            "Sở Khoa học và Công nghệ, các sở, ngành, địa phương",
        ),
    ]
    assert doc.warnings == [] and doc.not_understood == []


def test_an_intro_sentence_gives_its_partners_to_the_lettered_tasks_but_not_its_text():
    doc = read("""
IV. TỔ CHỨC THỰC HIỆN
**3. Sở Văn hóa, Thể thao và Du lịch/Sở Văn hóa và Thể thao tỉnh, thành phố trực thuộc Trung ương**
Chủ trì, phối hợp với các cơ quan có liên quan tham mưu cho Ủy ban nhân dân các tỉnh:
a) Tổ chức thực hiện quản lý nhà nước về văn hóa, thể thao tại địa phương.
b) Theo dõi và báo cáo định kỳ hằng năm hoặc đột xuất theo yêu cầu.
**4. Các tổ chức, cá nhân liên quan**
Phối hợp với các cơ quan có thẩm quyền trong việc triển khai thực hiện quy hoạch.
""")
    a, b, four = doc.sections[0].items
    assert a.task == "Tổ chức thực hiện quản lý nhà nước về văn hóa, thể thao tại địa phương."
    assert (a.lead, a.coordinating) == (
        "Sở Văn hóa, Thể thao và Du lịch/Sở Văn hóa và Thể thao tỉnh, thành phố trực thuộc Trung ương",
        "các cơ quan có liên quan",
    )
    assert b.deadline == "định kỳ hằng năm hoặc đột xuất theo yêu cầu"
    assert (four.lead, four.coordinating) == ("Các tổ chức, cá nhân liên quan", "các cơ quan có thẩm quyền")


def test_inline_unit_headings_and_bullets_under_a_heading_on_its_own_line():
    doc = read("""
III. PHÂN CÔNG NHIỆM VỤ
1. Công an tỉnh
Tham mưu giúp UBND tỉnh tổ chức thực hiện tốt công tác bảo vệ bí mật nhà nước.
Trong đó giao Giám đốc Công an tỉnh chỉ đạo thực hiện:
- Đôn đốc, hướng dẫn các cơ quan thực hiện nghiêm túc Luật Bảo vệ bí mật nhà nước.
- Chủ trì, phối hợp với Văn phòng UBND tỉnh và các cơ quan có liên quan tham mưu với UBND tỉnh: Ban hành Quy chế.
2. Văn phòng UBND tỉnh: Phối hợp với Công an tỉnh và các cơ quan có liên quan tham mưu với UBND tỉnh.
4. Sở Tư pháp: Phối hợp với Công an tỉnh kiểm tra việc thi hành Luật. Phối hợp với Văn phòng UBND tỉnh, Công an
    tỉnh tham mưu ban hành Quy chế.
""")
    assert [(i["stt"], i["subrow"], i["task"][:20], i["lead"], i["coordinating"]) for i in items(doc)] == [
        ("1", None, "Tham mưu giúp UBND t", "Công an tỉnh", ""),
        ("1", 2, "Đôn đốc, hướng dẫn c", "Công an tỉnh", ""),
        ("1", 3, "Chủ trì, phối hợp vớ", "Công an tỉnh", "Văn phòng UBND tỉnh và các cơ quan có liên quan"),
        ("2", None, "Phối hợp với Công an", "Văn phòng UBND tỉnh", "Công an tỉnh và các cơ quan có liên quan"),
        ("4", None, "Phối hợp với Công an", "Sở Tư pháp", "Công an tỉnh; Văn phòng UBND tỉnh"),
    ]


def test_bullets_under_lettered_unit_headings_inside_a_numbered_topic():
    doc = read("""
**II. PHÂN CÔNG NHIỆM VỤ**
**2. Lãnh đạo, chỉ đạo rà soát, hoàn thiện pháp luật.**
**2.1. Để thể chế hoá đầy đủ Nghị quyết số 57-NQ/TW, Đảng đoàn Quốc hội xác định các nhiệm vụ trọng tâm sau:**
* Khẩn trương tổ chức rà soát các rào cản pháp luật; thực hiện cơ bản hoàn thành trong năm 2025.
* Chủ động xây dựng, triển khai thực hiện kế hoạch giám sát.
**2.2. Tổ đảng ở Thường trực Hội đồng Dân tộc, các Ủy ban của Quốc hội chủ động thực hiện các nhiệm vụ sau:**
**a) Tổ đảng ở Thường trực Ủy ban KH,CN&MT**
* Chủ trì thẩm tra các dự án luật về khoa học, công nghệ.
* Thực hiện một số nội dung khác theo sự phân công của UBTVQH (nếu có).
**c) Tổ đảng ở Thường trực Ủy ban Pháp luật**
* Chủ trì thẩm tra, giám sát việc thực hiện chính sách, pháp luật về dân sự.
**n) Lãnh đạo Ban Dân nguyện**
* Chủ trì giúp UBTVQH trong công tác tiếp công dân.
""")
    assert [(i["section"], i["stt"], i["lead"], i["deadline"]) for i in items(doc)] == [
        ("II", "2.1", "Đảng đoàn Quốc hội", "thực hiện cơ bản hoàn thành trong năm 2025"),
        ("II", "2.1", "Đảng đoàn Quốc hội", ""),
        ("II", "2.2.a", "Tổ đảng ở Thường trực Ủy ban KH,CN&MT", ""),
        ("II", "2.2.a", "Tổ đảng ở Thường trực Ủy ban KH,CN&MT", ""),
        ("II", "2.2.c", "Tổ đảng ở Thường trực Ủy ban Pháp luật", ""),
        ("II", "2.2.n", "Lãnh đạo Ban Dân nguyện", ""),
    ]


def test_a_topic_heading_that_starts_like_a_unit_among_topic_headings_is_a_topic():
    doc = read("""
III. PHÁT TRIỂN NỀN MÓNG KINH TẾ SỐ
**8. Công dân số**
a) Ứng dụng khung kỹ năng số quốc gia.
**9. Doanh nghiệp số**
a) Triển khai Chương trình phát triển công nghiệp công nghệ số.
b) Triển khai Chương trình hỗ trợ chuyển đổi số doanh nghiệp nhỏ và vừa.
**10. Quản trị số**
a) Cải cách hành chính dựa trên dữ liệu.
""")
    assert items(doc) == [] and doc.not_understood == []


# --- Sentences that name their unit ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, lead, coordinating",
    [
        (
            "Các sở, ban, ngành trực thuộc UBND tỉnh; UBND các huyện, thành phố tiếp tục tổ chức tuyên truyền.",
            "Các sở, ban, ngành trực thuộc UBND tỉnh; UBND các huyện, thành phố",
            "",
        ),
        (
            "Thủ trưởng các sở, ban, ngành; Chủ tịch UBND các huyện, thành phố có trách nhiệm: Lãnh đạo, chỉ đạo.",
            "Thủ trưởng các sở, ban, ngành; Chủ tịch UBND các huyện, thành phố",
            "",
        ),
        (
            "Xây dựng Quy chế bảo vệ bí mật nhà nước (Giao Công an tỉnh chủ trì, phối hợp với Văn phòng UBND tỉnh; "
            "Sở Tư pháp và các cơ quan, tổ chức có liên quan tham mưu).",
            "Công an tỉnh",
            "Văn phòng UBND tỉnh; Sở Tư pháp và các cơ quan, tổ chức có liên quan",
        ),
        (
            "Thành lập Đoàn kiểm tra việc chấp hành các quy định năm 2023 (Giao Công an tỉnh tham mưu).",
            "Công an tỉnh",
            "",
        ),
        (
            "Đảng đoàn Quốc hội phối hợp với Đảng ủy cơ quan Văn phòng Quốc hội tổ chức phổ biến, quán triệt.",
            "Đảng đoàn Quốc hội",
            "Đảng ủy cơ quan Văn phòng Quốc hội",
        ),
        (
            "Sở Nội vụ chủ trì, phối hợp với Văn phòng UBND tỉnh khẩn trương tham mưu phân công người thực hiện.",
            "Sở Nội vụ",
            "Văn phòng UBND tỉnh",
        ),
        (
            "UBND TP. Hồ Chí Minh chủ trì, phối hợp các sở, ngành, trường đại học, cao đẳng xây dựng chương trình.",
            "UBND TP. Hồ Chí Minh",
            "các sở, ngành, trường đại học, cao đẳng",
        ),
    ],
)
def test_a_sentence_names_its_lead_and_partners(sentence, lead, coordinating):
    doc = read(f"""
II. NỘI DUNG CÔNG TÁC
1. {sentence}
2. Các cơ quan, đơn vị rà soát danh mục bí mật nhà nước.
""")
    first = doc.sections[0].items[0]
    assert (first.lead, first.coordinating) == (lead, coordinating)


def test_a_task_list_keeps_its_tasks_that_name_no_unit_and_flags_them():
    doc = read("""
I. MỤC ĐÍCH, YÊU CẦU
1. Các cơ quan, tổ chức chủ động khắc phục sơ hở trong công tác bảo vệ bí mật nhà nước.
II. NỘI DUNG CÔNG TÁC
1. Các sở, ban, ngành tiếp tục tổ chức tuyên truyền, tập huấn.
2. Tiếp tục thực hiện tốt các quy định về xác định bí mật nhà nước.
3. Tổ chức rà soát danh mục bí mật nhà nước (khi có yêu cầu).
4. Xây dựng Quy chế bảo vệ bí mật nhà nước (Giao Công an tỉnh chủ trì).
""")
    assert [(i["section"], i["stt"], i["lead"]) for i in items(doc)] == [
        ("II", "1", "Các sở, ban, ngành"),
        ("II", "2", ""),
        ("II", "3", ""),
        ("II", "4", "Công an tỉnh"),
    ]
    assert doc.warnings == [
        "dòng 5: nhiệm vụ II.2 không ghi đơn vị chủ trì; đã nhập, cần bổ sung đơn vị.",
        "dòng 6: nhiệm vụ II.3 không ghi đơn vị chủ trì; đã nhập, cần bổ sung đơn vị.",
    ]
    assert doc.not_understood == []  # the objectives assign nothing


def test_a_list_where_few_paragraphs_name_a_unit_is_narrative_and_its_assignments_are_reported():
    doc = read("""
V. GIẢI PHÁP
6. Bảo đảm kinh phí
a) Các sở, ngành, địa phương có trách nhiệm chủ động bố trí kinh phí từ dự toán được giao.
b) Kinh phí đầu tư tập trung cho hạ tầng, hệ thống thông tin.
c) Thúc đẩy vai trò doanh nghiệp tư nhân.
""")
    assert items(doc) == []
    assert [(n.where, n.text[:30]) for n in doc.not_understood] == [("dòng 3", "a) Các sở, ngành, địa phương c")]


def test_the_closing_section_assigns_in_prose_only_when_the_plan_does_so_elsewhere():
    closing = """
IV. TỔ CHỨC THỰC HIỆN
1. Thủ trưởng các sở, ban, ngành; Chủ tịch UBND các huyện căn cứ chức năng, nhiệm vụ được giao chỉ đạo: xây dựng
    Kế hoạch thực hiện và gửi về UBND tỉnh trước ngày 28/2/2023; lập dự toán; Báo cáo kết quả thực hiện trước ngày
    10/11/2023 để tổng hợp.
2. Kinh phí thực hiện Kế hoạch này: Do ngân sách nhà nước đảm bảo.
3. Giao Công an tỉnh chủ trì phối hợp với Văn phòng UBND tỉnh giúp Chủ tịch UBND tỉnh hướng dẫn, đôn đốc.
"""
    in_prose = read(
        """
II. NỘI DUNG CÔNG TÁC
1. Các sở, ban, ngành tiếp tục tổ chức tuyên truyền, tập huấn.
"""
        + closing
    )
    assert [(i["section"], i["stt"], i["subrow"], i["task"][:25], i["deadline"]) for i in items(in_prose)][1:] == [
        ("IV", "1", None, "xây dựng Kế hoạch thực hi", "trước ngày 28/2/2023"),
        ("IV", "1", 2, "Báo cáo kết quả thực hiện", "trước ngày 10/11/2023"),
        ("IV", "3", None, "Giao Công an tỉnh chủ trì", ""),
    ]
    labelled = read(
        """
II. NỘI DUNG
1. Rà soát thủ tục hành chính nội bộ.
- Chủ trì: Sở Nội vụ.
"""
        + closing
    )
    assert [i["stt"] for i in items(labelled)] == ["1"]
    assert [n.where for n in labelled.not_understood] == ["dòng 6", "dòng 10"]  # reported, not dropped


def test_a_topic_heading_among_labelled_items_is_an_item_when_its_sentence_names_the_unit():
    doc = read("""
II. NỘI DUNG
**2. Tổ chức tập huấn**
- Cơ quan chủ trì: Sở Nội vụ.
**3. Xây dựng các văn bản quy phạm pháp luật**
Sở, ban, ngành thuộc Ủy ban nhân dân Thành phố có trách nhiệm rà soát, tham mưu ban hành văn bản.
III. KINH PHÍ THỰC HIỆN
2. Sở Tài chính chủ trì, phối hợp với các sở, ngành bố trí kinh phí.
""")
    assert [(i["stt"], i["lead"]) for i in items(doc)] == [
        ("2", "Sở Nội vụ"),
        ("3", "Sở, ban, ngành thuộc Ủy ban nhân dân Thành phố"),
    ]
    # Funding is the plan's housekeeping: its assignment is reported, not read as a task.
    assert [n.where for n in doc.not_understood] == ["dòng 7"]


# --- Nothing invented --------------------------------------------------------------------------------------


def test_recipients_signatures_tables_and_the_preamble_make_nothing():
    doc = read("""
Theo đề nghị của Sở Khoa học và Công nghệ, UBND tỉnh ban hành Kế hoạch như sau:
Sở Nội vụ chủ trì tổng hợp ý kiến.
I. NHIỆM VỤ
1. Sở Tư pháp chủ trì rà soát văn bản.
|
Nơi nhận:
- Bộ Tư pháp (b/c);
- Sở Nội vụ chủ trì;
- Lưu: VT.
**TM. ỦY BAN NHÂN DÂN**
""")
    assert [(i["section"], i["lead"]) for i in items(doc)] == [("I", "Sở Tư pháp")]
    assert doc.not_understood == [] and doc.warnings == []


def test_no_paragraphs_no_items():
    doc = PlanDocument()
    recognise_paragraphs([Table([[Cell("STT", "dòng 1")]], "dòng 1")], doc)
    assert (doc.sections, doc.not_understood, doc.warnings) == ([], [], [])


def test_labels_under_a_sentence_that_names_its_unit_give_its_deadline_and_output():
    doc = read("""
II. NỘI DUNG
1. Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật.
- Thời gian thực hiện: Quý II/2025.
- Sản phẩm: Báo cáo rà soát.
2. Sở Nội vụ chủ trì kiện toàn đội ngũ pháp chế.
""")
    first, second = items(doc)
    assert (first["task"], first["lead"], first["deadline"], first["output"]) == (
        "Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật.",
        "Sở Tư pháp",
        "Quý II/2025",
        "Báo cáo rà soát",
    )
    assert (second["lead"], second["deadline"]) == ("Sở Nội vụ", "")


def test_unit_headings_may_open_with_words_before_the_unit_and_be_bullets():
    doc = read("""
IV. TỔ CHỨC THỰC HIỆN
1. Trách nhiệm của Sở Tư pháp
a) Rà soát văn bản quy phạm pháp luật của tỉnh.
2. Đối với các sở, ban, ngành:
- Cung cấp thông tin về văn bản thuộc lĩnh vực quản lý.
3. Các cơ quan, đơn vị khác
- Sở Nội vụ: phối hợp với Sở Tư pháp bồi dưỡng đội ngũ pháp chế.
- Sở Tài chính: bố trí kinh phí.
""")
    assert [(i["stt"], i["lead"], i["task"][:12], i["coordinating"]) for i in items(doc)] == [
        ("1.a", "Sở Tư pháp", "Rà soát văn ", ""),
        ("2", "các sở, ban, ngành", "Cung cấp thô", ""),
        ("3", "Sở Nội vụ", "phối hợp với", "Sở Tư pháp"),
        ("3", "Sở Tài chính", "bố trí kinh ", ""),
    ]


def test_a_label_value_may_go_on_over_a_list_of_its_own_or_on_the_lines_below():
    doc = read("""
II. NHIỆM VỤ
1. Xây dựng cơ sở dữ liệu văn bản.
- Cơ quan chủ trì:
Sở Tư pháp
- Cơ quan phối hợp: Sở Nội vụ;
+ Sở Tài chính;
+ UBND cấp huyện.
- Thời gian hoàn thành: Quý III/2025.
""")
    [item] = items(doc)
    assert (item["lead"], item["coordinating"], item["deadline"]) == (
        "Sở Tư pháp",
        "Sở Nội vụ\nSở Tài chính\nUBND cấp huyện",
        "Quý III/2025",
    )


def test_labels_written_in_a_parenthesis_of_the_sentence():
    doc = read("""
II. NHIỆM VỤ
1. Xây dựng cơ sở dữ liệu văn bản (Cơ quan chủ trì: Sở Tư pháp; Cơ quan phối hợp: Sở Nội vụ; Thời gian
    hoàn thành: Quý III/2025).
2. Số hóa hồ sơ lưu trữ (Chủ trì: Sở Nội vụ; thời gian thực hiện: năm 2026).
""")
    assert [(i["lead"], i["coordinating"], i["deadline"]) for i in items(doc)] == [
        ("Sở Tư pháp", "Sở Nội vụ", "Quý III/2025"),
        ("Sở Nội vụ", "", "năm 2026"),
    ]


def test_a_plan_without_roman_sections_has_its_parts_under_numbered_headings():
    doc = read("""
**1. MỤC ĐÍCH, YÊU CẦU**
a) Sở Tư pháp chủ trì nâng cao chất lượng văn bản.
**2. NHIỆM VỤ**
a) Rà soát văn bản quy phạm pháp luật.
- Chủ trì: Sở Tư pháp.
**3. TỔ CHỨC THỰC HIỆN**
a) Sở Nội vụ chủ trì theo dõi việc thực hiện Kế hoạch.
""")
    assert [(i["section"], i["stt"], i["lead"]) for i in items(doc)] == [("2", "a", "Sở Tư pháp")]
    assert [n.where for n in doc.not_understood] == ["dòng 7"]  # the objectives assign nothing


# --- Shapes met on unseen plans: steps, articles, directives, letters --------------------------------------


def test_a_step_names_its_unit_in_the_paragraph_below_and_its_deadline_on_a_completion_line():
    doc = read("""
II. NỘI DUNG THỰC HIỆN
1. Trình tự lập danh sách
1.1. Bước 1:
1.1.a. Thành lập Tổ công tác:
Ủy ban nhân dân cấp xã thành lập Tổ công tác rà soát hồ sơ.
1.1.b. Tiếp nhận hồ sơ:
Các thôn tập hợp đơn đề nghị gửi về xã.
Thời gian hoàn tất: trước ngày 15 tháng 3 năm 2016.
1.2. Bước 2: Tổng hợp danh sách.
Trên cơ sở báo cáo của cấp xã, Phòng Nội vụ tổng hợp danh sách trình Ủy ban nhân dân huyện.
Thời gian hoàn tất: trước ngày 30 tháng 4 năm 2016.
1.3. Bước 3: Phê duyệt danh sách.
Sau khi thẩm định, Sở Tài chính phối hợp với Sở Nội vụ trình phê duyệt.
Thời gian hoàn tất: trước ngày 31 tháng 5 năm 2016.
""")
    assert [(i["section"], i["stt"], i["lead"], i["coordinating"], i["deadline"]) for i in items(doc)] == [
        ("II", "1.1.a", "Ủy ban nhân dân cấp xã", "", ""),
        ("II", "1.1.b", "", "", "trước ngày 15 tháng 3 năm 2016"),
        ("II", "1.2", "Phòng Nội vụ", "", "trước ngày 30 tháng 4 năm 2016"),
        ("II", "1.3", "Sở Tài chính", "Sở Nội vụ", "trước ngày 31 tháng 5 năm 2016"),
    ]
    assert items(doc)[2]["task"].startswith("Bước 2: Tổng hợp danh sách.\nTrên cơ sở báo cáo")
    assert doc.not_understood == []


def test_a_bullet_that_spells_out_its_parts_stays_one_task_of_its_unit():
    doc = read("""
III. TỔ CHỨC THỰC HIỆN
1. Ủy ban nhân dân cấp xã:
- Niêm yết công khai danh sách.
- Lập hồ sơ cho từng hộ, bao gồm:
+ Đơn đề nghị của hộ gia đình;
+ Biên bản nghiệm thu.
- Báo cáo kết quả thực hiện.
""")
    assert [(i["lead"], i["task"]) for i in items(doc)] == [
        ("Ủy ban nhân dân cấp xã", "Niêm yết công khai danh sách."),
        (
            "Ủy ban nhân dân cấp xã",
            "Lập hồ sơ cho từng hộ, bao gồm:\n+ Đơn đề nghị của hộ gia đình;\n+ Biên bản nghiệm thu.",
        ),
        ("Ủy ban nhân dân cấp xã", "Báo cáo kết quả thực hiện."),
    ]


@pytest.mark.parametrize("heading", ["Đối với các tổ chức khác", "Các đơn vị liên quan"])
def test_a_catch_all_unit_heading_gives_way_to_the_units_its_paragraph_asks(heading):
    doc = read(f"""
III. TỔ CHỨC THỰC HIỆN
1. Sở Xây dựng:
- Hướng dẫn các hộ gia đình xây dựng nhà ở.
2. {heading}
Đề nghị Hội Cựu chiến binh tỉnh, Tỉnh đoàn vận động nguồn lực hỗ trợ.
""")
    assert [i["lead"] for i in items(doc)] == ["Sở Xây dựng", "Hội Cựu chiến binh tỉnh, Tỉnh đoàn"]


def test_a_decision_in_articles_reads_its_tasks_from_the_article_that_assigns_them():
    doc = read("""
Điều 1. Nguyên tắc hỗ trợ
1. Hỗ trợ trực tiếp cho hộ gia đình.
Điều 4. Chi phí quản lý
1. Bộ Tài chính có trách nhiệm bố trí kinh phí quản lý hằng năm.
Điều 8. Tổ chức thực hiện
1. Trách nhiệm của các Bộ, ngành Trung ương
a) Bộ Xây dựng:
- Hướng dẫn các tỉnh triển khai Quyết định này.
b) Bộ Tài chính:
Bố trí vốn hỗ trợ các tỉnh.
2. Trách nhiệm của Ủy ban nhân dân các tỉnh
a) Công bố công khai đối tượng được hỗ trợ;
b) Giao Sở Xây dựng thiết kế mẫu nhà ở;
c) Báo cáo định kỳ kết quả thực hiện.
Điều 9. Quyết định này có hiệu lực thi hành kể từ ngày ký.
""")
    assert [(i["section"], i["stt"], i["lead"]) for i in items(doc)] == [
        ("Điều 8", "1.a", "Bộ Xây dựng"),
        ("Điều 8", "1.b", "Bộ Tài chính"),
        ("Điều 8", "2.a", "Ủy ban nhân dân các tỉnh"),
        ("Điều 8", "2.b", "Ủy ban nhân dân các tỉnh"),
        ("Điều 8", "2.c", "Ủy ban nhân dân các tỉnh"),
    ]
    # The other articles are the decision's rules: their assignments are reported, never imported.
    assert [n.where for n in doc.not_understood] == ["dòng 4"]


def test_the_unit_a_directive_addresses_before_its_list_is_the_lead_of_the_list():
    doc = read("""
Để làm tốt công tác đào tạo nghề, Thủ tướng Chính phủ yêu cầu Chủ tịch Ủy ban nhân dân các tỉnh, thành phố:
1. Chỉ đạo các cấp đưa nội dung đào tạo nghề vào kế hoạch hằng năm.
2. Sở Lao động - Thương binh và Xã hội có trách nhiệm thống kê nhu cầu học nghề.
3. Định kỳ hàng năm gửi báo cáo về Bộ Lao động - Thương binh và Xã hội.
""")
    assert [(i["stt"], i["lead"], i["deadline"]) for i in items(doc)] == [
        ("1", "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố", ""),
        ("2", "Sở Lao động - Thương binh và Xã hội", ""),
        ("3", "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố", "Định kỳ hàng năm"),
    ]


def test_requirements_addressed_to_units_in_a_descriptive_section_are_not_tasks():
    doc = read("""
I. MỤC ĐÍCH, YÊU CẦU
Ủy ban nhân dân tỉnh yêu cầu các sở, ngành:
- Quán triệt đầy đủ nội dung Kế hoạch.
- Bảo đảm tiến độ đề ra.
II. NHIỆM VỤ
1. Sở Tư pháp chủ trì rà soát văn bản.
""")
    assert [(i["section"], i["lead"]) for i in items(doc)] == [("II", "Sở Tư pháp")]


@pytest.mark.parametrize(
    "sentence, lead",
    [
        ("1. Yêu cầu Bộ Tài chính khẩn trương hoàn thiện dự thảo.", "Bộ Tài chính"),
        ("1. Đề nghị Ủy ban Mặt trận Tổ quốc tỉnh vận động nhân dân.", "Ủy ban Mặt trận Tổ quốc tỉnh"),
        ("1. Sở Tài chính tổng hợp, đề nghị Ủy ban nhân dân tỉnh bố trí kinh phí.", "Sở Tài chính"),
        ("1. Căn cứ Kế hoạch này, các sở, ngành xây dựng kế hoạch chi tiết.", "các sở, ngành"),
        ("1. Trong năm 2016, Ủy ban nhân dân các huyện phải hoàn thành việc hỗ trợ.", "Ủy ban nhân dân các huyện"),
    ],
)
def test_a_sentence_may_ask_its_unit_or_name_it_after_an_opening_clause(sentence, lead):
    doc = read(f"""
II. NHIỆM VỤ
{sentence}
2. Sở Nội vụ chủ trì kiện toàn tổ chức.
""")
    assert [i["lead"] for i in items(doc)] == [lead, "Sở Nội vụ"]


def test_a_letter_that_gives_its_directions_in_sentences_makes_one_item_per_direction():
    doc = read("""
Kính gửi: Bộ Lao động - Thương binh và Xã hội
Tại công văn số 12/VPCP, Phó Thủ tướng đã giao Bộ Lao động - Thương binh và Xã hội ban hành Thông tư; đến nay
    Bộ chưa có báo cáo.
Phó Thủ tướng yêu cầu Bộ Lao động - Thương binh và Xã hội khẩn trương ban hành Thông tư trước ngày 30/5/2013.
Văn phòng Chính phủ xin thông báo để Bộ biết, thực hiện./.
""")
    assert [(i["lead"], i["deadline"], i["task"][:20]) for i in items(doc)] == [
        ("Bộ Lao động - Thương binh và Xã hội", "trước ngày 30/5/2013", "Phó Thủ tướng yêu cầ")
    ]
    assert doc.not_understood == []


def test_a_letter_read_as_prose_only_when_no_table_could_hold_its_tasks():
    text = """
Phó Thủ tướng yêu cầu Bộ Tài chính khẩn trương ban hành Thông tư trước ngày 30/5/2013.
"""
    doc = PlanDocument()
    table = Table([[Cell(c, "dòng 9") for c in ("TT", "Nội dung", "Chủ trì")]] * 3, "dòng 9")
    recognise_paragraphs([*blocks(text), table], doc)
    assert doc.sections == [] and [n.where for n in doc.not_understood] == ["dòng 1"]


def test_a_resolution_numbered_with_dashes_has_its_tasks_in_its_closing_section():
    doc = read("""
A- TÌNH HÌNH
1- Các cấp uỷ, chính quyền đã quan tâm lãnh đạo công tác khoa học.
B- ĐỊNH HƯỚNG
I- QUAN ĐIỂM
1- Khoa học là quốc sách hàng đầu.
II- NHIỆM VỤ VÀ GIẢI PHÁP
1- Đổi mới cơ chế quản lý
Đổi mới cơ chế xây dựng kế hoạch khoa học hằng năm.
2.1- Nâng cao năng lực bộ máy quản lý nhà nước.
C- TỔ CHỨC THỰC HIỆN
1- Các cấp uỷ đảng lãnh đạo công tác tuyên truyền.
2- Đảng đoàn Quốc hội chỉ đạo sửa đổi các luật.
3- Ban Tuyên giáo Trung ương chủ trì phối hợp với các ban đảng theo dõi, sơ kết.
""")
    assert [(i["section"], i["stt"], i["lead"], i["coordinating"]) for i in items(doc)] == [
        ("C", "1", "Các cấp uỷ đảng", ""),
        ("C", "2", "Đảng đoàn Quốc hội", ""),
        ("C", "3", "Ban Tuyên giáo Trung ương", "các ban đảng"),
    ]
    assert doc.not_understood == []


def test_a_paragraph_naming_no_unit_that_states_a_rule_is_not_a_task():
    doc = read("""
II. NỘI DUNG
1. Sở Xây dựng nghiên cứu, thiết kế mẫu nhà ở.
2. Nhà ở được hỗ trợ phải bảo đảm vệ sinh môi trường.
3. Sở Tài chính bố trí kinh phí hỗ trợ.
4. Tổ chức kiểm tra việc xây dựng nhà ở.
""")
    assert [(i["stt"], i["lead"]) for i in items(doc)] == [("1", "Sở Xây dựng"), ("3", "Sở Tài chính"), ("4", "")]


def test_a_collective_partner_keeps_the_names_enumerated_after_its_colon():
    doc = read("""
II. NHIỆM VỤ
1. Bộ Xây dựng chủ trì, phối hợp với các Bộ, ngành liên quan: Tài chính, Nội vụ hướng dẫn các tỉnh.
""")
    assert items(doc)[0]["coordinating"] == "các Bộ, ngành liên quan: Tài chính, Nội vụ"


def test_a_closing_exhortation_is_housekeeping_but_a_closing_assignment_is_reported():
    doc = read("""
II. NHIỆM VỤ
1. Sở Tư pháp chủ trì rà soát văn bản.
III. TỔ CHỨC THỰC HIỆN
Các ngành khác, căn cứ nội dung của Kế hoạch này, xây dựng kế hoạch của ngành.
Đề nghị các tổ chức, cá nhân có liên quan thực hiện theo đúng Kế hoạch đề ra./.
Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị các sở, ngành phản ánh về Sở Tư pháp.
""")
    assert [i["lead"] for i in items(doc)] == ["Sở Tư pháp"]
    assert [n.where for n in doc.not_understood] == ["dòng 4"]


def test_a_past_assignment_in_the_narrative_is_not_reported():
    doc = read("""
Trong thời gian qua, Đảng, Nhà nước, các cấp, các ngành đã luôn quan tâm đến người có công.
1. Sở Lao động - Thương binh và Xã hội chủ trì rà soát đối tượng.
2. Sở Tài chính bố trí kinh phí.
""")
    assert [i["lead"] for i in items(doc)] == ["Sở Lao động - Thương binh và Xã hội", "Sở Tài chính"]
    assert doc.not_understood == []
