"""Readers: every file format becomes the same stream of paragraphs and tables, merges marked, places named."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest

from tracker.plan_import.blocks import Paragraph, Table
from tracker.plan_import.doc_reader import CONVERSION_TIMEOUT, office_program
from tracker.plan_import.document import PlanImportError
from tracker.plan_import.sources import read_blocks

from .conftest import CORPUS

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def corpus(name: str) -> Path:
    path = CORPUS / name
    assert path.is_file(), f"the development corpus is missing: {path} (it sits in shared/ beside the clone)"
    return path


def blocks_of(name: str) -> list:
    path = corpus(name)
    return read_blocks(path.read_bytes(), path.name)


def tables(blocks: list) -> list[Table]:
    return [b for b in blocks if isinstance(b, Table)]


def paragraphs(blocks: list) -> list[Paragraph]:
    return [b for b in blocks if isinstance(b, Paragraph)]


def texts(row) -> list[str]:
    return [cell.text for cell in row]


def text_blocks(text: str) -> list:
    return read_blocks(text.encode("utf-8"), "plan.md")


# --- Text: paragraphs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Rà soát, kịp thời cụ thể\nhoá các cơ chế.", [("", "Rà soát, kịp thời cụ thể hoá các cơ chế.")]),
        ("Mở đầu\n- Một\n- Hai", [("", "Mở đầu"), ("-", "- Một"), ("-", "- Hai")]),
        ("+ Một\n• Hai\n*   Ba", [("+", "+ Một"), ("•", "• Hai"), ("*", "* Ba")]),
        ("a) Xây dựng\nkế hoạch\nđ) Tổ chức", [("a)", "a) Xây dựng kế hoạch"), ("đ)", "đ) Tổ chức")]),
        (
            "1. Mục đích\n1.2. Yêu cầu\n2.2.1. Chi tiết",
            [("1.", "1. Mục đích"), ("1.2.", "1.2. Yêu cầu"), ("2.2.1.", "2.2.1. Chi tiết")],
        ),
        ("(1) Nhiệm vụ một\n(2) Nhiệm vụ hai", [("(1)", "(1) Nhiệm vụ một"), ("(2)", "(2) Nhiệm vụ hai")]),
        ("I. MỤC ĐÍCH\nII. MỤC TIÊU", [("I.", "I. MỤC ĐÍCH"), ("II.", "II. MỤC TIÊU")]),
        ("1.\nQuyết định số 1381/QĐ-BVHTTDL", [("1.", "1. Quyết định số 1381/QĐ-BVHTTDL")]),
        ("-\nNghiêm túc thực hiện", [("-", "- Nghiêm túc thực hiện")]),
        ("Căn cứ Nghị quyết số\n57-NQ/TW ngày 22/12/2024", [("", "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024")]),
        ("hoàn thành năm\n2025. Tiếp theo", [("", "hoàn thành năm 2025. Tiếp theo")]),
        ("Đoạn một.\n\nĐoạn hai.", [("", "Đoạn một."), ("", "Đoạn hai.")]),
        ("Nội dung\n**Điều 2. **Quyết định này", [("", "Nội dung"), ("", "Điều 2. Quyết định này")]),
    ],
)
def test_text_paragraphs_join_hard_wraps_and_start_at_markers(source, expected):
    assert [(p.marker, p.text) for p in paragraphs(text_blocks(source))] == expected


def test_text_whose_lines_run_past_a_typewriter_margin_keeps_one_paragraph_a_line():
    """A text saved from Word puts each paragraph on one long line with no blank line between: its lines
    are paragraphs, never joined (a title line must not swallow the line after it)."""
    long_line = (
        "Căn cứ Nghị định số 01/2023/NĐ-CP ngày 16 tháng 01 năm 2023 của Chính phủ quy định chức năng, "
        "nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ;"
    )
    source = f"PHÊ DUYỆT KẾ HOẠCH HÀNH ĐỘNG NĂM 2023\nBỘ TRƯỞNG BỘ VĂN HÓA\n{long_line}\n{long_line}"
    assert [p.text for p in paragraphs(text_blocks(source))] == [
        "PHÊ DUYỆT KẾ HOẠCH HÀNH ĐỘNG NĂM 2023",
        "BỘ TRƯỞNG BỘ VĂN HÓA",
        long_line,
        long_line,
    ]


@pytest.mark.parametrize(
    ("source", "text", "bold", "italic", "emphasis"),
    [
        ("**I. MỤC\nĐÍCH, YÊU CẦU**", "I. MỤC ĐÍCH, YÊU CẦU", True, False, ["I. MỤC ĐÍCH, YÊU CẦU"]),
        (
            "*Đơn vị chủ trì thực hiện: *Các\nsở, ngành",
            "Đơn vị chủ trì thực hiện: Các sở, ngành",
            False,
            True,
            ["Đơn vị chủ trì thực hiện:"],
        ),
        ("- *Thời gian thực hiện:* Năm 2025", "- Thời gian thực hiện: Năm 2025", False, True, ["Thời gian thực hiện:"]),
        ("*a)* Xây dựng", "a) Xây dựng", False, True, ["a)"]),
        ("** II**", "II", True, False, ["II"]),
        ("gồm: **06 Quyết định **đôn đốc", "gồm: 06 Quyết định đôn đốc", False, False, ["06 Quyết định"]),
        ("Ghi chú (*) và 5 * 3", "Ghi chú (*) và 5 * 3", False, False, []),
        ("tệp dieu_1_name và __đậm__", "tệp dieu_1_name và đậm", False, False, ["đậm"]),
        ("## Phụ lục", "Phụ lục", True, False, []),
    ],
)
def test_text_emphasis_is_removed_and_recorded(source, text, bold, italic, emphasis):
    [paragraph] = paragraphs(text_blocks(source))
    found = (paragraph.text, paragraph.is_bold, paragraph.is_italic, paragraph.emphasis)
    assert found == (text, bold, italic, emphasis)


def test_text_label_line_in_italics_starts_a_new_paragraph():
    source = "a) Tổ chức tập huấn\ncho cán bộ.\n*Đơn vị chủ trì: *Sở Nội vụ\n*Thời gian: *Năm 2025"
    found = paragraphs(text_blocks(source))
    assert [p.text for p in found] == [
        "a) Tổ chức tập huấn cho cán bộ.",
        "Đơn vị chủ trì: Sở Nội vụ",
        "Thời gian: Năm 2025",
    ]
    assert [p.where for p in found] == ["dòng 1", "dòng 3", "dòng 4"]


def test_text_is_nfc_and_the_source_line_is_kept():
    decomposed = "Nguồn: x\n\nKe\u0302\u0301 hoa\u0323ch"
    found = paragraphs(text_blocks(decomposed))
    assert [p.text for p in found] == ["Nguồn: x", "Kế hoạch"]


@pytest.mark.parametrize(
    ("data", "message", "where"),
    [
        (b"", "t\u1ec7p r\u1ed7ng.", None),
        (b"  \n\n", "t\u1ec7p r\u1ed7ng.", None),
        ("dòng một\n".encode() + b"\xff\xfe", "tệp không phải văn bản UTF-8", "dòng 2"),
    ],
)
def test_unreadable_text_is_refused_with_its_place(data, message, where):
    with pytest.raises(PlanImportError) as caught:
        read_blocks(data, "plan.txt")
    assert caught.value.message.startswith(message)
    assert caught.value.where == where


# --- Text: the three table forms ----------------------------------------------------------------------


def test_flattened_table_rows_end_where_two_bars_meet():
    source = "|\nSTT\n|\nNhiệm vụ\n|\nChủ trì\n|\n|\n1\n|\nRà soát\ncơ chế\n|\nSở Tài chính\n|\n\nSau bảng."
    blocks = text_blocks(source)
    [table] = tables(blocks)
    assert table.is_flattened and table.where == "dòng 1"
    assert [texts(row) for row in table.rows] == [
        ["STT", "Nhiệm vụ", "Chủ trì"],
        ["1", "Rà soát cơ chế", "Sở Tài chính"],
    ]
    assert [c.where for c in table.rows[1]] == ["dòng 9", "dòng 11", "dòng 14"]
    assert paragraphs(blocks)[-1].text == "Sau bảng."


@pytest.mark.parametrize(
    ("between", "section", "next_row"),
    [
        # a section row as wide as the table: its empty cells end it
        ("|\n|\n|\n|\n|", ["I", "Nhóm giải pháp", "", "", ""], ["1", "Rà soát", "Sở", "Bộ", "2025"]),
        # a merged section row, then a row whose first cell is empty
        ("|\n|\n|", ["I", "Nhóm giải pháp"], ["", "1", "Rà soát", "Sở", "Bộ"]),
    ],
)
def test_flattened_table_surplus_bars_are_empty_cells_where_rows_come_out_as_wide_as_the_table(
    between, section, next_row
):
    header = "|\nSTT\n|\nNhiệm vụ\n|\nChủ trì\n|\nPhối hợp\n|\nThời gian\n|\n|\n"
    filled = [c for c in next_row if c]
    rest = "\n|\n".join(filled) + "\n|\n"
    source = header + "I\n|\nNhóm giải pháp\n" + between + "\n" + rest
    [table] = tables(text_blocks(source))
    assert [texts(row) for row in table.rows[1:]] == [section, next_row]


def test_flattened_table_glued_to_text_without_blank_lines_is_cut_at_its_width():
    source = (
        "|\nA\n|\nB\n|\n|\nC\n|\nD\n|\nThân văn bản nhiều dòng.\n|\nSTT\n|\nNhiệm vụ\n|\nChủ trì\n|\n|\n"
        "1\n|\nRà soát\n|\nSở\n|\n|\n2\n|\nBáo cáo\n|\nBộ\n|\nGhi chú cuối."
    )
    blocks = text_blocks(source)
    kinds = [(type(b).__name__, b.text if isinstance(b, Paragraph) else [texts(r) for r in b.rows]) for b in blocks]
    assert kinds == [
        ("Table", [["A", "B"], ["C", "D"]]),
        ("Paragraph", "Thân văn bản nhiều dòng."),
        ("Table", [["STT", "Nhiệm vụ", "Chủ trì"], ["1", "Rà soát", "Sở"], ["2", "Báo cáo", "Bộ"]]),
        ("Paragraph", "Ghi chú cuối."),
    ]


def test_flattened_table_opening_with_merged_section_rows_widens_at_its_header():
    source = (
        "|\nB\n|\nNGÀNH\n|\n|\nI\n|\nNông nghiệp\n|\n|\nNội dung\n|\nChủ trì\n|\nThời gian\n|\n|\n"
        "1.1\n|\nKế hoạch số\n|\nSở Nông nghiệp\n|\n2026\n|\n|\n1.2\n|\nNền tảng\n|\nSở Y tế\n|\n2027\n|\n"
    )
    [table] = tables(text_blocks(source))
    assert [texts(row) for row in table.rows] == [
        ["B", "NGÀNH"],
        ["I", "Nông nghiệp"],
        ["Nội dung", "Chủ trì", "Thời gian"],
        ["1.1", "Kế hoạch số", "Sở Nông nghiệp", "2026"],
        ["1.2", "Nền tảng", "Sở Y tế", "2027"],
    ]


def test_flattened_row_wider_than_its_table_by_empty_cells_stays_in_it():
    source = (
        "|\nSTT\n|\nNội dung\n|\nChủ trì\n|\n|\n5.1\n|\n** **\n|\nThương mại\n|\n** **\n|\n|\n"
        "5.1.1\n|\nSàn điện tử\n|\nSở Công Thương\n|\n|\n5.1.2\n|\nChợ số\n|\nSở Công Thương\n|\n"
    )
    [table] = tables(text_blocks(source))
    assert [texts(row) for row in table.rows][1] == ["5.1", "", "Thương mại", ""]
    assert len(table.rows) == 4


def test_flattened_table_ends_where_the_page_text_after_it_brings_a_heading():
    source = (
        "|\nSTT\n|\nNhiệm vụ\n|\nChủ trì\n|\n|\n1\n|\nRà soát\n|\nSở Y tế\n|\n|\n|\n"
        "Công văn số 1 do Bộ Y tế ban hành\n## Văn bản liên quan\nBan hành:\n|\nNỘI DUNG SỬA ĐỔI\n|\n"
    )
    blocks = text_blocks(source)
    [table, *_rest] = tables(blocks)
    assert [texts(row) for row in table.rows] == [["STT", "Nhiệm vụ", "Chủ trì"], ["1", "Rà soát", "Sở Y tế"]]
    assert [p.text for p in paragraphs(blocks)][:2] == ["Công văn số 1 do Bộ Y tế ban hành", "Văn bản liên quan"]


def test_flattened_cell_keeps_list_lines_apart():
    source = "|\nA\n|\nB\n|\n|\n1\n|\n- Bộ Nông nghiệp\nvà Môi trường;\n- Bộ Y tế.\n|\n"
    [table] = tables(text_blocks(source))
    assert table.rows[1][1].text == "- Bộ Nông nghiệp và Môi trường;\n- Bộ Y tế."


def test_pipe_table_rows_and_separator():
    source = "Trước\n| STT | Đơn vị |\n|---|---|\n| 1 | **Cục** A<br>Cục B |\n\nSau"
    blocks = text_blocks(source)
    [table] = tables(blocks)
    assert not table.is_flattened
    assert [texts(row) for row in table.rows] == [["STT", "Đơn vị"], ["1", "Cục A\nCục B"]]
    assert table.rows[1][1].where == "dòng 4, cột 2"
    assert [p.text for p in paragraphs(blocks)] == ["Trước", "Sau"]


def test_tab_table_cells_run_over_untabbed_lines():
    source = "Tiêu đề\n\tSTT\n\tNhiệm vụ\n\n\t1\n\tXây dựng\n- Bước một\n\nHết bảng."
    blocks = text_blocks(source)
    [table] = tables(blocks)
    assert [texts(row) for row in table.rows] == [["STT", "Nhiệm vụ"], ["1", "Xây dựng\n- Bước một"]]
    assert table.rows[1][1].where == "dòng 6"
    assert [p.text for p in paragraphs(blocks)] == ["Tiêu đề", "Hết bảng."]


def test_tab_indented_paragraphs_are_not_a_table():
    blocks = text_blocks("\tĐoạn thụt đầu dòng một.\n\n\tĐoạn hai.")
    assert [p.text for p in blocks] == ["Đoạn thụt đầu dòng một.", "Đoạn hai."]


def test_seed_decision_tab_tables_are_read():
    path = SEEDS / "plan-1872-QD-BVHTTDL-2023.txt"
    found = tables(read_blocks(path.read_bytes(), path.name))
    headers = [texts(t.rows[0])[:2] for t in found]
    assert headers.count(["STT", "Đơn vị"]) == 1
    appendix2 = next(t for t in found if texts(t.rows[0])[:2] == ["STT", "Nhiệm vụ"] or "Nhiệm vụ" in t.rows[0][1].text)
    assert len(appendix2.rows[0]) >= 5


def test_seed_appendix1_pipe_table_is_read():
    path = SEEDS / "plan-1872-appendix1-pipe-table.txt"
    [table] = tables(read_blocks(path.read_bytes(), path.name))
    assert texts(table.rows[0])[:2] == ["STT", "Đơn vị"]
    assert texts(table.rows[1])[:3] == [
        "1",
        "Nhóm 1 (3 đơn vị) Cục Điện ảnh; Tổng cục Du lịch; Tổng cục Thể dục thể thao",
        "100%",
    ]


# --- Text: the corpus ---------------------------------------------------------------------------------

# file, number of tables, the last table's header row (None: not checked), its number of rows
TEXT_TABLES = [
    ("kh552-ubnd-dongthap-2025.md", 3, ["STT", "NHIỆM VỤ VÀ GIẢI PHÁP", "CHỦ TRÌ", "PHỐI HỢP", "THỜI GIAN"], 24),
    ("kh310-ubnd-hanoi-2025.md", 3, None, 7),
    (
        "qd2597-ttg-2025.md",
        3,
        ["STT", "Tên nhiệm vụ/dự án", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả dự kiến", "Thời gian triển khai"],
        33,
    ),
    (
        "nq394-cp-2025.md",
        2,
        ["TT", "Tên đề án ưu tiên", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn hoàn thành"],
        5,
    ),
    (
        "cv6225-bvhttdl-2025.md",
        2,
        [
            "STT",
            "Tên nhiệm vụ",
            "Người đứng đầu chịu trách nhiệm",
            "Cơ quan\nchủ trì",
            "Cơ quan\nphối hợp",
            "Kết quả\nthực hiện",
            "Thời hạn hoàn thành",
        ],
        11,
    ),
    ("kh144-ubnd-bacninh-2025.md", 3, ["TT", "Chỉ tiêu", "Chủ trì"], 22),
    (
        "qd2530-ttg-2025.md",
        3,
        [
            "STT",
            "Tên dự án, nhiệm vụ",
            "Nội dung chính",
            "Cơ quan chủ trì[1]",
            "Cơ quan phối hợp",
            "Tình trạng",
            "Thời gian thực hiện",
            "Nguồn lực thực hiện[2]",
        ],
        32,
    ),
    (
        "qd2629-ttg-2025.md",
        3,
        ["TT", "Nhiệm vụ, giải pháp", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời gian thực hiện"],
        90,
    ),
]


@pytest.mark.parametrize(("name", "count", "header", "rows"), TEXT_TABLES)
def test_corpus_text_last_table_has_its_header_and_rows(name, count, header, rows):
    found = tables(blocks_of(name))
    assert len(found) == count
    last = found[-1]
    assert last.is_flattened
    if header:
        assert texts(last.rows[0]) == header
    assert len(last.rows) == rows


def test_corpus_kh552_section_rows_are_short_and_item_rows_full():
    task = tables(blocks_of("kh552-ubnd-dongthap-2025.md"))[-1]
    assert texts(task.rows[1]) == ["I", "NHÓM GIẢI PHÁP VỀ CƠ CHẾ CHÍNH SÁCH"]
    assert texts(task.rows[6]) == ["II", "HỖ TRỢ VÀ PHÁT TRIỂN CÔNG NGHỆ"]
    assert texts(task.rows[2])[0] == "1" and texts(task.rows[2])[2:] == [
        "Sở Tài chính",
        "Sở, ban, ngành có liên quan",
        "Thường xuyên",
    ]
    assert task.rows[2][1].text.startswith("Rà soát, kịp thời cụ thể hoá các cơ chế")
    assert task.rows[2][1].where == "dòng 647"


def test_corpus_qd2530_continuation_rows_are_short_and_section_followers_start_empty():
    appendix1 = tables(blocks_of("qd2530-ttg-2025.md"))[1]
    widths = [len(row) for row in appendix1.rows]
    assert widths.count(3) >= 20 and 4 in widths
    after_d = next(i for i, row in enumerate(appendix1.rows) if texts(row)[:1] == ["D."]) + 1
    assert texts(appendix1.rows[after_d])[:2] == ["", "Bộ Khoa học và Công nghệ"]
    assert len(appendix1.rows[after_d]) == 7


def test_corpus_qd2629_period_rows_carry_their_empty_cells():
    kpi = tables(blocks_of("qd2629-ttg-2025.md"))[1]
    assert texts(kpi.rows[0]) == ["TT", "Chỉ tiêu", "Đơn vị", "Kết quả", "Cơ quan chủ trì theo dõi, đánh giá"]
    assert texts(kpi.rows[1]) == ["I", "Giai đoạn 2025-2027", "", "", ""]
    assert texts(kpi.rows[2])[:2] == ["I.1", "Cung cấp dịch vụ số bao trùm, thông minh"]
    assert texts(kpi.rows[3])[2:4] == ["%", "100%"]


def test_corpus_kh144_group_label_sits_in_the_second_column():
    kpi = tables(blocks_of("kh144-ubnd-bacninh-2025.md"))[-1]
    assert texts(kpi.rows[1]) == ["", "I. Kinh tế số", ""]
    assert texts(kpi.rows[2])[0] == "1"


def test_corpus_nq394_sub_row_is_two_cells():
    task = tables(blocks_of("nq394-cp-2025.md"))[-1]
    assert [len(row) for row in task.rows] == [5, 5, 2, 5, 5]


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in CORPUS.glob("*.md") if p.name != "README.md") if CORPUS.is_dir() else ["missing-corpus.md"],
)
def test_corpus_text_keeps_every_character_in_order(name):
    """Every character of the file (layout marks aside) ends up in a block, in order: nothing dropped or doubled."""
    path = corpus(name)
    blocks = read_blocks(path.read_bytes(), path.name)
    kept = "".join(b.text if isinstance(b, Paragraph) else "".join(c.text for r in b.rows for c in r) for b in blocks)
    assert _letters(kept) == _letters(path.read_text(encoding="utf-8"))


def _letters(text: str) -> str:
    """The text without white space and the marks that only lay it out (emphasis, bars, rules, headings)."""
    return unicodedata.normalize("NFC", re.sub(r"[\s*|#\-_\\]", "", text))


# --- .docx ------------------------------------------------------------------------------------------------

DOCX_MERGES = [
    # file, tables, rows carrying a gridSpan ("left"), vMerge groups, vMerge continuation cells ("above")
    ("kh552-ubnd-dongthap-2025.docx", 3, 4, 0, 0),
    ("nq394-cp-2025.docx", 2, 0, 3, 3),
    ("qd2530-ttg-2025.docx", 4, 21, 51, 99),
    ("qd2629-ttg-2025.docx", 4, 20, 0, 0),
]


def merge_counts(found: list[Table]) -> tuple[int, int, int]:
    spanned = sum(1 for t in found for row in t.rows if any(c.merged == "left" for c in row))
    above = sum(1 for t in found for row in t.rows for c in row if c.merged == "above")
    groups = sum(
        1
        for t in found
        for r, row in enumerate(t.rows[:-1])
        for c, cell in enumerate(row)
        if cell.merged != "above" and c < len(t.rows[r + 1]) and t.rows[r + 1][c].merged == "above"
    )
    return spanned, groups, above


@pytest.mark.parametrize(("name", "count", "spanned", "groups", "above"), DOCX_MERGES)
def test_corpus_docx_rows_are_expanded_to_the_grid_with_merges_marked(name, count, spanned, groups, above):
    found = tables(blocks_of(name))
    assert len(found) == count
    for table in found:
        assert len({len(row) for row in table.rows}) == 1, "every row as wide as the grid"
        assert not table.is_flattened
    assert merge_counts(found) == (spanned, groups, above)


@pytest.mark.parametrize("stem", ["kh552-ubnd-dongthap-2025", "nq394-cp-2025", "qd2530-ttg-2025", "qd2629-ttg-2025"])
def test_corpus_docx_task_tables_read_as_the_scraped_text_does(stem):
    """The .docx's cells, merged copies left out, are the flattened .md's cells, word for word."""
    scraped = tables(blocks_of(f"{stem}.md"))[-1]
    word = tables(blocks_of(f"{stem}.docx"))[-1]
    assert [[c.text for c in row if c.merged is None and c.text] for row in word.rows] == [
        [c.text for c in row if c.text] for row in scraped.rows
    ]


def test_corpus_docx_section_row_spans_and_sub_row_continues():
    task = tables(blocks_of("kh552-ubnd-dongthap-2025.docx"))[-1]
    section = task.rows[1]
    assert texts(section) == ["I"] + ["NHÓM GIẢI PHÁP VỀ CƠ CHẾ CHÍNH SÁCH"] * 4
    assert [c.merged for c in section] == [None, None, "left", "left", "left"]
    assert section[3].where == "bảng 3, hàng 2, cột 4"
    sub_row = tables(blocks_of("nq394-cp-2025.docx"))[-1].rows[2]
    assert [c.merged for c in sub_row] == ["above", "above", None, None, "above"]
    assert sub_row[0].text == "1" and sub_row[1].text.startswith("Đề án triển khai phong trào")


def test_corpus_docx_line_breaks_in_cells_and_paragraphs_in_order():
    blocks = blocks_of("qd2530-ttg-2025.docx")
    appendix1 = tables(blocks)[2]
    assert appendix1.rows[2][2].text.startswith("- Bộ Khoa học và Công nghệ;\n- Bộ Xây dựng;\n- Bộ Công Thương;")
    kinds = [type(b).__name__ for b in blocks]
    assert kinds[:2] == ["Table", "Paragraph"] and kinds.count("Table") == 4
    heading = next(p for p in paragraphs(blocks) if p.text.startswith("QUYẾT ĐỊNH PHÊ DUYỆT"))
    assert heading.is_bold and heading.where == "đoạn 1"


def _docx(body_xml: str) -> bytes:
    """A .docx whose body is the given WordprocessingML (python-docx's template supplies the styles)."""
    import docx
    from lxml import etree

    document = docx.Document()
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("sectPr"):
            body.remove(child)
    wrapper = etree.fromstring(
        f'<w:body xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{body_xml}</w:body>'
    )
    for index, child in enumerate(wrapper):
        body.insert(index, child)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_docx_grid_before_vmerge_under_a_span_and_nested_table():
    span_start = '<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>'
    span_more = '<w:gridSpan w:val="2"/><w:vMerge/>'
    body = (
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        f"<w:tr>{_cell('A', span_start)}{_cell('B')}</w:tr>"
        f"<w:tr>{_cell('', span_more)}{_cell('C')}</w:tr>"
        f"<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>{_cell('D')}"
        "<w:tc><w:p><w:r><w:t>E</w:t><w:br/><w:t>F</w:t></w:r></w:p>"
        f"<w:tbl><w:tr>{_cell('G')}{_cell('H')}</w:tr></w:tbl><w:p/></w:tc></w:tr>"
        "</w:tbl>"
    )
    [table] = tables(read_blocks(_docx(body), "plan.docx"))
    assert [[(c.text, c.merged) for c in row] for row in table.rows] == [
        [("A", None), ("A", "left"), ("B", None)],
        [("A", "above"), ("A", "above"), ("C", None)],
        [("", None), ("D", None), ("E\nF\nG\nH", None)],
    ]


def test_docx_numbering_bold_and_emphasis():
    import docx

    document = docx.Document()
    document.add_paragraph("Mở đầu")
    first = document.add_paragraph(style="List Number")
    label = first.add_run("Đơn vị chủ trì:")
    label.italic = True
    first.add_run(" Sở Nội vụ")
    document.add_paragraph("Hai", style="List Number")
    document.add_paragraph("Chấm", style="List Bullet")
    heading = document.add_paragraph()
    heading.add_run("a) Nhiệm vụ").bold = True
    out = io.BytesIO()
    document.save(out)
    found = paragraphs(read_blocks(out.getvalue(), "plan.docx"))
    assert [(p.marker, p.text, p.where) for p in found] == [
        ("", "Mở đầu", "đoạn 1"),
        ("1.", "1. Đơn vị chủ trì: Sở Nội vụ", "đoạn 2"),
        ("2.", "2. Hai", "đoạn 3"),
        ("•", "• Chấm", "đoạn 4"),
        ("a)", "a) Nhiệm vụ", "đoạn 5"),
    ]
    assert (found[1].is_italic, found[1].emphasis) == (True, ["Đơn vị chủ trì:"])
    assert (found[4].is_bold, found[4].emphasis) == (True, ["a) Nhiệm vụ"])


def test_docx_deleted_revisions_are_not_read():
    body = (
        '<w:p><w:r><w:t xml:space="preserve">Giữ </w:t></w:r><w:del w:id="1" w:author="x">'
        '<w:r><w:delText>bỏ</w:delText></w:r></w:del><w:ins w:id="2" w:author="x"><w:r><w:t>thêm</w:t></w:r>'
        "</w:ins></w:p>"
    )
    assert [p.text for p in paragraphs(read_blocks(_docx(body), "plan.docx"))] == ["Giữ thêm"]


def test_docx_that_is_not_a_zip_is_refused():
    with pytest.raises(PlanImportError) as caught:
        read_blocks(b"not a zip at all", "plan.docx")
    assert "không phải là tài liệu .docx" in caught.value.message


def test_docx_with_too_many_parts_is_refused_before_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for index in range(10_001):
            package.writestr(f"p/{index}", b"")
    with pytest.raises(PlanImportError) as caught:
        read_blocks(out.getvalue(), "plan.docx")
    assert "Tệp chứa 10001 thành phần nén, nhiều hơn mức 5000" in caught.value.message


# --- HTML -------------------------------------------------------------------------------------------------

HTML_MERGES = [(name.replace(".docx", ".html"), *rest) for name, *rest in DOCX_MERGES]


@pytest.mark.parametrize(("name", "count", "spanned", "groups", "above"), HTML_MERGES)
def test_corpus_html_rows_are_expanded_to_the_grid_with_merges_marked(name, count, spanned, groups, above):
    found = tables(blocks_of(name))
    assert len(found) == count
    for table in found:
        assert len({len(row) for row in table.rows}) == 1
    assert merge_counts(found) == (spanned, groups, above)


@pytest.mark.parametrize("stem", ["kh552-ubnd-dongthap-2025", "nq394-cp-2025", "qd2530-ttg-2025", "qd2629-ttg-2025"])
def test_corpus_html_reads_as_the_docx_does(stem):
    """Same document, two formats: the same blocks (places aside, the .docx's letterhead line breaks aside)."""

    def shape(blocks):
        return [
            (b.text, b.marker, b.is_bold)
            if isinstance(b, Paragraph)
            else [[(c.text, c.merged) for c in row] for row in b.rows]
            for b in blocks[1:]
        ]

    assert shape(blocks_of(f"{stem}.html")) == shape(blocks_of(f"{stem}.docx"))


HTML_PAGE = """<!DOCTYPE html><html><head><title>Tiêu đề trang</title><script>var x = "<p>không</p>";</script></head>
<body><!-- ghi chú ẩn --><p><b>I. MỤC TIÊU</b></p><p><i>Đơn vị chủ trì:</i> Sở   Nội vụ<br>Thời gian: Năm 2025</p>
<ol type="a"><li>Xây dựng</li><li>Tổ chức</li></ol><ul><li>Chấm</li></ul>
<table><tr><th>STT</th><th>Nhiệm vụ</th><th>Chủ trì</th></tr>
<tr><td rowspan="2">1</td><td colspan="2">Nhóm A<br>dòng hai</td></tr>
<tr><td>Việc <b>một</b></td><td><table><tr><td>Sở X</td><td>Sở Y</td></tr></table></td></tr></table>
<p>Sau bảng</p></body></html>"""


def test_html_paragraphs_lists_and_emphasis():
    found = paragraphs(read_blocks(HTML_PAGE.encode(), "plan.html"))
    assert [(p.marker, p.text) for p in found] == [
        ("I.", "I. MỤC TIÊU"),
        ("", "Đơn vị chủ trì: Sở Nội vụ"),
        ("", "Thời gian: Năm 2025"),
        ("a.", "a. Xây dựng"),
        ("b.", "b. Tổ chức"),
        ("•", "• Chấm"),
        ("", "Sau bảng"),
    ]
    assert found[0].is_bold and found[1].is_italic and found[1].emphasis == ["Đơn vị chủ trì:"]
    assert [p.where for p in found][:2] == ["đoạn 1", "đoạn 2"]


def test_html_rowspan_and_colspan_are_expanded_and_marked():
    [table] = tables(read_blocks(HTML_PAGE.encode(), "plan.html"))
    assert [[(c.text, c.merged) for c in row] for row in table.rows] == [
        [("STT", None), ("Nhiệm vụ", None), ("Chủ trì", None)],
        [("1", None), ("Nhóm A\ndòng hai", None), ("Nhóm A\ndòng hai", "left")],
        [("1", "above"), ("Việc một", None), ("Sở X\nSở Y", None)],
    ]
    assert table.rows[2][0].where == "bảng 1, hàng 3, cột 1"


def test_text_file_holding_html_is_read_as_html():
    [table] = tables(read_blocks(b"<table><tr><td>A</td><td>B</td></tr></table>", "plan.txt"))
    assert texts(table.rows[0]) == ["A", "B"]


# --- PDF --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf584() -> list:
    return blocks_of("pdf584-bacgiang-smartcity.pdf")


def test_corpus_pdf_table_runs_over_eleven_pages_as_one(pdf584):
    found = tables(pdf584)
    task = found[-1]
    assert len(task.rows) == 17 and {len(row) for row in task.rows} == {11}
    assert [row[0].text for row in task.rows].count("TT") == 2, "the two header rows, once"
    assert texts(task.rows[0])[:6] == [
        "TT",
        "Nhóm nhiệm vụ ưu tiên và nội dung chính",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Mục tiêu, quy mô",
        "Thời gian thực hiện",
    ]
    assert [c.merged for c in task.rows[0][6:9]] == [None, "left", "left"]
    assert texts(task.rows[1])[6:9] == ["Ngân sách Trung ương", "Ngân sách địa phương", "Doanh nghiệp, Xã hội hóa"]
    assert task.rows[1][0].merged == "above"
    numbers = [row[0].text for row in task.rows[2:]]
    assert numbers == ["I", "1", "2", "3", "4", "5", "6", "7", "8", "II", "1", "2", "3", "4", "5"]
    assert {c.merged for c in task.rows[2][2:]} == {"left"}


def test_corpus_pdf_row_cut_by_a_page_break_is_joined(pdf584):
    task = tables(pdf584)[-1]
    item2 = task.rows[4]
    assert item2[0].where == "trang 9, bảng 3, hàng 5, cột 1"
    assert item2[1].text.endswith("về chính quyền trên mạng xã hội"), "the page's part unwrapped into the sentence"
    assert task.rows[5][0].text == "3" and task.rows[5][0].where == "trang 10, bảng 3, hàng 6, cột 1"


def test_corpus_pdf_cell_merged_over_two_rows_and_a_page_break_carries_its_whole_text(pdf584):
    item1, item2 = tables(pdf584)[-1].rows[3:5]
    assert (item1[4].merged, item2[4].merged) == (None, "above")
    assert item1[4].text == item2[4].text
    text = " ".join(item1[4].text.split())
    assert text.startswith("Mở rộng nhiều kênh tương tác") and text.endswith("địa phương trong tỉnh.")
    assert "Mục tiêu, quy mô" not in text


def test_corpus_pdf_narrow_cells_are_unwrapped(pdf584):
    rows = tables(pdf584)[-1].rows
    assert rows[3][5].text == "2019- 2022"
    assert rows[3][7].text == "2,00" and rows[3][6].text == ""
    assert rows[13][1].text.startswith("Xây dựng môi trường học tập trực tuyến hiện đại (e- learning)")


def test_corpus_pdf_paragraphs_and_page_furniture(pdf584):
    found = paragraphs(pdf584)
    heading = next(p for p in found if p.text == "2. Các nhóm nhiệm vụ ưu tiên thực hiện")
    assert (heading.marker, heading.is_bold, heading.where) == ("2.", True, "trang 9")
    unit = next(p for p in found if p.text == "Đơn vị tính: Tỷ đồng")
    assert unit.is_italic
    assert not any(p.text.isdigit() for p in found), "page numbers are not paragraphs"
    running = [t for t in tables(pdf584) if t.rows[0][0].text == "VIETTEL AI RACE"]
    assert [t.rows[0][1].text for t in running] == ["TD584", "TD004"], "each running header once"
    assert running[0].rows[0][0].where == "trang 1, bảng 1, hàng 1, cột 2", "the empty logo column is left out"


def test_scanned_pdf_says_it_has_no_text_layer():
    import pypdfium2

    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(PlanImportError) as caught:
        read_blocks(out.getvalue(), "scan.pdf")
    assert caught.value.message.startswith("tệp PDF là bản quét, không có lớp chữ")


def test_broken_pdf_is_refused():
    with pytest.raises(PlanImportError) as caught:
        read_blocks(b"%PDF-1.4\nnot really a pdf", "plan.pdf")
    assert caught.value.message.startswith("tệp PDF không đọc được")


# --- .doc -------------------------------------------------------------------------------------------------


def _block_shape(blocks: list) -> list:
    return [
        (b.text, b.where, b.marker, b.is_bold, b.is_italic)
        if isinstance(b, Paragraph)
        else (b.where, [[(c.text, c.where, c.merged) for c in row] for row in b.rows])
        for b in blocks
    ]


def test_doc_is_converted_by_libreoffice_and_reads_as_the_docx(tmp_path):
    if office_program() is None:
        pytest.skip("LibreOffice (soffice) is not installed: the .doc conversion cannot be tried here")
    source = corpus("nq394-cp-2025.docx")
    subprocess.run(
        [
            office_program(),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=CONVERSION_TIMEOUT,
        check=True,
    )
    old_word = (tmp_path / "nq394-cp-2025.doc").read_bytes()
    assert old_word.startswith(b"\xd0\xcf\x11\xe0")
    assert _block_shape(read_blocks(old_word, "nghi-quyet.doc")) == _block_shape(
        read_blocks(source.read_bytes(), source.name)
    )


def test_doc_without_libreoffice_names_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(PlanImportError) as caught:
        read_blocks(b"\xd0\xcf\x11\xe0" + b"\0" * 600, "plan.doc")
    assert "libreoffice-writer-nogui" in caught.value.message and ".docx" in caught.value.message


def test_broken_doc_is_refused_with_a_message():
    if office_program() is None:
        pytest.skip("LibreOffice (soffice) is not installed: the .doc conversion cannot be tried here")
    with pytest.raises(PlanImportError) as caught:
        read_blocks(b"\xd0\xcf\x11\xe0" + b"\0" * 600, "plan.doc")
    assert caught.value.message.startswith("LibreOffice không đọc được tệp .doc này")


def test_a_table_copied_from_word_as_tab_separated_rows_is_a_table():
    """Pasted text: a row a line, cells between tabs; a cell of several paragraphs breaks its row over lines."""
    source = (
        "STT\tNhiệm vụ\tChủ trì\tThời hạn\n"
        "1\tXây dựng kho dữ liệu\tSở Nội vụ\tQuý II/2026\n"
        "2\tĐào tạo cán bộ:\n- cấp tỉnh;\n- cấp xã\tSở Tài chính\tNăm 2026\n"
        "I\tNHÓM HẠ TẦNG\n"
        "3\tNâng cấp mạng\tSở Khoa học và Công nghệ\tThường xuyên\n\nĐoạn sau bảng."
    )
    blocks = text_blocks(source)
    [table] = tables(blocks)
    assert [texts(row) for row in table.rows] == [
        ["STT", "Nhiệm vụ", "Chủ trì", "Thời hạn"],
        ["1", "Xây dựng kho dữ liệu", "Sở Nội vụ", "Quý II/2026"],
        ["2", "Đào tạo cán bộ:\n- cấp tỉnh;\n- cấp xã", "Sở Tài chính", "Năm 2026"],
        ["I", "NHÓM HẠ TẦNG"],
        ["3", "Nâng cấp mạng", "Sở Khoa học và Công nghệ", "Thường xuyên"],
    ]
    assert [p.text for p in paragraphs(blocks)] == ["Đoạn sau bảng."]
