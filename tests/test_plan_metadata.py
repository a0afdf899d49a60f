"""The plan's identity read from the document: number, date, issuer, title and year, in every numbering
form the development corpus shows, and a blank number left for the person importing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker.plan_import.blocks import Cell, Paragraph, Table
from tracker.plan_import.document import PlanDocument
from tracker.plan_import.metadata import read_metadata
from tracker.plan_import.sources import read_blocks

from .conftest import CORPUS


def _read(*lines: str) -> PlanDocument:
    doc = PlanDocument()
    read_metadata([Paragraph(line, f"dòng {n}") for n, line in enumerate(lines, 1)], doc)
    return doc


@pytest.mark.parametrize(
    "lines, number, issued_on",
    [
        (
            ["ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP", "Số: 552/KH-UBND", "Đồng Tháp, ngày 19 tháng 11 năm 2025"],
            "552/KH-UBND",
            "2025-11-19",
        ),
        (["Số 3260-KH/ĐĐQH15", "Hà Nội, ngày 10 tháng 01 năm 2025"], "3260-KH/ĐĐQH15", "2025-01-10"),
        (["Số hiệu:", "6225/BVHTTDL-VP", "Ngày ban hành:", "18/11/2025"], "6225/BVHTTDL-VP", "2025-11-18"),
        (
            ["PHỤ LỤC", "(Kèm theo Nghị quyết số 394/NQ-CP ngày 03 tháng 12 năm 2025 của Chính phủ)"],
            "394/NQ-CP",
            "2025-12-03",
        ),
        (["(Ban hành kèm theo Quyết định 2623/QĐ-TTg ngày 05/12/2025)"], "2623/QĐ-TTg", "2025-12-05"),
        (["Kế hoạch ban hành kèm theo Quyết định 110/QĐ-BXD năm 2025"], "110/QĐ-BXD", None),
        (
            ["Tại tiểu mục 1 mục II Kế hoạch ban hành kèm Quyết định 1872/QÐ-BVHTTDL năm 2023 nhấn mạnh:"],
            "1872/QĐ-BVHTTDL",
            None,
        ),
        (["Số: 03/NQ-CP", "Hà Nội, ngày 09 tháng 01 năm 2025"], "03/NQ-CP", "2025-01-09"),
    ],
    ids=[
        "letterhead",
        "party-number",
        "site-fields",
        "appendix-caption",
        "attached-decision",
        "year-after-number",
        "attached-without-theo",
        "resolution",
    ],
)
def test_the_plan_number_and_date_are_read_in_every_numbering_form(lines, number, issued_on):
    doc = _read(*lines)
    assert (doc.number, doc.issued_on) == (number, issued_on)


def test_a_blank_letterhead_number_is_left_for_the_person_importing():
    doc = _read("Số: /KH-UBND", "Hà Nội, ngày    tháng 11 năm 2025", "KẾ HOẠCH", "Kế hoạch số: /KH-UBND ngày / /2025")
    assert doc.number is None


def test_a_cited_document_is_not_taken_for_the_plans_number():
    doc = _read("KẾ HOẠCH", "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;")
    assert doc.number is None


def test_a_letterhead_table_gives_issuer_number_and_date():
    letterhead = Table(
        [
            [
                Cell("ỦY BAN NHÂN DÂN\nTỈNH SƠN LA", "bảng 1, hàng 1, cột 1"),
                Cell("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "bảng 1, hàng 1, cột 2"),
            ],
            [
                Cell("Số: 254/QĐ-UBND", "bảng 1, hàng 2, cột 1"),
                Cell("Sơn La, ngày 17 tháng 02 năm 2023", "bảng 1, hàng 2, cột 2"),
            ],
        ],
        "bảng 1",
    )
    doc = PlanDocument()
    read_metadata(
        [
            letterhead,
            Paragraph("KẾ HOẠCH", "đoạn 1"),
            Paragraph("THỰC HIỆN CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC NĂM 2023", "đoạn 2"),
        ],
        doc,
    )
    assert (doc.number, doc.issued_on, doc.year) == ("254/QĐ-UBND", "2023-02-17", 2023)
    assert doc.issuer == "ỦY BAN NHÂN DÂN TỈNH SƠN LA"
    assert doc.title == "KẾ HOẠCH THỰC HIỆN CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC NĂM 2023"


def test_a_plan_over_several_years_runs_from_its_first_to_its_last():
    doc = _read("Số: 12/KH-UBND", "ngày 20 tháng 11 năm 2025", "KẾ HOẠCH", "CHUYỂN ĐỔI SỐ GIAI ĐOẠN 2026-2030")
    assert (doc.year, doc.end_year) == (2026, 2030)


def _corpus_files() -> list[Path]:
    assert CORPUS.is_dir(), f"the development corpus is expected at {CORPUS}"
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".md", ".docx", ".html") and p.name != "README.md")


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_every_corpus_document_states_the_number_and_date_its_ground_truth_gives(path):
    expected = json.loads((CORPUS / f"{path.name.rsplit('.', 1)[0]}.expected.json").read_text(encoding="utf-8"))
    doc = PlanDocument()
    read_metadata(read_blocks(path.read_bytes(), path.name), doc)
    if path.name.startswith("kh127"):
        # An article quoting the plan ("Căn cứ vào Kế hoạch 127/KH-UBND …") has no letterhead: asked for.
        assert doc.number is None
        return
    assert doc.number == expected["number"]
    if path.name.startswith("qd110"):
        assert doc.year == expected["plan_year"]  # "Quyết định 110/QĐ-BXD năm 2025", no day
        return
    assert doc.issued_on == expected["date"]


def test_a_running_header_of_another_kind_is_not_taken_for_the_issuer():
    doc = _read("VIETTEL AI RACE TD584", "1. Các nhóm nhiệm vụ, giải pháp chủ yếu")
    assert doc.issuer == ""
    assert _read("BỘ XÂY DỰNG", "Số: 110/QĐ-BXD").issuer == "BỘ XÂY DỰNG"
