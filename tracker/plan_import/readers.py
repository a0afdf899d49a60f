"""Reads a plan document of any supported format and layout into a PlanDocument: a reader turns the file
into blocks, then the recognisers find the plan's identity, its tables and its paragraph items."""

from __future__ import annotations

from .document import PlanDocument, PlanImportError, PlanNumberMissing
from .metadata import read_metadata
from .paragraphs import recognise_paragraphs
from .sources import read_blocks
from .tables import recognise_tables


def read_document(data: bytes, filename: str, *, number: str | None = None) -> PlanDocument:
    """Read a plan document. Only a file that cannot be read, or in which no item, target or group is
    found, is refused (PlanImportError naming the place); every row or paragraph that looks like part of
    the plan but is not understood is listed in doc.not_understood instead."""
    blocks = read_blocks(data, filename)  # refuses an empty or unreadable file, naming the place
    doc = PlanDocument()
    read_metadata(blocks, doc)
    if number:
        doc.number = number
    recognise_tables(blocks, doc)
    if not any(section.items for section in doc.sections):
        # Plans written as paragraphs; tables that held no task rows (letterheads, KPI tables) stay read.
        doc.sections = [section for section in doc.sections if section.items]
        recognise_paragraphs(blocks, doc)
    has_items = any(section.items for section in doc.sections)
    if not has_items and not doc.groups and not doc.targets:
        where = _first_unread(doc)
        raise PlanImportError(
            "không tìm thấy nhiệm vụ nào (bảng có cột “Nhiệm vụ”/“Nội dung” và “Chủ trì”, hoặc các đoạn có "
            "dòng “Đơn vị chủ trì: …”) hay bảng giao chỉ tiêu trong văn bản" + where + ".",
            None,
        )
    if not doc.number:
        raise PlanNumberMissing(
            "văn bản không ghi số hiệu (ví dụ “Số: 552/KH-UBND” hoặc “Kèm theo Quyết định số 1872/QĐ-BVHTTDL”, "
            "hoặc số để trống “Số: /KH-UBND”); hãy nhập số hiệu của kế hoạch (tùy chọn --number).",
            doc,
        )
    if not has_items:
        doc.warnings.append("văn bản không có danh sách nhiệm vụ: chỉ nhập các chỉ tiêu.")
    return doc


def _first_unread(doc: PlanDocument) -> str:
    """Where the first not-understood part is, for the refusal message."""
    if not doc.not_understood:
        return ""
    first = doc.not_understood[0]
    return f"; {len(doc.not_understood)} đoạn không hiểu được, đoạn đầu ở {first.where}"
