"""The table recogniser: task tables found by their header in every shape the real plans show, KPI target
tables, Decision 1872's group table, and every row either read or listed as not understood."""

from __future__ import annotations

import json

import pytest

from tracker.plan_import.blocks import Block, Cell, Paragraph, Table
from tracker.plan_import.corpus_check import align, task_key
from tracker.plan_import.document import PlanDocument
from tracker.plan_import.sources import read_blocks
from tracker.plan_import.tables import recognise_tables
from tracker.rules.names import normalize_text

from .conftest import CORPUS

# --- Building tables by hand ------------------------------------------------------------------------

ABOVE = "^"  # a cell merged with the one above (vMerge, rowspan): the reader copies its text
LEFT = "<"  # a cell merged with the one on its left (gridSpan, colspan)


def table(*rows: list[str], flattened: bool = False, number: int = 1) -> Table:
    """A table block; in an expanded table "^" and "<" mark merged cells, as the .docx reader gives them."""
    built: list[list[Cell]] = []
    for r, texts in enumerate(rows, start=1):
        cells: list[Cell] = []
        for c, text in enumerate(texts, start=1):
            where = f"bảng {number}, hàng {r}, cột {c}"
            if text == ABOVE:
                cells.append(Cell(built[-1][c - 1].text, where, "above"))
            elif text == LEFT:
                cells.append(Cell(cells[-1].text, where, "left"))
            else:
                cells.append(Cell(text, where))
        built.append(cells)
    return Table(built, f"bảng {number}", is_flattened=flattened)


def para(text: str, where: str = "đoạn 1") -> Paragraph:
    return Paragraph(text, where)


def recognise(*blocks: Block, year: int | None = 2025) -> PlanDocument:
    doc = PlanDocument(year=year)
    recognise_tables(list(blocks), doc)
    return doc


def items(doc: PlanDocument) -> list:
    return [item for section in doc.sections for item in section.items]


HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
ROW = ["1", "Xây dựng kế hoạch", "Sở Tài chính", "Sở Nội vụ", "Quý II/2026"]


