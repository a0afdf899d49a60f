"""Reads a plan document of any supported layout into a PlanDocument: picks the reader by file type."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .docx_reader import read_docx
from .document import PlanDocument, PlanImportError, Table
from .html_reader import read_html
from .metadata import read_metadata, strip_bookmarks
from .paragraphs import has_paragraph_items, read_paragraph_items
from .tables import interpret_tables
from .text_tables import read_pipe_tables, read_tab_tables


def _decode(data: bytes) -> str:
    """UTF-8 text (with or without BOM); anything else is refused with the place it breaks."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PlanImportError(
            "tệp không phải văn bản UTF-8 (có thể là tệp nhị phân hoặc mã hóa khác); hãy lưu lại dưới dạng UTF-8.",
            f"dòng {line}",
        ) from exc


def _from_text(data: bytes) -> tuple[str, list[Table]]:
    text = strip_bookmarks(_decode(data))
    lines = text.splitlines()
    return text, read_tab_tables(lines) + read_pipe_tables(lines)


def _from_docx(data: bytes) -> tuple[str, list[Table]]:
    return read_docx(data)


def _from_html(data: bytes) -> tuple[str, list[Table]]:
    return read_html(data)


# File type → reader returning the running text and the tables found.
READERS: dict[str, Callable[[bytes], tuple[str, list[Table]]]] = {
    ".txt": _from_text,
    ".md": _from_text,
    ".text": _from_text,
    ".docx": _from_docx,
    ".html": _from_html,
    ".htm": _from_html,
}


def read_document(data: bytes, filename: str, *, number: str | None = None) -> PlanDocument:
    """Read a plan document; raise PlanImportError naming the place when it cannot be read."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".doc":
        raise PlanImportError("tệp .doc (Word 97-2003) chưa được hỗ trợ: hãy lưu lại dưới dạng .docx.")
    reader = READERS.get(suffix, _from_text)
    if not data.strip():
        raise PlanImportError("tệp rỗng.")
    text, tables = reader(data)
    doc = PlanDocument()
    read_metadata(text, doc)
    if number:
        doc.number = number
    interpret_tables(tables, doc)
    if not doc.has_appendix2:
        lines = text.splitlines()
        if has_paragraph_items(lines):
            read_paragraph_items(lines, doc)
    if not doc.has_appendix1 and not doc.has_appendix2:
        raise PlanImportError(
            "không tìm thấy bảng giao chỉ tiêu (Phụ lục 1) hay danh sách nhiệm vụ (Phụ lục 2) trong văn bản."
        )
    if not doc.number:
        raise PlanImportError(
            "không tìm thấy số hiệu văn bản (ví dụ “Quyết định số 1872/QĐ-BVHTTDL”); "
            "hãy ghi rõ số hiệu trong văn bản hoặc dùng tùy chọn --number."
        )
    if not doc.has_appendix2:
        doc.warnings.append("văn bản không có danh sách nhiệm vụ (Phụ lục 2): chỉ nhập các chỉ tiêu.")
    if not doc.has_appendix1:
        doc.warnings.append("văn bản không có bảng giao chỉ tiêu (Phụ lục 1): chỉ nhập các nhiệm vụ.")
    return doc
