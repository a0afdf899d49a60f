"""Builds the seed plan's appendices as .docx and HTML documents, the way other offices send them."""

from __future__ import annotations

import html
import io
from pathlib import Path

from tracker.plan_import.blocks import Table
from tracker.plan_import.sources import read_blocks

HEADING = "KẾ HOẠCH"
TITLE = "HÀNH ĐỘNG NÂNG CAO CHẤT LƯỢNG VÀ HIỆU QUẢ CUNG CẤP DỊCH VỤ CÔNG TRỰC TUYẾN NĂM 2023"
ATTACHED = "(Kèm theo Quyết định số 1872/QĐ-BVHTTDL ngày 13 tháng 7 năm 2023)"


def seed_tables(seed: Path) -> list[list[list[str]]]:
    """The seed's Appendix 1 and Appendix 2 as rows of cell texts (cells keep their line breaks)."""
    tables = [block for block in read_blocks(seed.read_bytes(), seed.name) if isinstance(block, Table)]
    found = []
    for table in tables:
        rows = [[c.text.strip() for c in row] for row in table.rows]
        if rows and rows[0][0] == "STT":
            found.append([row for row in rows if any(row)])
    assert len(found) == 2, "the seed should hold Appendix 1 and Appendix 2"
    return found


def _is_section(row: list[str]) -> bool:
    return len(row) <= 2 and row[0] in {"I", "II", "III", "IV", "V"}


def build_docx(seed: Path, *, whole_row_merged: bool = False) -> bytes:
    """A .docx with both appendices as real tables: section rows merged across the columns after STT
    (or across the whole row, "I. Title"), and line breaks inside cells."""
    import docx

    document = docx.Document()
    document.add_paragraph(HEADING)
    document.add_paragraph(TITLE)
    document.add_paragraph(ATTACHED)
    for rows in seed_tables(seed):
        width = len(rows[0])
        table = document.add_table(rows=0, cols=width)
        for row in rows:
            cells = table.add_row().cells
            if _is_section(row):
                title = row[1] if len(row) > 1 else ""
                if whole_row_merged:
                    merged = cells[0].merge(cells[width - 1])
                    merged.text = f"{row[0]}. {title}".strip()
                else:
                    cells[0].text = row[0]
                    merged = cells[1].merge(cells[width - 1])
                    merged.text = title
                continue
            for cell, text in zip(cells, row):
                lines = text.split("\n")
                paragraph = cell.paragraphs[0]
                # The task's bullets as line breaks inside one paragraph, the other cells as paragraphs.
                run = paragraph.add_run(lines[0])
                for line in lines[1:]:
                    run.add_break()
                    run.add_text(line)
        document.add_paragraph("")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def build_html(seed: Path) -> bytes:
    """An HTML page with both appendices as <table>s: section rows with colspan, <br> and <p> in cells."""
    parts = [
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>Kế hoạch</title></head><body>",
        f"<p>{HEADING}</p><p>{TITLE}</p><p><i>{html.escape(ATTACHED)}</i></p>",
    ]
    for index, rows in enumerate(seed_tables(seed)):
        width = len(rows[0])
        parts.append("<table border='1'>\n")
        for r, row in enumerate(rows):
            tag = "th" if r == 0 else "td"
            if _is_section(row):
                title = row[1] if len(row) > 1 else ""
                parts.append(f"<tr><td>{row[0]}</td><td colspan='{width - 1}'><b>{html.escape(title)}</b></td></tr>\n")
                continue
            cells = []
            for c, text in enumerate(row):
                lines = [html.escape(line) for line in text.split("\n")]
                # Alternate the two ways pages break lines: <p> per line in the task, <br> elsewhere.
                body = "".join(f"<p>{line}</p>\n" for line in lines) if c == 1 and index == 1 else "<br>\n".join(lines)
                cells.append(f"<{tag}>\n  {body}\n</{tag}>")
            parts.append("<tr>" + "".join(cells) + "</tr>\n")
        parts.append("</table>\n")
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")


PROVINCIAL_PLAN = """ỦY BAN NHÂN DÂN TỈNH BÀ RỊA - VŨNG TÀU
KẾ HOẠCH
TRIỂN KHAI DỊCH VỤ CÔNG TRỰC TUYẾN NĂM 2023
(Kèm theo Quyết định số 2139/QĐ-UBND ngày 03 tháng 8 năm 2023 của UBND tỉnh)
I. MỤC ĐÍCH, YÊU CẦU
a) Mục đích chung: nâng cao tỷ lệ hồ sơ trực tuyến.
II. NHIỆM VỤ, GIẢI PHÁP
1. Nâng cao chất lượng tiếp nhận hồ sơ
a) Rà soát, công bố danh mục dịch vụ công trực tuyến toàn trình.
- Đơn vị thực hiện: Các Sở, ban, ngành.
- Đơn vị phối hợp: Văn phòng UBND tỉnh.
- Thời gian thực hiện: Tháng 9/2023.
b) Tuyên truyền, hướng dẫn người dân nộp hồ sơ trực tuyến.
- Đơn vị thực hiện: UBND cấp huyện; UBND cấp xã.
- Thời gian thực hiện: Thường xuyên.
c) Thí điểm tiếp nhận trực tuyến một số thủ tục có nhiều hồ sơ.
- Đơn vị thực hiện: Các Sở, ban, ngành; UBND cấp huyện.
- Đơn vị phối hợp: Trung tâm Phục vụ hành chính công.
- Thời gian thực hiện: quý II/2023.
2. Hoàn thiện hạ tầng
a) Nâng cấp hệ thống thông tin giải quyết thủ tục hành chính của tỉnh:
- Triển khai thanh toán trực tuyến trên Cổng dịch vụ công.
- Đơn vị thực hiện: Sở Thông tin và Truyền thông.
- Thời gian thực hiện: Tháng 10/2023.
- Triển khai ký số trên thiết bị di động cho cán bộ một cửa.
- Đơn vị thực hiện: Sở Thông tin và Truyền thông;
  Sở Nội vụ.
- Đơn vị phối hợp: Các Sở, ban, ngành.
- Thời gian thực hiện: Theo lộ trình của Chính phủ.
đ) Số hóa kết quả giải quyết thủ tục hành chính.
- Đơn vị chủ trì: Sở Nội vụ.
- Kết quả: Kho dữ liệu số hóa.
- Thời hạn hoàn thành: Trước ngày 15/12/2023.
III. TỔ CHỨC THỰC HIỆN
Các cơ quan, đơn vị căn cứ kế hoạch này triển khai thực hiện.
"""