# --- Header words, in any order -------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, row, expected",
    [
        (
            ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Dự kiến kết quả", "Thời gian hoàn thành"],
            ["1", "Ban hành quy chế", "Vụ Pháp chế", "Văn phòng Bộ", "Quy chế", "Tháng 8/2023"],
            ("Ban hành quy chế", "Vụ Pháp chế", "Văn phòng Bộ", "Quy chế", "Tháng 8/2023"),
        ),
        (
            ["TT", "Nội dung/nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"],
            ["1", "Khảo sát hạ tầng", "Ban Quản lý", "Sở Công Thương", "Quý III Năm 2026"],
            ("Khảo sát hạ tầng", "Ban Quản lý", "Sở Công Thương", "", "Quý III Năm 2026"),
        ),
        (
            [
                "STT",
                "Tên nhiệm vụ/dự án",
                "Cơ quan chủ trì",
                "Cơ quan phối hợp",
                "Kết quả dự kiến",
                "Thời gian triển khai",
            ],
            ["1", "Rà soát luật", "Bộ Xây dựng", "Các bộ, ngành liên quan", "Văn bản", "2026"],
            ("Rà soát luật", "Bộ Xây dựng", "Các bộ, ngành liên quan", "Văn bản", "2026"),
        ),
        (
            ["TT", "Tên đề án ưu tiên", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn hoàn thành"],
            ["1", "Đề án phân loại rác", "Ủy ban nhân dân các tỉnh", "Các bộ, ngành", "2030"],
            ("Đề án phân loại rác", "Ủy ban nhân dân các tỉnh", "Các bộ, ngành", "", "2030"),
        ),
        (
            ["TT", "Nhiệm vụ, giải pháp", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời gian thực hiện"],
            ["1", "Xây dựng Luật", "Bộ Công an", "Bộ Tài chính", "Trình Quốc hội", "Tháng 12/2026"],
            ("Xây dựng Luật", "Bộ Công an", "Bộ Tài chính", "Trình Quốc hội", "Tháng 12/2026"),
        ),
        (
            ["STT", "NHIỆM VỤ VÀ GIẢI PHÁP", "CHỦ TRÌ", "PHỐI HỢP", "THỜI GIAN"],
            ["1", "Rà soát cơ chế", "Sở Tài chính", "Sở, ban, ngành có liên quan", "Thường xuyên"],
            ("Rà soát cơ chế", "Sở Tài chính", "Sở, ban, ngành có liên quan", "", "Thường xuyên"),
        ),
        (
            [
                "TT",
                "Nhóm nhiệm vụ ưu tiên và nội dung chính",
                "Đơn vị chủ trì",
                "Đơn vị phối hợp",
                "Mục tiêu, quy mô",
                "Thời gian thực hiện",
            ],
            [
                "1",
                "Xây dựng hệ thống",
                "Sở Thông tin và Truyền thông",
                "Các sở, ban, ngành",
                "100% các sở",
                "2019- 2022",
            ],
            ("Xây dựng hệ thống", "Sở Thông tin và Truyền thông", "Các sở, ban, ngành", "100% các sở", "2019- 2022"),
        ),
        # Lead first, the task in the fifth column (qd2530 Phụ lục I).
        (
            [
                "STT",
                "Cơ quan chủ trì",
                "Cơ quan phối hợp",
                "Nội dung nhiệm vụ",
                "Chỉ tiêu đạt được",
                "Thời hạn hoàn thành",
            ],
            ["1", "Bộ Y tế", "Bộ Xây dựng", "Theo dõi sức khỏe", "Hồ sơ sức khỏe", "Giai đoạn 2026 - 2030"],
            ("Theo dõi sức khỏe", "Bộ Y tế", "Bộ Xây dựng", "Hồ sơ sức khỏe", "Giai đoạn 2026 - 2030"),
        ),
        # Headings over two lines of one cell, with footnote markers glued on.
        (
            [
                "STT",
                "Tên nhiệm vụ",
                "Cơ quan\nchủ trì[1]",
                "Cơ quan\nphối hợp",
                "Kết quả\nthực hiện",
                "Thời hạn hoàn thành[2]",
            ],
            ["1", "Đưa vào vận hành", "Cục Du lịch", "Trung tâm Chuyển đổi số", "Mô hình", "Tháng 12/2025."],
            ("Đưa vào vận hành", "Cục Du lịch", "Trung tâm Chuyển đổi số", "Mô hình", "Tháng 12/2025"),
        ),
    ],
    ids=[
        "nhiem-vu",
        "noi-dung-nhiem-vu",
        "ten-nhiem-vu-du-an",
        "ten-de-an",
        "nhiem-vu-giai-phap",
        "capitals",
        "nhom-nhiem-vu-muc-tieu",
        "lead-first",
        "two-lines-and-footnotes",
    ],
)
def test_task_columns_are_found_by_their_heading_words(header, row, expected):
    doc = recognise(table(header, row))
    (item,) = items(doc)
    assert (item.task, item.lead, item.coordinating, item.expected_output, item.deadline) == expected
    assert item.stt == "1"
    assert doc.not_understood == [] and doc.warnings == []


@pytest.mark.parametrize(
    "lead_heading",
    [
        "Đơn vị thực hiện",
        "Cơ quan, đơn vị thực hiện",
        "Phân công thực hiện",
        "Đơn vị triển khai",
        "Cơ quan tham mưu",
        "Cơ quan, đơn vị chịu trách nhiệm",
        "Cơ quan trình",
    ],
)
def test_a_lead_column_may_be_named_by_who_carries_the_task_out(lead_heading):
    doc = recognise(table(["STT", "Nhiệm vụ", lead_heading, "Thời gian"], ["1", "Báo cáo", "Sở Y tế", "2026"]))
    (item,) = items(doc)
    assert item.lead == "Sở Y tế"


@pytest.mark.parametrize("deadline_heading", ["Lộ trình thực hiện", "Lộ trình", "Năm thực hiện"])
def test_a_deadline_column_may_be_named_by_its_roadmap_or_year(deadline_heading):
    (item,) = items(
        recognise(
            table(["STT", "Nhiệm vụ", "Cơ quan chủ trì", deadline_heading], ["1", "Báo cáo", "Sở Y tế", "2026 - 2027"])
        )
    )
    assert item.deadline == "2026 - 2027"


def test_one_column_for_lead_and_coordinating_units_is_the_lead_column():
    doc = recognise(
        table(
            ["STT", "Nội dung công việc", "Cơ quan chủ trì, phối hợp", "Thời điểm hoàn thành"],
            ["1", "Báo cáo", "Sở Y tế chủ trì; Sở Nội vụ phối hợp", "Tháng 6/2026"],
        )
    )
    (item,) = items(doc)
    assert (item.lead, item.coordinating, item.deadline) == ("Sở Y tế chủ trì; Sở Nội vụ phối hợp", "", "Tháng 6/2026")


def test_beside_a_start_date_the_due_date_is_the_deadline():
    header = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian bắt đầu", "Thời gian hoàn thành"]
    (item,) = items(recognise(table(header, ["1", "Báo cáo", "Sở Y tế", "Quý I/2026", "Quý IV/2026"])))
    assert (item.deadline, item.notes) == ("Quý IV/2026", {"Thời gian bắt đầu": "Quý I/2026"})


def test_when_two_columns_name_a_task_the_name_column_is_the_task_and_the_other_a_note():
    header = [
        "STT",
        "Tên dự án, nhiệm vụ",
        "Nội dung chính",
        "Cơ quan chủ trì[1]",
        "Cơ quan phối hợp",
        "Tình trạng",
        "Thời gian thực hiện",
        "Nguồn lực thực hiện[2]",
    ]
    row = [
        "1",
        "Hệ thống cảnh báo",
        "- Xây dựng trung tâm dữ liệu",
        "Bộ Nông nghiệp và Môi trường",
        "Bộ Xây dựng",
        "Thực hiện mới",
        "Giai đoạn 2026 - 2027",
        "I, II, IV",
    ]
    (item,) = items(recognise(table(header, row)))
    assert item.task == "Hệ thống cảnh báo"
    assert item.notes == {
        "Nội dung chính": "- Xây dựng trung tâm dữ liệu",
        "Tình trạng": "Thực hiện mới",
        "Nguồn lực thực hiện": "I, II, IV",
    }


def test_extra_columns_are_kept_as_notes_under_their_heading_even_before_the_lead():
    header = [
        "STT",
        "Tên nhiệm vụ",
        "Người đứng đầu chịu trách nhiệm",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Kinh phí",
        "Nguồn vốn",
        "Thời hạn hoàn thành",
        "Ghi chú",
    ]
    row = [
        "1",
        "Xây dựng mô hình",
        "Cục trưởng Cục Du lịch",
        "Cục Du lịch",
        "Văn phòng Bộ",
        "2,5 tỷ đồng",
        "Ngân sách",
        "Tháng 12/2025",
        "",
    ]
    (item,) = items(recognise(table(header, row)))
    assert item.lead == "Cục Du lịch"
    assert item.notes == {
        "Người đứng đầu chịu trách nhiệm": "Cục trưởng Cục Du lịch",
        "Kinh phí": "2,5 tỷ đồng",
        "Nguồn vốn": "Ngân sách",
    }


@pytest.mark.parametrize(
    "header, row, lead, notes",
    [
        (["STT", "Nội dung", "Đơn vị", "Thời hạn"], ["1", "Tổng kết", "Sở Y tế", "2030"], "Sở Y tế", {}),
        (
            ["STT", "Nội dung", "Đơn vị", "Chủ trì", "Thời hạn"],
            ["1", "Tổng kết", "Sở Y tế", "Sở Nội vụ", "2030"],
            "Sở Nội vụ",
            {"Đơn vị": "Sở Y tế"},
        ),
    ],
    ids=["unit-column-is-the-lead", "unit-column-beside-a-lead-is-a-note"],
)
def test_a_unit_column_in_a_task_table_is_the_lead_only_when_there_is_no_lead_column(header, row, lead, notes):
    (item,) = items(recognise(table(header, row)))
    assert (item.lead, item.notes) == (lead, notes)


@pytest.mark.parametrize(
    "header, row",
    [
        (
            ["TT", "Nội dung", "ĐVT", "Số lượng", "Đơn giá", "Thành tiền"],
            ["1", "Thuê hội trường", "Ngày", "2", "500", "1.000"],
        ),
        (["STT", "Nội dung chi", "Đơn vị tính", "Số lượng", "Thành tiền"], ["1", "Phân tích mẫu", "Mẫu", "3", "520"]),
    ],
    ids=["dvt", "don-vi-tinh"],
)
def test_a_budget_table_whose_unit_column_is_a_unit_of_measure_gives_no_items(header, row):
    doc = recognise(table(header, row))
    assert doc.sections == [] and doc.not_understood == []
    (warning,) = doc.warnings
    assert "không phải bảng nhiệm vụ" in warning


def test_a_unit_of_measure_column_in_a_task_table_is_a_note():
    (item,) = items(
        recognise(
            table(
                ["STT", "Nhiệm vụ", "ĐVT", "Khối lượng", "Chủ trì", "Thời gian"],
                ["1", "Trồng rừng", "Ha", "100", "Sở Nông nghiệp và Môi trường", "2026"],
            )
        )
    )
    assert (item.lead, item.notes) == ("Sở Nông nghiệp và Môi trường", {"ĐVT": "Ha", "Khối lượng": "100"})


def test_the_group_column_of_a_lead_first_table_is_a_note():
    header = [
        "STT",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Thuộc nhóm nhiệm vụ, hành động[1]",
        "Nội dung nhiệm vụ",
        "Chỉ tiêu đạt được",
        "Thời hạn hoàn thành",
    ]
    row = ["1", "Bộ Y tế", "Bộ Xây dựng", "Bảo vệ sức khỏe", "Theo dõi sức khỏe", "Hồ sơ", "2030"]
    (item,) = items(recognise(table(header, row)))
    assert item.notes == {"Thuộc nhóm nhiệm vụ, hành động": "Bảo vệ sức khỏe"}


def test_a_column_number_row_under_the_header_is_not_an_item():
    doc = recognise(table(HEADER, ["(1)", "(2)", "(3)", "(4)", "(5)"], ROW))
    assert [i.task for i in items(doc)] == ["Xây dựng kế hoạch"]
    assert doc.not_understood == []


def test_a_header_split_over_two_rows_names_the_sub_columns_under_the_spanning_heading():
    doc = recognise(
        table(
            ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian thực hiện", "Phân bổ nguồn vốn", LEFT, "Tổng đầu tư"],
            [ABOVE, ABOVE, ABOVE, ABOVE, "NS Trung ương", "NS địa phương", ABOVE],
            ["1", "Trung tâm dữ liệu", "Sở Thông tin và Truyền thông", "2019- 2021", "", "35,00", "35,00"],
        )
    )
    (item,) = items(doc)
    assert item.deadline == "2019- 2021"
    assert item.notes == {"Phân bổ nguồn vốn (NS địa phương)": "35,00", "Tổng đầu tư": "35,00"}


def test_a_heading_split_over_two_rows_is_read_whole():
    doc = recognise(
        table(
            ["STT", "Nhiệm vụ", "Cơ quan", "Cơ quan", "Thời hạn"],
            [ABOVE, ABOVE, "chủ trì", "phối hợp", ABOVE],
            ROW,
        )
    )
    (item,) = items(doc)
    assert (item.lead, item.coordinating) == ("Sở Tài chính", "Sở Nội vụ")


# --- Section rows -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "section_row, flattened, number, title",
    [
        (["I", "NHÓM GIẢI PHÁP VỀ CƠ CHẾ"], True, "I", "NHÓM GIẢI PHÁP VỀ CƠ CHẾ"),  # merged across, scraped
        (["I. Hoàn thiện thể chế"], True, "I", "Hoàn thiện thể chế"),
        (["I", "Hoàn thiện thể chế", LEFT, LEFT, LEFT], False, "I", "Hoàn thiện thể chế"),  # gridSpan
        (["II. Hoàn thiện thể chế", LEFT, LEFT, LEFT, LEFT], False, "II", "Hoàn thiện thể chế"),
        (["I", "CƠ CHẾ, CHÍNH SÁCH", "", "", ""], True, "I", "CƠ CHẾ, CHÍNH SÁCH"),  # a full row of empty cells
        (["", "I. Kinh tế số", "", "", ""], False, "I", "Kinh tế số"),  # the label in the second column
        (["A.", "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"], True, "A", "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"),
        (["1", "NHÓM NHIỆM VỤ VỀ THỂ CHẾ", "", "", ""], False, "1", "NHÓM NHIỆM VỤ VỀ THỂ CHẾ"),
        (["", "NHÓM NHIỆM VỤ VỀ THỂ CHẾ", "", "", ""], False, "", "NHÓM NHIỆM VỤ VỀ THỂ CHẾ"),
        (["Nhóm nhiệm vụ về thể chế", LEFT, LEFT, LEFT, LEFT], False, "", "Nhóm nhiệm vụ về thể chế"),
        (["NHÓM NHIỆM VỤ VỀ THỂ CHẾ"], True, "", "NHÓM NHIỆM VỤ VỀ THỂ CHẾ"),
    ],
    ids=[
        "flattened-two-cells",
        "flattened-one-cell",
        "merged-left",
        "whole-row-merged",
        "empty-cells",
        "label-in-second-column",
        "lettered",
        "numbered-capitals",
        "unnumbered-capitals",
        "unnumbered-merged",
        "flattened-capitals-alone",
    ],
)
def test_a_section_row_heads_the_items_below_it(section_row, flattened, number, title):
    doc = recognise(table(HEADER, section_row, ROW, flattened=flattened))
    assert [(s.number, s.title, len(s.items)) for s in doc.sections] == [(number, title, 1)]
    assert doc.sections[0].where == "bảng 1, hàng 2"
    assert doc.not_understood == []


