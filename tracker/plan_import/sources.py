"""Turns a file into blocks: picks the reader by what the bytes are (and, failing that, by the file's
name), so every format reaches the recognisers as the same stream of paragraphs and tables."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .blocks import Block
from .docx_reader import read_docx_blocks
from .document import PlanImportError
from .html_reader import read_html_blocks
from .text_reader import read_text

Reader = Callable[[bytes], list[Block]]

# File kind → reader.
READERS: dict[str, Reader] = {
    "text": read_text,
    "docx": read_docx_blocks,
    "html": read_html_blocks,
}

_SUFFIX_KINDS = {
    ".txt": "text", ".md": "text", ".text": "text", ".markdown": "text",
    ".docx": "docx",
    ".html": "html", ".htm": "html", ".xhtml": "html",
}


def sniff(data: bytes) -> str | None:
    """The kind the first bytes announce, or None for anything else (text)."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table")) or head.startswith(b"<?xml") and b"<html" in head:
        return "html"
    return None


def read_blocks(data: bytes, filename: str) -> list[Block]:
    """The file's paragraphs and tables in document order; PlanImportError when it cannot be read."""
    if not data.strip():
        raise PlanImportError("tệp rỗng.")
    kind = sniff(data) or _SUFFIX_KINDS.get(Path(filename).suffix.lower(), "text")
    reader = READERS.get(kind)
    if reader is None:
        raise PlanImportError(f"chưa đọc được tệp dạng {kind}: hãy lưu lại dưới dạng .docx hoặc văn bản.")
    return reader(data)