def test_an_unnumbered_title_alone_in_the_task_column_of_a_full_row_heads_the_numbered_items_below_it():
    doc = recognise(
        table(
            HEADER,
            ["", "Nhiệm vụ giao Bộ trưởng Bộ Y tế chỉ đạo", "", "", ""],
            ROW,
            ["", "Nhiệm vụ giao Chủ tịch UBND các tỉnh chỉ đạo", "", "", ""],
            ["2", "Rà soát hồ sơ", "UBND các tỉnh", "", "2026"],
            flattened=True,
        )
    )
    assert [(s.title, [i.stt for i in s.items]) for s in doc.sections] == [
        ("Nhiệm vụ giao Bộ trưởng Bộ Y tế chỉ đạo", ["1"]),
        ("Nhiệm vụ giao Chủ tịch UBND các tỉnh chỉ đạo", ["2"]),
    ]
    assert doc.warnings == [] and doc.not_understood == []


def test_an_unnumbered_row_with_only_a_task_is_still_an_item_when_no_numbered_row_follows():
    doc = recognise(table(HEADER, ROW, ["", "Tổng kết, đánh giá việc thực hiện", "", "", ""], flattened=True))
    assert [i.task for i in items(doc)] == ["Xây dựng kế hoạch", "Tổng kết, đánh giá việc thực hiện"]


def test_a_numbered_row_with_only_a_title_heads_the_dotted_items_below_it():
    doc = recognise(
        table(HEADER, ["1", "Hoàn thiện thể chế", "", "", ""], ["1.1", "Xây dựng quy chế", "Sở Nội vụ", "", "2026"])
    )
    assert [(s.number, [i.stt for i in s.items]) for s in doc.sections] == [("1", ["1.1"])]


def test_nested_sub_sections_keep_the_top_section_and_note_the_sub_section():
    doc = recognise(
        table(
            ["TT", "Nhiệm vụ, giải pháp", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"],
            ["III", "Phát triển nền tảng số"],
            ["III.1", "Nhóm nền tảng quốc gia"],
            ["III.1.1", "Nhóm thủ tục hành chính"],
            ["1", "Triển khai Cổng Dịch vụ công", "Bộ Công an", "Các bộ, ngành", "Tháng 02/2026"],
            ["III.1.2", "Nhóm quản trị"],
            ["2", "Phát triển Hệ thống báo cáo", "Văn phòng Chính phủ", "Các bộ, ngành", "Năm 2025-2026"],
            ["IV", "Phát triển hạ tầng"],
            ["1", "Hạ tầng số", "Các bộ, ngành, địa phương", "Bộ Công an", "Năm 2025-2030"],
            flattened=True,
        )
    )
    assert [(s.number, [i.stt for i in s.items]) for s in doc.sections] == [("III", ["1", "2"]), ("IV", ["1"])]
    notes = [i.notes.get("Tiểu mục") for i in items(doc)]
    assert notes == ["III.1.1 Nhóm thủ tục hành chính", "III.1.2 Nhóm quản trị", None]


def test_a_numbered_sub_group_under_a_roman_section_stays_in_that_section():
    doc = recognise(table(HEADER, ["I", "HOÀN THIỆN THỂ CHẾ"], ["1.1", "Nhóm văn bản luật"], ROW, flattened=True))
    assert [(s.number, len(s.items)) for s in doc.sections] == [("I", 1)]
    assert items(doc)[0].notes == {"Tiểu mục": "1.1 Nhóm văn bản luật"}


def test_levels_below_the_first_section_numbering_are_sub_sections():
    doc = recognise(
        table(
            HEADER,
            ["A", "NHIỆM VỤ CHUNG"],
            ["I", "Hoàn thiện thể chế"],
            ["1", "Nhóm văn bản"],  # a numbered title: the rows under it are lettered
            ["a", "Ban hành quy chế", "Sở Nội vụ", "", "2026"],
            ["B", "NHIỆM VỤ RIÊNG"],
            ["b", "Tổng kết", "Sở Y tế", "", "2030"],
            flattened=True,
        )
    )
    assert [(s.number, [i.stt for i in s.items]) for s in doc.sections] == [("A", ["a"]), ("B", ["b"])]
    assert [i.notes.get("Tiểu mục") for i in items(doc)] == ["1 Nhóm văn bản", None]


def test_a_bullet_in_the_stt_column_numbers_nothing():
    (item,) = items(recognise(table(HEADER, ["-", "Xây dựng kế hoạch", "Sở Tài chính", "", "2026"])))
    assert item.stt == ""


def test_a_row_with_no_number_in_a_single_group_section_is_an_item():
    doc = recognise(
        table(
            ["STT", "Cơ quan chủ trì", "Cơ quan phối hợp", "Nội dung nhiệm vụ", "Thời hạn hoàn thành"],
            ["P.", "MẶT TRẬN TỔ QUỐC VIỆT NAM"],
            ["", "Mặt trận Tổ quốc Việt Nam", "Các bộ, ngành", "Tăng cường giám sát", "Giai đoạn 2026 - 2030"],
            flattened=True,
        )
    )
    (item,) = items(doc)
    assert (doc.sections[0].number, item.stt, item.task, item.lead) == (
        "P",
        "",
        "Tăng cường giám sát",
        "Mặt trận Tổ quốc Việt Nam",
    )


def test_a_section_title_loses_its_footnote_marker():
    doc = recognise(table(HEADER, ["O.", "UBND CÁC TỈNH[2]"], ROW, flattened=True))
    assert doc.sections[0].title == "UBND CÁC TỈNH"


# --- Continuation rows and sub-rows ------------------------------------------------------------------

LEAD_FIRST = [
    "STT",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thuộc nhóm nhiệm vụ",
    "Nội dung nhiệm vụ",
    "Chỉ tiêu đạt được",
    "Thời hạn hoàn thành",
]


def test_flattened_continuation_rows_are_sub_items_that_inherit_the_merged_cells():
    doc = recognise(
        table(
            LEAD_FIRST,
            ["A.", "BỘ GIÁO DỤC VÀ ĐÀO TẠO"],
            [
                "1",
                "Bộ Giáo dục và Đào tạo",
                "Đại học Bách khoa Hà Nội",
                "Nghiên cứu công nghệ",
                "- Nghiên cứu bản sao số",
                "- Nhóm nghiên cứu mạnh",
                "Giai đoạn 2026 - 2030",
            ],
            ["- Rà soát hướng dẫn kỹ thuật.", "- Bộ công cụ kiểm kê được ban hành.", "Giai đoạn 2026 - 2027"],
            # A four-cell row: its own coordinating units, the lead and the group still merged.
            [
                "Các bộ, ngành liên quan",
                "- Xây dựng chương trình đào tạo",
                "Chương trình được ban hành.",
                "Giai đoạn 2026 - 2030",
            ],
            flattened=True,
        )
    )
    rows = [
        (i.stt, i.subrow, i.task, i.lead, i.coordinating, i.expected_output, i.deadline, i.notes["Thuộc nhóm nhiệm vụ"])
        for i in items(doc)
    ]
    assert rows == [
        (
            "1",
            None,
            "Nghiên cứu bản sao số",
            "Bộ Giáo dục và Đào tạo",
            "Đại học Bách khoa Hà Nội",
            "- Nhóm nghiên cứu mạnh",
            "Giai đoạn 2026 - 2030",
            "Nghiên cứu công nghệ",
        ),
        (
            "1",
            2,
            "Rà soát hướng dẫn kỹ thuật.",
            "Bộ Giáo dục và Đào tạo",
            "Đại học Bách khoa Hà Nội",
            "- Bộ công cụ kiểm kê được ban hành.",
            "Giai đoạn 2026 - 2027",
            "Nghiên cứu công nghệ",
        ),
        (
            "1",
            3,
            "Xây dựng chương trình đào tạo",
            "Bộ Giáo dục và Đào tạo",
            "Các bộ, ngành liên quan",
            "Chương trình được ban hành.",
            "Giai đoạn 2026 - 2030",
            "Nghiên cứu công nghệ",
        ),
    ]
    assert doc.not_understood == [] and doc.warnings == []


def test_merged_cells_marked_above_make_the_same_sub_items():
    doc = recognise(
        table(
            LEAD_FIRST,
            ["1", "Bộ Xây dựng", "Bộ Công Thương", "Kinh tế tuần hoàn", "- Hoàn thiện quy định", "- Quy định", "2026"],
            [ABOVE, ABOVE, ABOVE, ABOVE, "- Thí điểm tái chế", "- Báo cáo", "Giai đoạn 2026 - 2030"],
            ["2", "Bộ Xây dựng", "Bộ Y tế", "Đô thị xanh", "- Công trình xanh", "- Bộ tiêu chí", "2027"],
        )
    )
    assert [(i.stt, i.subrow, i.task, i.lead, i.coordinating, i.deadline) for i in items(doc)] == [
        ("1", None, "Hoàn thiện quy định", "Bộ Xây dựng", "Bộ Công Thương", "2026"),
        ("1", 2, "Thí điểm tái chế", "Bộ Xây dựng", "Bộ Công Thương", "Giai đoạn 2026 - 2030"),
        ("2", None, "Công trình xanh", "Bộ Xây dựng", "Bộ Y tế", "2027"),
    ]
    assert doc.warnings == []


NQ394 = ["TT", "Tên đề án ưu tiên", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn hoàn thành"]


@pytest.mark.parametrize(
    "sub_row, flattened",
    [
        (["Ủy ban nhân dân các tỉnh", "Đài Truyền hình địa phương"], True),
        ([ABOVE, ABOVE, "Ủy ban nhân dân các tỉnh", "Đài Truyền hình địa phương", ABOVE], False),
    ],
    ids=["flattened-two-cells", "merged-above"],
)
def test_a_sub_row_under_a_merged_task_adds_its_lead_and_coordinating_units_to_the_item(sub_row, flattened):
    doc = recognise(
        table(
            NQ394,
            [
                "1",
                "Đề án phong trào toàn dân",
                "Trung ương Mặt trận Tổ quốc Việt Nam",
                "Đài Tiếng nói Việt Nam",
                "2030",
            ],
            sub_row,
            ["2", "Đề án xử lý bãi chôn lấp", "Ủy ban nhân dân các tỉnh", "Các bộ, ngành", "2030"],
            flattened=flattened,
        )
    )
    first, second = items(doc)
    assert first.lead == "Trung ương Mặt trận Tổ quốc Việt Nam\nỦy ban nhân dân các tỉnh"
    assert first.coordinating == "Đài Tiếng nói Việt Nam\nĐài Truyền hình địa phương"
    assert first.deadline == "2030" and first.subrow is None
    assert first.notes["Phân công theo hàng"] == (
        "Trung ương Mặt trận Tổ quốc Việt Nam — phối hợp: Đài Tiếng nói Việt Nam\n"
        "Ủy ban nhân dân các tỉnh — phối hợp: Đài Truyền hình địa phương"
    )
    assert second.stt == "2"
    assert doc.not_understood == []


def test_a_numbered_row_whose_cell_is_merged_with_the_row_above_shares_it_without_a_warning():
    doc = recognise(
        table(
            ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Mục tiêu, quy mô", "Thời gian thực hiện"],
            ["1", "Hệ thống tương tác", "Sở Thông tin và Truyền thông", "Mở rộng kênh tương tác", "2019- 2022"],
            ["2", "Hệ thống giám sát", "Sở Thông tin và Truyền thông", ABOVE, "2019- 2022"],
        )
    )
    assert [(i.stt, i.subrow, i.expected_output) for i in items(doc)] == [
        ("1", None, "Mở rộng kênh tương tác"),
        ("2", None, "Mở rộng kênh tương tác"),
    ]
    assert doc.warnings == [] and doc.not_understood == []


def test_a_numbered_flattened_row_missing_a_merged_cell_takes_it_from_the_row_above_and_says_so():
    doc = recognise(
        table(
            HEADER,
            ["1", "Lập kế hoạch", "Sở Tài chính", "Sở Nội vụ", "2026"],
            ["2", "Thực hiện kế hoạch", "Sở Y tế", "Sở Nội vụ"],
            flattened=True,
        )
    )
    second = items(doc)[1]
    assert (second.stt, second.lead, second.deadline) == ("2", "Sở Y tế", "2026")
    (warning,) = doc.warnings
    assert warning.startswith("bảng 1, hàng 3: nhiệm vụ số 2 thiếu ô ở cột “Thời gian hoàn thành”")


def test_spacer_cells_glued_in_front_of_a_numbered_row_are_dropped():
    doc = recognise(
        table(HEADER, ["", "", "", "1", "Lập kế hoạch", "Sở Tài chính", "Sở Nội vụ", "2026"], flattened=True)
    )
    (item,) = items(doc)
    assert (item.stt, item.task, item.deadline) == ("1", "Lập kế hoạch", "2026")


def test_the_rest_of_a_row_cut_by_a_page_break_joins_the_row_above():
    doc = recognise(
        table(
            HEADER,
            [
                "1",
                "Xây dựng hệ thống thông tin tương tác với",
                "Sở Thông tin và Truyền thông",
                "Văn phòng",
                "2019- 2022",
            ],
            ["", "người dân trong thành phố", "", "", ""],
        )
    )
    (item,) = items(doc)
    assert item.task == "Xây dựng hệ thống thông tin tương tác với người dân trong thành phố"
    assert doc.not_understood == []


# --- Rows that cannot be read -----------------------------------------------------------------------


def test_a_row_without_task_text_is_listed_as_not_understood_with_its_place():
    doc = recognise(table(HEADER, ROW, ["2", "", "", "", ""], ["3", "Báo cáo", "Sở Y tế", "", "2026"]))
    assert [i.stt for i in items(doc)] == ["1", "3"]
    (row,) = doc.not_understood
    assert (row.where, row.text) == ("bảng 1, hàng 3", "2")
    assert "không có nội dung nhiệm vụ" in row.reason


def test_a_flattened_row_wider_than_the_header_is_not_understood_instead_of_guessed():
    doc = recognise(table(HEADER, ROW, ["Ghi chú:", "a", "b", "c", "d", "e", "f"], flattened=True))
    assert len(items(doc)) == 1
    (row,) = doc.not_understood
    assert row.where == "bảng 1, hàng 3" and row.text.startswith("Ghi chú: | a")


def test_footnotes_glued_after_the_last_row_are_dropped_and_other_extra_cells_reported():
    footnoted = recognise(table(HEADER, [*ROW, "[1] Ban Chỉ đạo của Bộ."], flattened=True))
    assert len(items(footnoted)) == 1 and footnoted.not_understood == []
    stray = recognise(table(HEADER, [*ROW, "Một đoạn văn lạc vào bảng."], flattened=True))
    assert len(items(stray)) == 1
    assert [r.text for r in stray.not_understood] == ["Một đoạn văn lạc vào bảng."]


def test_footnotes_glued_under_a_flattened_table_end_it_with_the_page_text_after_them():
    doc = recognise(
        table(
            HEADER,
            ROW,
            ["[1] Tuyên Quang, Cao Bằng", "Văn bản liên quan", "", ""],
            ["Địa chỉ:", "17 Nguyễn Gia Thiều"],
            flattened=True,
        )
    )
    assert [i.stt for i in items(doc)] == ["1"] and doc.not_understood == []


def test_a_footnote_row_inside_a_flattened_table_is_passed_over_and_the_rows_after_it_read():
    doc = recognise(
        table(
            HEADER,
            ROW,
            ["[1] Theo Quyết định số 1/QĐ-TTg"],
            ["2", "Báo cáo kết quả", "Sở Y tế", "", "2026"],
            flattened=True,
        )
    )
    assert [i.stt for i in items(doc)] == ["1", "2"]


def test_a_duplicate_number_keeps_both_items_with_a_warning():
    doc = recognise(table(HEADER, ROW, ["1", "Một nhiệm vụ khác", "Sở Y tế", "", "2026"]))
    assert [i.task for i in items(doc)] == ["Xây dựng kế hoạch", "Một nhiệm vụ khác"]
    assert any("hai nhiệm vụ cùng số 1" in w for w in doc.warnings)


def test_a_number_that_is_not_a_number_keeps_the_item_with_a_warning():
    doc = recognise(table(HEADER, ["ba", "Giao chỉ tiêu", "Trung tâm Công nghệ thông tin", "", "Hằng năm"]))
    assert [i.task for i in items(doc)] == ["Giao chỉ tiêu"]
    assert any("“ba”" in w for w in doc.warnings)


def test_an_item_without_a_lead_is_kept_and_flagged():
    doc = recognise(table(HEADER, ["1", "Xây dựng kế hoạch", "", "", "2026"]))
    assert [i.lead for i in items(doc)] == [""]
    assert doc.warnings == ["bảng 1, hàng 2: nhiệm vụ số 1 không ghi cơ quan chủ trì."]


def test_a_section_heading_with_no_items_is_reported():
    doc = recognise(table(HEADER, ["I", "Hoàn thiện", LEFT, LEFT, LEFT], ROW, ["II", "", "", "", ""]))
    assert [(s.number, len(s.items)) for s in doc.sections] == [("I", 1), ("II", 0)]
    assert doc.warnings == [
        "bảng 1, hàng 4: mục II có tiêu đề nhưng không có nhiệm vụ nào (văn bản có thể bị "
        "cắt ngắn); không tạo nhiệm vụ nào cho mục này."
    ]


# --- Several tables in one document ------------------------------------------------------------------

LETTERHEAD = table(
    ["ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["Số: 552/KH-UBND", "Đồng Tháp, ngày 19 tháng 11 năm 2025"],
    number=1,
)
SIGNATURE = table(["Nơi nhận:\n- Như trên;\n- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH"], number=2)


def test_letterhead_and_signature_tables_are_passed_over_silently_and_the_appendix_after_them_read():
    doc = recognise(
        LETTERHEAD,
        para("Nội dung kế hoạch."),
        SIGNATURE,
        para("PHỤ LỤC"),
        para("NHIỆM VỤ VÀ GIẢI PHÁP"),
        table(HEADER, ROW, number=3),
    )
    assert [i.task for i in items(doc)] == ["Xây dựng kế hoạch"]
    assert doc.sections[0].appendix == ""  # one task table: no appendix to tell apart
    assert doc.warnings == [] and doc.not_understood == []


def test_two_task_tables_are_named_by_their_captions():
    second_header = [
        "STT",
        "Tên dự án, nhiệm vụ",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Tình trạng",
        "Thời gian thực hiện",
    ]
    doc = recognise(
        para("PHỤ LỤC I"),
        para("BẢNG PHÂN CÔNG THỰC HIỆN"),
        table(HEADER, ["I", "Nhóm một"], ROW, flattened=True),
        para("PHỤ LỤC II"),
        table(
            second_header,
            ["I", "Nhóm dự án"],
            ["1", "Dự án thí điểm", "Bộ Công Thương", "UBND các tỉnh", "Thực hiện mới", "2026"],
            flattened=True,
            number=2,
        ),
    )
    assert [(s.appendix, s.number) for s in doc.sections] == [("Phụ lục I", "I"), ("Phụ lục II", "I")]
    assert items(doc)[1].notes == {"Tình trạng": "Thực hiện mới"}
    assert doc.warnings == []


@pytest.mark.parametrize(
    "caption, label",
    [
        ("PHỤ LỤC II", "Phụ lục II"),
        ("Phụ lục II", "Phụ lục II"),
        ("Phụ lục 2: Danh mục nhiệm vụ", "Phụ lục 2"),
        ("PHỤ LỤC", "Bảng 2"),
    ],
)
def test_a_caption_paragraph_names_the_appendix(caption, label):
    doc = recognise(para("PHỤ LỤC I"), table(HEADER, ROW), para(caption), table(HEADER, ROW, number=2))
    assert [s.appendix for s in doc.sections] == ["Phụ lục I", label]


def test_running_text_that_mentions_an_appendix_is_no_caption():
    doc = recognise(
        para("PHỤ LỤC I"),
        table(HEADER, ROW),
        para("Phụ lục kèm theo Kế hoạch này gồm danh mục các nhiệm vụ được giao cho các sở, ngành."),
        table(["STT", "Nội dung", "Đơn vị chủ trì", "Thời hạn"], ["1", "Tổng kết", "Sở Y tế", "2030"]),
    )
    assert [s.appendix for s in doc.sections] == ["Phụ lục I", "Bảng 2"]


def test_two_task_tables_without_captions_are_named_by_their_order():
    other = ["TT", "Nội dung", "Đơn vị chủ trì", "Thời hạn"]
    doc = recognise(table(HEADER, ROW), table(other, ["1", "Tổng kết", "Sở Nội vụ", "2030"], number=2))
    assert [s.appendix for s in doc.sections] == ["Bảng 1", "Bảng 2"]


def test_a_caption_glued_inside_a_flattened_table_starts_the_next_table():
    second_header = ["STT", "Tên dự án, nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"]
    glued = table(
        [
            "Nơi nhận:\n- Như trên;",
            "KT. THỦ TƯỚNG\nPHÓ THỦ TƯỚNG",
            "PHỤ LỤC I\nBẢNG PHÂN CÔNG\n(Kèm theo Quyết định)",
            *HEADER,
        ],
        ["A.", "BỘ XÂY DỰNG"],
        [*ROW, "PHỤ LỤC II\nDANH MỤC DỰ ÁN ƯU TIÊN", *second_header],
        ["1", "Dự án vùng phát thải thấp", "UBND thành phố Hà Nội", "Các cơ quan liên quan", "2026 - 2027"],
        flattened=True,
    )
    doc = recognise(glued)
    assert [(s.appendix, s.number, [i.task for i in s.items]) for s in doc.sections] == [
        ("Phụ lục I", "A", ["Xây dựng kế hoạch"]),
        ("Phụ lục II", "", ["Dự án vùng phát thải thấp"]),
    ]
    assert doc.not_understood == [] and doc.warnings == []


def test_a_header_glued_onto_the_end_of_another_row_starts_the_table():
    glued = table(["Tình trạng:", "Đã biết", "", "Kính gửi: các đơn vị", "BỘ TRƯỞNG", *HEADER], ROW, flattened=True)
    doc = recognise(glued)
    assert [i.task for i in items(doc)] == ["Xây dựng kế hoạch"]


def test_a_header_repeated_on_the_next_page_continues_the_same_table():
    doc = recognise(
        table(HEADER, ["I", "Nhóm một", LEFT, LEFT, LEFT], ROW),
        table(HEADER, ["2", "Báo cáo kết quả", "Sở Y tế", "", "2026"], number=2),
    )
    assert [(s.number, [i.stt for i in s.items]) for s in doc.sections] == [("I", ["1", "2"])]
    assert doc.sections[0].appendix == ""


def test_a_table_without_a_header_as_wide_as_the_task_table_continues_it():
    doc = recognise(table(HEADER, ROW), table(["2", "Báo cáo kết quả", "Sở Y tế", "", "2026"], number=2))
    assert [i.stt for i in items(doc)] == ["1", "2"]


# A part of the table after a page break, opening with its section rows; under each section the header
# is repeated, worded differently and without its STT cell (the section's number is merged down over it).
SHORT_HEADER = ["Nội dung", "Đơn vị thực hiện", "Đơn vị phối hợp", "Thời gian thực hiện", "Sản phẩm"]
WIDE_HEADER = ["STT", "Nhiệm vụ, giải pháp", "Đơn vị thực hiện", "Đơn vị phối hợp", "Thời gian thực hiện", "Sản phẩm"]


def test_a_header_without_its_stt_cell_over_numbered_rows_gets_the_number_column():
    doc = recognise(
        table(
            ["A", "PHÁT TRIỂN NỀN MÓNG"],
            ["I", "Hoàn thiện thể chế"],
            SHORT_HEADER,
            ["1.1", "Rà soát quy định", "Sở Tư pháp", "Các sở, ngành", "2026 - 2030", "Văn bản"],
            flattened=True,
        )
    )
    assert [(s.number, s.title) for s in doc.sections] == [("A", "PHÁT TRIỂN NỀN MÓNG")]
    (item,) = items(doc)
    assert (item.stt, item.task, item.lead, item.coordinating, item.deadline, item.expected_output) == (
        "1.1",
        "Rà soát quy định",
        "Sở Tư pháp",
        "Các sở, ngành",
        "2026 - 2030",
        "Văn bản",
    )
    assert item.notes == {"Tiểu mục": "I Hoàn thiện thể chế"} and doc.not_understood == []


def test_section_rows_and_headers_repeated_without_stt_continue_the_table_before():
    first = table(
        WIDE_HEADER,
        ["A", "NỀN MÓNG"],
        ["1", "Rà soát quy định", "Sở Tư pháp", "Các sở", "2026", "Văn bản"],
        flattened=True,
    )
    second = table(
        ["B", "NGÀNH, LĨNH VỰC"],
        ["I", "Nông nghiệp"],
        SHORT_HEADER,
        ["1.1", "Kế hoạch nông nghiệp số", "Sở Nông nghiệp và Môi trường", "Các sở", "2026", "Kế hoạch"],
        ["II", "Y tế"],
        SHORT_HEADER,
        ["2.1", "Hồ sơ sức khỏe", "Sở Y tế", "Các sở", "2027", "Nền tảng"],
        flattened=True,
        number=2,
    )
    doc = recognise(first, second)
    assert [(s.number, [i.stt for i in s.items]) for s in doc.sections] == [("A", ["1"]), ("B", ["1.1", "2.1"])]
    assert [i.deadline for i in items(doc)] == ["2026", "2026", "2027"]
    assert doc.not_understood == [] and doc.warnings == []


def test_a_numbered_title_away_from_the_task_column_heads_its_dotted_items():
    doc = recognise(
        table(
            WIDE_HEADER,
            ["IV", "Thương mại, công nghiệp"],
            ["5.1", "", "Thương mại", "", "", ""],
            ["5.1.1", "Phát triển thương mại điện tử", "Sở Công Thương", "Các sở", "2026", "Kế hoạch"],
            flattened=True,
        )
    )
    (item,) = items(doc)
    assert item.stt == "5.1.1" and item.notes == {"Tiểu mục": "5.1 Thương mại"} and doc.not_understood == []


def test_a_table_that_looks_like_a_plan_table_but_is_not_read_gives_a_warning():
    doc = recognise(table(["STT", "Tên văn bản", "Ngày ban hành"], ["1", "Quyết định 1381", "15/5/2025"]))
    assert doc.sections == [] and doc.targets == []
    (warning,) = doc.warnings
    assert warning.startswith("bảng 1: bảng có tiêu đề cột “STT | Tên văn bản | Ngày ban hành”")


# --- KPI target tables -------------------------------------------------------------------------------


def test_a_kpi_table_with_a_unit_of_measure_reads_targets_by_period_and_group():
    doc = recognise(
        para("PHỤ LỤC I"),
        para("DANH MỤC CÁC CHỈ TIÊU CỤ THỂ"),
        table(
            ["TT", "Chỉ tiêu", "Đơn vị", "Kết quả", "Cơ quan chủ trì theo dõi, đánh giá"],
            ["I", "Giai đoạn 2025-2027", "", "", ""],
            ["I.1", "Cung cấp dịch vụ số bao trùm", "", "", ""],
            ["1", "Tỉ lệ dịch vụ công trực tuyến toàn trình.", "%", "100%", "Văn phòng Chính phủ"],
            ["I.2", "Cơ quan nhà nước quản lý", "", "", ""],
            ["1", "Tỉ lệ cán bộ được bồi dưỡng.", "%", "50%", "Bộ Nội vụ"],
            ["II", "Giai đoạn 2028-2030", "", "", ""],
            ["1", "Tỉ lệ người dân hài lòng.", "%", "99%", "Bộ Khoa học và Công nghệ"],
        ),
    )
    rows = [
        (t.section, t.group, t.ref, t.indicator, t.value, t.unit_of_measure, t.lead, t.period, t.due, t.where)
        for t in doc.targets
    ]
    assert rows == [
        (
            "I",
            "I.1",
            "1",
            "Tỉ lệ dịch vụ công trực tuyến toàn trình.",
            "100%",
            "%",
            "Văn phòng Chính phủ",
            "Giai đoạn 2025-2027",
            "2027-12-31",
            "bảng 1, hàng 4",
        ),
        (
            "I",
            "I.2",
            "1",
            "Tỉ lệ cán bộ được bồi dưỡng.",
            "50%",
            "%",
            "Bộ Nội vụ",
            "Giai đoạn 2025-2027",
            "2027-12-31",
            "bảng 1, hàng 6",
        ),
        (
            "II",
            "",
            "1",
            "Tỉ lệ người dân hài lòng.",
            "99%",
            "%",
            "Bộ Khoa học và Công nghệ",
            "Giai đoạn 2028-2030",
            "2030-12-31",
            "bảng 1, hàng 8",
        ),
    ]
    assert doc.sections == [] and doc.warnings == [] and doc.not_understood == []


@pytest.mark.parametrize(
    "indicator, value",
    [
        ("Kinh tế số chiếm 45% GRDP tỉnh.", "45%"),
        ("Tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo đạt tối thiểu 40%", "tối thiểu 40%"),
        ("Tỷ trọng kinh phí từ xã hội đạt trên 60%.", "trên 60%"),
        ("Phấn đấu mỗi năm phát triển từ 05 bộ dữ liệu mở, công bố trên Cổng.", "từ 05 bộ dữ liệu mở"),
        ("Hoàn thiện hạ tầng dữ liệu dùng chung.", ""),
    ],
)
def test_a_kpi_table_without_a_value_column_takes_the_value_from_the_indicator_sentence(indicator, value):
    doc = recognise(table(["TT", "Chỉ tiêu", "Chủ trì"], ["1", indicator, "Sở Tài chính"]))
    assert [t.value for t in doc.targets] == [value]


def test_a_kpi_lead_cell_gives_the_units_before_their_role_and_the_caption_gives_the_horizon():
    doc = recognise(
        para("PHỤ LỤC"),
        para("PHÂN CÔNG THỰC HIỆN CÁC CHỈ TIÊU KINH TẾ SỐ, XÃ HỘI SỐ ĐẾN NĂM 2030"),
        table(
            ["TT", "Chỉ tiêu", "Chủ trì"],
            ["", "I. Kinh tế số"],
            ["", "1", "Kinh tế số chiếm 45% GRDP tỉnh.", "Sở Tài chính"],
            [
                "2",
                "Tỷ lệ doanh nghiệp ứng dụng công nghệ số đạt 60%",
                "Sở KH&CN chủ trì hướng dẫn, tổng hợp; Các sở, ngành thực hiện công bố.",
            ],
            [
                "3",
                "Tỷ trọng đào tạo STEM đạt tối thiểu 30%.",
                "Sở Giáo dục và Đào tạo; Sở Nội vụ; Sở Khoa học và Công nghệ thúc đẩy, theo dõi, báo cáo chỉ tiêu",
            ],
            flattened=True,
        ),
    )
    assert [(t.section, t.group, t.ref, t.lead, t.period, t.due) for t in doc.targets] == [
        ("I", "I. Kinh tế số", "1", "Sở Tài chính", "đến năm 2030", "2030-12-31"),
        ("I", "I. Kinh tế số", "2", "Sở KH&CN", "đến năm 2030", "2030-12-31"),
        (
            "I",
            "I. Kinh tế số",
            "3",
            "Sở Giáo dục và Đào tạo; Sở Nội vụ; Sở Khoa học và Công nghệ",
            "đến năm 2030",
            "2030-12-31",
        ),
    ]


def test_a_kpi_table_with_one_column_a_year_gives_one_target_a_year():
    doc = recognise(
        table(
            ["TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2025", "Năm 2030", "Cơ quan chủ trì"],
            ["1", "Tỉ lệ hồ sơ trực tuyến", "%", "50%", "80%", "Văn phòng UBND tỉnh"],
        )
    )
    assert [(t.value, t.unit_of_measure, t.period, t.due, t.lead) for t in doc.targets] == [
        ("50%", "%", "Năm 2025", "2025-12-31", "Văn phòng UBND tỉnh"),
        ("80%", "%", "Năm 2030", "2030-12-31", "Văn phòng UBND tỉnh"),
    ]


def test_a_kpi_table_whose_unit_column_names_agencies_sets_targets_per_unit():
    doc = recognise(
        table(["TT", "Chỉ tiêu", "Đơn vị", "Kết quả"], ["1", "Tỉ lệ hồ sơ trực tuyến", "Sở Tư pháp", "80%"])
    )
    assert [(t.lead, t.unit_of_measure, t.value) for t in doc.targets] == [("Sở Tư pháp", "", "80%")]


def test_a_kpi_table_that_names_no_unit_is_not_read_and_says_so():
    doc = recognise(table(["TT", "Chỉ tiêu", "Đơn vị", "Năm 2025", "Năm 2030"], ["1", "Tỉ lệ", "%", "50%", "80%"]))
    assert doc.targets == []
    (warning,) = doc.warnings
    assert "không giao chỉ tiêu cho đơn vị nào" in warning


def test_a_kpi_row_without_an_indicator_is_not_understood():
    doc = recognise(table(["TT", "Chỉ tiêu", "Chủ trì"], ["1", "Tỉ lệ đạt 90%", "Sở Y tế"], ["2", "", "Sở Y tế"]))
    assert len(doc.targets) == 1
    assert [(r.where, r.reason) for r in doc.not_understood] == [("bảng 1, hàng 3", "hàng không có nội dung chỉ tiêu.")]


# --- Decision 1872's group table ---------------------------------------------------------------------

GROUP_HEADER = ["STT", "Đơn vị", "Tỷ lệ TTHC cung cấp DVCTT toàn trình (1)", "Tỷ lệ hồ sơ trực tuyến (2)"]


def test_the_group_table_reads_groups_members_and_one_target_per_indicator():
    doc = recognise(
        table(
            GROUP_HEADER,
            ["1", "Nhóm 1 (2 đơn vị): Cục Điện ảnh; Tổng cục Du lịch", "100%", "90%"],
            ["2", "Nhóm 2 (1 đơn vị): Vụ Thư viện", "100%", "80%"],
        )
    )
    assert doc.indicators == ["Tỷ lệ TTHC cung cấp DVCTT toàn trình", "Tỷ lệ hồ sơ trực tuyến"]
    assert [(g.number, g.name, g.declared_size, g.members, g.targets) for g in doc.groups] == [
        (1, "Nhóm 1", 2, ["Cục Điện ảnh", "Tổng cục Du lịch"], ["100%", "90%"]),
        (2, "Nhóm 2", 1, ["Vụ Thư viện"], ["100%", "80%"]),
    ]
    assert doc.sections == [] and doc.targets == []


def test_a_table_of_units_with_one_indicator_a_column_is_a_group_table_not_a_target_table():
    doc = recognise(
        table(
            ["STT", "Tên đơn vị", "Chỉ tiêu hồ sơ trực tuyến", "Chỉ tiêu thanh toán trực tuyến"],
            ["1", "Sở Tư pháp", "80%", "50%"],
        )
    )
    assert [(g.name, g.members, g.targets) for g in doc.groups] == [("Sở Tư pháp", ["Sở Tư pháp"], ["80%", "50%"])]
    assert doc.targets == []


@pytest.mark.parametrize(
    "bad_row, reason",
    [
        (["2", "Nhóm hai: Vụ Thư viện", "100%", "80%"], "Nhóm N"),
        (["2", "Nhóm 2 (1 đơn vị): Vụ Thư viện", "100%"], "cần 4 ô"),
        (["1", "Nhóm 1 (1 đơn vị): Vụ Thư viện", "100%", "80%"], "xuất hiện hai lần"),
    ],
    ids=["group-without-number", "row-short-of-a-target", "group-twice"],
)
def test_a_garbled_group_row_is_not_understood_and_the_others_are_read(bad_row, reason):
    doc = recognise(table(GROUP_HEADER, ["1", "Nhóm 1 (1 đơn vị): Cục Điện ảnh", "100%", "90%"], bad_row))
    assert [g.number for g in doc.groups] == [1]
    (row,) = doc.not_understood
    assert row.where == "bảng 1, hàng 3" and reason in row.reason
    assert any(reason in w for w in doc.warnings)


# --- The real plans ----------------------------------------------------------------------------------


def _corpus_document(name: str) -> tuple[PlanDocument, dict]:
    path = CORPUS / name
    expected = json.loads((CORPUS / f"{path.stem}.expected.json").read_text(encoding="utf-8"))
    doc = PlanDocument(year=expected["plan_year"])
    recognise_tables(read_blocks(path.read_bytes(), path.name), doc)
    return doc, expected


TABLE_DOCUMENTS = [
    "kh552-ubnd-dongthap-2025.md",
    "kh552-ubnd-dongthap-2025.docx",
    "kh552-ubnd-dongthap-2025.html",
    "kh310-ubnd-hanoi-2025.md",
    "qd2597-ttg-2025.md",
    "nq394-cp-2025.md",
    "nq394-cp-2025.docx",
    "nq394-cp-2025.html",
    "qd2530-ttg-2025.md",
    "qd2530-ttg-2025.docx",
    "qd2530-ttg-2025.html",
    "qd2629-ttg-2025.md",
    "qd2629-ttg-2025.docx",
    "qd2629-ttg-2025.html",
    "cv6225-bvhttdl-2025.md",
    "pdf584-bacgiang-smartcity.pdf",
]


@pytest.mark.parametrize("name", TABLE_DOCUMENTS)
def test_every_item_of_a_corpus_table_is_found_in_order_with_its_cells(name):
    doc, expected = _corpus_document(name)
    found = [(section, item) for section in doc.sections for item in section.items]
    pairs = align([task_key(e["task"]) for e in expected["items"]], [task_key(i.task) for _, i in found])
    assert len(pairs) == len(expected["items"]) == len(found)  # all found, none invented
    for e, (section, item) in ((expected["items"][a], found[b]) for a, b in pairs):
        assert (section.number, item.stt) == (e["section"], e["ref"])
        assert item.deadline == (e["deadline_text"] or "")
        assert normalize_text(item.expected_output) == (e["output"] or "")
        assert all(normalize_text(unit) in normalize_text(item.lead) for unit in e["lead"])
        assert all(normalize_text(unit) in normalize_text(item.coordinating) for unit in e["coordinating"])
        assert (section.appendix or None) == e.get("appendix")
        assert (item.subrow or 1) == e.get("subrow", 1)
    assert doc.not_understood == []


@pytest.mark.parametrize(
    "name, count",
    [
        ("qd2629-ttg-2025.md", 22),
        ("qd2629-ttg-2025.docx", 22),
        ("qd2629-ttg-2025.html", 22),
        ("kh144-ubnd-bacninh-2025.md", 19),
    ],
)
def test_the_corpus_target_tables_give_every_target(name, count):
    doc, expected = _corpus_document(name)
    assert len(expected["targets"]) == len(doc.targets) == count
    for want, got in zip(expected["targets"], doc.targets):
        assert task_key(got.indicator) == task_key(want["indicator"])
        assert (got.section, got.ref, got.period, got.due) == (
            want["section"],
            want["ref"],
            want["period"],
            want["due"],
        )
        assert got.value and want["value"].startswith(got.value)
        assert all(normalize_text(unit) in normalize_text(got.lead) for unit in want["lead"])


@pytest.mark.parametrize(
    "name",
    [
        "kh141-ubnd-bacninh-2025.md",
        "kh172-ubnd-hcm-2025.md",
        "qd4385-bvhttdl-2025.md",
        "qd254-ubnd-sonla-2023.md",
        "kh3260-ddqh-2025.md",
        "kh144-ubnd-bacninh-2025.md",
    ],
)
def test_documents_whose_tasks_are_paragraphs_give_no_table_items_and_no_noise(name):
    doc, _ = _corpus_document(name)
    assert doc.sections == [] and doc.not_understood == [] and doc.warnings == []
